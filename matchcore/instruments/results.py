"""What an instrument evaluation returns: typed results, made into JSON and text by ``cli/`` and ``web/``.

:func:`matchcore.instruments.evaluate_all` returns one :class:`InstrumentResult` per instrument.
Fields are declared in the order of the documented ``instruments check --json`` output
(``docs/plugins.md``), which writes them field by field. Two field markers say where that JSON is
not one key per field: ``metadata={"json": "splice"}`` (the value's own fields or items stand in
the field's place; None adds nothing) and ``metadata={"json": "if-set"}`` (left out when None).

Each answer of a plugin (a :class:`~matchcore.instruments.types.Check`, ``Note``, ``Cost``,
``Step``, ``Duration``) becomes its ``*Line`` here, citing its source and the dated parameters it
used: ``source`` (the references, joined by "; "), ``parameter_date`` (the latest valid-from date
used), ``parameters`` (``name@date``) and ``unverified`` (any value used is flagged).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from matchcore.instruments.params import ParamValue, Reference, local
from matchcore.instruments.types import Check, Cost, Duration, Note, Step, money

__all__ = [
    "Baseline",
    "CostLine",
    "CostSummary",
    "CostWeeks",
    "DatedValue",
    "DurationLimits",
    "DurationLine",
    "FlaggedValidity",
    "InstrumentResult",
    "NetCostLine",
    "NoteLine",
    "Reason",
    "StepLine",
    "VariantCosts",
    "citation",
]

SPLICE = {"json": "splice"}
IF_SET = {"json": "if-set"}


def citation(thing: Check | Note | Cost | Step | Duration) -> dict[str, Any]:
    """The four citation fields of a plugin's answer: source, parameter_date, parameters, unverified."""
    params = thing.params
    own_date = getattr(thing, "date", None)
    src = thing.source
    if not params:   # most answers (half of the 2,600 of a match query) cite no parameter
        ref = src.cite() if isinstance(src, Reference) else src if isinstance(src, str) else None
        return {"source": ref or None, "parameter_date": own_date or None, "parameters": [], "unverified": False}
    refs: list[str] = []
    if isinstance(src, Reference):
        refs.append(src.cite())
    elif isinstance(src, str) and src:
        refs.append(src)
    for p in params:
        cited = p.reference.cite()
        if cited not in refs:
            refs.append(cited)
    dates = {p.valid_from for p in params}
    if own_date:
        dates.add(own_date)
    return {"source": "; ".join(refs) or None, "parameter_date": max(dates),
            "parameters": [f"{p.name}@{p.valid_from.isoformat()}" for p in params],
            "unverified": any(p.unverified for p in params)}


@dataclass(frozen=True)
class Reason:
    """One rule applied (from a Check): ``ok`` True (met), False (not met) or None (facts missing)."""

    rule: str
    ok: bool | None
    text: str
    source: str | None
    parameter_date: dt.date | None
    parameters: list[str]
    unverified: bool
    missing: list[str]

    @classmethod
    def of(cls, check: Check) -> Reason:
        return cls(check.rule, check.ok, check.text, **citation(check), missing=list(check.missing))

    def __str__(self) -> str:   # a reason reads as its text (templates, logs)
        return self.text


@dataclass(frozen=True)
class NoteLine:
    """A condition or caveat to tell the coach."""

    text: str
    source: str | None
    parameter_date: dt.date | None
    parameters: list[str]
    unverified: bool

    @classmethod
    def of(cls, note: Note) -> NoteLine:
        return cls(note.text, **citation(note))

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class CostWeeks:
    """The part of the placement a cost item runs in (weeks from the start)."""

    from_week: float
    until_week: float | None


@dataclass(frozen=True)
class CostLine:
    """One cost item, amounts rounded to the cent; ``weeks`` only when limited to part of the placement."""

    item: str
    payer: str
    payee: str
    amount_eur: float | None
    per: str
    vat_eur: float | None
    basis: str | None
    source: str | None
    parameter_date: dt.date | None
    parameters: list[str]
    unverified: bool
    weeks: CostWeeks | None = field(default=None, metadata=SPLICE)

    @classmethod
    def of(cls, cost: Cost) -> CostLine:
        weeks = (CostWeeks(cost.from_week, cost.until_week)
                 if cost.from_week or cost.until_week is not None else None)
        return cls(cost.item, cost.payer, cost.payee, money(cost.amount_eur), cost.per, money(cost.vat_eur),
                   cost.basis, **citation(cost), weeks=weeks)


@dataclass(frozen=True)
class StepLine:
    """Something to do by a date; ``overdue`` when due before the evaluation date."""

    what: str
    due: dt.date | None
    who: str | None
    legal: bool
    earliest: dt.date | None
    recurring: str | None
    overdue: bool
    source: str | None
    parameter_date: dt.date | None
    parameters: list[str]
    unverified: bool

    @classmethod
    def of(cls, step: Step, on: dt.date, start: dt.date) -> StepLine:
        overdue = bool(start >= on and step.due and step.due < on)
        return cls(step.what, step.due, step.who, step.legal, step.earliest, step.recurring, overdue,
                   **citation(step))


@dataclass(frozen=True)
class DurationLimits:
    """How long the instrument may last, in weeks (None: no limit or unknown)."""

    min_weeks: float | None = None
    max_weeks: float | None = None


@dataclass(frozen=True)
class DurationLine(DurationLimits):
    """The instrument's duration with its default, its text, the plugin's extra facts and sources."""

    default_weeks: float | None = None
    text: str | None = None
    extra: dict = field(default_factory=dict, metadata=SPLICE)
    source: str | None = None
    parameter_date: dt.date | None = None
    parameters: list[str] = field(default_factory=list)
    unverified: bool = False

    @classmethod
    def of(cls, duration: Duration) -> DurationLine:
        return cls(duration.min_weeks, duration.max_weeks, duration.default_weeks, duration.text,
                   dict(duration.extra), **citation(duration))


@dataclass(frozen=True)
class CostSummary:
    """The employer's cost a month (incl. and excl. VAT) and in total; items of unknown amount named."""

    employer_cost_per_month_eur: float | None = None
    employer_cost_per_month_excl_vat_eur: float | None = None
    employer_cost_total_eur: float | None = None
    employer_cost_unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NetCostLine:
    """The employer's net monthly cost of an instrument on the one definition of ``docs/plugins.md``.

    ``net_cost_basis``: ``complete`` (the instrument's items are all the employer pays and
    receives), ``adjustment`` (the normal hire plus the instrument's premiums, reductions and
    fees), ``stated by the plugin``, or None (unknown). ``net_premium_gain``: the figure is negative,
    the employer receives more than it pays; ``net_cost_text`` then says so, with the items why.
    """

    net_cost_per_month_eur: float | None = None
    net_cost_basis: str | None = None
    net_cost_text: str | None = None
    net_premium_gain: bool = False


@dataclass(frozen=True)
class Baseline:
    """The normal hire, code ``normal``: gross wage at the function's hours plus employer contributions.

    Its ``net_cost_per_month_eur`` is on the instruments' definition, so the two compare.
    """

    code: str
    kind: str
    name: str
    start: dt.date
    gross_wage_per_month_eur: float | None
    employer_contribution_rate: float
    employer_contributions_per_month_eur: float | None
    net_cost_per_month_eur: float | None
    text: str
    costs: list[CostLine]
    source: str
    parameter_date: dt.date
    notes: list[str]


@dataclass(frozen=True)
class VariantCosts:
    """One variant of an instrument with its costs and their sums."""

    variant: str
    label: str
    condition: str
    selected: bool
    costs: list[CostLine]
    employer_cost_per_month_eur: float | None
    employer_cost_per_month_excl_vat_eur: float | None
    employer_cost_total_eur: float | None
    employer_cost_unknown: list[str]


@dataclass(frozen=True)
class DatedValue:
    """One dated parameter value with its source (the ``unverified`` list; ``instruments show``)."""

    parameter: str
    value: Any
    valid_from: dt.date
    source: str
    last_verified: dt.date
    unverified: bool
    note: str | None = field(default=None, metadata=IF_SET)

    @classmethod
    def of(cls, p: ParamValue) -> DatedValue:
        # the note in the language in use (a per-language form of the file, else the catalogue's)
        return cls(p.name, p.value, p.valid_from, p.reference.cite(), p.last_verified, p.unverified, local(p.note))


@dataclass(frozen=True)
class FlaggedValidity:
    """The instrument's validity period, when its dates are unverified."""

    parameter: str
    value: list[dt.date | None]
    valid_from: dt.date | None
    source: str | None
    unverified: bool = True


@dataclass
class InstrumentResult:
    """One instrument evaluated for one candidate at one function (``instruments check``).

    ``eligible`` is True (every rule met), False (one not met) or None (unknown: facts or rules
    missing). The cost fields are those of the selected ``variant``; ``variants`` lists each.
    ``abolished``: the instrument ended before the evaluation date (``on``); match lines and the
    call sheet leave such ones out unless asked for all.
    """

    code: str
    name: str | None
    plugin: str
    eligible: bool | None
    reasons: list[Reason]
    missing: list[str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    successor: str | None
    start: dt.date
    on: dt.date
    duration: DurationLimits
    feasibility: str = "medium"
    feasibility_reason: str = "not assessed"   # N_ in base.py; shown through _()
    abolished: bool = False
    variant: str | None = None
    costs: list[CostLine] = field(default_factory=list)
    employer_cost_per_month_eur: float | None = None
    employer_cost_per_month_excl_vat_eur: float | None = None
    employer_cost_total_eur: float | None = None
    employer_cost_unknown: list[str] = field(default_factory=list)
    net_cost: NetCostLine = field(default_factory=NetCostLine, metadata=SPLICE)
    variants: list[VariantCosts] = field(default_factory=list)
    steps: list[StepLine] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    unverified: list[DatedValue | FlaggedValidity] = field(default_factory=list)

    @property
    def net_cost_per_month_eur(self) -> float | None:
        """The employer's net monthly cost (VAT excluded) on the one definition; None: unknown."""
        return self.net_cost.net_cost_per_month_eur
