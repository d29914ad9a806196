"""The instrument engine: evaluate_all's shape, dates, cost sums, dated formulas, steps, speed."""
from __future__ import annotations

import datetime as dt

import pytest

from matchcore.errors import MatchcoreError, NotFound
from matchcore.instruments import (DEFAULT_LEAD_DAYS, Check, Context, Cost, Duration, Instrument, Note, Step, brief,
                                   evaluate_all, hookimpl, money)
from matchcore.instruments.registry import make_plugin_manager
from matchcore.instruments.results import InstrumentResult, NoteLine
from matchcore.model import Candidate, Employer

D = dt.date


def records(hours=38, wage=14.5, non_profit=False, employer_postcode="9000", **employment):
    employer = Employer.model_validate({
        "id": "nec", "name": "NEC", "sector": "horeca", "joint_committee": "302", "non_profit": non_profit,
        "location": {"postcode": employer_postcode},
        "functions": [{"id": "f", "title": "F", "hours_per_week": hours, "hourly_wage_eur": wage}]})
    candidate = Candidate.model_validate({"id": "K-1", "home": {"postcode": "9000"}, "birth_date": "1990-01-01",
                                          "employment": {"status": "jobseeker", **employment}})
    return candidate, employer, employer.functions[0]


class Toy(Instrument):
    """An instrument with two dated rule sets, costs of every kind and a legal step."""

    code = "TOY"
    name = "toy"
    summary = "An instrument for the tests."
    source = "test"
    valid_from = D(2017, 1, 1)
    valid_until = D(2030, 1, 1)
    successor = "TOY2"

    def eligibility_2017_01_01(self, ctx):
        return [Check("old rule", True, "the rule before 2023", "test")]

    def eligibility_2023_01_01(self, ctx):
        return [Check("new rule", False, "the rule from 2023", "test")]

    def duration(self, ctx):
        return Duration(None, 52, source="test")

    def costs(self, ctx):
        return [
            Cost("fee", "employer", "agency", 100.0, "month"),
            Cost("premium", "agency", "employer", 30.0, "quarter", until_week=13),
            Cost("setup", "employer", "agency", 50.0, "once"),
            Cost("service", "employer", "agency", 10.0, "week", vat_eur=2.1),
            Cost("shown, not counted", "VDAB", "candidate", 999.0, "month"),
        ]

    def steps(self, ctx):
        return [Step("file the plan", ctx.before_start(21), legal=True, source="test"),
                Step("say hello", ctx.start)]


class ToyPlugin:
    @hookimpl
    def register_instruments(self):
        return [Toy()]


@pytest.fixture(scope="module")
def toy_pm():
    return make_plugin_manager(entry_points=False, plugins=[ToyPlugin()])


def toy(pm, **kw):
    [result] = evaluate_all(*records(), plugin_manager=pm, **kw)
    return result


def test_evaluate_all_returns_the_formats_shape_sorted_by_code():
    results = evaluate_all(*records(), start=D(2026, 2, 2), on=D(2025, 12, 22))
    codes = [r.code for r in results]
    assert codes == sorted(codes, key=lambda c: (c.casefold(), c))
    assert {"BIO", "BIS", "BVS", "flexijob", "gelegenheidswerk", "IBO", "K-IBO", "IMW", "onderaanneming",
            "RSZ-young", "RSZ-older", "RSZ-no-recent-work", "TBS", "VOP", "WES"} <= set(codes)
    for r in results:
        assert r.eligible in (True, False, None)
        assert isinstance(r.name, str) and isinstance(r.reasons, list)
        assert isinstance(r, InstrumentResult)
        assert r.duration.min_weeks is None or r.duration.min_weeks >= 0
        for c in r.costs:
            assert c.per in ("once", "day", "week", "month", "quarter")
            assert isinstance(c.item, str) and isinstance(c.vat_eur, float)
        for s in r.steps:
            assert s.due is None or (isinstance(s.due, dt.date) and not isinstance(s.due, dt.datetime))
        assert r.start == D(2026, 2, 2) and r.on == D(2025, 12, 22)


def test_default_start_is_on_plus_42_days():
    [r] = evaluate_all(*records(), on=D(2025, 12, 1), codes=["BIS"])
    assert DEFAULT_LEAD_DAYS == 42 and r.start == D(2026, 1, 12)


def test_default_on_is_today():
    [r] = evaluate_all(*records(), codes=["BIS"])
    assert r.on == dt.date.today()


def test_brief_is_the_match_result_form():
    results = evaluate_all(*records(), start=D(2026, 2, 2), codes=["BIS", "BVS"])
    rows = brief(results)
    keys = ["code", "kind", "name", "eligible", "feasibility", "feasibility_reason", "employer_cost_per_month_eur",
            "net_cost_per_month_eur", "net_cost_text", "net_premium_gain", "abolished", "reasons"]
    assert [list(r) for r in rows] == [keys, keys]
    # BIS at the legal minimum, half the GGMMI of 2025-02-01 (RULES-2026 item 1); BVS ended 2023-01-01
    assert [(r["code"], r["eligible"], r["employer_cost_per_month_eur"], r["net_cost_per_month_eur"])
            for r in rows] == [("BIS", True, 1055.95, 1055.95), ("BVS", False, None, None)]
    assert rows[1]["abolished"] is True and rows[0]["abolished"] is False


@pytest.mark.parametrize("value, cents", [
    (0.125, 0.13), (2.675, 2.68), (1165.3, 1165.30), (-0.125, -0.13), (2686.1249999999995, 2686.13),
    (None, None), (0.0049, 0.0),
])
def test_money_rounds_half_up(value, cents):
    assert money(value) == cents


@pytest.mark.parametrize("start, rule", [
    (D(2022, 12, 31), "old rule"),   # the day before the new formula
    (D(2023, 1, 1), "new rule"),     # the new formula's first day
])
def test_dated_formulas_pick_the_latest_on_or_before_the_start(toy_pm, start, rule):
    assert [r.rule for r in toy(toy_pm, start=start).reasons] == [rule]


def test_before_the_first_formula_and_after_the_validity(toy_pm):
    gone = toy(toy_pm, start=D(2030, 1, 1))
    assert gone.eligible is False and gone.successor == "TOY2"
    assert "until 2029-12-31 (ended on 2030-01-01)" in gone.reasons[0].text
    assert gone.reasons[0].parameter_date == D(2030, 1, 1) and gone.reasons[0].source == "test"
    assert gone.costs == [] and gone.employer_cost_per_month_eur is None
    early = toy(toy_pm, start=D(2016, 12, 31))
    assert early.eligible is False and "exists from 2017-01-01" in early.reasons[0].text


def test_cost_sums_month_and_total(toy_pm):
    r = toy(toy_pm, start=D(2020, 3, 2), duration_weeks=26)
    # a month: fee 100 - premium 30/3 + service (10 + 2.10 VAT) x 52/12; the one-off setup is not monthly
    assert r.employer_cost_per_month_eur == money(100 - 10 + 12.1 * 52 / 12)
    assert r.employer_cost_per_month_excl_vat_eur == money(100 - 10 + 10 * 52 / 12)
    # 26 weeks: fee 100 x 6 months - premium 30 once (its 13 weeks) + setup 50 + service 12.10 x 26
    assert r.employer_cost_total_eur == money(600 - 30 + 50 + 12.1 * 26)


def test_unknown_amount_makes_the_sum_unknown_and_names_the_item():
    class Unknown(Toy):
        code = "UNK"

        def costs(self, ctx):
            return [Cost("fee", "employer", "agency", 100.0, "month"), Cost("price", "employer", "agency", None, "month")]

    class P:
        @hookimpl
        def register_instruments(self):
            return [Unknown()]

    pm = make_plugin_manager(entry_points=False, plugins=[P()])
    [r] = evaluate_all(*records(), start=D(2020, 3, 2), duration_weeks=4, plugin_manager=pm)
    assert r.employer_cost_per_month_eur is None and r.employer_cost_total_eur is None
    assert r.employer_cost_unknown == ["price"]


def test_planned_duration_beyond_the_maximum_is_not_eligible(toy_pm):
    r = toy(toy_pm, start=D(2020, 3, 2), duration_weeks=53)
    assert r.eligible is False and "exceeds the maximum of 52 weeks" in r.reasons[-1].text


def test_legal_step_due_before_the_evaluation_date_is_overdue_with_the_earliest_start(toy_pm):
    r = toy(toy_pm, start=D(2020, 3, 2), on=D(2020, 2, 20))
    plan = next(s for s in r.steps if s.what == "file the plan")
    assert plan.due == D(2020, 2, 10) and plan.overdue is True and plan.legal is True
    assert any("earliest start with it on time is 2020-03-12" in n.text for n in r.notes)
    # asked about a start in the past: a retrospective question, nothing is overdue
    past = toy(toy_pm, start=D(2020, 3, 2), on=D(2024, 1, 1))
    assert not any(s.overdue for s in past.steps)
    assert not any("deadline" in n.text for n in past.notes)


def test_steps_are_sorted_by_due_date(toy_pm):
    r = toy(toy_pm, start=D(2020, 3, 2))
    assert [s.due for s in r.steps] == sorted(s.due for s in r.steps)


def test_prepare_context_fact_wins_over_the_default_distance():
    class RoutePlanner:
        @hookimpl
        def prepare_context(self, context):
            context.facts["distance_km"] = 10.0
            context.facts["distance_source"] = "route planner"

    pm = make_plugin_manager(plugins=[RoutePlanner()])
    [bio] = evaluate_all(*records(non_profit=True), start=D(2018, 4, 16), codes=["BIO"], plugin_manager=pm)
    commuting = next(c for c in bio.costs if c.item.startswith("commuting"))
    assert commuting.amount_eur == 3.00 and "route planner" in commuting.basis   # 10 km x 0.30 (S-000)
    # 5 days a week x 52/12 days a month of commuting on top of the seed's 1,165.30
    assert bio.employer_cost_per_month_eur == money(1165.30 + 3.00 * 5 * 52 / 12)


def test_default_distance_is_the_straight_line_between_postcodes():
    [bio] = evaluate_all(*records(non_profit=True, employer_postcode="9050"), start=D(2018, 4, 16), codes=["BIO"])
    commuting = next(c for c in bio.costs if c.item.startswith("commuting"))
    assert 0 < commuting.amount_eur < 3 and "straight line" in commuting.basis


def test_unknown_variant_and_unknown_code_are_clear_errors():
    with pytest.raises(MatchcoreError, match="BIS has no variant 'cheap'; its variants are direct, booster-"):
        evaluate_all(*records(), start=D(2026, 2, 2), variants={"bis": "cheap"})
    with pytest.raises(NotFound, match="No such instrument: 'BSI'; did you mean 'BIS'"):
        evaluate_all(*records(), start=D(2026, 2, 2), codes=["BSI"])


def test_codes_are_case_insensitive():
    assert [r.code for r in evaluate_all(*records(), codes=["bis", "FLEXIJOB"])] == ["BIS", "flexijob"]


@pytest.mark.parametrize("hours, days, fraction", [(38, 5, 1.0), (40, 5, 1.0), (20, 3, 20 / 38), (7.6, 1, 0.2),
                                                    (1, 1, 1 / 38), (30.4, 4, 0.8)])
def test_context_work_pattern(hours, days, fraction):
    cand, emp, fn = records(hours=hours)
    ctx = Context(cand, emp, fn, start=D(2026, 1, 5), on=D(2026, 1, 1))
    assert ctx.days_per_week == days and ctx.fraction == pytest.approx(fraction)
    assert ctx.hours_per_day == pytest.approx(hours / days)


def test_instrument_without_notes_or_steps_still_evaluates():
    class Bare(Instrument):
        code = "BARE"
        name = "bare"
        summary = "Nothing but a name."

    class P:
        @hookimpl
        def register_instruments(self):
            return [Bare()]

    pm = make_plugin_manager(entry_points=False, plugins=[P()])
    [r] = evaluate_all(*records(), plugin_manager=pm)
    # no rule at all is no verdict: unknown, not "eligible"
    assert r.eligible is None and [x.rule for x in r.reasons] == ["rules"]
    assert "states no eligibility rule" in r.reasons[0].text
    assert r.costs == [] and r.employer_cost_per_month_eur == 0.0


def test_reference_keys_given_as_source_are_cited_in_full():
    [r] = evaluate_all(*records(), start=D(2026, 2, 2), codes=["BIS"])
    sources = [n.source for n in r.notes if n.source]
    assert any(s.startswith("bis: VDAB - beroepsinlevingsstage for employers <https://") for s in sources)
    assert NoteLine.of(Note("free text", "a leaflet")).source == "a leaflet"
