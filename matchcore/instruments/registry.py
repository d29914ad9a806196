"""The plugin manager: built-in and third-party instrument plugins, loaded the same way.

Every plugin, the built-in ones in ``plugins/`` (import package ``matchcore_plugins``) included,
is found through the ``matchcore`` entry-point group (as ``pm.load_setuptools_entrypoints`` finds them), then
checked with pluggy's own ``pm.check_pending()``; there is no second list of built-ins. What plugins
return is validated; a plugin that fails to load, misspells a hook, raises, or returns malformed
data is reported as a :class:`PluginProblem` naming the plugin, and skipped: the rest still works.
So are the mistakes pluggy itself passes over in silence: a function named like a hook but not
marked ``@hookimpl`` (never called), a ``hookwrapper`` / ``wrapper`` implementation (matchcore
calls each implementation on its own, so it would not wrap anything), and a second distribution
declaring an entry-point name already taken (only the first one on the path is loaded).

Examples
--------
>>> from matchcore.instruments.registry import get_registry
>>> sorted(get_registry().instruments)[:3]            # doctest: +SKIP
['BIO', 'BIS', 'BVS']
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib
import importlib.metadata
import logging
from dataclasses import dataclass, replace

import pluggy
from rapidfuzz.distance import OSA

from matchcore.errors import NotFound, closest
from matchcore.i18n import _
from matchcore.instruments import hookspecs
from matchcore.instruments.base import CODE_RE, Instrument
from matchcore.instruments.budget import plugin_budget_s, run_with_budget
from matchcore.instruments.hookspecs import hookimpl
from matchcore.instruments.types import COST_BASES, FEASIBILITY, Context, Variant, straight_line_km

__all__ = [
    "RESERVED_CODES",
    "PluginManager",
    "PluginProblem",
    "Registry",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
    "make_plugin_manager",
    "reset",
]

RESERVED_CODES = ("normal",)               # the normal-hire baseline's code beside the instruments

log = logging.getLogger("matchcore.instruments.registry")


@dataclass(frozen=True)
class PluginProblem:
    """One plugin failure: which plugin, in which hook (or evaluation), what went wrong."""

    plugin: str
    hook: str
    message: str
    instrument: str | None = None

    def __str__(self) -> str:
        if self.message.startswith("plugin "):
            return self.message
        # in the language in use (the warning a coach reads); the message itself names the plugin's bug
        if self.instrument:
            return _("plugin {plugin}, instrument {code}: {message}; skipped").format(
                plugin=repr(self.plugin), code=self.instrument, message=self.message)
        return _("plugin {plugin}: {message}; skipped").format(plugin=repr(self.plugin), message=self.message)


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering the problems met while loading plugins."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.problems: list[PluginProblem] = []
        self._entry_point_dists: list[tuple[object, importlib.metadata.Distribution]] = []

    def load_entry_point(self, ep: importlib.metadata.EntryPoint) -> bool:
        """What pluggy's ``load_setuptools_entrypoints(group, name=ep.name)`` does, for an entry
        point already found: load it, register it under its name, remember its distribution.
        False when that name is taken or blocked. (start-up: pluggy's method scans every installed
        distribution on each call, 18 scans for the built-ins, 60-100 ms of each CLI query.)"""
        if self.has_plugin(ep.name) or self.is_blocked(ep.name):
            return False
        plugin = ep.load()
        self.register(plugin, name=ep.name)
        self._entry_point_dists.append((plugin, ep.dist))
        return True

    def list_plugin_distinfo(self) -> list[tuple[object, object]]:
        """pluggy's (plugin, distribution) pairs, the entry points of :meth:`load_entry_point` included."""
        return super().list_plugin_distinfo() + list(self._entry_point_dists)


class DefaultFacts:
    """matchcore's own ``prepare_context``: runs last and fills only facts nobody else set."""

    @hookimpl(trylast=True)
    def prepare_context(self, context: Context) -> None:
        for key, value in (context.candidate.extra or {}).items():
            context.facts.setdefault(key, value)
        if context.facts.get("distance_km") is None:
            context.facts["distance_km"] = straight_line_km(context.candidate, context.employer)
            context.facts.setdefault("distance_source", "straight line between postcode centres")


def _plugin_label(pm: pluggy.PluginManager, plugin, name: str | None) -> str:
    label = getattr(plugin, "__name__", None) if isinstance(getattr(plugin, "__name__", None), str) else None
    return label or name or type(plugin).__name__


_SPECS = sorted(name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), f"{hookspecs.PROJECT}_spec"))


def _dist_name(ep, names: dict[int, str] | None = None) -> str:
    if ep.dist is None:
        return "?"
    if names is None:
        return ep.dist.metadata["name"]
    # start-up: reading a distribution's metadata parses its whole METADATA file (about 1 ms)
    key = id(ep.dist)
    if key not in names:
        names[key] = ep.dist.metadata["name"]
    return names[key]


def _load_entry_points(pm: PluginManager) -> None:
    """Every ``matchcore`` entry point through pluggy; problems and duplicate names reported."""
    # start-up: one scan of the installed distributions for all names (pluggy's
    # load_setuptools_entrypoints(name=...) scans them all again for each name)
    eps = importlib.metadata.entry_points(group=hookspecs.PROJECT)
    dist_names: dict[int, str] = {}
    # matchcore's own entry points first, so a third party cannot take a built-in's code
    own = {ep.name for ep in eps if _dist_name(ep, dist_names) == "matchcore"}
    names = sorted({ep.name for ep in eps}, key=lambda n: (n not in own, n))
    for name in names:
        # the first one on the path, the one pluggy would load
        ep = next(ep for ep in eps if ep.name == name)
        try:
            pm.load_entry_point(ep)
        except Exception as exc:  # an uninstallable plugin must not stop matchcore
            if pm.get_plugin(name) is not None:
                pm.unregister(name=name)
            pm.problems.append(PluginProblem(name, "load", f"could not be loaded: {type(exc).__name__}: {exc}"))
            continue
        declared = sorted({(_dist_name(ep, dist_names), ep.value) for ep in eps if ep.name == name})
        if len(declared) > 1:
            loaded = pm.get_plugin(name)
            first = next((f"{d.metadata['name']}" for p, d in pm.list_plugin_distinfo() if p is loaded), None)
            others = ", ".join(f"{d} ({v})" for d, v in declared if d != first)
            pm.problems.append(PluginProblem(
                name, "load", f"plugin {name!r}: entry point name declared by several distributions; "
                f"loaded the one of {first or 'the first on the path'}, skipped {others}"))


def make_plugin_manager(*, entry_points: bool = True, plugins=()) -> PluginManager:
    """A fresh plugin manager: the defaults, the entry-point plugins, and ``plugins`` given here.

    Parameters
    ----------
    entry_points : load the ``matchcore`` entry-point group (the built-ins and third parties).
    plugins : extra plugin objects or modules to register (tests, embedding applications).
    """
    pm = PluginManager()
    pm.register(DefaultFacts(), name="matchcore.defaults")
    if entry_points:
        _load_entry_points(pm)
    for plugin in plugins:
        _register(pm, plugin, getattr(plugin, "__name__", None) or f"{type(plugin).__name__}-{id(plugin):x}")
    for _attempt in range(100):  # pluggy's own check: hooks no spec declares (a misspelt hook name)
        try:
            pm.check_pending()
            break
        except pluggy.PluginValidationError as exc:
            label = _plugin_label(pm, exc.plugin, pm.get_name(exc.plugin))
            pm.problems.append(PluginProblem(label, "check_pending", str(exc)))
            pm.unregister(exc.plugin)
    _check_unmarked(pm)
    return pm


def _check_unmarked(pm: PluginManager) -> None:
    """Report functions named like a hook but not marked ``@hookimpl``: pluggy never calls them."""
    for name, plugin in pm.list_name_plugin():
        marked = {spec for spec in _SPECS if any(impl.plugin is plugin for impl in getattr(pm.hook, spec).get_hookimpls())}
        for spec in _SPECS:
            if callable(getattr(plugin, spec, None)) and spec not in marked:
                pm.problems.append(PluginProblem(_plugin_label(pm, plugin, name), "register",
                                                 f"{spec}() is not marked @hookimpl, so it is never called"))


def _register(pm: PluginManager, plugin, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except Exception as exc:
        if pm.get_plugin(name) is not None:
            pm.unregister(name=name)
        pm.problems.append(PluginProblem(name, "register", f"could not be registered: {exc}"))


class Registry:
    """The instruments registered by the plugins of one manager, validated, by code."""

    def __init__(self, pm: PluginManager) -> None:
        self.pm = pm
        self.problems: list[PluginProblem] = []
        self.instruments: dict[str, tuple[Instrument, str]] = {}
        self._reported: set[str] = set()
        self.distributions = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
        for problem in pm.problems:
            self._log(problem)
            self.problems.append(problem)
        self._report_wrappers()
        self._collect()
        self.by_upper = {code.upper(): code for code in self.instruments}

    def label(self, impl) -> str:
        return _plugin_label(self.pm, impl.plugin, impl.plugin_name)

    def distribution(self, plugin_label: str) -> str | None:
        for plugin_name, plugin in self.pm.list_name_plugin():
            if _plugin_label(self.pm, plugin, plugin_name) == plugin_label:
                dist = self.distributions.get(id(plugin))
                if dist is not None:
                    return f"{dist.metadata['name']} {dist.version}"
        return None

    def report(self, plugin: str, hook: str, message: str, instrument: str | None = None) -> PluginProblem:
        problem = PluginProblem(plugin, hook, message, instrument)
        self._log(problem)
        return problem

    def _log(self, problem: PluginProblem) -> None:
        if str(problem) not in self._reported:
            self._reported.add(str(problem))
            log.warning("%s", problem)

    def _collect(self) -> None:
        # In registration order: the first plugin to register a code keeps it.
        order = {id(plugin): i for i, (_, plugin) in enumerate(self.pm.list_name_plugin())}
        impls = sorted(self.pm.hook.register_instruments.get_hookimpls(), key=lambda im: order.get(id(im.plugin), 0))
        for impl in impls:
            label = self.label(impl)
            if self._wrapper(impl):
                continue
            try:
                result = impl.function()
            except Exception as exc:
                self.problems.append(self.report(label, "register_instruments",
                                                 f"register_instruments() raised {type(exc).__name__}: {exc}"))
                continue
            if result is None:
                continue
            if not isinstance(result, (list, tuple)):
                self.problems.append(self.report(label, "register_instruments",
                                                 f"register_instruments() returned {type(result).__name__}, "
                                                 "expected a list of Instrument objects"))
                continue
            for obj in result:
                problem = _instrument_problem(obj)
                if problem is None and obj.code in self.instruments:
                    problem = f"instrument code {obj.code!r} is already registered by plugin " \
                              f"{self.instruments[obj.code][1]!r}"
                if problem is None and obj.code.upper() in {c.upper() for c in self.instruments}:
                    problem = f"instrument code {obj.code!r} differs only in case from a registered one"
                if problem:
                    self.problems.append(self.report(label, "register_instruments",
                                                     f"register_instruments() returned {problem}",
                                                     getattr(obj, "code", None) if isinstance(obj, Instrument) else None))
                    continue
                self.instruments[obj.code] = (obj, label)

    @staticmethod
    def _wrapper(impl) -> bool:
        return bool(impl.hookwrapper or getattr(impl, "wrapper", False))

    def _report_wrappers(self) -> None:
        """A ``hookwrapper`` / ``wrapper`` implementation is reported and skipped."""
        for hook in _SPECS:
            for impl in getattr(self.pm.hook, hook).get_hookimpls():
                if self._wrapper(impl):
                    self.problems.append(self.report(
                        self.label(impl), hook, f"{hook}() is a hookwrapper; matchcore calls each "
                        "implementation on its own, so wrappers are not supported"))

    def prepare(self, ctx: Context, found: list, budget_s: float | None = None) -> bool:
        """Run every ``prepare_context`` implementation on ``ctx``, each on its own and under the
        time budget, on a copy whose facts replace ``ctx.facts`` only when it ends in time.

        True when one may still be running (over its budget, or an earlier overrun of it not
        ended): it holds the views of ``ctx``'s records."""
        budget = plugin_budget_s(budget_s)
        left_running = False
        for impl in reversed(self.pm.hook.prepare_context.get_hookimpls()):
            if self._wrapper(impl):
                continue
            trial = replace(ctx, facts=dict(ctx.facts))
            kwargs = {name: trial for name in impl.argnames if name == "context"}
            try:
                if isinstance(impl.plugin, DefaultFacts):
                    impl.function(**kwargs)   # matchcore's own: no thread needed
                else:
                    run_with_budget(("prepare_context", impl.plugin), budget,
                                    functools.partial(impl.function, **kwargs))
            except TimeoutError as exc:
                found.append(self.report(self.label(impl), "prepare_context", f"prepare_context() {exc}; its facts "
                                         "are not used"))
                left_running = True
                continue
            except Exception as exc:
                found.append(self.report(self.label(impl), "prepare_context",
                                         f"prepare_context() raised {type(exc).__name__}: {exc}"))
                continue
            ctx.facts = trial.facts
        return left_running

    def lookup(self, code: str) -> Instrument:
        """The instrument with this code (any case); NotFound with a suggestion otherwise."""
        key = self.by_upper.get(str(code).upper())
        if key is None:
            # OSA: a swapped pair of letters counts as one edit
            hit = closest(str(code).upper(), {c: c.upper() for c in self.instruments},
                          scorer=OSA.normalized_similarity, cutoff=0.5)
            raise NotFound("instrument", str(code), hit)
        return self.instruments[key][0]

    def plugin_of(self, code: str) -> str:
        return self.instruments[self.lookup(code).code][1]


def _instrument_problem(obj) -> str | None:
    """Why ``obj`` is not a usable instrument, or None."""
    if not isinstance(obj, Instrument):
        return f"{obj!r} ({type(obj).__name__}) in its list; expected an Instrument (a subclass of " \
               "matchcore.instruments.base.Instrument)"
    code = obj.code
    if not isinstance(code, str) or not CODE_RE.match(code):
        return f"an instrument with code {code!r}; a code is a letter then letters, digits, '-' or '_' (at most 40)"
    if code.casefold() in RESERVED_CODES:
        return f"an instrument with code {code!r}, which is reserved for the normal-hire baseline"
    if obj.feasibility not in FEASIBILITY or not isinstance(obj.feasibility_reason, str) \
            or not obj.feasibility_reason.strip():
        return (f"instrument {code} with feasibility {obj.feasibility!r} / {obj.feasibility_reason!r}; expected "
                f"one of {', '.join(FEASIBILITY)} and a reason")
    if obj.cost_basis is not None and obj.cost_basis not in COST_BASES:
        return f"instrument {code} with cost_basis {obj.cost_basis!r}; expected {' or '.join(COST_BASES)} or None"
    for attr in ("name", "summary"):
        if not isinstance(getattr(obj, attr), str) or not getattr(obj, attr).strip():
            return f"instrument {code} without a {attr} (set it on the class or in the parameter file)"
    for attr in ("valid_from", "valid_until"):
        value = getattr(obj, attr)
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            return f"instrument {code} with {attr} {value!r}; expected a date or None"
    for attr in ("successor", "predecessor"):
        if getattr(obj, attr) is not None and not isinstance(getattr(obj, attr), str):
            return f"instrument {code} with {attr} {getattr(obj, attr)!r}; expected an instrument code or None"
    keys = [v.key for v in obj.variants if isinstance(v, Variant)]
    if len(keys) != len(obj.variants) or len(set(keys)) != len(keys):
        return f"instrument {code} with malformed variants; expected Variant objects with distinct keys"
    return None


_DEFAULT: dict[str, object] = {}


def get_plugin_manager() -> PluginManager:
    """The process-wide plugin manager (created on first use)."""
    if "pm" not in _DEFAULT:
        _DEFAULT["pm"] = make_plugin_manager()
    return _DEFAULT["pm"]


def get_registry(pm: PluginManager | None = None) -> Registry:
    """The validated instruments of ``pm`` (default: the process-wide manager), cached."""
    if pm is None:
        if "registry" not in _DEFAULT:
            _DEFAULT["registry"] = Registry(get_plugin_manager())
        return _DEFAULT["registry"]
    registry = getattr(pm, "_matchcore_registry", None)
    if registry is None:
        registry = Registry(pm)
        pm._matchcore_registry = registry
    return registry


def reset() -> None:
    """Forget the process-wide manager and registry (after installing or removing a plugin)."""
    importlib.invalidate_caches()
    _DEFAULT.clear()
