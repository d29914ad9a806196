"""Interleaved timing of whole commands: the CLI query beside its floor, run after run.

Why interleaved: this 2-core host's speed drifts by up to a third within minutes, so the CLI
and the bare start-up are timed in turns (one of each, N times) and compared by their medians.

    .venv/bin/python benchmarks/bench_cli.py --db /tmp/bench100k-v9.db --candidate K-000001 --runs 9

prints the median and best seconds of: the bare start-up of Python with numpy, scipy and
sqlite3; ``matchcore match candidate ID --top 10 --json``; the same with ``--no-instruments``;
and each command's ratio to the bare start-up.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--candidate", required=True)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # a real user's Python keeps its bytecode
    cli = [str(Path(sys.executable).with_name("matchcore")), "--db", args.db, "match", "candidate",
           args.candidate, "--top", "10", "--json"]
    cmds = {"bare start-up": [sys.executable, "-c", "import numpy, scipy.sparse, sqlite3"],
            "match --json": cli, "match --json --no-instruments": cli + ["--no-instruments"]}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - t0)
    floor = statistics.median(times["bare start-up"])
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:32s} median {med:.3f} s  best {min(ts):.3f} s  ratio {med / floor:.2f}")


if __name__ == "__main__":
    main()
