"""The web app: Starlette, Jinja2 templates and htmx, on the same SQLite file as the CLI.

>>> app = create_app("matchcore.db")          # doctest: +SKIP
>>> uvicorn.run(app, host="127.0.0.1")         # doctest: +SKIP

Every page is rendered on the server and readable without JavaScript; htmx only makes some
parts quicker (live search, validation while typing, saving a task without a page load, the
progress of a team assignment). ``docs/web.md`` describes the pages and the security model.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from markupsafe import escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from matchcore.errors import MatchcoreError, NotFound
from matchcore.i18n import _, normalise_language, use_language
from matchcore.store import Store
from matchcore.web import accounts, audit, logins, views_consultant, views_jobhunter, views_records
from matchcore.web import views_agenda, views_trajectory
from matchcore.web.rendering import HERE, is_htmx, language_of, render, store_of, user_of
from matchcore.web.security import COOKIE, LANGUAGE_COOKIE, Guard, StorePool

__all__ = ["create_app"]

log = logging.getLogger("matchcore.web")


# --- common pages --------------------------------------------------------------------------

def home(request: Request):
    store = store_of(request)
    counts = {k: store.count(k) for k in ("candidate", "employer", "function", "scan")}
    recent_calls = store.rows("select * from contact_log order by at desc, id desc limit 5")
    # the signed-in coach's agenda for today, above the counts (views_agenda says whose it is)
    return render(request, "home.html", {"counts": counts, "recent_calls": recent_calls,
                                         "agenda": views_agenda.home_agenda(request, store)})


def _local_path(value: str | None) -> str:
    """A path on this site to go back to; anything else (another site, '//host') gives '/'."""
    nxt = value or "/"
    if not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
        return "/"  # never redirect to another site
    return nxt


async def choose_language(request: Request):
    """POST /language (the switch in the page header): the signed-in account keeps the choice;
    a cookie keeps it too, for the single local user and before a login."""
    form = await request.form()
    lang = normalise_language(str(form.get("lang") or ""))
    nxt = _local_path(str(form.get("next") or "/"))
    if lang is None:
        return RedirectResponse(nxt, status_code=303)
    user = user_of(request)
    if request.state.accounts_on and user:
        def save():  # in a worker thread, whose connection store_of() gives
            accounts.set_language(store_of(request), user, lang)

        await run_in_threadpool(save)
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, lang, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", max_age=365 * 24 * 3600)
    return response


async def login(request: Request):
    nxt = _local_path(request.query_params.get("next"))
    if not getattr(request.state, "accounts_on", False):
        return render(request, "login.html", {"no_accounts": True, "next": nxt})
    if request.method == "GET":
        return render(request, "login.html", {"next": nxt, "values": {}})
    form = await request.form()
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    client = request.scope.get("client")

    def check():  # in a worker thread, whose connection store_of() gives
        return logins.attempt(store_of(request), request.app.state.logins, name, password,
                              client[0] if client else None, request.state.session_token)

    result = await run_in_threadpool(check)
    if result.status != "ok":
        status, message = {
            "wrong": (401, _("Unknown user name or wrong password.")),
            "throttled": (429, _("Too many failed logins from this computer or for this name: "
                                 "wait {seconds} s, then try again.").format(
                                     seconds=result.retry_after)),
            "busy": (503, _("The server is busy checking other logins; try again in a moment.")),
        }[result.status]
        headers = {"Retry-After": str(result.retry_after)} if result.retry_after else None
        return render(request, "login.html", {"next": nxt, "error": message,
                                              "values": {"name": name}},
                      status=status, headers=headers)
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(COOKIE, result.token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https",
                        max_age=accounts.SESSION_HOURS * 3600)
    return response


def logout(request: Request):
    store = store_of(request)
    user = user_of(request)
    accounts.end_session(store, request.state.session_token)
    if user:
        with store.write(bump=False):
            audit.record(store, user, "logout", f"user:{user}")
    response = RedirectResponse("/login" if request.state.accounts_on else "/", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def audit_page(request: Request):
    store = store_of(request)
    target = request.query_params.get("target") or None
    who = request.query_params.get("user") or None
    return render(request, "audit.html", {"rows": audit.recent(store, target=target, user=who),
                                          "target": target, "who": who})


def favicon(request: Request):
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


# --- errors --------------------------------------------------------------------------------

def _error_page(request: Request, status: int, title: str, message: str, hint: str | None = None):
    if is_htmx(request):
        return HTMLResponse(f'<p class="error" role="alert">{_escape(message)}</p>',
                            status_code=status)
    return render(request, "error.html", {"title": title, "message": message, "hint": hint},
                  status=status)


def _escape(text: str) -> str:
    return str(escape(text))


def not_found(request: Request, exc: NotFound):
    return _error_page(request, 404, _("Not found"), str(exc))


def matchcore_error(request: Request, exc: MatchcoreError):
    return _error_page(request, 400, _("Cannot do that"), str(exc))


def http_error(request: Request, exc: HTTPException):
    titles = {404: _("Not found"), 405: _("Not allowed")}
    title = titles.get(exc.status_code, _("Error"))
    # Starlette's own details ("Not Found") are English: the page says the title instead
    detail = exc.detail if exc.detail and exc.detail not in ("Not Found", "Method Not Allowed") else title
    return _error_page(request, exc.status_code, title, detail)


def server_error(request: Request, exc: Exception):
    log.exception("error while serving %s", request.url.path, exc_info=exc)
    with use_language(language_of(request)):  # outside the guard: its language is in the state
            return _error_page(request, 500, _("Something went wrong"),
                           _("The page could not be made because of an error in matchcore. Nothing "
                             "you typed was saved by this request; go back and try again. The "
                             "details are in the server's log."))


# --- the app -------------------------------------------------------------------------------

def create_app(db_path: str, *, debug: bool = False, allowed_hosts: Iterable[str] = ()) -> Starlette:
    """The web app on the store at ``db_path`` (created and migrated when needed).

    It answers to the loopback host names and to ``allowed_hosts`` (names or addresses, without
    the port); requests with another ``Host`` header get 400 (see :class:`Guard`)."""
    Store.open(db_path).close()  # create / migrate once, before any thread opens it
    routes = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/language", choose_language, methods=["POST"]),
        Route("/audit", audit_page),
        Route("/favicon.ico", favicon),
        *views_records.routes,  # before the jobhunter pages: /candidates/new is no candidate
        *views_trajectory.routes,
        *views_jobhunter.routes,
        *views_consultant.routes,
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        debug=debug,
        routes=routes,
        exception_handlers={
            NotFound: not_found,
            MatchcoreError: matchcore_error,
            HTTPException: http_error,
            500: server_error,
        },
    )
    app.state.pool = StorePool(db_path)
    app.state.jobs = {}
    app.state.logins = logins.LoginGate()
    app.add_middleware(Guard, pool=app.state.pool, allowed_hosts=tuple(allowed_hosts))
    return app
