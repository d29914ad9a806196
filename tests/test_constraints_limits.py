"""Issue 14: constraints as people have them: day parts, weekdays, hours ranges, availability,
bending, cold, allergens and childcare hours: the fields, their validation, and the matching."""
from __future__ import annotations

import datetime as dt

import pytest

from matchcore.i18n import use_language
from matchcore.matching.constraints import CONSTRAINTS, kind_of
from matchcore.matching.matcher import Matcher
from matchcore.model import Candidate, HoursRange, parse_record
from tests.match_data import KITCHEN, candidate, employer, function, small_vocab  # noqa: F401

pytestmark = pytest.mark.usefixtures("small_vocab")

SKILLS = [("afwassen", 2), ("HACCP-regels toepassen", 1), ("keuken reinigen", 1)]
ON = dt.date(2027, 1, 4)


@pytest.fixture(autouse=True)
def english():
    with use_language("en"):
        yield


def cand(**kw) -> Candidate:
    base = {"id": "K-1", "home": {"postcode": "9000"},
            "competences": [{"name": n, "level": lv} for n, lv in SKILLS]}
    return Candidate.model_validate(base | kw)


def fn(**kw) -> dict:
    return function("f", KITCHEN, **{k: v for k, v in kw.items() if k in ("hours", "shifts", "conditions")}) | {
        k: v for k, v in kw.items() if k not in ("hours", "shifts", "conditions")}


def one(store, f: dict, c: Candidate, **kw):
    store.upsert([employer("e", [f], postcode="9000"), c])
    return Matcher(store).fit().match_candidate("K-1", include_excluded=True, on=ON, instruments=False, **kw).results[0]


# --- the fields -------------------------------------------------------------------------------

def test_hours_may_be_a_number_a_range_or_a_range_written_as_text():
    assert cand(hours_per_week=38).hours_range == pytest.approx((30.4, 45.6))
    r = cand(hours_per_week={"min": 19, "max": 30})
    assert r.hours_per_week == HoursRange(min=19, max=30) and r.hours_range == (19, 30)
    assert r.hours_wanted == 24.5
    assert cand(hours_per_week="19-30").hours_per_week == HoursRange(min=19, max=30)
    assert cand(hours_per_week="19 tot 30 u").hours_per_week == HoursRange(min=19, max=30)


@pytest.mark.parametrize("field, value, message", [
    ("hours_per_week", {"min": 30, "max": 19}, "hours_per_week: min (30) is above max (19)"),
    ("hours_per_week", {"min": 19}, "hours_per_week must be a number between 1 and 50 or a range"),
    ("hours_per_week", "twintig", 'hours_per_week must be a number between 1 and 50, got "twintig"'),
    ("hours_per_week", {"min": 0, "max": 19}, "hours_per_week: min must be a number between 1 and 50"),
    ("days", ["mon", "maandag"], "days[2] must be one of 'mon', 'tue'"),
    ("shifts", ["voormiddag"], "shifts[1] must be one of 'day', 'morning', 'afternoon'"),
    ("limits", {"childcare_hours": "15:30-08:30"}, "limits.childcare_hours must end after it starts"),
    ("limits", {"childcare_hours": "school"}, "limits.childcare_hours must be a time window"),
    ("limits", {"allergens": ["bloem"]}, "limits.allergens[1] must be one of 'animals'"),
    ("limits", {"bending": "soms"}, "limits.bending"),
])
def test_bad_limits_name_the_field(field, value, message):
    doc = {"kind": "candidate", "id": "K-9", "home": {"postcode": "9000"}, field: value}
    _, problems = parse_record(doc, file="c.yaml")
    assert len(problems) == 1
    text = str(problems[0])
    assert text.startswith("c.yaml: candidate K-9") and message.replace(":", "") in text.replace(":", ""), text


def test_childcare_hours_are_normalised():
    assert cand(limits={"childcare_hours": "8u30-15u30"}).limits.childcare_hours == "08:30-15:30"
    assert cand(limits={"childcare_hours": "8.30 - 15.30"}).limits.childcare_hours == "08:30-15:30"


def test_function_fields_validate():
    e = employer("e", [fn(days=["mon", "tue"], working_hours="8:00-12:30", start_date="2027-02-01",
                          conditions={"bending": True, "cold": True, "allergens": ["flour"]})])
    f = e.functions[0]
    assert f.days == ["mon", "tue"] and f.working_hours == "08:00-12:30"
    assert f.start_date == dt.date(2027, 2, 1) and f.conditions.allergens == ["flour"]
    _, problems = parse_record({"kind": "employer", "id": "e", "name": "E", "sector": "horeca",
                                "location": {"postcode": "9000"},
                                "functions": [fn(days=["zat"])]}, file="e.yaml")
    assert "function f: days[1] must be one of" in str(problems[0])


def test_every_constraint_has_a_kind_and_soft_ones_say_what_would_change():
    assert {k.kind for k in CONSTRAINTS} == {"hard", "soft"}
    soft = {k.name for k in CONSTRAINTS if k.kind == "soft"}
    assert soft == {"commute", "hours", "shifts", "days", "available"}
    assert all(k.near and k.need for k in CONSTRAINTS if k.kind == "soft")
    assert kind_of("licence") == kind_of("lift") == kind_of("night") == "hard"


# --- day parts ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cand_shifts, fn_shifts, excluded", [
    (["morning"], ["morning"], False),      # a mornings-only candidate, a mornings-only job
    (["day"], ["morning"], False),          # day is both parts
    (["day"], ["afternoon"], False),
    (["morning"], ["day"], True),           # the job needs the afternoon too
    (["morning", "afternoon"], ["day"], False),
    (["afternoon"], ["morning"], True),
    (["day", "evening"], ["day"], False),   # the values before issue 14 keep working
])
def test_day_parts(store, cand_shifts, fn_shifts, excluded):
    r = one(store, fn(shifts=fn_shifts), cand(shifts=cand_shifts))
    assert r.excluded is excluded, r.reasons


def test_a_mornings_only_candidate_misses_a_full_day_job_by_the_afternoon(store):
    r = one(store, fn(shifts=["day"]), cand(shifts=["morning"]), near_misses=True)
    assert r.exclusions == ["shifts: needs afternoon; candidate works morning"]
    assert r.near_miss and r.would_need[0].fields == {"shifts": ["afternoon"]}
    assert r.would_need[0].text == "if he/she were also available for: afternoon"


# --- weekdays, hours ranges, availability, limits -----------------------------------------------

@pytest.mark.parametrize("cand_kw, fn_kw, excluded, text", [
    ({"days": ["mon", "tue", "wed", "thu", "fri"]}, {"days": ["mon", "tue"]}, False, "weekdays Monday, Tuesday fit"),
    ({"days": ["mon", "tue", "wed", "thu"]}, {"days": ["mon", "fri"]}, True, "weekdays: needs Friday"),
    ({}, {"days": ["sat"]}, False, "the candidate's days are unknown"),
    ({"hours_per_week": {"min": 19, "max": 30}}, {"hours": 30}, False, "hours 30 within 19-30"),
    ({"hours_per_week": {"min": 19, "max": 30}}, {"hours": 32}, True, "hours 32 outside 19-30"),
    ({"hours_per_week": 38}, {"hours": 30}, True, "hours 30 outside 38 +-20% (30.4-45.6)"),
    ({"available_from": "2027-01-20"}, {"start_date": "2027-02-01"}, False, "by the start on 1 February 2027"),
    ({"available_from": "2027-01-20"}, {}, True, "after the query date 4 January 2027"),
    ({"limits": {"bending": False}}, {"conditions": {"bending": True}}, True, "much bending"),
    ({"limits": {"bending": False}}, {}, False, "commute"),
    ({"limits": {"cold": False}}, {"conditions": {"cold": True}}, True, "work in the cold"),
    ({"limits": {"allergens": ["flour", "latex"]}}, {"conditions": {"allergens": ["flour"]}}, True,
     "exposes to flour"),
    ({"limits": {"allergens": ["latex"]}}, {"conditions": {"allergens": ["flour"]}}, False,
     "none the candidate is allergic to"),
    ({"limits": {"childcare_hours": "08:30-15:30"}}, {"working_hours": "09:00-12:30"}, False,
     "working hours 09:00-12:30 within 08:30-15:30"),
    ({"limits": {"childcare_hours": "08:30-15:30"}}, {"working_hours": "07:00-15:00"}, True,
     "working hours 07:00-15:00 outside 08:30-15:30"),
    ({"limits": {"childcare_hours": "08:30-15:30"}}, {}, False, "working hours are not given"),
])
def test_new_constraints(store, cand_kw, fn_kw, excluded, text):
    r = one(store, fn(**fn_kw), cand(**cand_kw))
    assert r.excluded is excluded, r.reasons
    assert any(text in x for x in r.reasons), r.reasons
    back = Matcher(store).fit().match_function("e/f", include_excluded=True, on=ON).results[0]
    assert back.excluded is excluded and back.reasons == r.reasons


def test_vectorised_and_pair_verdicts_agree_for_the_new_fields(store):
    """score_matrix (batch) and match_candidate (explained) exclude the same pairs."""
    fns = [fn(shifts=["day"]), fn(shifts=["morning"]) | {"id": "g"},
           fn(days=["sat"], conditions={"cold": True}) | {"id": "h"},
           fn(working_hours="07:00-15:00", conditions={"allergens": ["dust"]}) | {"id": "i"}]
    cands = [cand(shifts=["morning"], limits={"cold": False}),
             cand(id="K-2", days=["sat"], limits={"childcare_hours": "06:00-16:00", "allergens": ["dust"]}),
             cand(id="K-3", hours_per_week={"min": 15, "max": 20})]
    store.upsert([employer("e", fns)] + cands)
    m = Matcher(store).fit()
    cids, fids, scores, excluded = m.score_matrix()
    for i, cid in enumerate(cids):
        res = {r.function: r for r in m.match_candidate(cid, top=10, include_excluded=True).results}
        for j, fid in enumerate(fids):
            assert res[fid].excluded == bool(excluded[i, j]), (cid, fid, res[fid].reasons)
    # K-1: f needs the afternoon, h the cold, i an evening (the builder's default shift);
    # K-2: i exposes to dust; K-3's range 15-20 holds the 20 h of every function
    assert excluded.tolist() == [[True, False, True, True], [False, False, False, True],
                                 [False, False, False, False]]


def test_a_candidate_every_function_excludes_gets_an_empty_list_not_an_error(store):
    # regression: with no function left to show, the job-target part of the score was asked for
    # the title texts of zero functions and failed (a traceback in `matchcore match candidate`)
    store.upsert([employer("e", [fn(hours=38, title="Afwasser"), fn(hours=38) | {"id": "g", "title": "Kok"}],
                           postcode="9000"),
                  cand(hours_per_week=10, job_targets=["afwasser"])])
    m = Matcher(store).fit()
    got = m.match_candidate("K-1", on=ON, instruments=False)
    assert got.results == []
    shown = m.match_candidate("K-1", on=ON, instruments=False, include_excluded=True).results
    assert [r.excluded for r in shown] == [True, True]
