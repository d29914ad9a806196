"""Resolving free text to vocabulary concepts: exact, synonym, compound and fuzzy look-up, text index.

Resolving a text (:meth:`matchcore.vocabulary.concepts.Vocabulary.resolve`) goes, in order;
the :class:`Resolution` says which step found it (``method``) and through which label
(``matched``):

1. ``esco_uri``: a competence that carries an ESCO URI known to the vocabulary;
2. ``exact`` / ``synonym``: the *folded* text (case folded, accents removed, punctuation as
   spaces), its *key* (folded, stop words dropped, words sorted) or its *normal key* (also
   light words such as "kan", "goed", "zijn" dropped and plural/infinitive endings stripped,
   :mod:`matchcore.vocabulary.dutch`) equals that of a label: ``exact`` when the label is the
   concept's preferred label, ``synonym`` for any other label (alternative, coach alias,
   Competent/ESCO Dutch label, French or English label);
3. ``compound``: an unknown word split into words of the vocabulary
   (``heftruckchauffeur`` -> ``heftruck chauffeur``), then, without generic heads such as
   "chauffeur", "medewerker", "hulp" (:data:`~matchcore.vocabulary.dutch.HEADS`), equals a
   label as in 2 (score 100 with the head, 95 without it);
   then a list of words for one thing ("punctueel en stipt", "poetsen/kuisen"): every part a
   label of the same concept, as in 2 or 3, is a ``synonym`` of it (:func:`_coordinated`);
4. ``fuzzy``: the best rapidfuzz ``fuzz.ratio`` between keys is at least
   :data:`RESOLVE_THRESHOLD` (85 of 100). On keys, 85 accepts one or two typing errors in
   a two-word competence ("heftruk besturen" -> 97) but not a different word of the same
   length ("koken" vs "roken" = 80); it was chosen on the normalisation cases in
   ``tests/test_vocabulary.py``. A fuzzy hit is a typing error, so the two keys differ by at
   most :data:`LENGTH_SLACK` characters (an extra word, "design training programmes" against
   "design training programmes for animals", is no typo), nor is a changed, added or dropped
   code ("rijbewijs C" against "rijbewijs B", "TIG" against "MIG":
   :func:`~matchcore.vocabulary.dutch.codes_agree`), nor a different word ("verpakken" against
   "verkopen": each changed word within :data:`WORD_EDITS` of its pair, :func:`words_are_typos`);
   and a hit below 100 needs a margin
   of :data:`FUZZY_MARGIN` points over the best other concept, else the text is
   ``ambiguous`` (it stays free text, with ``matched`` the best label);
5. otherwise ``unresolved``: the text stays free text, is flagged in the output, and counts
   through :class:`TextIndex` (scikit-learn TF-IDF on character n-grams).

The look-up functions read a vocabulary's label index (``concepts_``, ``by_uri_``, ``exact_``,
``normal_``, ``keys_``, ``key_concepts_``, ``key_labels_``, ``threshold``, ``splitter()``; see
:class:`~matchcore.vocabulary.concepts.Vocabulary`).

Examples
--------
>>> fold("Rijden met de Vorkheftruck!")
'rijden met de vorkheftruck'
>>> key("Rijden met de Vorkheftruck!")
'rijden vorkheftruck'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import itertools
import re
from collections import Counter

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from matchcore.vocabulary.dutch import HEADS, LIGHT_WORDS, STOP_WORDS, codes_agree, fold, key, normal_key, stem

__all__ = [
    "FUZZY_MARGIN",
    "LENGTH_SLACK",
    "LIST_SEPARATORS",
    "METHODS",
    "PRIORITY",
    "RESOLVE_THRESHOLD",
    "STOP_WORDS",
    "TEXT_THRESHOLD",
    "WORD_EDITS",
    "Resolution",
    "TextIndex",
    "fold",
    "key",
    "label_of",
    "look_up",
    "look_up_many",
    "nearest_concepts",
]

RESOLVE_THRESHOLD = 85.0
"""Minimum rapidfuzz ``fuzz.ratio`` (0..100) between keys for a fuzzy resolution."""

FUZZY_MARGIN = 4.0
"""Points a fuzzy hit below 100 must lead the best other concept by. Two concepts within a few
points ("designing training programmes" between "... for animals" and "... for staff") are a
guess, not a typo; 4 points is about one letter in a 25-letter key (2 x 1 / 50 x 100), so a
single typo still separates concepts that differ by a whole word."""

LENGTH_SLACK = (2, 0.1)
"""A fuzzy hit's keys (spaces ignored) differ in length by at most max(2, 10 % of the longer)."""

_BUNDLED = "competent"
"""``Concept.source`` of the bundled vocabulary (:data:`matchcore.vocabulary.competent.SOURCE`;
competent imports this module)."""

TEXT_THRESHOLD = 0.5
"""Char n-gram TF-IDF cosine below which free text is no evidence for a competence."""

METHODS = ("esco_uri", "exact", "synonym", "compound", "fuzzy", "ambiguous", "unresolved")
"""What :attr:`Resolution.method` can be (``related`` and ``embedding`` evidence is the
matcher's, on top of these)."""

# Lower wins when several concepts share a label: a coach's alias beats everything, the
# Dutch starter beats ESCO, preferred labels beat alternatives, hidden labels come last; the
# bundled Competent/ESCO Dutch labels (matchcore.vocabulary.competent) come after those
# (numbers are stored with each label, so new kinds are appended, never renumbered).
PRIORITY = {"alias": 0, "pref": 1, "alt": 2, "en": 3, "esco_pref": 4, "esco_alt": 5,
            "esco_hidden": 6, "competent": 7, "esco_nl": 8, "fr": 9}
_COMPOUND_SCORE, _HEADLESS_SCORE = 100.0, 95.0


@dataclass(frozen=True)
class Resolution:
    """What a text resolved to: ``concept`` is None when it did not resolve. ``matched`` is
    the label that decided it (for ``ambiguous``: the best label, not taken)."""

    text: str
    concept: str | None
    label: str | None
    score: float
    method: str  # one of METHODS
    matched: str | None = None

    @property
    def resolved(self) -> bool:
        return self.concept is not None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "concept": self.concept, "label": self.label,
                "score": round(self.score, 1), "method": self.method, "matched": self.matched}

    def how(self) -> str:
        """A short English phrase of how it matched ("synonym 'vorkheftruck rijden'",
        "fuzzy 92 'heftruck besturen'"); translate it at the caller when shown to a coach."""
        if self.method in ("exact", "esco_uri"):
            return self.method
        if self.method == "fuzzy":
            return f"fuzzy {self.score:.0f} '{self.matched}'"
        if self.method in ("synonym", "compound", "ambiguous"):
            return f"{self.method} '{self.matched}'"
        return self.method


def _named(vocab, text: str, cid: str, label: str, score: float, method: str | None = None) -> Resolution:
    concept = vocab.concepts_[cid]
    if concept.source == _BUNDLED:
        # a bundled Competent/ESCO concept whose ESCO skill the store has (an ESCO import):
        # the store's concept is the one functions name, so the text means that one
        other = vocab.by_uri_.get(concept.esco_uri) if concept.esco_uri else None
        if other and other != cid and other in vocab.concepts_:
            cid, concept = other, vocab.concepts_[other]
    if method is None:
        method = "exact" if fold(label) == fold(concept.label) else "synonym"
    return Resolution(text, cid, concept.label, score, method, label)


def _exact(vocab, folded: str, k: str) -> tuple[str, str] | None:
    """(concept, label) whose folded text, key or normal key is that of ``folded``/``k``."""
    for probe in (folded, k):
        hit = vocab.exact_.get(probe)
        if hit:
            return hit
    # from the folded text, not the sorted key: "3 jaar" is read in its order (dutch._how_long)
    return vocab.normal_.get(normal_key(folded, folded=True)) if k else None


def _compound(vocab, text: str, folded: str) -> Resolution | None:
    tokens = folded.split()
    parts = vocab.splitter().parts(folded) if tokens else tokens
    if parts != tokens:
        joined = " ".join(parts)
        hit = _exact(vocab, joined, key(joined))
        if hit:
            return _named(vocab, text, *hit, _COMPOUND_SCORE, "compound")
    core = [p for p in parts if p not in HEADS]
    if core and len(core) < len(parts):
        joined = " ".join(core)
        hit = _exact(vocab, joined, key(joined))
        if hit:
            return _named(vocab, text, *hit, _HEADLESS_SCORE, "compound")
    return None


LIST_SEPARATORS = r"[,;/]|\s[&+]\s|\ben\b"
"""What separates the items of a list in a competence text: commas, semicolons, slashes, "en",
and "&" or "+" between spaces ("C++", "R&D" are one word)."""
_COORDINATION = re.compile(rf"\s*(?:{LIST_SEPARATORS}|\bof\b)\s*", re.IGNORECASE)


def label_of(vocab, text: str) -> Resolution | None:
    """``text`` as a label of a concept, exactly (folded text, key, normal key) or by its
    compound parts; None when it is none (no fuzzy look-up: a list's parts are taken as written)."""
    f = fold(text)
    if not f:
        return None
    hit = _exact(vocab, f, key(f, folded=True))
    return _named(vocab, text, *hit, 100.0) if hit else _compound(vocab, text, f)


def _coordinated(vocab, text: str) -> Resolution | None:
    """A list of words for one thing: "punctueel en stipt", "beleefd, vriendelijk",
    "poetsen/kuisen". When every part is a label of the same concept (exactly, by its key,
    normal key or compound parts), the text means that concept; when the parts name different
    concepts ("draaien en frezen"), or one part is unknown, it is no synonym of either."""
    parts = [p for p in _COORDINATION.split(text) if p and p.strip()]
    if len(parts) < 2:
        return None
    found = []
    for part in parts:
        res = label_of(vocab, part)
        if res is None:
            return None
        found.append(res)
    if len({r.concept for r in found}) != 1:
        return None
    first = found[0]
    return Resolution(text, first.concept, first.label, min(r.score for r in found), "synonym",
                      " + ".join(r.matched or r.label for r in found))


def _close_in_length(a: str, b: str) -> bool:
    la, lb = len(a.replace(" ", "")), len(b.replace(" ", ""))
    return abs(la - lb) <= max(LENGTH_SLACK[0], LENGTH_SLACK[1] * max(la, lb))


WORD_EDITS = ((3, 0), (8, 1), (None, 2))
"""A typing error stays inside a word: a word of the text that is no word of the label is at
most so many edits (optimal string alignment: a letter missing, extra or wrong, or two
swapped) from a word of the label, by the length of the longer of the two: none up to 3
letters, 1 up to 8, 2 beyond. The key's ratio alone let a different word through when the
rest of the text was the same: "verpakken van producten" -> "producten verkopen" (86.5),
"vloeren leggen" -> "vloeren vegen" (88.9), "receptie" -> "recepten" (87.5), "slager" ->
"slagwerk" (85.7); real typos are one edit ("heftruk", "zelsftandig", "kuisen"/"kuissen") or
two in a long word."""


def _allowed(a: str, b: str) -> int:
    n = max(len(a), len(b))
    return next(edits for longest, edits in WORD_EDITS if longest is None or n <= longest)


def _typo_pair(a: str, b: str) -> bool:
    """Whether word ``b`` is ``a`` with a typing error (:data:`WORD_EDITS`), compared as
    written and without a plural or infinitive ending, each with its own allowance
    ("schoonmaak" / "schoonmaken" differ by 3 edits as written and by 1 as the stems
    "schoonmaak" / "schoonmak"; "leggen" / "vegen" by 2, and as "leg" / "veg" by 1 of 0)."""
    if OSA.distance(a, b) <= _allowed(a, b):
        return True
    sa, sb = stem(a), stem(b)
    return OSA.distance(sa, sb) <= _allowed(sa, sb)


def words_are_typos(a: str, b: str) -> bool:
    """Whether the keys ``a`` and ``b`` differ only by typing errors inside words
    (:data:`WORD_EDITS`). Light words ("kan", "goed", ...: the normal key drops them too) and
    words both have are set aside; the rest are paired, each with the nearest unpaired word
    of the other. When one has more words left than the other, a word was split or glued
    ("heftruck besturen" / "heftruckbesturen"): the words are joined, in every order, and
    compared as one word."""
    ca = Counter(w for w in a.split() if w not in LIGHT_WORDS)
    cb = Counter(w for w in b.split() if w not in LIGHT_WORDS)
    common = ca & cb
    ra, rb = sorted((ca - common).elements()), sorted((cb - common).elements())
    if not ra and not rb:
        return True
    if not ra or not rb:
        return len("".join(ra + rb)) <= 1   # a letter dropped with its hyphen: "e-mails" / "mails"
    if len(ra) != len(rb):
        if len(ra) + len(rb) > 5:
            return False
        return any(_typo_pair(x, y)
                   for x in map("".join, itertools.permutations(ra))
                   for y in map("".join, itertools.permutations(rb)))
    left = list(rb)
    for w in ra:
        best = min(left, key=lambda v: (OSA.distance(w, v), v))
        if not _typo_pair(w, best):
            return False
        left.remove(best)
    return True


def _decide(vocab, text: str, k: str, hits) -> Resolution:
    """The fuzzy verdict from ``hits``: (score, key index) pairs, best first (ties: index)."""
    best = None
    for score, j in hits:
        if (not _close_in_length(k, vocab.keys_[j]) or not codes_agree(text, vocab.key_labels_[j])
                or not words_are_typos(k, vocab.keys_[j])):
            continue
        cid = vocab.key_concepts_[j]
        if best is None:
            if score < vocab.threshold:
                break
            best = (score, j, cid)
            if score >= 100.0:
                break
        elif cid != best[2]:
            if best[0] - score < FUZZY_MARGIN:
                return Resolution(text, None, None, best[0], "ambiguous", vocab.key_labels_[best[1]])
            break
    if best is None:
        return Resolution(text, None, None, 0.0, "unresolved")
    return _named(vocab, text, best[2], vocab.key_labels_[best[1]], best[0], "fuzzy")


def _cutoff(vocab) -> float:
    return max(0.0, vocab.threshold - FUZZY_MARGIN)


def look_up(vocab, text: str, esco_uri: str | None, fuzzy: bool = True) -> Resolution:
    """Resolve one text against ``vocab``'s label index (see the module docstring for the order)."""
    if esco_uri and esco_uri in vocab.by_uri_:
        cid = vocab.by_uri_[esco_uri]
        return Resolution(text, cid, vocab.concepts_[cid].label, 100.0, "esco_uri")
    folded, k = fold(text), key(text)
    hit = _exact(vocab, folded, k)
    if hit:
        return _named(vocab, text, *hit, 100.0)
    found = _compound(vocab, text, folded) if folded else None
    if found:
        return found
    found = _coordinated(vocab, text) if folded else None
    if found:
        return found
    if fuzzy and k and vocab.keys_:
        hits = process.extract(k, vocab.keys_, scorer=fuzz.ratio, processor=None,
                               score_cutoff=_cutoff(vocab), limit=None)
        return _decide(vocab, text, k, sorted(((float(np.float32(s)), j) for _, s, j in hits),
                                              key=lambda h: (-h[0], h[1])))
    return Resolution(text, None, None, 0.0, "unresolved")


def look_up_many(vocab, todo: dict[str, list[tuple[str, str | None]]], *,
                 chunk: int = 256) -> dict[tuple[str, str | None], Resolution]:
    """Fuzzy resolutions of many keys at once: ``todo`` maps a key to the (text, esco_uri)
    pairs that have it. Compared in batches with rapidfuzz ``cdist`` on all cores, which gives
    the same answers as :func:`look_up`."""
    found: dict[tuple[str, str | None], Resolution] = {}
    queries = list(todo)
    cutoff = _cutoff(vocab)
    for lo in range(0, len(queries), chunk):
        part = queries[lo:lo + chunk]
        scores = process.cdist(part, vocab.keys_, scorer=fuzz.ratio, processor=None,
                               score_cutoff=cutoff, dtype=np.float32, workers=-1)
        for q, row in zip(part, scores):
            idx = np.flatnonzero(row >= max(cutoff, 1e-9))
            hits = sorted(((float(row[j]), int(j)) for j in idx), key=lambda h: (-h[0], h[1]))
            for memo in todo[q]:
                found[memo] = _decide(vocab, memo[0], q, hits)
    return found


def nearest_concepts(vocab, text: str, n: int = 3) -> list[dict[str, Any]]:
    """The ``n`` concepts of ``vocab`` whose labels look most like ``text`` (for suggestions).

    Uses rapidfuzz ``WRatio``, more lenient than resolution, so partial matches show.
    """
    found: dict[str, float] = {}
    wanted = key(text)
    if not wanted:   # no word at all ('', punctuation, emoji): nothing looks like it
        return []
    shortest = len(wanted) / 3
    for label, score, i in process.extract(wanted, vocab.keys_, scorer=fuzz.WRatio,
                                           processor=None, limit=n * 16,
                                           score_cutoff=1e-9):
        cid = vocab.key_concepts_[i]
        # WRatio scores a label found inside the text at 90 whatever its length, so a
        # one-letter label ("R", "C#") looked like every text: a label shorter than a third of
        # the text only matches a piece of it
        if len(label) >= shortest and cid not in found:
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

    def similarity(self, queries: list[str], *, chunk: int = 256, thresholds=None,
                   limit: int | None = None):
        """Sparse (len(queries) x n_groups) matrix: best cosine of each query per column.

        ``thresholds``: per query, the cosine below which it is no evidence (default
        :attr:`threshold` for all); ``limit``: at most this many columns per query whose
        threshold is below :attr:`threshold` (the best; ties by column)."""
        import scipy.sparse as sp  # start-up: as for scikit-learn in fit

        if not queries or self.matrix_ is None:
            return sp.csr_matrix((len(queries), self.n_groups_), dtype=np.float32)
        blocks = []
        for lo in range(0, len(queries), chunk):
            q = self.vectorizer_.transform(queries[lo:lo + chunk])
            dense = (q @ self.matrix_.T).toarray()
            best = np.maximum.reduceat(dense, self.starts_, axis=1)
            if thresholds is None:
                best[best < self.threshold] = 0
            else:
                th = np.asarray(thresholds[lo:lo + chunk], np.float32)[:, None]
                best[best < th] = 0
                for r in np.flatnonzero(th[:, 0] < self.threshold) if limit else ():
                    hit = np.flatnonzero(best[r])
                    if len(hit) > limit:
                        order = np.lexsort((hit, -best[r, hit]))
                        best[r, hit[order[limit:]]] = 0
            rows, cols = np.nonzero(best)
            blocks.append(sp.csr_matrix((best[rows, cols], (rows, self.group_ids_[cols])),
                                        shape=(dense.shape[0], self.n_groups_), dtype=np.float32))
        return sp.vstack(blocks).tocsr()
