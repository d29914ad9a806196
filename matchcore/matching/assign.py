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
>>> result["assignments"][0]                              # doctest: +SKIP
{'candidate': 'K-0001', 'function': 'brasserie-de-kaai/afwasser', 'score': 0.495, ...}
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["SCALE", "assign", "solve"]

SCALE = 10 ** 6  # scores become integer costs with this precision


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
    import networkx as nx

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
           min_score: float = 0.5, progress=None) -> dict[str, Any]:
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
    dict
        ``assignments`` [{candidate, function, employer, title, score}], ``unassigned``
        [{candidate, reason, best}], ``unfilled`` [{function, openings, filled, reason}],
        ``total_score``, ``min_score``, ``candidates``, ``openings``.
    """
    from matchcore.matching.matcher import Matcher

    if not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
        raise ValueError(f"The 'min_score' parameter of assign must be a number in [0, 1]. "
                         f"Got {min_score!r} instead.")
    report = progress or (lambda done, total, phase: None)
    matcher = store_or_matcher if isinstance(store_or_matcher, Matcher) else Matcher(store_or_matcher).fit()
    matcher._current()
    d = matcher.data_
    if function_ids is None:
        function_ids = [f for f, o, r in zip(d["f_ids"], d["f_openings"], d["f_reference"])
                        if o > 0 and not r]
    cids, fids, scores, excluded = matcher.score_matrix(candidate_ids, function_ids)
    capacity = [int(d["f_openings"][matcher.f_index_[f]]) for f in fids]
    report(1, 3, "scored")
    allowed = ~excluded & (scores >= min_score - 1e-12)
    pairs = solve(scores, allowed, capacity) if len(cids) and len(fids) else []
    report(2, 3, "solved")
    taken = {i: j for i, j in pairs}
    holders: dict[int, list[int]] = {}
    for i, j in pairs:
        holders.setdefault(j, []).append(i)

    def fdesc(j):
        fi = matcher.f_index_[fids[j]]
        return {"function": fids[j], "employer": d["f_employer"][fi], "title": d["f_title"][fi]}

    assignments = [{"candidate": cids[i], **fdesc(j), "score": round(float(scores[i, j]), 3)}
                   for i, j in sorted(pairs, key=lambda p: (fids[p[1]], cids[p[0]]))]
    unassigned = []
    for i, cid in enumerate(cids):
        if i in taken:
            continue
        unassigned.append({"candidate": cid, **_why_unassigned(i, scores, excluded, allowed, fids,
                                                               cids, holders, min_score, matcher)})
    unfilled = []
    for j, fid in enumerate(fids):
        filled = len(holders.get(j, []))
        if filled >= capacity[j]:
            continue
        col_ok = allowed[:, j]
        if capacity[j] == 0:
            reason = "no openings"
        elif not col_ok.any():
            n_ex = int(excluded[:, j].sum())
            reason = (f"no candidate scores >= {min_score:g} without a hard constraint against it"
                      f" ({n_ex} of {len(cids)} excluded)")
        else:
            elsewhere = [cids[i] for i in np.flatnonzero(col_ok) if i in taken and taken[i] != j]
            reason = ("the candidates who qualify were assigned elsewhere: " + ", ".join(elsewhere[:5])
                      + (" ..." if len(elsewhere) > 5 else ""))
        unfilled.append({"function": fid, "openings": capacity[j], "filled": filled,
                         "reason": reason})
    report(3, 3, "explained")
    return {"min_score": min_score, "candidates": len(cids), "functions": len(fids),
            "openings": int(sum(capacity)),
            "total_score": round(float(sum(scores[i, j] for i, j in pairs)), 3),
            "assignments": assignments, "unassigned": unassigned, "unfilled": unfilled}


def _why_unassigned(i, scores, excluded, allowed, fids, cids, holders, min_score, matcher):
    row_ok = allowed[i]
    if not len(fids):
        return {"reason": "no functions with openings", "best": None}
    if row_ok.any():
        j = int(np.flatnonzero(row_ok)[np.argmax(scores[i, row_ok])])
        who = [f"{cids[h]} ({scores[h, j]:.2f})" for h in holders.get(j, [])]
        return {"reason": f"its best option {fids[j]} ({scores[i, j]:.2f}) went to "
                          f"{', '.join(who) or 'others'}; a higher total without this candidate",
                "best": {"function": fids[j], "score": round(float(scores[i, j]), 3)}}
    free = ~excluded[i]
    if free.any():
        j = int(np.flatnonzero(free)[np.argmax(scores[i, free])])
        return {"reason": f"best score {scores[i, j]:.2f} ({fids[j]}) is below the minimum "
                          f"{min_score:g}", "best": {"function": fids[j],
                                                     "score": round(float(scores[i, j]), 3)}}
    j = int(np.argmax(scores[i]))
    kinds = _exclusion_counts(matcher, cids[i], fids)
    top = ", ".join(f"{k} x{n}" for k, n in kinds.most_common(3))
    return {"reason": f"every function is excluded by a hard constraint ({top})",
            "best": {"function": fids[j], "score": round(float(scores[i, j]), 3), "excluded": True}}


def _exclusion_counts(matcher, cid: str, fids: list[str]) -> Counter:
    """Which constraints exclude a candidate from the given functions, counted."""
    from matchcore.matching import data as md

    d = matcher.data_
    ci = matcher.c_index_[cid]
    f_idx = np.array([matcher.f_index_[f] for f in fids], np.int64)
    cs = matcher._c_side(d, [ci])
    cs["dot"] = md.unit_xyz(d["c_lat"][[ci]], d["c_lon"][[ci]]) @ matcher.f_xyz_[f_idx].T
    masks = matcher._exclusions(cs, matcher._f_side(f_idx))
    return Counter({name: int(m.sum()) for name, m in masks.items() if m.sum()})
