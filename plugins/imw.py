"""IMW: individueel maatwerk, from 2023-07-01 (succeeds the VOP) [imw-herwin][imw-vl].

Variants are the start packages: 5-year 40/30/20%, 5-year for a higher need 55/50/40%, 2-year 20%.
matchcore selects the higher-need package when VDAB attested a high support need, else the
5-year one (an assumption: VDAB and WSE decide the package).
"""
from __future__ import annotations

from dataclasses import replace

from matchcore.instruments import hookimpl
from matchcore.instruments import Check, Context, Cost, Instrument, Note, Step, Variant

from ._common import private_or_local_public_check, wage_costs
from .vop import indication_check, premium_items

PACKAGES = (
    Variant("5y", "5-year package 40/30/20%", "the default start package"),
    Variant("5y-high", "5-year package for a higher need 55/50/40%", "a higher need for support (matchcore: a "
            "high support need attested by VDAB)"),
    Variant("2y", "2-year package 20%", "a 2-year grant (not extendable)"),
)


class IMW(Instrument):
    code = "IMW"
    parameters_file = "imw.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    variants = PACKAGES

    def eligibility(self, ctx: Context) -> list[Check]:
        out = [indication_check(ctx, "disability and support need attested by VDAB")]
        category = private_or_local_public_check(ctx, self.ref("imw-sodalis"))
        return out + [category] if category is not None else out

    def select_variant(self, ctx: Context):
        if ctx.employment.support_need == "high":
            return "5y-high", Note("high support need: the higher-need 5-year package (matchcore's assumption; VDAB "
                                   "and WSE decide)", self.ref("imw-herwin"))
        return "5y", Note("the 5-year package by default; choose '5y-high' or '2y' with --variant",
                          self.ref("imw-herwin"))

    def costs(self, ctx: Context, variant: str | None = None) -> list[Cost]:
        packages = self.p("wage_premium_packages", ctx)
        cap = self.p("reference_wage_cap_ggmmi", ctx)
        key = variant or "5y"
        schedule = replace(packages, value=packages.value[key], name=f"{packages.name}.{key}")
        last_quarter = schedule.value[-1][0]
        items = [*wage_costs(self, ctx), *premium_items(self, ctx, schedule, "IMW wage premium", cap, "Departement WSE")]
        fixed = self.p("support_fixed_eur_q", ctx)
        first = 0
        for last, amount in fixed.value:
            last = last_quarter if last is None else min(last, last_quarter)
            if last > first:
                items.append(Cost(f"IMW support premium, fixed, quarters {first + 1}-{last}", "Departement WSE",
                                  "employer", float(amount), "quarter", params=[fixed], from_week=first * 13,
                                  until_week=last * 13))
            first = last
        variable = self.p("support_variable_eur_q", ctx)
        need = ctx.employment.support_need
        items.append(Cost(f"IMW support premium, variable ({need or 'need unknown'})", "Departement WSE", "employer",
                          float(variable.value[need]) if need else None, "quarter",
                          basis="by the support need VDAB attests" + ("" if need else
                                                                    ": candidate.employment.support_need unknown"),
                          params=[variable], until_week=last_quarter * 13))
        return items

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step("VDAB attests the disability and the need for support", ctx.before_start(1), who="candidate, VDAB",
                 source=self.ref("imw-vl")),
            Step("apply for individueel maatwerk at the Departement WSE; it runs from the quarter of the decision",
                 ctx.start, who="employer", source=self.ref("imw-vl")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        return [Note("employers: all private employers (vzw and temp agencies included), schools, local governments",
                     self.ref("imw-sodalis")),
                Note("the worker's contract must be of more than 24 h (rules sheet; unit not verified)", "rules-sheet")]


@hookimpl
def register_instruments():
    return [IMW()]
