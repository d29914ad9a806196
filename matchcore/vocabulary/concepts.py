"""The competence vocabulary: concepts, their labels, and resolving free text to them.

Coaches write one competence many ways ("heftruck besturen", "vorkheftruck rijden", "heftruk",
"rijden met heftruck"). A *concept* has an id, a preferred label, alternative labels, a type
(``technical`` = vaktechnisch, ``generic`` = generiek), sectors and an optional ESCO URI. The
concepts live in the store (tables ``vocab_concepts`` and ``vocab_labels``); the Dutch starter
vocabulary ``matchcore/data/vocabulary_nl.yaml`` is loaded into it on first use and again
whenever that file changes.

Resolving a text (:meth:`Vocabulary.resolve`) goes, in order:

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

Examples
--------
>>> fold("Rijden met de Vorkheftruck!")
'rijden met de vorkheftruck'
>>> key("Rijden met de Vorkheftruck!")
'rijden vorkheftruck'
>>> vocab = Vocabulary(store).fit()                     # doctest: +SKIP
>>> vocab.resolve("heftruk besturen").concept           # doctest: +SKIP
'heftruck-besturen'
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matchcore.errors import MatchcoreError, NotFound, VocabularyError

__all__ = [
    "RESOLVE_THRESHOLD",
    "STARTER_PATH",
    "STOP_WORDS",
    "TEXT_THRESHOLD",
    "Concept",
    "Resolution",
    "TextIndex",
    "Vocabulary",
    "VocabularyError",
    "fold",
    "import_esco",
    "key",
]

RESOLVE_THRESHOLD = 85.0
"""Minimum rapidfuzz ``fuzz.ratio`` (0..100) between keys for a fuzzy resolution."""

TEXT_THRESHOLD = 0.5
"""Char n-gram TF-IDF cosine below which free text is no evidence for a competence."""

STARTER_PATH = Path(__file__).resolve().parent.parent / "data" / "vocabulary_nl.yaml"

STOP_WORDS = frozenset(
    ["de", "het", "een", "van", "met", "in", "op", "en", "voor", "te", "aan", "bij", "door", "naar", "om", "uit", "over", "tot", "of", "als", "the", "a", "an", "of", "to", "and", "for", "with", "on", "at", "by", "from"]
)

# Lower wins when several concepts share a label: a coach's alias beats everything, the
# Dutch starter beats ESCO, preferred labels beat alternatives, hidden labels come last.
PRIORITY = {"alias": 0, "pref": 1, "alt": 2, "en": 3, "esco_pref": 4, "esco_alt": 5,
            "esco_hidden": 6}
CONCEPT_TYPES = ("technical", "generic")
_STARTER_KEYS = {"id", "label", "alt", "type", "sectors", "en", "esco_uri", "description"}
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


class Vocabulary:
    """The competence vocabulary of a store, and text-to-concept resolution.

    Parameters
    ----------
    store : matchcore.store.db.Store
        Where the concepts live.
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
    version_ : int
        The store's ``data_version`` the vocabulary was read at.
    """

    def __init__(self, store, *, threshold: float = RESOLVE_THRESHOLD, seed: bool = True):
        if not 0 < threshold <= 100:
            raise ValueError("The 'threshold' parameter of Vocabulary must be a number in "
                             f"(0, 100]. Got {threshold!r} instead.")
        self.store = store
        self.threshold = threshold
        self.seed = seed

    # --- learning -------------------------------------------------------------------------
    def fit(self) -> Vocabulary:
        """Seed the starter vocabulary if needed, then read concepts and labels."""
        if self.seed:
            seed_starter(self.store)
        db = self.store.db
        self.concepts_ = {}
        for r in db.execute("select id, label, type, sectors, en, esco_uri, source, description "
                            "from vocab_concepts order by id"):
            self.concepts_[r[0]] = Concept(r[0], r[1], r[2] or "technical",
                                           tuple(json.loads(r[3] or "[]")), r[4], r[5],
                                           r[6] or "user", r[7])
        self.by_uri_ = {c.esco_uri: c.id for c in self.concepts_.values() if c.esco_uri}
        self.labels_ = {}
        self.exact_ = {}
        keys: dict[str, str] = {}
        for cid, label, folded, k in db.execute(
                "select concept_id, label, folded, key from vocab_labels "
                "order by priority, concept_id, folded"):
            self.labels_.setdefault(cid, []).append(label)
            self.exact_.setdefault(folded, cid)
            keys.setdefault(k, cid)
        for k, cid in keys.items():
            self.exact_.setdefault(k, cid)
        self.keys_ = list(keys)
        self.key_concepts_ = list(keys.values())
        self.version_ = self.store.data_version
        self._cache: dict[tuple[str, str | None], Resolution] = {}
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "concepts_"):
            self.fit()

    # --- resolving ------------------------------------------------------------------------
    def resolve(self, text: str, esco_uri: str | None = None) -> Resolution:
        """Resolve one competence text (and optional ESCO URI) to a concept."""
        self._check_fitted()
        memo = (text, esco_uri)
        if memo in self._cache:
            return self._cache[memo]
        res = self._resolve(text, esco_uri)
        self._cache[memo] = res
        return res

    def _resolve(self, text: str, esco_uri: str | None, fuzzy: bool = True) -> Resolution:
        if esco_uri and esco_uri in self.by_uri_:
            cid = self.by_uri_[esco_uri]
            return Resolution(text, cid, self.concepts_[cid].label, 100.0, "esco_uri")
        folded, k = fold(text), key(text)
        cid = self.exact_.get(folded) or self.exact_.get(k)
        if cid:
            return Resolution(text, cid, self.concepts_[cid].label, 100.0, "exact")
        if fuzzy and k and self.keys_:
            from rapidfuzz import fuzz, process

            hit = process.extractOne(k, self.keys_, scorer=fuzz.ratio, processor=None,
                                     score_cutoff=self.threshold)
            if hit is not None:
                cid = self.key_concepts_[hit[2]]
                return Resolution(text, cid, self.concepts_[cid].label, float(hit[1]), "fuzzy")
        return Resolution(text, None, None, 0.0, "unresolved")

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
            res = self._resolve(text, uri, fuzzy=False)
            if res.resolved or not key(text) or not self.keys_:
                self._cache[memo] = res
            else:
                todo.setdefault(key(text), []).append(memo)
        if todo:
            import numpy as np
            from rapidfuzz import fuzz, process

            queries = list(todo)
            for lo in range(0, len(queries), chunk):
                part = queries[lo:lo + chunk]
                scores = process.cdist(part, self.keys_, scorer=fuzz.ratio, processor=None,
                                       score_cutoff=self.threshold, dtype=np.float32, workers=-1)
                best = scores.argmax(axis=1)
                for q, j, row in zip(part, best, scores):
                    score = float(row[j])
                    for memo in todo[q]:
                        if score >= self.threshold:
                            cid = self.key_concepts_[int(j)]
                            res = Resolution(memo[0], cid, self.concepts_[cid].label, score, "fuzzy")
                        else:
                            res = Resolution(memo[0], None, None, 0.0, "unresolved")
                        self._cache[memo] = res
        return [self._cache[p] for p in pairs]

    def nearest(self, text: str, n: int = 3) -> list[dict[str, Any]]:
        """The ``n`` concepts whose labels look most like ``text`` (for suggestions).

        Uses rapidfuzz ``WRatio``, more lenient than resolution, so partial matches show.
        """
        self._check_fitted()
        from rapidfuzz import fuzz, process

        found: dict[str, float] = {}
        for label, score, i in process.extract(key(text), self.keys_, scorer=fuzz.WRatio,
                                               processor=None, limit=n * 8):
            cid = self.key_concepts_[i]
            if cid not in found:
                found[cid] = score
        best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return [{"concept": cid, "label": self.concepts_[cid].label, "score": round(s, 1)}
                for cid, s in best]

    def concept(self, concept_id_or_label: str) -> Concept:
        """A concept by id, or by one of its labels; NotFound with a suggestion otherwise."""
        self._check_fitted()
        if concept_id_or_label in self.concepts_:
            return self.concepts_[concept_id_or_label]
        cid = self.exact_.get(fold(concept_id_or_label))
        if cid:
            return self.concepts_[cid]
        from rapidfuzz import process

        hit = process.extractOne(concept_id_or_label, list(self.concepts_), score_cutoff=70)
        raise NotFound("concept", concept_id_or_label, hit[0] if hit else None)

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
        target = self.concept(concept)
        folded = fold(alias)
        if not folded:
            raise VocabularyError(f"alias {alias!r}: empty after folding; give letters or digits")
        clash = self.store.db.execute(
            "select concept_id from vocab_labels where (folded = ? or key = ?) and kind = 'alias' "
            "and concept_id != ?", [folded, key(alias), target.id]).fetchone()
        if clash:
            raise VocabularyError(f"alias {alias!r} is already an alias of concept {clash[0]!r}; "
                                  f"remove it there first")
        before = self.resolve(alias)
        with self.store.transaction():
            write_labels(self.store.db, [(target.id, alias, "alias", None)], replace=True)
        self.fit()
        return {"concept": target.id, "label": target.label, "alias": alias,
                "before": before.as_dict()}

    def add_concepts(self, concepts: Iterable[Concept],
                     labels: Iterable[tuple[str, str, str, str | None]]) -> None:
        """Upsert concepts and (concept_id, label, kind, lang) labels in one transaction."""
        with self.store.transaction():
            write_concepts(self.store.db, concepts)
            write_labels(self.store.db, labels)
        self.fit()

    # --- reading the store ----------------------------------------------------------------
    def unresolved(self, *, limit: int | None = None, nearest: int = 3) -> list[dict[str, Any]]:
        """Competence texts in the store that resolve to no concept, most frequent first.

        Each row: ``text``, ``count``, ``candidates``, ``functions`` (how many use it) and
        ``nearest`` concepts, so a coach can add the right one as an alias.
        """
        self._check_fitted()
        rows = self.store.rows(
            "select name, esco_uri, sum(c) as c, sum(f) as f from ("
            " select name, esco_uri, 1 as c, 0 as f from candidate_competences"
            " union all select name, esco_uri, 0, 1 from function_competences)"
            " group by name, esco_uri")
        found: dict[str, dict[str, Any]] = {}
        for r in rows:
            if self.resolve(r["name"], r["esco_uri"]).resolved:
                continue
            entry = found.setdefault(fold(r["name"]), {"text": r["name"], "count": 0,
                                                       "candidates": 0, "functions": 0})
            entry["candidates"] += r["c"]
            entry["functions"] += r["f"]
            entry["count"] += r["c"] + r["f"]
        out = sorted(found.values(), key=lambda e: (-e["count"], fold(e["text"])))
        out = out[:limit] if limit else out
        for e in out:
            e["nearest"] = self.nearest(e["text"], nearest)
        return out


# --- writing ------------------------------------------------------------------------------

def write_concepts(db, concepts: Iterable[Concept]) -> int:
    rows = [(c.id, c.label, c.type, json.dumps(list(c.sectors), ensure_ascii=False), c.en,
             c.esco_uri, c.source, c.description) for c in concepts]
    db.conn.executemany(
        "insert into vocab_concepts (id, label, type, sectors, en, esco_uri, source, description) "
        "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(id) do update set label = excluded.label, "
        "type = excluded.type, sectors = excluded.sectors, en = coalesce(excluded.en, en), "
        "esco_uri = coalesce(excluded.esco_uri, esco_uri), source = excluded.source, "
        "description = coalesce(excluded.description, description)", rows)
    return len(rows)


def write_labels(db, labels: Iterable[tuple[str, str, str, str | None]], *,
                 replace: bool = False) -> int:
    """Insert (concept_id, label, kind, lang); an existing (concept, folded) keeps the better kind."""
    rows = []
    for cid, label, kind, lang in labels:
        folded = fold(label)
        if folded:
            rows.append((cid, label, folded, key(label), kind, lang, PRIORITY[kind]))
    db.conn.executemany(
        "insert into vocab_labels (concept_id, label, folded, key, kind, lang, priority) "
        "values (?, ?, ?, ?, ?, ?, ?) on conflict(concept_id, folded) do update set "
        "label = excluded.label, kind = excluded.kind, lang = excluded.lang, "
        "priority = excluded.priority "
        + ("" if replace else "where excluded.priority < vocab_labels.priority"), rows)
    return len(rows)


def load_starter(path: Path | None = None) -> tuple[list[Concept], list[tuple]]:
    """Read the starter YAML (a list of {id, label, alt, type, sectors, en, esco_uri})."""
    import yaml

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
            from rapidfuzz import process

            bad = sorted(unknown)[0]
            hit = process.extractOne(bad, sorted(_STARTER_KEYS), score_cutoff=70)
            hint = f" (did you mean {hit[0]!r}?)" if hit else ""
            raise VocabularyError(f"{where}: unknown field {bad!r}{hint}")
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
    missing or has changed since it was last loaded; return whether it loaded."""
    path = Path(path or STARTER_PATH)
    if not path.is_file():
        return False
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    if store.meta("vocab_starter") == digest:
        return False
    concepts, labels = load_starter(path)
    with store.transaction():
        write_concepts(store.db, concepts)
        write_labels(store.db, labels)
        merge_esco_twins(store.db, concepts)
        store._set_meta("vocab_starter", digest)
    return True


def merge_esco_twins(db, concepts: Iterable[Concept]) -> int:
    """Fold an imported ESCO concept into the starter concept that names its URI.

    ESCO imported before the starter vocabulary (or before a starter concept got its
    ``esco_uri``) leaves two concepts for one skill; the ESCO one's labels move to the starter
    concept and the twin is removed. Returns how many were merged."""
    merged = 0
    for c in concepts:
        if not c.esco_uri:
            continue
        for (twin,) in db.execute("select id from vocab_concepts where esco_uri = ? and "
                                  "source = 'esco' and id != ?", [c.esco_uri, c.id]).fetchall():
            db.execute("insert or ignore into vocab_labels (concept_id, label, folded, key, kind, "
                       "lang, priority) select ?, label, folded, key, kind, lang, priority from "
                       "vocab_labels where concept_id = ?", [c.id, twin])
            db.execute("delete from vocab_labels where concept_id = ?", [twin])
            db.execute("delete from vocab_concepts where id = ?", [twin])
            merged += 1
    return merged


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
        import numpy as np
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
        import numpy as np
        import scipy.sparse as sp

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


def import_esco(store, directory, **options) -> dict[str, Any]:
    """Import an ESCO CSV export: skills into the vocabulary, occupations as reference profiles.

    See :func:`matchcore.vocabulary.esco.import_esco` for the parameters; kept there to keep this module
    short and its imports light.
    """
    from matchcore.vocabulary.esco import import_esco as run

    return run(store, directory, **options)
