"""The task graph and bundling of :mod:`matchcore.carving.carve` (private; use the names re-exported there).

Node ids are integers 0..n-1 (tasks in natural id order) so that Louvain's internal sets iterate
in the same order whatever Python's string hash seed: same input, same bundles.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from matchcore.model import WHEN, Task, task_hours_per_week

if TYPE_CHECKING:
    from matchcore.carving.carve import CarveOptions

COMPETENCE_WEIGHT, WORD_WEIGHT, ZONE_WEIGHT = 0.5, 0.2, 0.3
MERGE_MIN_LINK = 0.15      # mean link weight a small bundle needs to merge into another
WHOLE_JOB_RELATIVE_LINK = 0.25  # see _merge_for_whole_jobs
VARIETY_BONUS = 0.5        # merging a clean bundle into a strain-heavy one scores this much more
OVER_FULL_TIME_TOLERANCE = 0.05  # up to 5 % of a full-time job above whole jobs: round down
LEFTOVER_STRAINS = ("heavy", "dirty", "isolated")
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


# --- competences compared by concept ------------------------------------------------------------

FREE_PREFIX = "free:"   # key of a competence text the vocabulary does not resolve
_STORE_VOCABULARIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@functools.lru_cache(maxsize=1)
def starter_vocabulary():
    """The bundled Dutch starter vocabulary, fitted once per process in an in-memory store
    (for carving without a store); None when the vocabulary file is absent."""
    from matchcore.store.db import Store
    from matchcore.vocabulary.concepts import Vocabulary, seed_starter

    store = Store(":memory:")
    if not seed_starter(store):
        return None
    return Vocabulary(store, seed=False).fit()


def carving_vocabulary(store=None):
    """The vocabulary competences are resolved against: the store's (starter concepts, coach
    aliases, ESCO labels), else the bundled starter vocabulary when there is no store or the
    store holds no concepts yet. Never writes to the store. Fitted once per store and
    ``data_version``."""
    if store is None:
        return starter_vocabulary()
    from matchcore.vocabulary.concepts import Vocabulary

    version = store.data_version
    cached = _STORE_VOCABULARIES.get(store)
    if cached is None or cached[0] != version:
        vocab = Vocabulary(store, seed=False).fit()
        cached = (version, vocab if vocab.concepts_ else None)
        _STORE_VOCABULARIES[store] = cached
    return cached[1] if cached[1] is not None else starter_vocabulary()


def competence_keys(tasks: Iterable[Task], vocabulary=None) -> dict[str, str]:
    """Each competence text of ``tasks`` -> the key carving compares it by: the concept id the
    vocabulary resolves it to (:meth:`Vocabulary.resolve_many`: exact, then rapidfuzz >= 85), else
    ``free:`` + its folded text. ``vocabulary`` None: the bundled starter vocabulary.

    So "vloeren schoonmaken" and "vloeren reinigen" share the key ``vloeren-reinigen``.
    """
    from matchcore.vocabulary.concepts import fold

    texts = sorted({c for t in tasks for c in t.competences})
    vocab = starter_vocabulary() if vocabulary is None else vocabulary
    found = vocab.resolve_many(texts) if vocab is not None and texts else [None] * len(texts)
    return {text: res.concept if res is not None and res.resolved else FREE_PREFIX + fold(text)
            for text, res in zip(texts, found)}


def competence_key(keys: Mapping[str, str], competence: str) -> str:
    """The key of one competence text: from ``keys``, else its folded text."""
    found = keys.get(competence)
    if found is None:
        from matchcore.vocabulary.concepts import fold

        found = FREE_PREFIX + fold(competence)
    return found


def _words(task: Task) -> set[str]:
    """Word stems of a task's description and competences: folded, stop words out, cut to 6
    letters (a crude stemmer that joins "reinigen" and "reiniging")."""
    text = unicodedata.normalize("NFKD", " ".join([task.description, *task.competences]).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return {w[:6] for w in re.findall(r"[a-z]{4,}", text) if w not in _STOP_WORDS}


def _bag(tasks: list[Task], corpus: list[Task], items) -> tuple:
    """Task x item membership matrix and each item's IDF ``log(1 + N / df)`` over ``corpus``."""
    import numpy as np

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


def _similarity(tasks: list[Task], corpus: list[Task] | None = None,
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
    import numpy as np

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
    import networkx as nx
    import numpy as np

    w = _similarity(tasks) if weights is None else weights
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


def bundle_tasks(tasks: list[Task], hours: list[float], options: CarveOptions,
                 weights=None) -> tuple[list[list[int]], list[tuple[list[int], dict]]]:
    """Cut the carvable tasks into bundles; merge or drop the bundles below ``min_hours``.

    Returns
    -------
    (bundles, dropped)
        Bundles as lists of task indices (each list ascending, bundles ordered by first index);
        dropped as (indices, {hours, min_hours, tasks}) for the ``too_few_hours`` reason.
    """
    import networkx as nx
    import numpy as np

    if not tasks:
        return [], []
    w = _similarity(tasks) if weights is None else weights
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
        for other in sorted(alive - {b}):
            mean_link = links[other] / (len(idx) * sizes[other])
            if mean_link < MERGE_MIN_LINK:
                continue
            score = mean_link * (1 + VARIETY_BONUS if clean and strain[other] >= 0.5 * bundle_hours[other] else 1)
            if score > best_score + 1e-12:
                best, best_score = other, score
        alive.discard(b)
        if best is None:
            dropped.append((idx.tolist(), {"hours": float(bundle_hours[b]), "min_hours": minimum,
                                           "tasks": [tasks[i].id for i in idx]}))
        else:
            label[idx] = best
    _merge_for_whole_jobs(label, alive, w, h, options)
    bundles = sorted(members_of(b).tolist() for b in alive)
    return bundles, dropped


def _merge_for_whole_jobs(label, alive: set, w, h, options: CarveOptions) -> None:
    """Combine two functions when together they need fewer positions (part-time leftovers
    become whole jobs) and they belong together: their mean link is at least
    ``WHOLE_JOB_RELATIVE_LINK`` times the inner mean link of the looser one. Best pair first."""
    import numpy as np

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


def positions(hours: float, full_time_hours: float, min_hours: float) -> list[float]:
    """Hours of each position a function of ``hours`` a week needs.

    ``n = ceil(hours / full_time - 0.05)``, at least 1: whole full-time jobs, rounding down when the
    rest is within 5 % of a full-time job (114 h at 38 h -> 3; 115.5 h -> 3 of 38.5 h). Then
    n - 1 full-time positions and one with the rest when the rest reaches ``min_hours``
    (100 h -> 38 + 38 + 24), else the hours spread evenly (80 h -> 3 x 26.67).
    """
    if hours <= 0:
        return []
    n = max(1, math.ceil(round(hours / full_time_hours - OVER_FULL_TIME_TOLERANCE, 9)))
    rest = hours - (n - 1) * full_time_hours
    if n > 1 and min_hours - 1e-9 <= rest <= full_time_hours + 1e-9:
        return [round(full_time_hours, 2)] * (n - 1) + [round(rest, 2)]
    return [round(hours / n, 2)] * n
