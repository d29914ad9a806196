"""The scaling table of benchmarks/bench_matching.py (issue 16, item 4): its chunked import
writes the same rows as the one-transaction import, and its growth figures are per 10x."""
from __future__ import annotations

import argparse
import importlib.util
import sqlite3
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_matching.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_matching_under_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generate_is_the_streamed_documents(bench):
    employers, candidates = bench.generate(95, 7, 10, 3)
    streamed = list(bench.iter_generate(95, 7, 10, 3))
    assert streamed == employers + candidates
    assert sum(len(e["functions"]) for e in employers) == 95 and len(candidates) == 7


def _rows(db: Path) -> dict[str, list]:
    con = sqlite3.connect(db)
    try:
        return {t: sorted(map(repr, con.execute(f"select * from [{t}]")))
                for t in ("employers", "functions", "function_competences", "candidates",
                          "candidate_competences")}
    finally:
        con.close()


def test_chunked_import_writes_the_same_rows(bench, tmp_path):
    def args(chunk):
        return argparse.Namespace(functions=120, candidates=15, per_employer=10, seed=2,
                                  import_chunk=chunk)

    whole = bench.do_import(tmp_path / "whole.db", args(0))
    chunked = bench.do_import(tmp_path / "chunked.db", args(35))  # 3 chunks of 4 whole employers
    assert chunked["import_chunk_functions"] == 35 and "import_chunk_functions" not in whole
    assert _rows(tmp_path / "whole.db") == _rows(tmp_path / "chunked.db")
    assert len(_rows(tmp_path / "chunked.db")["functions"]) == 120


def test_scaling_text_growth_per_decade(bench):
    rows = [{"functions": "1000", "query_p50_ms": "2.0", "all_pairs_top10_s": "1.0",
             "peak_rss_engine_mb": "100"},
            {"functions": "100000", "query_p50_ms": "200.0", "all_pairs_top10_s": "skipped",
             "peak_rss_engine_mb": "400", "note": "unfinished (stopped after 60 s)"}]
    text = bench.scaling_text(rows, ["# header"])
    lines = text.splitlines()
    assert lines[0] == "# header" and lines[1].split()[0] == "functions"
    assert lines[3].split()[0] == "100000" and "skipped" in lines[3]
    # two decades: 100x in time is 10x per decade, 4x in memory is 2x per decade
    growth = next(line for line in lines if line.startswith("# growth"))
    assert "query p50 x10.0" in growth and "peak RSS bench x2.0" in growth
    assert "all pairs" not in growth  # no figure at the larger size
    assert "# 100,000 functions: unfinished (stopped after 60 s)" in lines
