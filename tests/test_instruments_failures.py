"""Silent failures closed: each mistake of a plugin is refused or reported, never taken for "eligible"."""
from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import sys
import time
from types import MappingProxyType

import pytest

from matchcore.cli.instruments import _plain
from matchcore.errors import MatchcoreError, PluginError
from matchcore.instruments import (
    Check,
    Cost,
    Duration,
    Instrument,
    NetCost,
    ParamValue,
    Reference,
    Step,
    evaluate_all,
    hookimpl,
)
from matchcore.instruments.budget import plugin_budget_s
from matchcore.instruments.registry import make_plugin_manager
from matchcore.model import Candidate, Employer
from matchcore.store.db import Store

D = dt.date
START = D(2026, 2, 2)
HERE = Reference("here", "a test reference", url="https://example.org")


def records():
    employer = Employer.model_validate({
        "id": "nec", "name": "NEC", "sector": "horeca", "location": {"postcode": "9000"},
        "functions": [{"id": "f", "title": "F", "hours_per_week": 38, "hourly_wage_eur": 14.5}]})
    candidate = Candidate.model_validate({"id": "K-1", "home": {"postcode": "9000"},
                                          "employment": {"status": "jobseeker"}})
    return candidate, employer, employer.functions[0]


class Fine(Instrument):
    code = "FINE"
    name = "fine"
    summary = "A well-behaved instrument."

    def eligibility(self, ctx):
        return [Check("rule", True, "met", "test")]


def evaluate(*instruments, records=None, **kw):
    """(results by code, problem texts) of these instruments beside a well-behaved one."""
    class P:
        __name__ = "matchcore_test_plugin"

        @hookimpl
        def register_instruments(self):
            return [Fine(), *instruments]

    problems: list = []
    pm = make_plugin_manager(entry_points=False, plugins=[P()])
    results = evaluate_all(*(records or globals()["records"]()), start=START, plugin_manager=pm, problems=problems,
                           **kw)
    return {r.code: r for r in results}, [str(p) for p in problems]


@pytest.mark.parametrize("name", ["eligibility_2023_1_1", "costs_20230101", "steps_2023_02_30", "notes_2023_13_01"])
def test_a_misspelt_dated_formula_is_refused_when_the_class_is_defined(name):
    with pytest.raises(PluginError, match=f"dated formula {name!r}: write it"):
        type("Misspelt", (Instrument,), {"code": "X", name: lambda self, ctx: []})


def test_helpers_named_like_a_method_are_not_formulas():
    type("Helpers", (Instrument,), {"code": "X", "costs_for_variant": lambda self: [],
                                    "eligibility_2023_01_01": lambda self, ctx: []})


def test_eligibility_returning_none_is_the_plugins_failure():
    class Forgot(Fine):
        code = "FORGOT"

        def eligibility(self, ctx):
            [Check("rule", True, "met")]   # no return

    results, problems = evaluate(Forgot())
    assert "FORGOT" not in results and results["FINE"].eligible is True
    assert ("plugin 'matchcore_test_plugin', instrument FORGOT: eligibility() returned None, expected a list of "
            "Check") in "\n".join(problems)


def test_only_dated_formulas_that_start_later_are_unknown_not_eligible():
    class Later(Fine):
        code = "LATER"

        def eligibility(self, ctx):
            return self._formula("eligibility", ctx, default=[])

        def eligibility_2030_01_01(self, ctx):
            return [Check("rule", True, "met")]

    results, _ = evaluate(Later())
    assert results["LATER"].eligible is None


def write_params(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("references:\n  own: {title: Own, url: 'https://example.org'}\nparameters:\n  rate:\n"
                    "    description: A rate.\n    values:\n      2027-01-01: {value: 1, reference: own, "
                    "last_verified: 2026-01-01}\n", encoding="utf-8")
    return str(path)


def test_a_misspelt_parameter_name_is_a_plugin_failure_not_a_data_gap(tmp_path):
    class Typo(Fine):
        code = "TYPO"
        parameters_file = write_params(tmp_path)

        def eligibility(self, ctx):
            return [Check("rate", self.p("rte", ctx).value > 0, "rate")]

    class Gap(Typo):
        code = "GAP"

        def eligibility(self, ctx):
            return [Check("rate", self.p("rate", ctx).value > 0, "rate")]   # values start in 2027

    results, problems = evaluate(Typo(), Gap())
    assert "TYPO" not in results
    assert ("instrument TYPO: eligibility() raised UnknownParameter: " in "\n".join(problems)
            and "no parameter 'rte'; did you mean 'rate'?" in "\n".join(problems))
    assert results["GAP"].eligible is None and "its values start on 2027-01-01" in results["GAP"].reasons[0].text
    assert not any("GAP" in p for p in problems)


@pytest.mark.parametrize("step, message", [
    (Step("file it", "2026-01-12"), "returned a malformed step 'file it': due must be a date (not a datetime or "
                                    "text) or None, got '2026-01-12'"),
    (Step("file it", dt.datetime(2026, 1, 12, 9, 0)), "due must be a date (not a datetime or text)"),
    (Step("file it", D(2026, 1, 12), earliest="soon"), "earliest must be a date"),
    (Step("file it", D(2026, 1, 12), legal="yes"), "legal must be True or False"),
    (Step("", D(2026, 1, 12)), "what must be a non-empty text"),
])
def test_a_malformed_step_is_the_plugins_failure(step, message):
    class BadStep(Fine):
        code = "BADSTEP"

        def steps(self, ctx):
            return [step]

    results, problems = evaluate(BadStep())
    assert "BADSTEP" not in results and results["FINE"].eligible is True
    assert any("instrument BADSTEP: steps() " in p and message in p for p in problems), problems


@pytest.mark.parametrize("check, message", [
    (Check("rule", 1, "met"), "ok must be True, False or None, got 1"),
    (Check("rule", True, None), "text must be a text"),
    (Check("rule", True, "met", missing="x"), "missing must be a list of texts"),
    (Check("rule", True, "met", date="2026-01-01"), "date must be a date"),
    (Check("rule", True, "met", params=[0.5]), "params must be a list of ParamValue"),
    (Check("rule", True, "met", source=3), "source must be a text, a Reference or None"),
])
def test_a_malformed_check_is_the_plugins_failure(check, message):
    class BadCheck(Fine):
        code = "BADCHECK"

        def eligibility(self, ctx):
            return [check]

    results, problems = evaluate(BadCheck())
    assert "BADCHECK" not in results
    assert any("instrument BADCHECK: eligibility() returned a malformed check" in p and message in p
               for p in problems), problems


def test_a_crash_while_building_the_result_is_the_plugins_failure():
    broken = ParamValue("rate", 0.5, "2020-01-01", HERE, D(2026, 1, 1))   # a valid_from given as text

    class Crashes(Fine):
        code = "CRASH"

        def eligibility(self, ctx):
            return [Check("rule", True, "met", params=[broken])]

    results, problems = evaluate(Crashes())
    assert "CRASH" not in results and "FINE" in results
    assert any(p.startswith("plugin 'matchcore_test_plugin', instrument CRASH: evaluate() gave answers that could "
                            "not be made into a result: AttributeError") for p in problems), problems


def test_the_json_of_a_result_has_the_documented_keys_in_order():
    results, _ = evaluate()
    doc = _plain(results["FINE"])
    assert list(doc) == [
        "code", "name", "plugin", "eligible", "reasons", "missing", "valid_from", "valid_until", "successor",
        "start", "on", "duration", "feasibility", "feasibility_reason", "abolished", "variant", "costs",
        "employer_cost_per_month_eur", "employer_cost_per_month_excl_vat_eur", "employer_cost_total_eur",
        "employer_cost_unknown", "net_cost_per_month_eur", "net_cost_basis", "net_cost_text", "net_premium_gain",
        "variants", "steps", "notes", "unverified"]
    assert list(doc["reasons"][0]) == ["rule", "ok", "text", "source", "parameter_date", "parameters",
                                       "unverified", "missing"]
    assert doc["start"] == "2026-02-02" and doc["reasons"][0]["parameter_date"] is None


# --- issue 10.5: plugins that cannot hang or corrupt a match -----------------------------------

def strict_json(value) -> str:
    """``--json`` as emitted, refusing NaN and infinity (bare NaN is not JSON)."""
    return json.dumps(_plain(value), allow_nan=False)


def test_a_hanging_instrument_is_reported_and_skipped_within_its_budget():
    class Hangs(Fine):
        code = "HANGS"

        def eligibility(self, ctx):
            time.sleep(10)
            return []

    hangs = Hangs()
    results, problems = evaluate(hangs, budget_s=0.2)
    assert "HANGS" not in results and results["FINE"].eligible is True
    assert ("plugin 'matchcore_test_plugin', instrument HANGS: evaluate() took longer than its time budget of "
            "0.2 s (MATCHCORE_PLUGIN_BUDGET_S); skipped") in problems
    # while the abandoned call still runs, the next pair does not wait for it again
    again, problems = evaluate(hangs, budget_s=0.2)
    assert "HANGS" not in again and any("instrument HANGS: evaluate() an earlier call" in p for p in problems)


def test_a_hanging_prepare_context_is_reported_and_its_facts_not_used():
    class SlowFacts:
        __name__ = "slow_facts"

        @hookimpl
        def prepare_context(self, context):
            context.facts["distance_km"] = 999.0
            time.sleep(10)

    problems: list = []
    pm = make_plugin_manager(entry_points=False, plugins=[SlowFacts()])
    evaluate_all(*records(), start=START, plugin_manager=pm, problems=problems, budget_s=0.2)
    assert [str(p) for p in problems] == [
        "plugin 'slow_facts': prepare_context() took longer than its time budget of 0.2 s "
        "(MATCHCORE_PLUGIN_BUDGET_S); its facts are not used; skipped"]


def test_the_budget_comes_from_the_environment_and_is_checked(monkeypatch):
    monkeypatch.setenv("MATCHCORE_PLUGIN_BUDGET_S", "0.5")
    assert plugin_budget_s() == 0.5 and plugin_budget_s(3) == 3.0
    monkeypatch.delenv("MATCHCORE_PLUGIN_BUDGET_S")
    assert plugin_budget_s() == 2.0
    for bad in ("soon", "nan", "inf", "0", "-1"):
        monkeypatch.setenv("MATCHCORE_PLUGIN_BUDGET_S", bad)
        with pytest.raises(MatchcoreError, match="MATCHCORE_PLUGIN_BUDGET_S must be a number of seconds"):
            plugin_budget_s()


@pytest.mark.parametrize("cost, message", [
    (Cost("fee", "employer", "x", math.nan, "month"), "amount_eur must be a finite number or None, got nan"),
    (Cost("fee", "employer", "x", math.inf, "month"), "amount_eur must be a finite number or None, got inf"),
    (Cost("fee", "employer", "x", 10.0, "month", vat_eur=math.nan), "vat_eur must be a finite number, got nan"),
    (Cost("premium", "VDAB", "employer", -1_000_000.0, "month"), "amount_eur -1,000,000.00 is beyond the plausible"),
    (Cost("premium", "VDAB", "employer", -100.0, "month"), "amount_eur is negative (-100.00) without a reason"),
    (Cost("fee", "employer", "x", 10.0, "month", from_week=-4), "from_week must be a number >= 0"),
])
def test_non_finite_huge_or_unexplained_negative_amounts_are_the_plugins_failure(cost, message):
    class Odd(Fine):
        code = "ODD"

        def costs(self, ctx, variant=None):
            return [cost]

    results, problems = evaluate(Odd())
    assert "ODD" not in results and results["FINE"].eligible is True
    assert any("instrument ODD: costs() returned a malformed cost item" in p and message in p for p in problems)
    strict_json(list(results.values()))


def test_a_negative_amount_with_a_reason_is_kept_and_the_json_stays_valid():
    class Refund(Fine):
        code = "REFUND"

        def costs(self, ctx, variant=None):
            return [Cost("fee", "employer", "partner", 100.0, "month"),
                    Cost("fee refunded", "employer", "partner", -40.0, "month", basis="credit note of the partner")]

    results, problems = evaluate(Refund())
    assert problems == [] and results["REFUND"].net_cost_per_month_eur == 60.0
    strict_json(list(results.values()))


@pytest.mark.parametrize("method, answer, message", [
    ("duration", Duration(max_weeks=math.inf), "max_weeks must be a number of weeks from 0 to 5200"),
    ("duration", Duration(extra={"days": [1.0, math.nan]}), "extra['days'][1] is nan, not a finite number"),
    ("net_cost", NetCost(math.nan, "x"), "net_cost() returned NetCost(amount_eur=nan"),
    ("net_cost", NetCost(-math.inf, "x"), "net_cost() returned NetCost(amount_eur=-inf"),
    ("practical_feasibility", ("easy", "why"), "expected (one of high, medium, low, a reason)"),
])
def test_non_finite_or_malformed_answers_of_other_methods_are_the_plugins_failure(method, answer, message):
    Odd = type("Odd", (Fine,), {"code": "ODD", method: lambda self, *args: answer})
    results, problems = evaluate(Odd())
    assert "ODD" not in results and any("instrument ODD" in p and message in p for p in problems), problems


def test_a_plugin_that_exits_does_not_end_the_command():
    class Exits(Fine):
        code = "EXITS"

        def eligibility(self, ctx):
            sys.exit(3)

    results, problems = evaluate(Exits())
    assert "EXITS" not in results and any("instrument EXITS: evaluate() raised SystemExit: 3" in p for p in problems)


def test_plugins_get_a_read_only_view_and_cannot_change_the_match():
    candidate, employer, function = records()
    seen = []

    class Mutates(Fine):
        code = "MUTATES"

        def eligibility(self, ctx):
            ctx.candidate.employment.status = "sec_employee"
            return []

    class Appends(Fine):
        code = "APPENDS"

        def eligibility(self, ctx):
            ctx.function.competences.append("x")
            return []

    class Digs(Fine):
        code = "DIGS"      # digs out the copy under its view: reported, and the next instrument gets a fresh one

        def eligibility(self, ctx):
            ctx.candidate._ReadOnly__target.employment.status = "sec_employee"
            ctx.employer._ReadOnly__target.functions.clear()
            return [Check("rule", True, "met")]

    class Looks(Fine):
        code = "LOOKS"     # evaluated after DIGS (by code): still sees the record as it is

        def eligibility(self, ctx):
            seen.append((ctx.candidate.employment.status, len(ctx.employer.functions),
                         isinstance(ctx.candidate, Candidate), type(ctx.function.competences)))
            return [Check("rule", True, "met")]

    results, problems = evaluate(Mutates(), Appends(), Digs(), Looks(), records=(candidate, employer, function))
    text = "\n".join(problems)
    assert "instrument MUTATES: eligibility() raised TypeError: Employment is read-only for plugins (tried to " \
           "set 'status')" in text
    assert "instrument APPENDS: eligibility() raised AttributeError: 'tuple' object has no attribute 'append'" in text
    assert "instrument DIGS: evaluate() changed the candidate it was given (records are read-only for plugins)" \
        in text and "DIGS" not in results
    assert results["LOOKS"].eligible is True and seen == [("jobseeker", 1, True, tuple)]
    assert candidate.employment.status == "jobseeker" and len(employer.functions) == 1


def test_nothing_a_plugin_is_given_leads_to_the_store(store):
    candidate, employer, function = records()
    store.upsert([employer, candidate])
    reached = []

    class Searches(Fine):
        code = "SEARCHES"

        def eligibility(self, ctx):
            reached.extend(_reachable(ctx))
            return [Check("rule", True, "met")]

    results, _ = evaluate(Searches(), records=(store.candidate("K-1"), *store.function("nec/f")))
    assert results["SEARCHES"].eligible is True and reached   # it did look around
    assert not [o for o in reached if isinstance(o, (Store, sqlite3.Connection))]


def _reachable(root, limit: int = 5000) -> list:
    """Every object reachable from ``root`` through attributes, items and read-only views."""
    seen, todo, out = set(), [root], []
    while todo and len(out) < limit:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, (str, bytes, int, float, type(None), dt.date)):
            continue
        seen.add(id(obj))
        out.append(obj)
        inner = getattr(obj, "_ReadOnly__target", None)
        if inner is not None:
            todo.append(inner)
        todo.extend(vars(obj).values() if hasattr(obj, "__dict__") else ())
        if isinstance(obj, (dict, MappingProxyType)):
            todo.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            todo.extend(obj)
    return out
