"""The agenda: everything a coach has to do on or before a date, overdue items flagged (issue 14).

Four kinds of items, in one list:

- ``action``: an open PDP action of a trajectory (source gap, exclusion or manual);
- ``instrument_step``: an open action made from an instrument's step at the placement;
- ``aftercare``: an open aftercare contact of the placement's schedule;
- ``feedback_call``: a call promised in the web app's contact log (belscript step 8, "spreek
  meteen af wanneer je feedback zal opvragen", seed 001): an entry with a ``feedback_date``, or
  with outcome ``call_back`` and its ``outcome_date``. It counts as made when a later entry was
  logged for the same employer, function and candidate.

Only items with a date are due; an item is ``overdue`` when its date is before the agenda's day.
Order: by date, then kind (the order above), then candidate, then the action id or contact
number, so the same data always gives the same list.

``coach``: the trajectories whose coach is that name, or whose action names it among ``who``;
the contact-log entries that user logged. Names compare case-insensitively.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matchcore.i18n import _

__all__ = ["KINDS", "Agenda", "AgendaItem", "agenda"]

KINDS = ("action", "instrument_step", "aftercare", "feedback_call")
_KIND_OF_SOURCE = {"instrument": "instrument_step", "aftercare": "aftercare"}


@dataclass(frozen=True)
class AgendaItem:
    """One thing to do: when, what kind, for which candidate, what, who, whether overdue."""

    due: dt.date
    kind: str
    candidate: str | None
    what: str
    who: str | None
    coach: str | None
    overdue: bool
    ref: str          # the action id (a03) or the contact-log entry (contact:17)
    function: str | None = None


@dataclass(frozen=True)
class Agenda:
    """``matchcore agenda``: what is due on or before ``on``."""

    on: dt.date
    coach: str | None
    overdue_count: int
    items: list[AgendaItem]


def _same(a: str | None, b: str) -> bool:
    return a is not None and a.strip().casefold() == b.strip().casefold()


def _names(who: str | None) -> list[str]:
    return [w.strip() for w in (who or "").replace(";", ",").split(",") if w.strip()]


def _actions(store, on: dt.date, coach: str | None) -> list[AgendaItem]:
    rows = store.db.execute(
        "select a.candidate_id, a.action_id, a.what, a.who, a.due, a.source, t.coach, a.function_id "
        "from trajectory_actions a join trajectories t on t.candidate_id = a.candidate_id "
        "where a.status = 'open' and a.due is not null and a.due <= ?", [on.isoformat()]).fetchall()
    out = []
    for cid, aid, what, who, due, source, owner, function in rows:
        if coach and not (_same(owner, coach) or any(_same(n, coach) for n in _names(who))):
            continue
        day = dt.date.fromisoformat(due)
        out.append(AgendaItem(day, _KIND_OF_SOURCE.get(source, "action"), cid, what, who, owner,
                              day < on, aid, function))
    return out


def _has_table(db, name: str) -> bool:
    return db.execute("select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchone() is not None


def _feedback_calls(store, on: dt.date, coach: str | None) -> list[AgendaItem]:
    db = store.db
    if not _has_table(db, "contact_log"):  # a store the web app never opened has no calls
        return []
    rows = db.execute(
        "select c.id, c.by_user, c.employer_id, c.function_id, c.function_title, c.candidate_id, "
        "case when c.feedback_date is not null and c.feedback_date != '' then c.feedback_date "
        "when c.outcome = 'call_back' then c.outcome_date end as due "
        "from contact_log c where due is not null and due != '' and due <= :on "
        "and not exists (select 1 from contact_log later where later.id > c.id "
        "and later.employer_id is c.employer_id and later.function_id is c.function_id "
        "and later.candidate_id is c.candidate_id)", {"on": on.isoformat()}).fetchall()
    out = []
    for cid, by, employer, function, title, candidate, due in rows:
        if coach and not _same(by, coach):
            continue
        try:
            day = dt.date.fromisoformat(due[:10])
        except ValueError:  # a hand-edited date: not on the agenda rather than no agenda at all
            continue
        what = _("feedback call to {employer} about {function}").format(
            employer=employer, function=title or function or "-")
        out.append(AgendaItem(day, "feedback_call", candidate or None, what, by, by, day < on,
                              f"contact:{cid}", function))
    return out


def agenda(store, *, on: dt.date | None = None, coach: str | None = None) -> Agenda:
    """What is due on or before ``on`` (default today), for one coach or the whole team."""
    on = on or dt.date.today()
    with store.read():
        items = _actions(store, on, coach) + _feedback_calls(store, on, coach)
    items.sort(key=lambda i: (i.due, KINDS.index(i.kind), i.candidate or "", _ref_key(i.ref)))
    return Agenda(on, coach, sum(i.overdue for i in items), items)


def _ref_key(ref: str) -> tuple:
    """a02 before a10, contact:9 before contact:10."""
    digits = "".join(c for c in ref if c.isdigit())
    return (ref.rstrip("0123456789"), int(digits) if digits else 0, ref)
