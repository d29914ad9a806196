"""A third party's plugin: install examples/matchcore-twe into this environment, see it appear, remove it.

This installs into the running virtual environment (as a user would) with pip, runs the
matchcore command in fresh processes, runs the plugin's own tests, and uninstalls it again.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from matchcore.model import Candidate, Employer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "matchcore-twe"
MATCHCORE = [sys.executable, "-m", "matchcore"]


def pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
                          capture_output=True, text=True, timeout=300)


def installed() -> bool:
    return subprocess.run([sys.executable, "-c", "import importlib.metadata as m; m.distribution('matchcore-twe')"],
                          capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def twe_installed(tmp_path_factory):
    if installed():
        pytest.skip("matchcore-twe is already installed in this environment; not touching it")
    # Build from a copy, so that the build leaves no build/ or egg-info in the checkout.
    source = tmp_path_factory.mktemp("twe") / "matchcore-twe"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__",
                                                                   ".pytest_cache"))
    result = pip("install", "--no-deps", str(source))
    if result.returncode != 0:
        pytest.fail(f"pip install of {EXAMPLE} failed:\n{result.stdout}\n{result.stderr}")
    try:
        yield
    finally:
        pip("uninstall", "-y", "matchcore-twe")
        from matchcore.instruments import registry as plugins

        plugins.reset()


def matchcore(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    pre = ["--db", str(db)] if db else []
    return subprocess.run([*MATCHCORE, *pre, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_installed_plugin_shows_in_list_show_and_check(twe_installed, tmp_path, store):
    listed = matchcore("instruments", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr == ""                                   # no plugin problems
    rows = {r["code"]: r for r in json.loads(listed.stdout)}
    # the example registers its own code beside the built-in TWE
    assert rows["TWE-example"]["plugin"] == "matchcore_twe"
    assert rows["TWE-example"]["distribution"] == "matchcore-twe 0.1.0"
    assert rows["TWE"]["plugin"] == "matchcore_plugins.twe"
    assert "BIS" in rows                                          # the built-ins are still there

    shown = matchcore("instruments", "show", "twe-example")
    assert shown.returncode == 0 and "TWE-example: tijdelijke werkervaring (example plugin)  [matchcore_twe]" \
        in shown.stdout

    employer = Employer.model_validate({
        "id": "werkplek", "name": "Werkplek", "sector": "logistiek", "joint_committee": "226",
        "location": {"postcode": "3000"},
        "functions": [{"id": "magazijnier", "title": "Magazijnier", "hours_per_week": 38, "hourly_wage_eur": 15}]})
    candidate = Candidate.model_validate({"id": "K-7", "home": {"postcode": "3010"},
                                          "employment": {"status": "jobseeker"}})
    store.upsert([employer, candidate])
    checked = matchcore("instruments", "check", "--candidate", "K-7", "--function", "werkplek/magazijnier",
                        "--start", "2026-03-02", "--json", db=store.path)
    assert checked.returncode == 0, checked.stderr
    twe = next(r for r in json.loads(checked.stdout) if r["code"] == "TWE-example")
    assert twe["eligible"] is True and twe["plugin"] == "matchcore_twe"
    assert {"what": "first agreement sheet (afsprakenblad) signed by partner and candidate",
            "due": "2026-03-17"}.items() <= next(s for s in twe["steps"] if s["what"].startswith("first agreement")).items()


def test_the_plugins_own_tests_pass_once_installed(twe_installed):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
                            capture_output=True, text=True, timeout=300, cwd=EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout  # its rules (5) and its Dutch catalogue (1)
