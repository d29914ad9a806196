"""The plugin manager: entry points, pluggy's checks, broken plugins reported and skipped, docs."""
from __future__ import annotations

import datetime as dt
import importlib.metadata
import inspect
import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchcore.cli.root import main
from matchcore.instruments import Check, Cost, Instrument, Step, evaluate_all, hookimpl, hookspecs
from matchcore.instruments import registry as plugins
from matchcore.instruments.registry import get_registry, make_plugin_manager
from matchcore.model import Candidate, Employer

ROOT = Path(__file__).resolve().parent.parent
START = dt.date(2026, 2, 2)
# The built-ins are the entry points pyproject.toml declares: there is no other list of them.
BUILTIN_PLUGINS = tuple(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                        ["project"]["entry-points"]["matchcore"].values())


def records():
    employer = Employer.model_validate({
        "id": "nec", "name": "NEC", "sector": "horeca", "joint_committee": "302", "location": {"postcode": "9000"},
        "functions": [{"id": "f", "title": "F", "hours_per_week": 38, "hourly_wage_eur": 14.5}]})
    candidate = Candidate.model_validate({"id": "K-1", "home": {"postcode": "9000"},
                                          "employment": {"status": "jobseeker"}})
    return candidate, employer, employer.functions[0]


class Good(Instrument):
    code = "GOOD"
    name = "good"
    summary = "Works."


class RaisesOnEligibility(Instrument):
    code = "BROKEN"
    name = "broken"
    summary = "Divides by zero."

    def eligibility(self, ctx):
        return [Check("x", 1 / 0, "never")]


class MalformedCosts(Instrument):
    code = "BADCOST"
    name = "bad cost"
    summary = "A cost per year."

    def costs(self, ctx):
        return [Cost("fee", "employer", "x", 10.0, "year")]


class DictEligibility(Instrument):
    code = "BADELIG"
    name = "bad eligibility"
    summary = "Returns a dict."

    def eligibility(self, ctx):
        return {"eligible": True}


class TextDue(Instrument):
    code = "TEXTDUE"
    name = "text due"
    summary = "A due date given as text."

    def eligibility(self, ctx):
        return [Check("x", True, "met")]

    def steps(self, ctx):
        return [Step("file the plan", "2026-01-12")]


class RaisingRegistration:
    """A plugin whose register_instruments raises."""

    __name__ = "matchcore_raises"

    @hookimpl
    def register_instruments(self):
        raise RuntimeError("parameter file missing")


class MalformedRegistration:
    __name__ = "matchcore_malformed"

    @hookimpl
    def register_instruments(self):
        return "BIS"


class MixedRegistration:
    __name__ = "matchcore_mixed"

    @hookimpl
    def register_instruments(self):
        return [Good(), object(), RaisesOnEligibility(), MalformedCosts(), DictEligibility(), TextDue()]


class DuplicateCode:
    __name__ = "matchcore_duplicate"

    @hookimpl
    def register_instruments(self):
        class AnotherBIS(Good):
            code = "BIS"
        return [AnotherBIS()]


class MisspeltHook:
    __name__ = "matchcore_misspelt"

    @hookimpl
    def register_instrument(self):  # no such hook: pluggy's check_pending() catches it
        return [Good()]


class WrongArgument:
    __name__ = "matchcore_wrongarg"

    @hookimpl
    def prepare_context(self, ctx):  # the spec's argument is `context`
        pass


class RaisingPrepare:
    __name__ = "matchcore_prepare_raises"

    @hookimpl
    def prepare_context(self, context):
        raise KeyError("route planner down")


class UnmarkedHook:
    __name__ = "matchcore_unmarked"

    def register_instruments(self):  # no @hookimpl: pluggy never calls it, matchcore says so
        return [Good()]


class Wrapper:
    __name__ = "matchcore_wrapper"
    calls: list = []

    @hookimpl(hookwrapper=True)
    def prepare_context(self, context):  # matchcore calls each implementation on its own: no wrapping
        Wrapper.calls.append(context)
        yield


BROKEN = [RaisingRegistration(), MalformedRegistration(), MixedRegistration(), DuplicateCode(), MisspeltHook(),
          WrongArgument(), RaisingPrepare(), UnmarkedHook(), Wrapper()]


@pytest.fixture(scope="module")
def broken_pm():
    return make_plugin_manager(plugins=BROKEN)


def test_builtins_are_registered_through_entry_points():
    eps = {ep.value: ep for ep in importlib.metadata.entry_points(group="matchcore")
           if ep.dist is not None and ep.dist.metadata["name"] == "matchcore"}
    assert set(BUILTIN_PLUGINS) <= set(eps), set(BUILTIN_PLUGINS) - set(eps)
    pm = make_plugin_manager()   # entry points only: there is no fallback list
    for modname in BUILTIN_PLUGINS:
        name = eps[modname].name
        assert pm.get_plugin(name) is importlib.import_module(modname)
    assert {dist.metadata["name"] for _, dist in pm.list_plugin_distinfo()} >= {"matchcore"}


def test_every_plugin_module_in_the_folder_is_a_builtin():
    modules = {f"matchcore_plugins.{p.stem}" for p in (ROOT / "plugins").glob("*.py")
               if not p.stem.startswith("_")}
    assert modules == set(BUILTIN_PLUGINS)


def test_registry_of_the_default_manager_has_no_problems():
    registry = get_registry()
    assert registry.problems == []
    assert registry.plugin_of("bis") == "matchcore_plugins.bis"


def _problems(pm) -> list[str]:
    return [str(p) for p in get_registry(pm).problems]


@pytest.mark.parametrize("needle", [
    "plugin 'matchcore_raises': register_instruments() raised RuntimeError: parameter file missing; skipped",
    "plugin 'matchcore_malformed': register_instruments() returned str, expected a list of Instrument objects",
    "plugin 'matchcore_mixed': register_instruments() returned <object object",
    "plugin 'matchcore_duplicate', instrument BIS: register_instruments() returned instrument code 'BIS' is "
    "already registered by plugin 'matchcore_plugins.bis'",
    "plugin 'matchcore_misspelt': unknown hook 'register_instrument'",
    "plugin 'matchcore_wrongarg': could not be registered",
    "plugin 'matchcore_unmarked': register_instruments() is not marked @hookimpl, so it is never called; skipped",
    "plugin 'matchcore_wrapper': prepare_context() is a hookwrapper; matchcore calls each implementation on its "
    "own, so wrappers are not supported; skipped",
])
def test_loading_problems_name_the_plugin(broken_pm, needle):
    assert any(needle in p for p in _problems(broken_pm)), _problems(broken_pm)


def test_broken_plugins_are_skipped_and_the_rest_still_evaluates(broken_pm):
    registry = get_registry(broken_pm)
    assert broken_pm.get_plugin("matchcore_misspelt") is None          # unregistered after check_pending
    assert "GOOD" in registry.instruments and registry.plugin_of("BIS") == "matchcore_plugins.bis"
    problems: list = []
    results = evaluate_all(*records(), start=START, plugin_manager=broken_pm, problems=problems)
    codes = {r.code for r in results}
    assert {"GOOD", "BIS", "IBO", "flexijob"} <= codes
    assert not codes & {"BROKEN", "BADCOST", "BADELIG", "TEXTDUE"}
    text = "\n".join(str(p) for p in problems)
    assert ("plugin 'matchcore_mixed', instrument BROKEN: eligibility() raised ZeroDivisionError: division by "
            "zero; instrument skipped") in text
    assert "instrument BADCOST: costs() returned a malformed cost item 'fee': per must be one of" in text
    assert "instrument BADELIG: eligibility() returned dict, expected a list of Check" in text
    assert "plugin 'matchcore_prepare_raises': prepare_context() raised KeyError" in text


def test_a_failure_is_logged_once_however_often_it_happens(caplog):
    pm = make_plugin_manager(entry_points=False, plugins=[MixedRegistration()])
    with caplog.at_level("WARNING", logger="matchcore.instruments.registry"):
        for _ in range(3):
            problems: list = []
            evaluate_all(*records(), start=START, plugin_manager=pm, problems=problems)
            assert any("instrument BROKEN" in str(p) for p in problems)   # reported to every caller
    broken_lines = [r for r in caplog.records if "instrument BROKEN" in r.getMessage()]
    assert len(broken_lines) == 1


def test_entry_point_that_cannot_be_imported_is_reported(tmp_path, monkeypatch):
    dist = tmp_path / "matchcore_ghost-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: matchcore-ghost\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[matchcore]\nghost = matchcore_ghost_missing_module\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    pm = make_plugin_manager()
    problems = [str(p) for p in pm.problems]
    assert any(p.startswith("plugin 'ghost': could not be loaded: ModuleNotFoundError") for p in problems), problems
    assert "BIS" in get_registry(pm).instruments


def test_a_hookwrapper_is_not_called(broken_pm):
    [bis] = evaluate_all(*records(), start=START, codes=["BIS"], plugin_manager=broken_pm)
    assert bis.eligible is True and Wrapper.calls == []   # skipped; the evaluation went on


def test_two_distributions_with_one_entry_point_name_are_reported(tmp_path, monkeypatch):
    for twin in ("a", "b"):
        dist = tmp_path / f"matchcore_twin_{twin}-0.1.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: matchcore-twin-{twin}\nVersion: 0.1\n")
        (dist / "entry_points.txt").write_text(f"[matchcore]\ntwin = matchcore_twin_{twin}\n")
        (tmp_path / f"matchcore_twin_{twin}.py").write_text(
            "from matchcore.instruments import hookimpl\n\n\n@hookimpl\ndef register_instruments():\n"
            "    return []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    pm = make_plugin_manager()
    problems = [str(p) for p in pm.problems]
    loaded = pm.get_plugin("twin").__name__
    skipped = "b" if loaded.endswith("_a") else "a"
    assert any(p.startswith("plugin 'twin': entry point name declared by several distributions; loaded the one "
                            f"of matchcore-twin-{loaded[-1]}, skipped matchcore-twin-{skipped} "
                            f"(matchcore_twin_{skipped})") for p in problems), problems
    assert "BIS" in get_registry(pm).instruments


def test_cli_check_warns_about_a_broken_plugin_and_completes(broken_pm, store, monkeypatch):
    candidate, employer, _ = records()
    store.upsert([employer, candidate])
    monkeypatch.setitem(plugins._DEFAULT, "registry", get_registry(broken_pm))
    result = CliRunner().invoke(main, ["--db", str(store.path), "instruments", "check", "--candidate", "K-1",
                                       "--function", "nec/f", "--start", "2026-02-02", "--json"], obj={})
    assert result.exit_code == 0, result.output
    codes = {r["code"] for r in json.loads(result.stdout)}
    assert {"GOOD", "BIS"} <= codes and not codes & {"BROKEN", "TEXTDUE"}
    assert "warning: plugin 'matchcore_mixed', instrument BROKEN: eligibility() raised ZeroDivisionError" in result.stderr
    assert ("warning: plugin 'matchcore_mixed', instrument TEXTDUE: steps() returned a malformed step 'file the "
            "plan': due must be a date") in result.stderr   # a due date as text no longer crashes the command
    assert "warning: plugin 'matchcore_raises'" in result.stderr


# --- the hooks are the contract: documented (with their exact signature) and exercised ----------

def _hookspecs():
    return [(name, fn) for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
            if hasattr(fn, "matchcore_spec")]


def _signature(fn) -> str:
    params = ", ".join(f"{n}: {a}" for n, a in fn.__annotations__.items() if n != "return")
    return f"{fn.__name__}({params}) -> {fn.__annotations__['return']}"


def test_hookspecs_found():
    assert [name for name, _ in _hookspecs()] == ["prepare_context", "register_instruments"]


@pytest.mark.parametrize("name, fn", _hookspecs())
def test_every_hook_is_documented_with_its_exact_signature(name, fn):
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert re.search(r"^### `" + re.escape(_signature(fn)) + "`$", docs, re.M), \
        f"docs/plugins.md has no heading '### `{_signature(fn)}`'"
    assert fn.__doc__ and ":return:" in fn.__doc__, f"hookspec {name} needs a docstring saying what to return"


@pytest.mark.parametrize("name, fn", _hookspecs())
def test_every_hook_is_exercised_by_a_test(name, fn):
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")
                      if p.name != "test_plugins.py")
    assert f"def {name}(" in sources, f"no test implements the hook {name}"
