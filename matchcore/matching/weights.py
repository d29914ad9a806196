"""The score's parameters and the weight matrices they fold into.

:class:`ScoreParams` holds the constants of the formula in :mod:`matchcore.matching.matcher`;
:func:`prepare` folds it into sparse matrices over the function arrays of
:mod:`matchcore.matching.arrays` (:class:`Weights`), so that a block of candidates is scored
with two sparse products and a few passes. The parameter checks follow the house wording
("The 'x' parameter of Matcher must be ... Got ... instead.").
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matchcore.matching.arrays import MatchData, unit_xyz
from matchcore.matching.constraints import FunctionSide
from matchcore.matching.prune import Pruner

__all__ = ["ScoreParams", "Weights", "check_top", "prepare"]


def _check(name, value, ok, expected) -> None:
    if not ok:
        raise ValueError(f"The {name!r} parameter of Matcher must be {expected}. Got {value!r} instead.")


def check_top(top) -> None:
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise ValueError(f"The 'top' parameter of Matcher must be an int >= 1. Got {top!r} instead.")


def _number(v) -> bool:
    return isinstance(v, (int, float))


@dataclass(frozen=True)
class ScoreParams:
    """The constants of the score (see :class:`matchcore.matching.matcher.Matcher`)."""

    required_weight: float = 1.0
    optional_weight: float = 1.0
    target_share: float = 0.2
    text_credit: float = 0.8
    required_penalty: float = 0.5
    use_weight: float = 1.0
    idf: bool = True

    def check(self) -> None:
        """Raise ValueError naming the first parameter out of its range."""
        for name in ("required_weight", "optional_weight", "use_weight"):
            v = getattr(self, name)
            _check(name, v, _number(v) and v >= 0, "a number >= 0")
        v = self.required_penalty
        _check("required_penalty", v, _number(v) and 0 <= v <= 1, "a number in [0, 1]")
        v = self.target_share
        _check("target_share", v, _number(v) and 0 <= v < 1, "a number in [0, 1)")
        v = self.text_credit
        _check("text_credit", v, _number(v) and 0 <= v <= 1, "a number in [0, 1]")


@dataclass(frozen=True)
class Weights:
    """The formula folded over the functions (``f`` functions, ``m`` columns; the candidate
    vectors are level-expanded: column ``4 k + l - 1`` is concept ``k`` at required level ``l``).

    ``W_req`` / ``W_opt`` (f x 4m): idf-weighted required / optional competences at their
    level; ``U_T`` (4m x f): which of a candidate's competences (idf-weighted, level-1 slot) a
    function uses; ``GT`` and ``HKT``: C = V @ G + (P @ H) / s_use and P = c0 + P @ K.
    """

    idf: np.ndarray
    max_idf: float
    W_req: sp.csr_matrix
    W_opt: sp.csr_matrix
    W_reqT: sp.csr_matrix
    W_optT: sp.csr_matrix
    U_T: sp.csr_matrix
    U: sp.csr_matrix  # U_T's rows per function (the components of a few shown results)
    idf4: np.ndarray
    s_req: np.ndarray
    s_opt: np.ndarray
    GT: sp.csr_matrix
    HKT: sp.csr_matrix
    c0: np.ndarray
    one_title: bool
    side: FunctionSide  # the constraint side of every function

    @property
    def n_functions(self) -> int:
        return self.W_req.shape[0]

    @functools.cached_property
    def pruner(self) -> Pruner:
        """The functions by workplace and by constraint profile (made once, or mapped)."""
        return Pruner.of(self.side)

    @functools.cached_property
    def profile_side(self) -> FunctionSide:
        """The constraint side of one function of each profile of :attr:`pruner`."""
        return self.side.take(self.pruner.profile_rep)

    def parts(self) -> dict[str, np.ndarray]:
        """The arrays to keep in the match cache (``side`` is made again from the arrays)."""
        out: dict[str, np.ndarray] = {}
        for name in _SPARSE:
            m = getattr(self, name)
            for k in ("data", "indices", "indptr"):
                out[f"weights.{name}.{k}"] = getattr(m, k)
            out[f"weights.{name}.shape"] = np.array(m.shape, np.int64)
        for name in _DENSE:
            out[f"weights.{name}"] = np.asarray(getattr(self, name))
        out.update(self.pruner.parts())
        return out

    @classmethod
    def from_parts(cls, parts: dict[str, np.ndarray], data: MatchData) -> Weights:
        """The weights :meth:`parts` gave (memory-mapped arrays are used as they are)."""
        sparse = {name: sp.csr_matrix((parts[f"{name}.data"], parts[f"{name}.indices"],
                                       parts[f"{name}.indptr"]),
                                      shape=tuple(int(x) for x in parts[f"{name}.shape"]))
                  for name in _SPARSE}
        dense = {name: parts[name] for name in _DENSE}
        max_idf, one_title = float(dense.pop("max_idf")), bool(dense.pop("one_title"))
        f_arr = data.functions
        w = cls(**sparse, **dense, max_idf=max_idf, one_title=one_title,
                side=FunctionSide.of(f_arr, unit_xyz(f_arr.lat, f_arr.lon)))
        pruner = Pruner.from_parts(parts)
        if pruner is not None:  # else made when first asked
            w.__dict__["pruner"] = pruner
        return w


_SPARSE = ("W_req", "W_opt", "W_reqT", "W_optT", "U_T", "U", "GT", "HKT")
_DENSE = ("idf", "max_idf", "idf4", "s_req", "s_opt", "c0", "one_title")


def prepare(data: MatchData, params: ScoreParams) -> Weights:
    """Fold ``params`` into matrices over the functions of ``data``."""
    f_arr = data.functions
    m, f = len(data.columns), len(f_arr)
    idf = f_arr.idf.astype(np.float64) if params.idf else np.ones(m)
    max_idf = float(np.log(1.0 + f) + 1.0) if params.idf else 1.0
    cols = f_arr.fm_indices.astype(np.int64)
    w = f_arr.fm_weight.astype(np.float64) * idf[cols]
    stacked = cols * 4 + f_arr.fm_level.astype(np.int64) - 1
    req = f_arr.fm_required
    W_req = sp.csr_matrix((np.where(req, w, 0.0), stacked, f_arr.fm_indptr), shape=(f, 4 * m))
    W_opt = sp.csr_matrix((np.where(req, 0.0, w), stacked, f_arr.fm_indptr), shape=(f, 4 * m))
    W_req.eliminate_zeros()
    W_opt.eliminate_zeros()
    slot0 = cols * 4
    U_T = sp.csr_matrix((idf[cols], (slot0, np.repeat(np.arange(f), np.diff(f_arr.fm_indptr)))),
                        shape=(4 * m, f))
    idf4 = np.zeros(4 * m)
    idf4[np.arange(m) * 4] = idf
    s_req = np.asarray(W_req.sum(axis=1)).ravel()
    s_opt = np.asarray(W_opt.sum(axis=1)).ravel()
    # The formula folded into two matrices, so a block of candidates needs two sparse
    # products and a few passes: C = V @ G + (P @ H) / s_use and P = c0 + P @ K, where
    # C = (A + use_weight U) / (1 + use_weight) and A = (r Sreq R + o Sopt O) / (r Sreq + o Sopt).
    has_req = s_req > 0
    mass = params.required_weight * s_req + params.optional_weight * s_opt
    has_cov = mass > 0
    tot = 1.0 + params.use_weight
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(has_cov, params.required_weight / (mass * tot), 0.0)
        b = np.where(has_cov, params.optional_weight / (mass * tot), 0.0)
        u = np.where(has_cov, params.use_weight / tot, 0.0)
        k = np.where(has_req, params.required_penalty / s_req, 0.0)
    return Weights(
        idf=idf, max_idf=max_idf, W_req=W_req, W_opt=W_opt, W_reqT=W_req.T.tocsr(),
        W_optT=W_opt.T.tocsr(), U_T=U_T, U=U_T.T.tocsr(), idf4=idf4, s_req=s_req, s_opt=s_opt,
        GT=(sp.diags(a) @ W_req + sp.diags(b) @ W_opt).tocsr(),
        HKT=sp.vstack([sp.diags(u) @ U_T.T, sp.diags(k) @ W_req]).tocsr(),
        c0=np.where(has_req, 1.0 - params.required_penalty, 1.0),
        one_title=bool(np.all(np.diff(f_arr.tt_indptr) == 1)),
        side=FunctionSide.of(f_arr, unit_xyz(f_arr.lat, f_arr.lon)))
