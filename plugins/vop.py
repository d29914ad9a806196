"""VOP: Vlaamse ondersteuningspremie (2008-10-01 until 2023-07-01, then IMW) [S-001][vop-werk].

The employer's cost is the wage plus (estimated) contributions minus the premium: the premium
share of the reference wage (gross + contributions), capped at 2 x GGMMI pro rata, per quarter.
"""
from __future__ import annotations

from matchcore.i18n import format_percent
from matchcore.instruments import N_, _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Instrument, Note, Step, money

from ._common import index_notes, private_or_local_public_check, region_check, wage_costs


def indication_check(ctx: Context, rule: str = "work disability") -> Check:
    ind = ctx.employment.vop_indication
    if ind is None:
        return Check(rule, None, _("whether VDAB recognised a work disability (indication arbeidshandicap) is "
                                   "unknown"), "S-001", missing=["candidate.employment.vop_indication"])
    return Check(rule, bool(ind), _("VDAB recognised a work disability") if ind
                 else _("VDAB did not recognise a work disability"), "S-001")


def premium_items(inst: Instrument, ctx: Context, schedule, label: str, cap_param, payer: str) -> list[Cost]:
    """Quarterly premium items from a schedule [[up to quarter, share], ...] on the capped reference wage.

    ``label`` is an English msgid (``N_()``), shown in the language in use."""
    rate = inst.shared("employer_rsz_rate", ctx)
    ggmmi = inst.shared("ggmmi_monthly_eur", ctx)
    wage = ctx.monthly_gross_wage_eur
    params = [schedule, cap_param, ggmmi, rate]
    items, first = [], 0
    for last, share in schedule.value:
        if wage is None:
            amount, basis = None, _("function.hourly_wage_eur is unknown")
        else:
            reference = wage * (1 + rate.value)
            cap = cap_param.value * ggmmi.value * ctx.fraction
            amount = money(share * min(reference, cap) * 3)
            basis = _("{share} x min(reference wage {reference}, cap {factor} x GGMMI {ggmmi} x {fraction} = {cap}) "
                      "x 3 months").format(share=format_percent(share), reference=format_number(reference, 2),
                                           factor=format_number(cap_param.value), ggmmi=format_number(ggmmi.value, 2),
                                           fraction=format_number(ctx.fraction, 3), cap=format_number(cap, 2))
        item = _("{label} quarters {first}-{last} ({share})").format(label=_(label), first=first + 1, last=last,
                                                                     share=format_percent(share))
        items.append(Cost(item, payer, "employer", amount, "quarter",
                          basis=basis, params=params, from_week=first * 13, until_week=last * 13))
        first = last
    return items


class VOP(Instrument):
    code = "VOP"
    parameters_file = "vop.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    feasibility = "medium"
    feasibility_reason = ("a VDAB indication of a work disability first, then an application at the Departement WSE "
                          "[S-001]; closed to new VOPs since 2023-07-01 (successor IMW)")

    def eligibility(self, ctx: Context) -> list[Check]:
        out = [indication_check(ctx), region_check(self, ctx, "resident_regions", "worker's home", whose="candidate")]
        category = private_or_local_public_check(ctx, self.ref("vop-werk"))
        return out + [category] if category is not None else out

    def costs(self, ctx: Context) -> list[Cost]:
        schedule = self.p("premium_schedule", ctx)
        cap = self.p("reference_wage_cap_ggmmi", ctx)
        return [*wage_costs(self, ctx),
                *premium_items(self, ctx, schedule, N_("VOP premium"), cap, "Departement WSE")]

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step(_("VDAB indication of a work disability, via the 'inschattingslijst' in Mijn Loopbaan voor "
                   "Partners or by the worker"), ctx.before_start(1), who="SEC employer or candidate", source="S-001"),
            Step(_("apply for the VOP at the Departement WSE (werk.be)"), ctx.start, who="employer", source="S-001"),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        out = [Note(_("employers: private sector, schools, temp agencies, local governments; a maatwerkbedrijf only "
                      "for a former target-group worker moved to another function; not in workplace learning"),
                    self.ref("vop-werk"))]
        if ctx.employment.statute == "lde":
            out.append(Note(_("the seed's indication route is for SW, BW and maatwerk statutes, not for LDE"),
                            "S-001"))
        return out + index_notes(self.shared("ggmmi_monthly_eur", ctx))


@hookimpl
def register_instruments():
    return [VOP()]
