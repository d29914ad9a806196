"""The personal doorstroomplan (PDP) built from a match: what stands between a candidate and a
function becomes actions (seed 001, 3.1: "Het vinden en aanboren van hulpbronnen om deze
hindernissen weg te nemen leidt tot het plannen van acties").

From the matcher's explanation of the pair (:class:`~matchcore.matching.results.FunctionMatch`):

- every required competence the candidate lacks becomes a training action (source ``gap``);
- a required competence held below the level asked becomes a training action too;
- an exclusion that a plan can remove (:data:`ACTIONABLE`: a driving licence, Dutch, own
  transport, the commute) becomes an action (source ``exclusion``). Limits of the person (lifting,
  standing, night work, the hours and shifts they can work) are respected, never planned away.

An action whose text is already open in the trajectory is not added twice, so planning again
after a change adds only what is new.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from matchcore.i18n import N_, _
from matchcore.model.trajectory import PHASES, Action, PhaseEntry, Trajectory, next_action_id

__all__ = ["ACTIONABLE", "PLAN_DAYS", "PlanResult", "add_plan", "enter_phase"]

# The coach's default term for a PDP action (the guide's "Tijdspanne"), not a rule: 4 weeks.
PLAN_DAYS = 28

# constraint name (matchcore.matching.constraints) -> the action that removes the exclusion
ACTIONABLE = {
    "licence": N_("driving licence: {reason}"),
    "dutch": N_("Dutch lessons: {reason}"),
    "own_transport": N_("arrange own transport: {reason}"),
    "commute": N_("mobility: practise the commute or find transport ({reason})"),
}


@dataclass
class PlanResult:
    """What ``traject plan`` did: the actions added, the exclusions left as they are."""

    candidate: str
    function: str
    added: list[Action] = field(default_factory=list)
    kept_exclusions: list[str] = field(default_factory=list)
    note: str | None = None


def _gap_texts(match, function, title: str) -> list[str]:
    """Training actions for the missing (or too low) required competences."""
    if match is None:  # nothing in common: every required competence is missing
        missing = [c.name for c in function.competences if c.required]
        low = []
    else:
        missing = list(match.missing_required)
        low = [m for m in match.matched if m.required and m.level is not None and m.level < m.required_level]
    out = [_("training: {competence} (required for {function})").format(competence=name, function=title)
           for name in missing]
    out += [_("training: {competence} from level {level} to {required} (for {function})").format(
        competence=m.competence, level=m.level, required=m.required_level, function=title) for m in low]
    return out


def add_plan(traj: Trajectory, match, employer, function, *, on: dt.date,
             due: dt.date | None = None) -> PlanResult:
    """Add the PDP actions for ``function`` to ``traj`` (in place) and return what was added.

    ``match`` is the matcher's explanation of the pair (:meth:`Matcher.match_pair`), or None when
    the two have nothing in common (then every required competence is missing and the exclusions
    are not known). ``due`` defaults to ``on`` + :data:`PLAN_DAYS`.
    """
    fid = f"{employer.id}/{function.id}"
    title = f"{function.title} ({employer.name})"
    due = due or on + dt.timedelta(days=PLAN_DAYS)
    result = PlanResult(traj.candidate, fid)
    planned = [(text, "gap") for text in _gap_texts(match, function, title)]
    if match is None:
        result.note = _("the candidate and the function have no competence in common; the "
                        "exclusions were not checked")
    else:
        for check in match.checks:
            if check.ok is not False:
                continue
            if check.name in ACTIONABLE:
                planned.append((_(ACTIONABLE[check.name]).format(reason=check.text), "exclusion"))
            else:
                result.kept_exclusions.append(check.text)
    open_texts = {a.what for a in traj.actions if a.status == "open"}
    for text, source in planned:
        if " ".join(text.split()) in open_texts:
            continue
        action = Action(id=next_action_id(a.id for a in traj.actions), what=text,
                        who=_("candidate, coach"), due=due, source=source, function=fid)
        traj.actions.append(action)
        result.added.append(action)
    enter_phase(traj, "plan", on, only_forward=True)
    return result


def enter_phase(traj: Trajectory, phase: str, on: dt.date, *, only_forward: bool = False,
                note: str | None = None) -> bool:
    """Put ``phase`` on ``on`` into the phase history, in date order (after entries of the same
    day). ``only_forward``: only when the trajectory is not in that phase or a later one yet (a
    plan made during job hunting does not move it back). Return whether it was added."""
    if only_forward and traj.phase is not None and PHASES.index(traj.phase) >= PHASES.index(phase):
        return False
    entry = PhaseEntry(phase=phase, date=on, note=note)
    at = len([p for p in traj.phases if p.date <= on])
    traj.phases.insert(at, entry)
    return True
