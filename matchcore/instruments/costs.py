"""The employer's cost of an instrument: a month (incl. and excl. VAT), over the placement, and
its *net* monthly cost next to a normal hire, on one definition for every instrument.

Items paid by the employer add to its cost; items paid to it (a premium, a contribution
reduction) lower it; items between others (VDAB paying the trainee) are shown but not counted.

The net monthly cost (``docs/plugins.md``, "Net cost") is what the employer pays a month for the
worker at the function's hours, VAT excluded: the wage cost (or what replaces it: a trainee
allowance, a flexi wage, a premium to VDAB, a price) minus the premiums, reductions and allowances
others pay, plus fees. The normal hire (:func:`normal_hire`, code ``normal``) is the same figure
without an instrument: gross wage plus employer social contributions.
"""
from __future__ import annotations

import datetime as dt

from matchcore.i18n import N_, _, format_number, format_percent
from matchcore.instruments.params import ParamValue, Reference, date_text
from matchcore.instruments.results import Baseline, CostLine, CostSummary, InstrumentResult, NetCostLine
from matchcore.instruments.types import (
    COST_BASES,
    FEASIBILITY,
    WEEKS_PER_MONTH,
    Context,
    Cost,
    NetCost,
    money,
)

__all__ = ["EMPLOYER_RATE", "NORMAL", "derive_net_cost", "normal_hire", "normal_net_cost_eur", "rank_key", "recommended",
           "row_rank_key", "summarise_costs"]

NORMAL = "normal"

# The employer's social-security contribution rate of a normal hire, category 1 (private sector):
# T = basic contribution 19.88 % + wage moderation 4.27 % + their product = 25.00 % from
# 2018-01-01 (the tax shift's last step). The built-in plugins' wage estimates use the same 25 %
# (plugins/shared.yaml, employer_rsz_rate), so "normal hire minus a reduction" and a plugin's own
# "wage plus contributions minus the reduction" agree.
_RSZ_2018 = Reference(
    "rsz-cat1-2018", "RSZ/ONSS - DmfA tussentijdse instructies 2017/4: uitvoering taxshift 2018, "
    "bijdragepercentages vanaf 1 januari 2018 (categorie 1: T 25,00 % = B 19,88 % + M 4,27 %)",
    url="https://www.socialsecurity.be/employer/instructions/dmfa/nl/2017-4/intermediates")
EMPLOYER_RATE = (
    ParamValue("normal_hire.employer_contribution_rate", 0.25, dt.date(2018, 1, 1), _RSZ_2018,
               dt.date(2026, 12, 1), note=N_("category 1 (private sector); sector funds, the 108 % base of "
                                             "manual workers, holiday pay and the end-of-year premium not included")),
)


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


def _active_now(c: Cost) -> bool:
    return c.from_week <= 0 and (c.until_week is None or c.until_week > 0)


def summarise_costs(costs: list[Cost], ctx: Context, weeks: float | None,
                    days_per_month: float | None = None) -> CostSummary:
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
        active_now = _active_now(c)
        if c.amount_eur is None:
            unknown.append(c.item)
            unknown_now = unknown_now or (active_now and c.per != "once")
            continue
        if active_now:
            monthly += s * (money(c.amount_eur) + money(c.vat_eur)) * _month_factor(c.per, days_per_month)
            monthly_ex += s * money(c.amount_eur) * _month_factor(c.per, days_per_month)
        if weeks is not None:
            total += s * (money(c.amount_eur) + money(c.vat_eur)) * _total_for(c, weeks, days_per_month)
    return CostSummary(None if unknown_now else money(monthly), None if unknown_now else money(monthly_ex),
                       money(total) if weeks is not None and not unknown else None, unknown)


# --- the normal hire ----------------------------------------------------------------------

def _rate_on(day: dt.date) -> tuple[ParamValue, bool]:
    """The contribution rate on ``day`` and whether ``day`` is before the first encoded value."""
    found = [p for p in EMPLOYER_RATE if p.valid_from <= day]
    return (found[-1], False) if found else (EMPLOYER_RATE[0], True)


def _normal_figures(function, rate: ParamValue) -> tuple:
    """(hourly wage, gross, contributions, net) a month of a normal hire; None each when the wage is unknown."""
    hours = float(function.hourly_wage_eur) if function.hourly_wage_eur is not None else None
    gross = None if hours is None else money(hours * float(function.hours_per_week) * WEEKS_PER_MONTH)
    contributions = None if gross is None else money(gross * rate.value)
    net = None if gross is None else money(gross + contributions)
    return hours, gross, contributions, net


def normal_net_cost_eur(function, start: dt.date) -> float | None:
    """``normal_hire(...).net_cost_per_month_eur`` without its texts (the figure each instrument's net
    cost is compared with: 16 a pair, and the texts' number formatting was most of its cost)."""
    return _normal_figures(function, _rate_on(start)[0])[3]


def normal_hire(employer, function, start: dt.date) -> Baseline:
    """The normal-hire baseline: gross wage at the function's hours plus employer contributions.

    ``gross = function.hourly_wage_eur x hours_per_week x 52 / 12``; ``contributions = gross x
    rate`` (:data:`EMPLOYER_RATE` on ``start``). Unknown wage: the figures are None, and say so.
    """
    rate, early = _rate_on(start)
    hours, gross, contributions, net = _normal_figures(function, rate)
    basis = (_("{wage} EUR/h x {hours} h x 52/12").format(wage=format_number(hours, 2),
                                                         hours=format_number(float(function.hours_per_week)))
             if hours is not None else _("function.hourly_wage_eur is unknown"))
    notes = [_(rate.note)] if rate.note else []
    if early:
        notes.append(_("rate of {date}; the rates before it (tax shift 2016-2017) are not encoded")
                     .format(date=date_text(rate.valid_from)))
    category = getattr(employer, "sector_category", None)
    if category in ("non_profit", "public"):
        notes.append(_("the rate is the private sector's (category 1); a non-profit employer of category 2 "
                       "(Sociale Maribel) pays 32.40 % before its reductions, a public employer another rate"))
    costs = [Cost(_("gross wage"), "employer", "candidate", gross, "month", basis=basis),
             Cost(_("employer social contributions"), "employer", "RSZ", contributions, "month",
                  basis=_("{rate} of the gross wage").format(rate=format_percent(rate.value, 2)), params=[rate])]
    text = (_("normal hire: {gross} gross + {contributions} contributions ({rate}) = {net} EUR a month").format(
                gross=format_number(gross, 2), contributions=format_number(contributions, 2),
                rate=format_percent(rate.value, 2), net=format_number(net, 2))
            if net is not None else _("normal hire: unknown (function.hourly_wage_eur is unknown)"))
    return Baseline(code=NORMAL, kind="baseline", name=_("normal hire (no instrument)"), start=start,
                    gross_wage_per_month_eur=gross, employer_contribution_rate=rate.value,
                    employer_contributions_per_month_eur=contributions, net_cost_per_month_eur=net, text=text,
                    costs=[CostLine.of(c) for c in costs], source=rate.reference.cite(),
                    parameter_date=rate.valid_from, notes=notes)


# --- the net cost of an instrument ----------------------------------------------------------

def _signed_month_ex_vat(costs: list[Cost], days_per_month: float) -> tuple[float | None, list[str]]:
    """Sum a month (VAT excluded) of the items running in the first week; None with an unknown one."""
    total, gains = 0.0, []
    for c in costs:
        s = c.sign()
        if s == 0 or not _active_now(c) or c.per == "once":
            continue
        if c.amount_eur is None:
            return None, []
        total += s * money(c.amount_eur) * _month_factor(c.per, days_per_month)
        if s < 0 and c.amount_eur:
            gains.append(c.item)
    return total, gains


def derive_net_cost(basis: str | None, costs: list[Cost] | None, normal_eur: float | None,
                    days_per_month: float, stated: NetCost | None = None) -> NetCostLine:
    """The employer's net monthly cost of one instrument (VAT excluded), with how it was reached.

    ``basis`` is the instrument's ``cost_basis`` ("complete", "adjustment" or None: derived: any
    item paid by the employer makes the items complete, items only paid to it are an adjustment
    on a normal hire, items only between others mean the employer pays nothing); ``stated`` is
    what the plugin's ``net_cost`` returned. A negative figure is a net premium gain, said so.
    """
    if stated is not None:
        return _line(stated.amount_eur, "stated by the plugin", stated.text, [])
    if costs is None:
        return _line(None, None, _("net cost unknown: the plugin's costs are unknown for this date"), [])
    if basis is None:
        if not costs:
            return _line(None, None, _("net cost unknown: the plugin states no cost items"), [])
        if any(c.payer == "employer" for c in costs):
            basis = "complete"
        elif any(c.payee == "employer" for c in costs):
            basis = "adjustment"
        else:
            basis = "complete"
    if basis not in COST_BASES:   # the registry refuses others; a plugin may have changed it since
        return _line(None, None, _("net cost unknown: cost_basis {basis} is not one of {bases}").format(
            basis=repr(basis), bases=", ".join(COST_BASES)), [])
    total, gains = _signed_month_ex_vat(costs, days_per_month)
    if total is None:
        unknown = [c.item for c in costs if c.amount_eur is None and c.sign() and _active_now(c)]
        return _line(None, basis, _("net cost unknown: {items} unknown").format(
            items="; ".join(_(u) for u in unknown)), [])
    if basis == "adjustment":
        if normal_eur is None:
            return _line(None, basis, _("net cost unknown: the normal hire's wage is unknown "
                                        "(function.hourly_wage_eur)"), [])
        text = (_("normal hire {normal} - {amount} a month from the instrument") if total < 0 else
                _("normal hire {normal} + {amount} a month from the instrument"))
        return _line(money(normal_eur + total), basis, text.format(normal=format_number(normal_eur, 2),
                                                                    amount=format_number(abs(total), 2)), gains)
    text = (_("the items the employer pays minus those paid to it, a month, VAT excluded") if gains else
            _("the items the employer pays, a month, VAT excluded"))
    return _line(money(total), basis, text, gains)


def _line(amount: float | None, basis: str | None, text: str, gains: list[str]) -> NetCostLine:
    """The net cost line; texts in the language in use (a plugin's stated text through ``_()``)."""
    text = _(text)
    if amount is not None and amount < 0:
        why = ", ".join(_(g) for g in gains) or _("the items paid to the employer")
        text = _("net premium gain of {amount} EUR a month: {items} exceed what the employer pays ({how})").format(
            amount=format_number(-amount, 2), items=why, how=text)
    return NetCostLine(amount, basis, text, amount is not None and amount < 0)


# --- the recommendation ---------------------------------------------------------------------

_ELIGIBLE_ORDER = {True: 0, None: 1, False: 2}


def _rank(eligible, feasibility, cost, code: str) -> tuple:
    level = FEASIBILITY.index(feasibility) if feasibility in FEASIBILITY else len(FEASIBILITY)
    return (_ELIGIBLE_ORDER.get(eligible, 1), level, cost is None, cost if cost is not None else 0.0,
            str(code).casefold(), str(code))


def rank_key(result: InstrumentResult) -> tuple:
    """Eligibility (yes, unknown, no), then feasibility (high, medium, low), then net cost
    (known, lowest first), then code: never cost alone, ties deterministic."""
    return _rank(result.eligible, result.feasibility, result.net_cost_per_month_eur, result.code)


def row_rank_key(row: dict) -> tuple:
    """:func:`rank_key` of a row of :func:`~matchcore.instruments.evaluate.brief`."""
    return _rank(row.get("eligible"), row.get("feasibility"), row.get("net_cost_per_month_eur"), row.get("code"))


def recommended(results: list[InstrumentResult]) -> list[InstrumentResult]:
    """The results in the order of the recommendation (:func:`rank_key`), best first."""
    return sorted(results, key=rank_key)
