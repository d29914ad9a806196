"""BIO: beroepsinlevingsovereenkomst, with the seed's BIO-booster price sheet [S-000], until 2018-09-01.

On a date before 2018-09-01 the rules of that date apply: the promoter invoices the allowance
(EUR 766 in the seed), a service price and commuting at EUR 0.30/km. The two contradictory service
prices of the seed are two variants (see ``_booster``). From 2018-09-01 the BIO is the BIS.
"""
from __future__ import annotations

from matchcore.instruments import N_, _, format_number, hookimpl
from matchcore.instruments import Check, Context, Duration, Instrument, Note

from . import _booster
from ._common import status_check


class BIO(Instrument):
    code = "BIO"
    parameters_file = "bio.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    feasibility = "medium"
    feasibility_reason = ("abolished on 2018-09-01; a BIO-booster promoter organised it for a service price [S-000]")
    variants = _booster.VARIANTS

    def eligibility(self, ctx: Context) -> list[Check]:
        return [status_check(self, ctx, "allowed_statuses", "candidate situation", unclear={
            "sec_employee": N_("unclear whether a SEC worker who is still employed can start one (leave or "
                               "termination?) [rules sheet, unverified]")})]

    def duration(self, ctx: Context) -> Duration:
        limit = self.p("max_duration_weeks", ctx)
        return Duration(None, None, text=_("no legal maximum for a BIO; the training plan sets it"), params=[limit])

    def select_variant(self, ctx: Context):
        return _booster.select(ctx)

    def costs(self, ctx: Context, variant: str | None = None):
        allowance = _booster.p("allowance_month_eur", ctx)
        amount = allowance.value * ctx.fraction
        basis = _("{allowance} EUR a month full time x {fraction} ({hours} h / 38 h)").format(
            allowance=format_number(allowance.value, 2), fraction=format_number(ctx.fraction, 3),
            hours=format_number(ctx.hours_per_week))
        return _booster.costs(self, ctx, variant, amount, basis, [allowance])

    def steps(self, ctx: Context):
        return _booster.steps(ctx, contract=N_("BIO contract"))

    def notes(self, ctx: Context) -> list[Note]:
        chosen = ctx.variants.get(self.code) or _booster.select(ctx)[0]
        return [Note(_("no hiring obligation after the BIO"), "S-000"),
                Note(_("only for a job the trainee has not done or learned before"), "S-002"),
                *_booster.notes(ctx, chosen)]


@hookimpl
def register_instruments():
    return [BIO()]
