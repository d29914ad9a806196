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
    """(index, scores): per stored candidate row, its ``top`` function rows (-1 pads)."""
    out_idx = np.full((len(rows), top), -1, np.int64)
    out_sc = np.zeros((len(rows), top))
    k = min(top, w.n_functions)

    def run(lo):
        block = rows[lo:lo + batch_size]
        scores, excluded = score_block(data, w, p, stacked, block)
        if not include_excluded:
            scores[excluded] = -1.0
        idx, sc = top_rows(scores, k)
        out_idx[lo:lo + len(block), :k] = idx
        out_sc[lo:lo + len(block), :k] = sc

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
