"""Quick Scan entry, carve and advice on the command line (click's CliRunner, prompts via input=)."""
from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from matchcore.carving import texts as _carving_text
from matchcore.cli.root import main
from matchcore.cli.carve import demo_step
from matchcore.store.db import Store

from .carving_data import port_employer, port_scan

VOCAB = ("afval sorteren", "veegmachine bedienen", "veiligheidsvoorschriften naleven")


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A database holding the test port's employer and scan; a small fixed vocabulary."""
    monkeypatch.setattr(_carving_text, "vocabulary", lambda *a: (VOCAB, frozenset()))
    path = tmp_path / "cli.db"
    store = Store.open(path)
    store.upsert([port_employer(), port_scan()])
    store.close()
    return path


@pytest.fixture
def run(db):
    def invoke(*args, input=None):
        return CliRunner().invoke(main, ["--db", str(db), *args], obj={}, input=input)
    return invoke


def stored(db, scan_id):
    store = Store.open(db)
    try:
        return store.scan(scan_id)
    finally:
        store.close()


def lines(*answers):
    return "\n".join(answers) + "\n"


def test_scan_new_asks_and_checks_as_the_consultant_types(run, db):
    answers = lines(
        "kaai-2025", "haven-tst", "haven-test",   # unknown employer -> did you mean, then right
        "2025-03-12", "Jan De Smet", "", "2",     # date, consultant, full time [38], shifts a day
        "dokwerker", "", "veertigh", "tweeënveertig", "60",   # role: id, title [Dokwerker], cost (bad, good in Dutch words), headcount
        "")                                       # no more roles
    result = run("scan", "new", input=answers)
    assert result.exit_code == 0, result.output
    assert "no employer 'haven-tst' in the database; did you mean 'haven-test'?" in result.output
    assert "'veertigh' is not a number" in result.output
    assert result.output.count("saved: ") == 2
    scan = stored(db, "kaai-2025")
    assert scan.employer == "haven-test" and scan.shifts_per_day == 2 and scan.full_time_hours == 38
    assert [(r.id, r.title, r.hourly_cost_eur, r.headcount) for r in scan.roles] == [("dokwerker", "Dokwerker", 42, 60)]


def test_scan_new_with_options_asks_nothing(run, db):
    result = run("scan", "new", "s2", "--employer", "haven-test", "--date", "2025-05-01",
                 "--role", "kok:Kok:35", "--role", "chef:Chef-kok:48:2")
    assert result.exit_code == 0, result.output
    assert [r.id for r in stored(db, "s2").roles] == ["kok", "chef"]
    again = run("scan", "new", "s2", "--employer", "haven-test", "--role", "kok:Kok")
    assert again.exit_code == 1 and "scan s2 already exists" in again.output


def test_add_task_interactively_with_frequency_and_suggestions(run, db):
    run("scan", "new", "kaai", "--employer", "haven-test", "--date", "2025-03-12",
        "--role", "dokwerker:Dokwerker:42", "--role", "kraanman:Kraanman:48")
    store = Store.open(db)
    scan = store.scan("kaai")
    store.save_scan(scan.model_copy(update={"shifts_per_day": 2}))
    store.close()
    answers = lines(
        "Folie op de kaai sorteren",
        "dokwerkr", "dokwerker",                  # typo -> did you mean, then right
        "f", "veel", "4", "shift", "20", "",      # 4 x per shift x 20 min x [5] days, 2 shifts
        "7", "1",                                 # complexity out of range, then 1
        "n", "",                                  # not core, not safety-critical
        "afval sorteer", "1",                     # -> suggestion 1: afval sorteren
        "folie oprollen",                         # new competence, kept
        "",
        "kaai", "", "outdoor, dirtyy", "outdoor, dirty", "",
        "n")                                      # no other task
    result = run("scan", "add-task", "kaai", input=answers)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "'dokwerkr' is not a role of this scan (dokwerker, kraanman); did you mean 'dokwerker'?" in out
    assert "= 13.33 h/week" in out
    assert "did you mean: 1) afval sorteren" in out and "new competence 'folie oprollen'" in out
    assert "'dirtyy' is not one of: heavy" in out
    assert "saved: task t01 (13.33 h/week)" in out
    (t,) = stored(db, "kaai").tasks
    assert t.frequency.times == 4 and t.frequency.per == "shift" and t.minutes == 20
    assert t.competences == ["afval sorteren", "folie oprollen"] and t.strain == ["outdoor", "dirty"]
    assert t.complexity == 1 and t.zone == "kaai" and t.when == "continuous"


def test_without_a_vocabulary_names_come_from_the_scan(run, db, monkeypatch):
    monkeypatch.setattr(_carving_text, "vocabulary", lambda *a: ((), frozenset()))
    answers = lines("Stuwhout sorteren", "dokwerker", "h", "5", "", "", "",
                    "stuwhout stapel", "1", "", "kaai", "", "", "", "n")
    result = run("scan", "add-task", "haven-test", input=answers)
    assert result.exit_code == 0, result.output
    assert "did you mean: 1) stuwhout stapelen" in result.output
    assert stored(db, "haven-test").tasks[-1].competences == ["stuwhout stapelen"]


def test_an_interrupted_session_keeps_every_accepted_task(run, db):
    run("scan", "new", "kaai", "--employer", "haven-test", "--role", "dokwerker:Dokwerker")
    first = lines("Kaai vegen", "", "h", "6", "1", "", "", "", "kaai", "", "", "", "y")
    result = run("scan", "add-task", "kaai", input=first + lines("Tweede taak", "", "f"))  # input runs out
    assert result.exit_code == 1  # aborted mid-way through the second task
    assert [t.id for t in stored(db, "kaai").tasks] == ["t01"]


def test_add_edit_remove_and_show_without_questions(run, db):
    result = run("scan", "add-task", "haven-test", "--id", "t20", "--description", "Pallets stapelen",
                 "--role", "dokwerker", "--times", "2", "--per", "day", "--minutes", "45",
                 "--competence", "Afval sorteren", "--zone", "loods", "--strain", "heavy")
    assert result.exit_code == 0, result.output
    assert "saved: task t20 (7.50 h/week)" in result.output
    t = next(t for t in stored(db, "haven-test").tasks if t.id == "t20")
    assert t.competences == ["afval sorteren"]  # the vocabulary's spelling
    result = run("scan", "edit-task", "haven-test", "t20", "--hours-per-week", "9", "--complexity", "2")
    assert result.exit_code == 0, result.output
    t = next(t for t in stored(db, "haven-test").tasks if t.id == "t20")
    assert (t.hours_per_week, t.frequency, t.complexity, t.zone) == (9, None, 2, "loods")
    shown = json.loads(run("scan", "show", "haven-test", "--json").output)
    row = next(t for t in shown["tasks"] if t["id"] == "t20")
    assert row["hours_per_week_computed"] == 9
    table = run("scan", "show", "haven-test").output
    assert "Pallets stapelen" in table and "16 tasks" in table
    result = run("scan", "remove-task", "haven-test", "t20", "--yes")
    assert result.exit_code == 0 and "t20" not in [t.id for t in stored(db, "haven-test").tasks]


def test_edit_task_interactively_keeps_what_is_confirmed(run, db):
    answers = lines("", "", "", "", "", "", "", "3", "", "", "", "", "", "", "")
    result = run("scan", "edit-task", "haven-test", "t01", input=answers)
    assert result.exit_code == 0, result.output
    t = stored(db, "haven-test").tasks[0]
    assert t.complexity == 3 and t.minutes == 24 and t.frequency.times == 10
    assert t.competences == ["afval sorteren", "veiligheidsvoorschriften naleven"]


def test_entry_errors_are_one_clean_line(run):
    bad = run("scan", "add-task", "haven-test", "--description", "x", "--role", "dokwerker",
              "--hours-per-week", "3", "--times", "2")
    assert bad.exit_code == 2 and "not both" in bad.output
    missing = run("scan", "edit-task", "haven-test", "t99", "--complexity", "2")
    assert missing.exit_code == 1
    assert "No such task in scan haven-test: 't99'; did you mean" in missing.output
    assert "Traceback" not in missing.output


def test_carve_json_keeps_the_contract_fields(run):
    result = run("carve", "haven-test", "--json", "--no-candidates")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["scan"] == "haven-test"
    fn = doc["functions"][0]
    for key in ("title", "tasks", "hours_per_week", "fte", "positions", "competences", "max_complexity",
                "freed_hours_per_week", "yearly_saving_eur", "candidates"):
        assert key in fn, key
    # 100 h + the 1.67 h coffee-machine task that joins the function (bundles.SMALL_SHARE)
    assert fn["positions"] == 3 and fn["freed_hours_per_week"]["dokwerker"] == 101.67
    assert {"task": "t11"}.items() <= next(r for r in doc["not_carved"] if r["task"] == "t11").items()
    assert all(set(r) >= {"task", "reason"} for r in doc["not_carved"])


def test_carve_options_change_the_result_and_bad_ones_fail_cleanly(run):
    doc = json.loads(run("carve", "haven-test", "--json", "--no-candidates", "--exclude-zone", "loods",
                         "--min-hours", "5").output)
    assert not {"t03", "t04", "t05", "t07"} & {t for f in doc["functions"] for t in f["tasks"]}
    human = run("--lang", "nl", "carve", "haven-test", "--no-candidates")
    assert human.exit_code == 0 and "F1  Medewerker afval sorteren" in human.output
    assert "kerntaak van de kraanman" in human.output  # the reasons are Dutch in Dutch
    bad = run("carve", "haven-test", "--exclude-role", "kraanmen")
    assert bad.exit_code == 1 and bad.output.startswith("error: The 'exclude_roles' parameter")
    assert run("carve", "nope").output.startswith("error: No such scan: 'nope'")


def test_advice_writes_html_and_markdown(run, tmp_path):
    out = tmp_path / "advies.html"
    result = run("advice", "haven-test", "--out", str(out), "--no-candidates")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    md = tmp_path / "advies.md"
    assert run("advice", "haven-test", "--out", str(md), "--no-candidates").exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# Bedrijfsadvies tot functiecreatie")
    stdout = run("advice", "haven-test", "--format", "md", "--out", "-", "--no-candidates").output
    assert "## F1. " in stdout


def test_demo_step_prints_the_port_carving(bundled_store, capsys):
    if "haven-2025-03" not in bundled_store.ids("scan"):
        pytest.skip("bundled scans not present")
    with click.Context(click.Command("demo"), obj={}) as ctx:
        demo_step(ctx, bundled_store)
    out = capsys.readouterr().out
    assert "Quick Scan haven-2025-03" in out and "3 position(s)" in out and "Not carved:" in out


def test_carve_title_and_positions_options(run):
    doc = json.loads(run("carve", "haven-test", "--json", "--no-candidates", "--title", "F1=Medewerker terrein",
                         "--positions", "full-time-first").output)
    assert doc["functions"][0]["title"] == "Medewerker terrein"
    assert doc["options"]["positions"] == "full_time_first"
    bad = run("carve", "haven-test", "--title", "F1")
    assert bad.exit_code == 1 and bad.output.count("\n") == 1 and "--title" in bad.output
    assert "Traceback" not in bad.output
