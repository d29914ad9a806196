"""The meaning component M of the competence fit (issue 11): per function, the mean over the
candidate's competence texts that resolve to no concept of how near the function's own
competences come to each text by meaning (max-similarity, centred cosine on the graded ramp).

Sparse: a text gives to the functions of its nearest columns only (the function x column matrix
by column), never texts x functions, so that 100,000 functions cost what their columns near the
candidate's texts cost. Every score path takes M from :func:`meaning_sums` (to the bit).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from matchcore.matching.arrays import CandidateArrays, FunctionArrays
from matchcore.matching.weights import ScoreParams, Weights

__all__ = ["blend_meaning", "meaning_block", "meaning_of_columns", "meaning_pairs", "meaning_share",
           "meaning_sums", "use_coef", "with_meaning"]

# The meaning component M stands in for the use part U of the competence fit in proportion to
# the share s of the candidate's competence texts that resolve to no concept:
# U' = (1 - s) U + s M. Each text of the candidate so counts once: a resolved one through the
# lexical use, an unresolved one through how near the function's own competences come to it by
# meaning. Measured (benchmarks/quality.py --quick): blending M into the whole of C instead cost
# 0.06-0.11 recall@1 on O*NET task sentences, because coverage of the function's required
# competences must stay lexical and level-aware; taking U's place only gained on every set.


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions lo[i]..hi[i]-1 of every range in a row, and which range each is."""
    size = hi - lo
    n = int(size.sum())
    which = np.repeat(np.arange(len(lo)), size)
    return np.repeat(lo - (np.cumsum(size) - size), size) + np.arange(n), which


def _fm_csc(f: FunctionArrays) -> sp.csc_matrix:
    """The function x column matrix by column (which functions use each column); made once."""
    got = f.__dict__.get("_fm_csc")
    if got is None:
        n_cols = int(f.fm_indices.max()) + 1 if len(f.fm_indices) else 0
        got = f.__dict__["_fm_csc"] = sp.csr_matrix(
            (np.ones(len(f.fm_indices), np.int8), f.fm_indices, f.fm_indptr),
            shape=(len(f), n_cols)).tocsc()
    return got


def meaning_sums(c: CandidateArrays, rows, f: FunctionArrays, f_mask: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The meaning component's sums for candidates ``rows`` (a block): (b, function, M), one
    entry per pair with a text near one of the function's columns, by (b, function), where
    M is the mean over candidate ``rows[b]``'s unresolved texts of
    :func:`~matchcore.matching.evidence.meaning_credit` of the text's cosine to the function's
    nearest column (its max-similarity over the function's competences). Only functions
    where ``f_mask`` is true, when given.

    Every path (all functions, a subset, pairs, one candidate's shown rows) takes its values
    from here: a pair's M is the same texts' maxima added in the same order (text order,
    ``np.bincount``), so it is the same to the bit whatever else is in the block. Sparse: a
    text gives to the functions of its :data:`~matchcore.matching.evidence.MEANING_COLUMNS`
    nearest columns only (the function x column matrix by column), never texts x functions."""
    from matchcore.matching.evidence import meaning_credit  # start-up: evidence imports the vocabulary

    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    rows = np.asarray(rows, np.int64)
    t_pos, t_b = _ranges(c.sw_indptr[rows], c.sw_indptr[rows + 1])
    if not len(t_pos):
        return empty
    n_text = c.sw_count[rows].astype(np.float64)
    e_pos, e_t = _ranges(c.st_indptr[t_pos], c.st_indptr[t_pos + 1])
    csc = _fm_csc(f)
    cols = c.st_indices.take(e_pos).astype(np.int64)
    ok = cols < csc.shape[1]
    e_pos, e_t, cols = e_pos[ok], e_t[ok], cols[ok]
    if not len(cols):
        return empty
    credit = meaning_credit(c.st_cos.take(e_pos))
    f_pos, e_of = _ranges(csc.indptr[cols], csc.indptr[cols + 1])
    fs = csc.indices.take(f_pos).astype(np.int64)
    if f_mask is not None:
        keep = f_mask[fs]
        fs, e_of = fs[keep], e_of[keep]
    if not len(fs):
        return empty
    n_f = len(f)
    # the best credit per (text, function): each text's max over the function's columns
    tkey = e_t[e_of] * n_f + fs
    v = credit[e_of]
    order = np.lexsort((-v, tkey))
    tkey, v = tkey[order], v[order]
    first = np.ones(len(tkey), bool)
    first[1:] = tkey[1:] != tkey[:-1]
    tkey, v = tkey[first], v[first]
    # summed per (candidate, function) over its texts, in text order (tkey is sorted by text)
    t_loc, fj = tkey // n_f, tkey % n_f
    bkey = t_b[t_loc] * n_f + fj
    keys, inv = np.unique(bkey, return_inverse=True)
    sums = np.bincount(inv.ravel(), weights=v, minlength=len(keys))
    b = keys // n_f
    return b, keys % n_f, sums / n_text[b]


def meaning_of_columns(c: CandidateArrays, cols) -> np.ndarray:
    """M of every candidate of ``c`` against one function that uses columns ``cols`` (a
    profile need not be stored): the values of :func:`meaning_sums` to the bit (the same
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
    """s per candidate of ``rows``: the share of its competence texts that resolve to no concept."""
    return c.sw_share[np.asarray(rows, np.int64)]


def meaning_block(c: CandidateArrays, rows, f: FunctionArrays, f_idx=None) -> np.ndarray:
    """M of candidates ``rows`` against all functions (or functions ``f_idx``), dense."""
    rows = np.asarray(rows, np.int64)
    if f_idx is None:
        out = np.zeros((len(rows), len(f)))
        b, fj, m = meaning_sums(c, rows, f)
        out[b, fj] = m
        return out
    f_idx = np.asarray(f_idx, np.int64)
    u = np.unique(f_idx)
    mask = np.zeros(len(f), bool)
    mask[u] = True
    out = np.zeros((len(rows), len(u)))
    b, fj, m = meaning_sums(c, rows, f, mask)
    out[b, np.searchsorted(u, fj)] = m
    return out[:, np.searchsorted(u, f_idx)]


def meaning_pairs(c: CandidateArrays, rows, f: FunctionArrays, pc: np.ndarray, pf: np.ndarray) -> np.ndarray:
    """M of pairs (candidate ``rows[pc[i]]``, function ``pf[i]``)."""
    pc, pf = np.asarray(pc, np.int64), np.asarray(pf, np.int64)
    mask = np.zeros(len(f), bool)
    mask[pf] = True
    b, fj, m = meaning_sums(c, rows, f, mask)
    out = np.zeros(len(pc))
    if len(b):
        key = b * len(f) + fj
        want = pc * len(f) + pf
        at = np.searchsorted(key, want)
        at = np.minimum(at, len(key) - 1)
        hit = key[at] == want
        out[hit] = m[at[hit]]
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
    """C' = (1 - a s) C + a s M where a s > 0 (C as it is elsewhere, to the bit)."""
    share = np.asarray(share, np.float64)
    return np.where(share > 0, (1.0 - share) * C + share * M, C)
