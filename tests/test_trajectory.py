"""Trajectories (issue 14): planned from a competence gap, placed with an instrument whose steps
and aftercare become dated actions, reminders of the rules that end a placement, the PDP page,
compare-and-swap, validation, export/import documents, erasure."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from dateutil.relativedelta import relativedelta

from matchcore.cli.root import main
from matchcore.errors import EditConflict, NoTrajectory, ValidationFailed
from matchcore.model.trajectory import Placement, Trajectory
from matchcore.store import Store
from matchcore.store import trajectories as tr
from matchcore.store.io import import_paths
from matchcore.trajectory import SCHEDULES, schedule

EMPLOYER_YAML = """\
kind: employer
id: transport-test
name: Transport Test
sector: logistiek
joint_committee: "226"
location: {postcode: "9100"}
functions:
  - id: chauffeur
    title: Magazijnier-chauffeur
    hours_per_week: 38
    shifts: [day]
    competences:
      - {name: heftruck besturen, level: 2, required: true}
      - {name: laden en lossen, level: 3, required: true}
      - {name: samenwerken, level: 1}
    conditions: {driving_licence: B, dutch_level: B1, max_lift_kg: 25}
"""
CANDIDATE_YAML = """\
- kind: candidate
  id: K-0900
  home: {postcode: "9100"}
  max_commute_km: 20
  hours_per_week: 38
  shifts: [day]
  dutch_level: A2
  driving_licences: []
  employment: {status: jobseeker}
  limits: {max_lift_kg: 15}
  competences:
    - {name: laden en lossen, level: 2}
    - {name: samenwerken, level: 2}
- kind: candidate
  id: K-0901
  home: {postcode: "9100"}
  max_commute_km: 20
  hours_per_week: 38
  competences:
    - {name: afwassen, level: 2}
"""
FN = "transport-test/chauffeur"
START = dt.date(2026, 3, 2)


@pytest.fixture
def db(tmp_path) -> Path:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "emp.yaml").write_text(EMPLOYER_YAML, encoding="utf-8")
    (tmp_path / "in" / "cands.yaml").write_text(CANDIDATE_YAML, encoding="utf-8")
    path = tmp_path / "team.db"
    store = Store.open(path)
    import_paths(store, [tmp_path / "in"])
    store.close()
    return path


def cli(db: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--db", str(db), *args], obj={}, input=input)


def ok_json(db: Path, *args: str):
    result = cli(db, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def one_clean_line(result, text: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and text in lines[0] and "Traceback" not in result.output, result.output


# --- plan from the gap ----------------------------------------------------------------------

def test_plan_turns_the_gap_and_actionable_exclusions_into_actions(db):
    ok_json(db, "traject", "phase", "K-0900", "intake", "--date", "2026-01-05", "--coach", "an")
    out = ok_json(db, "traject", "plan", "K-0900", "--function", FN, "--on", "2026-01-12")
    by_source = {}
    for a in out["added"]:
        by_source.setdefault(a["source"], []).append(a)
    gap = " | ".join(a["what"] for a in by_source["gap"])
    # missing required competence -> training; required competence held too low -> training
    assert "heftruck besturen" in gap and "laden en lossen" in gap and len(by_source["gap"]) == 2
    assert "samenwerken" not in gap  # optional and held: no action
    exclusions = " | ".join(a["what"] for a in by_source["exclusion"])
    assert len(by_source["exclusion"]) == 2 and "B" in exclusions and "B1" in exclusions  # licence, Dutch
    # the lifting limit is the person's: kept as it is, never planned away
    assert len(out["kept_exclusions"]) == 1 and "15" in out["kept_exclusions"][0]
    assert {a["due"] for a in out["added"]} == {"2026-02-09"}  # --on + 28 days, the default term
    assert [a["id"] for a in out["added"]] == ["a01", "a02", "a03", "a04"]
    shown = ok_json(db, "traject", "show", "K-0900")
    assert [p["phase"] for p in shown["phases"]] == ["intake", "plan"] and shown["phase"] == "plan"
    # planning again adds nothing that is already open
    again = ok_json(db, "traject", "plan", "K-0900", "--function", FN, "--on", "2026-01-13")
    assert again["added"] == []


def test_plan_without_any_competence_in_common_plans_every_required_one(db):
    out = ok_json(db, "traject", "plan", "K-0901", "--function", FN, "--on", "2026-01-12")
    gap = sorted(a["what"] for a in out["added"] if a["source"] == "gap")
    assert len(gap) == 2 and "heftruck besturen" in gap[0] and "laden en lossen" in gap[1]


# --- place with an instrument ------------------------------------------------------------------

# TWE steps, counted from the first appointment (the start): seed 004, VDAB partner manual 1.2.1
# (a new appointment within 7 calendar days after an absence) and 1.3 (the first agreement sheet at
# the latest 15 calendar days after the first contact); plugins/twe.yaml holds the figures.
TWE_STEP_DAYS = [0, 7, 15]
# Aftercare "vrijblijvend" (seed 001, 3.5): the candidate after 1 week, 1 and 3 months, the employer
# after 2 weeks and 3 months (matchcore's defaults), the six-month check of the seed.
VRIJBLIJVEND = [relativedelta(weeks=1), relativedelta(weeks=2), relativedelta(months=1),
                relativedelta(months=3), relativedelta(months=3), relativedelta(months=6)]


def test_place_makes_dated_instrument_steps_aftercare_and_reminders(db):
    out = ok_json(db, "traject", "place", "K-0900", "--function", FN, "--instrument", "twe",
                  "--start", START.isoformat(), "--aftercare", "vrijblijvend", "--on", "2026-02-01")
    assert out["placement"]["instrument"] == "TWE" and out["placement"]["start"] == START.isoformat()
    steps = out["instrument_actions"]
    dated = [dt.date.fromisoformat(a["due"]) for a in steps if a["due"]]
    for days in TWE_STEP_DAYS:
        assert START + dt.timedelta(days=days) in dated
    assert all(a["source"] == "instrument" and a["what"].startswith("TWE: ") for a in steps)
    assert any(a["due"] is None and a["recurring"] for a in steps)  # "regularly": no single day
    care = out["aftercare_actions"]
    assert [a["due"] for a in care] == [(START + d).isoformat() for d in VRIJBLIJVEND]
    assert care[-1]["due"] == "2026-09-02" and all(a["source"] == "aftercare" for a in care)
    reminders = out["placement"]["reminders"]
    assert any("absent" in r["text"] and "7" in r["text"] for r in reminders)
    assert all("004" in (r["source"] or "") for r in reminders)  # cited: seed 004
    shown = ok_json(db, "traject", "show", "K-0900")
    assert shown["phase"] == "instrument" and shown["phases"][-1]["date"] == START.isoformat()


def test_wio_placement_reminds_that_absence_over_a_tenth_ends_it(db):
    out = ok_json(db, "traject", "place", "K-0900", "--function", FN, "--instrument", "WIO",
                  "--start", "2026-09-01", "--on", "2026-08-01")
    texts = [r["text"] for r in out["placement"]["reminders"]]
    assert any("absence of more than 10%" in t for t in texts), texts  # seed 003: over 1/10 ends it


def test_placing_again_replaces_open_instrument_and_aftercare_actions_keeps_done_ones(db):
    ok_json(db, "traject", "place", "K-0900", "--function", FN, "--start", "2026-03-02")
    assert cli(db, "traject", "action", "done", "K-0900", "a01", "--on", "2026-03-09").exit_code == 0
    out = ok_json(db, "traject", "place", "K-0900", "--function", FN, "--start", "2026-04-01",
                  "--aftercare", "coaching")
    shown = ok_json(db, "traject", "show", "K-0900")
    done = [a for a in shown["actions"] if a["status"] == "done"]
    assert [a["id"] for a in done] == ["a01"] and done[0]["done_on"] == "2026-03-09"
    open_care = [a for a in shown["actions"] if a["status"] == "open"]
    assert len(open_care) == len(SCHEDULES["coaching"]) == len(out["aftercare_actions"])
    assert out["instrument_actions"] == [] and out["placement"]["instrument"] is None


def test_an_unknown_instrument_is_one_line_with_a_suggestion(db):
    one_clean_line(cli(db, "traject", "place", "K-0900", "--function", FN, "--instrument", "TEW",
                       "--start", "2026-03-02"), "TWE")


@pytest.mark.parametrize("form", sorted(SCHEDULES))
def test_every_aftercare_form_ends_with_the_six_month_check(form):
    # seed 001, 3.5: the second premium when the worker is still at work after 6 months
    start = dt.date(2026, 8, 31)
    plan = schedule(form, start)
    assert plan[-1][0] == dt.date(2027, 2, 28)  # six calendar months, clamped to February's end
    assert [d for d, _, _ in plan] == sorted(d for d, _, _ in plan)
    assert all(d > start for d, _, _ in plan)


# --- actions by hand -------------------------------------------------------------------------

def test_action_add_done_edit_and_unknown_action(db):
    assert cli(db, "traject", "action", "add", "K-0900", "CV bijwerken", "--who", "candidate",
               "--due", "2026-02-01").exit_code == 0
    assert cli(db, "traject", "action", "edit", "K-0900", "a01", "--due", "2026-02-15",
               "--who", "coach").exit_code == 0
    a = ok_json(db, "traject", "show", "K-0900")["actions"][0]
    assert (a["what"], a["who"], a["due"], a["source"], a["status"]) == (
        "CV bijwerken", "coach", "2026-02-15", "manual", "open")
    assert cli(db, "traject", "action", "done", "K-0900", "a01", "--on", "2026-02-10").exit_code == 0
    a = ok_json(db, "traject", "show", "K-0900")["actions"][0]
    assert (a["status"], a["done_on"]) == ("done", "2026-02-10")
    one_clean_line(cli(db, "traject", "action", "done", "K-0900", "a11"), "a01")
    one_clean_line(cli(db, "traject", "action", "add", "K-0900", "  "),
                   "trajectory K-0900: what must be a non-empty text")
    assert len(ok_json(db, "traject", "show", "K-0900")["actions"]) == 1  # nothing written


def test_show_without_a_trajectory_or_candidate_is_one_clean_line(db):
    one_clean_line(cli(db, "traject", "show", "K-0901"), "traject phase K-0901 intake")
    one_clean_line(cli(db, "traject", "show", "K-0909"), "K-0900")


def test_phases_are_kept_in_date_order_with_the_engagement_date(db):
    ok_json(db, "traject", "phase", "K-0900", "plan", "--date", "2026-02-01", "--engagement", "2026-01-20")
    shown = ok_json(db, "traject", "phase", "K-0900", "intake", "--date", "2026-01-05")
    assert [(p["phase"], p["date"]) for p in shown["phases"]] == [("intake", "2026-01-05"), ("plan", "2026-02-01")]
    assert shown["engagement_date"] == "2026-01-20" and shown["phase"] == "plan"


# --- the store: compare-and-swap, validation, documents -----------------------------------

def test_a_change_from_a_stale_revision_is_refused_and_writes_nothing(db):
    store = Store.open(db)
    first = tr.change(store, "K-0900", lambda t: setattr(t, "coach", "an"), by="an")
    tr.change(store, "K-0900", lambda t: setattr(t, "coach", "jan"), expected_revision=first.revision, by="jan")
    with pytest.raises(EditConflict, match="jan"):
        tr.change(store, "K-0900", lambda t: setattr(t, "coach", "piet"),
                  expected_revision=first.revision, by="piet")
    assert tr.get(store, "K-0900").coach == "jan"
    store.close()


def test_trajectory_writes_leave_the_match_cache_valid(db):
    store = Store.open(db)
    before = store.data_version
    tr.change(store, "K-0900", lambda t: setattr(t, "coach", "an"))
    assert store.data_version == before
    store.close()


def test_an_invalid_change_names_the_field_and_writes_nothing(db):
    store = Store.open(db)
    with pytest.raises(ValidationFailed, match=r"placement.function must be EMPLOYER/FUNCTION"):
        tr.change(store, "K-0900", lambda t: setattr(t, "placement", Placement.model_construct(
            function="x", start=START, aftercare="zonder", reminders=[])))
    with pytest.raises(NoTrajectory):
        tr.require(store, "K-0900")
    store.close()


def test_documents_round_trip_and_bad_documents_name_file_record_and_field(db, tmp_path):
    store = Store.open(db)
    tr.change(store, "K-0900", lambda t: setattr(t, "coach", "an"))
    docs = tr.documents(store)
    assert [name for name, _ in docs] == ["K-0900.yaml"] and docs[0][1]["kind"] == "trajectory"
    store.close()
    other = Store.open(tmp_path / "copy.db")
    import_paths(other, [tmp_path / "in"])
    read, problems = tr.read_documents([(docs[0][1], "trajectories/K-0900.yaml", None)])
    assert not problems and tr.save_all(other, read) == 1
    assert tr.get(other, "K-0900").coach == "an"
    bad = {**docs[0][1], "actions": [{"id": "a01", "what": "x", "due": "morgen"}]}
    _, problems = tr.read_documents([(bad, "t.yaml", None), (docs[0][1], "u.yaml", None),
                                     (docs[0][1], "v.yaml", None)])
    lines = [str(p) for p in problems]
    assert lines[0] == 't.yaml: trajectory K-0900: actions[1].due must be a date written YYYY-MM-DD, got "morgen"'
    assert lines[1].startswith("v.yaml: trajectory K-0900: candidate has a trajectory in u.yaml too")
    other.close()


def test_the_model_refuses_phases_out_of_order_and_done_without_status():
    with pytest.raises(ValueError, match="comes before"):
        Trajectory(candidate="K-1", phases=[{"phase": "plan", "date": "2026-02-01"},
                                            {"phase": "intake", "date": "2026-01-01"}])
    with pytest.raises(ValueError, match="done_on"):
        Trajectory(candidate="K-1", actions=[{"id": "a01", "what": "x", "done_on": "2026-01-01"}])


# --- the printable PDP -----------------------------------------------------------------------

def test_pdp_is_printable_html_with_the_actions_and_belgian_dates(db, tmp_path, dutch):
    ok_json(db, "traject", "plan", "K-0900", "--function", FN, "--on", "2026-01-12")
    cli(db, "traject", "action", "add", "K-0900", "<b>CV</b> & brief")
    out = tmp_path / "pdp.html"
    result = cli(db, "traject", "pdp", "K-0900", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    assert "heftruck besturen" in html and "9 februari 2026" in html  # Dutch long date (nl_BE)
    assert "&lt;b&gt;CV&lt;/b&gt; &amp; brief" in html and "<b>CV</b>" not in html
    assert "<script" not in html and "http" not in html.split("</style>")[0]


def test_the_ending_rules_are_found_in_dutch_too(db, dutch):
    # the reminders are found by the plugins' English words and shown in the reader's language
    out = ok_json(db, "traject", "place", "K-0900", "--function", FN, "--instrument", "twe",
                  "--start", START.isoformat(), "--aftercare", "zonder", "--on", "2026-02-01")
    reminders = out["placement"]["reminders"]
    assert reminders and all("004" in (r["source"] or "") for r in reminders)
    english = ok_json(db, "--lang", "en", "traject", "place", "K-0900", "--function", FN, "--instrument",
                      "twe", "--start", START.isoformat(), "--aftercare", "zonder", "--on", "2026-02-01")
    assert len(english["placement"]["reminders"]) == len(reminders)
