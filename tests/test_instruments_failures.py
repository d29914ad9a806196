"""Silent failures closed: each mistake of a plugin is refused or reported, never taken for "eligible"."""
from __future__ import annotations

import datetime as dt

import pytest

from matchcore.cli.instruments import _plain
from matchcore.errors import PluginError
from matchcore.instruments import Check, Instrument, ParamValue, Reference, Step, evaluate_all, hookimpl
from matchcore.instruments.registry import make_plugin_manager
from matchcore.model import Candidate, Employer

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


def evaluate(*instruments, **kw):
    """(results by code, problem texts) of these instruments beside a well-behaved one."""
    class P:
        __name__ = "matchcore_test_plugin"

        @hookimpl
        def register_instruments(self):
            return [Fine(), *instruments]

    problems: list = []
    pm = make_plugin_manager(entry_points=False, plugins=[P()])
    results = evaluate_all(*records(), start=START, plugin_manager=pm, problems=problems, **kw)
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
        "start", "on", "duration", "variant", "costs", "employer_cost_per_month_eur",
        "employer_cost_per_month_excl_vat_eur", "employer_cost_total_eur", "employer_cost_unknown", "variants",
        "steps", "notes", "unverified"]
    assert list(doc["reasons"][0]) == ["rule", "ok", "text", "source", "parameter_date", "parameters",
                                       "unverified", "missing"]
    assert doc["start"] == "2026-02-02" and doc["reasons"][0]["parameter_date"] is None
