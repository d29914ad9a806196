"""Semantic evidence for the matcher (:mod:`matchcore.vocabulary.semantic`), over its columns.

- :func:`embedding_evidence`: a candidate's text that resolves to no concept gets soft
  evidence on the columns nearest by meaning (at most :data:`~matchcore.vocabulary.semantic.TOP_K`,
  centred cosine at least :data:`~matchcore.vocabulary.semantic.FLOOR`, the cosine times a
  softmax share), beside the character n-gram evidence; the better of the two counts.
- :func:`confirm_fuzzy`: a fuzzy resolution below 100 stands only when the embedding confirms
  it (the text is :data:`~matchcore.vocabulary.semantic.CONFIRM` close to one of the concept's
  labels) or, without the model, when it beats the runner-up concept by :data:`FUZZY_MARGIN`;
  otherwise the text counts as unresolved (and may still earn soft evidence).

The space of a :class:`~matchcore.matching.arrays.MatchData` holds the labels of the concept
columns functions use and the text of each ``free:`` column; it is made once per process
(the label vectors come from the bundled file or the store's vector file).
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from matchcore.vocabulary import fold, key
from matchcore.vocabulary import semantic as sem

__all__ = ["FUZZY_MARGIN", "confirm_fuzzy", "embedding_evidence", "semantic_space"]

FUZZY_MARGIN = 5.0
"""Without the embedding, a fuzzy hit below 100 needs this lead (rapidfuzz ratio points) over
the best key of another concept: "koken" is 80 from "roken" and from "koeken"."""


def semantic_space(data, store, vocab) -> sem.Space | None:
    """The semantic space over ``data``'s columns used by functions (made once per data)."""
    if vocab is None or not sem.available():
        return None
    space = getattr(data, "semantic", None)
    if space is not None:
        return space
    used = np.unique(data.functions.fm_indices) if len(data.functions) else np.zeros(0, np.int64)
    cols = [data.columns[int(i)] for i in used]
    concept_cols = [c for c in cols if not c.startswith("free:")]
    rows = sem.concept_labels(vocab, concept_cols)
    index = data.col_index
    texts = [label for _, label in rows] + [c[5:] for c in cols if c.startswith("free:")]
    groups = [index[cid] for cid, _ in rows] + [index[c] for c in cols if c.startswith("free:")]
    data.semantic = sem.Space.of(list(data.columns), texts, groups, sem.cache_for(store))
    return data.semantic


def embedding_evidence(data, store, vocab, texts: list[str]) -> list[list[tuple[int, float, float]]]:
    """Per text, (column, evidence, centred cosine) of its soft evidence; empty lists
    without the model."""
    space = semantic_space(data, store, vocab) if texts else None
    if space is None:
        return [[] for _ in texts]
    vec = sem.cache_for(store).vectors(texts)
    return sem.soft_evidence(space, vec)


def confirm_fuzzy(vocab, store, hits: dict[str, list]) -> int:
    """Demote unconfirmed fuzzy hits in ``hits`` (text -> [concept, score, method, column]) to
    unresolved, in place (method ``fuzzy_unconfirmed``, column ``free:<folded text>``);
    return how many."""
    todo = [(t, h) for t, h in hits.items() if h[2] == "fuzzy" and h[1] < 100.0]
    if not todo:
        return 0
    if sem.available():
        ok = _by_meaning(vocab, store, todo)
    else:
        ok = [_by_margin(vocab, t, h[0], h[1]) for t, h in todo]
    demoted = 0
    for (t, h), good in zip(todo, ok):
        if not good:
            h[:] = [None, h[1], "fuzzy_unconfirmed", "free:" + fold(t.partition("\x1f")[0])]
            demoted += 1
    return demoted


def _by_meaning(vocab, store, todo) -> list[bool]:
    concepts = sorted({h[0] for _, h in todo})
    labels = sem.concept_labels(vocab, concepts)
    pos = {c: i for i, c in enumerate(concepts)}
    cache = sem.cache_for(store)
    space = sem.Space.of(concepts, [lab for _, lab in labels], [pos[c] for c, _ in labels], cache)
    best = space.best(cache.vectors([t.partition("\x1f")[0] for t, _ in todo]))
    return [bool(best[i, pos[h[0]]] >= sem.CONFIRM) for i, (_, h) in enumerate(todo)]


def _by_margin(vocab, text: str, concept: str, score: float) -> bool:
    k = key(text.partition("\x1f")[0])
    for _, s, j in process.extract(k, vocab.keys_, scorer=fuzz.ratio, processor=None, limit=20):
        if vocab.key_concepts_[j] != concept:
            return score - s >= FUZZY_MARGIN
    return True
