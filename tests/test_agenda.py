"""The agenda (issue 14): trajectory actions, instrument steps, aftercare contacts and promised
feedback calls due on or before a day, overdue flagged, in a fixed order; and erasure of a
candidate with their whole trajectory."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from dateutil.relativedelta import relativedelta

from matchcore.store import Store
from matchcore.web import contacts, schema  # noqa: F401  (registers the contact log's tables)

from tests.test_trajectory import FN, START, cli, db, ok_json  # noqa: F401  (the db fixture)

# The rule table the expected dates come from (start = the TWE first appointment, 2026-03-02):
# TWE (seed 004, VDAB partner manual): the WEO at the first appointment, a new appointment within
# 7 calendar days after an absence (1.2.1), the first agreement sheet within 15 calendar days (1.3).
# Aftercare "zonder" (seed 001, 3.5): the candidate after 1 week, 1 and 3 months (matchcore's
# defaults), the six-month check (the seed's Sense vzw premium after 6 months).
EXPECTED = [
    ("instrument_step", START),
    ("instrument_step", START + dt.timedelta(days=7)),
    ("aftercare", START + relativedelta(weeks=1)),
    ("instrument_step", START + dt.timedelta(days=15)),
    ("aftercare", START + relativedelta(months=1)),
    ("aftercare", START + relativedelta(months=3)),
    ("aftercare", START + relativedelta(months=6)),
]


@pytest.fixture
def placed(db):
    ok_json(db, "traject", "phase", "K-0900", "intake", "--date", "2026-01-05", "--coach", "an")
    ok_json(db, "traject", "plan", "K-0900", "--function", FN, "--on", "2026-01-12")  # due 2026-02-09
    ok_json(db, "traject", "place", "K-0900", "--function", FN, "--instrument", "TWE",
            "--start", START.isoformat(), "--aftercare", "zonder", "--on", "2026-02-01")
    return db


def agenda(db, *args):
    return ok_json(db, "agenda", *args)


def test_instrument_steps_and_aftercare_appear_on_the_right_dates(placed):
    out = agenda(placed, "--on", "2026-09-30")
    later = [(i["kind"], dt.date.fromisoformat(i["due"])) for i in out["items"]
             if i["kind"] in ("instrument_step", "aftercare")]
    assert later == EXPECTED
    first = out["items"][:4]
    assert [i["kind"] for i in first] == ["action"] * 4 and {i["due"] for i in first} == {"2026-02-09"}
    assert [i["ref"] for i in first] == ["a01", "a02", "a03", "a04"]
    assert all(i["overdue"] for i in out["items"]) and out["overdue_count"] == len(out["items"])
    assert {i["function"] for i in out["items"]} == {FN} and {i["coach"] for i in out["items"]} == {"an"}


def test_only_what_is_due_by_the_day_and_overdue_before_it(placed):
    out = agenda(placed, "--on", START.isoformat())
    assert [i["due"] for i in out["items"]] == ["2026-02-09"] * 4 + [START.isoformat()]
    assert [i["overdue"] for i in out["items"]] == [True] * 4 + [False]
    assert agenda(placed, "--on", "2026-01-31")["items"] == []


def test_done_actions_leave_the_agenda(placed):
    before = agenda(placed, "--on", START.isoformat())["items"]
    assert cli(placed, "traject", "action", "done", "K-0900", "a01").exit_code == 0
    after = agenda(placed, "--on", START.isoformat())["items"]
    assert [i["ref"] for i in after] == [i["ref"] for i in before if i["ref"] != "a01"]


def test_coach_filter_and_feedback_calls_from_the_contact_log(placed):
    store = Store.open(placed)
    contacts.record_call(store, user="jan", employer_id="transport-test", function_id=FN,
                         function_title="Magazijnier-chauffeur", candidate_id="K-0901",
                         outcome="cv_sent", feedback_date="2026-02-20")
    answered = contacts.record_call(store, user="an", employer_id="transport-test", function_id=FN,
                                    function_title="Magazijnier-chauffeur", candidate_id="K-0900",
                                    outcome="call_back", outcome_date="2026-02-10")
    contacts.record_call(store, user="an", employer_id="transport-test", function_id=FN,
                         function_title="Magazijnier-chauffeur", candidate_id="K-0900",
                         outcome="appointment")  # the call back was made: this entry answers it
    store.close()
    jan = agenda(placed, "--on", "2026-02-28", "--coach", "JAN")["items"]
    assert [(i["kind"], i["candidate"], i["due"], i["overdue"]) for i in jan] == [
        ("feedback_call", "K-0901", "2026-02-20", True)]
    an = agenda(placed, "--on", "2026-02-28", "--coach", "an")["items"]
    assert {i["kind"] for i in an} == {"action"} and f"contact:{answered}" not in {i["ref"] for i in an}
    team = agenda(placed, "--on", "2026-02-28")["items"]
    assert len(team) == len(an) + len(jan)
    # ties on one day: by kind (actions before calls), candidate, reference
    assert [i["kind"] for i in team] == ["action"] * 4 + ["feedback_call"]


def test_agenda_text_is_deterministic_and_flags_overdue(placed):
    a = cli(placed, "agenda", "--on", "2026-03-20")
    b = cli(placed, "agenda", "--on", "2026-03-20")
    assert a.exit_code == 0 and a.output == b.output
    assert "09/02/2026" in a.output and "K-0900" in a.output


# --- erasure --------------------------------------------------------------------------------

def _rows_naming(store, text):
    found = []
    for table in store.db.table_names():
        cols = [c.name for c in store.db[table].columns]
        for row in store.db.execute(f'select * from "{table}"').fetchall():
            if any(isinstance(v, str) and text in v for v in row):
                found.append((table, dict(zip(cols, row))))
    return found


def test_delete_candidate_erases_the_trajectory_completely(placed):
    store = Store.open(placed)
    contacts.record_call(store, user="an", employer_id="transport-test", function_id=FN,
                         function_title="Magazijnier-chauffeur", candidate_id="K-0900",
                         outcome="cv_sent", feedback_date="2026-02-20")
    assert {t for t, _ in _rows_naming(store, "K-0900")} >= {
        "candidates", "trajectories", "trajectory_actions", "revisions", "contact_log", "audit_log"}
    store.close()
    asked = cli(placed, "delete", "candidate", "K-0900", input="n\n")
    assert asked.exit_code == 0 and "trajectories" in asked.output  # the question counts them
    result = cli(placed, "delete", "candidate", "K-0900", "--yes", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert rows["trajectories"] == 1 and rows["trajectory_actions"] >= len(EXPECTED)
    store = Store.open(placed)
    left = _rows_naming(store, "K-0900")
    # only the erasure's own audit line, with the pseudonymous id and row counts
    assert [(t, r["action"]) for t, r in left] == [("audit_log", "candidate.erase")]
    assert "Magazijnier" not in left[0][1]["detail"] and "an" != left[0][1]["detail"]
    assert store.db.execute("select count(*) from trajectories").fetchone()[0] == 0
    store.close()
    assert agenda(placed, "--on", "2026-12-31")["items"] == []
