"""What an instrument is asked and what it answers: the plugin-facing data classes.

:class:`Context` is what an instrument is asked about; :class:`Check`, :class:`Note`,
:class:`Cost`, :class:`Step`, :class:`Duration` and :class:`Variant` are what it answers, each
citing its source and the dated parameters it used (:mod:`matchcore.instruments.checks` checks
their fields; :mod:`matchcore.instruments.results` holds what an evaluation returns).
:func:`money` rounds as invoices do. Plugins import them from :mod:`matchcore.instruments`.
"""
from __future__ import annotations

import copy
import datetime as dt
import enum
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

from matchcore.instruments.params import ParamValue, Reference
from matchcore.postcodes import haversine_km

__all__ = [
    "COST_BASES",
    "FEASIBILITY",
    "FULL_TIME_HOURS",
    "PERIODS",
    "WEEKS_PER_MONTH",
    "Check",
    "Context",
    "Cost",
    "Duration",
    "NetCost",
    "Note",
    "ReadOnly",
    "Step",
    "Variant",
    "money",
    "read_only",
    "straight_line_km",
]

FULL_TIME_HOURS = 38.0          # a Belgian full-time week; sectors may differ (fraction = hours / 38)
WEEKS_PER_MONTH = 52.0 / 12.0
PERIODS = ("once", "day", "week", "month", "quarter")
FEASIBILITY = ("high", "medium", "low")      # practical feasibility, best first (issue 12.5)
# How an instrument's cost items relate to the normal hire (docs/plugins.md, "Net cost"):
# "complete": they list all the employer pays and receives for the worker (the instrument replaces
# the wage: a trainee allowance, a flexi wage, a premium to VDAB, a wage plus a reduction);
# "adjustment": only what changes on a normal hire (a premium or reduction on a wage not itemised).
COST_BASES = ("complete", "adjustment")


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
    """Straight-line km between the candidate's home and the employer's site; None if unplaced."""
    home, site = candidate.home, employer.location
    if None in (home.lat, home.lon, site.lat, site.lon):
        return None
    return haversine_km(home.lat, home.lon, site.lat, site.lon)


# --- what instruments return -------------------------------------------------------------

@dataclass
class Check:
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


@dataclass
class Note:
    """A condition or caveat to tell the coach (an obligation, a disputed figure, ...)."""

    text: str
    source: Reference | str | None = None
    params: tuple[ParamValue, ...] | list = ()


@dataclass
class Cost:
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

    def sign(self) -> int:
        return 1 if self.payer == "employer" else -1 if self.payee == "employer" else 0


@dataclass
class Step:
    """Something to do by a date (counted from the planned start), by whom."""

    what: str
    due: dt.date | None
    who: str | None = None
    legal: bool = False
    earliest: dt.date | None = None
    recurring: str | None = None
    source: Reference | str | None = None
    params: tuple[ParamValue, ...] | list = ()


@dataclass
class Duration:
    """How long the instrument may last, in weeks (None: no limit or unknown)."""

    min_weeks: float | None = None
    max_weeks: float | None = None
    default_weeks: float | None = None
    text: str | None = None
    source: Reference | str | None = None
    params: tuple[ParamValue, ...] | list = ()
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Variant:
    """An alternative way to run one instrument (for instance another price sheet)."""

    key: str
    label: str
    condition: str


@dataclass(frozen=True)
class NetCost:
    """The employer's net monthly cost as a plugin states it (``Instrument.net_cost``).

    ``amount_eur`` None is "unknown"; ``text`` says how it was reached (shown beside the figure).
    """

    amount_eur: float | None
    text: str


# --- the read-only view plugins get ---------------------------------------------------------

_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), dt.date, dt.time, dt.timedelta, Decimal,
              enum.Enum, range, type)


def _wrap(value: Any) -> Any:
    if isinstance(value, _IMMUTABLE) or isinstance(value, ReadOnly):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_wrap(v) for v in value)
    if isinstance(value, (dict, MappingProxyType)):
        return MappingProxyType({k: _wrap(v) for k, v in value.items()})
    return ReadOnly(value)


class ReadOnly:
    """A read-only view of a record (candidate, employer, function) for plugin code.

    Attributes and items read through it come back read-only too (lists as tuples, dicts as
    mapping proxies, records as views); setting or deleting one raises TypeError, naming the
    record. It wraps a deep copy (:func:`read_only`), so even a plugin that digs out the wrapped
    object changes only its own copy, never the stored record or the next instrument's view.
    ``isinstance(view, Candidate)`` still holds (``__class__`` is the wrapped record's).
    """

    __slots__ = ("_ReadOnly__target",)

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_ReadOnly__target", target)

    @property
    def __class__(self):  # isinstance() and type checks of plugins see the record's class
        return type(self.__target)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.__target, name)
        if callable(value) and not isinstance(value, type):
            def call(*args, **kwargs):
                return _wrap(value(*args, **kwargs))
            return call
        return _wrap(value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError(f"{type(self.__target).__name__} is read-only for plugins (tried to set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise TypeError(f"{type(self.__target).__name__} is read-only for plugins (tried to delete {name!r})")

    def __getitem__(self, key):
        return _wrap(self.__target[key])

    def __iter__(self):
        return (_wrap(v) for v in self.__target)

    def __len__(self) -> int:
        return len(self.__target)

    def __contains__(self, item) -> bool:
        return item in self.__target

    def __bool__(self) -> bool:
        return bool(self.__target)

    def __eq__(self, other) -> bool:
        return self.__target == (other._ReadOnly__target if isinstance(other, ReadOnly) else other)

    def __hash__(self) -> int:
        return hash(self.__target)

    def __repr__(self) -> str:
        return repr(self.__target)

    def __str__(self) -> str:
        return str(self.__target)


def read_only(record: Any) -> Any:
    """A read-only view of a deep copy of ``record`` (None stays None)."""
    if record is None or isinstance(record, ReadOnly):
        return record
    deep = getattr(record, "model_copy", None)
    return ReadOnly(deep(deep=True) if callable(deep) else copy.deepcopy(record))
