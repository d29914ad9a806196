"""Rendering shared by every page: the Jinja2 templates with their Belgian-format filters, and
the request helpers (the store of this request, the signed-in user, htmx detection)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.requests import Request
from starlette.templating import Jinja2Templates

__all__ = ["HERE", "is_htmx", "render", "store_of", "templates", "user_of"]

HERE = Path(__file__).resolve().parent
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
