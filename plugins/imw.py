"""IMW: individueel maatwerk, from 2023-07-01 (succeeds the VOP) [imw-herwin][imw-vl].

Variants are the start packages: 5-year 40/30/20%, 5-year 55/50/40% ("met behoefte verhoogde
loonpremie of advies collectief maatwerk"), 2-year 20% [imw-herwin]. A worker with an advice for
collective maatwerk gets 55/50/40; a maatwerk target-group worker has one (matchcore's doorstromers),
so that is assumed unless ``employment.collective_maatwerk_advice`` is false. The support premium
(begeleidingspremie) is only paid when a need for guidance is established [imw-herwin]: without
``employment.support_need`` no support premium is counted. Its amounts are indexed [imw-begeleiding].
"""
from __future__ import annotations

from dataclasses import replace

from matchcore.instruments import N_, _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Instrument, Note, Step, Variant

from ._common import index_notes, private_or_local_public_check, wage_costs
from .vop import indication_check, premium_items

PACKAGES = (
    Variant("5y", "5-year package 40/30/20%", "the default start package"),
    Variant("5y-high", "5-year package 55/50/40% (higher wage-premium need, or an advice for collective maatwerk)",
            "an advice for collective maatwerk (advies collectief maatwerk), or a need for a higher wage premium"),
    Variant("2y", "2-year package 20%", "a 2-year grant (not extendable)"),
)

# The support need as a coach reads it (the codes of employment.support_need).
SUPPORT_NEEDS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}
# The regions of matchcore.postcodes as a coach reads them.
REGION_WORDS = {"flanders": N_("Flanders"), "brussels": N_("Brussels"), "wallonia": N_("Wallonia")}


def region_words(region: str | None) -> str:
    return _(REGION_WORDS[region]) if region in REGION_WORDS else str(region)


class IMW(Instrument):
    code = "IMW"
    parameters_file = "imw.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    variants = PACKAGES

    feasibility = "medium"
    feasibility_reason = ("an application at the Departement WSE after VDAB's attestation, with a support plan; "
                          "the package is decided by VDAB and WSE [imw-vl]")

    def eligibility(self, ctx: Context) -> list[Check]:
        out = [indication_check(ctx, N_("disability and support need attested by VDAB")), self._residence(ctx)]
        category = private_or_local_public_check(ctx, self.ref("imw-sodalis"))
        return out + [category] if category is not None else out

    def _residence(self, ctx: Context) -> Check:
        """Living in Flanders, or in the EU/EEA (all of Belgium) and working in Flanders [imw-sodalis][imw-liberform]."""
        home, site = ctx.candidate.home.region, ctx.employer.location.region
        if home == "flanders":
            return Check("worker's home", True, _("the worker lives in Flanders"), self.ref("imw-liberform"))
        if site == "flanders":   # the sources disagree for a Belgian resident outside Flanders
            return Check("worker's home", None, _("the worker lives in {home} and works in Flanders: yes by 'wonen in "
                                                  "een lidstaat van de EER of EU en werken in Vlaanderen' "
                                                  "[imw-liberform][imw-sodalis], no by Herwin's FAQ (not for "
                                                  "residents of Wallonia or Brussels) [imw-herwin-who]").format(
                                                      home=region_words(home)),
                         self.ref("imw-liberform"),
                         missing=[_("whether WSE admits a worker living in Brussels or Wallonia who works in "
                                    "Flanders")])
        return Check("worker's home", False, _("the worker lives in {home} and works in {site}: IMW needs a home in "
                                               "Flanders, or a home in the EU/EEA and work in Flanders").format(
                                                   home=region_words(home), site=region_words(site)),
                         self.ref("imw-liberform"))
        # (a home abroad is not a region matchcore records: candidates live at a Belgian postcode)

    def collective_advice(self, ctx: Context) -> tuple[bool | None, str]:
        """Whether the worker has an advice for collective maatwerk, and how matchcore knows."""
        emp = ctx.employment
        if emp.collective_maatwerk_advice is not None:
            return emp.collective_maatwerk_advice, "candidate.employment.collective_maatwerk_advice"
        if emp.status == "sec_employee" and emp.statute == "maatwerk":
            return True, _("a maatwerk target-group worker has an advice for collective maatwerk (assumed; set "
                           "employment.collective_maatwerk_advice: false if not)")
        return None, _("employment.collective_maatwerk_advice is unknown")

    def select_variant(self, ctx: Context):
        advice, how = self.collective_advice(ctx)
        if advice:
            return "5y-high", Note(_("the 55/50/40% package: an advice for collective maatwerk ({how})").format(
                how=how), self.ref("imw-herwin"))
        if ctx.employment.support_need == "high":
            return "5y-high", Note(_("high support need: the 55/50/40% package for a higher need (matchcore's "
                                     "assumption; VDAB and WSE decide)"), self.ref("imw-herwin"))
        return "5y", Note(_("the 5-year package 40/30/20% (no advice for collective maatwerk known); choose '5y-high' "
                            "or '2y' with --variant"), self.ref("imw-herwin"))

    def costs(self, ctx: Context, variant: str | None = None) -> list[Cost]:
        packages = self.p("wage_premium_packages", ctx)
        cap = self.p("reference_wage_cap_ggmmi", ctx)
        key = variant or "5y"
        schedule = replace(packages, value=packages.value[key], name=f"{packages.name}.{key}")
        last_quarter = schedule.value[-1][0]
        items = [*wage_costs(self, ctx), *premium_items(self, ctx, schedule, N_("IMW wage premium"), cap,
                                                         "Departement WSE")]
        need = ctx.employment.support_need
        if need is None:   # "een begeleidingspremie wordt enkel toegekend als er een behoefte ... wordt vastgesteld"
            return items
        fixed = self.p("support_fixed_eur_q", ctx)
        first = 0
        for last, amount in fixed.value:
            last = last_quarter if last is None else min(last, last_quarter)
            if last > first:
                items.append(Cost(_("IMW support premium, fixed, quarters {first}-{last}").format(first=first + 1,
                                                                                                  last=last),
                                  "Departement WSE", "employer", float(amount), "quarter", params=[fixed],
                                  from_week=first * 13, until_week=last * 13))
            first = last
        variable = self.p("support_variable_eur_q", ctx)
        items.append(Cost(_("IMW support premium, variable ({need})").format(need=_(SUPPORT_NEEDS.get(need, need))),
                          "Departement WSE", "employer",
                          float(variable.value[need]), "quarter", basis=_("by the support need VDAB attests"),
                          params=[variable], until_week=last_quarter * 13))
        return items

    def net_gain_note(self, ctx: Context) -> Note | None:
        """Say why the monthly cost is negative when the first quarters' premiums exceed the wage cost."""
        key = ctx.variants.get(self.code) or self.select_variant(ctx)[0]
        items = self.costs(ctx, key)
        if any(c.amount_eur is None for c in items):
            return None
        monthly = {"month": 1.0, "quarter": 1 / 3}
        first = [c for c in items if c.from_week == 0 and c.per in monthly]
        net = sum(c.sign() * c.amount_eur * monthly[c.per] for c in first)
        if net >= 0:
            return None
        wage = sum(c.amount_eur for c in first if c.payer == "employer")
        return Note(_("net premium gain: in the first quarters the premiums ({premiums} EUR a month) exceed the wage "
                      "cost with contributions ({wage} EUR a month), so the employer gains {gain} EUR a month; the "
                      "wage premium is a share of the reference wage (gross wage plus employer contributions), the "
                      "support premium pays for the guidance the employer must give").format(
                          premiums=format_number(-net + wage, 2), wage=format_number(wage, 2),
                          gain=format_number(-net, 2)), self.ref("imw-herwin"))

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step(_("VDAB attests the disability and the need for support"), ctx.before_start(1),
                 who=_("candidate, VDAB"), source=self.ref("imw-vl")),
            Step(_("apply for individueel maatwerk at the Departement WSE; it runs from the quarter of the decision"),
                 ctx.start, who=_("employer"), source=self.ref("imw-vl")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        out = [Note(_("employers: all private employers (vzw and temp agencies included), schools, local "
                      "governments"), self.ref("imw-sodalis")),
               Note(_("the worker's contract must last longer than one day ('meer dan 24 uur')"), "rules-2026")]
        if ctx.employment.support_need is None:
            out.append(Note(_("no support premium counted: it is only paid when VDAB establishes a need for guidance "
                              "(give employment.support_need: low, medium or high)"), self.ref("imw-herwin")))
        gain = self.net_gain_note(ctx)
        params = [self.shared("ggmmi_monthly_eur", ctx)]
        if ctx.employment.support_need is not None:
            params += [self.p("support_fixed_eur_q", ctx), self.p("support_variable_eur_q", ctx)]
        return out + ([gain] if gain else []) + index_notes(*params)


@hookimpl
def register_instruments():
    return [IMW()]
