"""The vectorised score and constraints (private mixin of :class:`matchcore.matching.matcher.Matcher`).

Candidates are stacked into level-expanded sparse vectors (one column per concept and
required level 1..4), functions are sparse matrices over the same columns, and the formula of
:mod:`matchcore.matching.matcher` is evaluated for whole blocks at once: no Python loop over pairs.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from matchcore.matching import data as md

__all__ = ["Scoring", "top_rows"]

HOURS_TOLERANCE = md.HOURS_TOLERANCE
EARTH_RADIUS_KM = md.EARTH_RADIUS_KM
_NIGHT = 1 << md.SHIFTS.index("night")
# fit of a held level c (rows) against a required level l (columns): min(1, c / l)
_FIT = np.array([[min(1.0, c / l) for l in range(1, 5)] for c in range(1, 5)])


class Scoring:
    """Mixin: candidate vectors, the formula, constraints and top k, all vectorised."""

    # --- candidate vectors ----------------------------------------------------------------
    def _stack(self, c: dict[str, Any], rows: np.ndarray | None = None):
        """Stacked (level-expanded) vectors V and P of candidates ``rows`` of arrays ``c``."""
        import scipy.sparse as sp

        n_all = len(c["c_ids"])
        rows = np.arange(n_all) if rows is None else np.asarray(rows)
        m = self.n_columns_
        held = sp.csr_matrix((c["cm_level"], c["cm_indices"], c["cm_indptr"]), shape=(n_all, m))[rows].tocoo()
        ev = sp.csr_matrix((c["ct_sim"], c["ct_indices"], c["ct_indptr"]), shape=(n_all, m))[rows].tocoo()
        lv = np.arange(4)
        r = np.concatenate([np.repeat(held.row, 4), np.repeat(ev.row, 4)])
        k = np.concatenate([(held.col[:, None] * 4 + lv).ravel(), (ev.col[:, None] * 4 + lv).ravel()])
        credit = np.repeat(self.text_credit * ev.data.astype(np.float64), 4)
        v = np.concatenate([_FIT[held.data.astype(np.int64) - 1].ravel(), credit])
        p = np.concatenate([np.ones(4 * held.nnz), credit])
        shape = (len(rows), 4 * m)
        return sp.csr_matrix((v, (r, k)), shape=shape), sp.csr_matrix((p, (r, k)), shape=shape)

    def _stored_stack(self):
        if self._cand_stack is None:
            self._cand_stack = self._stack(self.data_)
        return self._cand_stack

    # --- job-target fit -------------------------------------------------------------------
    def _title_table(self, targets: list[str]) -> np.ndarray:
        """Per target, its J against each unique title text: (WRatio - 50) / 50 in [0, 1].

        WRatio is taken as a whole number (rapidfuzz ``cdist`` with ``dtype=uint8``)."""
        from rapidfuzz import fuzz, process

        texts = self.data_["title_texts"]
        if not targets or not texts:
            return np.zeros((len(targets), len(texts)))
        sc = process.cdist(targets, texts, scorer=fuzz.WRatio, processor=None, dtype=np.uint8,
                           workers=-1)
        return np.clip((sc.astype(np.float64) - 50.0) / 50.0, 0.0, 1.0)

    def _title_scores(self, targets: list[str]) -> np.ndarray:
        """Best J of any of ``targets`` against each unique title text."""
        return self._title_table(list(targets)).max(axis=0) if targets else \
            np.zeros(len(self.data_["title_texts"]))

    def _block_title_scores(self, targets_per_row: list[list[str]]) -> list[np.ndarray | None]:
        """:meth:`_title_scores` for many rows with one ``cdist`` over their distinct targets."""
        distinct = sorted({t for ts in targets_per_row for t in ts})
        if not distinct:
            return [None] * len(targets_per_row)
        table = self._title_table(distinct)
        pos = {t: i for i, t in enumerate(distinct)}
        return [table[[pos[t] for t in ts]].max(axis=0) if ts else None for ts in targets_per_row]

    def _target_fit(self, title_scores: np.ndarray, f_idx=None) -> np.ndarray:
        d = self.data_
        if self._one_title:
            return title_scores[d["f_tt_indices"] if f_idx is None else d["f_tt_indices"][f_idx]]
        j = np.maximum.reduceat(title_scores[d["f_tt_indices"]], d["f_tt_indptr"][:-1])
        return j if f_idx is None else j[f_idx]

    # --- the formula, vectorised ----------------------------------------------------------
    def _combine(self, rn, on, pn, s_req, s_opt, un, s_use, j=None):
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
        mass = self.required_weight * s_req + self.optional_weight * s_opt
        has_cov = mass > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            A = np.where(has_cov, (self.required_weight * rn + self.optional_weight * on)
                         / np.where(has_cov, mass, 1.0), 0.0)
        C = np.where(has_cov, (A + self.use_weight * U) / (1.0 + self.use_weight), 0.0)
        P = 1.0 - self.required_penalty * (1.0 - presence)
        if j is None:
            base = C
        else:  # j is NaN where the candidate has no job targets: J does not apply there
            with np.errstate(invalid="ignore"):
                base = np.where(np.isnan(j), C, (1.0 - self.target_share) * C + self.target_share * j)
        score = np.clip(P * base, 0.0, 1.0)
        return {"required": R, "optional": O, "coverage": A, "use": U, "presence": presence, "penalty": P,
                "competence": C, "job_target": j, "score": score}

    def _fast_scores(self, V, Pv, title_scores=None) -> np.ndarray:
        """Scores of a block of candidate vectors (B x 4M) against all functions (B x F).

        The same formula as :meth:`_combine`, folded into ``G_``, ``HK_`` and ``c0_`` (see
        :meth:`_prepare`): sparse functions times the dense block, then a few passes."""
        n_f = self.n_functions_
        vd = np.ascontiguousarray(V.toarray().T)
        pd = np.ascontiguousarray(Pv.toarray().T)
        C = (self.GT_ @ vd).T                      # (B x F) views of F x B results
        hk = (self.HKT_ @ pd).T
        s_use = Pv @ self.idf4_
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = np.where(s_use > 0, 1.0 / s_use, 0.0)[:, None]
        C += hk[:, :n_f] * inv
        P = hk[:, n_f:]
        P += self.c0_
        if title_scores is not None and any(t is not None for t in title_scores):
            a = self.target_share
            rows = [b for b, t in enumerate(title_scores) if t is not None]
            J = np.stack([self._target_fit(title_scores[b]) for b in rows])
            C[rows] = (1.0 - a) * C[rows] + a * J
        S = np.ascontiguousarray(C)
        S *= P
        np.clip(S, 0.0, 1.0, out=S)
        return S

    def _score_functions(self, V, Pv, title_scores=None, f_idx=None):
        """All components of a block of candidate vectors against functions (all or f_idx)."""
        WrT, WoT, UT = self.W_reqT_, self.W_optT_, self.U_T_
        s_req, s_opt = self.s_req_, self.s_opt_
        if f_idx is not None:
            WrT, WoT, UT, s_req, s_opt = WrT[:, f_idx], WoT[:, f_idx], UT[:, f_idx], s_req[f_idx], s_opt[f_idx]
        rn = (V @ WrT).toarray()
        on = (V @ WoT).toarray()
        pn = (Pv @ WrT).toarray()
        un = (Pv @ UT).toarray()
        s_use = (Pv @ self.idf4_)[:, None]
        j = None
        if title_scores is not None and any(t is not None for t in title_scores):
            n_f = rn.shape[1]
            j = np.stack([self._target_fit(t, f_idx) if t is not None else np.full(n_f, np.nan)
                          for t in title_scores])
        return self._combine(rn, on, pn, s_req, s_opt, un, s_use, j)

    # --- constraints, vectorised ----------------------------------------------------------
    def _exclusions(self, c: dict[str, Any], f: dict[str, Any]) -> dict[str, np.ndarray]:
        """Boolean masks per constraint; ``c`` and ``f`` hold broadcastable arrays."""
        out = {}
        cos_reach = np.cos(np.minimum(c["reach"] / EARTH_RADIUS_KM, math.pi))
        with np.errstate(invalid="ignore"):
            out["commute"] = np.isfinite(c["reach"]) & (c["dot"] < cos_reach)
            lo, hi = (1 - HOURS_TOLERANCE) * c["hours"], (1 + HOURS_TOLERANCE) * c["hours"]
            out["hours"] = ~f["reference"] & ((f["hours"] < lo - 1e-9) | (f["hours"] > hi + 1e-9))
            out["lift"] = f["lift"] > c["lift"]
        out["shifts"] = (c["shifts"] != 0) & ((f["shifts"] & ~c["shifts"]) != 0)
        out["night"] = ~c["night_ok"] & ((f["shifts"] & _NIGHT) != 0)
        out["licence"] = (f["lic"] & ~c["lic"]) != 0
        out["dutch"] = (c["dutch"] > 0) & (f["dutch"] > c["dutch"])
        out["standing"] = c["no_standing"] & f["standing"]
        out["own_transport"] = f["own_transport"] & ~c["own_transport"]
        return out

    def _f_side(self, f_idx=None) -> dict[str, np.ndarray]:
        d = self.data_
        sel = slice(None) if f_idx is None else f_idx
        return {"reference": d["f_reference"][sel], "hours": d["f_hours"][sel],
                "lift": d["f_lift"][sel], "shifts": d["f_shifts"][sel], "lic": d["f_lic"][sel],
                "dutch": d["f_dutch"][sel], "standing": d["f_standing"][sel],
                "own_transport": d["f_own_transport"][sel]}

    @staticmethod
    def _c_side(c: dict[str, Any], rows=None, column: bool = True) -> dict[str, np.ndarray]:
        sel = slice(None) if rows is None else rows
        shape = (lambda a: a[sel][:, None]) if column else (lambda a: a[sel])
        return {"reach": shape(c["c_reach"]), "hours": shape(c["c_hours"]),
                "lift": shape(c["c_lift"]), "shifts": shape(c["c_shifts"]),
                "night_ok": shape(c["c_night_ok"]), "lic": shape(c["c_lic"]),
                "dutch": shape(c["c_dutch"]), "no_standing": shape(c["c_no_standing"]),
                "own_transport": shape(c["c_own_transport"])}

    # --- top k ----------------------------------------------------------------------------
    @staticmethod
    def _top(score: np.ndarray, valid: np.ndarray, k: int) -> np.ndarray:
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

    def _excluded_block(self, rows, f_idx=None) -> np.ndarray:
        """The union of :meth:`_exclusions` for stored candidates ``rows`` x functions, in
        fewer passes (shifts and night work share one bit test; absent conditions skipped)."""
        d = self.data_
        f = self._f_side(f_idx)
        fxyz = self.f_xyz_ if f_idx is None else self.f_xyz_[f_idx]
        reach = d["c_reach"][rows]
        cos_reach = np.where(np.isfinite(reach), np.cos(np.minimum(reach / EARTH_RADIUS_KM, math.pi)), -2.0)
        dot = md.unit_xyz(d["c_lat"][rows], d["c_lon"][rows]) @ fxyz.T
        with np.errstate(invalid="ignore"):
            ex = dot < cos_reach[:, None]
            h = d["c_hours"][rows][:, None]
            if not np.all(np.isnan(h)):
                fh = np.where(f["reference"], np.nan, f["hours"])
                ex |= (fh < (1 - HOURS_TOLERANCE) * h - 1e-9) | (fh > (1 + HOURS_TOLERANCE) * h + 1e-9)
            if not np.all(np.isnan(f["lift"])):
                ex |= f["lift"] > d["c_lift"][rows][:, None]
        shifts = d["c_shifts"][rows]
        allowed = np.where(shifts == 0, np.int16(0x3F), shifts)
        allowed = np.where(d["c_night_ok"][rows], allowed, allowed & ~np.int16(_NIGHT))
        ex |= (f["shifts"] & ~allowed[:, None]) != 0
        if f["lic"].any():
            ex |= (f["lic"] & ~d["c_lic"][rows][:, None]) != 0
        if f["dutch"].any():
            cd = d["c_dutch"][rows]
            ex |= f["dutch"] > np.where(cd > 0, cd, 99)[:, None]
        if f["standing"].any():
            ex |= f["standing"] & d["c_no_standing"][rows][:, None]
        if f["own_transport"].any():
            ex |= f["own_transport"] & ~d["c_own_transport"][rows][:, None]
        return ex


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
