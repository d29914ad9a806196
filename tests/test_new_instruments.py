"""The instruments added for 2026 (issue 12 point 3), beyond their rule tables in tests/instrument_cases/.

Doorstroomstage, WIO (#kiesvoorpersoonsbegeleider), TWE (built in), the federal first-hire
reduction, VDAB's korte opleiding met stage and activa.brussels: their record fields, their
parameter files, the figures their sources state as totals, and the example TWE plugin beside the
built-in. Each figure names its source beside it.
"""
from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

import pytest

from matchcore.i18n import format_date
from matchcore.instruments import evaluate_all, load_parameters, make_plugin_manager
from matchcore.instruments.registry import Registry, get_registry
from matchcore.model import Candidate, Employer, parse_record

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
NEW = {"doorstroomstage": "doorstroomstage", "wio": "WIO", "twe": "TWE", "eerste_aanwerving": "eerste-aanwerving",
       "vdab_opleiding_stage": "korte-opleiding", "activa_brussels": "activa-brussels"}

EMPLOYER = {"kind": "employer", "id": "nec", "name": "NEC bv", "sector": "zorg", "joint_committee": "319.01",
            "location": {"postcode": "1000"},
            "functions": [{"id": "f", "title": "Begeleider", "hours_per_week": 38, "hourly_wage_eur": 14.5}]}


def candidate(**employment) -> Candidate:
    return Candidate.model_validate({"id": "K-N", "home": {"postcode": "1000"}, "birth_date": "1986-05-10",
                                     "education": "low", "employment": {"status": "jobseeker", **employment}})


def evaluate(code: str, cand: Candidate, employer: dict | None = None, **kw):
    emp = Employer.model_validate(employer or EMPLOYER)
    problems: list = []
    [result] = evaluate_all(cand, emp, emp.functions[0], codes=[code], problems=problems, **kw)
    assert problems == []
    return result


# --- registration and parameter files -----------------------------------------------------

def test_every_new_instrument_is_a_registered_built_in():
    registry = get_registry()
    assert registry.problems == []
    for module, code in NEW.items():
        assert registry.plugin_of(code) == f"matchcore_plugins.{module}", code


@pytest.mark.parametrize("module", sorted(NEW))
def test_parameter_files_load_and_cite_a_source_for_every_value(module):
    params = load_parameters(PLUGINS / f"{module}.yaml", PLUGINS / "shared.yaml")
    assert NEW[module] in params.instruments
    for name, param in params.parameters.items():
        for value in param.values:
            assert value.reference is not None and value.last_verified is not None, (module, name)


def test_the_example_twe_plugin_installs_beside_the_built_in():
    """The example keeps its role as a third-party plugin under its own code (TWE-example)."""
    sys.path.insert(0, str(ROOT / "examples" / "matchcore-twe"))
    try:
        matchcore_twe = importlib.import_module("matchcore_twe")
    finally:
        sys.path.remove(str(ROOT / "examples" / "matchcore-twe"))
    # no entry points: the test must not depend on what else is installed (another test installs the example)
    builtin = importlib.import_module("matchcore_plugins.twe")
    registry = Registry(make_plugin_manager(entry_points=False, plugins=[builtin, matchcore_twe]))
    assert registry.problems == []
    assert registry.plugin_of("TWE") == "matchcore_plugins.twe"
    assert registry.plugin_of("TWE-example") == "matchcore_twe"


# --- record fields ------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, expected", [
    ("workers", "twee", 'f.yaml: employer nec: workers must be a whole number between 0 and 100000, got "twee"'),
    ("workers", -1, "f.yaml: employer nec: workers must be a whole number between 0 and 100000, got -1"),
    ("max_workers_last_12_months", 2.5,
     "f.yaml: employer nec: max_workers_last_12_months must be a whole number between 0 and 100000, got 2.5"),
])
def test_head_count_fields_give_one_clear_error(field, value, expected):
    _, problems = parse_record({**EMPLOYER, field: value}, file="f.yaml")
    assert [str(p) for p in problems] == [expected]


def test_the_year_s_most_workers_cannot_be_below_today_s():
    _, problems = parse_record({**EMPLOYER, "workers": 3, "max_workers_last_12_months": 2}, file="f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml: employer nec: max_workers_last_12_months (2) is below workers (3); the 12 months include today"]
    emp, problems = parse_record({**EMPLOYER, "workers": 2, "max_workers_last_12_months": 2}, file="f.yaml")
    assert problems == [] and (emp.workers, emp.max_workers_last_12_months) == (2, 2)


# --- first hires: the rank of the hire on each side of the change dates -------------------

@pytest.mark.parametrize("start, most, eligible, first_quarter", [
    # most workers in the 12 months before -> the hire is worker no. most + 1
    (dt.date(2023, 12, 27), 0, True, 3705.0),    # 4,000 capped at 25 % of 3 x 4,940 [prato-2022]
    (dt.date(2023, 12, 27), 5, True, 1050.0),    # 6th worker still had 1,050 [prato-2022]
    (dt.date(2023, 12, 27), 6, False, None),     # no 7th [prato-2022]
    (dt.date(2024, 1, 2), 0, True, 3100.0),      # [accuria-2024]
    (dt.date(2024, 1, 2), 1, True, 1550.0),      # [accuria-2024]
    (dt.date(2024, 1, 2), 2, True, 1050.0),      # [accuria-2024]
    (dt.date(2024, 1, 2), 3, False, None),       # 4th-6th abolished for new hires [accuria-2024]
    (dt.date(2026, 3, 30), 4, False, None),      # [accuria-2024]
    (dt.date(2026, 4, 1), 0, True, 2000.0),      # draft [uwpayroll-2026]
    (dt.date(2026, 4, 1), 4, True, 1000.0),      # 5th worker: 1,000 for 13 quarters [uwpayroll-2026]
    (dt.date(2026, 4, 1), 5, False, None),       # [uwpayroll-2026]
])
def test_first_hire_rank_and_amount(start, most, eligible, first_quarter):
    emp = {**EMPLOYER, "location": {"postcode": "9000"}, "max_workers_last_12_months": most,
           "functions": [{**EMPLOYER["functions"][0], "hourly_wage_eur": 30.0}]}
    result = evaluate("eerste-aanwerving", candidate(), emp, start=start)
    assert result.eligible is eligible
    reductions = [c for c in result.costs if c.item.startswith("reduction") and c.payee == "employer"]
    first = next((c for c in reductions if c.weeks is None or c.weeks.from_week == 0), None)
    assert (first.amount_eur if eligible else None) == first_quarter


# --- totals the sources state -------------------------------------------------------------

@pytest.mark.parametrize("variant, months, total", [
    ("generic", 30, 15900.0),            # 350 x 6 + 800 x 12 + 350 x 12 [actiris]
    ("reduced-capacity", 36, 23400.0),   # 750 x 12 + 600 x 24 [actiris]
])
def test_activa_allowance_totals(variant, months, total):
    result = evaluate("activa-brussels", candidate(jobseeker_since=dt.date(2024, 1, 1)), start=dt.date(2026, 3, 2),
                      variants={"activa-brussels": variant})
    allowance = [c for c in result.costs if c.item.startswith("work allowance")]
    assert result.eligible is True
    assert sum(c.amount_eur * (c.weeks.until_week - c.weeks.from_week) * 12 / 52 for c in allowance) == \
        pytest.approx(total)
    assert max(c.weeks.until_week for c in allowance) == pytest.approx(months * 52 / 12)


@pytest.mark.parametrize("hourly", [10.0, 14.5, 25.0])
def test_wio_wage_cost_is_funded_whatever_the_wage(hourly):
    """VIVO funds the wage cost (advance 7,500 a quarter, settled yearly) and refunds the study grant [S-003]."""
    emp = {**EMPLOYER, "functions": [{**EMPLOYER["functions"][0], "hourly_wage_eur": hourly}]}
    result = evaluate("WIO", candidate(status="employee"), emp, start=dt.date(2026, 9, 1), duration_weeks=52)
    assert result.eligible is True
    assert result.employer_cost_per_month_eur == 0.0
    assert result.employer_cost_total_eur == pytest.approx(0.0, abs=0.05)


def test_twe_deadlines_move_with_the_first_appointment():
    """S-004: first agreement sheet within 15 calendar days, a new appointment within 7 days after an absence."""
    for start in (dt.date(2026, 2, 20), dt.date(2026, 12, 28)):
        result = evaluate("TWE", candidate(), start=start)
        due = {s.what.split(" (")[0].split(",")[0]: s.due for s in result.steps}
        assert due["first agreement sheet"] == start + dt.timedelta(days=15)
        assert due[f"if the candidate is absent on {format_date(start)}: a new appointment fixed within 7 calendar "
                   "days"] == start + dt.timedelta(days=7)


@pytest.mark.parametrize("statute, eligible", [
    ("maatwerk", True), ("sociale_werkplaats", True), ("lde", True),   # [mentor]
    ("art60", False), ("other", False), (None, None),
])
def test_doorstroomstage_is_definite_for_an_employed_sec_worker(statute, eligible):
    result = evaluate("doorstroomstage", candidate(status="sec_employee", statute=statute), start=dt.date(2026, 3, 2))
    assert result.eligible is eligible
