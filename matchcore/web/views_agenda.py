"""The agenda in the web app (issue 14): what a coach has to do, on the start page and in full.

The data is :func:`matchcore.trajectory.agenda.agenda`, the same as ``matchcore agenda``: open PDP
actions, instrument steps, aftercare contacts and promised feedback calls due on or before a day,
overdue flagged. The start page shows the signed-in coach's items for today. Which names are
the coach's:

- with team accounts: the account name and its display name (a trajectory's coach or an action's
  ``who`` may be written either way: ``an.peeters`` or ``An Peeters``);
- the single local user (no accounts): the name in the coach's settings (``coach.name``), or, when
  none is set, everything (one coach on one computer: the whole agenda is theirs).

``GET /agenda?on=DATE&coach=NAME``: everything due on or before DATE (dd/mm/jjjj or ISO; default
today), for one coach or (no name) the whole team.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from starlette.requests import Request

from matchcore.i18n import _
from matchcore.settings import get_setting
from matchcore.trajectory.agenda import KINDS, agenda
from matchcore.web import accounts
from matchcore.web.labels import parse_date
from matchcore.web.rendering import render, store_of, user_of

__all__ = ["CoachAgenda", "agenda_page", "coach_agenda", "coach_names", "home_agenda"]

log = logging.getLogger("matchcore.web")

def coach_names(request: Request, store) -> list[str]:
    """The names the signed-in coach's items are under; empty: everything (see the module)."""
    user = user_of(request)
    if getattr(request.state, "accounts_on", False) and user:
        names = [user]
        shown = accounts.display_name(store, user)
        if shown and shown.casefold() != user.casefold():
            names.append(shown)
        return names
    try:
        name = get_setting("coach.name").strip()
    except Exception:  # a broken settings file must not take the start page down
        log.warning("the coach settings cannot be read; the start page shows the whole agenda")
        name = ""
    return [name] if name else []


def _ref_key(ref: str) -> tuple:
    """a02 before a10, contact:9 before contact:10 (the order of the agenda itself)."""
    digits = "".join(c for c in ref if c.isdigit())
    return (ref.rstrip("0123456789"), int(digits) if digits else 0, ref)


@dataclass
class CoachAgenda:
    """What a page shows: the items due up to ``on`` for ``names`` (none: everyone)."""

    on: dt.date
    names: list[str]
    items: list
    overdue_count: int

    @property
    def coach(self) -> str:
        return self.names[0] if self.names else ""


def coach_agenda(store, on: dt.date, names: list[str]) -> CoachAgenda:
    """The agenda up to ``on`` for any of ``names`` (each item once), or everything without names."""
    if not names:
        result = agenda(store, on=on)
        items = result.items
    else:
        seen: dict[tuple, object] = {}
        for name in names:
            for item in agenda(store, on=on, coach=name).items:
                seen.setdefault((item.candidate, item.ref), item)
        items = sorted(seen.values(), key=lambda i: (i.due, KINDS.index(i.kind), i.candidate or "",
                                                     _ref_key(i.ref)))
    return CoachAgenda(on, names, items, sum(i.overdue for i in items))


def home_agenda(request: Request, store) -> CoachAgenda:
    """The start page's part: the signed-in coach's agenda for today."""
    return coach_agenda(store, dt.date.today(), coach_names(request, store))


def agenda_page(request: Request):
    store = store_of(request)
    qp = request.query_params
    values = {"on": qp.get("on", "").strip(), "coach": qp.get("coach", "").strip()}
    errors: dict[str, str] = {}
    on = dt.date.today()
    if values["on"]:
        try:
            on = parse_date(values["on"])
        except ValueError:
            errors["on"] = _("must be a date written dd/mm/yyyy, got {value!r}").format(value=values["on"])
    names = [values["coach"]] if values["coach"] else []
    user = user_of(request)
    if names and user and names[0].casefold() == user.casefold():  # "mine": with the display name
        names = coach_names(request, store) or names
    result = coach_agenda(store, on, names)
    coaches = [r["coach"] for r in store.rows(
        "select distinct coach from trajectories where coach is not null and coach != '' order by coach")]
    return render(request, "agenda.html", {"agenda": result, "values": values, "errors": errors,
                                           "coaches": coaches},
                  status=422 if errors else 200)
