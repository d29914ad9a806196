"""The employer's cost of an instrument: a month (incl. and excl. VAT) and over the placement.

Items paid by the employer add to its cost; items paid to it (a premium, a contribution
reduction) lower it; items between others (VDAB paying the trainee) are shown but not counted.
"""
from __future__ import annotations

from matchcore.instruments.results import CostSummary
from matchcore.instruments.types import WEEKS_PER_MONTH, Context, Cost, money

__all__ = ["summarise_costs"]


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
    return CostSummary(None if unknown_now else money(monthly), None if unknown_now else money(monthly_ex),
                       money(total) if weeks is not None and not unknown else None, unknown)
