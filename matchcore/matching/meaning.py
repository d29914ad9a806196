"""The meaning component M of the competence fit (issue 11): per function, the mean over the
candidate's competence texts that resolve to no concept of how near the function's own
competences come to each text by meaning (max-similarity, centred cosine on the graded ramp).

Sparse: a text gives to the functions of its nearest columns only (the function x column matrix
by column), never texts x functions, so that 100,000 functions cost what their columns near the
candidate's texts cost. Every score path takes M from :func:`meaning_rows` (to the bit).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from matchcore.matching.arrays import CandidateArrays, FunctionArrays, spans
from matchcore.matching.weights import ScoreParams, Weights

__all__ = ["blend_meaning", "meaning_of_columns", "meaning_pairs", "meaning_rows",
           "meaning_share", "use_coef", "with_meaning"]

# The meaning component M stands in for the use part U of the competence fit in proportion to
# the share s of the candidate's competence texts that are short phrasings resolving to no
# concept (written-out tasks keep their say in U: data._meaning_arrays): U' = (1 - s) U + s M.
# Measured (benchmarks/quality.py --quick): blending M into the whole of C instead cost 0.01-0.04
# recall@1 on the ESCO and Competent sets (0.06-0.11 on O*NET before the task rule), because
# coverage of the function's required competences must stay lexical and level-aware.


def _fm_csc(f: FunctionArrays) -> sp.csc_matrix:
    """The function x column matrix by column (which functions use each column); made once."""
    got = f.__dict__.get("_fm_csc")
    if got is None:
        n_cols = int(f.fm_indices.max()) + 1 if len(f.fm_indices) else 0
        got = f.__dict__["_fm_csc"] = sp.csr_matrix(
            (np.ones(len(f.fm_indices), np.int8), f.fm_indices, f.fm_indptr),
            shape=(len(f), n_cols)).tocsc()
    return got


def meaning_rows(c: CandidateArrays, rows, f: FunctionArrays, f_idx=None) -> np.ndarray:
    """M of candidates ``rows`` against every function, or functions ``f_idx``, dense
    (len(rows) x functions): the mean over each candidate's unresolved texts of
    :func:`~matchcore.matching.evidence.meaning_credit` of the text's cosine to the function's
    nearest column (its max-similarity over the function's competences).

    Every path (all functions, a subset, pairs, one candidate's shown rows) takes its values
    from here, so a pair's M is the same to the bit whatever else is in the block: each text's
    maximum is exact, whichever way it is found, and the texts' maxima are added in text order.
    A text is worked out the cheaper of two ways, without a sort over the entries (a sort of
    every (text, column, function) entry cost 4.5 ms a candidate in blocks of 256 at 100,000
    functions): visiting the functions of its nearest columns, best column first, each function
    taking the credit of the first it uses (:func:`_by_columns`); or, for a few functions (those
    no constraint excludes), the maximum over each function's own columns (:func:`_by_functions`)."""
    from matchcore.matching.evidence import meaning_credit  # start-up: evidence imports the vocabulary

    rows = np.asarray(rows, np.int64)
    sub = None if f_idx is None else np.asarray(f_idx, np.int64)
    width = len(f) if sub is None else len(sub)
    out = np.zeros((len(rows), width))
    if not len(rows) or not width or not len(c.st_indices):
        return out
    csc = _fm_csc(f)
    n_cols = csc.shape[1]
    col_len = np.diff(csc.indptr)
    seen = np.zeros(len(f), bool)
    own = None   # the subset's (column of each entry, segment starts, non-empty), made when first needed
    for b, r in enumerate(rows.tolist()):
        acc = out[b]
        for t in range(int(c.sw_indptr[r]), int(c.sw_indptr[r + 1])):
            lo, hi = int(c.st_indptr[t]), int(c.st_indptr[t + 1])
            cols = c.st_indices[lo:hi].astype(np.int64)
            keep = cols < n_cols   # a column no function uses
            cols = cols[keep]
            if not len(cols):
                continue
            credit = meaning_credit(c.st_cos[lo:hi][keep])
            if sub is not None:
                if own is None:
                    own = _own_columns(f, sub)
                if len(own[0]) < int(col_len[cols].sum()):
                    acc += _by_functions(own, cols, credit, n_cols)   # adds 0.0 where no column is near
                    continue
            seen.fill(False)
            got = _by_columns(csc, cols, credit, seen)
            acc += got if sub is None else got[sub]
        n = int(c.sw_count[r])
        if n:
            acc /= n
    return out


def _by_columns(csc: sp.csc_matrix, cols: np.ndarray, credit: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """One text's best credit per function (all functions), from the functions of its columns."""
    got = np.zeros(len(seen))
    for j in np.lexsort((cols, -credit)).tolist():
        cr = float(credit[j])
        if cr <= 0.0:   # at the floor of the ramp: adds nothing
            break
        col = int(cols[j])
        fs = csc.indices[csc.indptr[col]:csc.indptr[col + 1]]
        new = fs[~seen[fs]]
        seen[new] = True
        got[new] = cr
    return got


def _own_columns(f: FunctionArrays, sub: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The columns of functions ``sub``, entry by entry, with where each function's start and
    which functions have any, and how many each has."""
    lo = f.fm_indptr[sub]
    size = (f.fm_indptr[sub + 1] - lo).astype(np.int64)
    has = size > 0
    return f.fm_indices[spans(lo, size)].astype(np.int64), (np.cumsum(size) - size)[has], has, size


def _by_functions(own, cols: np.ndarray, credit: np.ndarray, n_cols: int) -> np.ndarray:
    """One text's best credit per function of the subset, from each function's own columns."""
    entry_cols, starts, has, _size = own
    per_col = np.zeros(n_cols)
    per_col[cols] = credit
    got = np.zeros(len(has))
    if len(entry_cols):
        got[has] = np.maximum.reduceat(per_col[entry_cols], starts)
    return got


def meaning_of_columns(c: CandidateArrays, cols) -> np.ndarray:
    """M of every candidate of ``c`` against one function that uses columns ``cols`` (a
    profile need not be stored): the values of :func:`meaning_rows` to the bit (the same
    texts' maxima added in text order)."""
    from matchcore.matching.evidence import meaning_credit  # start-up: evidence imports the vocabulary

    n = len(c)
    out = np.zeros(n)
    n_t = len(c.st_indptr) - 1
    cols = np.unique(np.asarray(cols, np.int64))
    if not n_t or not len(cols) or not len(c.st_indices):
        return out
    hit = np.isin(c.st_indices, cols)
    e_pos = np.flatnonzero(hit)
    e_t = np.searchsorted(c.st_indptr, e_pos, side="right") - 1
    v = meaning_credit(c.st_cos.take(e_pos))
    best = np.full(n_t, -np.inf)
    np.maximum.at(best, e_t, v)
    texts = np.flatnonzero(best > -np.inf)
    cand = np.searchsorted(c.sw_indptr, texts, side="right") - 1
    sums = np.bincount(cand, weights=best[texts], minlength=n)
    n_text = c.sw_count.astype(np.float64)
    has = n_text > 0
    out[has] = sums[has] / n_text[has]
    return out


def meaning_share(c: CandidateArrays, rows) -> np.ndarray:
    """s per candidate of ``rows``: the share of its competence texts that are short phrasings
    resolving to no concept (0 without the model)."""
    return c.sw_share[np.asarray(rows, np.int64)]


PAIR_TABLE_CELLS = 4_000_000
"""At most this many (candidate, column) cells in one credit table of :func:`meaning_pairs`
(32 MB): a block of candidates is taken in parts when the vocabulary has many columns."""


def meaning_pairs(c: CandidateArrays, rows, f: FunctionArrays, pc: np.ndarray, pf: np.ndarray) -> np.ndarray:
    """M of pairs (candidate ``rows[pc[i]]``, function ``pf[i]``), for the whole block at once:
    per text slot (each candidate's first unresolved text, then its second, ...) a table of the
    credit per (candidate, column), read at every pair function's own columns, the maximum per
    pair, added slot after slot. The same maxima added in the same text order as
    :func:`meaning_rows`, so the same bits, without a Python loop over candidates."""
    from matchcore.matching.evidence import meaning_credit  # start-up: evidence imports the vocabulary

    pc, pf = np.asarray(pc, np.int64), np.asarray(pf, np.int64)
    rows = np.asarray(rows, np.int64)
    out = np.zeros(len(pc))
    if not len(pc) or not len(c.st_indices):
        return out
    n_cols = _fm_csc(f).shape[1]
    step = max(1, PAIR_TABLE_CELLS // max(n_cols, 1))
    for b0 in range(0, len(rows), step):
        part = rows[b0:b0 + step]
        n_free = c.sw_indptr[part + 1] - c.sw_indptr[part]
        count = c.sw_count[part]
        if not count.any():
            continue
        # only the pairs of this part's candidates that have a text M counts (the others keep 0)
        local = pc - b0
        inside = (local >= 0) & (local < len(part))
        inside[inside] = count[local[inside]] > 0
        sel = np.flatnonzero(inside)
        if not len(sel):
            continue
        entry_cols, starts, has, sizes = _own_columns(f, pf[sel])
        flat = np.repeat(local[sel], sizes) * n_cols + entry_cols   # the table's cell of each entry
        acc = np.zeros(len(sel))
        table = np.zeros((len(part), n_cols))
        for k in range(int(n_free.max())):
            table.fill(0.0)
            who = np.flatnonzero(n_free > k)
            t = c.sw_indptr[part[who]] + k
            lo = c.st_indptr[t]
            size = (c.st_indptr[t + 1] - lo).astype(np.int64)
            e = spans(lo, size)
            cols = c.st_indices[e].astype(np.int64)
            keep = cols < n_cols
            table[np.repeat(who, size)[keep], cols[keep]] = meaning_credit(c.st_cos[e][keep])
            if len(entry_cols):
                got = np.zeros(len(sel))
                got[has] = np.maximum.reduceat(table.ravel()[flat], starts)
                acc += got
        out[sel] = acc / count[local[sel]].astype(np.float64)
    return out


def use_coef(w: Weights, p: ScoreParams, f_idx=None) -> np.ndarray:
    """u / (1 + u) per function (0 without competences): the share of use U in C."""
    s_req, s_opt = (w.s_req, w.s_opt) if f_idx is None else (w.s_req[f_idx], w.s_opt[f_idx])
    mass = p.required_weight * s_req + p.optional_weight * s_opt
    return np.where(mass > 0, p.use_weight / (1.0 + p.use_weight), 0.0)


def with_meaning(A, Uc, share, M, uco):
    """C from its coverage part ``A`` (= GT v) and use part ``Uc`` (= u/(1+u) U), with the
    meaning component: the use part's share ``share`` taken by M (``uco`` = u/(1+u))."""
    return A + blend_meaning(Uc, share, uco * M)


def blend_meaning(C: np.ndarray, share, M) -> np.ndarray:
    """(1 - s) C + s M where s > 0 (C as it is elsewhere, to the bit)."""
    share = np.asarray(share, np.float64)
    return np.where(share > 0, (1.0 - share) * C + share * M, C)
