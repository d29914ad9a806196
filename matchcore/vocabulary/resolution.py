"""Resolving free text to vocabulary concepts: folding, keys, exact and fuzzy look-up, text index.

Resolving a text (:meth:`matchcore.vocabulary.concepts.Vocabulary.resolve`) goes, in order:

1. ``esco_uri``: a competence that carries an ESCO URI known to the vocabulary;
2. ``exact``: the *folded* text (case folded, accents removed, punctuation as spaces) or its
   *key* (folded, Dutch/English stop words dropped, tokens sorted) equals a label's;
3. ``fuzzy``: the best rapidfuzz ``fuzz.ratio`` between keys is at least
   :data:`RESOLVE_THRESHOLD` (85 of 100). On keys, 85 accepts one or two typing errors in
   a two-word competence ("heftruk besturen" -> 97) but not a different word of the same
   length ("koken" vs "roken" = 80); it was chosen on the normalisation cases in
   ``tests/test_vocabulary.py``;
4. otherwise ``unresolved``: the text stays free text, is flagged in the output, and counts
   through :class:`TextIndex` (scikit-learn TF-IDF on character n-grams).

The look-up functions read a vocabulary's label index (``concepts_``, ``by_uri_``, ``exact_``,
``keys_``, ``key_concepts_``, ``threshold``; see :class:`~matchcore.vocabulary.concepts.Vocabulary`).

Examples
--------
>>> fold("Rijden met de Vorkheftruck!")
'rijden met de vorkheftruck'
>>> key("Rijden met de Vorkheftruck!")
'rijden vorkheftruck'
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

__all__ = [
    "PRIORITY",
    "RESOLVE_THRESHOLD",
    "STOP_WORDS",
    "TEXT_THRESHOLD",
    "Resolution",
    "TextIndex",
    "fold",
    "key",
    "look_up",
    "look_up_many",
    "nearest_concepts",
]

RESOLVE_THRESHOLD = 85.0
"""Minimum rapidfuzz ``fuzz.ratio`` (0..100) between keys for a fuzzy resolution."""

TEXT_THRESHOLD = 0.5
"""Char n-gram TF-IDF cosine below which free text is no evidence for a competence."""

STOP_WORDS = frozenset(
    ["de", "het", "een", "van", "met", "in", "op", "en", "voor", "te", "aan", "bij", "door", "naar", "om", "uit", "over", "tot", "of", "als", "the", "a", "an", "of", "to", "and", "for", "with", "on", "at", "by", "from"]
)
# Lower wins when several concepts share a label: a coach's alias beats everything, the
# Dutch starter beats ESCO, preferred labels beat alternatives, hidden labels come last.
PRIORITY = {"alias": 0, "pref": 1, "alt": 2, "en": 3, "esco_pref": 4, "esco_alt": 5,
            "esco_hidden": 6}
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Case-fold, strip accents, turn punctuation into spaces, collapse spaces."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).split())


def key(text: str) -> str:
    """The comparison key: folded, stop words dropped (unless nothing is left), tokens sorted."""
    tokens = fold(text).split()
    kept = [t for t in tokens if t not in STOP_WORDS] or tokens
    return " ".join(sorted(kept))


@dataclass(frozen=True)
class Resolution:
    """What a text resolved to: ``concept`` is None when it did not resolve."""

    text: str
    concept: str | None
    label: str | None
    score: float
    method: str  # esco_uri | exact | fuzzy | unresolved

    @property
    def resolved(self) -> bool:
        return self.concept is not None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "concept": self.concept, "label": self.label,
                "score": round(self.score, 1), "method": self.method}


def look_up(vocab, text: str, esco_uri: str | None, fuzzy: bool = True) -> Resolution:
    """Resolve one text against ``vocab``'s label index: ESCO URI, exact, then fuzzy."""
    if esco_uri and esco_uri in vocab.by_uri_:
        cid = vocab.by_uri_[esco_uri]
        return Resolution(text, cid, vocab.concepts_[cid].label, 100.0, "esco_uri")
    folded, k = fold(text), key(text)
    cid = vocab.exact_.get(folded) or vocab.exact_.get(k)
    if cid:
        return Resolution(text, cid, vocab.concepts_[cid].label, 100.0, "exact")
    if fuzzy and k and vocab.keys_:
        hit = process.extractOne(k, vocab.keys_, scorer=fuzz.ratio, processor=None,
                                 score_cutoff=vocab.threshold)
        if hit is not None:
            cid = vocab.key_concepts_[hit[2]]
            return Resolution(text, cid, vocab.concepts_[cid].label, float(hit[1]), "fuzzy")
    return Resolution(text, None, None, 0.0, "unresolved")


def look_up_many(vocab, todo: dict[str, list[tuple[str, str | None]]], *,
                 chunk: int = 256) -> dict[tuple[str, str | None], Resolution]:
    """Fuzzy resolutions of many keys at once: ``todo`` maps a key to the (text, esco_uri)
    pairs that have it. Compared in batches with rapidfuzz ``cdist`` on all cores, which gives
    the same answers as :func:`look_up`."""
    found: dict[tuple[str, str | None], Resolution] = {}
    queries = list(todo)
    for lo in range(0, len(queries), chunk):
        part = queries[lo:lo + chunk]
        scores = process.cdist(part, vocab.keys_, scorer=fuzz.ratio, processor=None,
                               score_cutoff=vocab.threshold, dtype=np.float32, workers=-1)
        best = scores.argmax(axis=1)
        for q, j, row in zip(part, best, scores):
            score = float(row[j])
            for memo in todo[q]:
                if score >= vocab.threshold:
                    cid = vocab.key_concepts_[int(j)]
                    found[memo] = Resolution(memo[0], cid, vocab.concepts_[cid].label, score, "fuzzy")
                else:
                    found[memo] = Resolution(memo[0], None, None, 0.0, "unresolved")
    return found


def nearest_concepts(vocab, text: str, n: int = 3) -> list[dict[str, Any]]:
    """The ``n`` concepts of ``vocab`` whose labels look most like ``text`` (for suggestions).

    Uses rapidfuzz ``WRatio``, more lenient than resolution, so partial matches show.
    """
    found: dict[str, float] = {}
    for label, score, i in process.extract(key(text), vocab.keys_, scorer=fuzz.WRatio,
                                           processor=None, limit=n * 8):
        cid = vocab.key_concepts_[i]
        if cid not in found:
            found[cid] = score
    best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return [{"concept": cid, "label": vocab.concepts_[cid].label, "score": round(s, 1)}
            for cid, s in best]


# --- text similarity for what does not resolve ---------------------------------------------

class TextIndex:
    """Character n-gram TF-IDF over labels grouped into columns (scikit-learn).

    Parameters
    ----------
    ngram_range : tuple of int, default (3, 4)
        Character n-grams within word boundaries (``analyzer='char_wb'``).
    threshold : float, default TEXT_THRESHOLD
        Cosine similarities below this are set to 0 (no evidence).

    Attributes
    ----------
    vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer
    n_groups_ : int
    """

    def __init__(self, *, ngram_range: tuple[int, int] = (3, 4), threshold: float = TEXT_THRESHOLD):
        self.ngram_range = ngram_range
        self.threshold = threshold

    def fit(self, texts: list[str], groups, n_groups: int) -> TextIndex:
        """Learn n-gram weights from ``texts``; ``groups[i]`` is the column of ``texts[i]``."""
        # scikit-learn takes 0.6 s to import and only the matcher's text evidence needs it:
        # start-up of carving and of the vocabulary commands must not pay for it
        from sklearn.feature_extraction.text import TfidfVectorizer

        groups = np.asarray(groups, dtype=np.int64)
        order = np.argsort(groups, kind="stable")
        self.vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range,
                                           preprocessor=fold, sublinear_tf=True,
                                           dtype=np.float32)
        matrix = self.vectorizer_.fit_transform([texts[i] for i in order]) if len(texts) else None
        self.matrix_ = matrix
        sorted_groups = groups[order]
        self.group_ids_, self.starts_ = np.unique(sorted_groups, return_index=True)
        self.n_groups_ = n_groups
        return self

    def similarity(self, queries: list[str], *, chunk: int = 256):
        """Sparse (len(queries) x n_groups) matrix: best cosine of each query per column."""
        import scipy.sparse as sp  # start-up: as for scikit-learn in fit

        if not queries or self.matrix_ is None:
            return sp.csr_matrix((len(queries), self.n_groups_), dtype=np.float32)
        blocks = []
        for lo in range(0, len(queries), chunk):
            q = self.vectorizer_.transform(queries[lo:lo + chunk])
            dense = (q @ self.matrix_.T).toarray()
            best = np.maximum.reduceat(dense, self.starts_, axis=1)
            best[best < self.threshold] = 0
            rows, cols = np.nonzero(best)
            blocks.append(sp.csr_matrix((best[rows, cols], (rows, self.group_ids_[cols])),
                                        shape=(dense.shape[0], self.n_groups_), dtype=np.float32))
        return sp.vstack(blocks).tocsr()
