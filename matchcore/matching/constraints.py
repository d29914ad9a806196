"""The constraints, once: one table used by the batch, single-pair and explanation paths.

Each :class:`Constraint` has its name, its kind (``hard``: a limit nothing changes, such as a
driving licence or a lifting limit; ``soft``: something a coach can talk about, such as hours,
commute, day parts, weekdays or the start date), its vectorised test over the two sides' arrays
(any broadcastable shapes: one candidate against all functions, a block of candidates against
all functions, all candidates against one profile), when the test can be skipped in a union (no
function, or no candidate, has the condition), and the sentence that explains it for one pair.
The verdict in the sentence is the vectorised test's, so the explanation always agrees with the
ranking. A soft constraint also has a *near* test (the exclusion is small: within the
thresholds below) and the sentence that says what would have to change, with the figure.

A pair is excluded when any test says so. A **near miss** is a pair excluded by exactly one
constraint, a soft one, and near by its near test (:func:`near_misses`). The thresholds are
choices, not rules: a coach calls about them (``docs/matching.md``, section 3):

- hours: the function's hours at most :data:`NEAR_HOURS` (4 h, half a working day) outside the
  hours that fit (the range, or the wanted hours +-20 %);
- commute: at most :data:`NEAR_COMMUTE` (25 %) over the candidate's limit;
- day parts and shifts: exactly one part or shift missing, never ``night``;
- weekdays: exactly one day missing;
- availability: the candidate available at most :data:`NEAR_AVAILABLE_DAYS` (28 days, four
  weeks) after the start.

Texts go through :mod:`matchcore.i18n` (English message ids, Dutch from the catalogue).
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matchcore.matching import reasons as rs
from matchcore.matching.arrays import EARTH_RADIUS_KM, CandidateArrays, FunctionArrays, unit_xyz
from matchcore.matching.limits import expand_parts
from matchcore.matching.reasons import WouldNeed
from matchcore.model import DAYS, SHIFTS

if TYPE_CHECKING:
    from matchcore.matching.info import CandidateInfo, FunctionInfo

__all__ = ["CONSTRAINTS", "NEAR_AVAILABLE_DAYS", "NEAR_COMMUTE", "NEAR_HOURS", "CandidateSide",
           "Constraint", "ConstraintOutcome", "FunctionSide", "WouldNeed", "excluded",
           "expand_parts", "kind_of", "masks", "near_masks", "near_misses", "outcomes", "would_need"]

NEAR_HOURS = 4.0            # h a week outside the hours that fit: half a working day
NEAR_COMMUTE = 0.25         # share over the commute limit
NEAR_AVAILABLE_DAYS = 28    # days the candidate is available after the start: four weeks

_BIT = {s: np.int16(1 << i) for i, s in enumerate(SHIFTS)}
_NIGHT = _BIT["night"]
_DAY = _BIT["day"]
_ALL_PARTS = np.int16(((1 << len(SHIFTS)) - 1) & ~int(_DAY))
_ALL_DAYS = np.int8((1 << len(DAYS)) - 1)

def _single_bit(x):
    return (x != 0) & ((x & (x - 1)) == 0)


@dataclass(frozen=True)
class FunctionSide:
    """The functions' side of the tests (one entry per function, or scalars for one)."""

    xyz: np.ndarray
    hours: np.ndarray          # NaN for reference profiles and unknown hours
    lift: np.ndarray
    shifts: np.ndarray         # day written as morning + afternoon
    lic: np.ndarray
    dutch: np.ndarray
    standing: np.ndarray
    own_transport: np.ndarray
    days: np.ndarray           # weekday mask, 0 = not said
    start: np.ndarray          # start date ordinal, 0 = the query date
    win_lo: np.ndarray         # working hours in minutes, -1 = not said
    win_hi: np.ndarray
    bending: np.ndarray
    cold: np.ndarray
    allergens: np.ndarray

    @classmethod
    def of(cls, f: FunctionArrays, xyz: np.ndarray) -> FunctionSide:
        return cls(xyz, np.where(f.reference, np.nan, f.hours), f.lift, expand_parts(f.shifts), f.lic,
                   f.dutch, f.standing, f.own_transport, f.days, f.start, f.win_lo, f.win_hi,
                   f.bending, f.cold, f.allergens)

    def take(self, idx) -> FunctionSide:
        """Functions ``idx`` only (an index array, or one int for scalars)."""
        return FunctionSide(*(getattr(self, n)[idx] for n in self.__dataclass_fields__))


@dataclass(frozen=True)
class CandidateSide:
    """The candidates' side of the tests, precomputed per candidate."""

    xyz: np.ndarray
    cos_reach: np.ndarray      # cos of the reach's angle; -2 when nothing limits it
    cos_near: np.ndarray       # the same for NEAR_COMMUTE more
    hours_lo: np.ndarray       # NaN when the wanted hours are unknown
    hours_hi: np.ndarray
    lift: np.ndarray
    allowed_shifts: np.ndarray  # every part when the candidate named none; day as its halves
    night_forbidden: np.ndarray  # the night bit when the candidate cannot work nights
    lic: np.ndarray
    dutch_floor: np.ndarray    # the CEFR rank; 99 (no function asks more) when unknown
    no_standing: np.ndarray
    own_transport: np.ndarray
    days: np.ndarray           # every day when the candidate named none
    available: np.ndarray      # available_from ordinal, 0 = not said
    on: np.ndarray             # the query date's ordinal (a function without start date)
    win_lo: np.ndarray         # childcare window in minutes, -1 = none
    win_hi: np.ndarray
    no_bending: np.ndarray
    no_cold: np.ndarray
    allergens: np.ndarray

    @classmethod
    def of(cls, c: CandidateArrays, rows=None, *, on: dt.date | None = None) -> CandidateSide:
        sel = slice(None) if rows is None else rows
        reach = c.reach[sel]

        def cos_of(km):
            with np.errstate(invalid="ignore"):
                return np.where(np.isfinite(km), np.cos(np.minimum(km / EARTH_RADIUS_KM, math.pi)), -2.0)

        shifts, dutch, days = c.shifts[sel], c.dutch[sel], c.days[sel]
        day = (on or dt.date.today()).toordinal()
        return cls(unit_xyz(c.lat[sel], c.lon[sel]), cos_of(reach), cos_of(reach * (1 + NEAR_COMMUTE)),
                   c.hours_lo[sel], c.hours_hi[sel],
                   c.lift[sel], np.where(shifts == 0, _ALL_PARTS, expand_parts(shifts)),
                   np.where(c.night_ok[sel], np.int16(0), _NIGHT), c.lic[sel],
                   np.where(dutch > 0, dutch, np.int8(99)), c.no_standing[sel], c.own_transport[sel],
                   np.where(days == 0, _ALL_DAYS, days), c.available[sel],
                   np.full(np.shape(reach), day, np.int32), c.win_lo[sel], c.win_hi[sel],
                   c.no_bending[sel], c.no_cold[sel], c.allergens[sel])

    def column(self) -> CandidateSide:
        """Each array as a column (candidates x 1), to broadcast against functions."""
        return CandidateSide(*(getattr(self, n)[:, None] for n in self.__dataclass_fields__))

    def at(self, i: int) -> CandidateSide:
        return CandidateSide(*(getattr(self, n)[i] for n in self.__dataclass_fields__))


@dataclass(frozen=True)
class ConstraintOutcome:
    """One constraint checked for one pair: ``ok`` None when it could not be checked."""

    name: str
    ok: bool | None
    text: str
    kind: str = "hard"


Test = Callable[[CandidateSide, FunctionSide, np.ndarray], np.ndarray]
Describe = Callable[["CandidateInfo", "FunctionInfo", bool], "tuple[bool | None, str] | None"]
Need = Callable[["CandidateInfo", "FunctionInfo"], WouldNeed]


@dataclass(frozen=True)
class Constraint:
    """A constraint: ``test(c, f, dot)`` is True where it excludes the pair (``dot``: the
    cosine of the angle between home and workplace, NaN when either is unknown);
    ``applies(c, f)`` False lets a union skip it (it would be False everywhere);
    ``describe(ci, fi, excluded)`` gives ``(ok, text)`` for one pair, None when the
    constraint does not concern it. Soft ones have ``near(c, f, dot)`` (True where an
    exclusion is small enough to be a near miss) and ``need(ci, fi)``."""

    name: str
    kind: str
    test: Test
    describe: Describe
    applies: Callable[[CandidateSide, FunctionSide], bool] = lambda c, f: True
    near: Test | None = None
    need: Need | None = None


# --- the tests ------------------------------------------------------------------------------

def _hours_near(c, f, dot):
    return (f.hours >= c.hours_lo - NEAR_HOURS) & (f.hours <= c.hours_hi + NEAR_HOURS)


def _shifts_near(c, f, dot):
    missing = f.shifts & ~c.allowed_shifts
    return _single_bit(missing) & (missing != _NIGHT)


def _start(c, f):
    return np.where(f.start > 0, f.start, c.on)


# --- the table ------------------------------------------------------------------------------

CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint("commute", "soft", lambda c, f, dot: dot < c.cos_reach, rs.commute,
               near=lambda c, f, dot: dot >= c.cos_near, need=rs.commute_need),
    Constraint("hours", "soft", lambda c, f, dot: (f.hours < c.hours_lo) | (f.hours > c.hours_hi), rs.hours,
               lambda c, f: not np.all(np.isnan(c.hours_lo)), near=_hours_near, need=rs.hours_need),
    Constraint("shifts", "soft", lambda c, f, dot: (f.shifts & ~c.allowed_shifts) != 0, rs.shifts,
               near=_shifts_near, need=rs.shifts_need),
    Constraint("days", "soft", lambda c, f, dot: (f.days & ~c.days) != 0, rs.days,
               lambda c, f: bool(np.any(f.days)),
               near=lambda c, f, dot: _single_bit(f.days & ~c.days), need=rs.days_need),
    Constraint("available", "soft", lambda c, f, dot: c.available > _start(c, f), rs.available,
               lambda c, f: bool(np.any(c.available)),
               near=lambda c, f, dot: c.available - _start(c, f) <= NEAR_AVAILABLE_DAYS,
               need=rs.available_need),
    Constraint("night", "hard", lambda c, f, dot: (f.shifts & c.night_forbidden) != 0, rs.night,
               lambda c, f: bool(np.any(c.night_forbidden))),
    Constraint("licence", "hard", lambda c, f, dot: (f.lic & ~c.lic) != 0, rs.licence,
               lambda c, f: bool(np.any(f.lic))),
    Constraint("dutch", "hard", lambda c, f, dot: f.dutch > c.dutch_floor, rs.dutch,
               lambda c, f: bool(np.any(f.dutch))),
    Constraint("lift", "hard", lambda c, f, dot: f.lift > c.lift, rs.lift,
               lambda c, f: not np.all(np.isnan(f.lift))),
    Constraint("standing", "hard", lambda c, f, dot: f.standing & c.no_standing, rs.standing,
               lambda c, f: bool(np.any(f.standing))),
    Constraint("bending", "hard", lambda c, f, dot: f.bending & c.no_bending, rs.bending,
               lambda c, f: bool(np.any(f.bending))),
    Constraint("cold", "hard", lambda c, f, dot: f.cold & c.no_cold, rs.cold,
               lambda c, f: bool(np.any(f.cold))),
    Constraint("allergens", "hard", lambda c, f, dot: (f.allergens & c.allergens) != 0, rs.allergens,
               lambda c, f: bool(np.any(f.allergens))),
    Constraint("childcare", "hard",
               lambda c, f, dot: (c.win_lo >= 0) & (f.win_lo >= 0) & ((f.win_lo < c.win_lo) | (f.win_hi > c.win_hi)),
               rs.childcare, lambda c, f: bool(np.any(c.win_lo >= 0))),
    Constraint("own_transport", "hard", lambda c, f, dot: f.own_transport & ~c.own_transport, rs.own_transport,
               lambda c, f: bool(np.any(f.own_transport))),
)
_BY_NAME = {k.name: k for k in CONSTRAINTS}


def masks(c: CandidateSide, f: FunctionSide, dot: np.ndarray) -> dict[str, np.ndarray]:
    """Per constraint, where it excludes the pairs (broadcast shapes of ``c``, ``f``, ``dot``)."""
    shape = np.shape(dot)
    with np.errstate(invalid="ignore"):
        return {k.name: np.broadcast_to(k.test(c, f, dot), shape) for k in CONSTRAINTS}


def near_masks(c: CandidateSide, f: FunctionSide, dot: np.ndarray) -> dict[str, np.ndarray]:
    """Per soft constraint, where an exclusion by it would be near (same shapes as :func:`masks`)."""
    shape = np.shape(dot)
    with np.errstate(invalid="ignore"):
        return {k.name: np.broadcast_to(k.near(c, f, dot), shape) for k in CONSTRAINTS if k.near}


def near_misses(excl: dict[str, np.ndarray], near: dict[str, np.ndarray]) -> np.ndarray:
    """Where a pair is excluded by exactly one constraint, a soft one, and near by it."""
    count = np.sum([m.astype(np.int8) for m in excl.values()], axis=0)
    one_near = np.logical_or.reduce([excl[n] & near[n] for n in near])
    return (count == 1) & one_near


def excluded(c: CandidateSide, f: FunctionSide, dot: np.ndarray) -> np.ndarray:
    """Where any constraint excludes the pairs (constraints no pair has are skipped)."""
    out = np.zeros(np.shape(dot), bool)
    with np.errstate(invalid="ignore"):
        for k in CONSTRAINTS:
            if k.applies(c, f):
                out |= k.test(c, f, dot)
    return out


def outcomes(ci: CandidateInfo, fi: FunctionInfo, excluded_by: dict[str, bool]) -> list[ConstraintOutcome]:
    """The constraints that concern one pair, in table order, with the vectorised verdicts."""
    out = []
    for k in CONSTRAINTS:
        said = k.describe(ci, fi, bool(excluded_by[k.name]))
        if said is not None:
            out.append(ConstraintOutcome(k.name, *said, kind=k.kind))
    return out


def would_need(ci: CandidateInfo, fi: FunctionInfo, excluded_by: dict[str, bool]) -> list[WouldNeed]:
    """What would have to change, for each soft constraint that excludes the pair (table order)."""
    return [k.need(ci, fi) for k in CONSTRAINTS if k.need and excluded_by.get(k.name)]


def kind_of(name: str) -> str:
    """``hard`` or ``soft``."""
    return _BY_NAME[name].kind
