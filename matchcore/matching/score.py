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
from matchcore.matching.arrays import CandidateArrays, FunctionArrays, spans
from matchcore.matching.meaning import blend_meaning, meaning_pairs, meaning_rows, meaning_share, use_coef, with_meaning
from matchcore.matching.titles import TitleIndex
from matchcore.matching.weights import ScoreParams, Weights
from matchcore.vocabulary import fold

__all__ = ["TITLE_FLOOR", "ComponentArrays", "block_title_scores", "candidate_title_fit", "combine", "component_rows", "component_scores", "fast_scores",
           "dense_row", "one_scores", "pair_scores", "stack", "stack_one", "title_row", "target_fit", "title_fit", "title_scores", "title_table", "top_k", "top_rows"]

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
    meaning: np.ndarray | None = None        # M, the meaning component (meaning_rows)
    meaning_share: np.ndarray | None = None  # s, its share of the use part U (None: no share anywhere)

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


def stack_one(c: CandidateArrays, n_columns: int, text_credit: float, idf4: np.ndarray):
    """Candidate 0 of ``c`` as :func:`stack` makes it, dense: (vd, pd, s_use) with ``s_use``
    its ``Pv @ idf4`` to the bit (the row's terms by column, added in order from 0)."""
    a, b = int(c.cm_indptr[0]), int(c.cm_indptr[1])
    held, level = c.cm_indices[a:b].astype(np.int64), c.cm_level[a:b].astype(np.int64)
    a, b = int(c.ct_indptr[0]), int(c.ct_indptr[1])
    ev, sim = c.ct_indices[a:b].astype(np.int64), c.ct_sim[a:b]
    lv = np.arange(4)
    k = np.concatenate([(held[:, None] * 4 + lv).ravel(), (ev[:, None] * 4 + lv).ravel()])
    credit = np.repeat(text_credit * sim.astype(np.float64), 4)
    vd, pd = np.zeros(4 * n_columns), np.zeros(4 * n_columns)
    np.add.at(vd, k, np.concatenate([_FIT[level - 1].ravel(), credit]))
    np.add.at(pd, k, np.concatenate([np.ones(4 * len(held)), credit]))
    ks = np.unique(k)
    s_use = float(np.bincount(np.zeros(len(ks), np.int64), pd[ks] * idf4[ks], minlength=1)[0])
    return vd, pd, s_use


def dense_row(V, Pv, r: int, idf4: np.ndarray):
    """Row ``r`` of stacked ``V`` / ``Pv`` (:func:`stack`) as :func:`stack_one` gives it:
    (vd, pd, s_use), ``s_use`` its ``Pv[r] @ idf4`` as scipy adds it (the row's terms in order,
    from 0; bincount adds in order too)."""
    vd, pd = np.zeros(V.shape[1]), np.zeros(V.shape[1])
    a, z = V.indptr[r], V.indptr[r + 1]
    vd[V.indices[a:z]] = V.data[a:z]
    a, z = Pv.indptr[r], Pv.indptr[r + 1]
    pd[Pv.indices[a:z]] = Pv.data[a:z]
    s_use = float(np.bincount(np.zeros(z - a, np.int64), Pv.data[a:z] * idf4[Pv.indices[a:z]],
                              minlength=1)[0])
    return vd, pd, s_use


# --- job-target fit -------------------------------------------------------------------------

TITLE_FLOOR = 0.3
"""Title similarity at or below which a job target is no fit: J = (sim - 0.3) / 0.7, clipped
(sim: :meth:`matchcore.matching.titles.TitleIndex.scores`, the n-gram cosine, with the model
its mean with the centred e5 cosine).

Unrelated Dutch titles share a few n-grams and score 0.1-0.35 ("afwasser" vs "lasser" 0.33);
the same occupation written differently scores 0.6-0.9 ("magazijnmedewerker" vs
"magazijnmedewerkster" 0.91, "heftruckchauffeur" vs "chauffeur heftruck" 0.78). With the
model, 99 % of all query/title pairs of the titles benchmark are below 0.28 and half of the
right titles above 0.81 (seed 11), so about 65 of 3,007 occupations get a J above 0."""


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


_TITLE_ROWS_MAX = 4_000_000
"""How many J values :func:`title_row` keeps per arrays (32 MB): rows of recent targets."""


def title_row(data, targets: list[str]) -> np.ndarray | None:
    """:func:`title_scores` of ``targets`` against ``data.title_texts`` (None without targets),
    from a per-target cache on ``data``: J of each target is a row of its own (the title index
    scores each target alone), and the max over them is exact, so the values are those of
    :func:`title_scores` and :func:`block_title_scores`; a repeated target (a coach's queries,
    the same few job titles) costs no product."""
    if not targets:
        return None
    cache = data.__dict__.setdefault("_title_rows", {})
    rows = []
    for t in targets:
        row = cache.get(t)
        if row is None:
            if (len(cache) + 1) * max(1, len(data.title_texts)) > _TITLE_ROWS_MAX:
                cache.clear()
            row = cache[t] = title_table([t], data.title_index)[0]
        rows.append(row)
    return rows[0] if len(rows) == 1 else np.max(rows, axis=0)


def target_fit(f: FunctionArrays, one_title: bool, scores: np.ndarray, f_idx=None) -> np.ndarray:
    """J per function (all or ``f_idx``): the best of its title texts' ``scores``."""
    if one_title:
        return scores[f.tt_indices if f_idx is None else f.tt_indices[f_idx]]
    if f_idx is None:
        return np.maximum.reduceat(scores[f.tt_indices], f.tt_indptr[:-1])
    texts, starts = _title_texts_of(f, f_idx)
    return np.maximum.reduceat(scores[..., texts], starts, axis=-1) if len(starts) else \
        np.zeros((*np.shape(scores)[:-1], 0))


def _title_texts_of(f: FunctionArrays, f_idx) -> tuple[np.ndarray, np.ndarray]:
    """The title texts of functions ``f_idx`` in a row (each has at least one: data.build),
    and where each function's start."""
    f_idx = np.asarray(f_idx, np.int64)
    lo, n = f.tt_indptr[f_idx], f.tt_indptr[f_idx + 1] - f.tt_indptr[f_idx]
    starts = (np.cumsum(n) - n).astype(np.int64)  # empty for no functions (all excluded)
    pos = np.repeat(lo - starts, n) + np.arange(int(n.sum()))
    return f.tt_indices[pos], starts


# --- the formula ----------------------------------------------------------------------------

def combine(p: ScoreParams, rn, on, pn, s_req, s_opt, un, s_use, j=None, share=None,
            meaning=None) -> ComponentArrays:
    """Components and score from the weighted sums (any broadcastable shapes).

    ``rn``/``on``: level-adjusted weighted sums over required/optional competences;
    ``pn``: presence-weighted sum over required ones; ``un``: the candidate's competences
    (idf-weighted) the function uses, out of ``s_use``; ``j``: job-target fit, NaN where
    the candidate has no job targets; ``share`` / ``meaning``: the meaning component's
    share s of the use part and its value M (:func:`meaning_rows`): U' = (1 - s) U + s M.
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
    used = U if share is None else blend_meaning(U, share, meaning)
    C = np.where(has_cov, (A + p.use_weight * used) / (1.0 + p.use_weight), 0.0)
    P = 1.0 - p.required_penalty * (1.0 - presence)
    if j is None:
        base = C
    else:  # j is NaN where the candidate has no job targets: J does not apply there
        with np.errstate(invalid="ignore"):
            base = np.where(np.isnan(j), C, (1.0 - p.target_share) * C + p.target_share * j)
    score = np.clip(P * base, 0.0, 1.0)
    if share is not None:
        share, meaning = np.broadcast_arrays(share, meaning)
        return ComponentArrays(R, O, A, U, presence, P, C, j, score, meaning, share)
    return ComponentArrays(R, O, A, U, presence, P, C, j, score)


def fast_scores(w: Weights, p: ScoreParams, f: FunctionArrays, V, Pv, title_scores=None,
                f_idx=None, meaning=None) -> np.ndarray:
    """Scores of a block of candidate vectors (B x 4M) against all functions (B x F), or
    against functions ``f_idx`` only (B x len(f_idx), an increasing index array).

    The same formula as :func:`combine`, folded into ``GT``, ``HKT`` and ``c0`` (see
    :func:`matchcore.matching.weights.prepare`): sparse functions times the dense block,
    then a few passes. A subset takes the same rows of the same matrices, so each of its
    scores is the full path's to the bit (every sum runs over the same terms in the same
    order); the callers pass the functions no constraint excludes (issue 16). ``meaning``:
    (candidate arrays, the block's rows in them) for the meaning component
    (:func:`meaning_rows`)."""
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
    share = meaning_share(*meaning) if meaning is not None else None
    if share is not None and np.any(share > 0):
        C = with_meaning(C, hk[:, :n_f] * inv, share[:, None],
                         meaning_rows(meaning[0], meaning[1], f, f_idx), use_coef(w, p, f_idx))
    else:
        C += hk[:, :n_f] * inv
    P = hk[:, n_f:]
    P += c0
    if title_scores is not None and any(t is not None for t in title_scores):
        a = p.target_share
        rows = [b for b, t in enumerate(title_scores) if t is not None]
        if w.one_title:
            J = np.stack([target_fit(f, True, title_scores[b], f_idx) for b in rows])
        else:  # per distinct set of title texts, then one gather (max is exact: same J)
            texts, starts, group_of = f.title_groups()
            Jg = np.maximum.reduceat(np.stack([title_scores[b] for b in rows])[:, texts], starts, axis=1)
            J = Jg[:, group_of if f_idx is None else group_of[f_idx]]
        C[rows] = (1.0 - a) * C[rows] + a * J
    S = np.ascontiguousarray(C)
    S *= P
    np.clip(S, 0.0, 1.0, out=S)
    return S


def _rows_dot(m: sp.csr_matrix, rows: np.ndarray, x: np.ndarray, x_row=None) -> np.ndarray:
    """``m[rows] @ x`` to the bit of scipy's product: each row's terms ``data * x[col]``
    added one after the other in the row's stored order, from 0 (``np.bincount`` adds its
    weights in their order, as ``csr_matvec`` does). With ``x_row``, ``x`` is 2-d and row
    ``rows[i]`` is multiplied by ``x[x_row[i]]``."""
    lo = m.indptr[rows]
    size = m.indptr[rows + 1] - lo
    pos = spans(lo, size)
    cols = m.indices.take(pos)  # take: about twice as fast as fancy indexing here
    if x_row is None:
        xv = x.take(cols)
    else:
        xv = x.ravel().take(np.repeat(np.asarray(x_row, np.int64) * x.shape[1], size) + cols)
    out = np.bincount(np.repeat(np.arange(len(rows)), size), weights=m.data.take(pos) * xv,
                      minlength=len(rows))
    return out.astype(np.float64, copy=False)  # no terms at all: bincount gives integers


def pair_scores(w: Weights, p: ScoreParams, f: FunctionArrays, vd: np.ndarray, pd: np.ndarray,
                s_use: np.ndarray, title_scores: list, pc: np.ndarray, pf: np.ndarray,
                meaning=None) -> np.ndarray:
    """:func:`fast_scores` of pairs (candidate ``pc[i]`` of a block, function ``pf[i]``), to
    the bit: ``vd`` / ``pd`` are the block's dense level-expanded vectors (rows of
    :func:`stack`), ``s_use`` their ``Pv @ idf4``, ``title_scores`` per candidate its best J
    per title text or None. Every value is made by the same operations on the same terms in
    the same order as there (:func:`_rows_dot`), so a block costs what its fitting pairs
    cost, not what every function does (issue 16)."""
    pf = np.asarray(pf, np.int64)
    n = len(pf)
    C = _rows_dot(w.GT, pf, vd, pc)
    hk = _rows_dot(w.HKT, np.concatenate([pf, w.n_functions + pf]), pd, np.concatenate([pc, pc]))
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(s_use > 0, 1.0 / s_use, 0.0)
    share = meaning_share(*meaning) if meaning is not None else None
    if share is not None and np.any(share > 0):
        C = with_meaning(C, hk[:n] * inv[pc], share[pc],
                         meaning_pairs(meaning[0], meaning[1], f, pc, pf), use_coef(w, p, pf))
    else:
        C += hk[:n] * inv[pc]
    P = hk[n:]
    P += w.c0[pf]
    rows = [b for b, t in enumerate(title_scores) if t is not None]
    if rows:
        a = p.target_share
        at = np.full(len(title_scores), -1, np.int64)
        at[rows] = np.arange(len(rows))
        sel = np.flatnonzero(at[pc] >= 0)
        table = np.stack([title_scores[b] for b in rows])
        if w.one_title:
            J = table[at[pc[sel]], f.tt_indices[pf[sel]]]
        else:
            texts, starts, group_of = f.title_groups()
            Jg = np.maximum.reduceat(table[:, texts], starts, axis=1)
            J = Jg[at[pc[sel]], group_of[pf[sel]]]
        C[sel] = (1.0 - a) * C[sel] + a * J
    C *= P
    np.clip(C, 0.0, 1.0, out=C)
    return C


def one_scores(w: Weights, p: ScoreParams, f: FunctionArrays, vd: np.ndarray, pd: np.ndarray,
               s_use: float, title_scores: np.ndarray | None, f_idx: np.ndarray,
               meaning=None) -> np.ndarray:
    """:func:`fast_scores` of one candidate against functions ``f_idx`` (increasing), to the
    bit, without scipy's per-call overhead: ``vd`` / ``pd`` are its dense level-expanded
    vectors (a row of :func:`stack`), ``s_use`` its ``Pv @ idf4``, ``title_scores`` its best J
    per title text or None. Every value is made by the same operations on the same terms in
    the same order as there (:func:`_rows_dot`), so a query of one candidate costs what its
    few fitting functions cost (issue 16)."""
    f_idx = np.asarray(f_idx, np.int64)
    C = _rows_dot(w.GT, f_idx, vd)
    hk = _rows_dot(w.HKT, np.concatenate([f_idx, w.n_functions + f_idx]), pd)
    n = len(f_idx)
    inv = 1.0 / s_use if s_use > 0 else 0.0
    share = meaning_share(*meaning) if meaning is not None else None
    if share is not None and share[0] > 0:
        C = with_meaning(C, hk[:n] * inv, share[0],
                         meaning_rows(meaning[0], meaning[1], f, f_idx)[0], use_coef(w, p, f_idx))
    else:
        C += hk[:n] * inv
    P = hk[n:]
    P += w.c0[f_idx]
    if title_scores is not None:
        a = p.target_share
        if w.one_title:
            J = target_fit(f, True, title_scores, f_idx)
        else:
            texts, starts, group_of = f.title_groups()
            J = np.maximum.reduceat(title_scores[texts], starts)[group_of[f_idx]]
        C = (1.0 - a) * C + a * J
    C *= P
    np.clip(C, 0.0, 1.0, out=C)
    return C


def component_scores(w: Weights, p: ScoreParams, f: FunctionArrays, V, Pv, title_scores=None,
                     f_idx=None, meaning=None) -> ComponentArrays:
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
    share = M = None
    if meaning is not None:
        share = meaning_share(*meaning)[:, None]
        M = meaning_rows(meaning[0], meaning[1], f, f_idx)
    return combine(p, rn, on, pn, s_req, s_opt, un, s_use, j, share, M)


def component_rows(w: Weights, p: ScoreParams, f: FunctionArrays, vd: np.ndarray, pd: np.ndarray,
                   s_use: float, title_scores: np.ndarray | None, f_idx, meaning=None) -> ComponentArrays:
    """:func:`component_scores` of one candidate (dense vectors, :func:`stack_one`) against
    functions ``f_idx``, as 1-d arrays, to the bit: each weighted sum is the sparse product's
    (its row's terms in order, :func:`_rows_dot`)."""
    f_idx = np.asarray(f_idx, np.int64)
    rn = _rows_dot(w.W_req, f_idx, vd)
    on = _rows_dot(w.W_opt, f_idx, vd)
    pn = _rows_dot(w.W_req, f_idx, pd)
    un = _rows_dot(w.U, f_idx, pd)
    j = None
    if title_scores is not None:
        j = target_fit(f, w.one_title, title_scores, f_idx)
    share = M = None
    if meaning is not None:
        share = meaning_share(*meaning)[0]
        M = meaning_rows(meaning[0], meaning[1], f, f_idx)[0]
    return combine(p, rn, on, pn, w.s_req[f_idx], w.s_opt[f_idx], un, np.float64(s_use), j, share, M)


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
