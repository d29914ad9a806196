"""Matching candidates and functions: one explained score, hard constraints, both directions.

Score of a (candidate, function) pair, every part of which is in the output's ``components``
(``docs/matching.md`` has the full account and the measurements behind the constants)::

    w_k  = weight_k * idf_k           idf_k = ln((1 + F) / (1 + df_k)) + 1 over the F functions
    q_k  = min(1, level_held / level_required)   when the candidate holds concept k
         = text_credit * s_k                     else; s_k = char n-gram TF-IDF cosine of the
                                                 candidate's unresolved texts (0 below 0.5)
    p_k  = 1 when held, else text_credit * s_k   (presence, blind to level)
    R    = sum_req w q / sum_req w         required coverage, level-adjusted       (n/a if none)
    O    = sum_opt w q / sum_opt w         optional coverage                        (n/a if none)
    U    = sum_(k held and used) idf_k / sum_(k held) idf_k
                                           use: the share of the candidate's competences the
                                           function asks for (fit seen from the candidate)
    A    = (sum_req w q + sum_opt w q) / (sum_req w + sum_opt w)
                                           coverage: R and O weighted by their weight sums
    C    = (A + 1 U) / 2                   competence fit (0 when the function lists none)
    P    = 1 - 0.5 (1 - sum_req w p / sum_req w)
                                           the penalty for missing required competences: all
                                           missing halves the score (1 without required ones)
    J    = best (WRatio - 50) / 50 of a job target against the function's titles, in [0, 1]
    score = P * C                          without job targets
          = P * (0.8 C + 0.2 J)            with job targets

Hard constraints exclude a pair with a reason: commute (great-circle distance from the
postcodes versus ``min(max_commute_km, reach of the candidate's transport)``), shifts, night
work, hours (outside +-20 % of the wanted hours), driving licence, Dutch level (CEFR order),
lifting, standing, own transport. Everything over all functions (or all candidates) is
vectorised: sparse products for the competences, numpy broadcasting for the constraints, and
``argpartition`` for the top k; ties are broken by id.

Examples
--------
>>> m = Matcher(store).fit()                                         # doctest: +SKIP
>>> m.match_candidate("K-0042", top=5)["results"][0]["function"]     # doctest: +SKIP
'brasserie-de-kaai/afwasser'
"""
from __future__ import annotations

import importlib.util
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from matchcore.matching import data as md
from matchcore.matching.batch import Batch
from matchcore.matching.explain import Explainer, _cand_doc
from matchcore.matching.fit import Fitting, _check_param, _check_top
from matchcore.matching.score import Scoring
from matchcore.errors import NotFound
from matchcore.vocabulary.concepts import Vocabulary, fold

__all__ = [
    "CONSTRAINTS",
    "HOURS_TOLERANCE",
    "OPTIONAL_WEIGHT",
    "REQUIRED_PENALTY",
    "REQUIRED_WEIGHT",
    "TARGET_SHARE",
    "TEXT_CREDIT",
    "USE_WEIGHT",
    "Matcher",
    "instruments_for",
]

REQUIRED_WEIGHT = 1.0
OPTIONAL_WEIGHT = 1.0
TARGET_SHARE = 0.2
TEXT_CREDIT = 0.8
REQUIRED_PENALTY = 0.5
USE_WEIGHT = 1.0
HOURS_TOLERANCE = md.HOURS_TOLERANCE
EARTH_RADIUS_KM = md.EARTH_RADIUS_KM
CONSTRAINTS = ("commute", "hours", "shifts", "night", "licence", "dutch", "lift", "standing",
               "own_transport")


def instruments_for(candidate, employer, function, *, on=None) -> list[dict]:
    """Instrument summaries for one pair; [] while :mod:`matchcore.instruments.base` is absent."""
    if importlib.util.find_spec("matchcore.instruments.base") is None:
        return []
    from matchcore.instruments.base import evaluate_all

    return [{"code": r["code"], "eligible": r.get("eligible"),
             "employer_cost_per_month_eur": r.get("employer_cost_per_month_eur"),
             "reasons": [x.get("text", str(x)) if isinstance(x, dict) else str(x)
                         for x in r.get("reasons") or ()]}
            for r in evaluate_all(candidate, employer, function, on=on)]


class Matcher(Fitting, Scoring, Explainer, Batch):
    """Scores candidates against functions, in both directions, with explanations.

    Parameters
    ----------
    store : matchcore.store.db.Store
    required_weight, optional_weight : float, default 1.0 each
        Multipliers of the weights of required and optional competences in the coverage ``A``.
    use_weight : float, default 1.0
        Share of use ``U`` against coverage ``A`` in ``C = (A + use_weight U) / (1 + use_weight)``.
    target_share : float, default 0.2
        Share of the job-target fit ``J`` when the candidate has job targets.
    text_credit : float, default 0.8
        How much a text-similar unresolved competence counts, times its similarity.
    required_penalty : float, default 0.5
        The score's share lost when every required competence is missing (``P``).
    idf : bool, default True
        Weight competences by their inverse document frequency over functions (rare ones
        count more). False gives the plain weights, for comparison.
    cache : bool, default True
        Keep the built arrays in the store's ``match_cache`` table.

    Attributes
    ----------
    data_ : dict
        The arrays built from the store (see :mod:`matchcore.matching.data`).
    version_ : int
        The store's ``data_version`` they were built at; queries refit when it moved.
    vocabulary_ : Vocabulary
    """

    def __init__(self, store, *, required_weight: float = REQUIRED_WEIGHT,
                 optional_weight: float = OPTIONAL_WEIGHT, target_share: float = TARGET_SHARE,
                 text_credit: float = TEXT_CREDIT, required_penalty: float = REQUIRED_PENALTY,
                 use_weight: float = USE_WEIGHT, idf: bool = True, cache: bool = True):
        self.store = store
        self.required_weight = required_weight
        self.optional_weight = optional_weight
        self.target_share = target_share
        self.text_credit = text_credit
        self.required_penalty = required_penalty
        self.use_weight = use_weight
        self.idf = idf
        self.cache = cache

    # --- fitting --------------------------------------------------------------------------
    def fit(self) -> Matcher:
        """Build (or load from the cache) the function and candidate arrays; return self."""
        for name in ("required_weight", "optional_weight", "use_weight"):
            v = getattr(self, name)
            _check_param(name, v, isinstance(v, (int, float)) and v >= 0, "a number >= 0")
        _check_param("required_penalty", self.required_penalty,
                     isinstance(self.required_penalty, (int, float)) and 0 <= self.required_penalty <= 1,
                     "a number in [0, 1]")
        _check_param("target_share", self.target_share,
                     isinstance(self.target_share, (int, float)) and 0 <= self.target_share < 1,
                     "a number in [0, 1)")
        _check_param("text_credit", self.text_credit,
                     isinstance(self.text_credit, (int, float)) and 0 <= self.text_credit <= 1,
                     "a number in [0, 1]")
        from matchcore.vocabulary.concepts import seed_starter

        seed_starter(self.store)
        self.vocabulary_ = Vocabulary(self.store, seed=False)
        data = md.load_cached(self.store, "") if self.cache else None
        if data is None:
            data = md.build(self.store, self.vocabulary_.fit())
            if self.cache:
                import sqlite3

                try:
                    md.save_cached(self.store, data, "")
                except sqlite3.OperationalError:  # read-only or busy database: work uncached
                    pass
        self._prepare(data)
        return self

    # --- queries: candidate -> functions --------------------------------------------------
    def match_candidate(self, candidate_id, *, top: int = 10, include_excluded: bool = False,
                        sector: str | None = None, max_distance_km: float | None = None,
                        visible: bool | None = None, openings_only: bool = False, on=None,
                        instruments: bool = True, _only: int | None = None) -> dict[str, Any]:
        """The functions that fit a candidate best, explained (FORMATS.md ``match candidate``).

        Parameters
        ----------
        candidate_id : str or matchcore.model.Candidate
            A stored candidate's id, or a candidate record (need not be stored).
        top : int, default 10
        include_excluded : bool, default False
            Also rank functions a hard constraint excludes (flagged, with reasons).
        sector : str, optional
            Only functions of this sector (case and accents ignored).
        max_distance_km : float, optional
            Only functions at most this far from the candidate's home.
        visible : bool, optional
            True: only published vacancies; False: only invisible ones; None: both.
        openings_only : bool, default False
            Only functions with openings > 0.
        on : datetime.date, optional
            Evaluation date for the instruments.

        Raises
        ------
        NotFound
            Unknown candidate id or sector (with a 'did you mean').
        """
        from matchcore.model import Candidate

        self._current()
        _check_top(top)
        stored = not isinstance(candidate_id, Candidate)
        cand = self.store.candidate(candidate_id) if stored else candidate_id
        c = self._candidate_arrays(cand, stored)
        d = self.data_
        V, Pv = self._stack(c, [0])
        ts = [self._title_scores(c["c_targets"]) if c["c_targets"] else None]
        score = self._fast_scores(V, Pv, ts)[0]
        cxyz = md.unit_xyz(c["c_lat"][0], c["c_lon"][0])
        dot = self.f_xyz_ @ cxyz
        cs = self._c_side(c, 0, column=False)
        cs["dot"] = dot
        masks = self._exclusions(cs, self._f_side())
        excluded = np.logical_or.reduce(list(masks.values()))
        valid = np.ones(self.n_functions_, bool)
        if _only is not None:
            valid[:] = False
            valid[_only] = True
        if sector is not None:
            valid &= d["f_sector"] == self._sector_code(sector)
        if visible is not None:
            valid &= d["f_visible"] == bool(visible)
        if openings_only:
            valid &= d["f_openings"] > 0
        if max_distance_km is not None:
            with np.errstate(invalid="ignore"):
                valid &= dot >= np.cos(min(max_distance_km / EARTH_RADIUS_KM, math.pi))
        considered = int(valid.sum())
        n_excluded = int((valid & excluded).sum())
        if not include_excluded:
            valid &= ~excluded
        idx = self._top(score, valid, top)
        comp = {k: (None if v is None else v[0])
                for k, v in self._score_functions(V, Pv, ts, f_idx=idx).items()}
        comp["score"] = score[idx]  # the ranked score; the components agree with it to 1e-12
        cdoc = _cand_doc(cand)
        cinfo = self._cand_info(cdoc, c, 0)
        employers: dict[str, Any] = {}
        results = []
        for pos, i in enumerate(idx):
            finfo = self._stored_function_info(int(i))
            res = {"function": finfo["id"], "employer": finfo["employer"], "title": finfo["title"],
                   **self._explain(cinfo, finfo, comp, pos, masks, int(i))}
            res["instruments"] = self._instruments(cand, finfo, employers, on) if instruments else []
            results.append(res)
        return {"candidate": cdoc["id"], "considered": considered, "excluded_count": n_excluded,
                "results": results}

    def match_pair(self, candidate_id, function_id: str, *, on=None,
                   instruments: bool = True) -> dict[str, Any] | None:
        """One candidate and one stored function, explained whether excluded or not.

        Returns the result dict of :meth:`match_candidate` for that function, or None when
        the two have nothing in common (score 0).
        """
        self._current()
        fi = self._row_of("function", function_id)
        out = self.match_candidate(candidate_id, top=1, include_excluded=True, on=on,
                                   instruments=instruments, _only=fi)
        return out["results"][0] if out["results"] else None

    # --- queries: function -> candidates --------------------------------------------------
    def match_function(self, function_id: str, *, top: int = 10, include_excluded: bool = False,
                       max_distance_km: float | None = None, on=None,
                       instruments: bool = True) -> dict[str, Any]:
        """The candidates that fit a stored function best (FORMATS.md ``match function``).

        Parameters are those of :meth:`match_candidate` that make sense for one function.

        Raises
        ------
        NotFound
            Unknown function id (with a 'did you mean').
        """
        self._current()
        _check_top(top)
        if function_id not in self.f_index_:
            raise NotFound("function", function_id, self.store.suggest("function", function_id))
        fi = self.f_index_[function_id]
        finfo = self._stored_function_info(fi)
        rows = self._rank_candidates(finfo, fi, top=top, include_excluded=include_excluded,
                                     max_distance_km=max_distance_km)
        employers: dict[str, Any] = {}
        results = []
        for r in rows["results"]:
            if instruments:
                r["instruments"] = self._instruments(self.store.candidate(r["candidate"]), finfo,
                                                     employers, on)
            else:
                r["instruments"] = []
            results.append(r)
        return {"function": function_id, "employer": finfo["employer"], "title": finfo["title"],
                "considered": rows["considered"], "excluded_count": rows["excluded_count"],
                "results": results}

    def rank_candidates_for_profile(self, competences: Iterable, *, hours_per_week=None,
                                    shifts=(), location=None, conditions=None, top: int = 10,
                                    include_excluded: bool = False,
                                    title: str | None = None) -> list[dict]:
        """Rank stored candidates for a function profile that is not in the store.

        Parameters
        ----------
        competences : list of FunctionCompetence (or dicts of its fields)
        hours_per_week : float, optional
        shifts : iterable of str
        location : Location, (lat, lon), dict with lat/lon or postcode, or a postcode; optional
        conditions : Conditions or dict, optional
        top : int, default 10
        title : str, optional
            Compared with the candidates' job targets.

        Returns
        -------
        list of dict
            ``{candidate, score, excluded, reasons, matched, missing_required,
            missing_optional, unresolved, components, distance_km}``, best first.
        """
        self._current()
        _check_top(top)
        finfo = self._profile_info(competences, hours_per_week=hours_per_week, shifts=shifts,
                                   location=location, conditions=conditions, title=title)
        return self._rank_candidates(finfo, None, top=top, include_excluded=include_excluded)["results"]

    def _rank_candidates(self, finfo, fi, *, top, include_excluded, max_distance_km=None):
        import scipy.sparse as sp

        d = self.data_
        m = self.n_columns_
        cols = np.array([k["col"] for k in finfo["competences"] if k["col"] is not None], np.int64)
        keep = [k for k in finfo["competences"] if k["col"] is not None]
        stacked = cols * 4 + np.array([k["level"] - 1 for k in keep], np.int64)
        w = np.array([k["w"] for k in keep], float)
        req = np.array([k["required"] for k in keep], bool)
        wr = sp.csr_matrix((np.where(req, w, 0.0), (stacked, np.zeros_like(stacked))), shape=(4 * m, 1))
        wo = sp.csr_matrix((np.where(req, 0.0, w), (stacked, np.zeros_like(stacked))), shape=(4 * m, 1))
        s_req = sum(k["w"] for k in finfo["competences"] if k["required"])
        s_opt = sum(k["w"] for k in finfo["competences"] if not k["required"])
        ucols = cols * 4
        uw = sp.csr_matrix((self.idf_[cols], (ucols, np.zeros_like(ucols))), shape=(4 * m, 1))
        V, Pv = self._stored_stack()
        rn = (V @ wr).toarray().ravel()
        on = (V @ wo).toarray().ravel()
        pn = (Pv @ wr).toarray().ravel()
        un = (Pv @ uw).toarray().ravel()
        s_use = Pv @ self.idf4_
        j = None
        if finfo["titles"] and d["c_targets"]:
            from rapidfuzz import fuzz, process

            sc = process.cdist(d["c_targets"], finfo["titles"], scorer=fuzz.WRatio, processor=None,
                               dtype=np.uint8)
            best = np.clip((sc.max(axis=1).astype(np.float64) - 50.0) / 50.0, 0.0, 1.0)
            ptr = d["c_tg_indptr"]
            j = np.full(len(d["c_ids"]), np.nan)
            has = np.diff(ptr) > 0
            j[has] = np.maximum.reduceat(best, ptr[:-1][has])
        comp = self._combine(rn, on, pn, s_req, s_opt, un, s_use, j)
        cxyz = md.unit_xyz(d["c_lat"], d["c_lon"])
        fxyz = md.unit_xyz(finfo["lat"], finfo["lon"])
        dot = cxyz @ fxyz if finfo["lat"] is not None else np.full(len(d["c_ids"]), np.nan)
        cs = self._c_side(d, column=False)
        cs["dot"] = dot
        masks = self._exclusions(cs, finfo["arrays"])
        excluded = np.logical_or.reduce(list(masks.values()))
        valid = np.ones(len(d["c_ids"]), bool)
        if max_distance_km is not None:
            with np.errstate(invalid="ignore"):
                valid &= dot >= np.cos(min(max_distance_km / EARTH_RADIUS_KM, math.pi))
        considered, n_excluded = int(valid.sum()), int((valid & excluded).sum())
        if not include_excluded:
            valid &= ~excluded
        idx = self._top(comp["score"], valid, top)
        results = []
        for i in idx:
            cdoc = _cand_doc(self.store.candidate(d["c_ids"][i]))
            cinfo = self._cand_info(cdoc, d, int(i))
            results.append({"candidate": cdoc["id"],
                            **self._explain(cinfo, finfo, comp, int(i), masks, int(i))})
        return {"considered": considered, "excluded_count": n_excluded, "results": results}

    def _row_of(self, kind: str, ident: str) -> int:
        index = self.c_index_ if kind == "candidate" else self.f_index_
        if ident not in index:
            raise NotFound(kind, ident, self.store.suggest(kind, ident))
        return index[ident]

    def _sector_code(self, sector: str) -> int:
        sectors = self.data_["sectors"]
        if fold(sector) in sectors:
            return sectors.index(fold(sector))
        from rapidfuzz import process

        hit = process.extractOne(fold(sector), sectors, score_cutoff=60)
        raise NotFound("sector", sector, hit[0] if hit else None)
