"""Team assignment: who goes where, over many candidates and openings at once.

The assignment maximises the total score of the pairs it makes, where a pair is allowed only
when no hard constraint excludes it and its score is at least ``min_score``; each candidate
gets at most one function and a function at most ``openings`` candidates. It is solved exactly
as a min-cost flow (networkx ``network_simplex``)::

    source -> candidate      capacity 1, cost 0
    candidate -> function    capacity 1, cost -round(score * 10**6)   (allowed pairs only)
    candidate -> unassigned  capacity 1, cost 0                        (staying free is allowed)
    function -> sink         capacity openings
    unassigned -> sink

Every candidate sends one unit, so the flow is always feasible; the minimum cost is the
maximum total score (a plain max-flow-min-cost would first maximise the number of pairs, which
can lower the total). Who stays unassigned and which openings stay unfilled comes with why.

Examples
--------
>>> result = assign(store, min_score=0.5)                 # doctest: +SKIP
>>> result.assignments[0]                                 # doctest: +SKIP
AssignedPair(candidate='K-0001', function='brasserie-de-kaai/afwasser', ..., score=0.495)
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import networkx as nx
import numpy as np

from matchcore.i18n import N_, _, format_number
from matchcore.matching import constraints as cs
from matchcore.matching.matcher import Matcher
from matchcore.matching.results import (
    AssignedPair,
    Assignment,
    BestOption,
    ExcludedOption,
    Unassigned,
    Unfilled,
)

__all__ = ["SCALE", "assign", "solve"]

SCALE = 10 ** 6  # scores become integer costs with this precision
# the order constraint counts are listed in when they tie (as they always were)
_COUNT_ORDER = ("commute", "hours", "lift", "shifts", "night", "licence", "dutch", "standing",
                "own_transport")
# How a coach reads each constraint in "every function is excluded by a hard constraint (...)"
# (the names stay codes in the JSON).
CONSTRAINT_LABELS = {"commute": N_("commute"), "hours": N_("hours"), "lift": N_("lifting"),
                     "shifts": N_("shifts"), "night": N_("night"), "licence": N_("driving licence"),
                     "dutch": N_("Dutch"), "standing": N_("standing"), "own_transport": N_("own transport")}


def solve(scores: np.ndarray, allowed: np.ndarray, capacity: Sequence[int]) -> list[tuple[int, int]]:
    """Maximum-total-score assignment of rows (candidates) to columns (functions).

    Parameters
    ----------
    scores : array of shape (n, m)
    allowed : bool array of shape (n, m)
        Pairs that may be made.
    capacity : sequence of int, length m
        How many rows each column takes at most.

    Returns
    -------
    list of (row, column), sorted.
    """
    scores = np.asarray(scores, float)
    allowed = np.asarray(allowed, bool)
    n, m = scores.shape
    if len(capacity) != m:
        raise ValueError("The 'capacity' parameter of solve must have one entry per column. "
                         f"Got {len(capacity)} for {m} columns instead.")
    rows, cols = np.nonzero(allowed & (np.asarray(capacity)[None, :] > 0))
    if len(rows) == 0:
        return []
    g = nx.DiGraph()
    g.add_node("source", demand=-n)
    g.add_node("sink", demand=n)
    g.add_node("unassigned", demand=0)
    for i in range(n):
        g.add_edge("source", ("c", i), capacity=1, weight=0)
        g.add_edge(("c", i), "unassigned", capacity=1, weight=0)
    for i, j in zip(rows.tolist(), cols.tolist()):
        g.add_edge(("c", i), ("f", j), capacity=1, weight=-int(round(scores[i, j] * SCALE)))
    for j in sorted(set(cols.tolist())):
        g.add_edge(("f", j), "sink", capacity=int(capacity[j]), weight=0)
    g.add_edge("unassigned", "sink", capacity=n, weight=0)
    _, flow = nx.network_simplex(g)
    pairs = []
    for i in range(n):
        for node, units in flow[("c", i)].items():
            if units and node != "unassigned":
                pairs.append((i, node[1]))
    return sorted(pairs)


def assign(store_or_matcher, *, candidate_ids=None, function_ids=None,
           min_score: float = 0.5, progress=None) -> Assignment:
    """Assign candidates to functions with openings, maximising the total score.

    Parameters
    ----------
    store_or_matcher : Store or Matcher
    candidate_ids : list of str, optional
        Default: every stored candidate.
    function_ids : list of str, optional
        Default: every function with openings > 0 (reference profiles have none).
    min_score : float, default 0.5
        Pairs scoring below this are not made.
    progress : callable, optional
        Called as ``progress(done, total, phase)`` after each of the three phases
        ("scored", "solved", "explained"), for a progress indicator.

    Returns
    -------
    Assignment
        The pairs made, who stays unassigned and which openings stay unfilled, with why.
    """
    if not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
        raise ValueError(f"The 'min_score' parameter of assign must be a number in [0, 1]. "
                         f"Got {min_score!r} instead.")
    report = progress or (lambda done, total, phase: None)
    matcher = store_or_matcher if isinstance(store_or_matcher, Matcher) else Matcher(store_or_matcher).fit()
    matcher._current()
    f = matcher.data_.functions
    f_index = matcher.data_.f_index
    if function_ids is None:
        function_ids = [fid for fid, o, r in zip(f.ids, f.openings, f.reference) if o > 0 and not r]
    cids, fids, scores, excluded = matcher.score_matrix(candidate_ids, function_ids)
    capacity = [int(f.openings[f_index[fid]]) for fid in fids]
    report(1, 3, "scored")
    allowed = ~excluded & (scores >= min_score - 1e-12)
    pairs = solve(scores, allowed, capacity) if len(cids) and len(fids) else []
    report(2, 3, "solved")
    taken = {i: j for i, j in pairs}
    holders: dict[int, list[int]] = {}
    for i, j in pairs:
        holders.setdefault(j, []).append(i)
    assignments = []
    for i, j in sorted(pairs, key=lambda p: (fids[p[1]], cids[p[0]])):
        fi = f_index[fids[j]]
        assignments.append(AssignedPair(cids[i], fids[j], f.employer[fi], f.title[fi],
                                        round(float(scores[i, j]), 3)))
    unassigned = [Unassigned(cid, *_why_unassigned(i, scores, excluded, allowed, fids, cids,
                                                   holders, min_score, matcher))
                  for i, cid in enumerate(cids) if i not in taken]
    unfilled = []
    for j, fid in enumerate(fids):
        filled = len(holders.get(j, []))
        if filled >= capacity[j]:
            continue
        col_ok = allowed[:, j]
        if capacity[j] == 0:
            reason = _("no openings")
        elif not col_ok.any():
            n_ex = int(excluded[:, j].sum())
            reason = _("no candidate scores >= {minimum} without a hard constraint against it "
                       "({excluded} of {total} excluded)").format(
                minimum=format_number(min_score), excluded=n_ex, total=len(cids))
        else:
            elsewhere = [cids[i] for i in np.flatnonzero(col_ok) if i in taken and taken[i] != j]
            reason = _("the candidates who qualify were assigned elsewhere: {candidates}").format(
                candidates=", ".join(elsewhere[:5]) + (" ..." if len(elsewhere) > 5 else ""))
        unfilled.append(Unfilled(fid, capacity[j], filled, reason))
    report(3, 3, "explained")
    return Assignment(min_score, len(cids), len(fids), int(sum(capacity)),
                      round(float(sum(scores[i, j] for i, j in pairs)), 3),
                      assignments, unassigned, unfilled)


def _why_unassigned(i, scores, excluded, allowed, fids, cids, holders, min_score,
                    matcher) -> tuple[str, BestOption | ExcludedOption | None]:
    row_ok = allowed[i]
    if not len(fids):
        return _("no functions with openings"), None
    if row_ok.any():
        j = int(np.flatnonzero(row_ok)[np.argmax(scores[i, row_ok])])
        who = [f"{cids[h]} ({format_number(scores[h, j], 2)})" for h in holders.get(j, [])]
        return (_("its best option {function} ({score}) went to {holders}; a higher total without this "
                  "candidate").format(function=fids[j], score=format_number(scores[i, j], 2),
                                      holders=", ".join(who) or _("others")),
                BestOption(fids[j], round(float(scores[i, j]), 3)))
    free = ~excluded[i]
    if free.any():
        j = int(np.flatnonzero(free)[np.argmax(scores[i, free])])
        return (_("best score {score} ({function}) is below the minimum {minimum}").format(
                    score=format_number(scores[i, j], 2), function=fids[j], minimum=format_number(min_score)),
                BestOption(fids[j], round(float(scores[i, j]), 3)))
    j = int(np.argmax(scores[i]))
    kinds = _exclusion_counts(matcher, cids[i], fids)
    top = ", ".join(f"{_(CONSTRAINT_LABELS.get(k, k))} x{n}" for k, n in kinds.most_common(3))
    return (_("every function is excluded by a hard constraint ({constraints})").format(constraints=top),
            ExcludedOption(fids[j], round(float(scores[i, j]), 3)))


def _exclusion_counts(matcher: Matcher, cid: str, fids: list[str]) -> Counter:
    """Which constraints exclude a candidate from the given functions, counted."""
    d, w = matcher.data_, matcher.weights_
    f = w.side.take(np.array([d.f_index[x] for x in fids], np.int64))
    c = cs.CandidateSide.of(d.candidates, [d.c_index[cid]])
    masks = cs.masks(c.column(), f, c.xyz @ f.xyz.T)
    return Counter({name: int(masks[name].sum()) for name in _COUNT_ORDER if masks[name].sum()})
