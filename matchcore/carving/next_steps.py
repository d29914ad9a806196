"""The next steps that end an advice (issue 15.6): who does what by when, which instrument, the
first call.

The order follows the route of seed 001 (Quick Scan -> functieomschrijving with the employer ->
the jobhunter proposes candidates -> a transition instrument -> start and aftercare). Due dates
count from the day the carving is made (``on``), in calendar days:

* capacity warnings first: the consultant corrects the scan within 3 days, before anything is
  sent (a business case on impossible hours is not shown to a director);
* the consultant sends the advice within 3 days and goes over the function description with the
  director and the experts within 14 days (seed 001: "gezamenlijk een functieomschrijving");
* per function with a proposed candidate: the jobhunter's first call within 7 days (the call
  script of seed 001), and the instrument arranged before the start: an instrument needs its
  request or agreement before the first working day (IBO: the training plan approved by VDAB;
  BIS: the agreement before the stage begins), planned within 21 days;
* per function without a candidate: the jobhunter looks for candidates in the network within
  14 days, with the reason why none was found.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matchcore.i18n import _

__all__ = ["NextStep", "next_steps"]


@dataclass
class NextStep:
    """One step: who, what, by when (ISO date), and the function it concerns (or None)."""

    who: str          # consultant | director | jobhunter | employer (stable codes)
    who_text: str
    what: str
    due: dt.date
    function: str | None = None
    instrument: str | None = None


def _who(code: str) -> str:
    return {"consultant": _("the consultant"), "director": _("the director"),
            "jobhunter": _("the jobhunter"), "employer": _("the employer")}[code]


def next_steps(result, on: dt.date | None = None) -> list[NextStep]:
    """The steps for a carving result, in order of due date, then of the route."""
    on = on or dt.date.today()
    steps: list[NextStep] = []

    def add(who, what, days, function=None, instrument=None):
        steps.append(NextStep(who, _who(who), what, on + dt.timedelta(days=days), function, instrument))

    if result.warnings:
        add("consultant", _("correct the scan where the capacity warnings point (frequencies, "
                            "headcount) and carve again before sending the advice"), 3)
    add("consultant", _("send this advice to the director"), 3)
    if result.functions:
        add("director", _("go over the function descriptions with the consultant and the experts "
                          "whose tasks move"), 14)
    for fn in result.functions:
        if fn.candidates:
            first = fn.candidates[0]
            add("jobhunter", _("first call with {candidate} about {function} ({title})").format(
                candidate=first.candidate, function=fn.id, title=fn.title), 7, fn.id)
            eligible = next((r for r in getattr(first, "instruments", []) if r.get("eligible") is True), None)
            if eligible is not None:
                add("employer", _("arrange {instrument} with the jobhunter before the first working "
                                  "day of {candidate}").format(instrument=eligible.get("name") or eligible["code"],
                                                               candidate=first.candidate),
                    21, fn.id, eligible["code"])
        else:
            add("jobhunter", _("look for candidates for {function} ({title}) in the network: {reason}").format(
                function=fn.id, title=fn.title,
                reason=fn.no_candidates_reason or _("candidates were not ranked")), 14, fn.id)
    order = {"consultant": 0, "director": 1, "jobhunter": 2, "employer": 3}
    return sorted(steps, key=lambda s: (s.due, order[s.who], s.function or ""))
