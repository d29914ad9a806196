"""Who may see what: the guard in front of every page, and the store each thread uses.

:class:`Guard` is plain ASGI middleware, so no route can forget it:

* it answers only to the host names it was started with (the ``Host`` header): the loopback
  names, plus those given with ``matchcore serve --allowed-host``; any other gets 400. A page on
  another site whose name was re-pointed at this computer (DNS rebinding) therefore cannot read
  or change anything, even with no accounts;
* it finds the session of the cookie. A GET never writes: a visitor who has not logged in gets
  no session row, only a random cookie whose HMAC is the CSRF token of the login form
  (:class:`VisitorTokens`); a session row is made at login, and a session's expiry slides on its
  writes, never on its reads;
* with no team accounts ("accounts off") it serves only clients on the loopback interface, as the
  one local user ``local``; with accounts ("accounts on") every path but ``/login`` and the
  static files needs a logged-in session: pages redirect to the login form, htmx requests and
  form posts are refused with 401 / 403;
* every POST (PUT, PATCH, DELETE) must carry the CSRF token, as the form field ``csrf_token`` or
  the header ``X-CSRF-Token``, and an ``Origin`` header, when sent, must be this host; its body
  must arrive within :data:`BODY_TIMEOUT_S` seconds and stay under :data:`MAX_FORM_BYTES`;
* it adds the cookies (HttpOnly, SameSite=Lax, Secure on https) and headers that keep personal
  data out of caches and frames.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import threading
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from matchcore.i18n import N_, DEFAULT_LANGUAGE, _, get_language, normalise_language, use_language
from matchcore.store import Store
from matchcore.web import accounts

__all__ = ["COOKIE", "LANGUAGE_COOKIE", "LOCAL_USER", "LOOPBACK_NAMES", "PUBLIC_PATHS", "VISITOR_COOKIE", "Guard",
           "StorePool", "VisitorTokens", "accept_language", "host_name", "is_loopback"]

COOKIE = "matchcore_session"
VISITOR_COOKIE = "matchcore_visitor"
LANGUAGE_COOKIE = "matchcore_lang"  # the header switch's choice when no account stores it
LOCAL_USER = "local"
PUBLIC_PATHS = ("/login", "/language")  # the language switch works on the login page too
MAX_FORM_BYTES = 2 * 1024 * 1024
# A form of 2 MiB arrives in well under a second even on a poor wifi; a client that trickles
# its body slower than this holds a worker thread for nothing (a "slow POST" attack).
BODY_TIMEOUT_S = 30
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# Starlette's test client sends "Host: testserver" from the client "testclient"; a real
# connection always has an IP address as its client, so this pair can only come from tests.
_TEST_HOST, _TEST_CLIENT = "testserver", "testclient"
_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
_VISITOR_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost' (and Starlette's test client)."""
    if not host:
        return False
    if host in ("localhost", _TEST_CLIENT):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def accept_language(header: str | None) -> str | None:
    """The best language of an ``Accept-Language`` header that matchcore has ('nl' or 'en'),
    by quality, ties by order; None when it names none of them.

    >>> accept_language("en-US,en;q=0.9,nl;q=0.8")
    'en'
    >>> accept_language("fr-BE, nl-BE;q=0.7, en;q=0.5")
    'nl'
    """
    best: tuple[float, int, str] | None = None
    for pos, part in enumerate((header or "").split(",")[:32]):
        tag, _sep, params = part.strip().partition(";")
        lang = normalise_language(tag.strip())
        if lang is None:
            continue
        q = 1.0
        for p in params.split(";"):
            key, _eq, value = p.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or (-q, pos) < (-best[0], best[1])):
            best = (q, pos, lang)
    return best[2] if best else None


def request_language(scope, stored: str | None = None) -> str:
    """The language of a request: the account's stored choice, else the header switch's cookie,
    else the browser's Accept-Language, else the server's (``MATCHCORE_LANG``, Dutch)."""
    lang = normalise_language(stored)
    if lang:
        return lang
    request = Request(scope)
    lang = normalise_language(request.cookies.get(LANGUAGE_COOKIE))
    if lang:
        return lang
    return accept_language(request.headers.get("accept-language")) or get_language() or DEFAULT_LANGUAGE


def host_name(value: str | None) -> str | None:
    """The name in a ``Host`` header or an ``--allowed-host`` value, lowercased, without the port
    (``"[::1]:8000"`` -> ``"::1"``, ``"Matchcore.Lan."`` -> ``"matchcore.lan"``); None when it is
    not a host name or an IP address."""
    text = (value or "").strip().lower()
    if text.startswith("["):  # an IPv6 address, as a Host header writes it
        end = text.find("]")
        if end < 0:
            return None
        name, rest = text[1:end], text[end + 1:]
        if ":" not in name:
            return None
    elif text.count(":") > 1:  # a bare IPv6 address (as a configured name)
        name, rest = text, ""
    else:
        name, sep, port = text.partition(":")
        rest = sep + port
    if rest and not re.fullmatch(r":[0-9]{1,5}", rest):
        return None
    name = name.rstrip(".")
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        if ":" in name:
            return None
    return name if len(name) <= 253 and _NAME_RE.match(name) else None


class StorePool:
    """One :class:`~matchcore.store.db.Store` per thread (a SQLite connection belongs to its thread)."""

    def __init__(self, path: str):
        self.path = str(path)
        self._local = threading.local()

    def get(self):
        store = getattr(self._local, "store", None)
        if store is None:

            store = self._local.store = Store.open(self.path)
        return store


class VisitorTokens:
    """CSRF tokens for visitors without a session, kept in no table: the cookie holds a random
    id, the token is its HMAC-SHA256 under a key made when the app starts. A page on another site
    cannot read the cookie, so it cannot know the token; a restart of the server only makes an
    open login form ask to be reloaded."""

    def __init__(self, key: bytes | None = None):
        self._key = key or secrets.token_bytes(32)

    @staticmethod
    def new_visitor() -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def valid(visitor: str | None) -> bool:
        return bool(visitor) and bool(_VISITOR_RE.match(visitor))

    def token(self, visitor: str) -> str:
        return hmac.new(self._key, b"csrf:" + visitor.encode(), hashlib.sha256).hexdigest()


class Guard:
    def __init__(self, app, *, pool: StorePool, allowed_hosts: Iterable[str] = (),
                 visitors: VisitorTokens | None = None,
                 cookie_max_age: int = accounts.SESSION_HOURS * 3600):
        self.app = app
        self.pool = pool
        self.hosts = LOOPBACK_NAMES | {h for h in (host_name(n) for n in allowed_hosts) if h}
        self.visitors = visitors or VisitorTokens()
        self.cookie_max_age = cookie_max_age

    def host_allowed(self, scope) -> bool:
        raw = next((v for k, v in scope.get("headers", []) if k == b"host"), b"")
        name = host_name(raw.decode("latin-1"))
        if name in self.hosts:
            return True
        client = scope.get("client")
        return name == _TEST_HOST and bool(client) and client[0] == _TEST_CLIENT

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"].startswith("/static/") and self.host_allowed(scope):
            return await self.app(scope, receive, send)
        request = Request(scope)
        with use_language(request_language(scope)):
            if not self.host_allowed(scope):
                return await PlainTextResponse(_(
                    "Refused: this matchcore answers only to the host names it was started with. "
                    "To reach it under another name, start it with 'matchcore serve --allowed-host "
                    "NAME'."), status_code=400)(scope, receive, send)
            if scope["path"] == "/favicon.ico":
                return await self.app(scope, receive, send)
            client = scope.get("client")
            info = await run_in_threadpool(self._resolve, request.cookies.get(COOKIE),
                                           request.cookies.get(VISITOR_COOKIE),
                                           client[0] if client else None)
            if info.get("deny"):
                return await PlainTextResponse(_(info["deny"]), status_code=403)(scope, receive, send)
        lang = request_language(scope, info.get("language"))
        # The language is a context variable: the endpoint, its templates and the worker threads
        # of run_in_threadpool (anyio copies the context) all see this request's language.
        with use_language(lang):
            return await self._serve(scope, receive, send, request, info, lang)

    async def _serve(self, scope, receive, send, request: Request, info: dict, lang: str):
        method = scope["method"]
        user = info["user"]
        public = scope["path"] in PUBLIC_PATHS
        if user is None and not public:
            if method in ("GET", "HEAD") and not request.headers.get("hx-request"):
                target = scope["path"] + (("?" + scope["query_string"].decode()) if scope["query_string"] else "")
                response: Response = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            elif method in ("GET", "HEAD"):
                response = PlainTextResponse(_("Log in first."), status_code=401,
                                             headers={"HX-Redirect": "/login"})
            else:
                response = PlainTextResponse(_("Log in first: this form needs a logged-in user. "
                                               "Your session may have ended; log in again in "
                                               "another tab, then send the form again."),
                                             status_code=403)
            return await self._send(response, info, scope, receive, send)

        if method in UNSAFE:
            refused = await self._check_unsafe(request, scope, receive, info)
            if isinstance(refused, Response):
                return await self._send(refused, info, scope, receive, send)
            receive = _replay(refused, receive)
            if info.get("stale"):  # the session's expiry slides on its writes only
                await run_in_threadpool(lambda: accounts.touch_session(self.pool.get(), info["token"]))

        state = scope.setdefault("state", {})
        state.update(user=user, csrf=info["csrf"], accounts_on=info["accounts_on"],
                     session_token=info["token"], lang=lang,
                     account_language=normalise_language(info.get("language")))
        await self.app(scope, receive, self._wrap_send(send, info, scope))

    # --- helpers ----------------------------------------------------------------------
    async def _check_unsafe(self, request: Request, scope, receive, info) -> Response | bytes:
        """The body of an acceptable POST, or the response that refuses it."""
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            return PlainTextResponse(_("Refused: the form was sent from another site."),
                                     status_code=403)
        body = b""
        more = True
        try:
            with anyio.fail_after(BODY_TIMEOUT_S):
                while more:
                    message = await receive()
                    body += message.get("body", b"")
                    more = message.get("more_body", False)
                    if len(body) > MAX_FORM_BYTES:
                        return PlainTextResponse(_("Form too large."), status_code=413)
        except TimeoutError:
            return PlainTextResponse(_("The form did not arrive in time; send it again."),
                                     status_code=408)
        sent = request.headers.get("x-csrf-token")
        if not sent:
            sent = await _form_token(scope, body)
        if not sent or not hmac.compare_digest(str(sent), info["csrf"]):
            return PlainTextResponse(_(
                "Not saved: the form's security token is missing or out of date (CSRF). "
                "Reload the page and send it again; copy what you typed first."),
                status_code=403)
        return body

    def _resolve(self, token: str | None, visitor: str | None, client_host: str | None) -> dict:
        """Who this is; reads only (a GET must not write)."""
        store = self.pool.get()
        on = accounts.accounts_on(store)
        if not on and not is_loopback(client_host):
            return {"deny": N_("This matchcore has no team accounts, so it answers only on this "
                                "computer. Add accounts with 'matchcore user add NAME'.")}
        session = accounts.load_session(store, token)
        info = {"accounts_on": on, "new_visitor": None}
        if session is not None:
            info.update(user=session["user_name"], csrf=session["csrf_token"], token=token,
                        stale=accounts.needs_touch(session), language=session.get("language"))
            return info
        if not self.visitors.valid(visitor):
            visitor = info["new_visitor"] = self.visitors.new_visitor()
        info.update(user=None if on else LOCAL_USER, csrf=self.visitors.token(visitor),
                    token=None)
        return info

    def _cookie(self, name: str, value: str, scope, max_age: int | None) -> bytes:
        parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        if scope.get("scheme") == "https":
            parts.append("Secure")
        return "; ".join(parts).encode("latin-1")

    def _wrap_send(self, send, info, scope):
        async def wrapped(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if info.get("new_visitor"):  # lives as long as the browser window
                    headers.append((b"set-cookie", self._cookie(
                        VISITOR_COOKIE, info["new_visitor"], scope, None)))
                defaults = {
                    b"cache-control": b"no-store",
                    b"x-frame-options": b"DENY",
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"same-origin",
                    b"content-security-policy": (b"default-src 'self'; img-src 'self' data:; "
                                                 b"style-src 'self' 'unsafe-inline'; "
                                                 b"script-src 'self'; frame-ancestors 'none'; "
                                                 b"form-action 'self'; base-uri 'none'"),
                }
                for k, v in defaults.items():
                    if k not in names:
                        headers.append((k, v))
                message = {**message, "headers": headers}
            await send(message)
        return wrapped

    async def _send(self, response, info, scope, receive, send):
        await response(scope, receive, self._wrap_send(send, info, scope))


async def _form_token(scope, body: bytes) -> str | None:
    ctype = dict(scope.get("headers", [])).get(b"content-type", b"").decode("latin-1")
    if not (ctype.startswith("application/x-www-form-urlencoded")
            or ctype.startswith("multipart/form-data")):
        return None
    request = Request(scope, _replay(body, None))
    try:
        form = await request.form()
    except Exception:  # a malformed body has no token; the guard refuses it
        return None
    value = form.get("csrf_token")
    return value if isinstance(value, str) else None


def _replay(body: bytes, original):
    """A receive() that gives the buffered body once, then waits on the real one."""
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if original is None:
            return {"type": "http.disconnect"}
        return await original()
    return receive
