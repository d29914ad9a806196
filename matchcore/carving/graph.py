"""The task graph: how strongly two carvable tasks belong in one job.

An edge weighs shared competences (IDF-weighted Jaccard over vocabulary concepts, see
:mod:`matchcore.carving.competences`), shared words of the descriptions and the same zone,
times a factor for compatible time windows. Node ids are integers 0..n-1 (tasks in natural id
order) so that Louvain's internal sets iterate in the same order whatever Python's string hash
seed: same input, same bundles.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import networkx as nx
import numpy as np

from matchcore.carving.competences import competence_key, competence_keys
from matchcore.model import WHEN, Task, task_hours_per_week

__all__ = ["COMPETENCE_WEIGHT", "WORD_WEIGHT", "ZONE_WEIGHT", "similarity", "task_graph",
           "time_compatibility"]

COMPETENCE_WEIGHT, WORD_WEIGHT, ZONE_WEIGHT = 0.5, 0.2, 0.3
# Words of four letters or more that say nothing about the work (shorter ones are skipped anyway).
_STOP_WORDS = frozenset(["voor", "naar", "door", "over", "elke", "alle", "zijn", "wordt", "worden",
                         "tussen", "onder", "boven", "waar", "zoals", "tijdens", "nadat", "samen"])

# How well two time windows fit in one job (1 = the same window, 0 = not in one shift).
_TIME = {
    ("continuous", "continuous"): 1.0, ("continuous", "morning"): 0.7,
    ("continuous", "afternoon"): 0.7, ("continuous", "evening"): 0.6,
    ("continuous", "night"): 0.4, ("morning", "afternoon"): 0.6, ("morning", "evening"): 0.2,
    ("morning", "night"): 0.0, ("afternoon", "evening"): 0.6, ("afternoon", "night"): 0.1,
    ("evening", "night"): 0.5,
}


def time_compatibility(a: str, b: str) -> float:
    """How well two ``when`` windows combine in one job: 1 the same, 0 never in one shift."""
    if a == b:
        return 1.0
    if "on_call" in (a, b):
        return 0.5
    return _TIME.get((a, b), _TIME.get((b, a), 0.0))


def _words(task: Task) -> set[str]:
    """Word stems of a task's description and competences: folded, stop words out, cut to 6
    letters (a crude stemmer that joins "reinigen" and "reiniging")."""
    text = unicodedata.normalize("NFKD", " ".join([task.description, *task.competences]).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return {w[:6] for w in re.findall(r"[a-z]{4,}", text) if w not in _STOP_WORDS}


def _bag(tasks: list[Task], corpus: list[Task], items) -> tuple:
    """Task x item membership matrix and each item's IDF ``log(1 + N / df)`` over ``corpus``."""
    sets = [items(t) for t in tasks]
    names = sorted(set().union(*sets)) if sets else []
    col = {c: j for j, c in enumerate(names)}
    member = np.zeros((len(tasks), len(names)))
    for i, found in enumerate(sets):
        member[i, [col[c] for c in found]] = 1.0
    df = np.zeros(len(names))
    for t in corpus:
        hits = [col[c] for c in items(t) if c in col]
        df[hits] += 1
    return member, np.log1p(len(corpus) / np.maximum(df, 1.0))


def similarity(tasks: list[Task], corpus: list[Task] | None = None,
               keys: Mapping[str, str] | None = None):
    """Dense matrix of link weights between tasks (numpy), zero on the diagonal.

    ``(0.5 x competences + 0.2 x words + 0.3 x same zone) x time compatibility``. Competences are
    compared by concept (``keys``, see :func:`competence_keys`; default: resolved against the
    starter vocabulary), so synonyms count as the same competence. Jaccard with each concept
    weighing ``log(1 + N / df)``, ``df`` the number of tasks of the whole scan (``corpus``) needing
    it, so what every role does ("veiligheidsvoorschriften naleven") links little. Words: cosine of
    TF-IDF word stems of descriptions and competences, which links "tafels reinigen" and
    "sanitair reinigen" that share no competence.
    """
    corpus = tasks if corpus is None else corpus
    if keys is None:
        keys = competence_keys([*corpus, *tasks])
    member, idf = _bag(tasks, corpus, lambda t: {competence_key(keys, c) for c in t.competences})
    weights = (member * idf) @ member.T              # weighted intersection ...
    size = member @ idf
    union = size[:, None] + size[None, :]
    union -= weights
    np.divide(weights, union, out=weights, where=union > 0)   # ... over weighted union: Jaccard
    del union
    weights *= COMPETENCE_WEIGHT
    member, idf = _bag(tasks, corpus, _words)
    vectors = member * idf
    norm = np.linalg.norm(vectors, axis=1)
    norm[norm == 0] = 1.0
    vectors /= norm[:, None]
    weights += (WORD_WEIGHT * vectors) @ vectors.T   # cosine of TF-IDF word stems
    zones = sorted({t.zone.casefold() for t in tasks if t.zone})
    onehot = np.zeros((len(tasks), len(zones)))
    for i, t in enumerate(tasks):
        if t.zone:
            onehot[i, zones.index(t.zone.casefold())] = 1.0
    weights += ZONE_WEIGHT * (onehot @ onehot.T)     # same zone
    table = np.array([[time_compatibility(a, b) for b in WHEN] for a in WHEN])
    when = np.zeros((len(tasks), len(WHEN)))
    when[np.arange(len(tasks)), [WHEN.index(t.when) for t in tasks]] = 1.0
    weights *= (when @ table) @ when.T               # times how well the time windows combine
    np.fill_diagonal(weights, 0.0)
    return weights


def task_graph(tasks: list[Task], *, shifts_per_day: int = 1, neighbours: int = 15, weights=None):
    """The task graph: one node per task (integer nodes 0..n-1 in the given order, attribute
    ``task`` the id, ``hours`` its hours a week), an edge where tasks belong together.

    Each task keeps its ``neighbours`` strongest links; an edge stays when either end keeps it.
    Integer nodes keep community detection independent of Python's string hash seed.
    """
    w = similarity(tasks) if weights is None else weights
    n = len(tasks)
    graph = nx.Graph()
    for i, t in enumerate(tasks):
        graph.add_node(i, task=t.id, hours=task_hours_per_week(t, shifts_per_day))
    if n < 2:
        return graph
    if n - 1 <= neighbours:
        keep = w > 0
    else:
        order = np.argpartition(-w, neighbours - 1, axis=1)[:, :neighbours]
        keep = np.zeros_like(w, dtype=bool)
        np.put_along_axis(keep, order, True, axis=1)
        keep &= w > 0
    keep |= keep.T
    rows, cols = np.nonzero(np.triu(keep, 1))
    graph.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), w[rows, cols].tolist()))
    return graph
