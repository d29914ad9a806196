"""Rule cases of the built-in instruments, one per row of tests/instrument_cases/*.yaml.

Each case names its source (a seed, the rules sheet or a reference key of the plugin's parameter
file); see tests/instrument_cases/README.md for the keys. Records are built from the base records
below with the case's facts merged on top.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from matchcore.instruments import DEFAULT_LEAD_DAYS, evaluate_all, load_parameters
from matchcore.instruments.registry import get_registry
from matchcore.model import Candidate, Employer

CASES = Path(__file__).parent / "instrument_cases"
PLUGINS = Path(__file__).resolve().parent.parent / "plugins"

BASE_CANDIDATE = {
    "kind": "candidate", "id": "K-T", "home": {"postcode": "9000"}, "birth_date": "1986-05-10",
    "education": "low", "employment": {"status": "jobseeker"},
}
BASE_EMPLOYER = {
    "kind": "employer", "id": "nec", "name": "NEC bv", "sector": "horeca", "joint_committee": "302",
    "non_profit": False, "location": {"postcode": "9000"},
}
BASE_FUNCTION = {"id": "f", "title": "Medewerker", "hours_per_week": 38, "hourly_wage_eur": 14.5}

CASE_KEYS = {"name", "source", "instrument", "start", "on", "weeks", "candidate", "employer", "function",
             "variants", "expect"}
EXPECT_KEYS = {"eligible", "reasons", "text", "missing", "successor", "variant", "employer_cost_per_month_eur",
               "employer_cost_per_month_excl_vat_eur", "employer_cost_total_eur", "employer_cost_unknown", "costs",
               "steps", "step_fields", "duration", "unverified", "notes"}


def merge(base: dict, over: dict) -> dict:
    """Deep merge; a None value removes the key."""
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_cases():
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield pytest.param(case, id=f"{path.stem}: {case['name']}")


ALL_CASES = list(load_cases())


def run(case: dict):
    candidate = Candidate.model_validate(merge(BASE_CANDIDATE, case.get("candidate")))
    employer = Employer.model_validate({**merge(BASE_EMPLOYER, case.get("employer")),
                                        "functions": [merge(BASE_FUNCTION, case.get("function"))]})
    start = case["start"]
    on = case.get("on") or start - dt.timedelta(days=DEFAULT_LEAD_DAYS)
    problems: list = []
    results = evaluate_all(candidate, employer, employer.functions[0], start=start, on=on,
                           duration_weeks=case.get("weeks"), codes=[case["instrument"]],
                           variants=case.get("variants"), problems=problems)
    assert problems == []
    [result] = results
    assert result.code == case["instrument"]
    return result


def _find(items: list, key: str, prefix: str):
    hits = [i for i in items if getattr(i, key).startswith(prefix)]
    assert len(hits) == 1, f"{len(hits)} items whose {key} starts with {prefix!r}: {[getattr(i, key) for i in items]}"
    return hits[0]


def _day(value) -> dt.date | None:
    """An expected date of a case table: a YAML date, or a quoted "YYYY-MM-DD" text (or null)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


@pytest.mark.parametrize("case", ALL_CASES)
def test_rule_case(case):
    assert set(case) <= CASE_KEYS, f"unknown case keys {set(case) - CASE_KEYS}"
    assert set(case["expect"]) <= EXPECT_KEYS, f"unknown expect keys {set(case['expect']) - EXPECT_KEYS}"
    assert case.get("source"), "every rule case names its source"
    result = run(case)
    expect = case["expect"]
    if "eligible" in expect:
        assert result.eligible is expect["eligible"], result.reasons
    for rule, ok in (expect.get("reasons") or {}).items():
        [reason] = [r for r in result.reasons if r.rule == rule]
        assert reason.ok is ok, reason
    if "text" in expect:
        assert any(expect["text"] in r.text for r in result.reasons), result.reasons
    for fact in expect.get("missing") or []:
        assert any(fact in m for m in result.missing), result.missing
    for key in ("successor", "variant", "employer_cost_per_month_eur", "employer_cost_per_month_excl_vat_eur",
                "employer_cost_total_eur", "employer_cost_unknown"):
        if key in expect:
            assert getattr(result, key) == expect[key], (key, getattr(result, key), result.costs)
    for prefix, fields in (expect.get("costs") or {}).items():
        item = _find(result.costs, "item", prefix)
        for field, value in fields.items():
            got = getattr(item.weeks, field) if field in ("from_week", "until_week") else getattr(item, field)
            assert got == value, (prefix, field, item)
    for prefix, due in (expect.get("steps") or {}).items():
        step = _find(result.steps, "what", prefix)
        assert step.due == _day(due), (prefix, step.due, _day(due))
    for prefix, fields in (expect.get("step_fields") or {}).items():
        step = _find(result.steps, "what", prefix)
        for field, value in fields.items():
            got = getattr(step, field)
            assert got == (_day(value) if field in ("due", "earliest") else value), (prefix, field, step)
    for key, value in (expect.get("duration") or {}).items():
        assert getattr(result.duration, key, result.duration.extra.get(key) if hasattr(result.duration, "extra")
                       else None) == value, (key, result.duration)
    flagged = {u.parameter for u in result.unverified}
    for name in expect.get("unverified") or []:
        assert name in flagged, flagged
    if "notes" in expect:
        assert any(expect["notes"] in n.text for n in result.notes), [n.text for n in result.notes]


@pytest.mark.parametrize("key, field", [("steps", None), ("step_fields", "earliest")])
def test_a_wrong_expected_step_date_fails(key, field):
    """Step dates are compared: every case expecting a due (or earliest) date fails with another one."""
    cases = [p.values[0] for p in ALL_CASES
             if any(field is None or field in v for v in (p.values[0]["expect"].get(key) or {}).values())]
    assert cases
    for case in cases:
        wrong = copy.deepcopy(case)
        for prefix, value in wrong["expect"][key].items():
            if field is None:
                wrong["expect"][key][prefix] = "1999-01-01"
            elif field in value:
                value[field] = dt.date(1999, 1, 1)
        with pytest.raises(AssertionError):
            test_rule_case(wrong)


def test_every_instrument_has_eligible_not_eligible_and_unknown_cases():
    """The case tables cover the three verdicts for each built-in instrument."""
    seen: dict[str, set] = {}
    for param in ALL_CASES:
        case = param.values[0]
        if "eligible" in case["expect"]:
            seen.setdefault(case["instrument"], set()).add(case["expect"]["eligible"])
    builtin = {code for code, (_, plugin) in get_registry().instruments.items()
               if plugin.startswith("matchcore_plugins.")}
    for code in builtin:
        # The validity period alone makes False reachable for every dated instrument; the cases
        # must still show it, and TBS/onderaanneming have no unknown verdict unless a fact is missing;
        # BIS decides every situation and region (issue 12.6: a definite answer for a SEC worker).
        assert {True, False} <= seen.get(code, set()), f"{code}: cases cover {seen.get(code)}"
    unknown_covered = {code for code, verdicts in seen.items() if None in verdicts}
    assert builtin - unknown_covered <= {"TBS", "onderaanneming", "BVS", "BIS"}, builtin - unknown_covered


def test_reasons_cite_a_source_and_the_parameter_date():
    """Every reason of every case cites a source; those using a dated value name its date."""
    for param in ALL_CASES:
        result = run(param.values[0])
        for reason in result.reasons:
            assert reason.source, (param.id, reason)
            if reason.parameters:
                assert reason.parameter_date, (param.id, reason)


def _change_dates():
    """(file, parameter, date) for every dated change after a parameter's first value."""
    for path in sorted(PLUGINS.glob("*.yaml")):
        params = load_parameters(path, PLUGINS / "shared.yaml")
        for name, param in params.parameters.items():
            for value in param.values[1:]:
                yield path.stem, set(params.instruments), name, value.valid_from
            for value in param.values:   # a disputed alternative's own date is a change date too
                for alt in value.listed_alternatives:
                    if alt.valid_from != value.valid_from:
                        yield path.stem, set(params.instruments), name, alt.valid_from


def test_cases_cover_both_sides_of_every_change_date():
    """For every dated change in a built-in parameter file a case starts within a week before it
    and one within a week from it (for shared values: a case of any instrument)."""
    starts: dict[str, list[dt.date]] = {}
    for param in ALL_CASES:
        case = param.values[0]
        starts.setdefault(case["instrument"], []).append(case["start"])
    uncovered = []
    for stem, codes, name, day in _change_dates():
        days = [d for code, ds in starts.items() if not codes or code in codes for d in ds]
        before = any(day - dt.timedelta(days=7) <= d < day for d in days)
        after = any(day <= d < day + dt.timedelta(days=7) for d in days)
        if not (before and after):
            uncovered.append(f"{stem}.yaml {name} {day}: before={before} after={after}")
    assert not uncovered, "\n".join(uncovered)
