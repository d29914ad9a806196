"""The hard constraints, once: one table used by the batch, single-pair and explanation paths.

Each :class:`Constraint` has its name, its vectorised test over the two sides' arrays (any
broadcastable shapes: one candidate against all functions, a block of candidates against all
functions, all candidates against one profile), when the test can be skipped in a union (no
function, or no candidate, has the condition), and the sentence that explains it for one
pair. The verdict in the sentence is the vectorised test's, so the explanation always agrees
with the ranking.

A pair is excluded when any test says so: commute (great-circle distance versus
``min(max_commute_km, reach of the candidate's transport)``), hours (outside +-20 % of the
wanted hours), shifts, night work, driving licence, Dutch level (CEFR order), lifting,
standing, own transport.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matchcore.matching.arrays import (
    EARTH_RADIUS_KM,
    HOURS_TOLERANCE,
    TRANSPORT_REACH_KM,
    CandidateArrays,
    FunctionArrays,
    unit_xyz,
)
from matchcore.model import SHIFTS
from matchcore.postcodes import haversine_km

if TYPE_CHECKING:
    from matchcore.matching.info import CandidateInfo, FunctionInfo

__all__ = ["CONSTRAINTS", "CandidateSide", "Constraint", "ConstraintOutcome", "FunctionSide",
           "excluded", "masks", "outcomes"]

_NIGHT = np.int16(1 << SHIFTS.index("night"))
_ALL_SHIFTS = np.int16((1 << len(SHIFTS)) - 1)


@dataclass(frozen=True)
class FunctionSide:
    """The functions' side of the tests (one entry per function, or scalars for one)."""

    xyz: np.ndarray
    hours: np.ndarray          # NaN for reference profiles and unknown hours
    lift: np.ndarray
    shifts: np.ndarray
    lic: np.ndarray
    dutch: np.ndarray
    standing: np.ndarray
    own_transport: np.ndarray

    @classmethod
    def of(cls, f: FunctionArrays, xyz: np.ndarray) -> FunctionSide:
        return cls(xyz, np.where(f.reference, np.nan, f.hours), f.lift, f.shifts, f.lic, f.dutch,
                   f.standing, f.own_transport)

    def take(self, idx) -> FunctionSide:
        """Functions ``idx`` only (an index array, or one int for scalars)."""
        return FunctionSide(*(getattr(self, n)[idx] for n in self.__dataclass_fields__))


@dataclass(frozen=True)
class CandidateSide:
    """The candidates' side of the tests, precomputed per candidate."""

    xyz: np.ndarray
    cos_reach: np.ndarray      # cos of the reach's angle; -2 when nothing limits it
    hours_lo: np.ndarray       # NaN when the wanted hours are unknown
    hours_hi: np.ndarray
    lift: np.ndarray
    allowed_shifts: np.ndarray  # every shift when the candidate named none
    night_forbidden: np.ndarray  # the night bit when the candidate cannot work nights
    lic: np.ndarray
    dutch_floor: np.ndarray    # the CEFR rank; 99 (no function asks more) when unknown
    no_standing: np.ndarray
    own_transport: np.ndarray

    @classmethod
    def of(cls, c: CandidateArrays, rows=None) -> CandidateSide:
        sel = slice(None) if rows is None else rows
        reach, h = c.reach[sel], c.hours[sel]
        with np.errstate(invalid="ignore"):
            cos_reach = np.where(np.isfinite(reach), np.cos(np.minimum(reach / EARTH_RADIUS_KM, math.pi)), -2.0)
        shifts, dutch = c.shifts[sel], c.dutch[sel]
        return cls(unit_xyz(c.lat[sel], c.lon[sel]), cos_reach,
                   (1 - HOURS_TOLERANCE) * h - 1e-9, (1 + HOURS_TOLERANCE) * h + 1e-9,
                   c.lift[sel], np.where(shifts == 0, _ALL_SHIFTS, shifts),
                   np.where(c.night_ok[sel], np.int16(0), _NIGHT), c.lic[sel],
                   np.where(dutch > 0, dutch, np.int8(99)), c.no_standing[sel], c.own_transport[sel])

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


Test = Callable[[CandidateSide, FunctionSide, np.ndarray], np.ndarray]
Describe = Callable[["CandidateInfo", "FunctionInfo", bool], "tuple[bool | None, str] | None"]


@dataclass(frozen=True)
class Constraint:
    """A hard constraint: ``test(c, f, dot)`` is True where it excludes the pair (``dot``:
    the cosine of the angle between home and workplace, NaN when either is unknown);
    ``applies(c, f)`` False lets a union skip it (it would be False everywhere);
    ``describe(ci, fi, excluded)`` gives ``(ok, text)`` for one pair, None when the
    constraint does not concern it."""

    name: str
    test: Test
    describe: Describe
    applies: Callable[[CandidateSide, FunctionSide], bool] = lambda c, f: True


# --- the sentences --------------------------------------------------------------------------

def _commute(ci, fi, ex):
    if fi.reference:
        return None, "reference profile: no workplace or hours to check"
    if fi.lat is None or ci.lat is None:
        return None
    d = haversine_km(ci.lat, ci.lon, fi.lat, fi.lon)
    reach = ci.reach
    if math.isinf(reach):
        return None, f"commute {d:.1f} km (no limit given)"
    modes = [t for t in ci.transport if t in TRANSPORT_REACH_KM]
    by_transport = modes and (ci.max_commute_km is None or reach < ci.max_commute_km)
    why = f" (by {', '.join(modes)} at most {reach:g} km)" if by_transport else ""
    return not ex, f"commute {d:.1f} km {'>' if ex else '<='} {reach:g} km{why}"


def _hours(ci, fi, ex):
    if fi.reference or fi.hours is None:
        return None
    if ci.hours is None:
        return None, "hours: the candidate's wanted hours are unknown"
    tol = HOURS_TOLERANCE
    lo, hi = (1 - tol) * ci.hours, (1 + tol) * ci.hours
    return not ex, (f"hours {fi.hours:g} {'outside' if ex else 'within'} "
                    f"{ci.hours:g} +-{tol:.0%} ({lo:.4g}-{hi:.4g})")


def _shifts(ci, fi, ex):
    if not fi.shifts:
        return None
    if not ci.shifts:
        return None, "shifts: the candidate's shifts are unknown"
    if ex:
        missing = [s for s in fi.shifts if s not in ci.shifts]
        return False, f"shifts: needs {', '.join(missing)}; candidate works {', '.join(ci.shifts)}"
    return True, f"shifts {', '.join(fi.shifts)} fit"


def _night(ci, fi, ex):
    if not ex:
        return None
    return False, "night work: the function has night shifts, the candidate cannot work nights"


def _licence(ci, fi, ex):
    if not fi.driving_licence:
        return None
    has = ", ".join(ci.licences) or "none"
    return not ex, f"driving licence {fi.driving_licence} " + (f"required, candidate has {has}" if ex else "held")


def _dutch(ci, fi, ex):
    if not fi.dutch:
        return None
    if not ci.dutch:
        return None, f"Dutch level unknown (the function asks {fi.dutch})"
    return not ex, (f"Dutch {fi.dutch} required, candidate has {ci.dutch}" if ex
                    else f"Dutch {ci.dutch} >= {fi.dutch}")


def _lift(ci, fi, ex):
    if fi.lift is None or ci.lift is None:
        return None
    return not ex, (f"lifting up to {fi.lift:g} kg, candidate "
                    f"{'at most' if ex else 'can lift'} {ci.lift:g} kg")


def _standing(ci, fi, ex):
    return (False, "standing work, the candidate cannot stand for long") if ex else None


def _own_transport(ci, fi, ex):
    if not fi.own_transport:
        return None
    return not ex, "own transport needed, candidate has " + (", ".join(ci.transport) or "none listed")


# --- the table ------------------------------------------------------------------------------

CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint("commute", lambda c, f, dot: dot < c.cos_reach, _commute),
    Constraint("hours", lambda c, f, dot: (f.hours < c.hours_lo) | (f.hours > c.hours_hi), _hours,
               lambda c, f: not np.all(np.isnan(c.hours_lo))),
    Constraint("shifts", lambda c, f, dot: (f.shifts & ~c.allowed_shifts) != 0, _shifts),
    Constraint("night", lambda c, f, dot: (f.shifts & c.night_forbidden) != 0, _night,
               lambda c, f: bool(np.any(c.night_forbidden))),
    Constraint("licence", lambda c, f, dot: (f.lic & ~c.lic) != 0, _licence,
               lambda c, f: bool(np.any(f.lic))),
    Constraint("dutch", lambda c, f, dot: f.dutch > c.dutch_floor, _dutch,
               lambda c, f: bool(np.any(f.dutch))),
    Constraint("lift", lambda c, f, dot: f.lift > c.lift, _lift,
               lambda c, f: not np.all(np.isnan(f.lift))),
    Constraint("standing", lambda c, f, dot: f.standing & c.no_standing, _standing,
               lambda c, f: bool(np.any(f.standing))),
    Constraint("own_transport", lambda c, f, dot: f.own_transport & ~c.own_transport, _own_transport,
               lambda c, f: bool(np.any(f.own_transport))),
)


def masks(c: CandidateSide, f: FunctionSide, dot: np.ndarray) -> dict[str, np.ndarray]:
    """Per constraint, where it excludes the pairs (broadcast shapes of ``c``, ``f``, ``dot``)."""
    shape = np.shape(dot)
    with np.errstate(invalid="ignore"):
        return {k.name: np.broadcast_to(k.test(c, f, dot), shape) for k in CONSTRAINTS}


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
            out.append(ConstraintOutcome(k.name, *said))
    return out
