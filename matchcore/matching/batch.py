"""Many candidates at once, without explanations (private mixin of :class:`matchcore.matching.matcher.Matcher`).

Score matrices, the top functions of every stored candidate in threaded batches, and the bare
competence scores of candidate records; the single-pair queries are in :mod:`matchcore.matching.matcher`.
"""
from __future__ import annotations

import numpy as np

from matchcore.matching import data as md
from matchcore.matching.explain import _cand_doc
from matchcore.matching.fit import _check_top
from matchcore.matching.score import top_rows

__all__ = ["Batch"]


class Batch:
    """Mixin: scores of many candidates against many functions."""

    def score_matrix(self, candidate_ids=None, function_ids=None):
        """Scores and exclusions of stored candidates x functions (dense; for moderate sizes).

        Returns
        -------
        (candidate_ids, function_ids, scores, excluded) with ``scores`` and ``excluded`` of
        shape (len(candidate_ids), len(function_ids)).
        """
        self._current()
        d = self.data_
        cids = list(d["c_ids"]) if candidate_ids is None else list(candidate_ids)
        fids = list(d["f_ids"]) if function_ids is None else list(function_ids)
        rows = np.array([self._row_of("candidate", x) for x in cids], np.int64)
        f_idx = np.array([self._row_of("function", x) for x in fids], np.int64)
        scores, excluded = self._block(rows, f_idx)
        return cids, fids, scores, excluded

    def top_functions_all(self, *, top: int = 10, batch_size: int = 64, candidate_ids=None,
                          include_excluded: bool = False, workers: int | None = None):
        """Top ``top`` functions of every stored candidate, in batches (no explanations).

        Blocks of ``batch_size`` candidates are scored on ``workers`` threads (default: all
        cores; numpy and scipy release the GIL in the heavy parts).

        Returns
        -------
        (candidate_ids, index, scores): ``index[i, r]`` is the function row (in
        ``data_['f_ids']``) ranked r for candidate i, -1 where fewer were valid.
        """
        import os
        from concurrent.futures import ThreadPoolExecutor

        self._current()
        _check_top(top)
        d = self.data_
        cids = list(d["c_ids"]) if candidate_ids is None else list(candidate_ids)
        rows = np.array([self._row_of("candidate", x) for x in cids], np.int64)
        out_idx = np.full((len(rows), top), -1, np.int64)
        out_sc = np.zeros((len(rows), top))
        k = min(top, self.n_functions_)
        self._stored_stack()

        def run(lo):
            block = rows[lo:lo + batch_size]
            scores, excluded = self._block(block, None)
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
        return cids, out_idx, out_sc

    def score_functions(self, candidates, *, batch_size: int = 256) -> np.ndarray:
        """Scores of candidate records (stored or not) against every stored function.

        No constraints and no filters: the competence score alone, for research such as
        ``benchmarks/quality.py``. Columns follow ``data_['f_ids']``.

        Parameters
        ----------
        candidates : list of matchcore.model.Candidate (or dicts shaped as stored documents)

        Returns
        -------
        ndarray of shape (len(candidates), n_functions)
        """
        self._current()
        docs = [_cand_doc(c) for c in candidates]
        c = md.candidate_arrays(docs, self.data_, vocab=self.vocabulary_, text_index=None,
                                store=self.store)
        out = np.zeros((len(docs), self.n_functions_))
        V, Pv = self._stack(c)
        ptr = c["c_tg_indptr"]
        for lo in range(0, len(docs), batch_size):
            rows = np.arange(lo, min(lo + batch_size, len(docs)))
            ts = self._block_title_scores([c["c_targets"][ptr[r]:ptr[r + 1]] for r in rows])
            out[rows] = self._fast_scores(V[rows], Pv[rows], ts)
        return out

    def _block(self, rows, f_idx):
        """Scores and exclusion of stored candidate ``rows`` x functions (all or ``f_idx``)."""
        d = self.data_
        V, Pv = self._stored_stack()
        ptr = d["c_tg_indptr"]
        ts = self._block_title_scores([d["c_targets"][ptr[r]:ptr[r + 1]] for r in rows])
        score = self._fast_scores(V[rows], Pv[rows], ts)
        if f_idx is not None:
            score = score[:, f_idx]
        return score, self._excluded_block(rows, f_idx)
