"""Building the matcher's arrays (:mod:`matchcore.matching.arrays`) from the store.

:func:`build` reads the store's function and candidate columns once (the columns the store
keeps beside each record for the engine), resolves every distinct competence text once, and
fills :class:`~matchcore.matching.arrays.MatchData`. :func:`candidate_arrays` turns candidate
records (stored or not) into :class:`~matchcore.matching.arrays.CandidateArrays`.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from matchcore.matching.arrays import (
    FORMAT,
    OWN_TRANSPORT,
    REFERENCE_EMPLOYERS,
    CandidateArrays,
    FunctionArrays,
    MatchData,
    cefr_rank,
    column_of,
    licence_mask,
    reach_km,
    res_key,
    shift_mask,
    how_matched,
    title_texts,
)
from matchcore.matching.evidence import GRADED_LIMIT, confirm_fuzzy, embedding_evidence, sentence_like
from matchcore.matching.limits import candidate_columns, candidate_more, function_columns
from matchcore.matching.lists import as_parts, records_as_parts
from matchcore.matching.titles import title_vectors
from matchcore.model import Candidate
from matchcore.vocabulary import TextIndex, Vocabulary, fold
from matchcore.vocabulary import semantic as sem

__all__ = ["CandidateRecord", "build", "build_text_index", "candidate_arrays"]


@dataclass(frozen=True)
class CandidateRecord:
    """What the arrays take of one candidate (see :meth:`of`)."""

    id: str
    lat: float | None
    lon: float | None
    max_commute_km: float | None
    hours_per_week: float | None
    dutch_level: str | None
    transport: tuple[str, ...]
    driving_licences: tuple[str, ...]
    shifts: tuple[str, ...]
    night_work: bool | None
    max_lift_kg: float | None
    standing: bool | None
    job_targets: tuple[str, ...]
    competences: tuple[tuple[str, int, str | None], ...]  # (name, level, esco_uri)
    more: dict = field(default_factory=dict)  # matchcore.matching.limits.candidate_more

    @classmethod
    def of(cls, c: Candidate | dict) -> CandidateRecord:
        """From a :class:`~matchcore.model.Candidate`, or a mapping shaped as a stored
        document (``benchmarks/quality.py`` scores such bare competence lists)."""
        if isinstance(c, Candidate):
            lim = c.limits
            return cls(c.id, c.home.lat, c.home.lon, c.max_commute_km, c.hours_wanted,
                       c.dutch_level, tuple(c.transport), tuple(c.driving_licences),
                       tuple(c.shifts), lim.night_work, lim.max_lift_kg, lim.standing,
                       tuple(c.job_targets),
                       tuple((x.name, x.level, x.esco_uri) for x in c.competences),
                       candidate_more(c.model_dump(include={"hours_per_week", "days", "available_from",
                                                            "limits"})))
        lim = c.get("limits") or {}
        home = c.get("home") or {}
        return cls(c["id"], c.get("lat", home.get("lat")), c.get("lon", home.get("lon")),
                   c.get("max_commute_km"),
                   c.get("hours_per_week"), c.get("dutch_level"), tuple(c.get("transport") or ()),
                   tuple(c.get("driving_licences") or ()), tuple(c.get("shifts") or ()),
                   lim.get("night_work"), lim.get("max_lift_kg"), lim.get("standing"),
                   tuple(c.get("job_targets") or ()),
                   tuple((x["name"], x.get("level"), x.get("esco_uri"))
                         for x in c.get("competences") or ()), candidate_more(c))


def _loads(text, default):
    return json.loads(text) if text else default


def build(store, vocab: Vocabulary) -> MatchData:
    """Read the store into the matcher's arrays (see :mod:`matchcore.matching.arrays`)."""
    frows = store.db.execute(
        "select id, employer_id, title, sector, hours_per_week, shifts, openings, visible, lat, lon,"
        " json_extract(doc, '$.conditions.driving_licence'),"
        " json_extract(doc, '$.conditions.dutch_level'),"
        " json_extract(doc, '$.conditions.max_lift_kg'),"
        " json_extract(doc, '$.conditions.standing'),"
        " json_extract(doc, '$.conditions.own_transport'),"
        " json_extract(doc, '$.extra'),"
        " json_extract(doc, '$.days'), json_extract(doc, '$.working_hours'),"
        " json_extract(doc, '$.start_date'), json_extract(doc, '$.conditions.bending'),"
        " json_extract(doc, '$.conditions.cold'), json_extract(doc, '$.conditions.allergens')"
        " from functions order by id").fetchall()
    comp = store.db.execute("select function_id, name, level, weight, required, esco_uri "
                            "from function_competences order by function_id, pos").fetchall()
    crows = store.db.execute(
        "select id, lat, lon, max_commute_km, hours_per_week, dutch_level,"
        " json_extract(doc, '$.transport'), json_extract(doc, '$.driving_licences'),"
        " json_extract(doc, '$.shifts'), json_extract(doc, '$.limits'),"
        " json_extract(doc, '$.job_targets'), json_extract(doc, '$.hours_per_week'),"
        " json_extract(doc, '$.days'), json_extract(doc, '$.available_from')"
        " from candidates order by id").fetchall()
    ccomp = store.db.execute("select candidate_id, name, level, esco_uri "
                             "from candidate_competences order by candidate_id, pos").fetchall()

    # resolve every distinct text once; a text listing several competences counts as its parts
    comp, ccomp = as_parts(vocab, comp, ccomp)
    resolutions: dict[str, list] = {}
    distinct = sorted({(r[1], r[5]) for r in comp} | {(r[1], r[3]) for r in ccomp},
                      key=lambda p: (p[0], p[1] or ""))
    for (name, uri), res in zip(distinct, vocab.resolve_many(distinct)):
        resolutions[res_key(name, uri)] = [res.concept, res.score, res.method, column_of(res, name)]
    confirm_fuzzy(vocab, store, resolutions)
    columns = sorted({v[3] for v in resolutions.values()})
    sectors = sorted({fold(r[3] or "") for r in frows})
    extras = [_loads(r[15], {}) for r in frows]
    texts: dict[str, int] = {}
    indptr, indices = [0], []
    for r, e in zip(frows, extras):
        for t in title_texts(r[2], e) or [""]:
            indices.append(texts.setdefault(t, len(texts)))
        indptr.append(len(indices))
    functions = _function_arrays(frows, extras, comp, columns, resolutions, sectors,
                                 (np.array(indptr, np.int64), np.array(indices, np.int32)))
    by_cand: dict[str, list] = {}
    for cid, name, level, uri in ccomp:
        by_cand.setdefault(cid, []).append((name, level, uri))
    cands = []
    for r in crows:
        lim = _loads(r[9], {})
        cands.append(CandidateRecord(
            r[0], r[1], r[2], r[3], r[4], r[5], tuple(_loads(r[6], ())), tuple(_loads(r[7], ())),
            tuple(_loads(r[8], ())), lim.get("night_work"), lim.get("max_lift_kg"),
            lim.get("standing"), tuple(_loads(r[10], ())), tuple(by_cand.get(r[0], ())),
            candidate_more({"hours_per_week": _loads(r[11], None) if isinstance(r[11], str) else r[11],
                            "days": _loads(r[12], []), "available_from": r[13], "limits": lim})))
    data = MatchData(FORMAT, store.data_version, columns, resolutions, sectors, list(texts),
                     functions, candidates=None)  # type: ignore[arg-type]  # filled below
    data.candidates = candidate_arrays(cands, data, vocab=vocab, store=store)
    functions.title_groups()  # kept in the cache with the arrays
    data.vector_cache = sem.cache_for(store)
    index = data.title_index  # fitted now, so that its arrays go into the cache blob
    if sem.available():
        # the vectors of the titles and of the candidates' job targets go into the cache (and
        # those embedded into <db>.vectors, erased with the candidate: web/erasure.py), so that
        # a query loads neither the model nor the bundled vector files for them
        data.tm_vectors = index.stored_vectors()
        data.target_vectors = np.asarray(title_vectors(data.target_texts, data.vector_cache),
                                            np.float16)
    # ... and used as the cache gives them back (float16 weights), so that the process that
    # built the arrays ranks exactly as every later one that loads them
    del data.__dict__["title_index"]
    return data


def _index_type(n: int) -> np.dtype:
    """The smallest unsigned integer type for indices below ``n``."""
    return np.min_scalar_type(max(n - 1, 0))


def _function_arrays(frows, extras, comp, columns, resolutions, sectors, titles) -> FunctionArrays:
    n = len(frows)
    f_index = {r[0]: i for i, r in enumerate(frows)}
    col_index = {c: i for i, c in enumerate(columns)}
    key_index = {k: i for i, k in enumerate(resolutions)}
    ref = np.array([r[1] in REFERENCE_EMPLOYERS or bool(e.get("reference")) for r, e in
                    zip(frows, extras)], bool)
    # the competences as written, in their order (for the explanations)
    rows = np.array([f_index[r[0]] for r in comp], np.int64)
    res = np.array([key_index[r[1] + "\x1f" + (r[5] or "")] for r in comp], np.int64)  # res_key
    level = np.array([r[2] or 1 for r in comp], np.int8)
    weight = np.array([r[3] if r[3] is not None else 1.0 for r in comp], np.float64)
    req = np.array([bool(r[4]) for r in comp], bool)
    fc_indptr = np.searchsorted(rows, np.arange(n + 1)).astype(np.int64)
    weights, weight_code = np.unique(weight, return_inverse=True)
    fc = (fc_indptr, res.astype(_index_type(len(key_index))), (level + 8 * req).astype(np.uint8),
          weight_code.astype(_index_type(len(weights))), weights)
    # the function x column matrix; one competence written twice (two synonyms) merges
    col_of_key = np.array([col_index[v[3]] for v in resolutions.values()], np.int64)
    cols = col_of_key[res] if len(res) else np.zeros(0, np.int64)
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
    df = np.bincount(cols, minlength=len(col_index)).astype(np.float64)
    sector_of = {s: i for i, s in enumerate(sectors)}
    return FunctionArrays(
        ids=[r[0] for r in frows], employer=[r[1] for r in frows], title=[r[2] for r in frows],
        sector=np.array([sector_of[fold(r[3] or "")] for r in frows], np.int32),
        hours=np.array([r[4] for r in frows], np.float64),
        shifts=np.array([shift_mask(_loads(r[5], [])) for r in frows], np.int16),
        openings=np.array([r[6] or 0 for r in frows], np.int32),
        visible=np.array([bool(r[7]) for r in frows], bool), reference=ref,
        lat=np.where(ref, np.nan, np.array([r[8] if r[8] is not None else np.nan for r in frows], float)),
        lon=np.where(ref, np.nan, np.array([r[9] if r[9] is not None else np.nan for r in frows], float)),
        lic=np.array([licence_mask([r[10]], implied=False) if r[10] else 0 for r in frows], np.int32),
        lic_text=[r[10] or "" for r in frows],
        dutch=np.array([cefr_rank(r[11]) for r in frows], np.int8),
        lift=np.array([r[12] if r[12] is not None else np.nan for r in frows], float),
        standing=np.array([r[13] == 1 for r in frows], bool),
        own_transport=np.array([r[14] == 1 for r in frows], bool),
        **function_columns([r[16:22] for r in frows]),
        tt_indptr=titles[0], tt_indices=titles[1],
        fm_indptr=np.searchsorted(rows, np.arange(n + 1)).astype(np.int64),
        fm_indices=cols.astype(np.int32), fm_level=level.astype(np.int8),
        fm_weight=weight.astype(np.float32), fm_required=req.astype(bool),
        fc_indptr=fc[0], fc_res=fc[1], fc_spec=fc[2], fc_weight=fc[3], fc_weights=fc[4],
        # smoothed inverse document frequency over functions (as scikit-learn's TfidfTransformer)
        idf=(np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32))


TASK_WORDS = 7
"""Words (stop words not counted) from which a text is a written-out task ("load and unload
the trucks at the loading dock with a pallet truck") rather than the name of a competence, for
:data:`SENTENCE_TEXT_THRESHOLD`: a few ESCO skill names have five or six words ("study of the
physical functioning of animals"), and with the low threshold from five words held-out ESCO
altLabels fell from recall@1 0.853 to 0.820 on the quick benchmark (5, 7 and 9 tried; from 7
the O*NET tasks keep 0.36 of their 0.37)."""

SENTENCE_TEXT_THRESHOLD = 0.2
"""Char n-gram cosine from which a written-out task (:func:`task_like`) is evidence for a column, instead of :data:`~matchcore.vocabulary.resolution.TEXT_THRESHOLD`
(0.5) for a label: two task sentences of one occupation ("load trucks at the dock", "unload
and stack the pallets from trucks") share words, not their whole wording, and rarely reach
0.5, so a coach's written-out task found nothing by its words. Up to
:data:`~matchcore.matching.evidence.GRADED_LIMIT` columns a text, the nearest first. On the
quick benchmark's O*NET task statements (0.1, 0.2 and 0.3 tried, every text at once):
recall@1 0.22 at 0.5, 0.27 at 0.3, 0.38 at 0.2, 0.36 at 0.1 (from five words)."""



def task_like(text: str) -> bool:
    """At least :data:`TASK_WORDS` words that are not stop words."""
    return sentence_like(text, TASK_WORDS)


_TEXT_KINDS = ("alias", "pref", "alt", "en", "esco_pref")


def build_text_index(store, data: MatchData) -> TextIndex:
    """Char n-gram TF-IDF over the labels of every column (coach aliases, Dutch labels,
    English and ESCO preferred labels; not the many ESCO alternatives, to stay small)."""
    index = data.col_index
    texts, groups = [], []
    for i, c in enumerate(data.columns):
        if c.startswith("free:"):
            texts.append(c[5:])
            groups.append(i)
    q = ",".join("?" * len(_TEXT_KINDS))
    for cid, label in store.db.execute(
            f"select concept_id, label from vocab_labels where kind in ({q})", _TEXT_KINDS):
        if cid in index:
            texts.append(label)
            groups.append(index[cid])
    return TextIndex().fit(texts, np.array(groups, np.int64), len(data.columns))


def candidate_arrays(cands: Sequence[CandidateRecord], data: MatchData, *, vocab,
                     store=None) -> CandidateArrays:
    """Arrays of candidates over the columns of ``data``.

    Competences resolve through ``data.resolutions`` first, then ``vocab``. Text evidence for
    unresolved strings needs ``data.text_index`` (built on demand from ``store``).
    """
    col_index = data.col_index
    n = len(cands)
    res_cache = data.resolutions
    cands = records_as_parts(cands, res_cache, vocab)
    unseen = [(name, uri) for c in cands for name, _, uri in c.competences
              if res_key(name, uri) not in res_cache]
    if unseen:
        if not hasattr(vocab, "concepts_"):
            vocab.fit()
        vocab.resolve_many(unseen)
    more = {}
    for name, uri in unseen:
        res = vocab.resolve(name, uri)
        more[res_key(name, uri)] = [res.concept, res.score, res.method, column_of(res, name)]
    confirm_fuzzy(vocab, store, more)
    # concepts held (max level when two texts resolve to one concept) and unresolved texts
    rows, cols, levels, srcs, free_rows, free_texts = [], [], [], [], [], []
    names: dict[str, int] = {}
    how: list[str] = []
    for i, c in enumerate(cands):
        for name, level, uri in c.competences:
            hit = res_cache.get(res_key(name, uri)) or more[res_key(name, uri)]
            if hit[3] in col_index:
                rows.append(i)
                cols.append(col_index[hit[3]])
                levels.append(int(level or 1))
                if name not in names:
                    names[name] = len(names)
                    how.append(how_matched(hit))
                srcs.append(names[name])
            if hit[0] is None:
                free_rows.append(i)
                free_texts.append(name)
    held, held_name = _max_csr(rows, cols, levels, srcs, (n, len(col_index)))
    free: list[list[str]] = [[] for _ in range(n)]
    for i, t in zip(free_rows, free_texts):
        free[i].append(t)
    neighbours: list = []
    ev, src, via, cos = _evidence(held, free_rows, free_texts, free, data, store, n,
                                  vocab=vocab, held_name=held_name, neighbours=neighbours)
    meaning = _meaning_arrays(cands, free_rows, free_texts, neighbours)
    targets = [[fold(t) for t in c.job_targets if fold(t)] for c in cands]
    words = _words([lst for c in cands for lst in (c.shifts, c.transport, c.driving_licences)])
    return CandidateArrays(
        ids=[c.id for c in cands],
        lat=np.array([c.lat if c.lat is not None else np.nan for c in cands], float),
        lon=np.array([c.lon if c.lon is not None else np.nan for c in cands], float),
        reach=np.array([reach_km(c.max_commute_km, c.transport) for c in cands], float),
        max_commute_km=np.array([np.nan if c.max_commute_km is None else c.max_commute_km
                                 for c in cands], float),
        hours=np.array([c.hours_per_week or np.nan for c in cands], float),
        shifts=np.array([shift_mask(c.shifts) for c in cands], np.int16),
        night_ok=np.array([c.night_work is not False for c in cands], bool),
        lift=np.array([c.max_lift_kg if c.max_lift_kg is not None else np.nan for c in cands], float),
        no_standing=np.array([c.standing is False for c in cands], bool),
        lic=np.array([licence_mask(c.driving_licences) for c in cands], np.int32),
        dutch=np.array([cefr_rank(c.dutch_level) for c in cands], np.int8),
        own_transport=np.array([bool(OWN_TRANSPORT & set(c.transport)) for c in cands], bool),
        **candidate_columns([c.more for c in cands]),
        words_indptr=words[0], words=words[1], word_texts=words[2],
        targets=[t for ts in targets for t in ts],
        tg_indptr=np.cumsum([0] + [len(ts) for ts in targets]).astype(np.int64),
        cm_indptr=held.indptr.astype(np.int64), cm_indices=held.indices.astype(np.int32),
        cm_level=held.data.astype(np.int8), cm_name=held_name,
        names=np.array(list(names) or [''], dtype=str), name_how=np.array(how or [''], dtype=str),
        ct_indptr=ev.indptr.astype(np.int64), ct_indices=ev.indices.astype(np.int32),
        ct_sim=ev.data.astype(np.float32), ct_src=(src.data - 1).astype(np.int8),
        ct_via=(via.data - 1).astype(np.uint8), ct_cos=(cos.data - 1).astype(np.float32), free=free,
        **meaning)


def _meaning_arrays(cands, free_rows, free_texts, neighbours) -> dict[str, np.ndarray]:
    """The candidates' unresolved texts for the meaning component
    (:func:`matchcore.matching.meaning.meaning_rows`): ``sw_indptr`` their rows per candidate
    (the texts of :attr:`CandidateArrays.free`, in order), ``st_*`` each text's nearest columns
    and centred cosines (:func:`~matchcore.matching.evidence.nearest_columns`), ``sw_share``
    the share of the candidate's competence texts they are (0 without the model: the score is
    then the lexical one, to the bit).

    ``sw_count`` is how many texts M takes its mean over (all unresolved ones, with the model).
    The share ``s`` that M takes of the use part counts the short phrasings only: a written-out
    task (:func:`task_like`) keeps its say in U, because its words already count there through
    the text evidence from cosine 0.2, and the embedding is weak on such sentences. Measured on
    O*NET task statements at full size (recall@1 / @10): before M 0.319 / 0.743; tasks in s
    0.282 / 0.672; tasks out of both s and M 0.297 / 0.703; tasks out of s only 0.322 / 0.749
    (e5 max-similarity alone 0.192, char TF-IDF 0.412)."""
    n = len(cands)
    rows = np.asarray(free_rows, np.int64)
    have = np.array([x is not None for x in neighbours], bool)
    phrasing = have & np.array([not task_like(t) for t in free_texts], bool)
    sw_indptr = np.searchsorted(rows, np.arange(n + 1)).astype(np.int64)
    sizes = np.array([len(x[0]) if h else 0 for x, h in zip(neighbours, have)], np.int64)
    st_indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    parts = [x for x, h in zip(neighbours, have) if h and len(x[0])]
    st_indices = np.concatenate([x[0] for x in parts]).astype(np.int32) if parts else np.zeros(0, np.int32)
    st_cos = np.concatenate([x[1] for x in parts]).astype(np.float32) if parts else np.zeros(0, np.float32)
    total = np.array([len(c.competences) for c in cands], np.float64)
    count = np.bincount(rows[have], minlength=n) if len(rows) else np.zeros(n, np.int64)
    weak = np.bincount(rows[phrasing], minlength=n).astype(np.float64) if len(rows) else np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, weak / np.where(total > 0, total, 1.0), 0.0)
    return {"sw_indptr": sw_indptr, "sw_share": share, "sw_count": count.astype(np.int64), "st_indptr": st_indptr,
            "st_indices": st_indices, "st_cos": st_cos}


def _words(lists: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Short lists of words as a CSR over their distinct texts (light in the cache blob)."""
    texts: dict[str, int] = {}
    flat = [texts.setdefault(w, len(texts)) for lst in lists for w in lst]
    indptr = np.cumsum([0] + [len(lst) for lst in lists]).astype(np.int64)
    return indptr, np.array(flat, np.uint16), list(texts)


def _evidence(held, free_rows, free_texts, free, data: MatchData, store, n, *, vocab=None,
              held_name=None, neighbours: list | None = None):
    """Evidence of unresolved strings, on columns the candidate does not hold: per (candidate,
    column) the best evidence (character n-gram similarity, or the embedding's soft evidence:
    :mod:`matchcore.matching.evidence`), which of its strings gave it (plus one), how
    (:data:`~matchcore.matching.arrays.VIA`, plus one) and the similarity shown."""
    m = len(data.columns)
    ev_rows, ev_cols, ev_sim, ev_src, ev_via, ev_cos = [], [], [], [], [], []
    if free_texts:
        if data.text_index is None and store is not None:
            data.text_index = build_text_index(store, data)
        src_of = [free[r].index(t) for r, t in zip(free_rows, free_texts)]
        held_set = set(zip(*(a.tolist() for a in held.nonzero())))
        found = []
        if data.text_index is not None:
            sims = data.text_index.similarity(
                free_texts, thresholds=[SENTENCE_TEXT_THRESHOLD if task_like(t) else
                                        data.text_index.threshold for t in free_texts],
                limit=GRADED_LIMIT).tocoo()
            found += [(k, col, sim, 0, sim) for k, col, sim in
                      zip(sims.row.tolist(), sims.col.tolist(), sims.data.tolist())]
        for k, hits in enumerate(embedding_evidence(data, store, vocab, free_texts, neighbours)):
            found += [(k, col, e, 1, cos) for col, e, cos in hits]
        for k, col, sim, via, cos in found:
            r = free_rows[k]
            if (r, col) not in held_set:
                ev_rows.append(r)
                ev_cols.append(col)
                ev_sim.append(sim)
                ev_src.append(src_of[k])
                ev_via.append(via)
                ev_cos.append(cos)
    _related_evidence(held, held_name, data, vocab, (ev_rows, ev_cols, ev_sim, ev_src, ev_via, ev_cos))
    # the best evidence per (row, column); ties: the string written first, then text before
    # embedding
    order = sorted(range(len(ev_rows)),
                   key=lambda j: (ev_rows[j], ev_cols[j], -ev_sim[j], ev_src[j], ev_via[j]))
    best = [j for p, j in enumerate(order)
            if p == 0 or (ev_rows[j], ev_cols[j]) != (ev_rows[order[p - 1]], ev_cols[order[p - 1]])]
    where = (np.array([ev_rows[j] for j in best], np.int64), np.array([ev_cols[j] for j in best], np.int64))

    def part(values, plus=0):
        out = sp.csr_matrix((np.array([values[j] + plus for j in best], np.float32), where),
                            shape=(n, m))
        out.sort_indices()
        return out

    return part(ev_sim), part(ev_src, 1), part(ev_via, 1), part(ev_cos, 1)


def _related_evidence(held, held_name, data: MatchData, vocab, out) -> None:
    """Partial credit for concepts related to the ones a candidate holds (the Competent
    mapping's broader/narrower links, :meth:`~matchcore.vocabulary.concepts.Vocabulary.related_credit`),
    appended to ``out`` as evidence with via ``related`` (VIA index 2) and as source the
    position of the held concept in the candidate's row (``cm_*``), not a free text."""
    if vocab is None or held_name is None or not getattr(vocab, "related_", None):
        return
    columns, col_index = data.columns, data.col_index
    for r in range(held.shape[0]):
        a, b = int(held.indptr[r]), int(held.indptr[r + 1])
        if a == b:
            continue
        # the source: the held entry's position in the candidate's row (ct_src is int8)
        name_of = {columns[c]: j for j, c in enumerate(held.indices[a:b].tolist()) if j < 127}
        for other, (credit, source, _rel) in vocab.related_credit(name_of).items():
            col = col_index.get(other)
            if col is not None:
                for lst, v in zip(out, (r, col, credit, name_of[source], 2, credit)):
                    lst.append(v)


def _max_csr(rows, cols, values, srcs, shape) -> tuple[sp.csr_matrix, np.ndarray]:
    """A CSR matrix keeping the largest value where (row, col) repeats (the first of equal
    ones), and the ``srcs`` entry of the value kept, aligned with its data."""
    rows, cols = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
    values, srcs = np.asarray(values, np.int8), np.asarray(srcs, np.int32)
    keyv = rows * shape[1] + cols
    order = np.lexsort((-values.astype(np.float64), keyv))
    keep = np.ones(len(order), bool)
    keep[1:] = keyv[order][1:] != keyv[order][:-1]
    sel = order[keep]  # sorted by (row, col): the CSR data order
    m = sp.csr_matrix((values[sel], (rows[sel], cols[sel])), shape=shape, dtype=np.int8)
    m.sort_indices()
    return m, srcs[sel]
