"""Matching candidates and functions: one explained score, hard constraints, both directions.

Score of a (candidate, function) pair, every part of which is in the output's ``components``
(``docs/matching.md`` has the full account and the measurements behind the constants)::

    w_k  = weight_k * idf_k           idf_k = ln((1 + F) / (1 + df_k)) + 1 over the F functions
    q_k  = min(1, level_held / level_required)   when the candidate holds concept k
         = text_credit * s_k                     else; s_k = char n-gram TF-IDF cosine of the
                                                 candidate's unresolved texts (0 below 0.5),
                                                 or the embedding's soft evidence when higher
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
    J    = best (cos - 0.3) / 0.7 of a job target against the function's titles, in [0, 1]
           (cos: char n-gram TF-IDF cosine, matchcore.matching.titles)
    score = P * C                          without job targets
          = P * (0.8 C + 0.2 J)            with job targets

Hard constraints (one table, :mod:`~matchcore.matching.constraints`) exclude a pair with a
reason. Everything over all functions (or all candidates) is vectorised: sparse products for
the competences, numpy broadcasting for the constraints, ``argpartition`` for the top k; ties
are broken by id. :class:`Matcher` holds the parts: the typed arrays
(:mod:`~matchcore.matching.arrays`, built by :mod:`~matchcore.matching.data`), the parameters
and folded matrices (:mod:`~matchcore.matching.weights`), pure scoring
(:mod:`~matchcore.matching.score`, :mod:`~matchcore.matching.batch`), explained queries
(:mod:`~matchcore.matching.rank`, :mod:`~matchcore.matching.explain`) and typed results
(:mod:`~matchcore.matching.results`).

Examples
--------
>>> m = Matcher(store).fit()                                         # doctest: +SKIP
>>> m.match_candidate("K-0042", top=5).results[0].function           # doctest: +SKIP
'brasserie-de-kaai/afwasser'
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np

from matchcore.errors import MatchcoreError, NotFound, StoreError, closest
from matchcore.i18n import use_language
from matchcore.matching import arrays as ma
from matchcore.matching import batch
from matchcore.matching.constraints import CONSTRAINTS
from matchcore.matching.data import CandidateRecord, build, candidate_arrays
from matchcore.matching.explain import explain_pair
from matchcore.matching.info import FunctionInfo, candidate_info, function_info, profile_info
from matchcore.matching.rank import mark, rank_candidates, rank_functions
from matchcore.matching.results import CandidateMatch, CandidateMatches, FunctionMatch, FunctionMatches
from matchcore.matching.score import stack
from matchcore.matching.weights import ScoreParams, Weights, check_top, prepare
from matchcore.model import Candidate
from matchcore.vocabulary import Vocabulary, fold, seed_starter
from matchcore.vocabulary.semantic import cache_for

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
    "ScoreParams",
    "instruments_for",
]

_DEFAULTS = ScoreParams()
REQUIRED_WEIGHT = _DEFAULTS.required_weight
OPTIONAL_WEIGHT = _DEFAULTS.optional_weight
TARGET_SHARE = _DEFAULTS.target_share
TEXT_CREDIT = _DEFAULTS.text_credit
REQUIRED_PENALTY = _DEFAULTS.required_penalty
USE_WEIGHT = _DEFAULTS.use_weight
HOURS_TOLERANCE = ma.HOURS_TOLERANCE


def instruments_for(candidate, employer, function, *, on=None, all_instruments: bool = False,
                    give_records: bool = False) -> list[dict]:
    """Instrument summaries for one pair, as the match results carry them: the normal hire first
    (code ``normal``), then the instruments in the order of the recommendation (eligibility, then
    feasibility, then net cost); abolished ones only with ``all_instruments``
    (:func:`matchcore.instruments.evaluate.pair_rows`; ``give_records`` as there)."""
    # the instruments (pluggy, the plugins' models) only when a pair's are evaluated, so that
    # `match --no-instruments` and the web's listings do without them
    from matchcore.instruments import pair_rows  # start-up

    return pair_rows(candidate, employer, function, on=on, all_instruments=all_instruments,
                     give_records=give_records)


class Matcher:
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
    params : ScoreParams
    data_ : matchcore.matching.arrays.MatchData
        The arrays built from the store.
    weights_ : matchcore.matching.weights.Weights
        ``params`` folded over the functions of ``data_``.
    version_ : int
        The store's ``data_version`` they were built at; queries refit when it moved.
    vocabulary_ : Vocabulary
    """

    def __init__(self, store, *, required_weight: float = REQUIRED_WEIGHT,
                 optional_weight: float = OPTIONAL_WEIGHT, target_share: float = TARGET_SHARE,
                 text_credit: float = TEXT_CREDIT, required_penalty: float = REQUIRED_PENALTY,
                 use_weight: float = USE_WEIGHT, idf: bool = True, cache: bool = True):
        self.store = store
        self.params = ScoreParams(required_weight, optional_weight, target_share, text_credit,
                                  required_penalty, use_weight, idf)
        self.cache = cache

    # --- fitting --------------------------------------------------------------------------
    def fit(self) -> Matcher:
        """Build (or load from the cache) the function and candidate arrays; return self."""
        self.params.check()
        seed_starter(self.store)  # a write: before the read transaction below
        self.vocabulary_ = Vocabulary(self.store, seed=False)
        # one snapshot for the arrays and the data_version they are labelled with: an import
        # committing meanwhile must not give old data the new label (issue 10)
        with self.store.read():
            data = ma.load_cached(self.store, "") if self.cache else None
            fresh = data is None
            if fresh:
                data = build(self.store, self.vocabulary_.fit())
        self.use(data, self.vocabulary_)
        if fresh and self.cache:
            # the default parameters' weights are kept too: a CLI query maps them (issue 16)
            extra = self.weights_.parts() if self.params == _DEFAULTS else None
            try:
                ma.save_cached(self.store, data, "", extra=extra)
            except (sqlite3.OperationalError, StoreError):  # read-only or busy: work uncached
                pass
        return self

    def use(self, data: ma.MatchData, vocabulary: Vocabulary) -> Matcher:
        """Score with arrays already built (by another Matcher's fit); return self."""
        self.data_, self.vocabulary_, self.version_ = data, vocabulary, data.version
        if data.vector_cache is None:  # titles and job targets: vectors kept beside the store
            data.vector_cache = cache_for(self.store)
        if data.prepared is not None and self.params == _DEFAULTS:
            self.weights_: Weights = Weights.from_parts(data.prepared, data)
        else:
            self.weights_ = prepare(data, self.params)
        self._stacked = None
        return self

    def _current(self) -> None:
        if not hasattr(self, "data_"):
            raise MatchcoreError("Matcher is not fitted yet; call fit() first")
        if self.store.data_version != self.version_:
            self.fit()

    def _stored_stack(self):
        """The stacked vectors of every stored candidate (made once per fit)."""
        if self._stacked is None:
            self._stacked = stack(self.data_.candidates, len(self.data_.columns), self.params.text_credit)
        return self._stacked

    n_functions_ = property(lambda self: len(self.data_.functions), doc="How many functions.")

    # --- queries: candidate -> functions --------------------------------------------------
    def match_candidate(self, candidate_id, *, top: int = 10, include_excluded: bool = False,
                        sector: str | None = None, max_distance_km: float | None = None,
                        visible: bool | None = None, openings_only: bool = False, on=None,
                        instruments: bool = True, near_misses: bool = False,
                        _only: int | None = None) -> CandidateMatches:
        """The functions that fit a candidate best, explained (``docs/formats.md`` ``match candidate``).

        Parameters
        ----------
        candidate_id : str or matchcore.model.Candidate
            A stored candidate's id, or a candidate record (need not be stored).
        top : int, default 10
        include_excluded : bool, default False
            Also rank functions a constraint excludes (flagged, with reasons), also those with
            no competence in common.
        near_misses : bool, default False
            Also list, in ``near_misses``, the best functions excluded by one soft constraint
            only, and only a little (``near_miss``, ``would_need``: docs/matching.md).
        sector : str, optional
            Only functions of this sector (case and accents ignored).
        max_distance_km : float, optional
            Only functions at most this far from the candidate's home.
        visible : bool, optional
            True: only published vacancies; False: only invisible ones; None: both.
        openings_only : bool, default False
            Only functions with openings > 0.
        on : datetime.date, optional
            Evaluation date for the instruments, and the start of a function without
            ``start_date`` (the candidate's ``available_from`` is compared with it); default today.

        Raises
        ------
        NotFound
            Unknown candidate id or sector (with a 'did you mean').
        """
        self._current()
        check_top(top)
        d, w = self.data_, self.weights_
        record = candidate_id if isinstance(candidate_id, Candidate) else None
        if record is None:  # a stored candidate: its arrays are in memory
            c = d.candidates.row(self._row_of("candidate", candidate_id))
        else:
            c = candidate_arrays([CandidateRecord.of(record)], d, vocab=self.vocabulary_,
                                 store=self.store)
        f = d.functions
        valid = np.ones(len(f), bool)
        if _only is not None:
            valid[:] = False
            valid[_only] = True
        if sector is not None:
            valid &= f.sector == self._sector_code(sector)
        if visible is not None:
            valid &= f.visible == bool(visible)
        if openings_only:
            valid &= f.openings > 0
        ranked = rank_functions(d, w, self.params, c, top=top, include_excluded=include_excluded,
                                valid=valid, max_distance_km=max_distance_km,
                                near_misses=near_misses, on=on)
        ci = candidate_info(c, 0, on)
        employers: dict = {}
        if instruments and record is None and (len(ranked.idx) or len(ranked.near_idx)):
            record = self.store.candidate(ci.id)

        def explained(rows, components):
            out = []
            for pos, i in enumerate(rows.tolist()):
                fi = function_info(d, i, w.side, w.idf, w.max_idf)
                by, near = ranked.verdicts(i)
                ex = explain_pair(self.params, ci, fi, components, pos, by)
                out.append(FunctionMatch(
                    function=fi.id, employer=fi.employer, title=fi.title,
                    **mark(ex, ci, fi, near).parts(),
                    instruments=self._instruments(record, fi, employers, on) if instruments else []))
            return out

        # the language fixed for the explanations: each of their few hundred texts would
        # otherwise look it up in the environment again (issue 16)
        with use_language(None):
            near = explained(ranked.near_idx, ranked.near_components) if near_misses else []
            return CandidateMatches(ci.id, ranked.considered, ranked.excluded_count,
                                    explained(ranked.idx, ranked.components), near)

    def match_pair(self, candidate_id, function_id: str, *, on=None,
                   instruments: bool = True) -> FunctionMatch | None:
        """One candidate and one stored function, explained whether excluded or not.

        Returns the result of :meth:`match_candidate` for that function, or None when the
        two have nothing in common (score 0).
        """
        self._current()
        fi = self._row_of("function", function_id)
        out = self.match_candidate(candidate_id, top=1, include_excluded=True, on=on,
                                   instruments=instruments, _only=fi)
        return out.results[0] if out.results else None

    # --- queries: function -> candidates --------------------------------------------------
    def match_function(self, function_id: str, *, top: int = 10, include_excluded: bool = False,
                       max_distance_km: float | None = None, on=None,
                       instruments: bool = True, near_misses: bool = False) -> FunctionMatches:
        """The candidates that fit a stored function best (``docs/formats.md`` ``match function``).

        Parameters are those of :meth:`match_candidate` that make sense for one function.

        Raises
        ------
        NotFound
            Unknown function id (with a 'did you mean').
        """
        self._current()
        check_top(top)
        w = self.weights_
        fi = function_info(self.data_, self._row_of("function", function_id), w.side, w.idf, w.max_idf)
        ranked, rows = rank_candidates(self.data_, w, self.params, self._stored_stack(), fi, top=top,
                                       include_excluded=include_excluded,
                                       max_distance_km=max_distance_km, near_misses=near_misses, on=on)
        near = ranked.near_rows
        if instruments:
            employers: dict = {}
            rows, near = ([replace(r, instruments=self._instruments(self.store.candidate(r.candidate), fi,
                                                                    employers, on)) for r in lst]
                          for lst in (rows, near))
        return FunctionMatches(function_id, fi.employer, fi.title, ranked.considered,
                               ranked.excluded_count, rows, near)

    def rank_candidates_for_profile(self, competences: Iterable, *, hours_per_week=None,
                                    shifts=(), location=None, conditions=None, top: int = 10,
                                    include_excluded: bool = False,
                                    title: str | None = None) -> list[CandidateMatch]:
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
        list of CandidateMatch
            Best first; ``instruments`` are left empty.
        """
        self._current()
        check_top(top)
        w = self.weights_
        fi = profile_info(self.data_, self.vocabulary_, w.idf, w.max_idf, competences,
                          hours_per_week=hours_per_week, shifts=shifts, location=location,
                          conditions=conditions, title=title)
        return rank_candidates(self.data_, w, self.params, self._stored_stack(), fi, top=top,
                               include_excluded=include_excluded)[1]

    # --- many at once ---------------------------------------------------------------------
    def score_matrix(self, candidate_ids=None, function_ids=None):
        """Scores and exclusions of stored candidates x functions (dense; for moderate sizes).

        Returns
        -------
        (candidate_ids, function_ids, scores, excluded) with ``scores`` and ``excluded`` of
        shape (len(candidate_ids), len(function_ids)).
        """
        self._current()
        d = self.data_
        cids = list(d.candidates.ids) if candidate_ids is None else list(candidate_ids)
        fids = list(d.functions.ids) if function_ids is None else list(function_ids)
        rows = np.array([self._row_of("candidate", x) for x in cids], np.int64)
        f_idx = np.array([self._row_of("function", x) for x in fids], np.int64)
        scores, excluded = batch.score_block(d, self.weights_, self.params, self._stored_stack(),
                                             rows, f_idx)
        return cids, fids, scores, excluded

    def top_functions_all(self, *, top: int = 10, batch_size: int = 128, candidate_ids=None,
                          include_excluded: bool = False, workers: int | None = None):
        """Top ``top`` functions of every stored candidate, in batches (no explanations).

        Blocks of ``batch_size`` candidates are scored on ``workers`` threads (default: all
        cores; numpy and scipy release the GIL in the heavy parts).

        Returns
        -------
        (candidate_ids, index, scores): ``index[i, r]`` is the function row (in
        ``data_.functions.ids``) ranked r for candidate i, -1 where fewer were valid.
        """
        self._current()
        check_top(top)
        d = self.data_
        cids = list(d.candidates.ids) if candidate_ids is None else list(candidate_ids)
        rows = np.array([self._row_of("candidate", x) for x in cids], np.int64)
        idx, sc = batch.top_functions(d, self.weights_, self.params, self._stored_stack(), rows,
                                      top=top, batch_size=batch_size,
                                      include_excluded=include_excluded, workers=workers)
        return cids, idx, sc

    def score_functions(self, candidates: Sequence, *, batch_size: int = 256) -> np.ndarray:
        """Scores of candidate records (stored or not) against every stored function.

        No constraints and no filters: the competence score alone, for research such as
        ``benchmarks/quality.py``. Columns follow ``data_.functions.ids``.

        Parameters
        ----------
        candidates : list of matchcore.model.Candidate (or dicts shaped as stored documents)

        Returns
        -------
        ndarray of shape (len(candidates), n_functions)
        """
        self._current()
        c = candidate_arrays([CandidateRecord.of(x) for x in candidates], self.data_,
                             vocab=self.vocabulary_, store=self.store)
        return batch.score_records(self.data_, self.weights_, self.params, c, batch_size=batch_size)

    # --- look-ups -------------------------------------------------------------------------
    def _row_of(self, kind: str, ident: str) -> int:
        index = self.data_.c_index if kind == "candidate" else self.data_.f_index
        if ident not in index:
            raise NotFound(kind, ident, self.store.suggest(kind, ident))
        return index[ident]

    def _sector_code(self, sector: str) -> int:
        sectors = self.data_.sectors
        if fold(sector) in sectors:
            return sectors.index(fold(sector))
        raise NotFound("sector", sector, closest(fold(sector), sectors, cutoff=60))

    def _instruments(self, candidate, fi: FunctionInfo, employers: dict, on) -> list[dict]:
        """:func:`instruments_for` one pair; ``employers`` keeps the employers read in one query."""
        if fi.reference or fi.employer is None:
            return []  # a reference profile has no employer to pay anything
        emp = employers.get(fi.employer)
        # read for this query's instruments only, so the plugins' views may wrap it (no deep
        # copy); its second pair in the query gets copies, as a plugin left running by the first
        # one may still hold it
        first = emp is None
        if first:
            emp = employers[fi.employer] = self.store.employer(fi.employer)
        function = next(f for f in emp.functions if f.id == fi.function_id)
        return instruments_for(candidate, emp, function, on=on, give_records=first)
