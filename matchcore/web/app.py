"""The web app: Starlette, Jinja2 templates and htmx, on the same SQLite file as the CLI.

>>> app = create_app("matchcore.db")          # doctest: +SKIP
>>> uvicorn.run(app, host="127.0.0.1")         # doctest: +SKIP

Every page is rendered on the server and readable without JavaScript; htmx only makes some
parts quicker (live search, validation while typing, saving a task without a page load, the
progress of a team assignment). ``docs/web.md`` describes the pages and the security model.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from matchcore.errors import MatchcoreError, NotFound
from matchcore.web import accounts, audit
from matchcore.web.engine import EngineUnavailable
from matchcore.web.security import Guard, StorePool

__all__ = ["create_app", "render", "store_of", "user_of"]

HERE = Path(__file__).resolve().parent
log = logging.getLogger("matchcore.web")

templates = Jinja2Templates(directory=str(HERE / "templates"))


def _eur(value) -> str:
    """Belgian money: 1166 -> '€ 1.166,00'; None -> '?'."""
    if value is None:
        return "?"
    try:
        text = f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value)
    return "€ " + text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _num(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "–"
    try:
        return f"{float(value):.{digits}f}".rstrip("0").rstrip(".") if digits else f"{float(value):.0f}"
    except (TypeError, ValueError):
        return str(value)


def _pct(value) -> str:
    try:
        return f"{100 * float(value):.0f} %"
    except (TypeError, ValueError):
        return "–"


def _width(value) -> str:
    """A 0..1 value as a CSS width, clamped."""
    try:
        return f"{max(0.0, min(1.0, float(value))) * 100:.1f}%"
    except (TypeError, ValueError):
        return "0%"


def _when(value) -> str:
    """An ISO timestamp in local time, to the minute."""
    if not value:
        return ""
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return str(value)
    if t.tzinfo is not None:
        t = t.astimezone()
    return t.strftime("%Y-%m-%d %H:%M")


def _rtext(value) -> str:
    """A reason, a competence or a cited verdict as one line of text."""
    if isinstance(value, dict):
        for key in ("text", "reason", "message", "competence", "label", "name", "what"):
            if value.get(key):
                return str(value[key])
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


templates.env.filters.update(eur=_eur, num=_num, pct=_pct, width=_width, when=_when, rtext=_rtext)
templates.env.globals.update(today=lambda: dt.date.today().isoformat())


def store_of(request: Request):
    return request.app.state.pool.get()


def user_of(request: Request) -> str | None:
    return getattr(request.state, "user", None)


def render(request: Request, name: str, context: dict | None = None, *, status: int = 200,
           headers: dict | None = None):
    return templates.TemplateResponse(request, name, context or {}, status_code=status,
                                       headers=headers)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


# --- common pages --------------------------------------------------------------------------

def home(request: Request):
    from matchcore.web.engine import module_status

    store = store_of(request)
    counts = {k: store.count(k) for k in ("candidate", "employer", "function", "scan")}
    recent_calls = store.rows("select * from contact_log order by at desc, id desc limit 5")
    return render(request, "home.html", {"counts": counts, "status": module_status(),
                                         "recent_calls": recent_calls})


LOGIN_WINDOW = dt.timedelta(minutes=15)
LOGIN_MAX_FAILURES = 5


async def login(request: Request):
    nxt = request.query_params.get("next") or "/"
    if not nxt.startswith("/") or nxt.startswith("//"):
        nxt = "/"  # never redirect to another site
    if not getattr(request.state, "accounts_on", False):
        return render(request, "login.html", {"no_accounts": True, "next": nxt})
    if request.method == "GET":
        return render(request, "login.html", {"next": nxt, "values": {}})
    form = await request.form()
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    now = dt.datetime.now(dt.UTC)
    from starlette.concurrency import run_in_threadpool

    def check():
        s = store_of(request)
        if audit.failed_logins_since(s, name, now - LOGIN_WINDOW) >= LOGIN_MAX_FAILURES:
            return "locked"
        if accounts.verify_password(s, name, password):
            accounts.end_session(s, request.state.session_token)
            token, _ = accounts.new_session(s, name)
            with s.db.atomic():
                audit.record(s, name, "login", f"user:{name}")
            accounts.purge_sessions(s)
            return token
        with s.db.atomic():
            audit.record(s, None, "login.failed", f"user:{name}")
        return None

    result = await run_in_threadpool(check)
    if result in (None, "locked"):
        message = ("Too many failed logins for this name; wait 15 minutes." if result == "locked"
                   else "Unknown user name or wrong password.")
        return render(request, "login.html", {"next": nxt, "error": message,
                                              "values": {"name": name}}, status=401)
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie("matchcore_session", result, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https",
                        max_age=accounts.SESSION_HOURS * 3600)
    return response


def logout(request: Request):
    store = store_of(request)
    user = user_of(request)
    accounts.end_session(store, request.state.session_token)
    if user:
        with store.db.atomic():
            audit.record(store, user, "logout", f"user:{user}")
    response = RedirectResponse("/login" if request.state.accounts_on else "/", status_code=303)
    response.delete_cookie("matchcore_session")
    return response


def audit_page(request: Request):
    store = store_of(request)
    target = request.query_params.get("target") or None
    who = request.query_params.get("user") or None
    return render(request, "audit.html", {"rows": audit.recent(store, target=target, user=who),
                                          "target": target, "who": who})


def favicon(request: Request):
    from starlette.responses import FileResponse

    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


# --- errors --------------------------------------------------------------------------------

def _error_page(request: Request, status: int, title: str, message: str, hint: str | None = None):
    if is_htmx(request):
        return HTMLResponse(f'<p class="error" role="alert">{_escape(message)}</p>',
                            status_code=status)
    return render(request, "error.html", {"title": title, "message": message, "hint": hint},
                  status=status)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def not_found(request: Request, exc: NotFound):
    return _error_page(request, 404, "Not found", str(exc))


def engine_unavailable(request: Request, exc: EngineUnavailable):
    return _error_page(request, 503, "Not available yet", str(exc))


def matchcore_error(request: Request, exc: MatchcoreError):
    return _error_page(request, 400, "Cannot do that", str(exc))


def http_error(request: Request, exc: HTTPException):
    titles = {404: "Not found", 405: "Not allowed"}
    return _error_page(request, exc.status_code, titles.get(exc.status_code, "Error"),
                       exc.detail or titles.get(exc.status_code, "Error"))


def server_error(request: Request, exc: Exception):
    log.exception("error while serving %s", request.url.path, exc_info=exc)
    return _error_page(request, 500, "Something went wrong",
                       "The page could not be made because of an error in matchcore. Nothing "
                       "you typed was saved by this request; go back and try again. The "
                       "details are in the server's log.")


# --- the app -------------------------------------------------------------------------------

def create_app(db_path: str, *, debug: bool = False) -> Starlette:
    """The web app on the store at ``db_path`` (created and migrated when needed)."""
    from matchcore.store.db import Store
    from matchcore.web import views_consultant, views_jobhunter

    Store.open(db_path).close()  # create / migrate once, before any thread opens it
    routes = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/audit", audit_page),
        Route("/favicon.ico", favicon),
        *views_jobhunter.routes,
        *views_consultant.routes,
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        debug=debug,
        routes=routes,
        exception_handlers={
            NotFound: not_found,
            EngineUnavailable: engine_unavailable,
            MatchcoreError: matchcore_error,
            HTTPException: http_error,
            500: server_error,
        },
    )
    app.state.pool = StorePool(db_path)
    app.state.jobs = {}
    app.add_middleware(Guard, pool=app.state.pool)
    return app
