"""Match quality: does matchcore find the profile a candidate was made from?

For every known profile (the bundled functions, and the 3,007 real ESCO occupations) the script
makes synthetic candidates: a random share of the profile's competences (50-80 %; in the
``ESCO-6`` rows at most 6, closer to what a coach writes down), 30 % of them written with a
synonym (another label of the same concept in the vocabulary) and 20 % with one typing error,
plus two unrelated competences taken from other profiles. Each candidate is then ranked against all profiles, and
the rank of its source profile gives recall@1, recall@10 and MRR, side by side with plain
TF-IDF text matchers over the same labels (scikit-learn TfidfVectorizer, cosine similarity:
the usual open-source approach), computed in the same run on the same candidates.

Usage (from the checkout)::

    .venv/bin/python benchmarks/quality.py                     # bundled data + ESCO
    .venv/bin/python benchmarks/quality.py --no-esco --per-profile 20 --seed 1
    .venv/bin/python benchmarks/quality.py --out benchmarks/results-quality.txt

ESCO is read from ``../shared/data/esco-1.1.1-en`` (``--esco DIR``); it is skipped cleanly when
absent. Ties are broken by profile id for every method (the engine's own rule).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchcore.store.io import import_paths
from matchcore.matching.matcher import Matcher
from matchcore.store.db import Store
from matchcore.vocabulary import fold, import_esco

DEFAULT_ESCO = ROOT.parent / "shared" / "data" / "esco-1.1.1-en"
KEYBOARD_NEIGHBOURS = dict(zip("abcdefghijklmnopqrstuvwxyz", [
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn",
    "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb",
    "qase", "zsdc", "tghu", "asx"]))


def typo(text: str, rng: random.Random) -> str:
    """One typing error in a word of at least 4 letters: drop, swap, double or a neighbour key."""
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
        w = w[:p] + rng.choice(KEYBOARD_NEIGHBOURS.get(c, c)) + w[p + 1:]
    words[i] = w
    return " ".join(words)


def profiles_of(matcher: Matcher, function_ids: list[str]) -> list[dict]:
    """Each function's competence names, the concept each resolves to, and that concept's labels."""
    vocab = matcher.vocabulary_
    if not hasattr(vocab, "concepts_"):
        vocab.fit()
    store = matcher.store
    rows = store.db.execute("select function_id, name, esco_uri from function_competences "
                            "order by function_id, pos").fetchall()
    by_f: dict[str, list] = {}
    for fid, name, uri in rows:
        by_f.setdefault(fid, []).append((name, uri))
    out = []
    for fid in function_ids:
        comps = by_f.get(fid, [])
        res = vocab.resolve_many(comps)
        out.append({"id": fid, "names": [n for n, _ in comps],
                    "synonyms": [[lab for lab in vocab.labels_.get(r.concept, []) if fold(lab) != fold(n)]
                                 if r.concept else [] for (n, _), r in zip(comps, res)]})
    return out


def make_candidates(profiles: list[dict], per_profile: int, rng: random.Random, *,
                    p_synonym: float = 0.3, p_typo: float = 0.2, noise: int = 2,
                    share=(0.5, 0.8), max_keep: int | None = None) -> list[tuple[int, list[str]]]:
    all_names = [n for p in profiles for n in p["names"]]
    out = []
    for src, p in enumerate(profiles):
        if len(p["names"]) < 2:
            continue
        for _ in range(per_profile):
            k = max(2, round(len(p["names"]) * rng.uniform(*share)))
            k = min(k, max_keep) if max_keep else k
            picked = rng.sample(range(len(p["names"])), k)
            texts = []
            for i in picked:
                name = p["names"][i]
                r = rng.random()
                if r < p_synonym and p["synonyms"][i]:
                    name = rng.choice(p["synonyms"][i])
                elif r < p_synonym + p_typo:
                    name = typo(name, rng)
                texts.append(name)
            own = {fold(n) for n in p["names"]}
            extra = [n for n in rng.sample(all_names, min(len(all_names), noise * 5))
                     if fold(n) not in own][:noise]
            texts += extra
            seen, unique = set(), []
            for t in texts:
                if fold(t) and fold(t) not in seen:
                    seen.add(fold(t))
                    unique.append(t)
            out.append((src, unique))
    return out


def ranks(scores: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """1-based rank of each row's source column; ties broken by column (= id) order."""
    s = np.round(scores, 9)
    src = s[np.arange(len(sources)), sources][:, None]
    cols = np.arange(s.shape[1])[None, :]
    better = (s > src) | ((s == src) & (cols < sources[:, None]))
    return better.sum(axis=1) + 1


def metrics(r: np.ndarray) -> dict[str, float]:
    return {"recall@1": float(np.mean(r <= 1)), "recall@10": float(np.mean(r <= 10)),
            "mrr": float(np.mean(1.0 / r))}


def tfidf_scores(docs: list[str], queries: list[str], **options) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(**options)
    x = vec.fit_transform(docs)
    return (vec.transform(queries) @ x.T).toarray()


def evaluate(name: str, matcher: Matcher, function_ids: list[str], per_profile: int,
             seed: int, max_keep: int | None = None) -> list[dict]:
    rng = random.Random(seed)
    profiles = profiles_of(matcher, function_ids)
    cands = make_candidates(profiles, per_profile, rng, max_keep=max_keep)
    sources = np.array([s for s, _ in cands])
    docs = [" ; ".join(p["names"]) for p in profiles]
    queries = [" ; ".join(t) for _, t in cands]
    rows = []
    t0 = time.perf_counter()
    records = [{"id": f"Q-{n}", "competences": [{"name": t, "level": rng.randint(1, 4)} for t in texts]}
               for n, (_, texts) in enumerate(cands)]
    full = matcher.score_functions(records)
    col = np.array([matcher.data_.f_index[f] for f in function_ids])
    r = ranks(full[:, col], sources)
    rows.append({"dataset": name, "profiles": len(profiles), "queries": len(cands),
                 "method": "matchcore", **metrics(r), "seconds": time.perf_counter() - t0})
    ablations = {"matchcore without IDF weights": {"idf": False},
                 "matchcore without required penalty": {"required_penalty": 0.0},
                 "matchcore without use U": {"use_weight": 0.0},
                 "matchcore, required weight 2": {"required_weight": 2.0}}
    for label, params in ablations.items():
        t0 = time.perf_counter()
        m = Matcher(matcher.store, **params).use(matcher.data_, matcher.vocabulary_)
        r = ranks(m.score_functions(records)[:, col], sources)
        rows.append({"dataset": name, "profiles": len(profiles), "queries": len(cands),
                     "method": label, **metrics(r), "seconds": time.perf_counter() - t0})
    for label, options in {"TF-IDF words (baseline)": {},
                           "TF-IDF char 3-5 (baseline)": {"analyzer": "char_wb",
                                                          "ngram_range": (3, 5)}}.items():
        t0 = time.perf_counter()
        r = ranks(tfidf_scores(docs, queries, **options), sources)
        rows.append({"dataset": name, "profiles": len(profiles), "queries": len(cands),
                     "method": label, **metrics(r), "seconds": time.perf_counter() - t0})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-profile", type=int, default=10,
                    help="candidates per bundled profile (default 10)")
    ap.add_argument("--esco-per-profile", type=int, default=1,
                    help="candidates per ESCO occupation (default 1)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--esco", type=Path, default=DEFAULT_ESCO, help="ESCO v1.1.1 CSV folder")
    ap.add_argument("--no-esco", action="store_true", help="only the bundled profiles")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--out", type=Path, help="also write the table to this file")
    args = ap.parse_args(argv)

    rows = []
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bundled.db")
        import_paths(store, [ROOT / "profiles"])
        m = Matcher(store, cache=False).fit()
        fids = [f for f, ref in zip(m.data_.functions.ids, m.data_.functions.reference) if not ref]
        rows += evaluate("bundled", m, fids, args.per_profile, args.seed)
        store.close()
        if not args.no_esco:
            if (args.esco / "skills_en.csv").is_file():
                store = Store.open(Path(tmp) / "esco.db")
                counts = import_esco(store, args.esco)
                notes.append(f"ESCO import: {counts['skills']} skills, {counts['occupations']} "
                             f"occupations, {counts['relations']} relations in {counts['seconds']:.1f} s")
                m = Matcher(store, cache=False).fit()
                fids = [f for f, e in zip(m.data_.functions.ids, m.data_.functions.employer) if e == "esco"]
                rows += evaluate("ESCO", m, fids, args.esco_per_profile, args.seed)
                rows += evaluate("ESCO-6", m, fids, args.esco_per_profile, args.seed, max_keep=6)
                store.close()
            else:
                notes.append(f"ESCO skipped: {args.esco} not found")
    if args.json:
        print(json.dumps({"rows": rows, "notes": notes}, indent=2))
        return 0
    lines = [f"{'dataset':8} {'profiles':>8} {'queries':>7}  {'method':34} {'recall@1':>8} "
             f"{'recall@10':>9} {'MRR':>6} {'seconds':>7}"]
    for r in rows:
        lines.append(f"{r['dataset']:8} {r['profiles']:>8} {r['queries']:>7}  {r['method']:34} "
                     f"{r['recall@1']:8.3f} {r['recall@10']:9.3f} {r['mrr']:6.3f} {r['seconds']:7.1f}")
    lines += notes
    lines.append(f"command: python benchmarks/quality.py {' '.join(argv or sys.argv[1:])}".rstrip())
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
