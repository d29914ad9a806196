"""Import benchmark: ``matchcore import`` of N functions against the floor of plain sqlite-utils.

Makes N functions (``--per-employer`` per employer; Flemish titles, competences drawn from the
bundled Dutch vocabulary: the generator of ``bench_matching.py``), writes them as JSON files
(``--files`` of them) in a temporary folder, and measures in the same run:

* ``matchcore import`` in process (:func:`matchcore.store.io.import_paths`: read, validate, write)
  into a new store;
* ``matchcore import`` through the CLI (a subprocess: wall time, and its peak memory as max RSS);
* the floor: plain sqlite-utils inserting the same rows (the same tables and columns the store
  writes: employers, functions, function_competences, revisions) into a new store in one
  transaction, built from the raw dicts without validation;

and reports the ratios import / floor, in wall time and in CPU time of this process (the CPU
ratio is the steadier one on a shared, loaded machine).

Usage (from the checkout)::

    .venv/bin/python benchmarks/bench_import.py --sizes 10000,100000 --out benchmarks/results-import.txt
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_matching import generate  # noqa: E402  (the same synthetic data)


def write_files(employers: list[dict], folder: Path, n_files: int) -> list[Path]:
    per = math.ceil(len(employers) / n_files)
    paths = []
    for i in range(n_files):
        part = employers[i * per:(i + 1) * per]
        if not part:
            break
        p = folder / f"werkgevers-{i:03d}.json"
        p.write_text(json.dumps(part, ensure_ascii=False), encoding="utf-8")
        paths.append(p)
    return paths


def floor(db: Path, employers: list[dict]) -> tuple[float, float]:
    """Plain sqlite-utils: the rows the store writes, from the raw dicts, one transaction."""
    from matchcore.postcodes import lookup
    from matchcore.store.db import Store

    Store.open(db).close()  # the same schema
    import sqlite_utils

    t0, c0 = time.perf_counter(), time.process_time()
    sdb = sqlite_utils.Database(db)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    emps, funcs, comps, revs = [], [], [], []
    for e in employers:
        pc = lookup(e["location"]["postcode"])
        emps.append({"id": e["id"], "name": e["name"], "sector": e["sector"], "joint_committee": None,
                     "non_profit": 0, "postcode": pc.postcode, "municipality": pc.municipality,
                     "region": pc.region, "lat": pc.lat, "lon": pc.lon,
                     "doc": json.dumps(e, ensure_ascii=False)})
        revs.append({"kind": "employer", "parent": "", "id": e["id"], "revision": 1,
                     "changed_by": "cli", "changed_at": now, "fields": "[]", "removed": 0})
        for f in e["functions"]:
            fid = f"{e['id']}/{f['id']}"
            funcs.append({"id": fid, "employer_id": e["id"], "function_id": f["id"], "title": f["title"],
                          "sector": e["sector"], "hours_per_week": f["hours_per_week"],
                          "shifts": json.dumps(f["shifts"]), "openings": f["openings"],
                          "visible": int(f["visible"]), "hourly_wage_eur": None,
                          "lat": pc.lat, "lon": pc.lon, "doc": json.dumps(f, ensure_ascii=False)})
            for i, c in enumerate(f["competences"]):
                comps.append({"function_id": fid, "pos": i, "name": c["name"], "level": c["level"],
                              "weight": c["weight"], "required": int(c["required"]), "esco_uri": None})
    with sdb.conn:
        sdb["employers"].insert_all(emps, batch_size=1000)
        sdb["functions"].insert_all(funcs, batch_size=1000)
        sdb["function_competences"].insert_all(comps, batch_size=1000)
        sdb["revisions"].insert_all(revs, batch_size=1000)
    sdb.close()
    return time.perf_counter() - t0, time.process_time() - c0


def in_process(db: Path, paths: list[Path]) -> tuple[float, float, dict]:
    """Wall and CPU seconds of :func:`import_paths`, and its counts."""
    from matchcore.store.db import Store
    from matchcore.store.io import import_paths

    store = Store.open(db)
    t0, c0 = time.perf_counter(), time.process_time()
    counts = import_paths(store, paths)
    store.close()  # timed, as the floor's close is (the WAL checkpoint)
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    return took, cpu, counts


def via_cli(db: Path, paths: list[Path]) -> tuple[float, float]:
    env = {**os.environ, "MATCHCORE_DB": str(db)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "matchcore", "import", *map(str, paths)], env=env,
                   check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    took = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, max(rss, before) / 1024.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="numbers of functions, comma-separated")
    ap.add_argument("--per-employer", type=int, default=5)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI run")
    ap.add_argument("--out", type=Path, help="also write the report here")
    args = ap.parse_args(argv)
    lines = [f"# bench_import.py --sizes {args.sizes} --per-employer {args.per_employer} "
             f"--files {args.files} ({dt.date.today().isoformat()}, {os.cpu_count()} cpus, "
             f"Python {sys.version.split()[0]})",
             f"{'functions':>10} {'floor_s':>8} {'import_s':>9} {'ratio':>6} {'floor_cpu':>9} "
             f"{'import_cpu':>10} {'cpu_ratio':>9} {'cli_s':>7} {'cli_ratio':>9} {'cli_rss_MB':>10}"]
    print(lines[0]), print(lines[1])
    for n in (int(s) for s in args.sizes.split(",")):
        employers, _cands = generate(n, 0, args.per_employer, args.seed)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            paths = write_files(employers, tmp, args.files)
            base, base_cpu = floor(tmp / "floor.db", employers)
            del employers
            took, cpu, counts = in_process(tmp / "import.db", paths)
            assert counts.get("employer") == math.ceil(n / args.per_employer), counts
            cli_s, cli_rss = (float("nan"), float("nan")) if args.no_cli else via_cli(tmp / "cli.db", paths)
        line = (f"{n:>10} {base:>8.1f} {took:>9.1f} {took / base:>6.2f} {base_cpu:>9.1f} "
                f"{cpu:>10.1f} {cpu / base_cpu:>9.2f} {cli_s:>7.1f} {cli_s / base:>9.2f} {cli_rss:>10.0f}")
        print(line, flush=True)
        lines.append(line)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
