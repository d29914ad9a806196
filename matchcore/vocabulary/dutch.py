"""Dutch as coaches write it: light word normalisation and compound splitting.

:func:`fold` folds case, accents and punctuation; :func:`key` also drops stop words and sorts
the words. On top of them, resolution compares a *normal key* (:func:`normal_key`) and, for words the vocabulary does
not know, their *compound parts* (:class:`Splitter`):

- :func:`stem` strips a Dutch plural or infinitive ending where that is safe: ``-en`` and
  ``-s`` (``heftrucks`` -> ``heftruck``, ``klanten`` -> ``klant``, ``poetsen`` -> ``poets``,
  ``palletten`` -> ``pallet``), only on words of 5 letters or more, undoubling a final double
  consonant. Both sides of a comparison go through it, so a stem need not be a real word;
- the normal key stems each word with the Snowball Dutch stemmer (:func:`snowball`), which
  also takes off ``-e``, ``-heid`` and ``-ing`` and undoes a doubled vowel ("verkoop" /
  "verkopen"); :func:`stem` stays the cautious one the compound splitter and the typo rule use;
- :data:`LIGHT_WORDS` are words that carry no competence ("kan", "goed", "zijn", "heel"):
  "kan zelfstandig werken" and "zelfstandig werken" have one normal key;
- :class:`Splitter` splits a compound into words the vocabulary itself uses
  (``heftruckchauffeur`` -> ``heftruck chauffeur``, ``magazijnmedewerker`` -> ``magazijn
  medewerker``, ``veiligheidsschoenen`` -> ``veiligheid schoenen``: a linking ``s`` or ``e``
  between parts is allowed), fewest parts first, then the longest last part (the Dutch head);
- :data:`HEADS` are generic last parts naming a person or the work itself ("chauffeur",
  "medewerker", "hulp"): a compound without its head ("heftruck", "poets") names the competence.

Examples
--------
>>> stem("heftrucks"), stem("palletten"), stem("kuisen"), stem("stipt")
('heftruck', 'pallet', 'kuis', 'stipt')
>>> normal_key("Kan goed zelfstandig werken")
'werk zelfstand'
>>> normal_key("verkoop") == normal_key("verkopen")
True
>>> Splitter({"heftruck", "chauffeur", "magazijn", "medewerker"}).split("heftruckchauffeur")
['heftruck', 'chauffeur']
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["CODE_LENGTH", "HEADS", "LIGHT_WORDS", "STOP_WORDS", "Splitter", "codes", "codes_agree", "fold", "key",
           "normal_key", "snowball", "stem"]

STOP_WORDS = frozenset(
    ["de", "het", "een", "van", "met", "in", "op", "en", "voor", "te", "aan", "bij", "door", "naar",
     "om", "uit", "over", "tot", "of", "als", "the", "a", "an", "to", "and", "for", "with", "on",
     "at", "by", "from"]
)
"""Dutch and English function words left out of a comparison key."""
_NON_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-fold, strip accents (hygiëne -> hygiene), punctuation as spaces, collapse spaces.
    (Memoised: labels are folded when the vocabulary is read and again when stored.)"""
    text = str(text).casefold()
    if not text.isascii():   # ASCII is its own NFKD form: only the rest needs the slow path
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).split())


CODE_LENGTH = 5
"""Longest token (letters) that counts as a code when written in capitals or with a digit."""


# a small letter joined to a word by a hyphen is part of that word, no code: "e-mail",
# "e-learning", "t-shirt", "x-stralen"; a capital one is ("C-rijbewijs"), except E, which is
# no licence category alone and starts many words at the start of a text ("E-mail", "E-loket")
_LETTER_PREFIX = re.compile(r"(?<![^\W\d_])(?:[^\W\d_A-Z]|E)-(?=[^\W\d_]{2})")


@functools.lru_cache(maxsize=65536)
def codes(text: str) -> frozenset[str]:
    """The *code* tokens of ``text``, folded: driving-licence categories and language levels
    ("rijbewijs C", "CE", "Nederlands B2"), acronyms written in capitals ("TIG", "VCA", "MIG"),
    numbers ("niveau 2", "code 95"). A code names one thing among its neighbours, so one letter
    of it is no typing error: "rijbewijs C" is one letter from "rijbewijs B" (fuzzy 91) and
    "TIG lassen" from "MIG lassen" (90), and each is another competence (issue 11).

    A token is a code when it has a digit (and at most :data:`CODE_LENGTH` + 1 characters),
    has one or two letters and is no stop word (or is one in capitals: "DE"), or is written in
    capitals (at most :data:`CODE_LENGTH` letters).

    >>> sorted(codes("Rijbewijs C en TIG-lassen, niveau 2"))
    ['2', 'c', 'tig']
    """
    out = set()
    for raw in _NON_WORD.sub(" ", _LETTER_PREFIX.sub("", str(text))).split():
        t = fold(raw)
        if not t:
            continue
        if any(ch.isdigit() for ch in t):
            if len(t) <= CODE_LENGTH + 1:
                out.add(t)
        elif len(t) <= 2:
            # "DE" in capitals is the licence category, "de" the article
            if t not in STOP_WORDS or raw.isupper():
                out.add(t)
        elif raw.isupper() and len(t) <= CODE_LENGTH:
            out.add(t)
    return frozenset(out)


def codes_agree(text: str, label: str) -> bool:
    """Whether a fuzzy hit of ``text`` on ``label`` keeps every code: each code of one is a
    word of the other (written in any case), so a typing error may change a word but never add,
    drop or change a code ("tig lassen" agrees with "TIG-lassen"; "rijbewijs C" agrees with
    neither "rijbewijs B" nor "rijbewijs").

    >>> codes_agree("tig lasen", "TIG-lassen"), codes_agree("rijbewijs C", "rijbewijs B")
    (True, False)
    """
    a, b = codes(text), codes(label)
    if not a and not b:
        return True
    words_a, words_b = set(fold(text).split()), set(fold(label).split())
    return a <= words_b and b <= words_a


def key(text: str, *, folded: bool = False) -> str:
    """The comparison key: folded, stop words dropped (unless nothing is left), tokens sorted.
    ``folded``: ``text`` is folded already."""
    tokens = (text if folded else fold(text)).split()
    kept = [t for t in tokens if t not in STOP_WORDS] or tokens
    return " ".join(sorted(kept))


LIGHT_WORDS = frozenset(
    "kan kunnen kunt goed goede heel zeer erg vlot graag zijn is ben wel ook altijd echt "
    "zich zelf die dat er ervaring werkervaring weet weten niveau a1 a2 b1 b2 c1 c2 "
    "heeft hebben heb houdt houd beetje basiskennis geldig attest brevet certificaat "
    "getuigschrift jaar jaren maand maanden".split())
"""Words dropped from the normal key: ability and degree words coaches add to a competence
("kan goed", "heel", "vlot", "ervaring met", "heeft", "houdt van", "een beetje",
"basiskennis"), the paper that proves it ("EHBO-brevet", "VCA-attest", "heftruckattest geldig
tot 2027": the attest is the competence), how long ("3 jaar ervaring als", with the number:
:func:`normal_key`), the copula of adjectives ("stipt zijn") and the
language levels of the Common European Framework (A1-C2: "Nederlands B1", "Engels niveau A2"
name the language; the level is the competence's ``level``, not another competence). The
driving-licence categories that are written the same (A1, A2, C1) are labels of their own in the
starter vocabulary ("rijbewijs C1"), which the exact look-up finds before the normal key."""

HEADS = frozenset(
    "chauffeur chauffeurs bestuurder bestuurders medewerker medewerkers medewerkster hulp "
    "hulpen kracht krachten werker werkers arbeider arbeiders assistent assistente operator "
    "operators man mannen vrouw ster bediende bedienden verantwoordelijke werk job".split())
"""Generic last parts of a compound that name the person or the job, not the competence."""

_VOWELS = set("aeiouy")
_MIN_PART = 3


def stem(token: str) -> str:
    """A folded word without a plural or infinitive ending (``-en``, ``-s``), where safe."""
    t = token
    if len(t) >= 5 and t.endswith("en") and not t.endswith("ieen"):
        t = t[:-2]
        if len(t) >= 3 and t[-1] == t[-2] and t[-1] not in _VOWELS:
            t = t[:-1]                       # palletten -> pallett -> pallet
    elif len(t) >= 5 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
        t = t[:-1]                           # heftrucks -> heftruck
    return t


@functools.lru_cache(maxsize=1 << 17)
def snowball(token: str) -> str:
    """A folded word by the Snowball Dutch stemmer (PyStemmer): endings (``-en``, ``-s``,
    ``-e``, ``-heid``, ``-ing``) off and a doubled vowel of the stem undone, so that
    "verkoop" and "verkopen", "vriendelijk" and "vriendelijke", "zorgvuldig" and
    "zorgvuldigheid", "vegen" and "veeg" share one stem. :func:`stem` alone cannot: it
    strips "verkopen" to "verkop". Without PyStemmer, :func:`stem`."""
    s = _snowball_stemmer()
    return s.stemWord(token) if s is not None else stem(token)


@functools.lru_cache(maxsize=1)
def _snowball_stemmer():
    try:
        import Stemmer  # start-up: C extension, only when a normal key is first made
    except ImportError:  # pragma: no cover - a declared dependency; kept working without it
        return None
    return Stemmer.Stemmer("dutch")


def normal_key(text: str, *, folded: bool = False) -> str:
    """Folded, stop and light words dropped (unless nothing is left), words stemmed by
    :func:`snowball`, sorted. ``folded``: ``text`` is folded already (a stored key), which
    saves the folding."""
    tokens = (text if folded else fold(text)).split()
    drop = _how_long(tokens)
    kept = [t for i, t in enumerate(tokens)
            if t not in STOP_WORDS and t not in LIGHT_WORDS and i not in drop] or tokens
    return " ".join(sorted(snowball(t) for t in kept))


_DURATION = frozenset({"jaar", "jaren", "maand", "maanden", "week", "weken"})
_YEAR = re.compile(r"(?:19|20)\d\d")


def _how_long(tokens: list[str]) -> set[int]:
    """Positions of the numbers that say how long or until when, not what: "3 jaar", "6
    maanden" (a number before a duration word) and a year ("geldig tot 2027"). Other numbers
    are codes and stay ("code 95", "rijbewijs C1", "ISO 9001")."""
    out = set()
    for i, t in enumerate(tokens):
        if t.isdigit() and ((i + 1 < len(tokens) and tokens[i + 1] in _DURATION) or _YEAR.fullmatch(t)):
            out.add(i)
    return out


class Splitter:
    """Splits unknown compounds into words of ``words`` (folded, as in the vocabulary's labels).

    Parameters
    ----------
    words : iterable of str
        Known words; parts are matched as they are or by their :func:`stem`.
    """

    def __init__(self, words: Iterable[str]):
        self.words = {w for w in words if len(w) >= _MIN_PART}
        self.words |= {stem(w) for w in self.words if len(stem(w)) >= _MIN_PART}
        self._memo: dict[str, list[str] | None] = {}

    def split(self, token: str) -> list[str] | None:
        """The parts of ``token`` (two or more), or None when it is no compound of known words."""
        if token in self._memo:
            return self._memo[token]
        parts = self._split(token) if len(token) >= 2 * _MIN_PART else None
        self._memo[token] = parts
        return parts

    def _split(self, token: str) -> list[str] | None:
        n = len(token)
        # best[i]: the best split of token[i:] as (parts, -len(last part), parts list)
        best: list[tuple | None] = [None] * (n + 1)
        best[n] = (0, 0, [])
        for i in range(n - _MIN_PART, -1, -1):
            options = []
            for j in range(i + _MIN_PART, n + 1):
                word = token[i:j]
                if word not in self.words:
                    continue
                for link in ("", "s", "e", "en"):   # a linking sound after a non-final part
                    k = j + len(link)
                    if k > n or token[j:k] != link or (link and k == n):
                        continue
                    rest = best[k]
                    if rest is None:
                        continue
                    head = -len(word) if k == n else rest[1]
                    options.append((rest[0] + 1, head, [word, *rest[2]]))
            if options:
                best[i] = min(options, key=lambda o: (o[0], o[1], o[2]))
        found = best[0]
        return found[2] if found and found[0] >= 2 else None

    def parts(self, text: str) -> list[str]:
        """The folded words of ``text`` with every unknown compound split into its parts."""
        out = []
        for t in fold(text).split():
            split = None if t in self.words else self.split(t)
            out += split or [t]
        return out
