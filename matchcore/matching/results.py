"""What the matching engine returns: typed results, made into JSON and text by ``cli/`` and ``web/``.

Fields are declared in the order of the JSON output (``matchcore.cli.root.emit_json`` writes
them field by field and leaves out those with ``metadata={"json": False}``), so the
documented ``match`` and ``assign`` outputs are these classes written out.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from matchcore.matching.constraints import ConstraintOutcome, WouldNeed

__all__ = ["AssignedPair", "Assignment", "BestOption", "CandidateMatch", "CandidateMatches",
           "ConstraintOutcome", "ExcludedOption", "FunctionMatch", "FunctionMatches",
           "MatchedCompetence", "PairExplanation", "ScoreComponents", "TextMatch", "Unassigned",
           "Unfilled", "WouldNeed"]

_HIDDEN = {"json": False}


@dataclass(frozen=True)
class MatchedCompetence:
    """A function's competence the candidate holds (``via`` "concept" or "same text")."""

    competence: str
    level: int
    required_level: int
    required: bool
    via: str
    candidate_competence: str
    credit: float
    weight: float


@dataclass(frozen=True)
class TextMatch:
    """A function's competence matched by the text similarity of an unresolved string."""

    competence: str
    level: None
    required_level: int
    required: bool
    via: str
    candidate_competence: str
    similarity: float
    credit: float
    weight: float


@dataclass(frozen=True)
class ScoreComponents:
    """The parts of one pair's score (``docs/matching.md``); None where a part does not apply."""

    required: float | None
    optional: float | None
    coverage: float | None
    use: float | None
    competence: float
    presence: float
    penalty: float
    level: float | None
    text: float
    job_target: float | None
    formula: str
    meaning: float | None = None        # M, the meaning component (None where it has no share)
    meaning_share: float | None = None  # its share of the competence fit

    def items(self) -> list[tuple[str, float | str | None]]:
        """(name, value) of each part in order, for the templates' score tables."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass(frozen=True)
class PairExplanation:
    """One (candidate, function) pair, explained (the fields after the two ids)."""

    score: float
    excluded: bool
    reasons: list[str]
    exclusions: list[str]
    matched: list[MatchedCompetence | TextMatch]
    missing_required: list[str]
    missing_optional: list[str]
    unresolved: list[str]
    components: ScoreComponents
    distance_km: float | None
    explanation: list[str]
    # excluded by exactly one soft constraint, and only a little (docs/matching.md section 3)
    near_miss: bool = False
    would_need: list[WouldNeed] = field(default_factory=list)
    checks: list[ConstraintOutcome] = field(default_factory=list, metadata=_HIDDEN)

    def parts(self) -> dict:
        """The fields of :class:`PairExplanation`, to build a match result from."""
        return {f.name: getattr(self, f.name) for f in fields(PairExplanation)}


@dataclass(frozen=True)
class _FunctionKeys:
    function: str
    employer: str
    title: str


@dataclass(frozen=True)
class _CandidateKey:
    candidate: str


# The ids come first in the JSON: dataclass fields follow the reversed MRO, so the key class
# is the last base.
@dataclass(frozen=True)
class FunctionMatch(PairExplanation, _FunctionKeys):
    """A function found for a candidate; ``instruments`` as :func:`~matchcore.matching.matcher.instruments_for`."""

    instruments: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class CandidateMatch(PairExplanation, _CandidateKey):
    """A candidate found for a function (or a function profile)."""

    instruments: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class CandidateMatches:
    """``match candidate``: the functions that fit one candidate, best first."""

    candidate: str
    considered: int
    excluded_count: int
    results: list[FunctionMatch]
    near_misses: list[FunctionMatch] = field(default_factory=list)   # with --near-misses


@dataclass(frozen=True)
class FunctionMatches:
    """``match function``: the candidates that fit one function, best first."""

    function: str
    employer: str
    title: str
    considered: int
    excluded_count: int
    results: list[CandidateMatch]
    near_misses: list[CandidateMatch] = field(default_factory=list)  # with --near-misses


# --- assignment -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AssignedPair:
    candidate: str
    function: str
    employer: str
    title: str
    score: float


@dataclass(frozen=True)
class BestOption:
    function: str
    score: float


@dataclass(frozen=True)
class ExcludedOption:
    """The best-scoring function when a hard constraint excludes every one."""

    function: str
    score: float
    excluded: bool = True


@dataclass(frozen=True)
class Unassigned:
    candidate: str
    reason: str
    best: BestOption | ExcludedOption | None


@dataclass(frozen=True)
class Unfilled:
    function: str
    openings: int
    filled: int
    reason: str


@dataclass(frozen=True)
class Assignment:
    """``assign``: who goes where, who stays unassigned and which openings stay unfilled, and why."""

    min_score: float
    candidates: int
    functions: int
    openings: int
    total_score: float
    assignments: list[AssignedPair]
    unassigned: list[Unassigned]
    unfilled: list[Unfilled]
