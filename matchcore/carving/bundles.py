"""Bundles and positions: Louvain communities of the task graph become functions of enough
hours to be a real job, and each function the positions it needs.

Bundles below the minimum hours merge into the most strongly linked bundle when the link is
strong enough, preferring one that gains variety; else they are dropped, with why. Linked
functions that together need fewer positions merge into whole jobs.
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np

from matchcore.carving.graph import similarity, task_graph, time_compatibility
from matchcore.carving.options import CarveOptions
from matchcore.model import Task

__all__ = ["LEFTOVER_STRAINS", "MERGE_MIN_LINK", "bundle_tasks", "positions"]

MERGE_MIN_LINK = 0.15      # mean link weight a small bundle needs to merge into another
WHOLE_JOB_RELATIVE_LINK = 0.25  # see _merge_for_whole_jobs
# A bundle below the minimum with no strong link joins a bundle at compatible times anyway when it
# is at most this share of the result (the best linked, else the largest): a 3.75 h canteen task
# joins a 30 h function instead of being dropped; a night task never joins a morning function.
SMALL_SHARE = 0.2
VARIETY_BONUS = 0.5        # merging a clean bundle into a strain-heavy one scores this much more
OVER_FULL_TIME_TOLERANCE = 0.05  # up to 5 % of a full-time job above whole jobs: round down
LEFTOVER_STRAINS = ("heavy", "dirty", "isolated")


def bundle_tasks(tasks: list[Task], hours: list[float], options: CarveOptions,
                 weights=None) -> tuple[list[list[int]], list[tuple[list[int], dict]]]:
    """Cut the carvable tasks into bundles; merge or drop the bundles below ``min_hours``.

    Returns
    -------
    (bundles, dropped)
        Bundles as lists of task indices (each list ascending, bundles ordered by first index);
        dropped as (indices, {hours, min_hours, tasks}) for the ``too_few_hours`` reason.
    """
    if not tasks:
        return [], []
    w = similarity(tasks) if weights is None else weights
    graph = task_graph(tasks, neighbours=options.neighbours, weights=w)
    communities = nx.community.louvain_communities(
        graph, weight="weight", resolution=options.resolution, seed=options.seed)
    groups = sorted(sorted(c) for c in communities)
    label = np.empty(len(tasks), dtype=int)
    for b, members in enumerate(groups):
        label[members] = b
    h = np.asarray(hours, dtype=float)
    leftover = np.array([bool(set(t.strain) & set(LEFTOVER_STRAINS)) for t in tasks])
    alive = set(range(len(groups)))
    dropped: list[tuple[list[int], dict]] = []

    def members_of(b):
        return np.flatnonzero(label == b)

    minimum = options.min_hours
    while True:
        bundle_hours = np.bincount(label, weights=h, minlength=len(groups))
        small = [b for b in sorted(alive) if bundle_hours[b] < minimum - 1e-9]
        if not small:
            break
        b = min(small, key=lambda k: (bundle_hours[k], k))
        idx = members_of(b)
        links = np.bincount(label, weights=w[idx].sum(axis=0), minlength=len(groups))
        sizes = np.bincount(label, minlength=len(groups))
        strain = np.bincount(label, weights=h * leftover, minlength=len(groups))
        clean = strain[b] < 0.5 * bundle_hours[b]
        best, best_score = None, 0.0
        weak, weak_link = None, (0.0, 0.0)
        for other in sorted(alive - {b}):
            mean_link = links[other] / (len(idx) * sizes[other])
            if mean_link < MERGE_MIN_LINK:
                # the fallback for a small remainder (SMALL_SHARE): the compatible bundle it links
                # to best, or with nothing in common the largest one, never one at other times
                key = (mean_link, bundle_hours[other])
                if bundle_hours[b] <= SMALL_SHARE * (bundle_hours[b] + bundle_hours[other]) \
                        and _times_fit(tasks, idx, members_of(other)) \
                        and (weak is None or key > weak_link):
                    weak, weak_link = other, key
                continue
            score = mean_link * (1 + VARIETY_BONUS if clean and strain[other] >= 0.5 * bundle_hours[other] else 1)
            if score > best_score + 1e-12:
                best, best_score = other, score
        if best is None:
            best = weak
        alive.discard(b)
        if best is None:
            dropped.append((idx.tolist(), {"hours": float(bundle_hours[b]), "min_hours": minimum,
                                           "tasks": [tasks[i].id for i in idx]}))
        else:
            label[idx] = best
    _merge_for_whole_jobs(label, alive, w, h, options)
    bundles = sorted(members_of(b).tolist() for b in alive)
    return bundles, dropped


def _times_fit(tasks: list[Task], a, b) -> bool:
    """True when every task of ``a`` can share a shift with every task of ``b``."""
    return all(time_compatibility(tasks[i].when, tasks[j].when) > 0 for i in a for j in b)


def _merge_for_whole_jobs(label, alive: set, w, h, options: CarveOptions) -> None:
    """Combine two functions when together they need fewer positions (part-time leftovers
    become whole jobs) and they belong together: their mean link is at least
    ``WHOLE_JOB_RELATIVE_LINK`` times the inner mean link of the looser one. Best pair first."""
    while len(alive) > 1:
        ids = sorted(alive)
        onehot = (label[:, None] == np.array(ids)[None, :]).astype(float)
        sizes = onehot.sum(axis=0)
        hours = h @ onehot
        sums = onehot.T @ w @ onehot
        pairs = np.maximum(sizes[:, None] * sizes[None, :] - np.diag(sizes), 1.0)
        mean = sums / pairs
        best, best_score = None, 0.0
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                inner = [mean[k, k] for k in (a, b) if sizes[k] > 1]
                need = WHOLE_JOB_RELATIVE_LINK * min(inner) if inner else MERGE_MIN_LINK
                if mean[a, b] <= 0 or mean[a, b] < need:
                    continue
                count = len(positions(hours[a] + hours[b], options.full_time_hours, options.min_hours))
                apart = (len(positions(hours[a], options.full_time_hours, options.min_hours))
                         + len(positions(hours[b], options.full_time_hours, options.min_hours)))
                score = mean[a, b] / need
                if count < apart and score > best_score + 1e-12:
                    best, best_score = (ids[a], ids[b]), score
        if best is None:
            return
        label[label == best[1]] = best[0]
        alive.discard(best[1])


def positions(hours: float, full_time_hours: float, min_hours: float, split: str = "equal") -> list[float]:
    """Hours of each position a function of ``hours`` a week needs; never above full time.

    The fewest positions: ``n = ceil(hours / full_time - 0.05)``, at least 1. Task volumes are a
    consultant's estimates (times x minutes), so hours within 5 % of a full-time job above whole
    jobs do not make one more position, and hours within 5 % below them still make full-time
    positions: both stay within the estimate's margin (the port example of seed 001 has 114.08 h of tasks and "3 nieuwe voltijdse
    functies"; :func:`beyond_positions` gives the excess to report).

    ``split="equal"`` (the default) gives n equal parts (100 h at 38 h -> 3 x 33.33; 50.83 h ->
    2 x 25.42), each at least half time for n >= 2, so always above the part-time minimum.
    ``split="full_time_first"`` gives n - 1 full-time positions and one with the rest when the rest
    reaches ``min_hours`` (100 h -> 38 + 38 + 24), else equal parts (80 h -> 3 x 26.67): for a
    consultant who asks for full-time jobs first.
    """
    if hours <= 0:
        return []
    n = max(1, math.ceil(round(hours / full_time_hours - OVER_FULL_TIME_TOLERANCE, 9)))
    if abs(hours - n * full_time_hours) <= OVER_FULL_TIME_TOLERANCE * full_time_hours + 1e-9:
        # within the estimate's margin of n whole jobs, either side: n full-time positions
        # (113.75 h at 38 h -> 3 x 38, as a consultant would propose them)
        return [round(full_time_hours, 2)] * n
    if split == "full_time_first":
        rest = hours - (n - 1) * full_time_hours
        if n > 1 and min_hours - 1e-9 <= rest <= full_time_hours + 1e-9:
            return [round(full_time_hours, 2)] * (n - 1) + [round(rest, 2)]
    # half a cent up (25.415 -> 25.42): the positions hold the hours, never a rounding less
    return [round(min(hours / n + 1e-9, full_time_hours), 2)] * n


def beyond_positions(hours: float, position_hours: list[float]) -> float:
    """Hours of tasks above what the positions hold (at most 5 % of a full-time job; else 0)."""
    excess = hours - sum(position_hours) if position_hours else 0.0
    return round(excess, 2) if excess > 0.005 * len(position_hours) + 1e-9 else 0.0