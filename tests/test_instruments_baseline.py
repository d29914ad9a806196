"""Issue 12.4-12.5: the normal-hire baseline, one net-cost definition, feasibility and the ranking,
abolished instruments hidden by default."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from matchcore.cli.root import main
from matchcore.instruments import (
    Check,
    Cost,
    Instrument,
    NetCost,
    evaluate_all,
    hookimpl,
    normal_hire,
    pair_rows,
    recommended,
)
from matchcore.instruments.costs import derive_net_cost
from matchcore.instruments.registry import Registry, make_plugin_manager
from matchcore.model import Candidate, Employer
from matchcore.web.callsheet import pick_instrument

D = dt.date
# The rate's source: RSZ/ONSS, DmfA tussentijdse instructies 2017/4, "uitvoering taxshift 2018":
# category 1 (private sector) T = 25.00 % (B 19.88 % + M 4.27 % + B x M) from 2018-01-01.
RSZ = "socialsecurity.be/employer/instructions/dmfa/nl/2017-4/intermediates"


def employer(wage=14.5, hours=38, **kw) -> Employer:
    return Employer.model_validate({
        "id": "nec", "name": "NEC", "sector": "horeca", "location": {"postcode": "9000"}, **kw,
        "functions": [{"id": "f", "title": "F", "hours_per_week": hours, "hourly_wage_eur": wage}]})


# wage EUR/h, hours, start -> gross a month (wage x hours x 52/12), contributions (25 %), normal hire
@pytest.mark.parametrize("wage, hours, start, gross, contributions, net", [
    (14.50, 38, D(2026, 2, 2), 2387.67, 596.92, 2984.59),       # 14.50 x 38 x 52/12 = 2,387.666...
    (14.50, 19, D(2026, 2, 2), 1193.83, 298.46, 1492.29),       # half time
    (20.00, 30, D(2027, 1, 4), 2600.00, 650.00, 3250.00),       # 20 x 30 x 52/12 = 2,600 exactly
    (16.10, 38, D(2018, 1, 1), 2651.13, 662.78, 3313.91),       # the first day of the 25.00 % rate
])
def test_normal_hire_is_gross_wage_plus_employer_contributions(wage, hours, start, gross, contributions, net):
    emp = employer(wage, hours)
    base = normal_hire(emp, emp.functions[0], start)
    assert (base.code, base.kind) == ("normal", "baseline")
    assert (base.gross_wage_per_month_eur, base.employer_contribution_rate,
            base.employer_contributions_per_month_eur, base.net_cost_per_month_eur) == (gross, 0.25, contributions, net)
    assert RSZ in base.source and base.parameter_date == D(2018, 1, 1)
    assert base.text == (f"normal hire: {gross:,.2f} gross + {contributions:,.2f} contributions (25.00%) = "
                         f"{net:,.2f} EUR a month")


def test_normal_hire_before_the_first_encoded_rate_and_without_a_wage_says_so():
    emp = employer()
    before = normal_hire(emp, emp.functions[0], D(2017, 12, 31))   # the day before 2018-01-01
    assert before.employer_contribution_rate == 0.25
    assert any("rates before it (tax shift 2016-2017) are not encoded" in n for n in before.notes)
    unknown = employer(wage=None)
    base = normal_hire(unknown, unknown.functions[0], D(2026, 2, 2))
    assert base.net_cost_per_month_eur is None and "unknown" in base.text
    vzw = employer(category="non_profit")
    assert any("32.40 %" in n for n in normal_hire(vzw, vzw.functions[0], D(2026, 2, 2)).notes)


# cost_basis, items -> net monthly cost (VAT excluded), basis, premium gain; normal hire 2,984.59
@pytest.mark.parametrize("basis, items, net, how, gain", [
    (None, [Cost("allowance", "employer", "candidate", 1055.95, "month")], 1055.95, "complete", False),
    (None, [Cost("service", "employer", "promoter", 100.0, "month", vat_eur=21.0)], 100.0, "complete", False),
    (None, [Cost("flexi wage", "employer", "candidate", 500.0, "week")], 2166.67, "complete", False),
    (None, [Cost("reduction", "RSZ", "employer", 1500.0, "quarter")], 2484.59, "adjustment", False),
    (None, [Cost("wage", "employer", "candidate", 1000.0, "month"),
            Cost("premium", "WSE", "employer", 4500.0, "quarter")], -500.0, "complete", True),
    (None, [Cost("grant", "employer", "candidate", 1000.0, "once")], 0.0, "complete", False),
    (None, [Cost("stage", "VDAB", "provider", 300.0, "month")], 0.0, "complete", False),
    ("adjustment", [], 2984.59, "adjustment", False),
    (None, [], None, None, False),
    (None, [Cost("wage difference", "employer", "SEC employer", None, "week")], None, "complete", False),
])
def test_one_net_cost_definition_from_the_itemised_costs(basis, items, net, how, gain):
    line = derive_net_cost(basis, items, 2984.59, 21.67)
    assert (line.net_cost_per_month_eur, line.net_cost_basis, line.net_premium_gain) == (net, how, gain)
    if gain:
        assert line.net_cost_text.startswith("net premium gain of 500.00 EUR a month: premium exceed")


def test_a_plugin_may_state_its_net_cost():
    line = derive_net_cost(None, [Cost("x", "employer", "y", 1.0, "month")], 2984.59, 21.67,
                           NetCost(-120.0, "support premium above the wage cost"))
    assert (line.net_cost_per_month_eur, line.net_cost_basis, line.net_premium_gain) == (-120.0, "stated by the plugin",
                                                                                         True)
    assert "net premium gain of 120.00 EUR a month" in line.net_cost_text


def make(code, eligible, feasibility="medium", monthly=None, *, until=None, basis=None):
    attrs = {"code": code, "name": code, "summary": code, "feasibility": feasibility,
             "feasibility_reason": f"{feasibility} in the test", "valid_until": until, "cost_basis": basis,
             "eligibility": lambda self, ctx: [Check("rule", eligible, "as the test says")],
             "costs": lambda self, ctx, variant=None: ([] if monthly is None else
                                                       [Cost("fee", "employer", "x", monthly, "month")])}
    return type(code, (Instrument,), attrs)()


def manager(*instruments):
    class P:
        __name__ = "test_plugin"

        @hookimpl
        def register_instruments(self):
            return list(instruments)

    return make_plugin_manager(entry_points=False, plugins=[P()])


def records():
    emp = employer()
    cand = Candidate.model_validate({"id": "K-1", "home": {"postcode": "9000"}})
    return cand, emp, emp.functions[0]


def test_the_recommendation_ranks_by_eligibility_then_feasibility_then_net_cost_never_by_cost_alone():
    pm = manager(make("CHEAP-LOW", True, "low", 10.0), make("DEAR-HIGH", True, "high", 900.0),
                 make("MID-B", True, "medium", 300.0), make("MID-A", True, "medium", 300.0),
                 make("MID-UNKNOWN", True, "medium"), make("MAYBE", None, "high", 1.0),
                 make("NO", False, "high", 0.0))
    ranked = [r.code for r in recommended(evaluate_all(*records(), start=D(2026, 2, 2), plugin_manager=pm))]
    assert ranked == ["DEAR-HIGH", "MID-A", "MID-B", "MID-UNKNOWN", "CHEAP-LOW", "MAYBE", "NO"]
    rows = pair_rows(*records(), on=D(2026, 1, 5), plugin_manager=pm)
    assert [r["code"] for r in rows] == ["normal", *ranked]
    assert pick_instrument(rows)["code"] == "DEAR-HIGH"                    # not the cheapest
    assert pick_instrument([rows[0], *rows[-2:]]) is None                  # never the baseline, no "yes"


def test_abolished_instruments_are_left_out_by_default_and_listed_when_asked():
    pm = manager(make("OLD", True, "high", 1.0, until=D(2023, 1, 1)), make("NEW", True, "medium", 500.0))
    on = D(2026, 1, 5)
    assert [r["code"] for r in pair_rows(*records(), on=on, plugin_manager=pm)] == ["normal", "NEW"]
    every = pair_rows(*records(), on=on, plugin_manager=pm, all_instruments=True)
    assert [(r["code"], r["abolished"]) for r in every] == [("normal", False), ("NEW", False), ("OLD", True)]
    assert pick_instrument(every)["code"] == "NEW"
    # on a past date it was in force: answered, and not abolished then
    past = pair_rows(*records(), on=D(2022, 6, 1), plugin_manager=pm)
    assert [(r["code"], r["eligible"], r["abolished"]) for r in past][1:] == [("OLD", True, False),
                                                                               ("NEW", True, False)]
    # named explicitly, the engine answers it anyway
    named = evaluate_all(*records(), on=on, codes=["OLD"], include_abolished=False, plugin_manager=pm)
    assert [(r.code, r.eligible, r.abolished) for r in named] == [("OLD", False, True)]


def test_a_bad_feasibility_or_cost_basis_or_the_reserved_code_is_refused_at_registration():
    registry = Registry(manager(make("BAD", True, "easy"), make("normal", True), make("BASIS", True, basis="net"),
                                make("GOOD", True)))
    assert sorted(registry.instruments) == ["GOOD"]
    text = "\n".join(str(p) for p in registry.problems)
    assert "instrument BAD with feasibility 'easy'" in text and "reserved for the normal-hire baseline" in text
    assert "instrument BASIS with cost_basis 'net'" in text


@pytest.fixture
def db(store):
    emp = Employer.model_validate({
        "id": "kaai", "name": "Kaai", "sector": "horeca", "location": {"postcode": "9000"},
        "functions": [{"id": "afwasser", "title": "Afwasser", "hours_per_week": 38, "hourly_wage_eur": 14.5,
                       "competences": [{"name": "afwassen", "level": 1, "required": True}]}]})
    cand = Candidate.model_validate({"id": "K-0042", "home": {"postcode": "9000"}, "birth_date": "1990-01-01",
                                     "competences": [{"name": "afwassen", "level": 2}],
                                     "employment": {"status": "jobseeker", "jobseeker_since": "2024-01-01"}})
    store.upsert([emp, cand])
    return store.path


def run(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), *args], obj={})


def test_match_lines_show_the_normal_hire_and_hide_abolished_instruments(db):
    args = ["match", "candidate", "K-0042", "--on", "2026-01-05"]
    out = run(db, *args).output
    assert "   normal hire €2,984.59 a month" in out
    line = next(x for x in out.splitlines() if x.startswith("   instruments (best first"))
    assert " VOP " not in line + " " and "BVS" not in line and "BIS yes" in line
    every = run(db, *args, "--all-instruments").output
    assert "VOP no (abolished)" in every and "BVS no (abolished)" in every
    doc = json.loads(run(db, *args, "--json").output)
    rows = doc["results"][0]["instruments"]
    assert rows[0]["code"] == "normal" and rows[0]["net_cost_per_month_eur"] == 2984.59
    assert not any(r["abolished"] for r in rows) and {"feasibility", "net_cost_per_month_eur"} <= set(rows[1])
