"""The competence vocabulary: concepts, their labels, resolution of coach words, ESCO import.

- :mod:`~matchcore.vocabulary.concepts`: :class:`Concept`, :class:`Vocabulary` (from a store,
  or from the bundled starter file without one), loading the starter vocabulary;
- :mod:`~matchcore.vocabulary.resolution`: folding, keys, exact and fuzzy look-up, the
  character n-gram :class:`TextIndex`;
- :mod:`~matchcore.vocabulary.storage`: the tables ``vocab_concepts`` and ``vocab_labels``;
- :mod:`~matchcore.vocabulary.esco`: the ESCO CSV import.
"""
from matchcore.vocabulary.concepts import (
    CONCEPT_TYPES,
    STARTER_PATH,
    Concept,
    Vocabulary,
    load_starter,
    seed_starter,
)
from matchcore.vocabulary.esco import import_esco
from matchcore.vocabulary.resolution import (
    RESOLVE_THRESHOLD,
    STOP_WORDS,
    TEXT_THRESHOLD,
    Resolution,
    TextIndex,
    fold,
    key,
)
from matchcore.vocabulary.storage import merge_esco_twins, write_concepts, write_labels

__all__ = [
    "CONCEPT_TYPES",
    "RESOLVE_THRESHOLD",
    "STARTER_PATH",
    "STOP_WORDS",
    "TEXT_THRESHOLD",
    "Concept",
    "Resolution",
    "TextIndex",
    "Vocabulary",
    "fold",
    "import_esco",
    "key",
    "load_starter",
    "merge_esco_twins",
    "seed_starter",
    "write_concepts",
    "write_labels",
]
