"""Team accounts and login sessions of the web app.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommended
profile); only the hash is stored. A session cookie carries a random token; the store keeps only
its SHA-256, so a copy of the database does not let anyone log in.

When the ``users`` table is empty the app runs without login for one user on loopback
("accounts off"); as soon as one account exists every page asks for a login ("accounts on").
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from matchcore.errors import AccountError
from matchcore.i18n import _

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "SESSION_HOURS",
    "AccountError",
    "accounts_on",
    "add_user",
    "display_name",
    "end_session",
    "list_users",
    "load_session",
    "needs_touch",
    "new_session",
    "purge_sessions",
    "remove_user",
    "set_language",
    "set_password",
    "touch_session",
    "user_exists",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 10
SESSION_HOURS = 12  # a working day; a session unused that long must log in again
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


def _hasher():

    return PasswordHasher()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(t: dt.datetime) -> str:
    return t.isoformat()


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME_RE.match(name):
        raise AccountError(_(
            "user name {name!r} must be 2 to 40 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (e.g. 'an.peeters')").format(name=name))
    return name


def _check_password(password: str) -> None:
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("the password must have at least {n} characters").format(n=MIN_PASSWORD_LENGTH))


def accounts_on(store) -> bool:
    """True when at least one team account exists (then every page needs a login)."""
    return store.db.execute("select exists(select 1 from users)").fetchone()[0] == 1


def user_exists(store, name: str) -> bool:
    return store.db.execute("select 1 from users where name = ?",
                            [(name or "").strip()]).fetchone() is not None


def list_users(store) -> list[dict]:
    return store.rows("select name, created_at, last_login_at from users order by name")


def add_user(store, name: str, password: str) -> None:
    """Add a team account; the name must be new."""
    name = _check_name(name)
    _check_password(password)
    if store.db.execute("select 1 from users where name = ?", [name]).fetchone():
        raise AccountError(_("user {name!r} already exists; use 'matchcore user passwd {plain}' "
                             "to change the password").format(name=name, plain=name))
    with store.write(bump=False):
        store.db["users"].insert({"name": name, "password_hash": _hasher().hash(password),
                                  "created_at": _iso(_now())})


def set_password(store, name: str, password: str) -> None:
    """Change a password and log the account out everywhere."""
    _check_password(password)
    with store.write(bump=False):
        cur = store.db.execute("update users set password_hash = ? where name = ?",
                               [_hasher().hash(password), name])
        if cur.rowcount == 0:
            raise AccountError(_("no such user: {name!r}").format(name=name))
        store.db.execute("delete from sessions where user_name = ?", [name])


def remove_user(store, name: str) -> None:
    """Remove an account and end its sessions."""
    with store.write(bump=False):
        cur = store.db.execute("delete from users where name = ?", [name])
        if cur.rowcount == 0:
            known = ", ".join(u["name"] for u in list_users(store)) or _("none")
            raise AccountError(_("no such user: {name!r} (users: {known})").format(name=name, known=known))
        store.db.execute("delete from sessions where user_name = ?", [name])


# A hash of a random password, verified when the user does not exist so that a login attempt
# for an unknown name costs the same time as one for a known name.
_DUMMY_HASH: str | None = None


def verify_password(store, name: str, password: str) -> bool:
    """True when ``name`` exists and ``password`` is its password."""

    global _DUMMY_HASH
    row = store.db.execute("select password_hash from users where name = ?",
                           [(name or "").strip()]).fetchone()
    hasher = _hasher()
    if row is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))
        try:
            hasher.verify(_DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        hasher.verify(row[0], password or "")
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(row[0]):
        with store.write(bump=False):
            store.db.execute("update users set password_hash = ? where name = ?",
                             [hasher.hash(password), name])
    return True


# --- sessions ---------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(store, user_name: str) -> tuple[str, str]:
    """Start the session of a user who just logged in; return (token, csrf).

    Visitors who have not logged in get no session (their CSRF token is a signed cookie,
    :class:`matchcore.web.security.VisitorTokens`), so that reading a page never writes."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    with store.write(bump=False):
        store.db["sessions"].insert({
            "token_hash": _token_hash(token), "user_name": user_name, "csrf_token": csrf,
            "created_at": _iso(now), "last_seen_at": _iso(now),
            "expires_at": _iso(now + dt.timedelta(hours=SESSION_HOURS))})
        store.db.execute("update users set last_login_at = ? where name = ?",
                         [_iso(now), user_name])
    return token, csrf


def load_session(store, token: str | None) -> dict | None:
    """The live session of a cookie token, or None. Only reads: an expired session, or one of a
    removed account, is simply not found (:func:`purge_sessions` deletes it later)."""
    if not token:
        return None
    rows = store.rows("select s.*, u.language from sessions s join users u on u.name = s.user_name "
                      "where s.token_hash = ? and s.expires_at > ?",
                      [_token_hash(token), _iso(_now())])
    return rows[0] if rows else None


def display_name(store, name: str) -> str | None:
    """The account's display name ("An Peeters"), None when it has none (or no such account)."""
    row = store.db.execute("select display_name from users where name = ?", [name]).fetchone()
    return row[0] if row and row[0] else None


def set_language(store, name: str, language: str | None) -> None:
    """Store the web pages' language of an account (``nl``/``en``; None: the default)."""
    with store.write(bump=False):
        cur = store.db.execute("update users set language = ? where name = ?", [language, name])
        if cur.rowcount == 0:
            raise AccountError(_("no such user: {name!r}").format(name=name))


# The expiry slides with use, but only on a write, and then at most every 5 minutes: reading
# pages writes nothing, and a coach who only reads is logged out SESSION_HOURS after the login
# or the last save.
TOUCH_EVERY = dt.timedelta(minutes=5)


def needs_touch(session: dict) -> bool:
    return _now() - dt.datetime.fromisoformat(session["last_seen_at"]) > TOUCH_EVERY


def touch_session(store, token: str | None) -> None:
    """Move the session's expiry SESSION_HOURS ahead (called for a POST of the session)."""
    if not token:
        return
    now = _now()
    with store.write(bump=False):
        store.db.execute(
            "update sessions set last_seen_at = ?, expires_at = ? where token_hash = ?",
            [_iso(now), _iso(now + dt.timedelta(hours=SESSION_HOURS)), _token_hash(token)])


def end_session(store, token: str | None) -> None:
    if token:
        with store.write(bump=False):
            store.db.execute("delete from sessions where token_hash = ?", [_token_hash(token)])


def purge_sessions(store) -> int:
    """Delete expired sessions, and the visitor sessions older versions made; return how many."""
    with store.write(bump=False):
        return store.db.execute("delete from sessions where expires_at <= ? or user_name is null",
                                [_iso(_now())]).rowcount
