"""Ranking, explained, in both directions: one candidate against every function, and one
function (stored or a profile) against every stored candidate.

Pure functions of the arrays (:mod:`matchcore.matching.arrays`), the weights and the
parameters (:mod:`matchcore.matching.weights`); :class:`matchcore.matching.matcher.Matcher`
adds the look-ups and the instruments.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from matchcore.matching import constraints as cs
from matchcore.matching.arrays import EARTH_RADIUS_KM, CandidateArrays, MatchData, unit_xyz
from matchcore.matching.explain import explain_pair
from matchcore.matching.info import FunctionInfo, candidate_info
from matchcore.matching.prune import commute_excludes
from matchcore.matching.results import CandidateMatch, PairExplanation
from matchcore.matching.meaning import meaning_of_columns, meaning_share
from matchcore.matching.score import (
    ComponentArrays,
    candidate_title_fit,
    combine,
    component_rows,
    component_scores,
    fast_scores,
    one_scores,
    stack,
    stack_one,
    title_row,
    top_k,
)
from matchcore.matching.weights import ScoreParams, Weights

__all__ = ["Ranked", "mark", "rank_candidates", "rank_functions"]


@dataclass(frozen=True)
class Ranked:
    """The top rows of one query (``idx``), before they are explained."""

    considered: int
    excluded_count: int
    idx: np.ndarray
    components: ComponentArrays   # aligned with idx
    masks: dict[str, np.ndarray]  # per constraint: over every row (rank_candidates), or over
    #                               the rows of ``shown`` only (rank_functions)
    near: np.ndarray | None = None          # near misses, the same rows as ``masks``
    near_idx: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    near_components: ComponentArrays | None = None   # aligned with near_idx
    near_rows: list = field(default_factory=list)    # rank_candidates: near_idx explained
    shown: np.ndarray | None = None  # the rows ``masks`` and ``near`` cover (None: every row)

    def verdicts(self, i: int) -> tuple[dict[str, bool], bool]:
        """Row ``i``'s exclusion per constraint, and whether it is a near miss."""
        j = i if self.shown is None else int(np.searchsorted(self.shown, i))
        return {k: bool(v[j]) for k, v in self.masks.items()}, bool(self.near[j])


def _select(score: np.ndarray, valid: np.ndarray, excluded: np.ndarray, k: int,
            include_excluded: bool) -> np.ndarray:
    """The k best rows: fitting ones scoring above 0 (:func:`top_k`), and with
    ``include_excluded`` every excluded row too, also those scoring 0 (nothing in common: the
    coach still learns why they were excluded). By score, then row (= id)."""
    if not include_excluded:
        return top_k(score, valid & ~excluded, k)
    idx = np.flatnonzero(valid & (excluded | (score > 0)))
    return idx[np.lexsort((idx, -score[idx]))[:k]]


def mark(ex: PairExplanation, ci, fi, near: bool) -> PairExplanation:
    """The explanation with ``near_miss`` and, for a near miss, ``would_need``."""
    if not near:
        return ex
    by = {c.name: c.ok is False for c in ex.checks}
    return replace(ex, near_miss=True, would_need=cs.would_need(ci, fi, by))


def _within(dot: np.ndarray, max_distance_km: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return dot >= np.cos(min(max_distance_km / EARTH_RADIUS_KM, math.pi))


class _Scores:
    """The scores of rows ``rows`` (increasing) as if of every row: ``score[idx]``."""

    def __init__(self, rows: np.ndarray, values: np.ndarray):
        self.rows, self.values = rows, values

    def __getitem__(self, idx):
        return self.values[np.searchsorted(self.rows, idx)]


def rank_functions(data: MatchData, w: Weights, p: ScoreParams, c: CandidateArrays, *, top: int,
                   include_excluded: bool, valid: np.ndarray,
                   max_distance_km: float | None = None, near_misses: bool = False,
                   on: dt.date | None = None) -> Ranked:
    """The best functions for the one candidate of ``c`` among ``valid`` ones; with
    ``near_misses`` also the best near misses (``near_idx``); ``on``: the query date."""
    f = data.functions
    ts = [title_row(data, c.targets)]
    cxyz = unit_xyz(c.lat[0], c.lon[0])
    side = cs.CandidateSide.of(c, on=on).at(0)
    # Work only for what is shown (issue 16). The plain query: the functions no constraint
    # excludes come from the workplaces and profiles that fit (matching.prune, then the exact
    # test on those), the score only on those, the per-constraint verdicts and near misses
    # only for the rows explained. A subset's scores are the full path's to the bit
    # (fast_scores), and the pair tests are the full path's on the same values, so the
    # ranking, its ties and the counts are those of testing and scoring every function.
    if not (near_misses or include_excluded or max_distance_km is not None):
        fit = w.pruner.candidates_for(side, w.side, w.profile_side)
        d_fit = w.side.xyz[fit] @ cxyz
        ok = ~commute_excludes(side.cos_reach, d_fit)  # the rest is decided by profile
        fit, d_fit = fit[ok], d_fit[ok]
        keep = valid[fit]
        considered = int(valid.sum())
        n_excluded = considered - int(keep.sum())
        scored = fit[keep]
        vd, pd, s_use = stack_one(c, len(data.columns), p.text_credit, w.idf4)
        sub = one_scores(w, p, f, vd, pd, s_use, ts[0], scored, meaning=(c, [0]))
        idx = scored[top_k(sub, np.ones(len(scored), bool), top)]
        score = _Scores(scored, sub)
        shown = np.unique(idx)
        fs, d = w.side.take(shown), d_fit[keep][np.searchsorted(scored, shown)]
        masks = cs.masks(side, fs, d)
        near = cs.near_misses(masks, cs.near_masks(side, fs, d)) if len(shown) else np.zeros(0, bool)
        near_idx = np.zeros(0, np.int64)

        def parts(rows):  # the ranked score; the components agree with it to 1e-12
            return replace(component_rows(w, p, f, vd, pd, s_use, ts[0], rows, meaning=(c, [0])),
                           score=score[rows])
    else:
        V, Pv = stack(c, len(data.columns), p.text_credit, [0])
        dot = w.side.xyz @ cxyz
        if max_distance_km is not None:
            valid &= _within(dot, max_distance_km)
        if near_misses:  # near misses are looked for over every function
            masks = cs.masks(side, w.side, dot)
            excluded = np.logical_or.reduce(list(masks.values()))
            near = cs.near_misses(masks, cs.near_masks(side, w.side, dot))
        else:
            excluded = cs.excluded(side, w.side, dot)
        considered, n_excluded = int(valid.sum()), int((valid & excluded).sum())
        wanted = valid if include_excluded else valid & ~excluded
        # rows left out score -1, below every row that can be listed (top_k lists scores > 0)
        scored = np.flatnonzero(wanted | (valid & near) if near_misses else wanted)
        score = np.full(len(f), -1.0)
        if len(scored):
            score[scored] = fast_scores(w, p, f, V, Pv, ts, f_idx=scored, meaning=(c, [0]))[0]
        idx = _select(score, valid, excluded, top, include_excluded)
        near_idx = top_k(score, valid & near, top) if near_misses else np.zeros(0, np.int64)
        shown = None
        if not near_misses:
            shown = np.unique(idx)
            fs, d = w.side.take(shown), dot[shown]
            masks = cs.masks(side, fs, d)
            near = cs.near_misses(masks, cs.near_masks(side, fs, d)) if len(shown) else np.zeros(0, bool)

        def parts(rows):  # the ranked score; the components agree with it to 1e-12
            return replace(component_scores(w, p, f, V, Pv, ts, f_idx=rows, meaning=(c, [0])).row(0),
                           score=score[rows])

    return Ranked(considered, n_excluded, idx, parts(idx), masks, near, near_idx,
                  parts(near_idx) if near_misses else None, shown=shown)


def rank_candidates(data: MatchData, w: Weights, p: ScoreParams, stacked, fi: FunctionInfo, *,
                    top: int, include_excluded: bool, max_distance_km: float | None = None,
                    near_misses: bool = False,
                    on: dt.date | None = None) -> tuple[Ranked, list[CandidateMatch]]:
    """The best stored candidates for one function, explained (instruments left empty); with
    ``near_misses`` also the best near misses, explained in ``near_rows``."""
    day = on  # the name ``on`` is the optional coverage below
    cands = data.candidates
    m = len(data.columns)
    keep = [k for k in fi.competences if k.col is not None]
    cols = np.array([k.col for k in keep], np.int64)
    stacked_cols = cols * 4 + np.array([k.level - 1 for k in keep], np.int64)
    wt = np.array([k.w for k in keep], float)
    req = np.array([k.required for k in keep], bool)
    zeros = np.zeros_like(stacked_cols)
    wr = sp.csr_matrix((np.where(req, wt, 0.0), (stacked_cols, zeros)), shape=(4 * m, 1))
    wo = sp.csr_matrix((np.where(req, 0.0, wt), (stacked_cols, zeros)), shape=(4 * m, 1))
    s_req = sum(k.w for k in fi.competences if k.required)
    s_opt = sum(k.w for k in fi.competences if not k.required)
    ucols = cols * 4
    uw = sp.csr_matrix((w.idf[cols], (ucols, np.zeros_like(ucols))), shape=(4 * m, 1))
    V, Pv = stacked
    rn = (V @ wr).toarray().ravel()
    on = (V @ wo).toarray().ravel()
    pn = (Pv @ wr).toarray().ravel()
    un = (Pv @ uw).toarray().ravel()
    s_use = Pv @ w.idf4
    j = candidate_title_fit(data.title_index, cands.targets, cands.tg_indptr, fi.titles)
    share = M = None
    if np.any(cands.sw_share > 0):
        share, M = meaning_share(cands, np.arange(len(cands))), meaning_of_columns(cands, cols)
    comp = combine(p, rn, on, pn, s_req, s_opt, un, s_use, j, share, M)
    side = cs.CandidateSide.of(cands, on=day)
    dot = side.xyz @ unit_xyz(fi.lat, fi.lon) if fi.lat is not None else np.full(len(cands), np.nan)
    masks = cs.masks(side, fi.side, dot)
    excluded = np.logical_or.reduce(list(masks.values()))
    near = cs.near_misses(masks, cs.near_masks(side, fi.side, dot))
    valid = np.ones(len(cands), bool)
    if max_distance_km is not None:
        valid &= _within(dot, max_distance_km)
    considered, n_excluded = int(valid.sum()), int((valid & excluded).sum())
    idx = _select(comp.score, valid, excluded, top, include_excluded)
    near_idx = top_k(comp.score, valid & near, top) if near_misses else np.zeros(0, np.int64)

    def explained(rows):
        out = []
        for i in rows.tolist():
            ci = candidate_info(cands, i, day)
            ex: PairExplanation = explain_pair(p, ci, fi, comp, i, {k: bool(v[i]) for k, v in masks.items()})
            out.append(CandidateMatch(candidate=cands.ids[i], **mark(ex, ci, fi, bool(near[i])).parts()))
        return out

    results = explained(idx)
    return Ranked(considered, n_excluded, idx, comp, masks, near, near_idx, comp,
                  explained(near_idx)), results
