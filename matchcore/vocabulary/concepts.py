"""The competence vocabulary: concepts, their labels, and resolving free text to them.

Coaches write one competence many ways ("heftruck besturen", "vorkheftruck rijden", "heftruk",
"rijden met heftruck"). A *concept* has an id, a preferred label, alternative labels, a type
(``technical`` = vaktechnisch, ``generic`` = generiek), sectors and an optional ESCO URI. The
concepts live in the store (tables ``vocab_concepts`` and ``vocab_labels``, see
:mod:`matchcore.vocabulary.storage`); the Dutch starter vocabulary
``matchcore/data/vocabulary_nl.yaml`` and the bundled VDAB Competent / Dutch ESCO vocabulary
(:mod:`matchcore.vocabulary.competent`, joined to the starter concepts) are loaded into it on
first use and again whenever either file changes. Without a store,
:meth:`Vocabulary.from_starter` reads those files directly.

How a text resolves (ESCO URI, exact, synonym, compound, fuzzy, ambiguous, unresolved) is told
in :mod:`matchcore.vocabulary.resolution`; :meth:`Vocabulary.related` gives the broader and
narrower concepts of the Competent mapping, which the matcher credits partially.

Examples
--------
>>> vocab = Vocabulary(store).fit()                     # doctest: +SKIP
>>> vocab.resolve("heftruk besturen").concept           # doctest: +SKIP
'heftruck-besturen'
>>> Vocabulary.from_starter().resolve("vorkheftruck rijden").concept   # doctest: +SKIP
'heftruck-besturen'
"""
from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matchcore.errors import NotFound, VocabularyError, closest, did_you_mean
from matchcore.vocabulary import competent, storage
from matchcore.vocabulary.dutch import HEADS, Splitter, normal_key
from matchcore.vocabulary.lists import list_parts
from matchcore.vocabulary.resolution import (
    PRIORITY,
    RESOLVE_THRESHOLD,
    Resolution,
    TextIndex,  # noqa: F401  (also importable from here, as before the split)
    fold,
    key,
    look_up,
    look_up_many,
    nearest_concepts,
)

__all__ = [
    "CONCEPT_TYPES",
    "STARTER_PATH",
    "Concept",
    "Vocabulary",
    "label_table",
    "load_starter",
    "seed_starter",
]

STARTER_PATH = Path(__file__).resolve().parent.parent / "data" / "vocabulary_nl.yaml"
CONCEPT_TYPES = ("technical", "generic")
_STARTER_KEYS = {"id", "label", "alt", "type", "sectors", "en", "esco_uri", "description"}


@dataclass(frozen=True)
class Concept:
    """One competence concept."""

    id: str
    label: str
    type: str = "technical"
    sectors: tuple[str, ...] = ()
    en: str | None = None
    esco_uri: str | None = None
    source: str = "user"
    description: str | None = None


def load_starter(path: Path | None = None) -> tuple[list[Concept], list[tuple]]:
    """Read the starter YAML (a list of {id, label, alt, type, sectors, en, esco_uri}).

    Returns the concepts and their (concept_id, label, kind, lang) labels.
    """
    import yaml  # start-up: a query reads the starter vocabulary only when it changed

    path = Path(path or STARTER_PATH)
    # libyaml's loader when present: the same result, about ten times faster than pure Python
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []
    if isinstance(data, dict):
        data = data.get("concepts", [])
    concepts, labels, seen = [], [], set()
    for n, item in enumerate(data, start=1):
        where = f"{path}: concept {item.get('id', f'#{n}') if isinstance(item, dict) else f'#{n}'}"
        if not isinstance(item, dict) or not item.get("id") or not item.get("label"):
            raise VocabularyError(f"{where}: needs at least 'id' and 'label'")
        unknown = set(item) - _STARTER_KEYS
        if unknown:
            bad = sorted(unknown)[0]
            raise VocabularyError(f"{where}: unknown field {bad!r}"
                                  + did_you_mean(bad, sorted(_STARTER_KEYS), parenthesised=True))
        ctype = item.get("type", "technical")
        if ctype not in CONCEPT_TYPES:
            raise VocabularyError(f"{where}: type must be technical or generic, got {ctype!r}")
        cid = str(item["id"])
        if cid in seen:
            raise VocabularyError(f"{where}: id appears twice")
        seen.add(cid)
        concepts.append(Concept(cid, str(item["label"]), ctype, tuple(item.get("sectors") or ()),
                                item.get("en"), item.get("esco_uri"), "starter",
                                item.get("description")))
        labels.append((cid, str(item["label"]), "pref", "nl"))
        labels += [(cid, str(a), "alt", "nl") for a in item.get("alt") or ()]
        if item.get("en"):
            labels.append((cid, str(item["en"]), "en", "en"))
    return concepts, labels


def seed_starter(store, path: Path | None = None) -> bool:
    """Load the starter vocabulary (default :data:`STARTER_PATH`) into the store when it is
    missing or has changed since it was last loaded; return whether it loaded.

    The bundled Competent/ESCO Dutch vocabulary is not copied into the store (it is read
    from the package, once per process), but its digest is part of the one recorded, so a
    new bundled file also moves the store's ``data_version`` and refreshes derived caches."""
    path = Path(path or STARTER_PATH)
    if not path.is_file():
        return False
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16] + "+" + competent.bundled_digest()
    if store.meta(storage.STARTER_META) == digest:
        return False
    concepts, labels = load_starter(path)
    storage.store_starter(store, concepts, labels, digest)
    return True


@functools.lru_cache(maxsize=2)
def _starter_cached(path: str, stamp: float) -> tuple[tuple, tuple]:
    concepts, labels = load_starter(Path(path))
    return tuple(concepts), tuple(labels)


def bundled_vocabulary(path: Path | None = None) -> competent.Bundle:
    """The bundled vocabulary joined to the starter file ``path`` (default
    :data:`STARTER_PATH`), read once per process."""
    path = Path(path or STARTER_PATH)
    starter = _starter_cached(str(path), path.stat().st_mtime) if path.is_file() else ((), ())
    return competent.bundled(*starter)


def label_table(labels: Iterable[tuple[str, str, str, str | None]]) -> list[tuple[str, str, str, str]]:
    """(concept_id, label, folded, key) rows of (concept_id, label, kind, lang) labels, as the
    store would hold them after :func:`~matchcore.vocabulary.storage.write_labels`: one per
    concept and folded text (the better kind wins, the first of equals), best kind first, then
    by concept and folded text."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for cid, label, kind, _lang in labels:
        folded = fold(label)
        if folded and ((cid, folded) not in best or PRIORITY[kind] < best[cid, folded][0]):
            best[cid, folded] = (PRIORITY[kind], label)
    rows = sorted((p, cid, folded, label) for (cid, folded), (p, label) in best.items())
    return [(cid, label, folded, key(folded, folded=True)) for _, cid, folded, label in rows]


class Vocabulary:
    """The competence vocabulary of a store (or of given concepts), and text-to-concept resolution.

    Parameters
    ----------
    store : matchcore.store.db.Store, optional
        Where the concepts live; None for a vocabulary made by :meth:`from_concepts` or
        :meth:`from_starter`, which needs no database.
    threshold : float, default RESOLVE_THRESHOLD
        Minimum rapidfuzz ratio (0..100) between keys for a fuzzy resolution.
    seed : bool, default True
        Load the Dutch starter vocabulary into the store on :meth:`fit` when it is missing
        or has changed.

    Attributes
    ----------
    concepts_ : dict of str to Concept
    labels_ : dict of str to list of str
        Every label of each concept, preferred first.
    version_ : int or None
        The store's ``data_version`` the vocabulary was read at (None without a store).
    """

    def __init__(self, store=None, *, threshold: float = RESOLVE_THRESHOLD, seed: bool = True,
                 bundled: bool = True):
        if not 0 < threshold <= 100:
            raise ValueError("The 'threshold' parameter of Vocabulary must be a number in "
                             f"(0, 100]. Got {threshold!r} instead.")
        self.store = store
        self.threshold = threshold
        self.seed = seed
        self.bundled = bundled
        self._given: tuple[list[Concept], list[tuple]] | None = None

    @classmethod
    def from_concepts(cls, concepts: Iterable[Concept],
                      labels: Iterable[tuple[str, str, str, str | None]], *,
                      threshold: float = RESOLVE_THRESHOLD) -> Vocabulary:
        """A fitted vocabulary of ``concepts`` and their (concept_id, label, kind, lang)
        ``labels`` only (not the bundled one), without a store; it resolves as a store
        holding just these would."""
        vocab = cls(None, threshold=threshold, seed=False, bundled=False)
        vocab._given = (sorted(concepts, key=lambda c: c.id), label_table(labels))
        return vocab.fit()

    @classmethod
    def from_starter(cls, path: Path | None = None, *, threshold: float = RESOLVE_THRESHOLD,
                     bundled: bool = True) -> Vocabulary:
        """The Dutch starter vocabulary (default :data:`STARTER_PATH`) and, with ``bundled``,
        the bundled Competent/ESCO Dutch vocabulary joined to it, without a store."""
        vocab = cls(None, threshold=threshold, seed=False, bundled=bundled)
        concepts, labels = load_starter(path or STARTER_PATH)
        vocab._given = (sorted(concepts, key=lambda c: c.id), label_table(labels))
        return vocab.fit()

    # --- learning -------------------------------------------------------------------------
    def fit(self) -> Vocabulary:
        """Seed the starter vocabulary if needed, then read concepts and labels (the store's
        first, then the bundled vocabulary's: on a label both have, the store's wins)."""
        related: dict = {}
        if self._given is not None:
            concepts, labels = self._given
        elif self.store is None:
            raise VocabularyError("this vocabulary has no store; make it with "
                                  "Vocabulary.from_concepts or Vocabulary.from_starter")
        else:
            if self.seed:
                seed_starter(self.store)
            concepts = [Concept(*row) for row in storage.read_concepts(self.store.db)]
            labels = storage.read_labels(self.store.db)
            related = storage.read_related(self.store)
            if not concepts and self.bundled and STARTER_PATH.is_file():
                # a store never seeded (read without writing): the starter file stands in, so
                # the bundled concepts joined to starter concepts are not left without them
                given = _starter_cached(str(STARTER_PATH), STARTER_PATH.stat().st_mtime)
                concepts, labels = list(given[0]), label_table(given[1])
        self.concepts_ = {c.id: c for c in concepts}
        self.by_uri_ = {c.esco_uri: c.id for c in self.concepts_.values() if c.esco_uri}
        self.labels_ = {}
        self.exact_ = {}      # folded text or key -> (concept, label)
        keys: dict[str, tuple[str, str]] = {}
        seen: dict[str, set] = {}
        for cid, label, folded, k in labels:
            self.labels_.setdefault(cid, []).append(label)
            self.exact_.setdefault(folded, (cid, label))
            keys.setdefault(k, (cid, label))
            seen.setdefault(cid, set()).add(folded)
        for k, hit in keys.items():
            self.exact_.setdefault(k, hit)
        # normal key (matchcore.vocabulary.dutch) -> (concept, label), in key order
        self.normal_ = {}
        for k, hit in keys.items():
            self.normal_.setdefault(normal_key(k, folded=True), hit)
        self.keys_ = list(keys)
        self.key_concepts_ = [hit[0] for hit in keys.values()]
        self.key_labels_ = [hit[1] for hit in keys.values()]
        self.related_ = related
        if self.bundled:
            self._add_bundle(competent.index(bundled_vocabulary()), keys, seen)
        self.version_ = None if self.store is None else self.store.data_version
        self._cache: dict[tuple[str, str | None], Resolution] = {}
        self._parts: dict[str, list[str] | None] = {}
        self._splitter: Splitter | None = None
        return self

    def _add_bundle(self, idx: dict, keys: dict, seen: dict) -> None:
        """Lay the bundled vocabulary's index (:func:`~matchcore.vocabulary.competent.index`) under the one read: on a
        text both have, the read one (store or given labels) wins."""
        for c in idx["concepts"]:
            self.concepts_.setdefault(c.id, c)
        missing = [cid for cid in idx["targets"] if cid not in self.concepts_]
        for uri, cid in idx["uris"].items():
            self.by_uri_.setdefault(uri, cid)
        self.exact_ = {**idx["exact"], **self.exact_}
        self.normal_ = {**idx["normal"], **self.normal_}
        if missing:   # starter concepts the bundle joined are not here: drop what names them
            gone = set(missing)
            for d in (self.exact_, self.normal_):
                for probe in [p for p, hit in d.items() if hit[0] in gone]:
                    del d[probe]
        # the bundle's keys the read index lacks, in the bundle's order (a mask: C speed)
        mask = bytearray(b"\x01") * len(idx["keys"])
        position = idx["position"]
        for k in keys:
            if k in position:
                mask[position[k]] = 0
        if missing:
            gone = set(missing)
            for j, hit in enumerate(idx["hits"]):
                if hit[0] in gone:
                    mask[j] = 0
        self.keys_ += itertools.compress(idx["keys"], mask)
        self.key_concepts_ += itertools.compress(idx["hit_concepts"], mask)
        self.key_labels_ += itertools.compress(idx["hit_labels"], mask)
        labels = dict(idx["labels"])
        for cid, mine in self.labels_.items():
            if cid in labels:
                labels[cid] = mine + [lab for lab, f in zip(labels[cid], idx["folded"][cid])
                                      if f not in seen.get(cid, ())]
            else:
                labels[cid] = mine
        self.labels_ = {cid: v for cid, v in labels.items() if cid in self.concepts_}
        bundle_related = idx["related"]
        if self.related_:
            self.related_ = {k: tuple(sorted(set(bundle_related.get(k, ())) | set(self.related_.get(k, ()))))
                             for k in set(bundle_related) | set(self.related_)}
        else:
            self.related_ = bundle_related

    def splitter(self) -> Splitter:
        """The compound splitter over the words of this vocabulary's labels (made on first use)."""
        if self._splitter is None:
            self._splitter = Splitter({t for k in self.keys_ for t in k.split()} | HEADS)
        return self._splitter

    def related(self, concept_id: str) -> tuple[tuple[str, str], ...]:
        """The concepts related to ``concept_id`` by the Competent mapping, as (concept, how it
        stands to ``concept_id``): ``broader``, ``narrower`` or ``close`` (both close matches of
        one ESCO skill), by concept id."""
        self._check_fitted()
        return tuple((o, rel) for o, rel in self.related_.get(concept_id, ()) if o in self.concepts_)

    def related_credit(self, held: Iterable[str]) -> dict[str, tuple[float, str, str]]:
        """Partial credit for concepts related to the ``held`` ones and not held themselves:
        {concept: (credit, the held concept that gives it, relation)}. The credit is
        :data:`~matchcore.vocabulary.competent.RELATED_CREDIT` (a similarity, as text evidence
        is; the matcher multiplies it by its text credit); of several held concepts the first
        by id gives it."""
        self._check_fitted()
        held = sorted(set(held))
        have = set(held)
        out: dict[str, tuple[float, str, str]] = {}
        for cid in held:
            for other, rel in self.related(cid):
                if other not in have and other not in out:
                    out[other] = (competent.RELATED_CREDIT, cid, rel)
        return out

    def _check_fitted(self) -> None:
        if not hasattr(self, "concepts_"):
            self.fit()

    def _store(self):
        if self.store is None:
            raise VocabularyError("this vocabulary has no store to read or change")
        return self.store

    # --- resolving ------------------------------------------------------------------------
    def resolve(self, text: str, esco_uri: str | None = None) -> Resolution:
        """Resolve one competence text (and optional ESCO URI) to a concept."""
        self._check_fitted()
        memo = (text, esco_uri)
        if memo in self._cache:
            return self._cache[memo]
        res = look_up(self, text, esco_uri)
        self._cache[memo] = res
        return res

    def resolve_many(self, items: Iterable[str | tuple[str, str | None]], *,
                     chunk: int = 256) -> list[Resolution]:
        """Resolve many texts or (text, esco_uri) pairs.

        Exact and cached ones first; the rest are compared in batches with rapidfuzz
        ``cdist`` on all cores, which gives the same answers as :meth:`resolve`.
        """
        self._check_fitted()
        pairs = [(item, None) if isinstance(item, str) else tuple(item) for item in items]
        todo: dict[str, list[tuple[str, str | None]]] = {}
        for text, uri in pairs:
            memo = (text, uri)
            if memo in self._cache:
                continue
            res = look_up(self, text, uri, fuzzy=False)
            if res.resolved or not key(text) or not self.keys_:
                self._cache[memo] = res
            else:
                todo.setdefault(key(text), []).append(memo)
        if todo:
            self._cache.update(look_up_many(self, todo, chunk=chunk))
        return [self._cache[p] for p in pairs]

    def parts(self, text: str) -> list[str] | None:
        """The parts of a text that lists several competences ("stofzuigen en dweilen"):
        :func:`~matchcore.vocabulary.lists.list_parts`; None when it is one, or when
        the whole text resolves ("laden en lossen", "punctueel en stipt")."""
        self._check_fitted()
        memo = self.__dict__.setdefault("_parts", {})
        if text not in memo:
            memo[text] = None if self.resolve(text).resolved else list_parts(self, text)
        return memo[text]

    def nearest(self, text: str, n: int = 3) -> list[dict[str, Any]]:
        """The ``n`` concepts whose labels look most like ``text`` (for suggestions).

        Uses rapidfuzz ``WRatio``, more lenient than resolution, so partial matches show.
        """
        self._check_fitted()
        return nearest_concepts(self, text, n)

    def concept(self, concept_id_or_label: str) -> Concept:
        """A concept by id, or by one of its labels; NotFound with a suggestion otherwise."""
        self._check_fitted()
        if concept_id_or_label in self.concepts_:
            return self.concepts_[concept_id_or_label]
        hit = self.exact_.get(fold(concept_id_or_label))
        if hit:
            return self.concepts_[hit[0]]
        raise NotFound("concept", concept_id_or_label, closest(concept_id_or_label, list(self.concepts_)))

    # --- changing -------------------------------------------------------------------------
    def add_alias(self, concept: str, alias: str) -> dict[str, Any]:
        """Add ``alias`` as a coach's synonym of ``concept`` (an id or a label).

        Returns what was added and what the alias resolved to before.

        Raises
        ------
        NotFound
            No such concept (with a 'did you mean').
        VocabularyError
            The alias is empty, or already a coach's alias of another concept.
        """
        store = self._store()
        target = self.concept(concept)
        if not fold(alias):
            raise VocabularyError(f"alias {alias!r}: empty after folding; give letters or digits")
        clash = storage.alias_owner(store.db, alias, target.id)
        if clash:
            raise VocabularyError(f"alias {alias!r} is already an alias of concept {clash!r}; "
                                  f"remove it there first")
        before = self.resolve(alias)
        with store.transaction():
            if target.source == competent.SOURCE:   # a bundled concept: the label needs its row
                storage.write_concepts(store.db, [target])
            storage.write_labels(store.db, [(target.id, alias, "alias", None)], replace=True)
        self.fit()
        return {"concept": target.id, "label": target.label, "alias": alias,
                "before": before.as_dict()}

    def add_concepts(self, concepts: Iterable[Concept],
                     labels: Iterable[tuple[str, str, str, str | None]]) -> None:
        """Upsert concepts and (concept_id, label, kind, lang) labels in one transaction."""
        store = self._store()
        with store.transaction():
            storage.write_concepts(store.db, concepts)
            storage.write_labels(store.db, labels)
        self.fit()

    # --- reading the store ----------------------------------------------------------------
    def unresolved(self, *, limit: int | None = None, nearest: int = 3) -> list[dict[str, Any]]:
        """Competence texts in the store that resolve to no concept, most frequent first.

        Each row: ``text``, ``count``, ``candidates``, ``functions`` (how many use it) and
        ``nearest`` concepts, so a coach can add the right one as an alias.
        """
        self._check_fitted()
        found: dict[str, dict[str, Any]] = {}
        for r in storage.competence_texts(self._store()):
            if self.resolve(r["name"], r["esco_uri"]).resolved:
                continue
            # a list of competences counts as its parts (matching.lists.as_parts): only its
            # parts that resolve to nothing need an alias
            parts = self.parts(r["name"]) if not r["esco_uri"] else None
            for text in [p for p in parts if not self.resolve(p).resolved] if parts else [r["name"]]:
                entry = found.setdefault(fold(text), {"text": text, "count": 0,
                                                      "candidates": 0, "functions": 0})
                entry["candidates"] += r["c"]
                entry["functions"] += r["f"]
                entry["count"] += r["c"] + r["f"]
        out = sorted(found.values(), key=lambda e: (-e["count"], fold(e["text"])))
        out = out[:limit] if limit else out
        for e in out:
            e["nearest"] = self.nearest(e["text"], nearest)
        return out
