"""Many candidates at once, without explanations: score blocks, and the top functions of every
stored candidate in threaded batches. Pure functions of the arrays, weights and parameters.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from matchcore.matching import constraints as cs
from matchcore.matching.arrays import CandidateArrays, MatchData
from matchcore.matching.score import block_title_scores, fast_scores, stack, top_rows
from matchcore.matching.weights import ScoreParams, Weights

__all__ = ["score_block", "score_records", "top_functions"]


def score_block(data: MatchData, w: Weights, p: ScoreParams, stacked, rows,
                f_idx=None) -> tuple[np.ndarray, np.ndarray]:
    """Scores and exclusion of stored candidate ``rows`` x functions (all or ``f_idx``);
    ``stacked`` is :func:`~matchcore.matching.score.stack` of every stored candidate."""
    c = data.candidates
    V, Pv = stacked
    ts = block_title_scores([c.targets_of(r) for r in rows], data.title_index)
    score = fast_scores(w, p, data.functions, V[rows], Pv[rows], ts)
    f = w.side if f_idx is None else w.side.take(f_idx)
    side = cs.CandidateSide.of(c, rows)
    excluded = cs.excluded(side.column(), f, side.xyz @ f.xyz.T)
    if f_idx is not None:
        score = score[:, f_idx]
    return score, excluded


def top_functions(data: MatchData, w: Weights, p: ScoreParams, stacked, rows: np.ndarray, *,
                  top: int, batch_size: int, include_excluded: bool,
                  workers: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(index, scores): per stored candidate row, its ``top`` function rows (-1 pads).

    Without ``include_excluded`` a block scores only the functions one of its candidates can
    have (issue 16): candidates go in blocks of neighbours (:func:`_by_place`), the commute
    test runs first on the distinct workplaces (with a margin, so that the exact test below
    still decides every pair), then the other constraints on the functions left, and the
    score on those no constraint excludes for the whole block. A subset's scores are the
    full path's to the bit (:func:`~matchcore.matching.score.fast_scores`), its columns keep
    the id order, so the ranking and its ties are unchanged.
    """
    out_idx = np.full((len(rows), top), -1, np.int64)
    out_sc = np.zeros((len(rows), top))
    k = min(top, w.n_functions)
    c, V, Pv = data.candidates, stacked[0], stacked[1]
    order = _by_place(c, rows)
    places, at_place = (None, None) if include_excluded else _places(w.side.xyz)

    def run(lo):
        at = order[lo:lo + batch_size]
        block = rows[at]
        if include_excluded:
            scores, excluded = score_block(data, w, p, stacked, block)
            f_idx = None
        else:
            f_idx, excluded = _reachable(c, w, block, places, at_place)
            ts = block_title_scores([c.targets_of(r) for r in block], data.title_index)
            scores = fast_scores(w, p, data.functions, V[block], Pv[block], ts, f_idx=f_idx)
        scores[excluded] = -1.0
        n = min(k, scores.shape[1])
        if not n:
            return
        idx, sc = top_rows(scores, n)
        if f_idx is not None:
            idx = np.where(idx >= 0, f_idx[np.maximum(idx, 0)], -1)
        out_idx[at, :n] = idx
        out_sc[at, :n] = sc

    if k:
        starts = range(0, len(rows), batch_size)
        n = workers or min(os.cpu_count() or 1, max(1, len(starts)))
        if n == 1:
            for lo in starts:
                run(lo)
        else:
            with ThreadPoolExecutor(n) as pool:
                list(pool.map(run, starts))
    return out_idx, out_sc


_MARGIN = 1e-9
"""Slack on the cosine of the commute limit when pruning by workplace: a pair within it is
decided by the exact test on the pair itself (the two products round differently)."""


def _by_place(c: CandidateArrays, rows: np.ndarray) -> np.ndarray:
    """Positions in ``rows`` ordered so that neighbours share a block: strips of a quarter
    degree of latitude (about 28 km), by longitude within each; unknown homes last."""
    lat, lon = c.lat[rows], c.lon[rows]
    strip = np.where(np.isnan(lat), np.inf, np.floor(lat * 4))
    return np.lexsort((np.arange(len(rows)), np.nan_to_num(lon, nan=np.inf), strip))


def _places(xyz: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The distinct workplaces, and the functions at each (CSR: pointers, function rows)."""
    places, place_of = np.unique(xyz, axis=0, return_inverse=True)
    place_of = place_of.ravel()
    by_place = np.argsort(place_of, kind="stable")
    ptr = np.searchsorted(place_of[by_place], np.arange(len(places) + 1))
    return places, (ptr, by_place)


def _reachable(c: CandidateArrays, w: Weights, block: np.ndarray, places, at_place):
    """(functions, excluded): the functions some candidate of ``block`` can have, increasing,
    and the exclusion of each pair over them (block x functions)."""
    side = cs.CandidateSide.of(c, block)
    with np.errstate(invalid="ignore"):
        dot = side.xyz @ places.T
        near = (dot >= side.cos_reach[:, None] - _MARGIN) | np.isnan(dot)
    ptr, by_place = at_place
    sel = np.flatnonzero(near.any(axis=0))
    lo, n = ptr[sel], ptr[sel + 1] - ptr[sel]
    starts = np.cumsum(n) - n
    f1 = np.sort(by_place[np.repeat(lo - starts, n) + np.arange(int(n.sum()))])
    fs = w.side.take(f1)
    excluded = cs.excluded(side.column(), fs, side.xyz @ fs.xyz.T)
    alive = ~excluded.all(axis=0)
    return f1[alive], np.ascontiguousarray(excluded[:, alive])


def score_records(data: MatchData, w: Weights, p: ScoreParams, c: CandidateArrays, *,
                  batch_size: int = 256) -> np.ndarray:
    """The competence scores of candidates ``c`` against every stored function (no
    constraints, no filters)."""
    out = np.zeros((len(c), w.n_functions))
    V, Pv = stack(c, len(data.columns), p.text_credit)
    for lo in range(0, len(c), batch_size):
        rows = np.arange(lo, min(lo + batch_size, len(c)))
        ts = block_title_scores([c.targets_of(r) for r in rows], data.title_index)
        out[rows] = fast_scores(w, p, data.functions, V[rows], Pv[rows], ts)
    return out
