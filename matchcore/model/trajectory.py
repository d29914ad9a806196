"""A candidate's doorstroomtraject: phases with dates, the personal plan (PDP) with its actions,
and the placement with an instrument and its aftercare (issue 14; seed 001, chapter 3).

One trajectory per candidate, named by the candidate's id. The phases follow the guide's
doorstroomtraject (seed 001, 3.1-3.5: intake, orientation, the personal doorstroomplan, job
hunting, the transition instrument, aftercare), with ``geplaatst`` (placed) and ``afgesloten``
(closed) as the moments between them. A PDP action has what, who, a due date and whether it is
done, the guide's columns "Concrete acties / Tijdspanne / Wie? / Voltooid / Opmerkingen".

Example document (``kind: trajectory``, as ``matchcore export`` writes it)::

    kind: trajectory
    candidate: K-0042
    coach: an
    engagement_date: 2026-01-12
    phases: [{phase: intake, date: 2026-01-05}, {phase: plan, date: 2026-01-12}]
    actions:
      - {id: a01, what: "training: heftruck besturen", who: "candidate, coach", due: 2026-02-09,
         source: gap}
    placement: {function: haven/heftruckchauffeur, instrument: IBO, start: 2026-03-02,
                aftercare: vrijblijvend}
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from matchcore.errors import RecordProblem, TrajectoryError, did_you_mean
from matchcore.i18n import _
from matchcore.model import parse
from matchcore.model.common import BaseRecord, Ident, Text, no_duplicates
from matchcore.model.nrn import redact

__all__ = ["ACTION_SOURCES", "ACTION_STATUSES", "AFTERCARE_FORMS", "PHASES", "Action", "PhaseEntry",
           "Placement", "Reminder", "Trajectory", "next_action_id", "parse_trajectory",
           "part_problems"]

# seed 001, 3.1-3.5 (the five phases), with the moments placed and closed
PHASES = ("intake", "orientatie", "plan", "jobhunting", "instrument", "geplaatst", "nazorg", "afgesloten")
Phase = Literal["intake", "orientatie", "plan", "jobhunting", "instrument", "geplaatst", "nazorg",
                "afgesloten"]
ACTION_STATUSES = ("open", "done")
# where an action came from: the competence gap, an actionable exclusion, an instrument's steps,
# the aftercare schedule, or the coach
ACTION_SOURCES = ("gap", "exclusion", "instrument", "aftercare", "manual")
# seed 001, 3.5 Nazorg: without contact with the employer, with a casual (vrijblijvend) contact
# with the employer, or coaching on the floor
AFTERCARE_FORMS = ("zonder", "vrijblijvend", "coaching")

_ACTION_ID = re.compile(r"a(\d+)")


def next_action_id(taken) -> str:
    """a01, a02, ...: one past the highest number used."""
    nums = [int(m.group(1)) for t in taken if (m := _ACTION_ID.fullmatch(t))]
    return f"a{max(nums, default=0) + 1:02d}"


class PhaseEntry(BaseRecord):
    """The trajectory entered ``phase`` on ``date``."""

    phase: Phase
    date: dt.date
    note: Text | None = None


class Action(BaseRecord):
    """One action of the personal doorstroomplan (PDP)."""

    id: Ident
    what: Text
    who: Text | None = None
    due: dt.date | None = None
    status: Literal["open", "done"] = "open"
    done_on: dt.date | None = None
    source: Literal["gap", "exclusion", "instrument", "aftercare", "manual"] = "manual"
    # a deadline set by a rule (an instrument's legal step), not by the coach
    legal: bool = False
    # repeats ("regularly", "yearly"): shown in the plan, not due on one day
    recurring: Text | None = None
    # the function the action prepares for (employer/function), when it came from one
    function: str | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _done_has_status(self) -> "Action":
        if self.done_on is not None and self.status != "done":
            raise ValueError("done_on is given but status is not 'done'")
        return self


class Reminder(BaseRecord):
    """A rule of the instrument that ends the placement (absences), with its source."""

    text: Text
    source: str | None = None


class Placement(BaseRecord):
    """The candidate started at a function, with an instrument (or none) and a form of aftercare."""

    function: str
    instrument: str | None = None
    start: dt.date
    aftercare: Literal["zonder", "vrijblijvend", "coaching"] = "zonder"
    reminders: list[Reminder] = Field(default_factory=list)

    @field_validator("function")
    @classmethod
    def _employer_slash_function(cls, value: str) -> str:
        if value.count("/") != 1 or not all(value.split("/")):
            raise ValueError(f"must be EMPLOYER/FUNCTION, got {value!r}")
        return value


class Trajectory(BaseRecord):
    """A candidate's doorstroomtraject."""

    kind: Literal["trajectory"] = "trajectory"
    candidate: Ident
    coach: Text | None = None
    # the signed engagementsverklaring after a positive intake (seed 001, 3.1)
    engagement_date: dt.date | None = None
    phases: list[PhaseEntry] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    placement: Placement | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.candidate

    @property
    def phase(self) -> str | None:
        """The phase it is in now: the last one entered."""
        return self.phases[-1].phase if self.phases else None

    @model_validator(mode="after")
    def _consistent(self) -> "Trajectory":
        no_duplicates([a.id for a in self.actions], "actions", "action id")
        for before, after in zip(self.phases, self.phases[1:]):
            if after.date < before.date:
                raise ValueError(f"phases: {after.phase} on {after.date.isoformat()} comes before "
                                 f"{before.phase} on {before.date.isoformat()}; phases are listed in "
                                 "the order of their dates")
        return self

    def action(self, action_id: str) -> Action | None:
        return next((a for a in self.actions if a.id == action_id), None)

    def require_action(self, action_id: str) -> Action:
        """The action, or TrajectoryError naming the trajectory, with a "did you mean" (the CLI
        and the web app say the same)."""
        found = self.action(action_id)
        if found is None:
            raise TrajectoryError(_("trajectory of {candidate} has no action {id!r}").format(
                candidate=self.candidate, id=action_id)
                + did_you_mean(action_id, [a.id for a in self.actions], cutoff=60))
        return found



def parse_trajectory(raw: Any, *, file: str | None = None,
                     index: int | None = None) -> tuple[Trajectory | None, list[RecordProblem]]:
    """Validate one raw ``kind: trajectory`` mapping; return (trajectory, problems), the problems
    naming file, record and field as :func:`matchcore.model.parse_record` does::

        backup/trajectories/K-0042.yaml: trajectory K-0042: actions[3].due must be a date
        written YYYY-MM-DD, got "morgen"
    """
    where_file = file if index is None or file is None else f"{file}[{index + 1}]"
    if not isinstance(raw, dict):
        return None, [RecordProblem(where_file, None, None,
                                    f"each record must be a mapping with a 'kind', got {type(raw).__name__}")]
    label = parse.record_label("trajectory", {"id": raw.get("candidate")})
    try:
        return Trajectory.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            items, field = parse._where(raw, loc)
            record = label + (f", {items}" if items else "")
            # the same rewriting as every other record's messages ("must be ..., got ...")
            problems.append(RecordProblem(where_file, parse._safe(record), parse._safe(field) or None,
                                          redact(parse._message(err, Trajectory, loc))))
        return None, problems


def part_problems(exc: ValidationError, candidate_id: str) -> list[RecordProblem]:
    """The problems of a part (an action, a phase) built for a trajectory, one per field:
    ``trajectory K-0042: what must be a non-empty text, got ""``."""
    label = parse.record_label("trajectory", {"id": candidate_id})
    model = getattr(exc, "title", None)
    cls = {"Action": Action, "PhaseEntry": PhaseEntry, "Placement": Placement}.get(model, Trajectory)
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        out.append(RecordProblem(None, parse._safe(label), field, redact(parse._message(err, cls, loc))))
    return out
