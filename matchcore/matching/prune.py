"""The functions no constraint excludes for one candidate, without testing every function.

A candidate fits about 1 % of the functions (100,000 synthetic functions of
``benchmarks/bench_matching.py``: 217 of 20,000 on average; the rest are out of reach or
excluded by hours, shifts, licence, language or lifting). Testing every constraint over every
function costs more than scoring the few that are left (issue 16), so the functions are
grouped twice, once (made once per :class:`~matchcore.matching.weights.Weights`):

* by **workplace**: the distinct workplaces, and the functions at each;
* by **profile**: the distinct combinations of everything else the constraints read (hours,
  shifts, licence, Dutch, lift, standing, own transport, weekdays, start, working hours,
  bending, cold, allergens), and the functions of each.

A query tests the commute on the workplaces (with a margin, so that the pair's own test still
decides every pair), the other constraints on the profiles (the same values as each of their
functions, so the same verdicts: they are decided there), takes the functions of the smaller
side that the other side keeps too, and then runs the commute test (:func:`commute_excludes`)
with each pair's own cosine: the result is exactly the set the full test over all functions
leaves.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from matchcore.matching import constraints as cs

__all__ = ["MARGIN", "Pruner", "commute_excludes"]

MARGIN = 1e-9
"""Slack on the cosine of the commute limit when testing workplaces instead of pairs: a pair
within it is decided by the exact test on the pair itself (the two products may round
differently)."""

_COMMUTE = next(k for k in cs.CONSTRAINTS if k.name == "commute")


def commute_excludes(cos_reach, dot) -> np.ndarray:
    """The commute constraint's own test (:data:`~matchcore.matching.constraints.CONSTRAINTS`)
    on pairs: where the cosine ``dot`` of home and workplace is below the candidate's
    ``cos_reach``; the one constraint a profile cannot decide."""
    with np.errstate(invalid="ignore"):
        return np.asarray(_COMMUTE.test(_Reach(cos_reach), None, dot), bool)


class _Reach:
    __slots__ = ("cos_reach",)

    def __init__(self, cos_reach):
        self.cos_reach = cos_reach


# the FunctionSide fields a profile groups on: every one but the workplace
_PROFILE = tuple(f.name for f in fields(cs.FunctionSide) if f.name != "xyz")


@dataclass(frozen=True)
class Pruner:
    """Functions by workplace and by profile (CSR: ``*_ptr`` into ``by_*``, rows increasing
    within each group); ``place_of`` / ``profile_of`` give each function's group, ``profile_rep``
    a function of each profile."""

    places: np.ndarray        # distinct workplaces (P x 3), NaN rows for unknown ones
    place_ptr: np.ndarray
    by_place: np.ndarray
    place_of: np.ndarray
    profile_rep: np.ndarray
    profile_ptr: np.ndarray
    by_profile: np.ndarray
    profile_of: np.ndarray

    @classmethod
    def of(cls, side: cs.FunctionSide) -> Pruner:
        xyz = np.asarray(side.xyz, np.float64)
        # NaN != NaN: unknown workplaces get one group of their own (they are never excluded)
        known = ~np.isnan(xyz).any(axis=1)
        places, inv = np.unique(np.where(known[:, None], xyz, 9.0), axis=0, return_inverse=True)
        places = np.where((places == 9.0).all(axis=1)[:, None], np.nan, places)
        cols = []
        for name in _PROFILE:
            v = np.asarray(getattr(side, name))
            if v.dtype.kind == "f":
                cols += [np.isnan(v).astype(np.float64), np.nan_to_num(v, nan=0.0)]
            else:
                cols.append(v.astype(np.float64))
        _, first, prof = np.unique(np.stack(cols, axis=1), axis=0, return_index=True,
                                   return_inverse=True)
        place_ptr, by_place = _groups(inv.ravel(), len(places))
        profile_ptr, by_profile = _groups(prof.ravel(), len(first))
        return cls(places, place_ptr, by_place, inv.ravel().astype(np.int32),
                   first.astype(np.int64), profile_ptr, by_profile, prof.ravel().astype(np.int32))

    def parts(self) -> dict[str, np.ndarray]:
        return {f"weights.pruner.{f.name}": getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_parts(cls, parts: dict[str, np.ndarray]) -> Pruner | None:
        try:
            return cls(**{f.name: parts[f"pruner.{f.name}"] for f in fields(cls)})
        except KeyError:
            return None

    def candidates_for(self, c: cs.CandidateSide, side: cs.FunctionSide,
                       reps: cs.FunctionSide | None = None) -> np.ndarray:
        """The functions (increasing rows) that may fit candidate ``c`` (a
        :class:`~matchcore.matching.constraints.CandidateSide` of one candidate, scalars): a
        superset of those no constraint excludes: every constraint but the commute is decided,
        the commute needs the pair's own test (:func:`commute_excludes`) afterwards.
        ``reps``: ``side.take(profile_rep)``, when the caller keeps it."""
        with np.errstate(invalid="ignore"):
            dot = self.places @ c.xyz
            place_ok = (dot >= c.cos_reach - MARGIN) | np.isnan(dot)
        reps = side.take(self.profile_rep) if reps is None else reps
        nan = np.full(len(self.profile_rep), np.nan)  # no cosine: the commute test says no
        prof_ok = ~cs.excluded(c, reps, nan)
        pl, pr = np.flatnonzero(place_ok), np.flatnonzero(prof_ok)
        n_pl = int((self.place_ptr[pl + 1] - self.place_ptr[pl]).sum())
        n_pr = int((self.profile_ptr[pr + 1] - self.profile_ptr[pr]).sum())
        if n_pr <= n_pl:  # the fewer functions to gather, the other side filters them
            got = _take(self.profile_ptr, self.by_profile, pr, n_pr)
            got = got[place_ok[self.place_of[got]]]
        else:
            got = _take(self.place_ptr, self.by_place, pl, n_pl)
            got = got[prof_ok[self.profile_of[got]]]
        got.sort()
        return got

    def pairs_for(self, c: cs.CandidateSide, reps: cs.FunctionSide) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`candidates_for` for a block of candidates at once (``c`` in column form,
        :meth:`~matchcore.matching.constraints.CandidateSide.column`): the pairs (candidate
        of the block, function), in no particular order."""
        n_c = len(c.xyz)
        with np.errstate(invalid="ignore"):
            dot = c.xyz[:, 0, :] @ self.places.T
            place_ok = (dot >= c.cos_reach - MARGIN) | np.isnan(dot)
        nan = np.full((n_c, len(self.profile_rep)), np.nan)
        prof_ok = ~cs.excluded(c, reps, nan)
        pb, pq = np.nonzero(prof_ok)
        lb, lp = np.nonzero(place_ok)
        size_q = self.profile_ptr[pq + 1] - self.profile_ptr[pq]
        size_p = self.place_ptr[lp + 1] - self.place_ptr[lp]
        if size_q.sum() <= size_p.sum():
            fun = _take(self.profile_ptr, self.by_profile, pq, int(size_q.sum()))
            cand = np.repeat(pb, size_q)
            keep = place_ok.ravel().take(cand * place_ok.shape[1] + self.place_of.take(fun))
        else:
            fun = _take(self.place_ptr, self.by_place, lp, int(size_p.sum()))
            cand = np.repeat(lb, size_p)
            keep = prof_ok.ravel().take(cand * prof_ok.shape[1] + self.profile_of.take(fun))
        return cand[keep], fun[keep]


def _groups(group_of: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(group_of, kind="stable").astype(np.int64)
    ptr = np.searchsorted(group_of[order], np.arange(n + 1)).astype(np.int64)
    return ptr, order


def _take(ptr: np.ndarray, rows: np.ndarray, sel: np.ndarray, n: int) -> np.ndarray:
    """The rows of groups ``sel`` (n of them in all), one gather."""
    lo, size = ptr[sel], ptr[sel + 1] - ptr[sel]
    starts = np.cumsum(size) - size
    return rows[np.repeat(lo - starts, size) + np.arange(n)]
