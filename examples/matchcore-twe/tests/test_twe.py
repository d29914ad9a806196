"""Tests of the TWE plugin: its rules through matchcore's own evaluation, without installing it."""
import datetime as dt

import pytest

import matchcore_twe
from matchcore.instruments import evaluate_all
from matchcore.instruments.registry import make_plugin_manager
from matchcore.model import Candidate, Employer

EMPLOYER = Employer.model_validate({
    "id": "partner-werkplek", "name": "Werkplek", "sector": "logistiek", "location": {"postcode": "3000"},
    "functions": [{"id": "magazijnier", "title": "Magazijnier", "hours_per_week": 38}]})


def candidate(status):
    return Candidate.model_validate({"id": "K-1", "home": {"postcode": "3000"}, "employment": {"status": status}})


@pytest.fixture(scope="module")
def pm():
    # Only this plugin: no entry points (so no built-ins), so the test does not depend on the environment.
    return make_plugin_manager(entry_points=False, plugins=[matchcore_twe])


def twe(pm, status, **kw):
    [result] = evaluate_all(candidate(status), EMPLOYER, EMPLOYER.functions[0], plugin_manager=pm, **kw)
    return result


@pytest.mark.parametrize("status, eligible", [
    ("jobseeker", True),       # S-004: VDAB refers jobseekers to the TWE partner
    ("sec_employee", False),   # S-004: not for someone employed
])
def test_eligibility_by_situation(pm, status, eligible):
    assert twe(pm, status, start=dt.date(2026, 3, 2)).eligible is eligible


def test_steps_counted_from_the_first_appointment(pm):
    result = twe(pm, "jobseeker", start=dt.date(2026, 3, 2), on=dt.date(2026, 2, 1))
    due = {s.what.split(":")[0].split(" (")[0]: s.due for s in result.steps}
    assert due["first appointment"] == dt.date(2026, 3, 2)
    assert due["first agreement sheet"] == dt.date(2026, 3, 17)      # S-004: within 15 calendar days
    assert due["if the candidate missed the first appointment"] == dt.date(2026, 3, 9)   # within 7 days
    # 104 weeks after the first appointment is 2028-02-28; the final advice within one month (30 days)
    assert due["final advice in Mijn Loopbaan; then the C91 certificate to the candidate"] == dt.date(2028, 3, 29)


def test_at_most_two_years(pm):
    result = twe(pm, "jobseeker", start=dt.date(2026, 3, 2), duration_weeks=110)
    assert result.eligible is False
    assert result.duration.max_weeks == 104


def test_no_cost_for_the_employer(pm):
    result = twe(pm, "jobseeker", start=dt.date(2026, 3, 2))
    assert result.employer_cost_per_month_eur == 0.0


def test_texts_are_dutch_with_the_plugins_catalogue(pm, monkeypatch):
    monkeypatch.delenv("MATCHCORE_LANG")  # matchcore's default: Dutch
    result = twe(pm, "jobseeker", start=dt.date(2026, 3, 2))
    assert result.steps[0].what.startswith("eerste afspraak: de werkervaringsovereenkomst (WEO) ondertekenen")
    assert result.reasons[0].rule == "situatie van de kandidaat"
