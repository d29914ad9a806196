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
