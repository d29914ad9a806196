"""Validation of records: a table of bad inputs, each with the message the user sees."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from matchcore.model import Candidate, Scan, parse_record, task_hours_per_week

EMPLOYER = {
    "kind": "employer", "id": "brasserie-de-kaai", "name": "Brasserie De Kaai", "sector": "horeca",
    "joint_committee": "302", "location": {"postcode": "9000"},
    "functions": [{
        "id": "afwasser", "title": "Afwasser", "hours_per_week": 20, "shifts": ["evening"],
        "competences": [{"name": "afwassen", "level": 2, "required": True},
                        {"name": "keuken reinigen", "weight": 2}],
        "conditions": {"dutch_level": "A2", "max_lift_kg": 15},
    }],
}
CANDIDATE = {
    "kind": "candidate", "id": "K-0042", "home": {"postcode": "9050"}, "max_commute_km": 20,
    "transport": ["bike"], "hours_per_week": 30, "shifts": ["day"], "dutch_level": "A2",
    "birth_date": "1968-04-01", "employment": {"status": "sec_employee", "regime_fraction": 0.8},
    "competences": [{"name": "afwassen", "level": 3}],
}
SCAN = {
    "kind": "scan", "id": "haven-2025-03", "employer": "havenbedrijf-noord", "date": "2025-03-12",
    "roles": [{"id": "dokwerker", "title": "Dokwerker", "hourly_cost_eur": 42, "headcount": 60}],
    "tasks": [{"id": "t01", "description": "Verpakking sorteren", "role": "dokwerker",
               "frequency": {"times": 6, "per": "day"}, "minutes": 25}],
}


def _with(base: dict, path: tuple, value, *, delete: bool = False) -> dict:
    raw = copy.deepcopy(base)
    node = raw
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return raw


BAD = [
    # (base, path, value, expected message)
    (EMPLOYER, ("functions", 0, "hours_per_week"), "twintig",
     'f.yaml: employer brasserie-de-kaai, function afwasser: hours_per_week must be a number between 1 and 50, got "twintig"'),
    (EMPLOYER, ("functions", 0, "hours_per_week"), 60,
     "f.yaml: employer brasserie-de-kaai, function afwasser: hours_per_week must be a number between 1 and 50, got 60"),
    (EMPLOYER, ("functions", 0, "shifts"), ["evening", "nacht"],
     "f.yaml: employer brasserie-de-kaai, function afwasser: shifts[2] must be one of 'day', 'morning', 'afternoon', 'early', 'late', 'evening', 'night' or 'weekend', got \"nacht\""),
    (EMPLOYER, ("functions", 0, "competences", 0, "level"), 5,
     "f.yaml: employer brasserie-de-kaai, function afwasser, competence afwassen: level must be a whole number between 1 and 4, got 5"),
    (EMPLOYER, ("functions", 0, "competences", 0, "levl"), 2,
     "f.yaml: employer brasserie-de-kaai, function afwasser, competence afwassen: levl unknown field (did you mean 'level'?); put free additions under 'extra:'"),
    (EMPLOYER, ("location", "postcode"), "9999",
     "f.yaml: employer brasserie-de-kaai: location.postcode must be a Belgian postcode (4 digits, e.g. '9000'), got \"9999\""),
    (EMPLOYER, ("name",), None, "f.yaml: employer brasserie-de-kaai: name must be a non-empty text, got None"),
    (EMPLOYER, ("id",), "brasserie de kaai",
     "f.yaml: employer brasserie de kaai: id must be an id of letters, digits, '.', '_' or '-' (at most 80), starting with a letter or digit, got \"brasserie de kaai\""),
    (EMPLOYER, ("functions", 0, "conditions", "dutch_level"), "B3",
     "f.yaml: employer brasserie-de-kaai, function afwasser: conditions.dutch_level must be one of 'A1', 'A2', 'B1', 'B2', 'C1' or 'C2', got \"B3\""),
    (CANDIDATE, ("id",), "68.04.01-123.42",  # check 97 - 680401123 mod 97 = 42
     "f.yaml: candidate <id withheld>: id looks like a national register number; use a pseudonymous id such as 'K-0042'"),
    (CANDIDATE, ("birth_date",), "1 april 1968",
     'f.yaml: candidate K-0042: birth_date must be a date written YYYY-MM-DD, got "1 april 1968"'),
    (CANDIDATE, ("transport",), ["bike", "boat"],
     "f.yaml: candidate K-0042: transport[2] must be one of 'walk', 'bike', 'public_transport', 'car' or 'moped', got \"boat\""),
    (CANDIDATE, ("employment", "regime_fraction"), 1.5,
     "f.yaml: candidate K-0042: employment.regime_fraction must be a number between 0 and 1, got 1.5"),
    (CANDIDATE, ("home",), None, "f.yaml: candidate K-0042: home must be a mapping of fields, got None"),
    (CANDIDATE, ("age",), 57, "f.yaml: candidate K-0042: give birth_date or age, not both"),
    (CANDIDATE, ("national_register_number",), "x",
     "f.yaml: candidate K-0042: national_register_number unknown field; put free additions under 'extra:'"),
    # the facts instruments need (they were read from extra: before)
    (EMPLOYER, ("functions", 0, "worker_type"), "arbeider",
     "f.yaml: employer brasserie-de-kaai, function afwasser: worker_type must be one of 'manual' or 'white_collar', got \"arbeider\""),
    (EMPLOYER, ("functions", 0, "subcontract_price_month_eur"), -5,
     "f.yaml: employer brasserie-de-kaai, function afwasser: subcontract_price_month_eur must be a number between 0 and 100000, got -5"),
    (EMPLOYER, ("category",), "profit",
     "f.yaml: employer brasserie-de-kaai: category must be one of 'private', 'non_profit' or 'public', got \"profit\""),
    ({**EMPLOYER, "non_profit": False}, ("category",), "non_profit",
     "f.yaml: employer brasserie-de-kaai: non_profit: false contradicts category 'non_profit'; leave out non_profit or make the two agree"),
    ({**EMPLOYER, "non_profit": True}, ("category",), "public",
     "f.yaml: employer brasserie-de-kaai: non_profit: true contradicts category 'public'; use category 'non_profit' or leave out non_profit"),
    (EMPLOYER, ("occasional_days_used_this_year",), 12.5,
     "f.yaml: employer brasserie-de-kaai: occasional_days_used_this_year must be a whole number between 0 and 366, got 12.5"),
    (CANDIDATE, ("employment", "current_hourly_wage_eur"), "twaalf",
     'f.yaml: candidate K-0042: employment.current_hourly_wage_eur must be a number between 0 and 500, got "twaalf"'),
    (CANDIDATE, ("employment", "pensioner"), "ja",
     'f.yaml: candidate K-0042: employment.pensioner must be true or false, got "ja"'),
    (CANDIDATE, ("employment", "sickness_benefit"), "riziv",
     'f.yaml: candidate K-0042: employment.sickness_benefit must be true or false, got "riziv"'),
    (CANDIDATE, ("employment", "previous_employers"), ["brasserie de kaai"],
     "f.yaml: candidate K-0042: employment.previous_employers[1] must be an id of letters, digits, '.', '_' or '-' (at most 80), starting with a letter or digit, got \"brasserie de kaai\""),
    (CANDIDATE, ("employment", "previous_employers"), ["nec", "nec"],
     "f.yaml: candidate K-0042: employment.previous_employers lists employer 'nec' twice"),
    (SCAN, ("tasks", 0, "complexity"), 6,
     "f.yaml: scan haven-2025-03, task t01: complexity must be a whole number between 1 and 5, got 6"),
    (SCAN, ("tasks", 0, "role"), "kraanman",
     "f.yaml: scan haven-2025-03: task t01: role 'kraanman' is not one of the scan's roles (dokwerker)"),
    (SCAN, ("tasks", 0, "hours_per_week"), 3,
     "f.yaml: scan haven-2025-03, task t01: give hours_per_week or frequency with minutes, not both"),
    (SCAN, ("tasks", 0, "frequency", "per"), "hour",
     "f.yaml: scan haven-2025-03, task t01: frequency.per must be one of 'shift', 'day', 'week', 'month' or 'year', got \"hour\""),
    (SCAN, ("kind",), "scna", "f.yaml: record haven-2025-03: kind must be one of candidate, employer, scan, got 'scna'"),
]


@pytest.mark.parametrize("base,path,value,expected", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_gives_one_precise_message(base, path, value, expected):
    _, problems = parse_record(_with(base, path, value), file="f.yaml")
    assert [str(p) for p in problems] == [expected]


def test_missing_required_field_is_named():
    _, problems = parse_record(_with(EMPLOYER, ("functions", 0, "title"), None, delete=True), file="f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml: employer brasserie-de-kaai, function afwasser: title is required"]


def test_task_needs_a_volume():
    _, problems = parse_record(_with(SCAN, ("tasks", 0, "minutes"), None, delete=True), file="f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml: scan haven-2025-03, task t01: give frequency and minutes, or hours_per_week"]


def test_valid_records_fill_position_from_postcode():
    emp, problems = parse_record(EMPLOYER)
    assert problems == []
    assert emp.location.municipality == "Gent" and emp.location.region == "flanders"
    assert 50.9 < emp.location.lat < 51.2


def test_joint_committee_written_as_number_is_kept_as_text():
    emp, _ = parse_record(_with(EMPLOYER, ("joint_committee",), 302))
    assert emp.joint_committee == "302"
    emp, _ = parse_record(_with(EMPLOYER, ("joint_committee",), 319.01))
    assert emp.joint_committee == "319.01"


def test_employer_category_and_non_profit_agree():
    emp, _ = parse_record(_with(EMPLOYER, ("category",), "non_profit"))
    assert emp.non_profit is True and emp.sector_category == "non_profit"
    emp, _ = parse_record(_with({**EMPLOYER, "non_profit": True}, ("category",), "non_profit"))
    assert emp.non_profit is True
    emp, _ = parse_record(_with({**EMPLOYER, "non_profit": False}, ("category",), "public"))
    assert emp.non_profit is False and emp.sector_category == "public"
    emp, _ = parse_record({**EMPLOYER, "non_profit": True})          # the old field alone still works
    assert emp.category is None and emp.sector_category == "non_profit"
    emp, _ = parse_record(EMPLOYER)
    assert emp.sector_category is None                                # not non-profit, but private or public?


def test_age_from_birth_date():
    cand = Candidate.model_validate(CANDIDATE)
    assert cand.age_on(dt.date(2026, 3, 31)) == 57
    assert cand.age_on(dt.date(2026, 4, 1)) == 58


HOURS = [
    # (frequency, minutes, days_per_week, shifts_per_day, expected hours a week)
    ({"times": 6, "per": "day"}, 25, 5, 1, 12.5),    # FORMATS.md example t01
    ({"times": 2, "per": "shift"}, 30, 5, 3, 15.0),  # twice a shift, three shifts a day
    ({"times": 3, "per": "week"}, 40, 5, 1, 2.0),
    ({"times": 4, "per": "month"}, 60, 5, 1, 4 * 12 / 52),
    ({"times": 26, "per": "year"}, 120, 5, 1, 1.0),
    ({"times": 1, "per": "day"}, 60, 7, 1, 7.0),
]


@pytest.mark.parametrize("frequency,minutes,days,shifts,expected", HOURS)
def test_task_hours_per_week(frequency, minutes, days, shifts, expected):
    raw = copy.deepcopy(SCAN)
    raw["shifts_per_day"] = shifts
    raw["tasks"][0].update(frequency=frequency, minutes=minutes, days_per_week=days)
    scan = Scan.model_validate(raw)
    assert task_hours_per_week(scan.tasks[0], scan.shifts_per_day) == pytest.approx(expected)


# --- national register numbers --------------------------------------------------------------------
# Check number: 97 - (first 9 digits mod 97); for births from 2000 with a 2 before the 9 digits;
# BIS numbers raise the month by 20 or 40 (https://nl.wikipedia.org/wiki/Rijksregisternummer,
# https://www.westerlo.be/artikel/rijksregisternummer, worked example 93051822361 of
# viw-costablanca.com "Over het hoe, wat en waarom van het rijksregisternummer"; 00012556777 from
# the Vlaamse overheid's "2000125567 mod 97 = 20, check 77").
NRN = [
    # (text, contains a number)
    ("93051822361", True),                  # the worked example: 930518223 mod 97 = 36, 97 - 36 = 61
    ("93.05.18-223.61", True),              # eID spelling
    ("930518 223 61", True),                # SIS card spelling
    ("93-05-18-223-61", True),
    ("93 05 18 223 61", True),
    ("rijksregister: 93.05.18‑223.61.", True),  # inside a sentence, with a Unicode hyphen
    ("00012556777", True),                  # born 2000: 2000125567 mod 97 = 20, 97 - 20 = 77
    ("00.01.25-567.77", True),
    ("93251822307", True),                  # BIS, month + 20: 97 - 932518223 mod 97 = 7
    ("93451822350", True),                  # BIS, month + 40: 97 - 934518223 mod 97 = 50
    ("68.04.01-123.42", True),              # 97 - 680401123 mod 97 = 42
    ("68.04.01-123.45", False),             # wrong check number: an ordinary figure
    ("93051822362", False),
    ("930518223610", False),                # 12 digits in one group
    ("93131822361", False),                 # month 13 does not exist, not even for BIS numbers
    ("09 123 45 67", False),                # phone numbers
    ("+32 470 12 34 56", False),
    ("0470 12 34 56", False),
    ("BE68 5390 0754 7034", False),         # IBAN
    ("0566.988.259", False),                # enterprise number (10 digits)
    ("9000 Gent, 2000 Antwerpen, 8400 Oostende", False),
    ("1 2 3 4 5 6 7 8 9 10 11", False),
]


@pytest.mark.parametrize("text,expected", NRN, ids=[t for t, _ in NRN])
def test_national_register_numbers_are_found_by_their_check_number(text, expected):
    from matchcore.model.nrn import find_nrn

    assert find_nrn(text) is expected


NRN_PLACES = [
    # (base, path, expected field) : a register number anywhere is refused, naming the field
    (CANDIDATE, ("extra", "rrn"), "extra.rrn"),
    (CANDIDATE, ("extra", "notes"), "extra.notes"),
    (CANDIDATE, ("job_targets",), "job_targets[1]"),
    (CANDIDATE, ("competences", 0, "name"), "name"),
    (CANDIDATE, ("employment", "employer_joint_committee"), "employment.employer_joint_committee"),
    (EMPLOYER, ("contact",), "contact.name"),
    (EMPLOYER, ("functions", 0, "description"), "description"),
    (EMPLOYER, ("functions", 0, "extra"), "extra.a.b[2]"),
    (SCAN, ("notes",), "notes"),
    (SCAN, ("consultant",), "consultant"),
    (SCAN, ("tasks", 0, "notes"), "notes"),
    (SCAN, ("tasks", 0, "competences"), "competences[1]"),
]
_VALUES = {"extra.rrn": "93.05.18-223.61", "extra.notes": "belde, rrn 930518 223 61 gecheckt",
           "contact.name": {"name": "93051822361"}, "extra.a.b[2]": {"a": {"b": ["x", "93 05 18 223 61"]}},
           "job_targets[1]": ["93051822361"], "competences[1]": ["93051822361"]}


@pytest.mark.parametrize("base,path,field", NRN_PLACES, ids=[f for *_, f in NRN_PLACES])
def test_a_register_number_in_any_text_field_is_refused_and_not_echoed(base, path, field):
    value = _VALUES.get(field, "nr 93.05.18-223.61")
    _, problems = parse_record(_with(base, path, value), file="f.yaml")
    assert len(problems) == 1
    assert problems[0].field == field
    assert "national register number" in str(problems[0])
    assert "223" not in str(problems[0])


def test_a_register_number_as_an_id_of_any_record_is_withheld():
    for base in (EMPLOYER, CANDIDATE, SCAN):
        _, problems = parse_record(_with(base, ("id",), "93.05.18-223.61"), file="f.yaml")
        assert [str(p) for p in problems] == [
            f"f.yaml: {base['kind']} <id withheld>: id looks like a national register number; "
            "use a pseudonymous id such as 'K-0042'"]


def test_a_register_number_is_not_echoed_by_other_messages():
    raw = _with(CANDIDATE, ("age",), "93.05.18-223.61")
    raw["93 05 18 223 61"] = 1
    _, problems = parse_record(raw, file="f.yaml")
    text = "\n".join(map(str, problems))
    assert len(problems) == 2 and "223" not in text and "withheld" in text


BOUNDS = [
    # (base, path, value, expected message)
    (CANDIDATE, ("age",), float("inf"),
     "f.yaml: candidate K-0042: age must be a whole number between 15 and 80, got inf"),
    (CANDIDATE, ("age",), float("nan"),
     "f.yaml: candidate K-0042: age must be a whole number between 15 and 80, got nan"),
    (CANDIDATE, ("age",), 10**400,
     "f.yaml: candidate K-0042: age must be a whole number between 15 and 80, got a number of more than 60 digits"),
    (CANDIDATE, ("max_commute_km",), "1e400",
     'f.yaml: candidate K-0042: max_commute_km must be a number between 0 and 500, got "1e400"'),
    (CANDIDATE, ("extra", "x"), [float("-inf")],
     "f.yaml: candidate K-0042: extra.x[1] must be a finite number, got -inf"),
    (CANDIDATE, ("extra", "x"), 2**60, "f.yaml: candidate K-0042: extra.x is too large a number (over 9007199254740992)"),
    (CANDIDATE, ("birth_date",), dt.date(1899, 12, 31),
     "f.yaml: candidate K-0042: birth_date must be a date between 1900 and 2100, got 1899-12-31"),
    (SCAN, ("date",), "2101-01-01",
     "f.yaml: scan haven-2025-03: date must be a date between 1900 and 2100, got 2101-01-01"),
    (CANDIDATE, ("job_targets",), ["x" * 2001],
     "f.yaml: candidate K-0042: job_targets[1] is too long: 2001 characters, at most 2000"),
    (SCAN, ("notes",), "x" * 100_001,
     "f.yaml: scan haven-2025-03: notes is too long: 100001 characters, at most 100000"),
    (CANDIDATE, ("extra", "x"), list(range(5001)),
     "f.yaml: candidate K-0042: extra.x has too many items: 5001, at most 5000"),
    (CANDIDATE, ("extra", "x" * 2001), 1,
     "f.yaml: candidate K-0042: extra has a key that is too long: 2001 characters, at most 2000"),
    (CANDIDATE, ("id",), "x" * 5000,
     "f.yaml: candidate (id not valid): id must be an id of letters, digits, '.', '_' or '-' (at most 80), "
     'starting with a letter or digit, got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."'),
    (EMPLOYER, ("joint_committee",), float("inf"),
     "f.yaml: employer brasserie-de-kaai: joint_committee must be a text, got inf"),
]


@pytest.mark.parametrize("base,path,value,expected", BOUNDS, ids=[str(i) for i in range(len(BOUNDS))])
def test_bounds_give_one_precise_message(base, path, value, expected):
    _, problems = parse_record(_with(base, path, value), file="f.yaml")
    assert [str(p) for p in problems] == [expected]


def test_nesting_in_extra_is_bounded():
    deep = "x"
    for _ in range(40):
        deep = [deep]
    _, problems = parse_record(_with(CANDIDATE, ("extra", "x"), deep), file="f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml: candidate K-0042: extra" + ".x" + "[1]" * 31 + " is nested more than 32 levels deep"]
