"""What a carving returns: typed results, fields in the order of the ``carve --json`` document.

The command line (:mod:`matchcore.cli.carve`) prints them as JSON field by field in declaration
order, the advice document (:mod:`matchcore.reports.advice`) and the web pages read their
attributes. ``docs/formats.md`` describes each field.

Two results carry a field only in some cases, as the JSON always did: a job-quality verdict
lists ``suggested_additions`` only when it is flagged (:class:`FlaggedJobQuality`), and a
candidate lists its ``instruments`` only when the employer is known
(:class:`CandidateWithInstruments`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from matchcore.carving.capacity import CapacityWarning
from matchcore.carving.next_steps import NextStep
from matchcore.carving.options import CarveOptions
from matchcore.model import FunctionCompetence

__all__ = [
    "AppliedOptions",
    "BusinessCase",
    "CandidateWithInstruments",
    "CarvedCandidate",
    "CarvedFunction",
    "CarvingResult",
    "CarvingTotals",
    "FlaggedJobQuality",
    "FreedHours",
    "JobQuality",
    "NotCarved",
    "ProfileCompetence",
    "SuggestedTask",
    "TaskDetail",
    "Variety",
]


@dataclass(frozen=True)
class AppliedOptions(CarveOptions):
    """The options a carving ran with (hours and amounts rounded to the cent, as shown), and
    where the carved hourly cost came from: ``option``, ``scan`` or ``default``."""

    carved_hourly_cost_source: str = "default"


@dataclass
class NotCarved:
    """A task that is in no carved function, with every reason why (English and Dutch)."""

    task: str
    reason: str
    reasons: list[str]
    codes: list[str]
    reason_nl: str
    stage: str            # selection | bundling
    role: str
    description: str
    hours_per_week: float


@dataclass
class TaskDetail:
    """One task of a carved function."""

    task: str
    description: str
    role: str
    hours_per_week: float
    zone: str | None
    when: str
    complexity: int
    strain: list[str]


@dataclass
class ProfileCompetence:
    """One competence of a carved function's profile."""

    name: str
    level: int
    weight: float
    required: bool


@dataclass
class FreedHours:
    """Hours a week a carved function frees for one role, and what they cost."""

    role: str
    title: str
    hours_per_week: float
    fte: float
    hourly_cost_eur: float | None
    cost_per_week_eur: float | None


@dataclass
class Premium:
    """What the best eligible instrument of the proposed candidate saves against a normal hire."""

    candidate: str
    instrument: str
    instrument_name: str
    normal_cost_per_month_eur: float
    net_cost_per_month_eur: float
    premium_per_month_eur: float   # while the instrument runs (its own duration rules)
    text: str


@dataclass
class Gain:
    """A qualitative gain the consultant ticked, with its text in the chosen language."""

    code: str
    text: str


@dataclass
class BusinessCase:
    """Freed hours at the roles' cost against the carved function's cost, a week and a year."""

    freed_by_role: list[FreedHours]
    freed_cost_per_week_eur: float
    carved_hourly_cost_eur: float
    carved_cost_per_week_eur: float
    saving_per_week_eur: float
    weeks_per_year: float
    freed_cost_per_year_eur: float
    carved_cost_per_year_eur: float
    yearly_saving_eur: float
    notes: list[str]
    # experts_back: "uren terug naar uw vakmensen" (no one leaves); saves_cost: a saving in cash
    headline: str = "experts_back"
    headline_text: str = ""
    # the premium the proposed candidate brings (carving/gains.py), or None without one
    premium: Premium | None = None


@dataclass
class Variety:
    tasks: int
    competences: int
    zones: int


@dataclass
class SuggestedTask:
    """A carvable task outside a flagged function that would make it more varied."""

    task: str
    description: str
    hours_per_week: float


@dataclass
class JobQuality:
    """The job-quality guard's verdict on a carved function."""

    flagged: bool
    flags: list[str]
    flags_nl: list[str]
    codes: list[str]
    leftover_share: float
    isolated_share: float
    repetitive_share: float
    variety: Variety


@dataclass
class FlaggedJobQuality(JobQuality):
    """A flagged verdict, with the tasks that would make the function more varied."""

    suggested_additions: list[SuggestedTask] = field(default_factory=list)


@dataclass
class CarvedCandidate:
    """A candidate the matching engine ranks for a carved function."""

    candidate: str
    score: float
    excluded: bool = False
    reasons: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    position_hours: float | None = None   # the position (hours a week) it is proposed for


@dataclass
class CandidateWithInstruments(CarvedCandidate):
    """A ranked candidate with the instruments (code, eligible, employer cost a month) that apply."""

    instruments: list = field(default_factory=list)
    # the normal hire of the same function (the baseline row of instruments.pair_rows)
    normal_hire: dict | None = None


@dataclass
class CarvedFunction:
    """One function carved out of a scan's tasks."""

    id: str
    title: str
    title_source: str       # scan | generated
    description: str
    tasks: list[str]
    task_details: list[TaskDetail]
    hours_per_week: float
    fte: float
    positions: int
    position_hours: list[float]
    competences: list[str]
    profile: list[ProfileCompetence]
    max_complexity: int
    zones: list[str]
    when: list[str]
    roles: list[str]
    freed_hours_per_week: dict[str, float]
    business_case: BusinessCase
    yearly_saving_eur: float
    quality: JobQuality
    candidates: list[CarvedCandidate] = field(default_factory=list)
    # task hours above what the positions hold: within 5 % of a full-time job (bundles.positions)
    hours_beyond_positions: float = 0.0
    # physical conditions inherited from the tasks (carving/conditions.py), as Conditions fields,
    # and per condition the tasks that bring it
    conditions: dict = field(default_factory=dict)
    conditions_because: dict[str, list[str]] = field(default_factory=dict)
    # why ``candidates`` is empty (carving/candidates.py); None when candidates are proposed
    no_candidates_reason: str | None = None

    def competence_profile(self) -> list[FunctionCompetence]:
        """The profile as function competences, for the matching engine and the instrument rules."""
        return [FunctionCompetence(name=c.name, level=c.level, weight=c.weight, required=c.required)
                for c in self.profile]


@dataclass
class CarvingTotals:
    tasks: int
    carvable_tasks: int
    scan_hours_per_week: float
    carved_hours_per_week: float
    positions: int
    freed_hours_per_week: dict[str, float]
    yearly_saving_eur: float


@dataclass
class CarvingResult:
    """A Quick Scan carved into functions: same input, same result, whatever the task order."""

    scan: str
    employer: str
    employer_name: str | None
    date: dt.date
    consultant: str | None
    options: AppliedOptions
    candidates_status: str   # ranked | not_requested
    functions: list[CarvedFunction]
    not_carved: list[NotCarved]
    totals: CarvingTotals
    notes: list[str] = field(default_factory=list)
    # capacity problems of the scan itself (carving/capacity.py): the business case rests on them
    warnings: list[CapacityWarning] = field(default_factory=list)
    # the qualitative gains ticked in the scan (scan.gains), for the advice
    gains: list[Gain] = field(default_factory=list)
    # who does what by when (carving/next_steps.py), the end of the advice
    next_steps: list[NextStep] = field(default_factory=list)
