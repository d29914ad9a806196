"""Who may see what: the guard in front of every page, and the store each thread uses.

:class:`Guard` is plain ASGI middleware, so no route can forget it:

* it finds the session of the cookie (or starts one: a visitor gets a session before logging in,
  so that the login form has a CSRF token too);
* with no team accounts ("accounts off") it serves only clients on the loopback interface, as the
  one local user ``local``; with accounts ("accounts on") every path but ``/login`` and the
  static files needs a logged-in session: pages redirect to the login form, htmx requests and
  form posts are refused with 401 / 403;
* every POST (PUT, PATCH, DELETE) must carry the session's CSRF token, as the form field
  ``csrf_token`` or the header ``X-CSRF-Token``, and an ``Origin`` header, when sent, must be this
  host;
* it adds the session cookie (HttpOnly, SameSite=Lax, Secure on https) and headers that keep
  personal data out of caches and frames.
"""
from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from matchcore.store import Store
from matchcore.web import accounts

__all__ = ["COOKIE", "LOCAL_USER", "PUBLIC_PATHS", "Guard", "StorePool", "is_loopback"]

COOKIE = "matchcore_session"
LOCAL_USER = "local"
PUBLIC_PATHS = ("/login",)
MAX_FORM_BYTES = 2 * 1024 * 1024
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost' (and Starlette's test client)."""
    if not host:
        return False
    if host in ("localhost", "testclient"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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


class Guard:
    def __init__(self, app, *, pool: StorePool, cookie_max_age: int = accounts.SESSION_HOURS * 3600):
        self.app = app
        self.pool = pool
        self.cookie_max_age = cookie_max_age

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith("/static/") or scope["path"] == "/favicon.ico":
            return await self.app(scope, receive, send)
        request = Request(scope)
        client = scope.get("client")
        info = await run_in_threadpool(self._resolve, request.cookies.get(COOKIE),
                                       client[0] if client else None)
        if info.get("deny"):
            return await PlainTextResponse(info["deny"], status_code=403)(scope, receive, send)

        method = scope["method"]
        user = info["user"]
        public = scope["path"] in PUBLIC_PATHS
        if user is None and not public:
            if method in ("GET", "HEAD") and not request.headers.get("hx-request"):
                target = scope["path"] + (("?" + scope["query_string"].decode()) if scope["query_string"] else "")
                response: Response = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            elif method in ("GET", "HEAD"):
                response = PlainTextResponse("Log in first.", status_code=401,
                                             headers={"HX-Redirect": "/login"})
            else:
                response = PlainTextResponse("Log in first: this form needs a logged-in user.",
                                             status_code=403)
            return await self._send(response, info, scope, receive, send)

        if method in UNSAFE:
            origin = request.headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
                return await self._send(PlainTextResponse(
                    "Refused: the form was sent from another site.", status_code=403),
                    info, scope, receive, send)
            body = b""
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > MAX_FORM_BYTES:
                    return await self._send(PlainTextResponse("Form too large.", status_code=413),
                                            info, scope, receive, send)
            sent = request.headers.get("x-csrf-token")
            if not sent:
                sent = await _form_token(scope, body)
            if not sent or not hmac.compare_digest(str(sent), info["csrf"]):
                return await self._send(PlainTextResponse(
                    "Refused: the form's security token is missing or out of date (CSRF). "
                    "Go back, reload the page and send it again; what you typed is still in "
                    "the browser's back history.", status_code=403), info, scope, receive, send)
            receive = _replay(body, receive)

        state = scope.setdefault("state", {})
        state.update(user=user, csrf=info["csrf"], accounts_on=info["accounts_on"],
                     session_token=info["token"])
        await self.app(scope, receive, self._wrap_send(send, info, scope))

    # --- helpers ----------------------------------------------------------------------
    def _resolve(self, token: str | None, client_host: str | None) -> dict:
        store = self.pool.get()
        on = accounts.accounts_on(store)
        if not on and not is_loopback(client_host):
            return {"deny": ("This matchcore has no team accounts, so it answers only on this "
                             "computer. Add accounts with 'matchcore user add NAME'.")}
        session = accounts.load_session(store, token)
        new_token = None
        if session is None:
            if secrets.randbelow(100) == 0:
                accounts.purge_sessions(store)  # now and then, drop expired visitor sessions
            new_token, csrf = accounts.new_session(store, None)
            session = {"user_name": None, "csrf_token": csrf}
            token = new_token
        user = session["user_name"] or (None if on else LOCAL_USER)
        return {"user": user, "csrf": session["csrf_token"], "accounts_on": on,
                "token": token, "new_token": new_token}

    def _cookie(self, token: str, scope) -> bytes:
        parts = [f"{COOKIE}={token}", "Path=/", "HttpOnly", "SameSite=Lax",
                 f"Max-Age={self.cookie_max_age}"]
        if scope.get("scheme") == "https":
            parts.append("Secure")
        return "; ".join(parts).encode("latin-1")

    def _wrap_send(self, send, info, scope):
        async def wrapped(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if info.get("new_token"):
                    headers.append((b"set-cookie", self._cookie(info["new_token"], scope)))
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
