"""Employment instruments: the base class plugins subclass, the evaluation context, and ``evaluate_all``.

An instrument (BIS, IBO, flexijob, ...) is an object registered by a plugin through the
``register_instruments`` hook. It reads its amounts and limits from a dated parameter file
(:mod:`matchcore.instruments.params`) and answers, for one :class:`Context` (candidate, employer, function,
planned start, evaluation date): may this candidate start here with it (``eligibility``), what
does it cost whom (``costs``), how long may it last (``duration``), and what has to happen by when
(``steps``). :func:`evaluate_all` turns the answers of every registered instrument into the
``instruments check`` JSON shape of FORMATS.md.

Dates. The rules and parameter values applied are those in force on the planned ``start`` (the
law that governs the placement); ``on`` is the day the question is asked: ``start`` defaults to
``on`` + 42 days, and steps due before ``on`` are flagged as overdue.

When the logic itself changes on a date, write a new dated formula beside the old one instead
of an ``if`` on the date (the OpenFisca way): ``eligibility_2017_01_01`` and
``eligibility_2023_01_01`` on one class; the latest one on or before the start date applies.

The context and the answers' data classes live in :mod:`matchcore.instruments.types`, the
evaluation of one instrument in :mod:`matchcore.instruments.evaluate`; import them from here.
"""
from __future__ import annotations

import datetime as dt
import inspect
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from matchcore.instruments.evaluate import (
    InstrumentFailed,
    evaluate,
    summarise_costs,  # noqa: F401  (re-exported)
)
from matchcore.instruments.types import (
    FULL_TIME_HOURS,
    PERIODS,
    WEEKS_PER_MONTH,
    Check,
    Context,
    Cost,
    Duration,
    Note,
    Step,
    Variant,
    money,
    straight_line_km,  # noqa: F401  (re-exported: matchcore.instruments.registry uses it)
)
from matchcore.errors import ParameterError
from matchcore.instruments.params import (
    ParameterFile,
    ParamValue,
    Reference,
    load_parameters,
    shared_parameters,
)

__all__ = [
    "DEFAULT_LEAD_DAYS",
    "FULL_TIME_HOURS",
    "PERIODS",
    "Check",
    "Context",
    "Cost",
    "Duration",
    "Instrument",
    "InstrumentFailed",
    "Note",
    "Step",
    "Variant",
    "brief",
    "evaluate",
    "evaluate_all",
    "money",
]

DEFAULT_LEAD_DAYS = 42          # default planned start: six weeks after the evaluation date
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
_FORMULA_RE = re.compile(r"^(eligibility|costs|duration|steps|notes)_(\d{4})_(\d{2})_(\d{2})$")


# --- the base class ----------------------------------------------------------------------

class Instrument:
    """Base class of every instrument; subclass it in a plugin and return instances from
    ``register_instruments``.

    Set ``code`` and ``parameters_file`` (a YAML file beside the module); ``name``, ``summary``,
    ``source``, ``valid_from``, ``valid_until``, ``predecessor`` and ``successor`` are read from
    the file's ``instruments.<code>`` entry unless the class sets them. Override
    ``eligibility``, ``costs``, ``duration``, ``steps`` and ``notes`` (or write dated formulas
    ``eligibility_YYYY_MM_DD`` ...). Read values with ``self.p(name, ctx)``.
    """

    code: str = ""
    parameters_file: str | None = None
    name: str | None = None
    summary: str | None = None
    source: Reference | str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    predecessor: str | None = None
    successor: str | None = None
    validity_reference: Reference | None = None
    validity_unverified: bool = False
    variants: tuple[Variant, ...] = ()

    def __init__(self) -> None:
        self.parameters: ParameterFile | None = None
        if self.parameters_file:
            self.parameters = load_parameters(self._parameters_path())
            meta = self.parameters.instruments.get(self.code)
            if meta is not None:
                for attr in ("name", "summary", "source", "valid_from", "valid_until", "predecessor",
                             "successor", "validity_reference"):
                    if getattr(self, attr) is None:
                        setattr(self, attr, getattr(meta, attr))
                self.validity_unverified = self.validity_unverified or meta.validity_unverified
                self.meta_notes = meta.notes
        self.meta_notes = getattr(self, "meta_notes", ())

    def _parameters_path(self) -> Path:
        path = Path(self.parameters_file)
        if path.is_absolute():
            return path
        module = sys.modules[type(self).__module__]
        return Path(module.__file__).resolve().parent / path

    # values and references ---------------------------------------------------------------
    def p(self, name: str, ctx: Context | dt.date) -> ParamValue:
        """The value of this instrument's parameter ``name`` on the context's start date."""
        when = ctx.start if isinstance(ctx, Context) else ctx
        if self.parameters is None:
            raise ParameterError(f"instrument {self.code} has no parameter file (asked for {name!r})")
        return self.parameters.get(name, when)

    @staticmethod
    def shared(name: str, ctx: Context | dt.date) -> ParamValue:
        """A shared value (GGMMI, VAT, ...) on the context's start date."""
        return shared_parameters().get(name, ctx.start if isinstance(ctx, Context) else ctx)

    def ref(self, key: str) -> Reference:
        if self.parameters is not None and key in self.parameters.references:
            return self.parameters.references[key]
        return shared_parameters().reference(key)

    def exists_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until)

    # what a plugin overrides -------------------------------------------------------------
    def eligibility(self, ctx: Context) -> list[Check]:
        """The rules applied to this context, one Check each. Default: the dated formula."""
        return self._formula("eligibility", ctx, default=[])

    def costs(self, ctx: Context, variant: str | None = None) -> list[Cost]:
        """Itemised costs (of ``variant`` when the instrument declares variants)."""
        return self._formula("costs", ctx, variant, default=[])

    def duration(self, ctx: Context) -> Duration:
        return self._formula("duration", ctx, default=Duration())

    def steps(self, ctx: Context) -> list[Step]:
        return self._formula("steps", ctx, default=[])

    def notes(self, ctx: Context) -> list[Note]:
        return self._formula("notes", ctx, default=[])

    def days_per_month(self, ctx: Context) -> float:
        """Working days a month that per-day cost items count (default: the function's days a week)."""
        return ctx.days_per_week * WEEKS_PER_MONTH

    def select_variant(self, ctx: Context) -> tuple[str, Note]:
        """Which variant applies to this context, and why. Default: the first one."""
        first = self.variants[0]
        return first.key, Note(f"variant {first.key!r} ({first.label}) is the default")

    # dated formulas ----------------------------------------------------------------------
    def _formula(self, base: str, ctx: Context, *args, default):
        formulas = []
        for attr in dir(type(self)):
            m = _FORMULA_RE.match(attr)
            if m and m.group(1) == base:
                formulas.append((dt.date(int(m.group(2)), int(m.group(3)), int(m.group(4))), attr))
        if not formulas:
            return default
        formulas.sort()
        chosen = [attr for day, attr in formulas if day <= ctx.start]
        if not chosen:
            raise ParameterError(
                f"instrument {self.code}: no {base} rule for {ctx.start.isoformat()}; its rules start "
                f"on {formulas[0][0].isoformat()}")
        method = getattr(self, chosen[-1])
        if base == "costs" and len(inspect.signature(method).parameters) < 2:
            return method(ctx)
        return method(ctx, *args)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


def evaluate_all(candidate, employer, function, *, start: dt.date | None = None, on: dt.date | None = None,
                 duration_weeks: float | None = None, codes: Iterable[str] | None = None,
                 variants: dict[str, str] | None = None, problems: list | None = None,
                 plugin_manager=None) -> list[dict]:
    """Evaluate every registered instrument for one candidate at one function.

    Parameters
    ----------
    candidate, employer, function : matchcore.model records
    start : planned start; default ``on`` + 42 days. Rules in force on ``start`` apply.
    on : evaluation date; default today. Steps due before it are flagged overdue.
    duration_weeks : planned duration; gives ``employer_cost_total_eur`` and checks the limits.
    codes : only these instrument codes (case-insensitive); default all.
    variants : chosen variant per code, e.g. ``{"BIS": "booster-nonprofit"}``.
    problems : a list that receives a :class:`matchcore.instruments.registry.PluginProblem` per plugin failure.
    plugin_manager : a manager from :func:`matchcore.instruments.registry.make_plugin_manager`; default the
        process-wide one (cached, as are the parsed parameter files).

    Returns
    -------
    list of dict, one per instrument, sorted by code (case-insensitively): the FORMATS.md
    ``instruments check`` shape. An instrument that fails is left out and reported.
    """
    from matchcore.instruments.registry import get_registry

    on = on or dt.date.today()
    start = start or on + dt.timedelta(days=DEFAULT_LEAD_DAYS)
    registry = get_registry(plugin_manager)
    ctx = Context(candidate, employer, function, start=start, on=on, duration_weeks=duration_weeks,
                  variants={registry.by_upper.get(k.upper(), k): v for k, v in (variants or {}).items()})
    found: list = []
    registry.prepare(ctx, found)
    wanted = None if codes is None else {registry.lookup(c).code for c in codes}
    results = []
    for code, (inst, plugin) in sorted(registry.instruments.items(), key=lambda kv: (kv[0].casefold(), kv[0])):
        if wanted is not None and code not in wanted:
            continue
        try:
            results.append(evaluate(inst, ctx, plugin))
        except InstrumentFailed as exc:
            found.append(registry.report(exc.plugin, "evaluate", str(exc), instrument=exc.code))
    if problems is not None:
        problems.extend(found)
    return results


def brief(results: list[dict]) -> list[dict]:
    """The short form a match result carries (FORMATS.md): code, eligible, employer cost a month."""
    return [{"code": r["code"], "eligible": r["eligible"],
             "employer_cost_per_month_eur": r["employer_cost_per_month_eur"]} for r in results]
