"""The fast paths of issue 16 give the full path's ranking and scores.

A single query scores only the functions that can be listed, and the verdicts per constraint
only for the rows shown; all pairs score a block only on the functions one of its candidates
can have. Here each is compared with the full computation (every function scored, every
constraint evaluated) on a few hundred random functions covering every constraint.
"""
from __future__ import annotations

import numpy as np
import pytest

from matchcore.matching import batch
from matchcore.matching import constraints as cs
from matchcore.matching.arrays import unit_xyz
from matchcore.matching.matcher import Matcher
from matchcore.matching.score import component_scores, fast_scores, stack, title_scores, top_rows
from tests.match_data import random_world, small_vocab  # noqa: F401  (fixture)


@pytest.fixture
def world(store, small_vocab):  # noqa: F811
    employers, candidates = random_world(16, n_employers=120, n_candidates=40)
    store.upsert(employers + candidates)
    m = Matcher(store).fit()
    assert m.n_functions_ > 200
    return m


def _full_top(m: Matcher, cid: str, top: int = 10):
    """The reference: every function scored with all components, every constraint evaluated,
    ranked by score then id."""
    d, w, p = m.data_, m.weights_, m.params
    c = d.candidates.row(d.c_index[cid])
    V, Pv = stack(c, len(d.columns), p.text_credit, [0])
    ts = [title_scores(c.targets, d.title_index) if c.targets else None]
    comp = component_scores(w, p, d.functions, V, Pv, ts).row(0)
    dot = w.side.xyz @ unit_xyz(c.lat[0], c.lon[0])
    masks = cs.masks(cs.CandidateSide.of(c).at(0), w.side, dot)
    excluded = np.logical_or.reduce(list(masks.values()))
    ok = np.flatnonzero(~excluded & (comp.score > 0))
    order = ok[np.lexsort((ok, -comp.score[ok]))][:top]
    return order, comp, masks, excluded


def test_single_query_lists_the_full_paths_top_10_with_its_scores(world):
    m = world
    listed = 0
    for cid in m.data_.candidates.ids:
        order, comp, masks, excluded = _full_top(m, cid)
        got = m.match_candidate(cid, top=10, instruments=False)
        assert [r.function for r in got.results] == [m.data_.functions.ids[i] for i in order]
        assert got.excluded_count == int(excluded.sum())
        for r, i in zip(got.results, order):
            assert r.score == pytest.approx(float(comp.score[i]), abs=6e-4)  # shown rounded to 3 decimals
            assert r.components.competence == pytest.approx(float(comp.competence[i]), abs=6e-4)
            assert r.components.penalty == pytest.approx(float(comp.penalty[i]), abs=6e-4)
            # the verdicts shown are the full masks' at that row
            failed = {ch.name for ch in r.checks if ch.ok is False}
            assert failed == {k for k, v in masks.items() if v[i]}
        listed += len(order)
    assert listed > 100  # the comparison is not vacuous


def _stacked(m):
    """The fitted parts, all candidates stacked, and their title scores."""
    d, w, p = m.data_, m.weights_, m.params
    rows = np.arange(len(d.candidates))
    V, Pv = stack(d.candidates, len(d.columns), p.text_credit)
    ts = [title_scores(d.candidates.targets_of(r), d.title_index) if d.candidates.targets_of(r)
          else None for r in rows]
    return d, w, p, rows, V, Pv, ts


def test_a_subset_scores_to_the_bit_as_all_functions(world):
    d, w, p, rows, V, Pv, ts = _stacked(world)
    assert any(t is not None for t in ts)
    full = fast_scores(w, p, d.functions, V, Pv, ts)
    sub = np.flatnonzero(np.random.default_rng(3).random(w.n_functions) < 0.3)
    assert np.array_equal(fast_scores(w, p, d.functions, V, Pv, ts, f_idx=sub), full[:, sub])


@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_all_pairs_pruned_equals_all_pairs_scored_in_full(world, batch_size):
    m = world
    d, w, p = m.data_, m.weights_, m.params
    rows = np.arange(len(d.candidates))
    scores, excluded = batch.score_block(d, w, p, m._stored_stack(), rows)
    scores[excluded] = -1.0
    ref_idx, ref_sc = top_rows(scores, 10)
    cids, idx, sc = m.top_functions_all(top=10, batch_size=batch_size)
    assert cids == list(d.candidates.ids)
    assert np.array_equal(idx, ref_idx)
    assert np.array_equal(sc, ref_sc)
    assert (idx >= 0).sum() > 100


def test_near_misses_and_excluded_rows_keep_the_same_results(world):
    m = world
    for cid in list(m.data_.candidates.ids)[:20]:
        plain = m.match_candidate(cid, top=5, instruments=False)
        near = m.match_candidate(cid, top=5, instruments=False, near_misses=True)
        assert [(r.function, r.score, r.explanation) for r in plain.results] == \
            [(r.function, r.score, r.explanation) for r in near.results]
        every = m.match_candidate(cid, top=500, instruments=False, include_excluded=True)
        assert every.excluded_count == plain.excluded_count
        fitting = [r.function for r in every.results if not r.excluded][:5]
        assert fitting == [r.function for r in plain.results]
        for r in near.near_misses:
            assert r.excluded and r.near_miss


# --- the memory-mapped cache beside the database -------------------------------------------

def _same(a: Matcher, b: Matcher, cid: str) -> bool:
    x = a.match_candidate(cid, top=10, instruments=False)
    y = b.match_candidate(cid, top=10, instruments=False)
    return [(r.function, r.score) for r in x.results] == [(r.function, r.score) for r in y.results]


def test_the_mapped_cache_serves_the_same_matches_and_no_personal_data(world, store):
    from pathlib import Path

    side = Path(store.path + ".match")
    assert side.exists()
    warm = Matcher(store).fit()
    assert warm.data_.prepared is not None  # weights mapped, not folded again
    fresh = Matcher(store, cache=False).fit()
    for cid in list(fresh.data_.candidates.ids)[:10]:
        assert _same(warm, fresh, cid)
    a, b = warm.top_functions_all(top=10), fresh.top_functions_all(top=10)
    assert np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])
    raw = side.read_bytes()
    assert b"K-000" not in raw and b"K-001" not in raw  # candidates stay in the store's blob


def test_a_stale_or_foreign_mapped_file_is_never_served(world, store, tmp_path):
    from pathlib import Path

    from matchcore.matching import arrays as ma
    from matchcore.matching import sidecar

    side = Path(store.path + ".match")
    assert ma.load_cached(store, "") is not None
    good = side.read_bytes()
    # another writer's file (another token) under the same key: not served
    key = store.db.execute("select key from match_cache").fetchone()[0]
    sidecar.write(str(side), key, {"functions.hours": np.zeros(3)}, {})
    assert ma.load_cached(store, "") is None
    side.write_bytes(good[: len(good) // 2])  # torn
    assert ma.load_cached(store, "") is None
    side.unlink()
    assert ma.load_cached(store, "") is None
    # a fit rebuilds and writes a good one again
    m = Matcher(store).fit()
    assert side.exists() and ma.load_cached(store, "") is not None
    # the data changes: the old file is not served, the new fit sees the change
    from tests.match_data import candidate

    store.upsert([candidate("K-NEW", [("afwassen", 3)])])
    assert ma.load_cached(store, "") is None
    m = Matcher(store).fit()
    assert "K-NEW" in m.data_.c_index
    # the blob deleted (as erasure does): the file alone is never used
    store.db.execute("delete from match_cache")
    assert ma.load_cached(store, "") is None


# --- the pruned and pair-wise paths (issue 16, in-process speed) ----------------------------

def test_the_pruner_leaves_exactly_the_functions_no_constraint_excludes(world):
    from matchcore.matching.prune import commute_excludes

    m = world
    d, w = m.data_, m.weights_
    for r in range(len(d.candidates)):
        c = d.candidates.row(r)
        side = cs.CandidateSide.of(c).at(0)
        dot = w.side.xyz @ unit_xyz(c.lat[0], c.lon[0])
        full = np.flatnonzero(~cs.excluded(side, w.side, dot))
        fit = w.pruner.candidates_for(side, w.side, w.profile_side)
        assert np.all(np.diff(fit) > 0)
        fit = fit[~commute_excludes(side.cos_reach, dot[fit])]
        assert np.array_equal(fit, full)
    block = np.arange(len(d.candidates))
    pc, pf = batch._fitting(cs.CandidateSide.of(d.candidates, block), w.side, w.pruner, w.profile_side)
    side = cs.CandidateSide.of(d.candidates, block)
    ex = cs.excluded(side.column(), w.side, side.xyz @ w.side.xyz.T)
    assert sorted(zip(pc.tolist(), pf.tolist())) == list(zip(*np.nonzero(~ex)))


def test_pair_one_and_component_rows_score_to_the_bit_as_the_sparse_products(world):
    from matchcore.matching.score import (component_rows, one_scores, pair_scores, stack_one,
                                          title_row)

    d, w, p, rows, V, Pv, ts = _stacked(world)
    full = fast_scores(w, p, d.functions, V, Pv, ts)
    rng = np.random.default_rng(5)
    pc = rng.integers(0, len(rows), 3000)
    pf = rng.integers(0, w.n_functions, 3000)
    got = pair_scores(w, p, d.functions, V.toarray(), Pv.toarray(), Pv @ w.idf4, ts, pc, pf)
    assert np.array_equal(got, full[pc, pf])
    sub = np.flatnonzero(rng.random(w.n_functions) < 0.3)
    for r in rows[:15]:
        c = d.candidates.row(int(r))
        vd, pd, s_use = stack_one(c, len(d.columns), p.text_credit, w.idf4)
        assert np.array_equal(vd, V[[r]].toarray()[0]) and np.array_equal(pd, Pv[[r]].toarray()[0])
        assert s_use == (Pv[[r]] @ w.idf4)[0]
        t = title_row(d, c.targets)
        assert (t is None) == (ts[r] is None) and (t is None or np.array_equal(t, ts[r]))
        assert np.array_equal(one_scores(w, p, d.functions, vd, pd, s_use, t, sub), full[r, sub])
        ref = component_scores(w, p, d.functions, V[[r]], Pv[[r]], [ts[r]], f_idx=sub).row(0)
        mine = component_rows(w, p, d.functions, vd, pd, s_use, t, sub)
        for name in ("required", "optional", "coverage", "use", "presence", "penalty",
                     "competence", "score"):
            assert np.array_equal(getattr(mine, name), getattr(ref, name)), name
        assert np.allclose(mine.score, full[r, sub], rtol=0, atol=1e-12)  # the folded form


def test_a_single_candidates_top_is_its_row_of_all_pairs(world):
    m = world
    cids, idx, sc = m.top_functions_all(top=10)
    for i, cid in enumerate(cids[:25]):
        _, one_idx, one_sc = m.top_functions_all(top=10, candidate_ids=[cid])
        assert np.array_equal(one_idx[0], idx[i]) and np.array_equal(one_sc[0], sc[i])


@pytest.mark.parametrize("seed", range(6))
def test_the_top_pairs_floor_keeps_the_full_sorts_ranking(seed):
    """_top_pairs drops the pairs below a floor its k-th best reaches for certain: the result
    is the plain sort's, ties (many equal scores, several candidates with fewer than k pairs
    or none) included."""
    rng = np.random.default_rng(seed)
    n_c, k = 12, int(rng.integers(1, 12))
    sizes = rng.integers(0, 400, n_c)
    sizes[rng.integers(0, n_c, 3)] = rng.integers(0, k + 1, 3)   # some with fewer than k pairs
    pc = np.repeat(np.arange(n_c), sizes)
    pf = np.concatenate([rng.permutation(5000)[:s] for s in sizes]).astype(np.int64)
    sc = rng.integers(0, 1 + seed, len(pc)) / (1.0 + seed)   # coarse: ties everywhere, zeros dropped
    got = batch._top_pairs(pc, pf, sc, k, n_c)
    assert len(pc) > 4 * k * n_c or k > 6   # the floor is used in most cases
    ok = sc > 0
    qc, qf, qs = pc[ok], pf[ok], sc[ok]
    order = np.lexsort((qf, -qs, qc))
    qc, qf, qs = qc[order], qf[order], qs[order]
    rank = np.concatenate([np.arange(np.sum(qc == c)) for c in range(n_c)]).astype(np.int64)
    keep = rank < k
    want = qc[keep], rank[keep], qf[keep], qs[keep]
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
