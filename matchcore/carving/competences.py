"""Competences compared by concept: each competence text of a scan keyed by the vocabulary
concept it resolves to, so synonyms count as one competence in the task graph, the profile and
the title."""
from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable, Mapping

import matchcore.vocabulary.concepts as vocabulary_concepts
from matchcore.model import Task
from matchcore.vocabulary import Vocabulary, fold

__all__ = ["FREE_PREFIX", "carving_vocabulary", "competence_key", "competence_keys",
           "starter_vocabulary"]

FREE_PREFIX = "free:"   # key of a competence text the vocabulary does not resolve
_STORE_VOCABULARIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@functools.lru_cache(maxsize=1)
def starter_vocabulary() -> Vocabulary | None:
    """The bundled Dutch starter vocabulary, read once per process without a database (for
    carving without a store); None when the vocabulary file is absent."""
    if not vocabulary_concepts.STARTER_PATH.is_file():
        return None
    return Vocabulary.from_starter(vocabulary_concepts.STARTER_PATH)


def carving_vocabulary(store=None) -> Vocabulary | None:
    """The vocabulary competences are resolved against: the store's (starter concepts, coach
    aliases, ESCO labels), else the bundled starter vocabulary when there is no store or the
    store holds no concepts yet. Never writes to the store. Fitted once per store and
    ``data_version``."""
    if store is None:
        return starter_vocabulary()
    version = store.data_version
    cached = _STORE_VOCABULARIES.get(store)
    if cached is None or cached[0] != version:
        vocab = Vocabulary(store, seed=False).fit()
        cached = (version, vocab if vocab.concepts_ else None)
        _STORE_VOCABULARIES[store] = cached
    return cached[1] if cached[1] is not None else starter_vocabulary()


def competence_keys(tasks: Iterable[Task], vocabulary: Vocabulary | None = None) -> dict[str, str]:
    """Each competence text of ``tasks`` -> the key carving compares it by: the concept id the
    vocabulary resolves it to (:meth:`Vocabulary.resolve_many`: exact, then rapidfuzz >= 85), else
    ``free:`` + its folded text. ``vocabulary`` None: the bundled starter vocabulary.

    So "vloeren schoonmaken" and "vloeren reinigen" share the key ``vloeren-reinigen``.
    """
    texts = sorted({c for t in tasks for c in t.competences})
    vocab = starter_vocabulary() if vocabulary is None else vocabulary
    found = vocab.resolve_many(texts) if vocab is not None and texts else [None] * len(texts)
    return {text: res.concept if res is not None and res.resolved else FREE_PREFIX + fold(text)
            for text, res in zip(texts, found)}


def competence_key(keys: Mapping[str, str], competence: str) -> str:
    """The key of one competence text: from ``keys``, else its folded text."""
    found = keys.get(competence)
    return FREE_PREFIX + fold(competence) if found is None else found
