"""Many candidates at once, without explanations: score blocks, and the top functions of every
stored candidate in threaded batches. Pure functions of the arrays, weights and parameters.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from matchcore.matching import constraints as cs
from matchcore.matching.arrays import CandidateArrays, MatchData
from matchcore.matching.prune import commute_excludes
from matchcore.matching.score import block_title_scores, dense_row, fast_scores, one_scores, pair_scores, stack, title_row, top_k, top_rows
from matchcore.matching.weights import ScoreParams, Weights

__all__ = ["score_block", "score_records", "top_functions"]


def score_block(data: MatchData, w: Weights, p: ScoreParams, stacked, rows,
                f_idx=None) -> tuple[np.ndarray, np.ndarray]:
    """Scores and exclusion of stored candidate ``rows`` x functions (all or ``f_idx``);
    ``stacked`` is :func:`~matchcore.matching.score.stack` of every stored candidate."""
    c = data.candidates
    V, Pv = stacked
    ts = block_title_scores([c.targets_of(r) for r in rows], data.title_index)
    score = fast_scores(w, p, data.functions, V[rows], Pv[rows], ts, meaning=(c, rows))
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

    Without ``include_excluded`` a block of ``batch_size`` candidates scores only its pairs
    no constraint excludes (issue 16: about 1 % of them), found through the workplaces and
    profiles that fit (:class:`~matchcore.matching.prune.Pruner`) and decided by the exact
    pair test, and scored pair by pair (:func:`~matchcore.matching.score.pair_scores`), each
    score the full path's to the bit; ranked by score then row (= id), so the ranking and its
    ties are unchanged. With ``include_excluded`` blocks are scored against every function.
    """
    out_idx = np.full((len(rows), top), -1, np.int64)
    out_sc = np.zeros((len(rows), top))
    k = min(top, w.n_functions)
    c, V, Pv = data.candidates, stacked[0], stacked[1]
    if include_excluded:
        def run(lo):
            block = rows[lo:lo + batch_size]
            scores, excluded = score_block(data, w, p, stacked, block)
            scores[excluded] = -1.0
            idx, sc = top_rows(scores, k)
            out_idx[lo:lo + len(block), :k] = idx
            out_sc[lo:lo + len(block), :k] = sc
    else:
        pruner, f = w.pruner, data.functions
        reps = w.profile_side

        def run(lo):
            block = rows[lo:lo + batch_size]
            if len(block) == 1:  # one query: fewer, smaller steps
                _top_one(data, w, p, stacked, int(block[0]), k, reps, out_idx[lo], out_sc[lo])
                return
            side = cs.CandidateSide.of(c, block)
            pc, pf = _fitting(side, w.side, pruner, reps)
            if not len(pf):
                return
            ts = block_title_scores([c.targets_of(r) for r in block], data.title_index)
            Vb, Pb = V[block], Pv[block]
            vd, pd = Vb.toarray(), Pb.toarray()
            sc = pair_scores(w, p, f, vd, pd, Pb @ w.idf4, ts, pc, pf, meaning=(c, block))
            pc, rank, pf, sc = _top_pairs(pc, pf, sc, k, len(block))
            out_idx[lo + pc, rank] = pf
            out_sc[lo + pc, rank] = sc

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


_EXACT = 1e-12
"""Pairs whose cosine is this close to the commute limit are tested again with the product of
the single-pair path (matrix products and elementwise sums may round differently)."""


def _fitting(side: cs.CandidateSide, f_side: cs.FunctionSide, pruner, reps) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (candidate of the block, function) no constraint excludes, in no
    particular order: the pruner's pairs (every constraint but the commute decided exactly on the
    profiles), then the commute test on each pair's own cosine."""
    pc, pf = pruner.pairs_for(side.column(), reps)
    cx, fx = side.xyz[pc], f_side.xyz[pf]
    dot = cx[:, 0] * fx[:, 0] + cx[:, 1] * fx[:, 1] + cx[:, 2] * fx[:, 2]
    reach = side.cos_reach[pc]
    with np.errstate(invalid="ignore"):
        close = np.flatnonzero(np.abs(dot - reach) <= _EXACT)
    for i in close.tolist():
        dot[i] = float(cx[i:i + 1] @ fx[i:i + 1].T)
    ok = ~commute_excludes(reach, dot)
    return pc[ok], pf[ok]


def _top_one(data: MatchData, w: Weights, p: ScoreParams, stacked, r: int, k: int, reps,
             out_idx: np.ndarray, out_sc: np.ndarray) -> None:
    """:func:`top_functions` of stored candidate ``r`` alone, into ``out_idx`` / ``out_sc``."""
    c, V, Pv = data.candidates, stacked[0], stacked[1]
    side = cs.CandidateSide.of(c, [r])
    one = side.at(0)
    fit = w.pruner.candidates_for(one, w.side, reps)
    fit = fit[~commute_excludes(one.cos_reach, (side.xyz @ w.side.xyz[fit].T)[0])]
    if not len(fit):
        return
    vd, pd, s_use = dense_row(V, Pv, r, w.idf4)
    ts = title_row(data, c.targets_of(r))
    sc = one_scores(w, p, data.functions, vd, pd, s_use, ts, fit, meaning=(c, [r]))
    got = top_k(sc, np.ones(len(sc), bool), k)
    out_idx[:len(got)] = fit[got]
    out_sc[:len(got)] = sc[got]


def _top_pairs(pc, pf, sc, k: int, n_c: int):
    """Per candidate its ``k`` best pairs scoring above 0, by score then function: (candidate,
    rank, function, score)."""
    ok = sc > 0
    pc, pf, sc = pc[ok], pf[ok], sc[ok]
    if len(pc) > 4 * k * n_c and np.all(pc[1:] >= pc[:-1]):
        keep = sc >= _kth_floor(pc, sc, k, n_c)[pc]
        pc, pf, sc = pc[keep], pf[keep], sc[keep]
    order = np.lexsort((pf, -sc, pc))
    pc, pf, sc = pc[order], pf[order], sc[order]
    rank = np.arange(len(pc)) - np.searchsorted(pc, np.arange(n_c))[pc]
    keep = rank < k
    return pc[keep], rank[keep], pf[keep], sc[keep]


def _kth_floor(pc: np.ndarray, sc: np.ndarray, k: int, n_c: int) -> np.ndarray:
    """Per candidate a score its ``k``-th best pair reaches for certain (-inf when unknown),
    from pairs grouped by candidate (``pc`` non-decreasing).

    Why: sorting every fitting pair of a block (about a thousand a candidate) to keep ten was
    a tenth of the all-pairs run (issue 16). Cut each candidate's pairs into ``2k`` runs and
    take the best score of each: the ``k``-th highest of these maxima is reached by ``k``
    different pairs (one in each of ``k`` runs), so no pair below it can be among the ``k``
    best. Pairs at the floor stay (their ties are decided by the sort), so the ranking is the
    full sort's.
    """
    floor = np.full(n_c, -np.inf)
    starts = np.searchsorted(pc, np.arange(n_c))
    size = np.searchsorted(pc, np.arange(n_c), side="right") - starts
    runs = 2 * k
    has = np.flatnonzero(size >= runs)
    if not len(has):
        return floor
    length = size[has] // runs   # the last size % runs pairs are in no run: the floor holds without them
    first = (starts[has, None] + np.arange(runs) * length[:, None]).ravel()
    ends = first + np.repeat(length, runs)
    # reduceat over [start, end) of each run; the sentinel lets the last run end the array
    tops = np.maximum.reduceat(np.append(sc, -np.inf), np.stack([first, ends], axis=1).ravel())[::2]
    floor[has] = np.partition(tops.reshape(len(has), runs), runs - k, axis=1)[:, runs - k]
    return floor


def score_records(data: MatchData, w: Weights, p: ScoreParams, c: CandidateArrays, *,
                  batch_size: int = 256) -> np.ndarray:
    """The competence scores of candidates ``c`` against every stored function (no
    constraints, no filters)."""
    out = np.zeros((len(c), w.n_functions))
    V, Pv = stack(c, len(data.columns), p.text_credit)
    for lo in range(0, len(c), batch_size):
        rows = np.arange(lo, min(lo + batch_size, len(c)))
        ts = block_title_scores([c.targets_of(r) for r in rows], data.title_index)
        out[rows] = fast_scores(w, p, data.functions, V[rows], Pv[rows], ts, meaning=(c, rows))
    return out
