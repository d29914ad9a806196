"""Evaluating one instrument and checking what its plugin returned (private to
:mod:`matchcore.instruments.base`).

:func:`evaluate` calls an instrument's methods for one :class:`Context`, validates the answers
(a plugin's bug becomes :class:`InstrumentFailed`, a missing dated value an unknown verdict),
sums the employer's costs and returns the FORMATS.md ``instruments check`` shape.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from matchcore.instruments.types import (
    PERIODS,
    WEEKS_PER_MONTH,
    Check,
    Context,
    Cost,
    Duration,
    Note,
    Step,
    money,
)
from matchcore.errors import InstrumentFailed, MatchcoreError, ParameterError, PluginError
from matchcore.instruments.params import ParamValue, Reference

if TYPE_CHECKING:  # the annotations only: instruments.py imports this module
    from matchcore.instruments.base import Instrument

__all__ = ["InstrumentFailed", "evaluate", "summarise_costs"]


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
