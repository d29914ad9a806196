"""Benchmark: carve a synthetic 1,000-task Quick Scan; the target is at most 2 s.

Run from the checkout:

    .venv/bin/python benchmarks/bench_carving.py            # 1,000 tasks, 5 runs
    .venv/bin/python benchmarks/bench_carving.py --tasks 3000 --runs 3

Two scans are timed: a realistic mix (most tasks core, complex or safety-critical, as in a real
company) and the worst case where every task is carvable. The very first run also pays the
imports of numpy and networkx. Candidates are not ranked (that is the matching engine's
benchmark). Exit status 1 when any carving, imports included, exceeds the target.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_S = 2.0
STRAINS = ["heavy", "dirty", "isolated", "repetitive", "outdoor", "noisy"]
WHENS = ["continuous", "morning", "afternoon", "evening", "night", "on_call"]
VERBS = ["sorteren", "reinigen", "aanvullen", "klaarzetten", "controleren", "vegen", "verzamelen",
         "labelen", "inpakken", "opruimen", "rondbrengen", "wassen"]
OBJECTS = ["karton", "folie", "pallets", "linnen", "maaltijden", "bedden", "afval", "glazen",
           "vloeren", "rekken", "containers", "stalen", "post", "retouren", "groenten"]


def synthetic_scan(n_tasks: int, *, all_carvable: bool, seed: int = 2025):
    """A scan of ``n_tasks`` tasks over 25 zones, 12 roles and about 180 competences."""
    from matchcore.model import Scan

    rng = random.Random(seed)
    zones = [f"zone-{z:02d}" for z in range(25)]
    competences = [f"{o} {v}" for o in OBJECTS for v in VERBS]
    roles = [{"id": f"rol{r:02d}", "title": f"Rol {r}", "hourly_cost_eur": 30 + 2 * r, "headcount": 10}
             for r in range(12)]
    tasks = []
    for i in range(n_tasks):
        z = rng.randrange(len(zones))
        home = competences[(7 * z) % len(competences):][:6] or competences[:6]
        comps = sorted(set(rng.sample(home, rng.randint(1, 3)) + rng.sample(competences, rng.randint(0, 1))))
        obj, verb = rng.choice(OBJECTS), rng.choice(VERBS)
        volume = ({"hours_per_week": round(rng.uniform(0.5, 10), 2)} if rng.random() < 0.5 else
                  {"frequency": {"times": rng.randint(1, 8), "per": rng.choice(["shift", "day", "week"])},
                   "minutes": rng.choice([10, 15, 20, 30, 45, 60])})
        tasks.append({
            "id": f"t{i:04d}", "description": f"{obj.capitalize()} {verb} in {zones[z]}",
            "role": roles[rng.randrange(len(roles))]["id"], "competences": comps, "zone": zones[z],
            "when": rng.choice(WHENS), "strain": rng.sample(STRAINS, rng.randint(0, 2)),
            "complexity": rng.randint(1, 2) if all_carvable else rng.randint(1, 5),
            "core": False if all_carvable else rng.random() < 0.25,
            "safety_critical": False if all_carvable else rng.random() < 0.08, **volume})
    return Scan.model_validate({"kind": "scan", "id": f"bench-{n_tasks}", "employer": "bench",
                                "date": dt.date(2025, 1, 1), "shifts_per_day": 2, "roles": roles,
                                "tasks": tasks})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    from matchcore.carving.carve import carve
    import_s = time.perf_counter() - t0
    slowest = 0.0
    print(f"matchcore carving benchmark: {args.tasks} tasks, {args.runs} runs per scan, "
          f"target <= {TARGET_S:.1f} s per carving")
    print(f"import matchcore.carving: {import_s:.3f} s")
    for n, (label, all_carvable) in enumerate((("realistic mix", False), ("all carvable", True))):
        scan = synthetic_scan(args.tasks, all_carvable=all_carvable)
        times, result = [], None
        for _ in range(args.runs):
            start = time.perf_counter()
            result = carve(scan, candidates=False)
            times.append(time.perf_counter() - start)
        first = times[0] + (import_s if n == 0 else 0.0)  # the very first run pays every import
        slowest = max(slowest, first, *times)
        t = result.totals
        print(f"{label:>14}: first {first:.3f} s{' (with imports)' if n == 0 else ''}, "
              f"median {statistics.median(times):.3f} s, max {max(times):.3f} s | "
              f"{t.carvable_tasks} carvable -> {len(result.functions)} functions, "
              f"{t.positions} positions, {len(result.not_carved)} not carved")
    ok = slowest <= TARGET_S
    print(f"{'OK' if ok else 'TOO SLOW'}: slowest carving {slowest:.3f} s (target {TARGET_S:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
