"""The score, vectorised, as pure functions of the arrays, the weights and the parameters.

Candidates are stacked into level-expanded sparse vectors (one column per concept and
required level 1..4), functions are sparse matrices over the same columns
(:class:`~matchcore.matching.weights.Weights`), and the formula of
:mod:`matchcore.matching.matcher` is evaluated for whole blocks at once: no Python loop over
pairs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from matchcore.matching.arrays import CandidateArrays, FunctionArrays
from matchcore.matching.titles import TitleIndex
from matchcore.matching.weights import ScoreParams, Weights
from matchcore.vocabulary import fold

__all__ = ["TITLE_FLOOR", "ComponentArrays", "block_title_scores", "candidate_title_fit", "combine", "component_scores", "fast_scores",
           "stack", "target_fit", "title_fit", "title_scores", "title_table", "top_k", "top_rows"]

# fit of a held level c (rows) against a required level l (columns): min(1, c / l)
_FIT = np.array([[min(1.0, c / l) for l in range(1, 5)] for c in range(1, 5)])


@dataclass(frozen=True)
class ComponentArrays:
    """The score's parts for a block of pairs (any one shape), see :func:`combine`."""

    required: np.ndarray
    optional: np.ndarray
    coverage: np.ndarray
    use: np.ndarray
    presence: np.ndarray
    penalty: np.ndarray
    competence: np.ndarray
    job_target: np.ndarray | None
    score: np.ndarray

    def row(self, b: int) -> ComponentArrays:
        """Row ``b`` of a 2-d block."""
        return ComponentArrays(*(None if v is None else v[b] for v in
                                 (getattr(self, n) for n in self.__dataclass_fields__)))


# --- candidate vectors ----------------------------------------------------------------------

def stack(c: CandidateArrays, n_columns: int, text_credit: float, rows=None):
    """Stacked (level-expanded) vectors V and P of candidates ``rows`` (all by default)."""
    n_all = len(c)
    rows = np.arange(n_all) if rows is None else np.asarray(rows)
    m = n_columns
    held = sp.csr_matrix((c.cm_level, c.cm_indices, c.cm_indptr), shape=(n_all, m))[rows].tocoo()
    ev = sp.csr_matrix((c.ct_sim, c.ct_indices, c.ct_indptr), shape=(n_all, m))[rows].tocoo()
    lv = np.arange(4)
    r = np.concatenate([np.repeat(held.row, 4), np.repeat(ev.row, 4)])
    k = np.concatenate([(held.col[:, None] * 4 + lv).ravel(), (ev.col[:, None] * 4 + lv).ravel()])
    credit = np.repeat(text_credit * ev.data.astype(np.float64), 4)
    v = np.concatenate([_FIT[held.data.astype(np.int64) - 1].ravel(), credit])
    p = np.concatenate([np.ones(4 * held.nnz), credit])
    shape = (len(rows), 4 * m)
    return sp.csr_matrix((v, (r, k)), shape=shape), sp.csr_matrix((p, (r, k)), shape=shape)


# --- job-target fit -------------------------------------------------------------------------

TITLE_FLOOR = 0.3
"""Title cosine at or below which a job target is no fit: J = (cos - 0.3) / 0.7, clipped.

Unrelated Dutch titles share a few n-grams and score 0.1-0.35 ("afwasser" vs "lasser" 0.33);
the same occupation written differently scores 0.6-0.9 ("magazijnmedewerker" vs
"magazijnmedewerkster" 0.91, "heftruckchauffeur" vs "chauffeur heftruck" 0.78)."""


def title_fit(cos: np.ndarray) -> np.ndarray:
    """J from the title cosine (see :data:`TITLE_FLOOR`)."""
    return np.clip((cos - TITLE_FLOOR) / (1.0 - TITLE_FLOOR), 0.0, 1.0)


def _index(texts) -> TitleIndex:
    return texts if isinstance(texts, TitleIndex) else TitleIndex.fit([fold(t) for t in texts])


def title_table(targets: list[str], texts) -> np.ndarray:
    """Per target, its J against each title text of ``texts`` (a fitted
    :class:`~matchcore.matching.titles.TitleIndex`, or a list of texts to fit one on)."""
    if not targets or not len(texts):
        return np.zeros((len(targets), len(texts)))
    return title_fit(_index(texts).scores(list(targets)))


def title_scores(targets: list[str], texts) -> np.ndarray:
    """Best J of any of ``targets`` against each unique title text."""
    return title_table(list(targets), texts).max(axis=0) if targets else np.zeros(len(texts))


def block_title_scores(targets_per_row: list[list[str]], texts) -> list[np.ndarray | None]:
    """:func:`title_scores` for many rows with one product over their distinct targets."""
    distinct = sorted({t for ts in targets_per_row for t in ts})
    if not distinct:
        return [None] * len(targets_per_row)
    table = title_table(distinct, texts)
    pos = {t: i for i, t in enumerate(distinct)}
    return [table[[pos[t] for t in ts]].max(axis=0) if ts else None for ts in targets_per_row]


def candidate_title_fit(index: TitleIndex, targets: list[str], indptr: np.ndarray,
                        titles: list[str]) -> np.ndarray | None:
    """J of each candidate (targets in CSR ``indptr`` over ``targets``) against one function
    called ``titles``; NaN for candidates without targets, None when nobody has any."""
    if not titles or not targets:
        return None
    best = title_fit(index.vs(targets, titles)).max(axis=1)
    j = np.full(len(indptr) - 1, np.nan)
    has = np.diff(indptr) > 0
    j[has] = np.maximum.reduceat(best, indptr[:-1][has])
    return j


def target_fit(f: FunctionArrays, one_title: bool, scores: np.ndarray, f_idx=None) -> np.ndarray:
    """J per function (all or ``f_idx``): the best of its title texts' ``scores``."""
    if one_title:
        return scores[f.tt_indices if f_idx is None else f.tt_indices[f_idx]]
    if f_idx is None:
        return np.maximum.reduceat(scores[f.tt_indices], f.tt_indptr[:-1])
    texts, starts = _title_texts_of(f, f_idx)
    return np.maximum.reduceat(scores[..., texts], starts, axis=-1) if len(starts) else \
        np.zeros((*np.shape(scores)[:-1], 0))


def _title_groups(f: FunctionArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct sets of title texts of the functions (texts in a row, where each set
    starts) and each function's set; made once per arrays (functions share a few titles)."""
    got = f.__dict__.get("_title_groups")
    if got is None:
        ptr, ind = f.tt_indptr.tolist(), f.tt_indices.tolist()
        sets: dict[tuple, int] = {}
        group_of = np.array([sets.setdefault(tuple(ind[a:b]), len(sets))
                             for a, b in zip(ptr[:-1], ptr[1:])], np.int64)
        texts = np.array([t for key in sets for t in key], np.int64)
        starts = np.cumsum([0] + [len(key) for key in sets][:-1]).astype(np.int64)
        got = f.__dict__["_title_groups"] = (texts, starts, group_of)
    return got


def _title_texts_of(f: FunctionArrays, f_idx) -> tuple[np.ndarray, np.ndarray]:
    """The title texts of functions ``f_idx`` in a row (each has at least one: data.build),
    and where each function's start."""
    f_idx = np.asarray(f_idx, np.int64)
    lo, n = f.tt_indptr[f_idx], f.tt_indptr[f_idx + 1] - f.tt_indptr[f_idx]
    starts = (np.cumsum(n) - n).astype(np.int64)  # empty for no functions (all excluded)
    pos = np.repeat(lo - starts, n) + np.arange(int(n.sum()))
    return f.tt_indices[pos], starts


# --- the formula ----------------------------------------------------------------------------

def combine(p: ScoreParams, rn, on, pn, s_req, s_opt, un, s_use, j=None) -> ComponentArrays:
    """Components and score from the weighted sums (any broadcastable shapes).

    ``rn``/``on``: level-adjusted weighted sums over required/optional competences;
    ``pn``: presence-weighted sum over required ones; ``un``: the candidate's competences
    (idf-weighted) the function uses, out of ``s_use``; ``j``: job-target fit, NaN where
    the candidate has no job targets.
    """
    has_req, has_opt, has_use = s_req > 0, s_opt > 0, s_use > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        R = np.where(has_req, rn / np.where(has_req, s_req, 1.0), 1.0)
        O = np.where(has_opt, on / np.where(has_opt, s_opt, 1.0), 0.0)
        presence = np.where(has_req, pn / np.where(has_req, s_req, 1.0), 1.0)
        U = np.where(has_use, un / np.where(has_use, s_use, 1.0), 0.0)
    # coverage A: required and optional competences together, each side weighted by its
    # weight sum (times required_weight / optional_weight); then C = (A + u U) / (1 + u)
    mass = p.required_weight * s_req + p.optional_weight * s_opt
    has_cov = mass > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        A = np.where(has_cov, (p.required_weight * rn + p.optional_weight * on)
                     / np.where(has_cov, mass, 1.0), 0.0)
    C = np.where(has_cov, (A + p.use_weight * U) / (1.0 + p.use_weight), 0.0)
    P = 1.0 - p.required_penalty * (1.0 - presence)
    if j is None:
        base = C
    else:  # j is NaN where the candidate has no job targets: J does not apply there
        with np.errstate(invalid="ignore"):
            base = np.where(np.isnan(j), C, (1.0 - p.target_share) * C + p.target_share * j)
    score = np.clip(P * base, 0.0, 1.0)
    return ComponentArrays(R, O, A, U, presence, P, C, j, score)


def fast_scores(w: Weights, p: ScoreParams, f: FunctionArrays, V, Pv, title_scores=None,
                f_idx=None) -> np.ndarray:
    """Scores of a block of candidate vectors (B x 4M) against all functions (B x F), or
    against functions ``f_idx`` only (B x len(f_idx), an increasing index array).

    The same formula as :func:`combine`, folded into ``GT``, ``HKT`` and ``c0`` (see
    :func:`matchcore.matching.weights.prepare`): sparse functions times the dense block,
    then a few passes. A subset takes the same rows of the same matrices, so each of its
    scores is the full path's to the bit (every sum runs over the same terms in the same
    order); the callers pass the functions no constraint excludes (issue 16)."""
    vd = np.ascontiguousarray(V.toarray().T)
    pd = np.ascontiguousarray(Pv.toarray().T)
    if f_idx is None:
        n_f, GT, HKT, c0 = w.n_functions, w.GT, w.HKT, w.c0
    else:
        n_f, GT, c0 = len(f_idx), w.GT[f_idx], w.c0[f_idx]
        HKT = w.HKT[np.concatenate([f_idx, w.n_functions + np.asarray(f_idx)])]
    C = (GT @ vd).T                        # (B x F) views of F x B results
    hk = (HKT @ pd).T
    s_use = Pv @ w.idf4
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(s_use > 0, 1.0 / s_use, 0.0)[:, None]
    C += hk[:, :n_f] * inv
    P = hk[:, n_f:]
    P += c0
    if title_scores is not None and any(t is not None for t in title_scores):
        a = p.target_share
        rows = [b for b, t in enumerate(title_scores) if t is not None]
        if w.one_title:
            J = np.stack([target_fit(f, True, title_scores[b], f_idx) for b in rows])
        else:  # per distinct set of title texts, then one gather (max is exact: same J)
            texts, starts, group_of = _title_groups(f)
            Jg = np.maximum.reduceat(np.stack([title_scores[b] for b in rows])[:, texts], starts, axis=1)
            J = Jg[:, group_of if f_idx is None else group_of[f_idx]]
        C[rows] = (1.0 - a) * C[rows] + a * J
    S = np.ascontiguousarray(C)
    S *= P
    np.clip(S, 0.0, 1.0, out=S)
    return S


def component_scores(w: Weights, p: ScoreParams, f: FunctionArrays, V, Pv, title_scores=None,
                     f_idx=None) -> ComponentArrays:
    """All components of a block of candidate vectors against functions (all or ``f_idx``)."""
    s_req, s_opt = w.s_req, w.s_opt
    if f_idx is None:
        WrT, WoT, UT = w.W_reqT, w.W_optT, w.U_T
        rn = (V @ WrT).toarray()
        on = (V @ WoT).toarray()
        pn = (Pv @ WrT).toarray()
        un = (Pv @ UT).toarray()
    else:  # a few functions (the results shown): their rows, not a column slice of all
        s_req, s_opt = s_req[f_idx], s_opt[f_idx]
        Wr, Wo, U = w.W_req[f_idx], w.W_opt[f_idx], w.U[f_idx]
        VT, PT = V.T.tocsr(), Pv.T.tocsr()
        rn = (Wr @ VT).toarray().T
        on = (Wo @ VT).toarray().T
        pn = (Wr @ PT).toarray().T
        un = (U @ PT).toarray().T
    s_use = (Pv @ w.idf4)[:, None]
    j = None
    if title_scores is not None and any(t is not None for t in title_scores):
        n_f = rn.shape[1]
        j = np.stack([target_fit(f, w.one_title, t, f_idx) if t is not None else np.full(n_f, np.nan)
                      for t in title_scores])
    return combine(p, rn, on, pn, s_req, s_opt, un, s_use, j)


# --- top k ----------------------------------------------------------------------------------

def top_k(score: np.ndarray, valid: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best valid entries scoring above 0, by score then index (= id).

    A pair scoring 0 has nothing in common and is never listed."""
    valid = valid & (score > 0)
    n_valid = int(valid.sum())
    k = min(k, n_valid)
    if k <= 0:
        return np.zeros(0, np.int64)
    key = np.where(valid, score, -1.0)
    part = np.argpartition(-key, k - 1)[:k]
    tied = np.flatnonzero(key >= key[part].min())
    order = np.lexsort((tied, -key[tied]))
    return tied[order[:k]]


def top_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row the k best columns with score > 0, by score then column; -1 pads."""
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(scores, part, axis=1)
    kth = vals.min(axis=1)
    # a tie at the k-th score may leave out a lower column: settle those rows exactly
    tied = np.flatnonzero((scores == kth[:, None]).sum(axis=1) > (vals == kth[:, None]).sum(axis=1))
    for r in tied:
        cand = np.flatnonzero(scores[r] >= kth[r])
        part[r] = cand[np.lexsort((cand, -scores[r, cand]))[:k]]
        vals[r] = scores[r, part[r]]
    order = np.lexsort((part, -vals), axis=1)
    part = np.take_along_axis(part, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    ok = vals > 0
    return np.where(ok, part, -1), np.where(ok, vals, 0.0)
