"""Federal target-group reduction for first hires (doelgroepvermindering eerste aanwervingen).

A private-sector employer that, in the 12 months before the hire, never employed more than n-1
workers at the same time gets a flat reduction of its employer contributions for its n-th worker
[rsz-first][prato-2022]. The record gives n through ``employer.max_workers_last_12_months``; with
only ``employer.workers`` (today's count, a lower bound of that maximum) the answer is a definite
no once even the lowest possible rank has no reduction, and unknown otherwise.

The reduction cannot exceed the employer contributions due on the worker's wage, so the cost
caps each quarter's amount at the estimated contributions (the shared ``employer_rsz_rate``).
"""
from __future__ import annotations

import datetime as dt

from matchcore.i18n import format_percent
from matchcore.instruments import _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Instrument, Note, Step, money

from ._common import CATEGORY_WORDS, field_or_fact, wage_costs

WEEKS_PER_QUARTER = 13


def quarter_declaration_due(day: dt.date) -> dt.date:
    """Last day of the month after the quarter of ``day``: when that quarter's DmfA is due."""
    first_after = dt.date(day.year + (day.month > 9), (((day.month - 1) // 3 + 1) * 3) % 12 + 1, 1)
    month_after_end = dt.date(first_after.year + (first_after.month == 12), first_after.month % 12 + 1, 1)
    return month_after_end - dt.timedelta(days=1)


class FirstHires(Instrument):
    code = "eerste-aanwerving"
    parameters_file = "eerste_aanwerving.yaml"
    shared_parameters_file = "shared.yaml"   # employer_rsz_rate, the seeds: the built-ins' shared values
    # how practical the route is for the employer (the recommendation ranks by it after eligibility)
    feasibility = "high"
    feasibility_reason = ("automatic through the employer's DmfA declaration once the employer qualifies; no application or approval needed [rsz-first]")

    def _counts(self, ctx: Context) -> tuple[int | None, int | None]:
        emp = ctx.employer
        workers = field_or_fact(ctx, emp.workers, "workers", extra_of=emp)
        most = field_or_fact(ctx, emp.max_workers_last_12_months, "max_workers_last_12_months", extra_of=emp)
        return workers, most

    def rank(self, ctx: Context) -> int | None:
        """The hire is the n-th worker: the most employed at once in the reference period, plus one."""
        most = self._counts(ctx)[1]
        return None if most is None else int(most) + 1

    def eligibility(self, ctx: Context) -> list[Check]:
        table = self.p("reduction_by_rank", ctx)
        period = self.p("reference_period_months", ctx)
        ranks = sorted(int(k) for k in table.value)
        listed = (_("ranks {first}-{last}").format(first=ranks[0], last=ranks[-1]) if len(ranks) > 1
                  else _("rank {rank}").format(rank=ranks[0]))
        workers, most = self._counts(ctx)
        if most is not None:
            n = int(most) + 1
            rank = Check("rank of the hire", n in ranks, _(
                "at most {most} worker(s) at the same time in the {months} months before the hire: this hire is "
                "worker no. {n}; a reduction exists for {listed}").format(most=most, months=period.value, n=n,
                                                                         listed=listed), params=[table, period])
        elif workers is not None and int(workers) + 1 > ranks[-1]:
            rank = Check("rank of the hire", False, _(
                "the employer employs {workers} worker(s) now, so this hire is at least worker no. {n}; a reduction "
                "exists only for {listed}").format(workers=workers, n=int(workers) + 1, listed=listed),
                params=[table, period])
        else:
            known = _("{n} now; ").format(n=workers) if workers is not None else ""
            rank = Check("rank of the hire", None,
                         _("the most workers employed at the same time in the {months} months before the hire "
                           "is unknown ({known}a reduction exists for {listed})").format(
                               months=period.value, known=known, listed=listed), params=[table, period],
                         missing=["employer.max_workers_last_12_months"])
        return [self._category(ctx), rank]

    def _category(self, ctx: Context) -> Check:
        excluded = self.p("excluded_categories", ctx)
        category = ctx.employer.sector_category
        if category is None:
            return Check("employer category", True, _("private-sector employers only; employer.category not given: "
                                                      "taken as private"), params=[excluded])
        return Check("employer category", category not in excluded.value, _(
            "private-sector employers only (profit and non-profit); the employer is {category}").format(
                category=_(CATEGORY_WORDS[category])), params=[excluded])

    def costs(self, ctx: Context) -> list[Cost]:
        out = wage_costs(self, ctx)
        table = self.p("reduction_by_rank", ctx)
        rate = self.shared("employer_rsz_rate", ctx)
        n = self.rank(ctx)
        steps = table.value.get(n) if n is not None else None
        if steps is None:
            why = (_("the rank of the hire is unknown") if n is None
                   else _("no reduction for worker no. {n}").format(n=n))
            out.append(Cost(_("reduction of employer contributions"), "RSZ", "employer", None if n is None else 0.0,
                            "quarter", basis=why, params=[table]))
            return out
        wage = ctx.monthly_gross_wage_eur
        cap = None if wage is None else wage * 3 * rate.value
        since = 0
        for until, amount in steps:
            capped = None if cap is None else min(float(amount), cap)
            span = (_("unlimited in time") if until is None
                    else _("quarters {first}-{last}").format(first=since + 1, last=until))
            basis = (_("worker no. {n}: at most {amount} a quarter, {span}; capped at the estimated employer "
                       "contributions ({rate} of the quarterly wage = {cap})") if cap is not None else
                     _("worker no. {n}: at most {amount} a quarter, {span}; capped at the estimated employer "
                       "contributions ({rate} of the quarterly wage: wage unknown)")).format(
                         n=n, amount=format_number(amount), span=span, rate=format_percent(rate.value),
                         cap=format_number(cap, 2))
            out.append(Cost(_("reduction of employer contributions ({span})").format(span=span), "RSZ", "employer",
                            money(capped), "quarter", basis=basis, params=[table, rate],
                            from_week=since * WEEKS_PER_QUARTER, until_week=None if until is None else until * WEEKS_PER_QUARTER))
            since = until or since
        return out

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step(_("Dimona declaration of the new worker"), ctx.start, who="employer (social secretariat)", legal=True,
                 source=self.ref("rsz-first")),
            Step(_("declare the reduction in the DmfA of the quarter of the hire"), quarter_declaration_due(ctx.start),
                 who="employer (social secretariat)", legal=True, source=self.ref("rsz-first")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        out = [
            Note(_("counted per technical business unit: the employer must not belong to one with another employer "
                   "that employed more workers, and the new worker must not replace one who worked in the same unit "
                   "in the 12 months before"), self.ref("sx-tbe")),
            Note(_("apprentices, domestic staff, occasional (extras) and flexi workers are not counted for the rank"),
                 self.ref("prato-2022")),
        ]
        change = dt.date(2026, 4, 1)
        if ctx.start < change <= ctx.start + dt.timedelta(weeks=52 * 5):
            later = self.p("reduction_by_rank", change)
            out.append(Note(_("planned from 2026-04-01 (a draft): EUR 2,000 a quarter for the first worker and EUR "
                              "1,000 a quarter for 13 quarters for the 2nd-5th; in 2024 the lower first-worker "
                              "amount also applied to first workers hired before"), params=[later]))
        return out


@hookimpl
def register_instruments():
    return [FirstHires()]
