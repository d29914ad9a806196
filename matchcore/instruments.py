"""Employment instruments: the base class plugins subclass, the evaluation context, and ``evaluate_all``.

An instrument (BIS, IBO, flexijob, ...) is an object registered by a plugin through the
``register_instruments`` hook. It reads its amounts and limits from a dated parameter file
(:mod:`matchcore.params`) and answers, for one :class:`Context` (candidate, employer, function,
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
"""
from __future__ import annotations

import datetime as dt
import inspect
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from .errors import MatchcoreError, ParameterError, PluginError
from .params import (
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

FULL_TIME_HOURS = 38.0          # a Belgian full-time week; sectors may differ (fraction = hours / 38)
DEFAULT_LEAD_DAYS = 42          # default planned start: six weeks after the evaluation date
WEEKS_PER_MONTH = 52.0 / 12.0
PERIODS = ("once", "day", "week", "month", "quarter")
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
_FORMULA_RE = re.compile(r"^(eligibility|costs|duration|steps|notes)_(\d{4})_(\d{2})_(\d{2})$")


def money(value: float | None) -> float | None:
    """Round to the cent, halves away from zero (as invoices do); None stays None.

    The value is first rounded to 6 decimals, so that a product that is exactly a half cent on
    paper (2,984.5833... x 0.9 = 2,686.125) but a hair below it in binary still rounds up.
    """
    if value is None:
        return None
    return float(Decimal(repr(round(float(value), 6))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- the context -------------------------------------------------------------------------

@dataclass
class Context:
    """One evaluation: who, where, which function, from when, asked on which day.

    ``facts`` holds what ``prepare_context`` implementations add (for instance
    ``distance_km``); ``variants`` maps an instrument code to a chosen variant key.
    """

    candidate: Any
    employer: Any
    function: Any
    start: dt.date
    on: dt.date
    duration_weeks: float | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)

    @property
    def employment(self):
        return self.candidate.employment

    @property
    def age(self) -> int | None:
        """Age in whole years on the planned start."""
        return self.candidate.age_on(self.start)

    @property
    def hours_per_week(self) -> float:
        return float(self.function.hours_per_week)

    @property
    def fraction(self) -> float:
        """Work fraction of the function: hours / 38, at most 1."""
        return min(1.0, self.hours_per_week / FULL_TIME_HOURS)

    @property
    def days_per_week(self) -> int:
        """Working days a week: 7.6-hour days (38 / 5), at least 1 and at most 5."""
        return max(1, min(5, math.ceil(self.hours_per_week / (FULL_TIME_HOURS / 5) - 1e-9)))

    @property
    def hours_per_day(self) -> float:
        return self.hours_per_week / self.days_per_week

    @property
    def hourly_wage_eur(self) -> float | None:
        return self.function.hourly_wage_eur

    @property
    def monthly_gross_wage_eur(self) -> float | None:
        """Gross wage a month of the function (hourly wage x hours x 52 / 12); None if unknown."""
        if self.function.hourly_wage_eur is None:
            return None
        return self.function.hourly_wage_eur * self.hours_per_week * WEEKS_PER_MONTH

    @property
    def distance_km(self) -> float | None:
        """Home to workplace: ``facts['distance_km']`` if a plugin set it, else straight-line km."""
        if self.facts.get("distance_km") is not None:
            return float(self.facts["distance_km"])
        return straight_line_km(self.candidate, self.employer)

    @property
    def end(self) -> dt.date | None:
        """Planned end (start + duration), or None when no duration is planned."""
        if self.duration_weeks is None:
            return None
        return self.start + dt.timedelta(days=round(self.duration_weeks * 7))

    def before_start(self, days: int) -> dt.date:
        return self.start - dt.timedelta(days=days)

    def fact(self, name: str, default: Any = None) -> Any:
        """A fact added by ``prepare_context`` (the default one copies ``candidate.extra``)."""
        return self.facts.get(name, default)


def straight_line_km(candidate, employer) -> float | None:
    from .postcodes import haversine_km

    home, site = candidate.home, employer.location
    if None in (home.lat, home.lon, site.lat, site.lon):
        return None
    return haversine_km(home.lat, home.lon, site.lat, site.lon)


# --- what instruments return -------------------------------------------------------------

class _Cited:
    """Fields shared by everything that cites a source and the dated parameters it used."""

    def citation(self) -> dict:
        params = tuple(self.params or ())
        own_date = getattr(self, "date", None)
        refs: list[str] = []
        src = self.source
        if isinstance(src, Reference):
            refs.append(src.cite())
        elif isinstance(src, str) and src:
            refs.append(src)
        for p in params:
            if p.reference.cite() not in refs:
                refs.append(p.reference.cite())
        dates = sorted({p.valid_from for p in params} | ({own_date} if own_date else set()))
        return {
            "source": "; ".join(refs) or None,
            "parameter_date": dates[-1].isoformat() if dates else None,
            "parameters": [f"{p.name}@{p.valid_from.isoformat()}" for p in params],
            "unverified": any(p.unverified for p in params),
        }


@dataclass
class Check(_Cited):
    """One rule applied: ``ok`` is True (met), False (not met) or None (facts missing).

    ``date`` is the date of a rule that is not a parameter value (an instrument's start or end).
    """

    rule: str
    ok: bool | None
    text: str
    source: Reference | str | None = None
    params: tuple[ParamValue, ...] | list = ()
    missing: tuple[str, ...] | list = ()
    date: dt.date | None = None

    def as_dict(self) -> dict:
        return {"rule": self.rule, "ok": self.ok, "text": self.text, **self.citation(),
                "missing": list(self.missing)}


@dataclass
class Note(_Cited):
    """A condition or caveat to tell the coach (an obligation, a disputed figure, ...)."""

    text: str
    source: Reference | str | None = None
    params: tuple[ParamValue, ...] | list = ()

    def as_dict(self) -> dict:
        return {"text": self.text, **self.citation()}


@dataclass
class Cost(_Cited):
    """One cost item: who pays whom how much per period, with the VAT on it.

    ``payer == "employer"`` adds to the employer's cost; ``payee == "employer"`` (a premium or a
    contribution reduction) lowers it. ``amount_eur`` None means unknown (named in the output).
    ``from_week`` / ``until_week`` limit the item to part of the placement (weeks from start).
    """

    item: str
    payer: str
    payee: str
    amount_eur: float | None
    per: str
    vat_eur: float = 0.0
    basis: str | None = None
    source: Reference | str | None = None
    params: tuple[ParamValue, ...] | list = ()
    from_week: float = 0.0
    until_week: float | None = None

    def as_dict(self) -> dict:
        out = {"item": self.item, "payer": self.payer, "payee": self.payee,
               "amount_eur": money(self.amount_eur), "per": self.per, "vat_eur": money(self.vat_eur),
               "basis": self.basis, **self.citation()}
        if self.from_week or self.until_week is not None:
            out["from_week"], out["until_week"] = self.from_week, self.until_week
        return out

    def sign(self) -> int:
        return 1 if self.payer == "employer" else -1 if self.payee == "employer" else 0


@dataclass
class Step(_Cited):
    """Something to do by a date (counted from the planned start), by whom."""

    what: str
    due: dt.date | None
    who: str | None = None
    legal: bool = False
    earliest: dt.date | None = None
    recurring: str | None = None
    source: Reference | str | None = None
    params: tuple[ParamValue, ...] | list = ()

    def as_dict(self, on: dt.date | None = None, start: dt.date | None = None) -> dict:
        overdue = bool(on and start and start >= on and self.due and self.due < on)
        return {"what": self.what, "due": self.due.isoformat() if self.due else None, "who": self.who,
                "legal": self.legal, "earliest": self.earliest.isoformat() if self.earliest else None,
                "recurring": self.recurring, "overdue": overdue, **self.citation()}


@dataclass
class Duration(_Cited):
    """How long the instrument may last, in weeks (None: no limit or unknown)."""

    min_weeks: float | None = None
    max_weeks: float | None = None
    default_weeks: float | None = None
    text: str | None = None
    source: Reference | str | None = None
    params: tuple[ParamValue, ...] | list = ()
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"min_weeks": self.min_weeks, "max_weeks": self.max_weeks,
                "default_weeks": self.default_weeks, "text": self.text, **self.extra, **self.citation()}


@dataclass(frozen=True)
class Variant:
    """An alternative way to run one instrument (for instance another price sheet)."""

    key: str
    label: str
    condition: str


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


# --- evaluation ----------------------------------------------------------------------------

class InstrumentFailed(PluginError):
    """An instrument raised or returned malformed data while being evaluated."""

    def __init__(self, plugin: str, code: str, method: str, message: str):
        self.plugin, self.code, self.method = plugin, code, method
        super().__init__(f"plugin {plugin!r}, instrument {code}: {method}() {message}; instrument skipped")


def _expect_list(value, cls, plugin, code, method) -> list:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise InstrumentFailed(plugin, code, method, f"returned {type(value).__name__}, expected a list "
                               f"of {cls.__name__}")
    for item in value:
        if not isinstance(item, cls):
            raise InstrumentFailed(plugin, code, method, f"returned {item!r} ({type(item).__name__}) in its "
                                   f"list, expected {cls.__name__} objects")
    return list(value)


def _validate_cost(c: Cost, plugin: str, code: str) -> None:
    problem = None
    if c.per not in PERIODS:
        problem = f"per must be one of {', '.join(PERIODS)}, got {c.per!r}"
    elif c.amount_eur is not None and (isinstance(c.amount_eur, bool) or not isinstance(c.amount_eur, (int, float))
                                      or math.isnan(c.amount_eur)):
        problem = f"amount_eur must be a number or None, got {c.amount_eur!r}"
    elif not isinstance(c.vat_eur, (int, float)) or isinstance(c.vat_eur, bool):
        problem = f"vat_eur must be a number, got {c.vat_eur!r}"
    elif not (isinstance(c.item, str) and c.item and isinstance(c.payer, str) and isinstance(c.payee, str)):
        problem = "item, payer and payee must be texts"
    if problem:
        raise InstrumentFailed(plugin, code, "costs", f"returned a malformed cost item {c.item!r}: {problem}")


def _call(instrument: Instrument, method: str, plugin: str, *args):
    try:
        return getattr(instrument, method)(*args), None
    except ParameterError as exc:
        return None, exc
    except MatchcoreError as exc:
        raise InstrumentFailed(plugin, instrument.code, method, f"raised {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # a plugin's bug must not stop the match
        raise InstrumentFailed(plugin, instrument.code, method,
                               f"raised {type(exc).__name__}: {exc}") from exc


def _month_factor(per: str, days_per_month: float) -> float:
    return {"day": days_per_month, "week": WEEKS_PER_MONTH, "month": 1.0, "quarter": 1.0 / 3.0, "once": 0.0}[per]


def _total_for(cost: Cost, weeks: float, days_per_month: float) -> float:
    start = max(0.0, cost.from_week)
    stop = weeks if cost.until_week is None else min(weeks, cost.until_week)
    if cost.per == "once":
        return 1.0 if cost.from_week <= weeks else 0.0
    overlap = max(0.0, stop - start)
    return overlap * {"day": days_per_month / WEEKS_PER_MONTH, "week": 1.0, "month": 1.0 / WEEKS_PER_MONTH,
                      "quarter": 1.0 / 13.0}[cost.per]


def summarise_costs(costs: list[Cost], ctx: Context, weeks: float | None, days_per_month: float | None = None) -> dict:
    """Employer cost a month (incl. and excl. VAT) and over ``weeks``; unknown items named.

    A month counts the items running in the first week; the total integrates every item over
    its weeks. An item of unknown amount makes the sum it belongs to None (a number is always
    complete), and is named in ``employer_cost_unknown``.
    """
    if days_per_month is None:
        days_per_month = ctx.days_per_week * WEEKS_PER_MONTH
    monthly = monthly_ex = 0.0
    total = 0.0
    unknown, unknown_now = [], False
    for c in costs:
        s = c.sign()
        if s == 0:
            continue
        active_now = c.from_week <= 0 and (c.until_week is None or c.until_week > 0)
        if c.amount_eur is None:
            unknown.append(c.item)
            unknown_now = unknown_now or (active_now and c.per != "once")
            continue
        if active_now:
            monthly += s * (money(c.amount_eur) + money(c.vat_eur)) * _month_factor(c.per, days_per_month)
            monthly_ex += s * money(c.amount_eur) * _month_factor(c.per, days_per_month)
        if weeks is not None:
            total += s * (money(c.amount_eur) + money(c.vat_eur)) * _total_for(c, weeks, days_per_month)
    return {"employer_cost_per_month_eur": None if unknown_now else money(monthly),
            "employer_cost_per_month_excl_vat_eur": None if unknown_now else money(monthly_ex),
            "employer_cost_total_eur": money(total) if weeks is not None and not unknown else None,
            "employer_cost_unknown": unknown}


def _validity_check(inst: Instrument, ctx: Context) -> Check | None:
    src = inst.validity_reference or inst.source
    params: tuple = ()
    if inst.valid_from is not None and ctx.start < inst.valid_from:
        before = f"; before that: {inst.predecessor}" if inst.predecessor else ""
        return Check("validity", False, f"{inst.code} did not exist yet on the planned start "
                     f"{ctx.start.isoformat()}: it exists from {inst.valid_from.isoformat()}{before}", src, params,
                     date=inst.valid_from)
    if inst.valid_until is not None and ctx.start >= inst.valid_until:
        last = (inst.valid_until - dt.timedelta(days=1)).isoformat()
        succ = (f"; its successor is {inst.successor}" if inst.successor else "; it has no successor")
        since = f"from {inst.valid_from.isoformat()} " if inst.valid_from else ""
        return Check("validity", False, f"{inst.code} existed {since}until {last} (ended on "
                     f"{inst.valid_until.isoformat()}), so not for a start on {ctx.start.isoformat()}{succ}",
                     src, params, date=inst.valid_until)
    return None


def _resolve_sources(inst: Instrument, things: Iterable) -> None:
    """Turn a reference key given as ``source`` (e.g. ``"S-001"``) into its Reference."""
    for thing in things:
        if isinstance(thing.source, str) and thing.source:
            try:
                thing.source = inst.ref(thing.source)
            except ParameterError:
                pass  # free text: cited as written


def evaluate(inst: Instrument, ctx: Context, plugin: str = "?") -> dict:
    """Evaluate one instrument for one context into the FORMATS.md ``instruments check`` shape.

    Raises InstrumentFailed when the instrument raises (other than ParameterError) or returns
    malformed data; a ParameterError (no value for the date) becomes an unknown verdict.
    """
    out: dict[str, Any] = {
        "code": inst.code, "name": inst.name, "plugin": plugin,
        "eligible": None, "reasons": [], "missing": [],
        "valid_from": inst.valid_from.isoformat() if inst.valid_from else None,
        "valid_until": inst.valid_until.isoformat() if inst.valid_until else None,
        "successor": inst.successor, "start": ctx.start.isoformat(), "on": ctx.on.isoformat(),
        "duration": {"min_weeks": None, "max_weeks": None},
        "variant": None, "costs": [], "employer_cost_per_month_eur": None,
        "employer_cost_per_month_excl_vat_eur": None, "employer_cost_total_eur": None,
        "employer_cost_unknown": [], "variants": [], "steps": [], "notes": [], "unverified": [],
    }
    used: list[ParamValue] = []
    gone = _validity_check(inst, ctx)
    if gone is not None:
        out["eligible"] = False
        out["reasons"] = [gone.as_dict()]
        return _finish(out, inst, used)

    checks, err = _call(inst, "eligibility", plugin, ctx)
    param_file = inst.parameters.path.name if inst.parameters else None
    checks = [Check("parameters", None, str(err), param_file or inst.source,
                    missing=["a parameter value for this date"])] if err else \
        _expect_list(checks, Check, plugin, inst.code, "eligibility")

    duration, err = _call(inst, "duration", plugin, ctx)
    notes: list[Note] = []
    if err:
        notes.append(Note(str(err)))
        duration = Duration()
    elif not isinstance(duration, Duration):
        raise InstrumentFailed(plugin, inst.code, "duration", f"returned {duration!r}, expected a Duration")
    weeks = ctx.duration_weeks if ctx.duration_weeks is not None else duration.default_weeks
    if ctx.duration_weeks is not None:
        lo, hi = duration.min_weeks, duration.max_weeks
        if hi is not None and ctx.duration_weeks > hi:
            checks.append(Check("duration", False, f"planned {ctx.duration_weeks:g} weeks exceeds the maximum "
                                f"of {hi:g} weeks", duration.source, duration.params))
        elif lo is not None and ctx.duration_weeks < lo:
            checks.append(Check("duration", False, f"planned {ctx.duration_weeks:g} weeks is below the minimum "
                                f"of {lo:g} weeks", duration.source, duration.params))
    if inst.valid_until is not None and weeks is not None and ctx.start + dt.timedelta(weeks=weeks) > inst.valid_until:
        notes.append(Note(f"{inst.code} ends on {inst.valid_until.isoformat()}, before the planned end",
                          inst.validity_reference or inst.source))

    # costs, per variant
    keys = [v.key for v in inst.variants] or [None]
    chosen = None
    if inst.variants:
        wanted = ctx.variants.get(inst.code)
        if wanted is not None:
            if wanted not in keys:
                raise MatchcoreError(f"instrument {inst.code} has no variant {wanted!r}; its variants are "
                                     f"{', '.join(keys)}")
            chosen, why = wanted, Note(f"variant {wanted!r} chosen by the user")
        else:
            sel, err = _call(inst, "select_variant", plugin, ctx)
            if err:
                sel = (keys[0], Note(str(err)))
            if not (isinstance(sel, tuple) and len(sel) == 2 and sel[0] in keys and isinstance(sel[1], Note)):
                raise InstrumentFailed(plugin, inst.code, "select_variant",
                                       f"returned {sel!r}, expected (variant key, Note)")
            chosen, why = sel
        notes.append(why)
    days, err = _call(inst, "days_per_month", plugin, ctx)
    if err or not isinstance(days, (int, float)) or isinstance(days, bool) or days < 0:
        days = ctx.days_per_week * WEEKS_PER_MONTH
    per_variant = {}
    for key in keys:
        costs, err = _call(inst, "costs", plugin, ctx, key) if key is not None else _call(inst, "costs", plugin, ctx)
        if err:
            notes.append(Note(f"costs{f' of variant {key}' if key else ''} unknown: {err}"))
            per_variant[key] = None
            continue
        costs = _expect_list(costs, Cost, plugin, inst.code, "costs")
        for c in costs:
            _validate_cost(c, plugin, inst.code)
            if key == chosen:  # the other variants' items carry their own `unverified` flags
                used.extend(c.params)
        per_variant[key] = costs

    steps, err = _call(inst, "steps", plugin, ctx)
    if err:
        notes.append(Note(f"steps unknown: {err}"))
        steps = []
    steps = _expect_list(steps, Step, plugin, inst.code, "steps")
    steps.sort(key=lambda s: (s.due is None, s.due or dt.date.max))
    more, err = _call(inst, "notes", plugin, ctx)
    notes.extend([Note(str(err))] if err else _expect_list(more, Note, plugin, inst.code, "notes"))
    notes.extend(Note(text, inst.source) for text in inst.meta_notes)
    if ctx.start >= ctx.on:
        for s in steps:
            if s.legal and s.due is not None and s.due < ctx.on:
                lead = (ctx.start - s.due).days
                notes.append(Note(f"legal deadline already passed: '{s.what}' was due by {s.due.isoformat()} "
                                  f"({lead} days before the start); the earliest start with it on time is "
                                  f"{(ctx.on + dt.timedelta(days=lead)).isoformat()}", s.source, s.params))

    _resolve_sources(inst, [*checks, *notes, *steps, duration,
                            *(c for costs in per_variant.values() for c in costs or [])])
    oks = [c.ok for c in checks]
    out["eligible"] = False if False in oks else None if None in oks else True
    out["reasons"] = [c.as_dict() for c in checks]
    out["missing"] = sorted({m for c in checks if c.ok is None for m in c.missing})
    out["duration"] = duration.as_dict()
    for key in keys:
        costs = per_variant[key]
        summary = summarise_costs(costs, ctx, weeks, days) if costs is not None else {
            "employer_cost_per_month_eur": None, "employer_cost_per_month_excl_vat_eur": None,
            "employer_cost_total_eur": None, "employer_cost_unknown": []}
        entry = {"costs": [c.as_dict() for c in costs or []], **summary}
        if key is None or key == chosen:
            out.update(entry)
            out["variant"] = key
        if key is not None:
            v = next(v for v in inst.variants if v.key == key)
            out["variants"].append({"variant": key, "label": v.label, "condition": v.condition,
                                    "selected": key == chosen, **entry})
    out["steps"] = [s.as_dict(ctx.on, ctx.start) for s in steps]
    out["notes"] = [n.as_dict() for n in notes]
    for thing in [*checks, *steps, *notes, duration]:
        used.extend(thing.params)
    return _finish(out, inst, used)


def _finish(out: dict, inst: Instrument, used: Iterable[ParamValue]) -> dict:
    seen = set()
    flagged = []
    if inst.validity_unverified:
        flagged.append({"parameter": "validity", "value": [out["valid_from"], out["valid_until"]],
                        "valid_from": out["valid_from"], "source": _cite(inst.validity_reference or inst.source),
                        "unverified": True})
    for p in used:
        key = (p.name, p.valid_from)
        if p.unverified and key not in seen:
            seen.add(key)
            flagged.append(p.as_dict())
    out["unverified"] = flagged
    return out


def _cite(src) -> str | None:
    return src.cite() if isinstance(src, Reference) else src


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
    problems : a list that receives a :class:`matchcore.plugins.PluginProblem` per plugin failure.
    plugin_manager : a manager from :func:`matchcore.plugins.make_plugin_manager`; default the
        process-wide one (cached, as are the parsed parameter files).

    Returns
    -------
    list of dict, one per instrument, sorted by code (case-insensitively): the FORMATS.md
    ``instruments check`` shape. An instrument that fails is left out and reported.
    """
    from .plugins import get_registry

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
