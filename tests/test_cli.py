"""The command line: import, list, show, export, errors and the demo."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchcore.cli.root import main

from .test_io import CANDIDATES_YAML, EMPLOYER_YAML, SCAN_YAML, write

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"

    def invoke(*args, input=None):
        return CliRunner().invoke(main, ["--db", str(db), *args], obj={}, input=input)

    return invoke


@pytest.fixture
def files(tmp_path):
    write(tmp_path / "in", "kaai.yaml", EMPLOYER_YAML)
    write(tmp_path / "in", "cands.yaml", CANDIDATES_YAML)
    write(tmp_path / "in", "scan.yaml", SCAN_YAML)
    return tmp_path / "in"


def test_import_list_show(run, files):
    result = run("import", str(files))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "imported 2 candidates, 1 employer, 1 scan"
    listed = json.loads(run("list", "functions", "--json").output)
    assert listed == [{"id": "brasserie-de-kaai/afwasser", "title": "Afwasser / keukenhulp",
                       "sector": "horeca", "hours_per_week": 20.0, "openings": 1, "visible": False,
                       "hourly_wage_eur": 14.5}]
    shown = json.loads(run("show", "candidate", "K-0042", "--json").output)
    assert shown["home"]["municipality"] == "Ledeberg" and shown["competences"][0]["level"] == 3
    table = run("list", "candidates").output
    assert "K-0042" in table and "K-0043" in table
    assert "Afwasser" in run("show", "function", "brasserie-de-kaai/afwasser").output
    scans = json.loads(run("list", "scans", "--json").output)
    assert scans == [{"id": "haven-2025-03", "employer": "brasserie-de-kaai", "date": "2025-03-12",
                      "tasks": 1, "hours_per_week": 12.5}]


def test_bad_import_exits_1_with_one_line_per_problem(run, files):
    write(files, "kaai.yaml", EMPLOYER_YAML.replace("hours_per_week: 20", 'hours_per_week: "twintig"'))
    result = run("import", str(files))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f'error: {files / "kaai.yaml"}: employer brasserie-de-kaai, function afwasser: '
        'hours_per_week must be a number between 1 and 50, got "twintig"')
    assert "Traceback" not in result.output
    assert json.loads(run("list", "employers", "--json").output) == []


def test_unknown_id_suggests_the_nearest(run, files):
    run("import", str(files))
    result = run("show", "candidate", "K-042")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: No such candidate: 'K-042'; did you mean 'K-0042'?"


def test_export_round_trip_via_cli(run, files, tmp_path):
    run("import", str(files))
    assert run("export", str(tmp_path / "out")).exit_code == 0
    other = CliRunner().invoke(main, ["--db", str(tmp_path / "other.db"), "import", str(tmp_path / "out")], obj={})
    assert other.exit_code == 0, other.output
    assert sorted(p.name for p in (tmp_path / "out" / "candidates").iterdir()) == ["K-0042.yaml", "K-0043.yaml"]


def test_db_from_environment(tmp_path, files, monkeypatch):
    monkeypatch.setenv("MATCHCORE_DB", str(tmp_path / "env.db"))
    result = CliRunner().invoke(main, ["import", str(files)], obj={})
    assert result.exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_real_process_exit_status_and_no_traceback(tmp_path, files):
    write(files, "cands.yaml", CANDIDATES_YAML.replace('postcode: "2000"', 'postcode: "99999"'))
    proc = subprocess.run([sys.executable, "-m", "matchcore", "--db", str(tmp_path / "p.db"), "import", str(files)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert 'home.postcode must be a Belgian postcode (4 digits, e.g. \'9000\'), got "99999"' in proc.stderr


def test_demo_builds_from_bundled_data(tmp_path):
    if not any((ROOT / "profiles").rglob("*.yaml")):
        pytest.skip("no bundled profiles in this checkout")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "demo.db"), "demo"], obj={})
    assert result.exit_code == 0, result.output
    assert "== functions ==" in result.output and "haven-2025-03" in result.output
    # the tour: a sample match, the instruments of its best pair, and ends with the port carving
    out = result.output
    assert out.index("== sample match ==") < out.index("== instruments: ") < out.index("== job carving")
    assert "Onderhoudsmedewerker bedrijfsterreinen" in out.split("== job carving")[1]
    from matchcore.store.db import Store

    store = Store.open(tmp_path / "demo.db")
    assert store.count("employer") >= 25 and store.count("candidate") >= 40 and store.count("scan") >= 3
    assert store.count("function") >= 50


def test_the_console_entry_point_keeps_exit_statuses_and_the_whole_output():
    """``run()`` ends the process with ``os._exit`` (no interpreter teardown, issue 16): the
    status of a usage error stays 2 (exit 1 of bad input: test_real_process_exit_status_...),
    and a long ``--json`` output written to a pipe arrives whole."""
    bad = subprocess.run([sys.executable, "-m", "matchcore", "--bogus"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--bogus" in bad.stderr
    listed = subprocess.run([sys.executable, "-m", "matchcore", "instruments", "list", "--json"],
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout) > 8192   # more than one pipe buffer
    assert {"BIS", "IBO"} <= {i["code"] for i in json.loads(listed.stdout)}
