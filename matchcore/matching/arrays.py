"""The matcher's data as typed arrays: functions, candidates, and the column space they share.

Everything the scoring and the explanations need is held here as flat numpy arrays and CSR
parts (``*_indptr`` / ``*_indices`` and the values), over one column space: the concepts used
anywhere, plus ``free:<folded text>`` columns for competences that resolve to no concept.
:func:`matchcore.matching.data.build` fills them from the store; :func:`save_cached` and
:func:`load_cached` keep them as one blob in the store's ``match_cache`` table keyed on its
``data_version``, so a CLI query loads them (tens of milliseconds) instead of re-reading
every function.
"""
from __future__ import annotations

import dataclasses
import functools
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matchcore.matching import sidecar
from matchcore.matching.limits import CANDIDATE_FIELDS
from matchcore.matching.titles import TitleIndex, expand_titles
from matchcore.model import CEFR_LEVELS, SHIFTS
from matchcore.vocabulary import TextIndex, fold

__all__ = [
    "EARTH_RADIUS_KM",
    "FORMAT",
    "HOURS_TOLERANCE",
    "LICENCE_IMPLIES",
    "OWN_TRANSPORT",
    "REFERENCE_EMPLOYERS",
    "TRANSPORT_REACH_KM",
    "CandidateArrays",
    "FunctionArrays",
    "MatchData",
    "cefr_rank",
    "column_of",
    "licence_mask",
    "load_cached",
    "reach_km",
    "res_key",
    "save_cached",
    "shift_mask",
    "VIA",
    "how_matched",
    "title_texts",
    "spans",
    "unit_xyz",
]

FORMAT = "match-v14"  # v4: day parts, weekdays, hours ranges, dates, windows, bending, cold, allergens;
# v5: title TF-IDF (tm_*), ESCO titles, embedding evidence (ct_via); v6: functions and weights in <db>.match;
# v7: the functions by workplace and constraint profile (weights.pruner.*, matching.prune);
# v8: the title and job-target vectors (tm_vectors, target_vectors);
# v9: the meaning component's nearest columns of unresolved texts (sw_*, st_*);
# v10: the functions' lists of texts as arrays in <db>.match (sidecar.Texts);
# v11: the meaning component's cosines weigh the functions' own texts in (evidence.MeaningSpace);
# v12: fuzzy hits confirmed against the nearest concept by meaning (evidence.CONFIRM_MARGIN)
# v13: the normal key stems by Snowball Dutch (vocabulary.dutch.snowball);
# v14: a text listing several competences counts as its parts (matching.lists.as_parts)
HOURS_TOLERANCE = 0.2  # a function within +-20 % of the wanted hours fits (FORMATS.md)
EARTH_RADIUS_KM = 6371.0
REFERENCE_EMPLOYERS = frozenset({"esco"})

# How far each way of travelling reasonably reaches for a daily commute, one way (km). The
# candidate's limit is min(max_commute_km, the farthest of their means of transport).
TRANSPORT_REACH_KM = {"walk": 5.0, "bike": 15.0, "moped": 30.0, "public_transport": 40.0,
                      "car": 60.0}
OWN_TRANSPORT = frozenset({"bike", "moped", "car"})
# A Belgian licence includes the lower categories (C needs B first, CE includes C, ...).
LICENCE_IMPLIES = {"BE": {"B"}, "C1": {"B"}, "C": {"B", "C1"}, "CE": {"B", "BE", "C", "C1"},
                   "C1E": {"B", "BE", "C1"}, "D1": {"B"}, "D": {"B", "D1"},
                   "DE": {"B", "BE", "D", "D1"}, "A": {"A2", "A1", "AM"}, "A2": {"A1", "AM"},
                   "A1": {"AM"}}
LICENCES = ("AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D", "DE", "G")


def shift_mask(shifts) -> int:
    return sum(1 << SHIFTS.index(s) for s in (shifts or ()) if s in SHIFTS)


def licence_mask(licences, *, implied: bool = True) -> int:
    have = {str(x).strip().upper() for x in (licences or ()) if str(x).strip()}
    if implied:
        for x in list(have):
            have |= LICENCE_IMPLIES.get(x, set())
    return sum(1 << LICENCES.index(x) for x in have if x in LICENCES)


def cefr_rank(level) -> int:
    return CEFR_LEVELS.index(level) + 1 if level in CEFR_LEVELS else 0


def reach_km(max_commute_km, transport) -> float:
    """The candidate's commute limit in km (inf when nothing limits it)."""
    limit = math.inf if max_commute_km is None else float(max_commute_km)
    modes = [TRANSPORT_REACH_KM[t] for t in (transport or ()) if t in TRANSPORT_REACH_KM]
    return min(limit, max(modes)) if modes else limit


def spans(lo: np.ndarray, size: np.ndarray) -> np.ndarray:
    """The positions lo[i] .. lo[i] + size[i] - 1 of every span, one after the other: the
    entries of a few CSR rows in one gather (``size`` int64)."""
    return np.repeat(lo - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))


def unit_xyz(lat, lon) -> np.ndarray:
    lat, lon = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def column_of(res, name: str) -> str:
    """The column of a resolved text: its concept, or ``free:<folded>`` when unresolved."""
    return res.concept if res.concept else "free:" + fold(name)


def title_texts(title: str, extra: dict | None) -> list[str]:
    """What a function is called: its title, its alternatives and its ESCO occupation's Dutch
    titles (:func:`matchcore.matching.titles.expand_titles`)."""
    return expand_titles(title, extra)


VIA = ("text", "embedding", "related")
"""What gave evidence: for an unresolved text, character n-grams or the embedding; for a
concept held, a related concept of the vocabulary (broader/narrower, ``Vocabulary.related_credit``)."""


def how_matched(hit: list) -> str:
    """How a resolved text matched its concept, for the explanations: the resolution's method
    (``exact``, ``synonym``, ``esco_uri``, ...), with the score when fuzzy (``fuzzy 92``)."""
    method = str(hit[2])
    return f"{method} {hit[1]:.0f}" if method == "fuzzy" else method


def res_key(name: str, uri: str | None) -> str:
    """The key of one (text, ESCO URI) in :attr:`MatchData.resolutions`."""
    return name + "\x1f" + (uri or "")


def _none(x) -> float | None:
    """A float array entry as a value, NaN as None."""
    return None if np.isnan(x) else float(x)


@dataclass
class FunctionArrays:
    """Every stored function, one row each in id order.

    ``fm_*`` is the function x column matrix (one entry per column: the max level and weight
    of the competences written for it, required when any is); ``fc_*`` the competences as
    written, in their order (``fc_res`` indexes :attr:`MatchData.resolution_keys`), for the
    explanations (see :meth:`competence`); ``tt_*`` the title texts of each function (indexes ``MatchData.title_texts``).
    """

    ids: list[str]
    employer: list[str]
    title: list[str]
    sector: np.ndarray          # int32 index into MatchData.sectors
    hours: np.ndarray           # float64
    shifts: np.ndarray          # int16 bit mask over SHIFTS
    openings: np.ndarray        # int32
    visible: np.ndarray         # bool
    reference: np.ndarray       # bool: a reference profile (no workplace, no hours)
    lat: np.ndarray             # float64, NaN when unknown or a reference profile
    lon: np.ndarray
    lic: np.ndarray             # int32 bit mask over LICENCES (the licence asked, not implied)
    lic_text: list[str]
    dutch: np.ndarray           # int8 CEFR rank, 0 = not asked
    lift: np.ndarray            # float64 kg, NaN = not asked
    standing: np.ndarray        # bool
    own_transport: np.ndarray   # bool
    # issue 14 (matchcore.matching.limits.FUNCTION_FIELDS): weekday mask, start date ordinal
    # (0 none), working hours in minutes (-1 none), bending, cold, allergen mask
    days: np.ndarray
    start: np.ndarray
    win_lo: np.ndarray
    win_hi: np.ndarray
    bending: np.ndarray
    cold: np.ndarray
    allergens: np.ndarray
    tt_indptr: np.ndarray
    tt_indices: np.ndarray
    fm_indptr: np.ndarray
    fm_indices: np.ndarray
    fm_level: np.ndarray
    fm_weight: np.ndarray
    fm_required: np.ndarray
    fc_indptr: np.ndarray
    fc_res: np.ndarray          # the smallest unsigned type that holds the index
    fc_spec: np.ndarray         # uint8: level + 8 when required
    fc_weight: np.ndarray       # index into fc_weights (kept small: the blob loads on each query)
    fc_weights: np.ndarray      # float64, the distinct weights
    idf: np.ndarray             # float32 per column
    # the distinct sets of title texts (texts in a row, where each set starts) and each
    # function's set (title_groups): made at build, as a Python pass over 100,000 functions
    # cost a CLI query 0.1 s
    tg_texts: np.ndarray | None = None
    tg_starts: np.ndarray | None = None
    tg_of: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def title_groups(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(texts, starts, set of each function): see :attr:`tg_texts`."""
        if self.tg_of is None:
            ptr, ind = self.tt_indptr.tolist(), self.tt_indices.tolist()
            sets: dict[tuple, int] = {}
            group_of = np.array([sets.setdefault(tuple(ind[a:b]), len(sets))
                                 for a, b in zip(ptr[:-1], ptr[1:])], np.int64)
            self.tg_texts = np.array([t for k in sets for t in k], np.int64)
            self.tg_starts = np.cumsum([0] + [len(k) for k in sets][:-1]).astype(np.int64)
            self.tg_of = group_of
        return self.tg_texts, self.tg_starts, self.tg_of

    def competence(self, j: int) -> tuple[int, int, float, bool]:
        """Written competence ``j``: (index of its resolution key, level, weight, required)."""
        spec = int(self.fc_spec[j])
        return int(self.fc_res[j]), spec & 7, float(self.fc_weights[self.fc_weight[j]]), spec >= 8


@dataclass
class CandidateArrays:
    """Candidates (the stored ones, or records built on demand), one row each.

    ``cm_*``: the columns held (max level; ``cm_name`` indexes :attr:`names`, the text that
    gave it); ``ct_*``: text evidence of unresolved strings on columns not held (best
    similarity, ``ct_src`` the index of the string in :attr:`free`, ``ct_via`` text or
    embedding, ``ct_cos`` its similarity); ``tg_*``: folded job
    targets (into :attr:`targets`).
    """

    ids: list[str]
    lat: np.ndarray             # float64, NaN when unknown
    lon: np.ndarray
    reach: np.ndarray           # km, inf = no limit
    max_commute_km: np.ndarray  # NaN = none given
    hours: np.ndarray           # NaN = unknown
    shifts: np.ndarray          # int16 bit mask
    night_ok: np.ndarray        # bool
    lift: np.ndarray            # NaN = no limit
    no_standing: np.ndarray     # bool
    lic: np.ndarray             # int32 bit mask, implied licences included
    dutch: np.ndarray           # int8 CEFR rank, 0 = unknown
    own_transport: np.ndarray   # bool
    # issue 14 (matchcore.matching.limits.CANDIDATE_FIELDS): hours that fit (NaN unknown),
    # weekday mask, available_from ordinal, childcare window, bending, cold, allergen mask
    hours_lo: np.ndarray
    hours_hi: np.ndarray
    days: np.ndarray
    available: np.ndarray
    win_lo: np.ndarray
    win_hi: np.ndarray
    no_bending: np.ndarray
    no_cold: np.ndarray
    allergens: np.ndarray
    words_indptr: np.ndarray    # rows 3 i, 3 i + 1, 3 i + 2: candidate i's shifts, transport, licences
    words: np.ndarray           # uint16 index into word_texts, in the candidate's order
    word_texts: list[str]
    targets: list[str]
    tg_indptr: np.ndarray
    cm_indptr: np.ndarray
    cm_indices: np.ndarray
    cm_level: np.ndarray
    cm_name: np.ndarray
    names: np.ndarray           # str: the texts of cm_name (an array, quick to load)
    name_how: np.ndarray        # str, aligned with names: how the text resolved (how_matched)
    ct_indptr: np.ndarray
    ct_indices: np.ndarray
    ct_sim: np.ndarray
    ct_src: np.ndarray
    ct_via: np.ndarray          # uint8 index into VIA: what gave the evidence
    ct_cos: np.ndarray          # float32: the similarity shown (ct_sim is the credit basis)
    free: list[list[str]]       # per candidate, its texts that resolve to no concept
    # the meaning component (matchcore.matching.meaning.meaning_rows): per candidate its rows of
    # free texts (sw_indptr), how many of them M takes its mean over (sw_count), the
    # share of its competence texts that are short phrasings (sw_share: M's share of U, 0 without
    # the model), per text its nearest columns and their centred cosines (st_*)
    sw_indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    sw_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sw_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    st_indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    st_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    st_cos: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, i: int) -> CandidateArrays:
        """Candidate ``i`` alone, as arrays of one row (views where possible)."""
        a, b = int(self.words_indptr[3 * i]), int(self.words_indptr[3 * i + 3])
        parts: dict[str, Any] = {"ids": [self.ids[i]], "names": self.names,
                                 "name_how": self.name_how, "free": [self.free[i]],
                                 "words_indptr": self.words_indptr[3 * i:3 * i + 4] - a,
                                 "words": self.words[a:b], "word_texts": self.word_texts}
        for name in ("lat", "lon", "reach", "max_commute_km", "hours", "shifts", "night_ok",
                     "lift", "no_standing", "lic", "dutch", "own_transport", *CANDIDATE_FIELDS):
            parts[name] = getattr(self, name)[i:i + 1]
        for prefix, names in (("cm", ("indices", "level", "name")), ("ct", ("indices", "sim", "src", "via", "cos"))):
            ptr = getattr(self, f"{prefix}_indptr")
            a, b = int(ptr[i]), int(ptr[i + 1])
            parts[f"{prefix}_indptr"] = np.array([0, b - a], np.int64)
            for n in names:
                parts[f"{prefix}_{n}"] = getattr(self, f"{prefix}_{n}")[a:b]
        a, b = int(self.sw_indptr[i]), int(self.sw_indptr[i + 1])
        parts["sw_indptr"] = np.array([0, b - a], np.int64)
        parts["sw_share"] = self.sw_share[i:i + 1]
        parts["sw_count"] = self.sw_count[i:i + 1]
        lo, hi = int(self.st_indptr[a]), int(self.st_indptr[b])
        parts["st_indptr"] = self.st_indptr[a:b + 1] - lo
        parts["st_indices"], parts["st_cos"] = self.st_indices[lo:hi], self.st_cos[lo:hi]
        a, b = int(self.tg_indptr[i]), int(self.tg_indptr[i + 1])
        parts["targets"] = self.targets[a:b]
        parts["tg_indptr"] = np.array([0, b - a], np.int64)
        return CandidateArrays(**parts)

    def _words(self, i: int, kind: int) -> list[str]:
        a, b = int(self.words_indptr[3 * i + kind]), int(self.words_indptr[3 * i + kind + 1])
        return [self.word_texts[j] for j in self.words[a:b].tolist()]

    def shifts_of(self, i: int) -> list[str]:
        return self._words(i, 0)

    def transport_of(self, i: int) -> list[str]:
        return self._words(i, 1)

    def licences_of(self, i: int) -> list[str]:
        return self._words(i, 2)

    def targets_of(self, i: int) -> list[str]:
        return self.targets[int(self.tg_indptr[i]):int(self.tg_indptr[i + 1])]

    def home(self, i: int) -> tuple[float | None, float | None]:
        return _none(self.lat[i]), _none(self.lon[i])


@dataclass
class MatchData:
    """What :meth:`matchcore.matching.matcher.Matcher.fit` builds or loads: the arrays and the
    vocabulary around them (``version`` is the store's ``data_version`` they were read at)."""

    format: str
    version: int
    columns: list[str]
    resolutions: dict[str, list]   # res_key -> [concept, score, method, column]
    sectors: list[str]
    title_texts: list[str]
    functions: FunctionArrays
    candidates: CandidateArrays
    tm_indptr: np.ndarray | None = None     # the title TF-IDF (matchcore.matching.titles)
    tm_indices: np.ndarray | None = None
    tm_data: np.ndarray | None = None
    tm_features: np.ndarray | None = None
    tm_idf: np.ndarray | None = None
    # the centred unit e5 vectors of title_texts (float16), made at build so that a query loads
    # no model for them (None: built without the model; then embedded when first needed)
    tm_vectors: np.ndarray | None = None
    # ... and of the stored candidates' distinct job targets (target_texts), likewise; in the
    # blob, not the memory-mapped file, as it is the candidates' side (an erasure drops the blob)
    target_vectors: np.ndarray | None = None
    text_index: TextIndex | None = field(default=None, metadata={"cache": False})
    semantic: Any = field(default=None, metadata={"cache": False})  # matching.evidence
    meaning_space: Any = field(default=None, metadata={"cache": False})  # matching.evidence
    # the default parameters' folded weights, as loaded from the cache (Weights.from_parts)
    prepared: dict | None = field(default=None, metadata={"cache": False})
    # where title and job-target vectors not in the bundled file are kept: the store's
    # <db>.vectors (semantic.cache_for), set by the matcher; None: this process's memory
    vector_cache: Any = field(default=None, metadata={"cache": False})

    def __post_init__(self) -> None:
        self.col_index = {c: i for i, c in enumerate(self.columns)}
        self.resolution_keys = list(self.resolutions)

    @functools.cached_property
    def f_index(self) -> dict[str, int]:
        return {f: i for i, f in enumerate(self.functions.ids)}

    @functools.cached_property
    def title_index(self) -> TitleIndex:
        """The character n-gram TF-IDF of :attr:`title_texts` (kept in the cache blob)."""
        if self.tm_indptr is None:
            index = TitleIndex.fit(self.title_texts)
            for k, v in index.parts().items():
                setattr(self, k, v)
        else:
            index = TitleIndex.from_parts(self.title_texts, {k: getattr(self, k) for k in (
                "tm_indptr", "tm_indices", "tm_data", "tm_features", "tm_idf")})
        index.vector_cache = self.vector_cache
        if self.tm_vectors is not None and len(self.tm_vectors) == len(self.title_texts):
            index.set_vectors(self.tm_vectors)
        targets = self.target_texts
        if self.target_vectors is not None and len(self.target_vectors) == len(targets):
            index.know_targets(targets, self.target_vectors)
        return index

    @property
    def target_texts(self) -> list[str]:
        """The stored candidates' distinct job targets (folded), sorted."""
        return sorted(set(self.candidates.targets))

    @functools.cached_property
    def c_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.candidates.ids)}


# --- the cache blob -----------------------------------------------------------------------

def _cache_key(version: int, params: str) -> str:
    return f"{FORMAT}:{version}:{params}"


def _split(obj, prefix: str, arrays: dict, meta: dict) -> None:
    for f in dataclasses.fields(obj):
        if not f.metadata.get("cache", True):
            continue
        v = getattr(obj, f.name)
        if isinstance(v, np.ndarray):
            arrays[prefix + f.name] = v
        elif dataclasses.is_dataclass(v):
            _split(v, f.name + ".", arrays, meta)
        else:  # texts mapped from <db>.match are written again as the plain list they are
            meta[prefix + f.name] = v.tolist() if isinstance(v, sidecar.Texts) else v


# the functions' side and the weights go to the memory-mapped file (matchcore.matching.sidecar)
_SIDE = ("functions.", "tm_", "weights.")


def save_cached(store, data: MatchData, params: str, *, wait_s: float = 0.5,
                extra: dict[str, np.ndarray] | None = None) -> None:
    """Keep ``data`` in ``match_cache``, labelled with the version it was read at
    (``data.version``, never the store's version now: a write may have come in between);
    the functions' arrays and ``extra`` (the folded weights, names ``weights.*``) in the
    memory-mapped file ``<db>.match`` that the blob names (:mod:`~matchcore.matching.sidecar`).

    Skipped when the store moved on meanwhile (the blob would be stale at once). Waits at most
    ``wait_s`` for the write lock: a match would rather work uncached than wait for writers.
    Raises StoreError when the lock was not had in time or the file is read-only.
    """
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {}
    _split(data, "", arrays, meta)
    arrays.update(extra or {})
    key = _cache_key(data.version, params)
    path = sidecar.path_of(store)
    if path is not None:
        side = {k: arrays.pop(k) for k in list(arrays) if k.startswith(_SIDE) and arrays[k].dtype.kind not in "OU"}
        side_meta = {k: meta.pop(k) for k in list(meta) if k.startswith(_SIDE)}
        try:
            meta["__sidecar__"] = sidecar.write(path, key, side, side_meta)
        except OSError:  # a read-only folder: everything in the blob
            arrays.update(side)
            meta.update(side_meta)
    arrays["__meta__"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    with store.write(bump=False, wait_s=wait_s):
        if store.data_version == data.version:
            store.db.execute("insert or replace into match_cache (name, key, blob) values (?, ?, ?)",
                             ["matcher", key, buf.getvalue()])


def load_cached(store, params: str) -> MatchData | None:
    """The cached arrays if they are of the store's current data; call it inside
    ``store.read()``, so that the version compared is the one of the data read after."""
    with store.read():
        version = store.data_version
        row = store.db.execute("select key, blob from match_cache where name = 'matcher'").fetchone()
    if row is None or row[0] != _cache_key(version, params):
        return None
    with np.load(io.BytesIO(row[1]), allow_pickle=False) as z:
        flat: dict[str, Any] = {k: z[k] for k in z.files}
    flat.update(json.loads(flat.pop("__meta__").tobytes().decode()))
    token = flat.pop("__sidecar__", None)
    if token is not None:
        path = sidecar.path_of(store)
        got = sidecar.read(path, row[0], token) if path else None
        if got is None:  # the file is not the one this blob was written with: rebuild
            return None
        flat.update(got[0])
        flat.update(got[1])
    parts: dict[str, dict[str, Any]] = {"": {}, "functions.": {}, "candidates.": {}, "weights.": {}}
    for k, v in flat.items():
        prefix, _, name = k.partition(".") if k.startswith("weights.") else k.rpartition(".")
        parts[prefix + "." if prefix else ""][name] = v
    try:
        data = MatchData(**parts[""], functions=FunctionArrays(**parts["functions."]),
                         candidates=CandidateArrays(**parts["candidates."]))
    except TypeError:  # a blob of another layout under the same key: rebuild
        return None
    data.prepared = parts["weights."] or None
    return data
