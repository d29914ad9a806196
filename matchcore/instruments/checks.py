"""Checking what a plugin's instrument answered, field by field, before matchcore uses it.

A malformed answer (a due date given as text, a verdict of 1, a cost per year) is the plugin's
failure: :class:`~matchcore.errors.InstrumentFailed` names the plugin, the instrument, the method
and the field, and the evaluation of the other instruments goes on. So is a number that is not
finite (NaN, infinity: it would crash the sums or make ``--json`` invalid), an amount beyond
:data:`MAX_AMOUNT_EUR`, and a negative amount without a reason (``basis``): a cost item is one
party paying another, so the direction is in ``payer`` / ``payee``, not in the sign.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

from matchcore.errors import InstrumentFailed
from matchcore.instruments.params import ParamValue, Reference
from matchcore.instruments.types import PERIODS, Check, Cost, Duration, Note, Step

__all__ = ["MAX_AMOUNT_EUR", "MAX_WEEKS", "check_answer", "expect_list", "finite_problem"]

# No employment instrument moves this much for one worker in one item (the largest built-in
# amounts are quarterly premiums of a few thousand euros): a larger one is a plugin's bug, and
# would otherwise become the "cheapest" instrument or overflow the sums.
MAX_AMOUNT_EUR = 100_000.0
MAX_WEEKS = 5_200.0             # 100 years: any longer duration is a plugin's bug


def expect_list(value, cls, plugin: str, code: str, method: str, *, none_ok: bool = True) -> list:
    """``value`` as a list of ``cls`` objects, each checked; None is [] when ``none_ok``."""
    if value is None and none_ok:
        return []
    if not isinstance(value, (list, tuple)):
        raise InstrumentFailed(plugin, code, method, f"returned {type(value).__name__}, expected a list "
                               f"of {cls.__name__}")
    for item in value:
        if not isinstance(item, cls):
            raise InstrumentFailed(plugin, code, method, f"returned {item!r} ({type(item).__name__}) in its "
                                   f"list, expected {cls.__name__} objects")
        check_answer(item, plugin, code, method)
    return list(value)


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool, NaN or infinity)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def finite_problem(value: Any, where: str = "value", depth: int = 0) -> str | None:
    """Where a float inside ``value`` (dicts, lists) is NaN or infinite, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{where} is {value!r}, not a finite number"
    if depth > 20:
        return f"{where} is nested too deep"
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        problem = finite_problem(item, f"{where}[{key!r}]", depth + 1)
        if problem:
            return problem
    return None


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _is_text(value: Any, *, empty: bool = False) -> bool:
    return isinstance(value, str) and (empty or bool(value.strip()))


def _cited(thing) -> str | None:
    """What is wrong with the fields every answer has (source, params), or None."""
    if thing.source is not None and not isinstance(thing.source, (str, Reference)):
        return f"source must be a text, a Reference or None, got {thing.source!r}"
    if not isinstance(thing.params, (list, tuple)) or not all(isinstance(p, ParamValue) for p in thing.params):
        return f"params must be a list of ParamValue (from self.p or self.shared), got {thing.params!r}"
    return None


def _check(c: Check) -> str | None:
    if not _is_text(c.rule):
        return f"rule must be a non-empty text, got {c.rule!r}"
    if not (c.ok is None or isinstance(c.ok, bool)):
        return f"ok must be True, False or None, got {c.ok!r}"
    if not _is_text(c.text, empty=True):
        return f"text must be a text, got {c.text!r}"
    if not isinstance(c.missing, (list, tuple)) or not all(isinstance(m, str) for m in c.missing):
        return f"missing must be a list of texts, got {c.missing!r}"
    if c.date is not None and not _is_day(c.date):
        return f"date must be a date (not a datetime or text) or None, got {c.date!r}"
    return None


def _note(n: Note) -> str | None:
    return None if _is_text(n.text, empty=True) else f"text must be a text, got {n.text!r}"


def _cost(c: Cost) -> str | None:
    if c.per not in PERIODS:
        return f"per must be one of {', '.join(PERIODS)}, got {c.per!r}"
    if c.amount_eur is not None and not _is_number(c.amount_eur):
        return f"amount_eur must be a finite number or None, got {c.amount_eur!r}"
    if not _is_number(c.vat_eur):
        return f"vat_eur must be a finite number, got {c.vat_eur!r}"
    if not (_is_text(c.item) and isinstance(c.payer, str) and isinstance(c.payee, str)):
        return "item, payer and payee must be texts"
    for name in ("amount_eur", "vat_eur"):
        value = getattr(c, name)
        if value is not None and abs(value) > MAX_AMOUNT_EUR:
            return f"{name} {value:,.2f} is beyond the plausible {MAX_AMOUNT_EUR:,.0f} EUR for one item"
        if value is not None and value < 0 and not (isinstance(c.basis, str) and c.basis.strip()):
            return (f"{name} is negative ({value:,.2f}) without a reason: state it in basis, or swap payer "
                    "and payee")
    if not _is_number(c.from_week) or (c.until_week is not None and not _is_number(c.until_week)) or \
            c.from_week < 0 or (c.until_week is not None and c.until_week < c.from_week):
        return (f"from_week must be a number >= 0 and until_week a number from it or None, got {c.from_week!r}, "
                f"{c.until_week!r}")
    if c.basis is not None and not isinstance(c.basis, str):
        return f"basis must be a text or None, got {c.basis!r}"
    return None


def _step(s: Step) -> str | None:
    if not _is_text(s.what):
        return f"what must be a non-empty text, got {s.what!r}"
    for name in ("due", "earliest"):
        value = getattr(s, name)
        if value is not None and not _is_day(value):
            return f"{name} must be a date (not a datetime or text) or None, got {value!r}"
    for name in ("who", "recurring"):
        value = getattr(s, name)
        if value is not None and not isinstance(value, str):
            return f"{name} must be a text or None, got {value!r}"
    if not isinstance(s.legal, bool):
        return f"legal must be True or False, got {s.legal!r}"
    return None


def _duration(d: Duration) -> str | None:
    for name in ("min_weeks", "max_weeks", "default_weeks"):
        value = getattr(d, name)
        if value is not None and not (_is_number(value) and 0 <= value <= MAX_WEEKS):
            return f"{name} must be a number of weeks from 0 to {MAX_WEEKS:g}, or None, got {value!r}"
    if d.text is not None and not isinstance(d.text, str):
        return f"text must be a text or None, got {d.text!r}"
    if not isinstance(d.extra, dict):
        return f"extra must be a dict, got {d.extra!r}"
    return finite_problem(d.extra, "extra")


_CHECKS = {Check: ("check", lambda x: x.rule, _check), Note: ("note", lambda x: x.text, _note),
           Cost: ("cost item", lambda x: x.item, _cost), Step: ("step", lambda x: x.what, _step),
           Duration: ("duration", lambda x: x.text, _duration)}


def check_answer(thing, plugin: str, code: str, method: str) -> None:
    """Raise InstrumentFailed when a field of ``thing`` (a Check, Note, Cost, Step or Duration) is malformed."""
    # by its class first (2,000 answers a match query), a subclass the long way
    spec = _CHECKS.get(type(thing)) or next(spec for cls, spec in _CHECKS.items() if isinstance(thing, cls))
    kind, label, own = spec
    problem = own(thing) or _cited(thing)
    if problem:
        raise InstrumentFailed(plugin, code, method, f"returned a malformed {kind} {label(thing)!r}: {problem}")
