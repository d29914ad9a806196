"""Team assignment: optimal against brute force, capacity, minimum score, and the why."""
from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchcore.matching.assign import assign, solve
from matchcore.matching.matcher import Matcher
from tests.match_data import KITCHEN, candidate, comp, employer, function, small_vocab  # noqa: F401

pytestmark = pytest.mark.usefixtures("small_vocab")  # tests/fixtures/vocab_small.yaml


def brute_force(scores, allowed, capacity) -> float:
    """The best total over every way of giving each row one column or none."""
    n, m = scores.shape
    best = 0.0
    for choice in itertools.product(range(-1, m), repeat=n):
        used = [0] * m
        total = 0.0
        for i, j in enumerate(choice):
            if j < 0:
                continue
            if not allowed[i, j]:
                break
            used[j] += 1
            total += scores[i, j]
        else:
            if all(u <= c for u, c in zip(used, capacity)):
                best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_solve_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 6), rng.integers(1, 4)
    scores = np.round(rng.random((n, m)), 3)
    allowed = (rng.random((n, m)) < 0.75) & (scores >= 0.2)
    capacity = list(rng.integers(0, 3, m))
    pairs = solve(scores, allowed, capacity)
    total = sum(scores[i, j] for i, j in pairs)
    assert total == pytest.approx(brute_force(scores, allowed, capacity), abs=1e-6)
    assert len({i for i, _ in pairs}) == len(pairs)  # a candidate at most once
    for j in range(m):
        assert sum(1 for _, jj in pairs if jj == j) <= capacity[j]
    assert all(allowed[i, j] for i, j in pairs)


def test_total_score_beats_more_pairs():
    # A alone at f1 (1.0) beats A at f2 plus B at f1 (0.5 + 0.4): max flow would pick the latter.
    scores = np.array([[1.0, 0.5], [0.4, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    assert solve(scores, allowed, [1, 1]) == [(0, 0)]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 7), st.integers(1, 4), st.integers(0, 10_000))
def test_never_exceeds_capacity(n, m, seed):
    rng = np.random.default_rng(seed)
    scores = rng.random((n, m))
    capacity = list(rng.integers(0, 3, m))
    pairs = solve(scores, scores > 0.3, capacity)
    counts = np.bincount([j for _, j in pairs], minlength=m)
    assert np.all(counts <= capacity)


@pytest.fixture
def team(store):
    picker = [comp("orderpicken", 2, required=True), comp("pallets stapelen")]
    store.upsert([
        employer("kaai", [function("afwasser", KITCHEN, openings=1)], postcode="9000"),
        employer("depot", [function("picker", picker, openings=2, hours=38, shifts=["day"]),
                           function("chef", [comp("koken", 3, required=True)], openings=1)],
                 postcode="9000", sector="logistiek"),
        candidate("K-1", [("afwassen", 2), ("HACCP-regels toepassen", 1), ("keuken reinigen", 1),
                          ("samenwerken", 1), ("orderpicken", 2)]),
        candidate("K-2", [("afwassen", 2), ("HACCP-regels toepassen", 1), ("keuken reinigen", 1)]),
        candidate("K-3", [("orderpicken", 3), ("pallets stapelen", 2)]),
        candidate("K-4", [("gras maaien", 3)]),
        candidate("K-5", [("orderpicken", 3)], postcode="8500", max_commute_km=10),
    ])
    return store


def test_assign_on_a_store(team):
    out = assign(team, min_score=0.4)
    got = {(a.candidate, a.function) for a in out.assignments}
    assert ("K-3", "depot/picker") in got
    assert len({c for c, _ in got}) == len(got)
    why = {u.candidate: u.reason for u in out.unassigned}
    assert "below the minimum" in why["K-4"] or "no function" in why["K-4"]
    assert "every function is excluded" in why["K-5"] and "commute" in why["K-5"]
    unfilled = {u.function: u for u in out.unfilled}
    assert "depot/chef" in unfilled and "no candidate scores" in unfilled["depot/chef"].reason
    # the same total as brute force over the matcher's own scores
    m = Matcher(team).fit()
    _, _, scores, excluded = m.score_matrix(function_ids=["depot/chef", "depot/picker", "kaai/afwasser"])
    allowed = ~excluded & (scores >= 0.4 - 1e-12)  # as assign: no float-noise exclusion
    best = brute_force(scores, allowed, [1, 2, 1])
    assert out.total_score == pytest.approx(best, abs=2e-3)


def test_assign_options_and_errors(team):
    out = assign(Matcher(team).fit(), candidate_ids=["K-1", "K-2"], function_ids=["kaai/afwasser"],
                 min_score=0.1)
    assert len(out.assignments) == 1 and out.openings == 1
    loser = out.unassigned[0]
    assert "went to" in loser.reason
    with pytest.raises(ValueError, match="'min_score' parameter"):
        assign(team, min_score=2)


def test_assign_random_stores_respect_capacity_and_minimum(store):
    from tests.match_data import random_world

    employers, candidates = random_world(5, n_employers=5, n_candidates=20)
    store.upsert(employers + candidates)
    out = assign(store, min_score=0.2)
    m = Matcher(store).fit()
    openings = {f: int(o) for f, o in zip(m.data_.functions.ids, m.data_.functions.openings)}
    per_f = {}
    for a in out.assignments:
        assert a.score >= 0.2 - 1e-3
        per_f[a.function] = per_f.get(a.function, 0) + 1
    assert all(n <= openings[f] for f, n in per_f.items())
    assert len(out.assignments) + len(out.unassigned) == 20
    assert random  # the module is used by the helpers


def test_progress_is_reported_per_phase(store):
    """The web app's progress bar follows these calls."""
    from matchcore.matching.assign import assign

    seen = []
    assign(store, min_score=0.0, progress=lambda done, total, phase: seen.append((done, total, phase)))
    assert seen == [(1, 3, "scored"), (2, 3, "solved"), (3, 3, "explained")]
