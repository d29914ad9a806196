"""Placing a candidate: the placement record, the instrument's steps as dated actions, the
aftercare schedule, and the instrument's rules that end a placement as reminders.

The instrument is evaluated for the pair on the start date
(:func:`matchcore.instruments.evaluate_all` with the one code); each of its steps
(:class:`~matchcore.instruments.StepLine`: what, by whom, due when, whether the date is legal)
becomes an action with source ``instrument``. A step without a date that recurs ("regularly",
"yearly") becomes an action without a due date, listed in the plan but never on the agenda.

Reminders are the instrument's notes and steps about what ends the placement or the service
(absences, closing, stopping), with the instrument's own citation. They are recognised by what
does not change with the language or the wording of a plugin's texts: the dated parameter the
rule cites (:data:`ENDING_PARAMETERS`, the names in the plugin's parameter file), or a line the
plugin marks itself (an ``ends_placement`` attribute that is true). For the built-in TWE they are
the absence rules of the VDAB partner manual (seed 004, 1.2.1 "Klant is afwezig": a new
appointment within 7 calendar days, the service stops after the next absence: ``reschedule_days``;
closing after 2 months without contract days: ``closes_after_idle_months``) and for WIO the FAQ's
"absence of more than 1/10 ends the project" (seed 003; RULES-2026.md, "#kiesvoorpersoonsbegeleider
/ WIO": ``max_unjustified_absence_share``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from matchcore.i18n import _
from matchcore.instruments import evaluate_all
from matchcore.model.trajectory import Action, Placement, Reminder, Trajectory, next_action_id
from matchcore.trajectory.aftercare import AFTERCARE_SOURCE, schedule
from matchcore.trajectory.plan import enter_phase

__all__ = ["ENDING_PARAMETERS", "PlaceResult", "place", "reminders_of"]

# The parameters (plugins/<instrument>.yaml) whose rules end the placement or the service, by
# instrument code: a note or step citing one is a reminder (seed 004, 1.2.1 for TWE; seed 003 for WIO).
ENDING_PARAMETERS: dict[str, frozenset[str]] = {
    "TWE": frozenset({"reschedule_days", "closes_after_idle_months"}),
    "WIO": frozenset({"max_unjustified_absence_share"}),
}


@dataclass
class PlaceResult:
    """What ``traject place`` did."""

    candidate: str
    placement: Placement
    instrument_actions: list[Action] = field(default_factory=list)
    aftercare_actions: list[Action] = field(default_factory=list)
    eligible: bool | None = None
    reasons: list[str] = field(default_factory=list)


def _ends(code: str, line) -> bool:
    if getattr(line, "ends_placement", False) is True:
        return True
    names = {str(p).split("@")[0] for p in getattr(line, "parameters", None) or ()}
    return bool(names & ENDING_PARAMETERS.get(code.upper(), frozenset()))


def reminders_of(result) -> list[Reminder]:
    """The notes and steps of an :class:`~matchcore.instruments.InstrumentResult` that say what
    ends the placement (:data:`ENDING_PARAMETERS`, or marked by the plugin), each once, notes
    first, in the language the result was evaluated in."""
    out, seen = [], set()
    for line in [*result.notes, *result.steps]:
        text = line.what if hasattr(line, "what") else line.text
        if _ends(result.code, line) and text not in seen:
            seen.add(text)
            out.append(Reminder(text=_(text), source=line.source))
    return out


def _add(traj: Trajectory, **fields) -> Action:
    action = Action(id=next_action_id(a.id for a in traj.actions), **fields)
    traj.actions.append(action)
    return action


def place(traj: Trajectory, candidate, employer, function, *, start: dt.date, aftercare: str,
          instrument: str | None = None, on: dt.date | None = None) -> PlaceResult:
    """Record the placement on ``traj`` (in place): the instrument's steps and the aftercare
    contacts become actions, the instrument's ending rules reminders, and the phase moves to
    ``instrument`` (with an instrument) or ``geplaatst`` on the start date.

    A placement recorded before is replaced: its open instrument and aftercare actions go, those
    done stay (they happened).

    Raises
    ------
    NotFound
        No instrument with that code is installed (with the closest code as a hint).
    """
    fid = f"{employer.id}/{function.id}"
    on = on or dt.date.today()
    result_of = None
    if instrument:
        (result_of,) = evaluate_all(candidate, employer, function, start=start, on=on, codes=[instrument])
        instrument = result_of.code
    traj.actions = [a for a in traj.actions
                    if not (a.source in ("instrument", "aftercare") and a.status == "open")]
    placement = Placement(function=fid, instrument=instrument, start=start, aftercare=aftercare,
                          reminders=reminders_of(result_of) if result_of else [])
    traj.placement = placement
    out = PlaceResult(traj.candidate, placement)
    if result_of is not None:
        out.eligible = result_of.eligible
        out.reasons = [_(r.text) for r in result_of.reasons if r.ok is False]
        for step in result_of.steps:
            out.instrument_actions.append(_add(
                # stored in the language of the placement, as the aftercare contacts and the plan's actions
                traj, what=f"{result_of.code}: {_(step.what)}", who=_(step.who) if step.who else step.who,
                due=step.due, source="instrument", legal=step.legal,
                recurring=_(step.recurring) if step.recurring else step.recurring, function=fid,
                note=step.source))
    for due, what, who in schedule(aftercare, start):
        out.aftercare_actions.append(_add(traj, what=what, who=who, due=due, source="aftercare",
                                          function=fid, note=AFTERCARE_SOURCE))
    enter_phase(traj, "instrument" if instrument else "geplaatst", start)
    return out
