"""Fitting a Matcher: the arrays it scores with (private mixin of :class:`matchcore.matching.matcher.Matcher`).

:meth:`Fitting._prepare` folds the score formula of :mod:`matchcore.matching.matcher` into sparse
matrices over the arrays of :mod:`matchcore.matching.data`; the parameter checks follow the house
wording ("The 'x' parameter of Matcher must be ... Got ... instead.").
"""
from __future__ import annotations

from typing import Any

import numpy as np

from matchcore.matching import data as md
from matchcore.matching.explain import _cand_doc
from matchcore.errors import MatchcoreError

__all__ = ["Fitting"]


def _check_param(name, value, ok, expected):
    if not ok:
        raise ValueError(f"The {name!r} parameter of Matcher must be {expected}. Got {value!r} instead.")


def _check_top(top) -> None:
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise ValueError(f"The 'top' parameter of Matcher must be an int >= 1. Got {top!r} instead.")


class Fitting:
    """Mixin: the fitted state (``data_``, the weight matrices), kept current with the store."""

    def _current(self) -> None:
        if not hasattr(self, "data_"):
            raise MatchcoreError("Matcher is not fitted yet; call fit() first")
        if self.store.data_version != self.version_:
            self.fit()

    def _prepare(self, data: dict[str, Any]) -> None:
        import scipy.sparse as sp

        self.data_ = d = data
        self.version_ = self.store.data_version
        self.columns_ = d["columns"]
        self.col_index_ = {c: i for i, c in enumerate(self.columns_)}
        m, f = len(self.columns_), len(d["f_ids"])
        self.n_functions_, self.n_columns_ = f, m
        self.f_index_ = {fid: i for i, fid in enumerate(d["f_ids"])}
        self.c_index_ = {cid: i for i, cid in enumerate(d["c_ids"])}
        idf = d["idf"].astype(np.float64) if self.idf else np.ones(m)
        self.idf_ = idf
        self.max_idf_ = float(np.log(1.0 + f) + 1.0) if self.idf else 1.0
        cols = d["fm_indices"].astype(np.int64)
        w = d["fm_weight"].astype(np.float64) * idf[cols]
        stacked = cols * 4 + d["fm_level"].astype(np.int64) - 1
        req = d["fm_required"]
        self.W_req_ = sp.csr_matrix((np.where(req, w, 0.0), stacked, d["fm_indptr"]), shape=(f, 4 * m))
        self.W_opt_ = sp.csr_matrix((np.where(req, 0.0, w), stacked, d["fm_indptr"]), shape=(f, 4 * m))
        self.W_req_.eliminate_zeros()
        self.W_opt_.eliminate_zeros()
        self.W_reqT_ = self.W_req_.T.tocsr()
        self.W_optT_ = self.W_opt_.T.tocsr()
        # the candidate's side: which of its competences (idf-weighted, level-1 slot) a function uses
        slot0 = cols * 4
        self.U_T_ = sp.csr_matrix((idf[cols], (slot0, np.repeat(np.arange(f), np.diff(d["fm_indptr"])))),
                                  shape=(4 * m, f))
        self.idf4_ = np.zeros(4 * m)
        self.idf4_[np.arange(m) * 4] = idf
        self.s_req_ = np.asarray(self.W_req_.sum(axis=1)).ravel()
        self.s_opt_ = np.asarray(self.W_opt_.sum(axis=1)).ravel()
        self.f_xyz_ = md.unit_xyz(d["f_lat"], d["f_lon"])
        # The formula folded into two matrices, so a block of candidates needs two sparse
        # products and a few passes: C = V @ G + (P @ H) / s_use and P = c0 + P @ K, where
        # C = (A + use_weight U) / (1 + use_weight) and A = (r Sreq R + o Sopt O) / (r Sreq + o Sopt).
        has_req = self.s_req_ > 0
        mass = self.required_weight * self.s_req_ + self.optional_weight * self.s_opt_
        has_cov = mass > 0
        tot = 1.0 + self.use_weight
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(has_cov, self.required_weight / (mass * tot), 0.0)
            b = np.where(has_cov, self.optional_weight / (mass * tot), 0.0)
            u = np.where(has_cov, self.use_weight / tot, 0.0)
            k = np.where(has_req, self.required_penalty / self.s_req_, 0.0)
        self.GT_ = (sp.diags(a) @ self.W_req_ + sp.diags(b) @ self.W_opt_).tocsr()
        self.HKT_ = sp.vstack([sp.diags(u) @ self.U_T_.T, sp.diags(k) @ self.W_req_]).tocsr()
        self.c0_ = np.where(has_req, 1.0 - self.required_penalty, 1.0)
        tt = d["f_tt_indptr"]
        self._one_title = bool(np.all(np.diff(tt) == 1))
        self._cand_stack = None

    def _candidate_arrays(self, candidate, stored: bool) -> dict[str, Any]:
        """Arrays for one candidate: its cached row when stored, else built now."""
        doc = _cand_doc(candidate)
        if stored and doc["id"] in self.c_index_:
            return _candidate_row(self.data_, self.c_index_[doc["id"]])
        return md.candidate_arrays([doc], self.data_, vocab=self.vocabulary_, text_index=None,
                                   store=self.store)


def _candidate_row(data: dict[str, Any], i: int) -> dict[str, Any]:
    out: dict[str, Any] = {"c_ids": [data["c_ids"][i]]}
    for k in ("c_lat", "c_lon", "c_reach", "c_hours", "c_shifts", "c_night_ok", "c_lift",
              "c_no_standing", "c_lic", "c_dutch", "c_own_transport"):
        out[k] = data[k][i:i + 1]
    for prefix, parts in (("cm", ("indices", "level")), ("ct", ("indices", "sim", "src"))):
        ptr = data[f"{prefix}_indptr"]
        a, b = int(ptr[i]), int(ptr[i + 1])
        out[f"{prefix}_indptr"] = np.array([0, b - a], np.int64)
        for p in parts:
            out[f"{prefix}_{p}"] = data[f"{prefix}_{p}"][a:b]
    ptr = data["c_tg_indptr"]
    out["c_targets"] = data["c_targets"][int(ptr[i]):int(ptr[i + 1])]
    out["c_tg_indptr"] = np.array([0, len(out["c_targets"])], np.int64)
    out["c_free"] = [data["c_free"][i]]
    return out
