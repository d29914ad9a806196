"""Aftercare (nazorg) after a placement: the three forms of seed 001 as schedules of contacts.

Seed 001, 3.5 "Nazorg" describes three forms, chosen by how self-reliant the candidate is and
what the workplace needs:

- ``zonder``: no contact with the employer; the coach follows the candidate up by regular
  contact (phone, text, e-mail);
- ``vrijblijvend``: the same, plus regular informal contact with the employer (the team leader,
  the line manager or the mentor who trains the newcomer);
- ``coaching``: coaching on the floor for candidate and employer, most in the first weeks
  ("vooral in de eerste weken op de werkplek"), with regular evaluations of a guidance plan.

The seed names one date: the check six months after the start (Sense vzw pays a second premium
"als de doorstromer na 6 maanden nog steeds in het NEC aan het werk is"). Every form ends with
it. The other intervals are matchcore's defaults, not the seed's (it says "regelmatig"): a
contact after 1 week, 1 month and 3 months; the employer after 2 weeks and 3 months; coaching on
the floor weekly in the first 4 weeks. A coach moves or adds contacts with ``traject action``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from matchcore.i18n import N_, _

__all__ = ["AFTERCARE_SOURCE", "SCHEDULES", "Contact", "schedule"]

AFTERCARE_SOURCE = "S-001, 3.5 Nazorg"


@dataclass(frozen=True)
class Contact:
    """One planned aftercare contact: ``weeks`` or ``months`` after the start (calendar months:
    the same day of the month, the month's last day when it is shorter)."""

    what: str          # an English msgid, translated when the action is made
    who: str
    weeks: int = 0
    months: int = 0

    def due(self, start: dt.date) -> dt.date:
        return start + relativedelta(weeks=self.weeks, months=self.months)


_CANDIDATE = N_("aftercare: contact the candidate (phone, text, e-mail): how is the job going?")
_EMPLOYER = N_("aftercare: informal contact with the employer (team leader, line manager or mentor)")
_FLOOR = N_("aftercare: coaching on the floor with the candidate and the employer, week {n}")
_EVALUATION = N_("aftercare: evaluate the guidance plan with the candidate and the employer")
_SIX_MONTHS = N_("aftercare: six-month check: is the candidate still at work? (seed 001, 3.5)")
# who makes each contact, in the language of the placement (as the plan's "candidate, coach")
_COACH = N_("coach")
_COACH_EMPLOYER = N_("coach, employer")
_ALL = N_("coach, candidate, employer")

SCHEDULES: dict[str, tuple[Contact, ...]] = {
    "zonder": (
        Contact(_CANDIDATE, _COACH, weeks=1),
        Contact(_CANDIDATE, _COACH, months=1),
        Contact(_CANDIDATE, _COACH, months=3),
        Contact(_SIX_MONTHS, _COACH, months=6),
    ),
    "vrijblijvend": (
        Contact(_CANDIDATE, _COACH, weeks=1),
        Contact(_EMPLOYER, _COACH, weeks=2),
        Contact(_CANDIDATE, _COACH, months=1),
        Contact(_CANDIDATE, _COACH, months=3),
        Contact(_EMPLOYER, _COACH, months=3),
        Contact(_SIX_MONTHS, _COACH, months=6),
    ),
    "coaching": (
        *(Contact(_FLOOR, _COACH_EMPLOYER, weeks=n) for n in (1, 2, 3, 4)),
        Contact(_EVALUATION, _ALL, months=1),
        Contact(_EVALUATION, _ALL, months=3),
        Contact(_SIX_MONTHS, _COACH, months=6),
    ),
}


def schedule(form: str, start: dt.date) -> list[tuple[dt.date, str, str]]:
    """``(due, what, who)`` of each contact of an aftercare form after ``start``, by date; the
    texts in the current language."""
    out = []
    for contact in SCHEDULES[form]:
        week = contact.weeks if "{n}" in contact.what else None
        what = _(contact.what).format(n=week) if week is not None else _(contact.what)
        out.append((contact.due(start), what, _(contact.who)))
    return sorted(out, key=lambda c: c[0])
