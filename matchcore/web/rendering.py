"""Rendering shared by every page: the Jinja2 templates with the i18n extension and the Belgian
formats of :mod:`matchcore.i18n`, and the request helpers (the store of this request, the
signed-in user, htmx detection).

Templates translate with ``{% trans %}...{% endtrans %}`` and ``_("...")`` (English message
ids, Dutch in the catalogue; newstyle gettext, so ``_("{n} of {total}", n=1, total=3)`` fills
placeholders after translation and escapes them). The language is the request's, set by the
guard (:mod:`matchcore.web.security`) with :func:`matchcore.i18n.set_language`; ``lang`` in every
template is its code, for ``<html lang>``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from matchcore.i18n import (LANGUAGES, format_date, format_money, format_number, format_percent,
                            get_language, gettext, ngettext, use_language)
from matchcore.web.labels import component_label, label

__all__ = ["HERE", "is_htmx", "language_of", "render", "store_of", "templates", "user_of"]

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(gettext, ngettext, newstyle=True)


def _eur(value) -> str:
    """Belgian money: 1165.3 -> '€ 1.165,30' (Dutch); None -> '?'."""
    if value is None or value == "":
        return "?"
    try:
        return format_money(float(value))
    except (TypeError, ValueError):
        return str(value)


def _num(value, digits: int = 1) -> str:
    """A number with at most ``digits`` decimals, trailing zeros dropped: 7.50 -> '7,5'."""
    if value is None or value == "":
        return "–"
    try:
        x = round(float(value), digits)
    except (TypeError, ValueError):
        return str(value)
    text = format_number(x, digits)
    if digits:
        sep = format_number(0.5, 1)[1]  # the decimal sign of the language
        text = text.rstrip("0").rstrip(sep) if sep in text else text
    return text


def _pct(value) -> str:
    """0.5 -> '50%'."""
    try:
        return format_percent(float(value))
    except (TypeError, ValueError):
        return "–"


def _width(value) -> str:
    """A 0..1 value as a CSS width, clamped (CSS wants a point, never the language's comma)."""
    try:
        return f"{max(0.0, min(1.0, float(value))) * 100:.1f}%"
    except (TypeError, ValueError):
        return "0%"


def _when(value) -> str:
    """An ISO timestamp in local time, to the minute, as Belgians write it: 01/12/2026 14:05."""
    if not value:
        return ""
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return str(value)
    if t.tzinfo is not None:
        t = t.astimezone()
    return f"{format_date(t.date(), 'short')} {t:%H:%M}"


def _date(value, form: str = "long") -> str:
    """An ISO date: '1 december 2026' (long) or '01/12/2026' (short); other text as it is."""
    if not value:
        return ""
    try:
        return format_date(value, form)
    except (TypeError, ValueError):
        return str(value)


def _rtext(value) -> str:
    """A reason, a competence or a cited verdict as one line of text."""
    if isinstance(value, dict):
        for key in ("text", "reason", "message", "competence", "label", "name", "what"):
            if value.get(key):
                return str(value[key])
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


templates.env.filters.update(eur=_eur, num=_num, pct=_pct, width=_width, when=_when,
                             date=_date, rtext=_rtext)
templates.env.globals.update(today=lambda: format_date(dt.date.today()), languages=LANGUAGES,
                             label=label, component_label=component_label)


def store_of(request: Request):
    return request.app.state.pool.get()


def user_of(request: Request) -> str | None:
    return getattr(request.state, "user", None)


def language_of(request: Request) -> str:
    """The language of this request (set by the guard), else the current one."""
    return getattr(request.state, "lang", None) or get_language()


def render(request: Request, name: str, context: dict | None = None, *, status: int = 200,
           headers: dict | None = None):
    lang = language_of(request)
    ctx = {"lang": lang, **(context or {})}
    with use_language(lang):  # the template renders here, whatever thread or task this is
        return templates.TemplateResponse(request, name, ctx, status_code=status,
                                          headers=headers)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"
