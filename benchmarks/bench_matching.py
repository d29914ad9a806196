"""Matching benchmark: synthetic data of a stated size, timed on this machine.

Makes ``--functions`` functions (``--per-employer`` per employer, at random Flemish postcodes)
and ``--candidates`` candidates whose competences are drawn (Zipf-like) from the Dutch starter
vocabulary's labels and synonyms, 10 % of them with a typing error and about 11 % written as a
coach's phrasing that resolves to no concept (``PHRASES``; functions 3 %), 30 % of the
functions' titles outside the bundled title table, imports them into a fresh store, and reports:

* import time of the functions and candidates (validation + SQLite upsert);
* ``Matcher.fit`` cold (build from SQLite + cache) and warm (load the cached matrices);
* single query ``match_candidate(top=10)`` over all functions, in process: p50 / p95, with the
  explanations of the 10 results (instruments off), and the scoring part alone;
* all candidates x all functions, top 10 each (``top_functions_all``);
* ``matchcore match candidate ID --json`` end to end as a subprocess (median of runs);
* peak memory (max RSS) of this process and of the CLI runs;
* the same single query with a naive pure-Python scorer written below (same formula, a Python
  loop over pairs), on a sample, as a ratio measured in the same run, and its agreement.

Usage (from the checkout; the full size takes a few minutes, mostly the import)::

    .venv/bin/python benchmarks/bench_matching.py                          # 100k x 10k
    .venv/bin/python benchmarks/bench_matching.py --functions 2000 --candidates 500 --quick
    .venv/bin/python benchmarks/bench_matching.py --out benchmarks/results-matching.txt

``--db FILE`` keeps the database (and reuses it when it exists with the same sizes).

The growth from 10,000 to 1,000,000 functions, one row per size (issue 16, item 4; each size
imported and benchmarked in processes of its own, so each peak memory is its own; the naive
scorer is left out, ``--naive N`` puts it back)::

    .venv/bin/python benchmarks/bench_matching.py --scaling 10000,100000,1000000 \
        --scaling-dir /tmp/scaling --out benchmarks/results-scaling.txt

``--scaling-keep`` does not run a size again whose report is in ``--scaling-dir`` (to add a
size to a table), ``--scaling-timeout S`` keeps what a size measured in S seconds.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHIFTS = ("day", "early", "late", "evening", "night", "weekend")
TRANSPORTS = ("walk", "bike", "public_transport", "car", "moped")
TITLES = ["magazijnmedewerker", "afwasser", "keukenhulp", "schoonmaker", "heftruckchauffeur",
          "groenarbeider", "winkelbediende", "inpakker", "orderpicker", "productiemedewerker",
          "onderhoudsmedewerker", "logistiek medewerker", "sorteerder", "kassamedewerker"]
# What real stores hold besides vocabulary labels: coach phrasings that resolve to no concept
# (checked with `matchcore vocab resolve`: 37 of these 40 do not), so that the benchmark pays
# for the semantic evidence and the meaning component (issue 11) as real queries do, and
# titles outside the bundled title table, so that it pays for their vectors.
FREE_SHARE = 0.12       # of a candidate's competences, written as a phrase
FREE_SHARE_FUNCTION = 0.03
OWN_TITLE_SHARE = 0.3   # of the functions' titles, not in the bundled table
PHRASES = [  # written the way coaches write them
    "klanten te woord staan aan de telefoon", "hotelkamers poetsen en bedden opmaken",
    "borden en potten afwassen na de service", "paletten stapelen in de loods",
    "vrachtwagens laden en lossen aan de kade", "de voorraad tellen op het einde van de maand",
    "groenten snijden voor de soep", "de kassa opmaken bij sluitingstijd", "rekken aanvullen in de winkel",
    "het gras maaien en hagen snoeien", "kantoren kuisen na de uren", "dozen plooien en vullen",
    "bestellingen klaarzetten met de handscanner", "de machine bijvullen en opvolgen",
    "oudere mensen helpen bij het eten", "de was sorteren en strijken", "fietsen herstellen",
    "stipt op tijd komen", "discreet omgaan met wat klanten vertellen", "werken met een transpallet",
    "FIFO toepassen bij het aanvullen", "hygieneregels volgen in de keuken", "koffie zetten voor de bezoekers",
    "de parking vrijhouden van zwerfvuil", "post sorteren en rondbrengen", "sanitair ontkalken en ontsmetten",
    "broodjes smeren over de middag", "tafels dekken en afruimen", "onkruid wieden in de perken",
    "etiketten kleven op de verpakking", "karren terugbrengen naar de ingang", "de vloer dweilen",
    "planten water geven in de serre", "kleine herstellingen doen aan het gebouw",
    "een rolstoel duwen tijdens de wandeling", "retourgoederen nakijken", "de afvalcontainers buitenzetten",
    "glazen spoelen achter de toog", "kledij vouwen en in de rekken hangen", "meubels monteren volgens plan",
]
OWN_TITLES = [  # Flemish vacancy titles
    "medewerker vaatwas grootkeuken", "poetshulp kantoren", "chauffeur-koerier bestelwagen",
    "hulpkok broodjeszaak", "medewerker fietsherstelling", "vakkenvuller supermarkt nachtploeg",
    "medewerker groendienst gemeente", "klusjesman woonzorgcentrum", "magazijnier e-commerce",
    "zaalmedewerker brasserie", "medewerker wasserij ziekenhuis", "receptiemedewerker sportcentrum",
    "bandwerker voedingsindustrie", "medewerker kringwinkel", "parkeerwachter evenementen",
]


def rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: KiB


# --- synthetic data -----------------------------------------------------------------------

def vocabulary_names() -> list[list[str]]:
    """For each starter concept: its label and synonyms."""
    import yaml

    data = yaml.safe_load((ROOT / "matchcore" / "data" / "vocabulary_nl.yaml").read_text(encoding="utf-8"))
    return [[c["label"], *(c.get("alt") or [])] for c in data]


def typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(1, max(2, len(text) - 1))
    return text[:i] + text[i + 1:] if text[i] != " " else text


def generate(n_functions: int, n_candidates: int, per_employer: int, seed: int):
    """(employers, candidates) as lists of documents (all of :func:`iter_generate`)."""
    employers, candidates = [], []
    for doc in iter_generate(n_functions, n_candidates, per_employer, seed):
        (employers if doc["kind"] == "employer" else candidates).append(doc)
    return employers, candidates


def iter_generate(n_functions: int, n_candidates: int, per_employer: int, seed: int):
    """The employer documents, then the candidate documents, one at a time: the same random
    sequence as one list, so the import of 1,000,000 functions can be written in chunks
    without holding every document in memory (``--import-chunk``)."""
    from matchcore.postcodes import all_postcodes

    rng = random.Random(seed)
    concepts = vocabulary_names()
    # Zipf-like popularity: a few competences are everywhere, most are rare
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(concepts))]
    rng.shuffle(weights)
    flemish = [p.postcode for p in all_postcodes().values() if p.region == "flanders"]

    def pick(k):
        chosen = set()
        while len(chosen) < k:
            chosen.add(rng.choices(range(len(concepts)), weights)[0])
        return sorted(chosen)

    n_emp = math.ceil(n_functions / per_employer)
    made = 0
    for e in range(n_emp):
        funcs = []
        for j in range(min(per_employer, n_functions - made)):
            comps = []
            for c in pick(rng.randint(5, 12)):
                name = rng.choice(concepts[c])
                if rng.random() < FREE_SHARE_FUNCTION:
                    name = rng.choice(PHRASES)
                comps.append({"name": name, "level": rng.randint(1, 4),
                              "weight": rng.choice([1, 1, 1.5, 2]), "required": rng.random() < 0.3})
            seen, unique = set(), []
            for c in comps:
                if c["name"].casefold() not in seen:
                    seen.add(c["name"].casefold())
                    unique.append(c)
            funcs.append({"id": f"f{j}", "title": rng.choice(OWN_TITLES if rng.random() < OWN_TITLE_SHARE else TITLES).capitalize(),
                          "hours_per_week": rng.choice([19, 24, 30, 32, 38]),
                          "shifts": sorted(rng.sample(SHIFTS, rng.randint(1, 2)), key=SHIFTS.index),
                          "openings": rng.choice([0, 0, 1, 1, 2, 3]), "visible": rng.random() < 0.6,
                          "competences": unique,
                          "conditions": {"dutch_level": rng.choice([None, "A1", "A2", "B1"]),
                                         "max_lift_kg": rng.choice([None, 10, 15, 25]),
                                         "driving_licence": rng.choice([None] * 9 + ["B"])}})
            made += 1
        yield {"kind": "employer", "id": f"emp-{e:06d}", "name": f"Werkgever {e}",
               "sector": rng.choice(["horeca", "logistiek", "schoonmaak", "groen", "retail"]),
               "location": {"postcode": rng.choice(flemish)}, "functions": funcs}
    for i in range(n_candidates):
        comps, seen = [], set()
        for c in pick(rng.randint(5, 15)):
            name = rng.choice(concepts[c])
            if rng.random() < 0.1:
                name = typo(name, rng)
            elif rng.random() < FREE_SHARE:
                name = rng.choice(PHRASES)
            if name.casefold() not in seen:
                seen.add(name.casefold())
                comps.append({"name": name, "level": rng.randint(1, 4)})
        yield ({
            "kind": "candidate", "id": f"K-{i:06d}", "home": {"postcode": rng.choice(flemish)},
            "max_commute_km": rng.choice([10, 15, 20, 30, 50]),
            "transport": rng.sample(TRANSPORTS, rng.randint(1, 2)),
            "driving_licences": rng.choice([[], [], ["B"]]),
            "hours_per_week": rng.choice([19, 24, 30, 32, 38]),
            "shifts": sorted(rng.sample(SHIFTS, rng.randint(2, 5)), key=SHIFTS.index),
            "dutch_level": rng.choice(["A1", "A2", "B1", "B2"]),
            "limits": {"max_lift_kg": rng.choice([None, 10, 20, 30])},
            "job_targets": rng.sample(TITLES + OWN_TITLES, rng.randint(0, 2)), "competences": comps})


def do_import(db: Path, args) -> dict:
    from matchcore.model import parse_record
    from matchcore.store.db import Store

    if args.import_chunk:
        return do_import_chunked(db, args)
    employers, candidates = generate(args.functions, args.candidates, args.per_employer, args.seed)
    store = Store.open(db)
    t0 = time.perf_counter()
    records = [parse_record(r)[0] for r in employers]
    t1 = time.perf_counter()
    store.upsert(records)
    t2 = time.perf_counter()
    crecords = [parse_record(r)[0] for r in candidates]
    store.upsert(crecords)
    t3 = time.perf_counter()
    store._set_meta("bench_sizes", f"{args.functions}:{args.candidates}:{args.seed}")
    store.close()
    return {"import_functions_s": round(t2 - t0, 1), "validate_functions_s": round(t1 - t0, 1),
            "import_candidates_s": round(t3 - t2, 1), "import_peak_rss_mb": round(rss_mb())}


def do_import_chunked(db: Path, args) -> dict:
    """:func:`do_import` writing ``args.import_chunk`` functions per ``Store.upsert`` (one
    transaction each): the same rows, timed the same way (validation + upsert, not the
    generation), with at most one chunk of documents in memory. One chunk when the size fits
    in it, so 10,000 and 100,000 functions are written exactly as without the option."""
    from matchcore.model import parse_record
    from matchcore.store.db import Store

    store = Store.open(db)
    validate = upsert_f = upsert_c = 0.0
    chunk, n_in_chunk = [], 0

    def flush():
        nonlocal validate, upsert_f
        t0 = time.perf_counter()
        records = [parse_record(r)[0] for r in chunk]
        t1 = time.perf_counter()
        store.upsert(records)
        validate += t1 - t0
        upsert_f += time.perf_counter() - t1

    candidates = []
    for doc in iter_generate(args.functions, args.candidates, args.per_employer, args.seed):
        if doc["kind"] == "candidate":
            candidates.append(doc)
            continue
        chunk.append(doc)
        n_in_chunk += len(doc["functions"])
        if n_in_chunk >= args.import_chunk:
            flush()
            chunk, n_in_chunk = [], 0
    if chunk:
        flush()
    t2 = time.perf_counter()
    store.upsert([parse_record(r)[0] for r in candidates])
    upsert_c = time.perf_counter() - t2
    store._set_meta("bench_sizes", f"{args.functions}:{args.candidates}:{args.seed}")
    store.close()
    return {"import_functions_s": round(validate + upsert_f, 1), "validate_functions_s": round(validate, 1),
            "import_candidates_s": round(upsert_c, 1), "import_peak_rss_mb": round(rss_mb()),
            "import_chunk_functions": args.import_chunk}


# --- a naive scorer: the same formula, one pair at a time in plain Python ------------------

def naive_prepare(m):
    """Plain Python lists of what the naive scorer reads (not timed)."""
    f = m.data_.functions
    idf = [float(x) for x in m.weights_.idf]
    funcs = []
    ptr = f.fm_indptr
    for i, fid in enumerate(f.ids):
        a, b = int(ptr[i]), int(ptr[i + 1])
        comps = [(int(c), int(lv), float(w), bool(r)) for c, lv, w, r in zip(
            f.fm_indices[a:b], f.fm_level[a:b], f.fm_weight[a:b], f.fm_required[a:b])]
        funcs.append({"id": fid, "comps": comps, "lat": float(f.lat[i]), "lon": float(f.lon[i]),
                      "hours": float(f.hours[i]), "shifts": int(f.shifts[i]),
                      "lic": int(f.lic[i]), "dutch": int(f.dutch[i]),
                      "lift": float(f.lift[i]), "standing": bool(f.standing[i]),
                      "own": bool(f.own_transport[i]), "ref": bool(f.reference[i]),
                      "titles": f.tt_indices[f.tt_indptr[i]:f.tt_indptr[i + 1]].tolist()})
    return idf, funcs


def naive_query(m, idf, funcs, ci: int, top: int = 10, *, constraints_first: bool = True):
    """Top ``top`` functions for candidate row ``ci``, one pair at a time.

    ``constraints_first`` skips the scoring of excluded pairs (a naive program's natural
    shortcut); False scores every pair first, as the vectorised engine does."""
    from matchcore.matching import score
    from matchcore.matching.evidence import meaning_credit   # the ramp of a cosine, as the engine's

    d, prm = m.data_.candidates, m.params
    a, b = int(d.cm_indptr[ci]), int(d.cm_indptr[ci + 1])
    held = {int(c): int(lv) for c, lv in zip(d.cm_indices[a:b], d.cm_level[a:b])}
    a, b = int(d.ct_indptr[ci]), int(d.ct_indptr[ci + 1])
    ev = {int(c): float(s) for c, s in zip(d.ct_indices[a:b], d.ct_sim[a:b])}
    tau, pen = prm.text_credit, prm.required_penalty
    presence = {**{c: tau * s for c, s in ev.items()}, **{c: 1.0 for c in held}}
    s_use = sum(p * idf[c] for c, p in presence.items())
    tg = d.targets_of(ci)
    lat, lon = float(d.lat[ci]), float(d.lon[ci])
    reach, hours = float(d.reach[ci]), float(d.hours[ci])
    cshifts, night_ok = int(d.shifts[ci]), bool(d.night_ok[ci])
    clic, cdutch, clift = int(d.lic[ci]), int(d.dutch[ci]), float(d.lift[ci])
    nostand, own = bool(d.no_standing[ci]), bool(d.own_transport[ci])
    # J per title text, from the engine's title index (the title similarity is not what this
    # scorer re-implements: it is the same table of cosines, the same 32-bit arithmetic)
    title_j = score.title_row(m.data_, list(tg)).tolist() if tg else None
    # the meaning component M (matchcore.matching.meaning): per unresolved short text, the credit
    # of its nearest columns; a function gets, per text, the best credit among its own columns
    share = float(d.sw_share[ci])
    texts = []
    for t in range(int(d.sw_indptr[ci]), int(d.sw_indptr[ci + 1])):
        lo, hi = int(d.st_indptr[t]), int(d.st_indptr[t + 1])
        best: dict[int, float] = {}
        for col, credit in zip(d.st_indices[lo:hi].tolist(), meaning_credit(d.st_cos[lo:hi]).tolist()):
            best[col] = max(credit, best.get(col, 0.0))
        texts.append(best)
    n_texts = int(d.sw_count[ci])
    out = []
    for f in funcs:
        if constraints_first and naive_excluded(f, lat, lon, reach, hours, cshifts, night_ok,
                                                clic, cdutch, clift, nostand, own):
            continue
        # competences
        s_req = s_opt = rn = on = pn = un = 0.0
        for col, level, weight, req in f["comps"]:
            w = weight * idf[col]
            if col in held:
                q, p = min(1.0, held[col] / level), 1.0
            else:
                q = p = tau * ev.get(col, 0.0)
            un += presence.get(col, 0.0) * idf[col]
            if req:
                s_req += w
                rn += w * q
                pn += w * p
            else:
                s_opt += w
                on += w * q
        mass = prm.required_weight * s_req + prm.optional_weight * s_opt
        if mass > 0:
            cov = (prm.required_weight * rn + prm.optional_weight * on) / mass
            use = un / s_use if s_use > 0 else 0.0
            if share > 0:   # U' = (1 - s) U + s M
                meaning = 0.0
                for credit in texts:
                    meaning += max((credit.get(col, 0.0) for col, _, _, _ in f["comps"]), default=0.0)
                use = (1.0 - share) * use + share * (meaning / n_texts if n_texts else 0.0)
            c = (cov + prm.use_weight * use) / (1.0 + prm.use_weight)
        else:
            c = 0.0
        p_req = 1.0 - pen * (1.0 - (pn / s_req if s_req > 0 else 1.0))
        if tg:   # J: the best of the function's title texts
            j = max((title_j[t] for t in f["titles"]), default=0.0)
            c = (1 - prm.target_share) * c + prm.target_share * j
        score = max(0.0, min(1.0, p_req * c))
        if score <= 0:
            continue
        if not constraints_first and naive_excluded(f, lat, lon, reach, hours, cshifts, night_ok,
                                                    clic, cdutch, clift, nostand, own):
            continue
        out.append((-score, f["id"]))
    out.sort()
    return [(fid, -s) for s, fid in out[:top]]


def naive_excluded(f, lat, lon, reach, hours, cshifts, night_ok, clic, cdutch, clift, nostand, own):
    if not f["ref"] and not math.isnan(f["lat"]) and not math.isinf(reach):
        p1, p2 = math.radians(lat), math.radians(f["lat"])
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(f["lon"] - lon) / 2) ** 2
        if 2 * 6371.0 * math.asin(math.sqrt(h)) > reach:
            return True
    if not f["ref"] and not math.isnan(hours) and not (0.8 * hours - 1e-9 <= f["hours"] <= 1.2 * hours + 1e-9):
        return True
    if cshifts and f["shifts"] & ~cshifts:
        return True
    if not night_ok and f["shifts"] & 16:
        return True
    if f["lic"] & ~clic or (cdutch and f["dutch"] > cdutch) or f["lift"] > clift:
        return True
    return (nostand and f["standing"]) or (f["own"] and not own)


# --- the peer: a plain BM25 ranking over the same profiles ---------------------------------

def _tokens(text: str) -> list[str]:
    return [t for t in "".join(ch if ch.isalnum() else " " for ch in text.casefold()).split()]


def bm25_peer(store, sample: list[str]):
    """(index seconds, query p50 ms) of ``bm25s`` (the bench extra) ranking the functions'
    competence texts for each sampled candidate's competence texts, top 10; None without it.

    A ranking with no levels, weights, constraints, evidence or explanations: the floor a
    query of matchcore is compared with (issue 16)."""
    try:
        import bm25s
    except ImportError:
        return None
    docs: dict[str, list[str]] = {}
    for fid, name in store.db.execute("select function_id, name from function_competences "
                                      "order by function_id, pos"):
        docs.setdefault(fid, []).extend(_tokens(name))
    queries: dict[str, list[str]] = {}
    for cid, name in store.db.execute("select candidate_id, name from candidate_competences "
                                      "order by candidate_id, pos"):
        queries.setdefault(cid, []).extend(_tokens(name))
    t0 = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(list(docs.values()), show_progress=False)
    index_s = time.perf_counter() - t0
    known = set(retriever.vocab_dict) if hasattr(retriever, "vocab_dict") else None
    times = []
    for cid in sample:
        t0 = time.perf_counter()
        q = [t for t in queries.get(cid, []) if known is None or t in known] or ["_"]
        retriever.retrieve([q], k=10, show_progress=False)
        times.append(time.perf_counter() - t0)
    return round(index_s, 2), round(statistics.median(times) * 1000, 2)


# --- the scaling table (issue 16, item 4) --------------------------------------------------

# (heading, key of the single-size report): the columns of the table, one row per size
SCALING_COLUMNS = [
    ("functions", "functions"),
    ("import_s", "import_functions_s"),
    ("fit_cold_s", "fit_cold_s"),
    ("fit_warm_s", "fit_warm_s"),
    ("query_p50_ms", "query_p50_ms"),
    ("scoring_p50_ms", "query_scoring_only_p50_ms"),
    ("bm25_p50_ms", "bm25_query_p50_ms"),
    ("q/bm25", "query_p50_vs_bm25_p50"),
    ("all_pairs_s", "all_pairs_top10_s"),
    ("cli_s", "cli_match_median_s"),
    ("bare_s", "bare_startup_median_s"),
    ("cli/bare", "cli_match_vs_bare_startup"),
    ("rss_import_MB", "import_peak_rss_mb"),
    ("rss_bench_MB", "peak_rss_engine_mb"),
    ("rss_cli_MB", "cli_match_peak_rss_mb"),
    ("load_start", "load_average_at_start"),
    ("load_end", "load_average_at_end"),
]
# the figures whose growth per 10x functions is printed under the table
GROWTH = [("query p50", "query_p50_ms"), ("scoring-only p50", "query_scoring_only_p50_ms"),
          ("all pairs", "all_pairs_top10_s"), ("fit cold", "fit_cold_s"),
          ("CLI median", "cli_match_median_s"), ("peak RSS bench", "peak_rss_engine_mb"),
          ("peak RSS CLI", "cli_match_peak_rss_mb"), ("import", "import_functions_s")]


def read_report(path: Path) -> dict:
    """The ``key value`` lines a single-size run writes with ``--out``, back into a dict."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(" ")
        out[key] = value.strip()
    return out


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def scaling_text(rows: list[dict], header: list[str]) -> str:
    """The table (one row per size, fixed-width columns), then the growth per 10x functions
    between consecutive sizes: (b / a) ** (1 / log10(n_b / n_a)), so 10.0 is linear."""
    cells = [[str(r.get(key, "-")) for _, key in SCALING_COLUMNS] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (h, _) in enumerate(SCALING_COLUMNS)]
    lines = list(header)
    lines.append("  ".join(h.rjust(w) for (h, _), w in zip(SCALING_COLUMNS, widths)))
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    for a, b in zip(rows, rows[1:]):
        na, nb = _number(a.get("functions")), _number(b.get("functions"))
        if not na or not nb or nb <= na:
            continue
        k = 1 / math.log10(nb / na)
        parts = []
        for label, key in GROWTH:
            va, vb = _number(a.get(key)), _number(b.get(key))
            if va and vb:
                parts.append(f"{label} x{(vb / va) ** k:.1f}")
        lines.append(f"# growth per 10x functions, {int(na):,} -> {int(nb):,}: " + ", ".join(parts))
    for r in rows:
        if r.get("note"):
            lines.append(f"# {int(r['functions']):,} functions: {r['note']}")
        for key in ("query_with_instruments_failed", "cli_match_failed"):
            if r.get(key):
                lines.append(f"# {int(r['functions']):,} functions: {key} {r[key]}")
        if r.get("import_utc"):
            lines.append(f"# {int(r['functions']):,} functions: import {r['import_utc']} UTC, load "
                         f"{r.get('import_load_start')} -> {r.get('import_load_end')}"
                         + (f", {r['import_note']}" if r.get("import_note") else ""))
    return "\n".join(lines) + "\n"


def scaling(args, argv: list[str]) -> int:
    """``--scaling``: per size, the import (its own process, so its peak memory is its own),
    then the whole single-size benchmark (its own process too) on that store; one row each.

    The table is printed and written to ``--out`` after every size, so a size that does not
    finish (memory, time) leaves the rows before it. The stores stay in ``--scaling-dir``
    with ``import-N.json`` (the import's figures) and ``bench-N.txt`` (the full report); a
    store whose ``bench_sizes`` match is reused, its import figures read back from the JSON
    file, or shown as "reused" without one (e.g. a store copied in by hand)."""
    from matchcore.store.db import Store

    sizes = [int(x.replace("_", "")) for x in args.scaling.split(",") if x.strip()]
    tmp = None
    if args.scaling_dir is None:
        tmp = tempfile.TemporaryDirectory()
        args.scaling_dir = Path(tmp.name)
    folder = args.scaling_dir
    folder.mkdir(parents=True, exist_ok=True)
    here = [sys.executable, __file__]
    common = ["--candidates", str(args.candidates), "--per-employer", str(args.per_employer),
              "--seed", str(args.seed)]
    header = [f"# python benchmarks/bench_matching.py {' '.join(argv)}",
              f"# {time.strftime('%Y-%m-%d', time.gmtime())}, {os.cpu_count()} cpus, Python "
              f"{sys.version.split()[0]}, {args.candidates:,} candidates; each size in its own "
              "processes (import, then the benchmark); load = load average at start / end of the "
              "benchmark process (other runs share the machine)",
              "# import_s: validation + upsert of the functions; all_pairs_s: all candidates x all "
              "functions, top 10; cli_s: `matchcore match candidate ID --json`, median; bare_s: "
              "python -c 'import numpy, scipy.sparse, sqlite3'; rss: peak RSS of the import "
              "process, the benchmark process (before the naive scorer) and the CLI"]
    rows: list[dict] = []
    for n in sizes:
        db = folder / f"bench-{n}.db"
        import_json = folder / f"import-{n}.json"
        want = f"{n}:{args.candidates}:{args.seed}"
        have = db.exists() and Store.open(db).meta("bench_sizes") == want
        if have and import_json.exists():
            imported = json.loads(import_json.read_text(encoding="utf-8"))
        elif have:
            imported = {"import_functions_s": "reused", "import_peak_rss_mb": "reused"}
        else:
            for suffix in ("", "-wal", "-shm", ".match", ".vectors"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
            t0 = time.strftime("%H:%M:%S", time.gmtime())
            done = subprocess.run(here + ["--phase", "import", "--db", str(db), "--functions", str(n),
                                          *common, "--import-chunk", str(args.import_chunk or 100_000)],
                                  check=True, capture_output=True, text=True)
            imported = json.loads(done.stdout.strip().splitlines()[-1])
            imported.update(import_load_start=load0, import_utc=f"{t0}-{time.strftime('%H:%M:%S', time.gmtime())}",
                            import_load_end=" ".join(f"{x:.2f}" for x in os.getloadavg()))
            import_json.write_text(json.dumps(imported), encoding="utf-8")
        report_file = folder / f"bench-{n}.txt"
        cmd = here + ["--functions", str(n), *common, "--db", str(db), "--out", str(report_file),
                      "--queries", str(args.queries), "--cli-runs", str(args.cli_runs),
                      "--batch-size", str(args.batch_size), "--naive", str(args.naive or 0)]
        if args.quick:
            cmd.append("--quick")
        row = {"functions": n}
        partial = folder / f"bench-{n}.partial.json"
        unfinished = folder / f"bench-{n}.unfinished"
        if args.scaling_keep and have and report_file.exists():  # a finished size, not run again
            row.update(read_report(report_file))
        elif args.scaling_keep and have and unfinished.exists():  # nor one stopped before
            row.update(json.loads(partial.read_text(encoding="utf-8")) if partial.exists() else {})
            row.setdefault("peak_rss_engine_mb", f"{row.get('peak_rss_so_far_mb')}+")
            row["note"] = unfinished.read_text(encoding="utf-8").strip()
        else:
            for stale in (report_file, partial, unfinished):
                stale.unlink(missing_ok=True)
            cmd += ["--partial", str(partial)]
            print(f"# {n:,} functions: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.scaling_timeout)
                (folder / f"bench-{n}.err").write_text(done.stderr, encoding="utf-8")
                failed = None if done.returncode == 0 else \
                    f"rc={done.returncode}: {(done.stderr.strip().splitlines() or ['?'])[-1][:80]}" \
                    f" (all of it in bench-{n}.err)"
            except subprocess.TimeoutExpired:
                failed = f"stopped after {args.scaling_timeout:.0f} s"
            if failed is None:
                row.update(read_report(report_file))
            else:  # a partial row beats none: the figures so far, and what stopped it
                if partial.exists():
                    row.update(json.loads(partial.read_text(encoding="utf-8")))
                    row.setdefault("peak_rss_engine_mb", f"{row.get('peak_rss_so_far_mb')}+")
                row["note"] = f"unfinished ({failed})"
                unfinished.write_text(row["note"] + "\n", encoding="utf-8")
        row.update({k: v for k, v in imported.items() if k in (
            "import_functions_s", "import_peak_rss_mb", "import_utc", "import_load_start",
            "import_load_end", "import_note")})
        if args.quick:
            row.setdefault("all_pairs_top10_s", "skipped")
        rows.append(row)
        text = scaling_text(rows, header)
        print(text, flush=True)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
    return 0


# --- the run ------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--functions", type=int, default=100_000)
    ap.add_argument("--candidates", type=int, default=10_000)
    ap.add_argument("--per-employer", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=int, default=50, help="single queries timed (default 50)")
    ap.add_argument("--naive", type=int, help="candidates for the naive scorer (default 3; "
                    "0 skips it, the default of --scaling)")
    ap.add_argument("--cli-runs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--quick", action="store_true", help="skip the all-pairs batch")
    ap.add_argument("--db", type=Path, help="keep the database here (reused if it matches)")
    ap.add_argument("--out", type=Path, help="also write the report to this file")
    ap.add_argument("--import-chunk", type=int, default=0, metavar="N",
                    help="write the functions N per transaction (default: all in one)")
    ap.add_argument("--scaling", metavar="SIZES",
                    help="comma-separated function counts, e.g. 10000,100000,1000000: the whole "
                         "benchmark per size, each in its own process, as one table")
    ap.add_argument("--scaling-dir", type=Path,
                    help="with --scaling: keep (and reuse) the store of each size here")
    ap.add_argument("--scaling-keep", action="store_true",
                    help="with --scaling: a size whose report is in --scaling-dir is not run again")
    ap.add_argument("--scaling-timeout", type=float, metavar="S",
                    help="with --scaling: stop a size's benchmark after S seconds, keeping its "
                         "figures so far as a partial row")
    ap.add_argument("--phase", choices=["import"], help=argparse.SUPPRESS)
    ap.add_argument("--partial", type=Path, help=argparse.SUPPRESS)  # figures so far (--scaling)
    args = ap.parse_args(argv)
    if args.scaling:
        return scaling(args, argv if argv is not None else sys.argv[1:])
    if args.naive is None:
        args.naive = 3

    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.db"
    if args.phase == "import":  # the import runs in its own process, so its memory is its own
        print(json.dumps(do_import(db, args)))
        return 0
    report: dict = {"functions": args.functions, "candidates": args.candidates,
                    "cpu_count": os.cpu_count(), "python": sys.version.split()[0],
                    "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    from matchcore.store.db import Store

    def checkpoint():
        """The figures so far, for ``--scaling``'s partial row when this run does not finish."""
        if args.partial:
            args.partial.write_text(json.dumps({**report, "peak_rss_so_far_mb": round(rss_mb()),
                                                "load_average_at_end": " ".join(
                                                    f"{x:.2f}" for x in os.getloadavg())}))

    sizes = f"{args.functions}:{args.candidates}:{args.seed}"
    reuse = db.exists() and Store.open(db).meta("bench_sizes") == sizes
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        cmd = [sys.executable, __file__, "--phase", "import", "--db", str(db),
               "--functions", str(args.functions), "--candidates", str(args.candidates),
               "--per-employer", str(args.per_employer), "--seed", str(args.seed)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        report.update(json.loads(out.strip().splitlines()[-1]))
    else:
        report["import"] = "reused " + str(db)


    from matchcore.matching.matcher import Matcher

    store = Store.open(db)
    store.db.execute("delete from match_cache")
    t0 = time.perf_counter()
    m = Matcher(store).fit()
    report["fit_cold_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    m = Matcher(store).fit()
    report["fit_warm_s"] = round(time.perf_counter() - t0, 3)
    checkpoint()
    report["columns"] = len(m.data_.columns)
    report["function_competences"] = int(m.weights_.W_req.nnz + m.weights_.W_opt.nnz)

    rng = random.Random(args.seed)
    cids = list(m.data_.candidates.ids)
    sample = rng.sample(cids, min(args.queries, len(cids)))
    m.match_candidate(sample[0], instruments=False)  # warm-up (text index, imports)
    times = []
    for cid in sample:
        t0 = time.perf_counter()
        m.match_candidate(cid, top=10, instruments=False)
        times.append(time.perf_counter() - t0)
    report["query_p50_ms"] = round(statistics.median(times) * 1000, 1)
    report["query_p95_ms"] = round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 1)
    score_times = []
    for cid in sample:
        t0 = time.perf_counter()
        m.top_functions_all(top=10, candidate_ids=[cid])
        score_times.append(time.perf_counter() - t0)
    report["query_scoring_only_p50_ms"] = round(statistics.median(score_times) * 1000, 1)
    checkpoint()
    bm = bm25_peer(store, sample)
    if bm is not None:
        report["bm25_index_s"], report["bm25_query_p50_ms"] = bm
        report["query_p50_vs_bm25_p50"] = round(report["query_p50_ms"] / bm[1], 2)
    times, failed = [], []
    for cid in sample[:10]:
        t0 = time.perf_counter()
        try:
            m.match_candidate(cid, top=10)
        except Exception as exc:  # noqa: BLE001 - a query that fails is reported, not timed
            failed.append(f"{cid} {type(exc).__name__}: {exc}")
            continue
        times.append(time.perf_counter() - t0)
    report["query_with_instruments_p50_ms"] = round(statistics.median(times) * 1000, 1) if times else "n/a"
    if failed:
        report["query_with_instruments_failed"] = f"{len(failed)}/10: {failed[0]}"
    # the other direction: one function against every stored candidate, explained, instruments
    # off (the title fit of every candidate's job targets is its main cost)
    fids = m.data_.functions.ids
    times = []
    for fid in [fids[i] for i in range(0, len(fids), max(1, len(fids) // 20))][:20]:
        t0 = time.perf_counter()
        m.match_function(fid, top=10, instruments=False)
        times.append(time.perf_counter() - t0)
    report["function_query_p50_ms"] = round(statistics.median(times) * 1000, 1)
    checkpoint()

    if not args.quick:
        t0 = time.perf_counter()
        _, idx, sc = m.top_functions_all(top=10, batch_size=args.batch_size)
        report["all_pairs_top10_s"] = round(time.perf_counter() - t0, 1)
        report["all_pairs_pairs"] = len(cids) * m.n_functions_
        checkpoint()
    if "all_pairs_top10_s" in report and bm is not None and bm[1] * len(cids) >= 50:  # >= 0.05 s
        # the peer: a BM25 ranking of every candidate, estimated from its p50 (no constraints)
        report["bm25_all_queries_estimate_s"] = round(bm[1] / 1000 * len(cids), 1)
        report["all_pairs_vs_bm25_all_queries"] = round(
            report["all_pairs_top10_s"] / report["bm25_all_queries_estimate_s"], 2)
        report["all_pairs_vs_target_10s"] = round(report["all_pairs_top10_s"] / 10.0, 2)
    report["peak_rss_engine_mb"] = round(rss_mb())  # before the naive scorer's lists
    report["peak_rss_vs_budget_2gb"] = round(report["peak_rss_engine_mb"] / 2048, 2)
    checkpoint()

    # naive pure-Python scorer, same formula, same sample candidates (--naive 0: skipped; the
    # scaling table does, as its lists of 1,000,000 functions cost minutes and gigabytes)
    idf, funcs = naive_prepare(m) if args.naive else (None, None)
    for label, first in (("naive", True), ("naive_score_all", False)) if args.naive else ():
        naive_t, agree = [], 0
        for cid in sample[:args.naive]:
            ci = m.data_.c_index[cid]
            t0 = time.perf_counter()
            top_naive = naive_query(m, idf, funcs, ci, constraints_first=first)
            naive_t.append(time.perf_counter() - t0)
            _, idx, sc = m.top_functions_all(top=10, candidate_ids=[cid])
            top_vec = [(m.data_.functions.ids[i], s) for i, s in zip(idx[0], sc[0]) if i >= 0]
            agree += [f for f, _ in top_naive] == [f for f, _ in top_vec] and all(
                abs(a - b) < 1e-9 for (_, a), (_, b) in zip(top_naive, top_vec))
        t = statistics.median(naive_t)
        report[f"{label}_query_s"] = round(t, 3)
        report[f"{label}_vs_vectorised_query"] = f"{t / (report['query_scoring_only_p50_ms'] / 1000):.0f}x"
        report[f"{label}_all_pairs_estimate_s"] = round(t * len(cids))
        report[f"{label}_agrees_top10"] = f"{agree}/{len(naive_t)}"

        if "all_pairs_top10_s" in report:
            report[f"{label}_vs_vectorised_all_pairs"] = \
                f"{report[f'{label}_all_pairs_estimate_s'] / report['all_pairs_top10_s']:.0f}x"

    report["peak_rss_with_naive_mb"] = round(rss_mb())
    store.close()

    cli = [str(Path(sys.executable).with_name("matchcore")), "--db", str(db), "match", "candidate"]
    # /usr/bin/time reports the CLI's own peak memory (a child forked from this big process
    # would inherit its high-water mark)
    timer = ["/usr/bin/time", "-f", "maxrss_kb=%M"] if Path("/usr/bin/time").exists() else []
    times, rss, failed = [], [], []
    for cid in sample[:args.cli_runs]:
        t0 = time.perf_counter()
        done = subprocess.run(timer + cli + [cid, "--top", "10", "--json"],
                              capture_output=True, text=True)
        if done.returncode:  # a query that fails is reported (its last line), not timed
            err = [line for line in done.stderr.splitlines() if not line.startswith(
                ("maxrss_kb=", "Command exited"))]
            failed.append(f"{cid} {(err or ['?'])[-1].strip()}")
            continue
        times.append(time.perf_counter() - t0)
        rss += [int(line.split("=")[1]) / 1024 for line in done.stderr.splitlines()
                if line.startswith("maxrss_kb=")]
    if failed:
        report["cli_match_failed"] = f"{len(failed)}/{len(sample[:args.cli_runs])}: {failed[0]}"
    times = times or [math.nan]
    report["cli_match_median_s"] = round(statistics.median(times), 2)
    report["cli_match_max_s"] = round(max(times), 2)
    checkpoint()
    bare = []
    for _ in range(5):  # the floor: Python starting with numpy, scipy and sqlite3, nothing else
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy, scipy.sparse, sqlite3"], check=True)
        bare.append(time.perf_counter() - t0)
    report["bare_startup_median_s"] = round(statistics.median(bare), 3)
    report["cli_match_vs_bare_startup"] = round(statistics.median(times) / statistics.median(bare), 2)
    times = []
    for cid in sample[:args.cli_runs]:
        t0 = time.perf_counter()
        if subprocess.run(cli + [cid, "--top", "10", "--json", "--no-instruments"],
                          capture_output=True).returncode == 0:
            times.append(time.perf_counter() - t0)
    times = times or [math.nan]
    report["cli_match_no_instruments_median_s"] = round(statistics.median(times), 2)
    report["cli_match_no_instruments_vs_bare_startup"] = round(
        statistics.median(times) / statistics.median(bare), 2)
    report["cli_match_peak_rss_mb"] = round(max(rss)) if rss else "n/a"
    t0 = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("matchcore")), "--help"], check=True, capture_output=True)
    report["cli_help_s"] = round(time.perf_counter() - t0, 2)
    report["load_average_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report["command"] = "python benchmarks/bench_matching.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = "\n".join(f"{k:32} {v}" for k, v in report.items())
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
