"""The matcher's arrays: functions and candidates as numpy/scipy data (private to matching).

Everything the scoring needs is read from the store once, turned into flat arrays and sparse
matrices over one column space (the concepts used anywhere, plus ``free:<folded text>`` columns
for competences that resolve to no concept), and cached as one blob in the ``match_cache`` table
keyed on the store's ``data_version``. A CLI query then loads the blob (tens of milliseconds)
instead of re-reading every function.
"""
from __future__ import annotations

import io
import json
import math
from typing import Any

import numpy as np
import scipy.sparse as sp

from matchcore.model import CEFR_LEVELS, SHIFTS
from matchcore.vocabulary.concepts import TextIndex, Vocabulary, fold

__all__ = [
    "FORMAT",
    "LICENCE_IMPLIES",
    "OWN_TRANSPORT",
    "REFERENCE_EMPLOYERS",
    "TRANSPORT_REACH_KM",
    "build",
    "build_text_index",
    "candidate_arrays",
    "cefr_rank",
    "column_of",
    "licence_mask",
    "load_cached",
    "reach_km",
    "save_cached",
    "shift_mask",
    "title_texts",
]

FORMAT = "match-v1"
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


def unit_xyz(lat, lon) -> np.ndarray:
    lat, lon = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def column_of(res, name: str) -> str:
    """The column of a resolved text: its concept, or ``free:<folded>`` when unresolved."""
    return res.concept if res.concept else "free:" + fold(name)


def title_texts(title: str, extra: dict | None) -> list[str]:
    """What a function is called: its title and, for reference profiles, their alternatives."""
    alts = (extra or {}).get("alt_titles") or []
    return [fold(t) for t in [title, *alts] if fold(t)]


# --- reading ------------------------------------------------------------------------------

def _res_key(name: str, uri: str | None) -> str:
    return name + "\x1f" + (uri or "")


def build(store, vocab: Vocabulary, *, text_labels: bool = True) -> dict[str, Any]:
    """Read the store into the matcher's arrays (see the module docstring)."""
    frows = store.db.execute(
        "select id, employer_id, title, sector, hours_per_week, shifts, openings, visible, lat, lon,"
        " json_extract(doc, '$.conditions.driving_licence'),"
        " json_extract(doc, '$.conditions.dutch_level'),"
        " json_extract(doc, '$.conditions.max_lift_kg'),"
        " json_extract(doc, '$.conditions.standing'),"
        " json_extract(doc, '$.conditions.own_transport'),"
        " json_extract(doc, '$.extra') from functions order by id").fetchall()
    f_index = {r[0]: i for i, r in enumerate(frows)}
    comp = store.db.execute("select function_id, name, level, weight, required, esco_uri "
                            "from function_competences").fetchall()
    crows = store.db.execute(
        "select id, lat, lon, max_commute_km, hours_per_week, dutch_level,"
        " json_extract(doc, '$.transport'), json_extract(doc, '$.driving_licences'),"
        " json_extract(doc, '$.shifts'), json_extract(doc, '$.limits'),"
        " json_extract(doc, '$.job_targets') from candidates order by id").fetchall()
    ccomp = store.db.execute("select candidate_id, name, level, esco_uri "
                             "from candidate_competences").fetchall()

    # resolve every distinct text once
    resolutions: dict[str, list] = {}
    distinct = sorted({(r[1], r[5]) for r in comp} | {(r[1], r[3]) for r in ccomp},
                      key=lambda p: (p[0], p[1] or ""))
    for (name, uri), res in zip(distinct, vocab.resolve_many(distinct)):
        resolutions[_res_key(name, uri)] = [res.concept, res.score, res.method, column_of(res, name)]
    columns = sorted({v[3] for v in resolutions.values()})
    col_index = {c: i for i, c in enumerate(columns)}

    data: dict[str, Any] = {"format": FORMAT, "version": store.data_version,
                            "columns": columns, "resolutions": resolutions}
    _function_arrays(data, frows, comp, f_index, col_index, resolutions)
    data["column_labels"] = _column_labels(store, columns)
    cands = [_cand_dict(r) for r in crows]
    by_cand: dict[str, list] = {}
    for cid, name, level, uri in ccomp:
        by_cand.setdefault(cid, []).append({"name": name, "level": level, "esco_uri": uri})
    for c in cands:
        c["competences"] = by_cand.get(c["id"], [])
    data.update(candidate_arrays(cands, data, vocab=vocab, text_index=None, store=store))
    return data


def _cand_dict(r) -> dict[str, Any]:
    limits = json.loads(r[9]) if r[9] else {}
    return {"id": r[0], "lat": r[1], "lon": r[2], "max_commute_km": r[3], "hours_per_week": r[4],
            "dutch_level": r[5], "transport": json.loads(r[6]) if r[6] else [],
            "driving_licences": json.loads(r[7]) if r[7] else [],
            "shifts": json.loads(r[8]) if r[8] else [], "limits": limits,
            "job_targets": json.loads(r[10]) if r[10] else []}


def _function_arrays(data, frows, comp, f_index, col_index, resolutions) -> None:
    n = len(frows)
    data["f_ids"] = [r[0] for r in frows]
    data["f_employer"] = [r[1] for r in frows]
    data["f_title"] = [r[2] for r in frows]
    sectors = sorted({fold(r[3] or "") for r in frows})
    data["sectors"] = sectors
    data["f_sector"] = np.array([sectors.index(fold(r[3] or "")) for r in frows], np.int32)
    data["f_hours"] = np.array([r[4] for r in frows], np.float64)
    data["f_shifts"] = np.array([shift_mask(json.loads(r[5] or "[]")) for r in frows], np.int16)
    data["f_openings"] = np.array([r[6] or 0 for r in frows], np.int32)
    data["f_visible"] = np.array([bool(r[7]) for r in frows], bool)
    extras = [json.loads(r[15]) if r[15] else {} for r in frows]
    ref = np.array([r[1] in REFERENCE_EMPLOYERS or bool(e.get("reference")) for r, e in
                    zip(frows, extras)], bool)
    data["f_reference"] = ref
    data["f_lat"] = np.where(ref, np.nan, np.array([r[8] if r[8] is not None else np.nan for r in frows], float))
    data["f_lon"] = np.where(ref, np.nan, np.array([r[9] if r[9] is not None else np.nan for r in frows], float))
    data["f_lic"] = np.array([licence_mask([r[10]], implied=False) if r[10] else 0 for r in frows], np.int32)
    data["f_lic_text"] = [r[10] or "" for r in frows]
    data["f_dutch"] = np.array([cefr_rank(r[11]) for r in frows], np.int8)
    data["f_lift"] = np.array([r[12] if r[12] is not None else np.nan for r in frows], float)
    data["f_standing"] = np.array([r[13] == 1 for r in frows], bool)
    data["f_own_transport"] = np.array([r[14] == 1 for r in frows], bool)
    # title texts (for job-target fit): unique folded texts and a function -> texts CSR
    texts: dict[str, int] = {}
    indptr, indices = [0], []
    for r, e in zip(frows, extras):
        for t in title_texts(r[2], e) or [""]:
            indices.append(texts.setdefault(t, len(texts)))
        indptr.append(len(indices))
    data["title_texts"] = list(texts)
    data["f_tt_indptr"] = np.array(indptr, np.int64)
    data["f_tt_indices"] = np.array(indices, np.int32)
    # the function x column matrix; one competence written twice (two synonyms) merges
    rows = np.array([f_index[r[0]] for r in comp], np.int64)
    cols = np.array([col_index[resolutions[_res_key(r[1], r[5])][3]] for r in comp], np.int64)
    level = np.array([r[2] or 1 for r in comp], np.int8)
    weight = np.array([r[3] if r[3] is not None else 1.0 for r in comp], np.float32)
    req = np.array([bool(r[4]) for r in comp], bool)
    order = np.lexsort((cols, rows))
    rows, cols, level, weight, req = rows[order], cols[order], level[order], weight[order], req[order]
    first = np.ones(len(rows), bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    starts = np.flatnonzero(first)
    if len(rows):
        level = np.maximum.reduceat(level, starts)
        weight = np.maximum.reduceat(weight, starts)
        req = np.maximum.reduceat(req.astype(np.int8), starts).astype(bool)
        rows, cols = rows[starts], cols[starts]
    data["fm_indptr"] = np.searchsorted(rows, np.arange(n + 1)).astype(np.int64)
    data["fm_indices"] = cols.astype(np.int32)
    data["fm_level"] = level.astype(np.int8)
    data["fm_weight"] = weight.astype(np.float32)
    data["fm_required"] = req.astype(bool)
    df = np.bincount(cols, minlength=len(col_index)).astype(np.float64)
    # smoothed inverse document frequency over functions (as scikit-learn's TfidfTransformer)
    data["idf"] = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)


def _column_labels(store, columns: list[str]) -> list[str]:
    concept_ids = [c for c in columns if not c.startswith("free:")]
    labels: dict[str, str] = {}
    for lo in range(0, len(concept_ids), 900):
        part = concept_ids[lo:lo + 900]
        q = ",".join("?" * len(part))
        labels.update(store.db.execute(f"select id, label from vocab_concepts where id in ({q})",
                                       part).fetchall())
    return [labels.get(c, c.removeprefix("free:")) for c in columns]


_TEXT_KINDS = ("alias", "pref", "alt", "en", "esco_pref")


def build_text_index(store, data: dict[str, Any]) -> TextIndex:
    """Char n-gram TF-IDF over the labels of every column (coach aliases, Dutch labels,
    English and ESCO preferred labels; not the many ESCO alternatives, to stay small)."""
    columns = data["columns"]
    index = {c: i for i, c in enumerate(columns)}
    texts, groups = [], []
    for i, c in enumerate(columns):
        if c.startswith("free:"):
            texts.append(c[5:])
            groups.append(i)
    q = ",".join("?" * len(_TEXT_KINDS))
    for cid, label in store.db.execute(
            f"select concept_id, label from vocab_labels where kind in ({q})", _TEXT_KINDS):
        if cid in index:
            texts.append(label)
            groups.append(index[cid])
    return TextIndex().fit(texts, np.array(groups, np.int64), len(columns))


def candidate_arrays(cands: list[dict[str, Any]], data: dict[str, Any], *, vocab,
                     text_index, store=None) -> dict[str, Any]:
    """Arrays of candidates (dicts shaped as stored docs, with ``lat``/``lon`` flattened).

    Competences resolve through ``data['resolutions']`` first, then ``vocab``. Text evidence
    for unresolved strings needs ``text_index`` (built on demand from ``store``).
    """
    col_index = {c: i for i, c in enumerate(data["columns"])}
    out: dict[str, Any] = {"c_ids": [c["id"] for c in cands]}
    n = len(cands)
    out["c_lat"] = np.array([c.get("lat") if c.get("lat") is not None else np.nan for c in cands], float)
    out["c_lon"] = np.array([c.get("lon") if c.get("lon") is not None else np.nan for c in cands], float)
    out["c_reach"] = np.array([reach_km(c.get("max_commute_km"), c.get("transport")) for c in cands], float)
    out["c_hours"] = np.array([c.get("hours_per_week") or np.nan for c in cands], float)
    out["c_shifts"] = np.array([shift_mask(c.get("shifts")) for c in cands], np.int16)
    limits = [c.get("limits") or {} for c in cands]
    out["c_night_ok"] = np.array([lim.get("night_work") is not False for lim in limits], bool)
    out["c_lift"] = np.array([lim.get("max_lift_kg") if lim.get("max_lift_kg") is not None
                              else np.nan for lim in limits], float)
    out["c_no_standing"] = np.array([lim.get("standing") is False for lim in limits], bool)
    out["c_lic"] = np.array([licence_mask(c.get("driving_licences")) for c in cands], np.int32)
    out["c_dutch"] = np.array([cefr_rank(c.get("dutch_level")) for c in cands], np.int8)
    out["c_own_transport"] = np.array([bool(OWN_TRANSPORT & set(c.get("transport") or ()))
                                       for c in cands], bool)
    targets = [[fold(t) for t in c.get("job_targets") or () if fold(t)] for c in cands]
    out["c_targets"] = [t for ts in targets for t in ts]
    out["c_tg_indptr"] = np.cumsum([0] + [len(ts) for ts in targets]).astype(np.int64)
    # concepts held (max level when two texts resolve to one concept) and unresolved texts
    rows, cols, levels, free_rows, free_texts = [], [], [], [], []
    res_cache = data["resolutions"]
    unseen = [(comp["name"], comp.get("esco_uri")) for c in cands for comp in c.get("competences") or ()
              if _res_key(comp["name"], comp.get("esco_uri")) not in res_cache]
    if unseen:
        if not hasattr(vocab, "concepts_"):
            vocab.fit()
        vocab.resolve_many(unseen)
    for i, c in enumerate(cands):
        for comp in c.get("competences") or ():
            name, uri = comp["name"], comp.get("esco_uri")
            hit = res_cache.get(_res_key(name, uri))
            if hit is None:
                res = vocab.resolve(name, uri)
                hit = [res.concept, res.score, res.method, column_of(res, name)]
            if hit[3] in col_index:
                rows.append(i)
                cols.append(col_index[hit[3]])
                levels.append(int(comp.get("level") or 1))
            if hit[0] is None:
                free_rows.append(i)
                free_texts.append(name)
    held = _max_csr(rows, cols, levels, (n, len(col_index)), np.int8)
    out["cm_indptr"] = held.indptr.astype(np.int64)
    out["cm_indices"] = held.indices.astype(np.int32)
    out["cm_level"] = held.data.astype(np.int8)
    # text evidence of unresolved strings, on columns the candidate does not hold
    free_offsets: list[list[str]] = [[] for _ in range(n)]
    for i, t in zip(free_rows, free_texts):
        free_offsets[i].append(t)
    ev_rows, ev_cols, ev_sim, ev_src = [], [], [], []
    if free_texts:
        if text_index is None:
            text_index = data.get("_text_index")
        if text_index is None and store is not None:
            text_index = data["_text_index"] = build_text_index(store, data)
        if text_index is not None:
            sims = text_index.similarity(free_texts).tocoo()
            src_of = [free_offsets[r].index(t) for r, t in zip(free_rows, free_texts)]
            held_set = set(zip(*(a.tolist() for a in held.nonzero())))
            for k, col, sim in zip(sims.row.tolist(), sims.col.tolist(), sims.data.tolist()):
                r = free_rows[k]
                if (r, col) not in held_set:
                    ev_rows.append(r)
                    ev_cols.append(col)
                    ev_sim.append(sim)
                    ev_src.append(src_of[k])
    # per (candidate, column) keep the best similarity and which string gave it
    order = sorted(range(len(ev_rows)), key=lambda j: (ev_rows[j], ev_cols[j], -ev_sim[j], ev_src[j]))
    best = [j for p, j in enumerate(order)
            if p == 0 or (ev_rows[j], ev_cols[j]) != (ev_rows[order[p - 1]], ev_cols[order[p - 1]])]
    ev = sp.csr_matrix((np.array([ev_sim[j] for j in best], np.float32),
                        (np.array([ev_rows[j] for j in best], np.int64),
                         np.array([ev_cols[j] for j in best], np.int64))),
                       shape=(n, len(col_index)))
    src = sp.csr_matrix((np.array([ev_src[j] + 1 for j in best], np.float32),
                         (np.array([ev_rows[j] for j in best], np.int64),
                          np.array([ev_cols[j] for j in best], np.int64))),
                        shape=(n, len(col_index)))
    ev.sort_indices()
    src.sort_indices()
    out["ct_indptr"] = ev.indptr.astype(np.int64)
    out["ct_indices"] = ev.indices.astype(np.int32)
    out["ct_sim"] = ev.data.astype(np.float32)
    out["ct_src"] = (src.data - 1).astype(np.int8)
    out["c_free"] = free_offsets
    return out


def _max_csr(rows, cols, values, shape, dtype) -> sp.csr_matrix:
    """A CSR matrix keeping the largest value where (row, col) repeats."""
    rows, cols = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
    values = np.asarray(values, dtype)
    keyv = rows * shape[1] + cols
    order = np.lexsort((-values.astype(np.float64), keyv))
    keep = np.ones(len(order), bool)
    keep[1:] = keyv[order][1:] != keyv[order][:-1]
    sel = order[keep]
    m = sp.csr_matrix((values[sel], (rows[sel], cols[sel])), shape=shape, dtype=dtype)
    m.sort_indices()
    return m


# --- the cache blob -----------------------------------------------------------------------

def _cache_key(store, params: str) -> str:
    return f"{FORMAT}:{store.data_version}:{params}"


def save_cached(store, data: dict[str, Any], params: str) -> None:
    arrays, meta = {}, {}
    for k, v in data.items():
        if k.startswith("_"):
            continue
        if isinstance(v, np.ndarray):
            arrays[k] = v
        else:
            meta[k] = v
    arrays["__meta__"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    with store.db.atomic():
        store.db.execute("insert or replace into match_cache (name, key, blob) values (?, ?, ?)",
                         ["matcher", _cache_key(store, params), buf.getvalue()])


def load_cached(store, params: str) -> dict[str, Any] | None:
    row = store.db.execute("select key, blob from match_cache where name = 'matcher'").fetchone()
    if row is None or row[0] != _cache_key(store, params):
        return None
    with np.load(io.BytesIO(row[1]), allow_pickle=False) as z:
        data = {k: z[k] for k in z.files}
    meta = json.loads(data.pop("__meta__").tobytes().decode())
    data.update(meta)
    return data
