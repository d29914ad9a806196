"""A plugin that changes the copy under its read-only view is caught and reaches no other plugin,
whatever it digs into; the parameter files are found without resolving their paths each time
(_filesig), and texts and rates are memoised (i18n): each must still give what the slow way gave
(issue 16)."""
from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from babel import numbers

from matchcore import i18n
from matchcore.instruments import Check, evaluate_all, hookimpl, load_parameters
from matchcore.instruments.registry import make_plugin_manager

from tests.test_instruments_failures import Fine, records  # the same test records
from tests.test_instruments_turns import evaluate  # the same one-plugin run

START = dt.date(2026, 2, 2)


def _dig_dict(c):
    object.__setattr__(c.employment, "__dict__", {**c.employment.__dict__, "status": "sec_employee"})


def _dig_extra(c):
    object.__setattr__(c, "__pydantic_extra__", {"x": 1})


def _dig_class(c):
    class Other(type(c.employment)):
        pass
    object.__setattr__(c.employment, "__class__", Other)


@pytest.mark.parametrize("change", [
    lambda c: setattr(c.employment, "status", "sec_employee"),           # a field of a nested record
    lambda c: c.extra.update(x=1),                                        # a dict inside
    lambda c: c.competences.append(None),                                 # a list inside
    _dig_dict,                                                            # a record's dict replaced
    _dig_extra,                                                           # its extra slot set
    _dig_class,                                                           # its class swapped
], ids=["field", "dict", "list", "replaced-dict", "extra-slot", "class"])
def test_a_plugin_changing_its_copy_is_reported_and_the_next_one_sees_the_record(change):
    seen = []

    class Digs(Fine):
        code = "DIGS"

        def eligibility(self, ctx):
            change(ctx.candidate._ReadOnly__target)
            return [Check("rule", True, "met")]

    class Looks(Fine):
        code = "LOOKS"     # after DIGS (by code)

        def eligibility(self, ctx):
            c = ctx.candidate._ReadOnly__target
            seen.append((c.employment.status, dict(c.extra), len(c.competences), type(c.employment).__name__,
                         c.__pydantic_extra__))
            return [Check("rule", True, "met")]

    candidate = records()[0]
    results, problems = evaluate(Digs(), Looks())
    assert any("instrument DIGS: evaluate() changed the candidate it was given" in p for p in problems)
    assert "DIGS" not in results and results["LOOKS"].eligible is True
    assert seen == [(candidate.employment.status, {}, 0, "Employment", None)]


def test_a_change_made_by_prepare_context_is_found_and_the_instruments_get_fresh_copies():
    seen = []

    class Prepares:
        __name__ = "matchcore_copies_prepare"

        @hookimpl
        def prepare_context(self, context):
            context.employer._ReadOnly__target.functions.clear()

        @hookimpl
        def register_instruments(self):
            class Looks(Fine):
                code = "LOOKS"

                def eligibility(self, ctx):
                    seen.append(len(ctx.employer.functions))
                    return [Check("rule", True, "met")]
            return [Looks()]

    pm = make_plugin_manager(entry_points=False, plugins=[Prepares()])
    results = evaluate_all(*records(), start=START, plugin_manager=pm)
    assert seen == [1] and results[0].eligible is True


def test_parameter_files_are_read_again_when_changed_or_pointed_elsewhere(tmp_path):
    def write(path, value):
        path.write_text("instruments: {}\nreferences:\n  S-1: {title: t, seed: s}\nparameters:\n  rate:\n"
                        "    description: d\n    values:\n      2020-01-01: {value: %s, reference: S-1, "
                        "last_verified: 2026-01-01}\n" % value, encoding="utf-8")

    one, two, link = tmp_path / "one.yaml", tmp_path / "two.yaml", tmp_path / "link.yaml"
    write(one, 1)
    write(two, 2)
    link.symlink_to(one)
    day = dt.date(2026, 1, 1)
    assert load_parameters(link).get("rate", day).value == 1
    assert load_parameters(link).get("rate", day).value == 1      # the remembered way
    link.unlink()
    link.symlink_to(two)                                           # the same path, another file
    assert load_parameters(link).get("rate", day).value == 2
    write(two, 3)
    later = time.time() + 5
    os.utime(two, (later, later))                                  # the file rewritten
    assert load_parameters(link).get("rate", day).value == 3


def test_memoised_texts_follow_a_new_catalogue_and_give_local_texts_back_as_themselves(monkeypatch):
    from matchcore.instruments.params import LocalText

    with i18n.use_language("nl"):
        first = i18n._("not assessed")
        assert i18n._("not assessed") == first
        i18n.translations.cache_clear()                             # a new catalogue: asked again
        monkeypatch.setattr(i18n.Translations, "gettext", lambda self, m: "X" + m)
        try:
            assert i18n._("not assessed") == "Xnot assessed"
        finally:
            monkeypatch.undo()
            i18n.translations.cache_clear()
        assert i18n._("not assessed") == first
        own = LocalText({"en": "an untranslated text of a file", "nl": "x"})
        assert i18n._(own) is own


@pytest.mark.parametrize("value, digits", [(0.5, 0), (0.2507, 2), (1, 0), (0.0, 1), (float("nan"), 0)])
def test_memoised_rates_are_what_babel_writes(value, digits):
    for lang, loc in (("nl", "nl_BE"), ("en", "en_GB")):
        fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        expected = numbers.format_percent(value, format=fmt, locale=loc)
        assert i18n.format_percent(value, digits, lang=lang) == expected
        assert i18n.format_percent(value, digits, lang=lang) == expected


# Records handed over (give_records, the matcher's employers read for one query): the plugins'
# views wrap them, no copy; a change is still found, reported, and undone to the identity of parts.

def _dig_function_dict(e):
    object.__setattr__(e.functions[0], "__dict__", {**e.functions[0].__dict__, "title": "Other"})


@pytest.mark.parametrize("change, changed", [
    (lambda e: setattr(e, "name", "Other"), "employer"),                       # a field
    (lambda e: e.functions.clear(), "employer"),                               # a list emptied
    (lambda e: e.functions.append(e.functions[0]), "employer"),                # a list grown
    (lambda e: setattr(e.functions[0], "hours_per_week", 10), "employer"),     # the function, through the employer
    (_dig_function_dict, "employer"),                                          # its dict replaced
    (lambda e: setattr(e.location, "postcode", "1000"), "employer"),           # a nested record
], ids=["field", "clear", "append", "function-field", "function-dict", "nested"])
def test_handed_over_records_are_not_copied_and_a_change_is_reported_and_undone(change, changed):
    seen = []

    class Digs(Fine):
        code = "DIGS"

        def eligibility(self, ctx):
            seen.append(("digs", ctx.employer._ReadOnly__target, ctx.function._ReadOnly__target))
            change(ctx.employer._ReadOnly__target)
            return [Check("rule", True, "met")]

    class Looks(Fine):
        code = "LOOKS"     # after DIGS (by code)

        def eligibility(self, ctx):
            e = ctx.employer._ReadOnly__target
            seen.append((e.name, len(e.functions), e.functions[0].hours_per_week, e.functions[0].title,
                         e.location.postcode))
            return [Check("rule", True, "met")]

    candidate, employer, function = records()
    pristine = employer.model_copy(deep=True)
    parts = (employer.functions, employer.functions[0], employer.location, employer.__dict__)
    results, problems = evaluate(Digs(), Looks(), records_=(candidate, employer, function), give_records=True)
    assert seen[0][1] is employer and seen[0][2] is function        # the records themselves, no copy
    assert any(f"instrument DIGS: evaluate() changed the {changed} it was given" in p for p in problems)
    assert "DIGS" not in results and results["LOOKS"].eligible is True
    assert seen[1] == ("NEC", 1, 38, "F", "9000")                    # the next one saw the record as it was
    assert employer == pristine and employer.functions[0] is function
    assert all(a is b for a, b in zip(parts, (employer.functions, employer.functions[0], employer.location,
                                               employer.__dict__)))


def test_without_give_records_the_plugins_get_copies():
    seen = []

    class Looks(Fine):
        code = "LOOKS"

        def eligibility(self, ctx):
            seen.append(ctx.employer._ReadOnly__target)
            return [Check("rule", True, "met")]

    candidate, employer, function = records()
    evaluate(Looks(), records_=(candidate, employer, function))
    assert seen and seen[0] is not employer and seen[0] == employer


def test_a_plugin_left_running_on_handed_over_records_changes_nothing_the_next_ones_see():
    import threading
    release, seen = threading.Event(), []

    class Hangs(Fine):
        code = "A-HANGS"

        def eligibility(self, ctx):
            ctx.employer._ReadOnly__target.name = "changed in time"
            release.wait(10)
            return []

    class Looks(Fine):
        code = "LOOKS"

        def eligibility(self, ctx):
            seen.append((ctx.employer.name, ctx.employer._ReadOnly__target is employer))
            return [Check("rule", True, "met")]

    candidate, employer, function = records()
    try:
        results, problems = evaluate(Hangs(), Looks(), records_=(candidate, employer, function),
                                     budget_s=0.2, give_records=True)
    finally:
        release.set()
    assert "A-HANGS" not in results and results["LOOKS"].eligible is True
    assert seen == [("NEC", False)]          # undone, and a copy from then on
    assert any("A-HANGS" in p and "time budget" in p for p in problems)
