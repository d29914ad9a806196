"""Ranking, explained, in both directions: one candidate against every function, and one
function (stored or a profile) against every stored candidate.

Pure functions of the arrays (:mod:`matchcore.matching.arrays`), the weights and the
parameters (:mod:`matchcore.matching.weights`); :class:`matchcore.matching.matcher.Matcher`
adds the look-ups and the instruments.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from matchcore.matching import constraints as cs
from matchcore.matching.arrays import EARTH_RADIUS_KM, CandidateArrays, MatchData, unit_xyz
from matchcore.matching.explain import explain_pair
from matchcore.matching.info import FunctionInfo, candidate_info
from matchcore.matching.results import CandidateMatch, PairExplanation
from matchcore.matching.score import (
    ComponentArrays,
    combine,
    component_scores,
    fast_scores,
    stack,
    title_scores,
    top_k,
)
from matchcore.matching.weights import ScoreParams, Weights

__all__ = ["Ranked", "rank_candidates", "rank_functions"]


@dataclass(frozen=True)
class Ranked:
    """The top rows of one query (``idx``), before they are explained."""

    considered: int
    excluded_count: int
    idx: np.ndarray
    components: ComponentArrays   # aligned with idx
    masks: dict[str, np.ndarray]  # per constraint, over every row considered


def _within(dot: np.ndarray, max_distance_km: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return dot >= np.cos(min(max_distance_km / EARTH_RADIUS_KM, math.pi))


def rank_functions(data: MatchData, w: Weights, p: ScoreParams, c: CandidateArrays, *, top: int,
                   include_excluded: bool, valid: np.ndarray,
                   max_distance_km: float | None = None) -> Ranked:
    """The best functions for the one candidate of ``c`` among ``valid`` ones."""
    f = data.functions
    V, Pv = stack(c, len(data.columns), p.text_credit, [0])
    ts = [title_scores(c.targets, data.title_texts) if c.targets else None]
    score = fast_scores(w, p, f, V, Pv, ts)[0]
    dot = w.side.xyz @ unit_xyz(c.lat[0], c.lon[0])
    masks = cs.masks(cs.CandidateSide.of(c).at(0), w.side, dot)
    excluded = np.logical_or.reduce(list(masks.values()))
    if max_distance_km is not None:
        valid &= _within(dot, max_distance_km)
    considered, n_excluded = int(valid.sum()), int((valid & excluded).sum())
    if not include_excluded:
        valid &= ~excluded
    idx = top_k(score, valid, top)
    # the ranked score; the components agree with it to 1e-12
    comp = replace(component_scores(w, p, f, V, Pv, ts, f_idx=idx).row(0), score=score[idx])
    return Ranked(considered, n_excluded, idx, comp, masks)


def rank_candidates(data: MatchData, w: Weights, p: ScoreParams, stacked, fi: FunctionInfo, *,
                    top: int, include_excluded: bool,
                    max_distance_km: float | None = None) -> tuple[Ranked, list[CandidateMatch]]:
    """The best stored candidates for one function, explained (instruments left empty)."""
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
    j = None
    if fi.titles and cands.targets:
        sc = process.cdist(cands.targets, fi.titles, scorer=fuzz.WRatio, processor=None,
                           dtype=np.uint8)
        best = np.clip((sc.max(axis=1).astype(np.float64) - 50.0) / 50.0, 0.0, 1.0)
        ptr = cands.tg_indptr
        j = np.full(len(cands), np.nan)
        has = np.diff(ptr) > 0
        j[has] = np.maximum.reduceat(best, ptr[:-1][has])
    comp = combine(p, rn, on, pn, s_req, s_opt, un, s_use, j)
    side = cs.CandidateSide.of(cands)
    dot = side.xyz @ unit_xyz(fi.lat, fi.lon) if fi.lat is not None else np.full(len(cands), np.nan)
    masks = cs.masks(side, fi.side, dot)
    excluded = np.logical_or.reduce(list(masks.values()))
    valid = np.ones(len(cands), bool)
    if max_distance_km is not None:
        valid &= _within(dot, max_distance_km)
    considered, n_excluded = int(valid.sum()), int((valid & excluded).sum())
    if not include_excluded:
        valid &= ~excluded
    idx = top_k(comp.score, valid, top)
    results = []
    for i in idx.tolist():
        ex: PairExplanation = explain_pair(p, candidate_info(cands, i), fi, comp, i,
                                           {k: bool(v[i]) for k, v in masks.items()})
        results.append(CandidateMatch(candidate=cands.ids[i], **ex.parts()))
    return Ranked(considered, n_excluded, idx, comp, masks), results
