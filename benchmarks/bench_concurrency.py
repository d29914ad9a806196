"""Concurrency benchmark: N coaches (processes) working on one SQLite file at once.

Each process opens its own :class:`~matchcore.store.db.Store` on one file holding the bundled
profiles/ and scans/, waits for a common start, and for ``--seconds`` repeats a coach's mix of
operations, chosen at random with fixed weights (seeded per process):

* ``read``   (55 %): a candidate, an employer and the list of functions (what a page shows);
* ``match``  (15 %): ``match candidate`` top 10 with a fitted Matcher, refitted (from the match
  cache when another process saved it) when the data moved;
* ``call``   (15 %): a contact-log entry with its audit line (a write that leaves the records);
* ``edit``   (15 %): a candidate's hours changed and saved (a write of records: data_version
  moves, so every process's next match refits).

Reports for each N: operations per second in all, 0 errors expected (any exception counts), and
p50 / p95 latency per operation. Writes wait for the lock (``BEGIN IMMEDIATE``, busy timeout,
bounded retry): their latency is where the contention shows.

Usage::

    .venv/bin/python benchmarks/bench_concurrency.py                       # N = 1 2 4 8 16, 5 s each
    .venv/bin/python benchmarks/bench_concurrency.py --clients 1 4 --seconds 2
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = {"read": 55, "match": 15, "call": 15, "edit": 15}


def _coach(path: str, seed: int, seconds: float, ready, start, out) -> None:
    from matchcore.matching.matcher import Matcher
    from matchcore.model import parse_record, to_document
    from matchcore.store import Store
    from matchcore.web import contacts

    rng = random.Random(seed)
    store = Store.open(path, create=False)
    cands, emps = store.ids("candidate"), store.ids("employer")
    functions = [r["id"] for r in store.summaries("functions")]
    matcher = Matcher(store).fit()
    ops, weights = list(WEIGHTS), list(WEIGHTS.values())
    times: dict[str, list[float]] = {op: [] for op in ops}
    errors: list[str] = []
    ready.put(seed)
    start.wait()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        op = rng.choices(ops, weights)[0]
        t0 = time.perf_counter()
        try:
            if op == "read":
                store.candidate(rng.choice(cands))
                store.employer(rng.choice(emps))
                store.summaries("functions")
            elif op == "match":
                matcher.match_candidate(rng.choice(cands), top=10, instruments=False)
            elif op == "call":
                fid = rng.choice(functions)
                contacts.record_call(store, user=f"coach{seed}", employer_id=fid.split("/")[0],
                                     function_id=fid, function_title=None,
                                     candidate_id=rng.choice(cands), outcome="interested")
            else:
                doc = to_document(store.candidate(rng.choice(cands)))
                doc["hours_per_week"] = rng.choice([19, 20, 24, 30, 38])
                rec, problems = parse_record(doc)
                assert not problems, problems
                store.upsert([rec], by=f"coach{seed}")
        except Exception:  # counted, never hidden: the benchmark expects none
            errors.append(traceback.format_exc(limit=2).strip().splitlines()[-1])
            continue
        times[op].append(time.perf_counter() - t0)
    store.close()
    out.put((times, errors))


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def run(path: str, n: int, seconds: float) -> dict:
    ctx = mp.get_context("spawn")
    ready, start, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_coach, args=(path, i, seconds, ready, start, out)) for i in range(n)]
    for p in procs:
        p.start()
    for _ in procs:  # every process has opened the store and fitted its matcher
        ready.get(timeout=120)
    start.set()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(30)
    times: dict[str, list[float]] = {op: [] for op in WEIGHTS}
    errors: list[str] = []
    for t, e in results:
        for op, v in t.items():
            times[op] += v
        errors += e
    total = sum(len(v) for v in times.values())
    writes = times["call"] + times["edit"]
    return {"n": n, "ops": total, "ops_s": total / seconds, "errors": len(errors),
            "first_errors": sorted(set(errors))[:3], "writes_s": len(writes) / seconds,
            **{f"{op}_p50": _pct(v, 0.5) for op, v in times.items()},
            **{f"{op}_p95": _pct(v, 0.95) for op, v in times.items()},
            "all_p95": _pct(sum(times.values(), []), 0.95)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()

    from matchcore.store import Store
    from matchcore.store.io import import_paths
    from matchcore.web import schema  # noqa: F401  (the contact log's tables)

    with tempfile.TemporaryDirectory() as tmp:
        print(f"# matchcore bench_concurrency: {platform.platform()}, Python {platform.python_version()}, "
              f"{os.cpu_count()} CPU(s); {args.seconds:g} s per N; mix {WEIGHTS}")
        print("| coaches (processes) | ops/s | writes/s | errors | p95 all ms | read p50/p95 ms "
              "| match p50/p95 ms | call p50/p95 ms | edit p50/p95 ms |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for n in args.clients:
            path = str(Path(tmp) / f"bench-{n}.db")
            store = Store.open(path)
            import_paths(store, [ROOT / "profiles", ROOT / "scans"])
            store.close()
            r = run(path, n, args.seconds)
            cells = " | ".join(f"{r[op + '_p50']:.1f} / {r[op + '_p95']:.1f}" for op in WEIGHTS)
            print(f"| {n} | {r['ops_s']:.0f} | {r['writes_s']:.0f} | {r['errors']} | "
                  f"{r['all_p95']:.1f} | {cells} |", flush=True)
            for e in r["first_errors"]:
                print(f"  error: {e}", file=sys.stderr)


if __name__ == "__main__":
    main()
