"""Flexijob: from 2015-12-01 (horeca), widened by sector over time [S-001][flx-*].

Eligibility: at least 4/5 with other employers in quarter T-3 (or a pensioner, from 2018) and an
employer in an allowed joint committee on the start date. Cost: the flexi wage (at least the
PC 302 minimum where known) plus the special employer contribution, per week of the function's
hours.
"""
from __future__ import annotations

import datetime as dt

from matchcore.errors import ParameterError
from matchcore.instruments import hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, money

from ._common import field_or_fact, pc_matches


def quarter_label(day: dt.date, back: int = 0) -> str:
    q = (day.month - 1) // 3 - back
    year = day.year + q // 4
    return f"{year} Q{q % 4 + 1}"


class Flexijob(Instrument):
    code = "flexijob"
    parameters_file = "flexijob.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values

    def eligibility(self, ctx: Context) -> list[Check]:
        return [self._t3(ctx), self._sector(ctx)]

    def _t3(self, ctx: Context) -> Check:
        need = self.p("t3_min_fraction", ctx)
        pension = self.p("pensioners_exempt_from_t3", ctx)
        t3 = quarter_label(ctx.start, 3)
        if field_or_fact(ctx, ctx.employment.pensioner, "pensioner") and pension.value:
            return Check("T-3 employment", True, "pensioner: no T-3 condition", params=[pension])
        fraction = ctx.employment.regime_fraction_t3
        if fraction is None:
            now = ctx.employment.regime_fraction
            hint = f" (the current job is {now:g}; quarter T-3 counts)" if now is not None else ""
            return Check("T-3 employment", None, f"the work fraction with other employers in quarter T-3 ({t3}) is "
                         f"unknown{hint}; at least {need.value:g} (4/5) is needed", params=[need],
                         missing=["candidate.employment.regime_fraction_t3"])
        return Check("T-3 employment", fraction >= need.value - 1e-9,
                     f"worked {fraction:g} with other employers in quarter T-3 ({t3}); at least {need.value:g} needed",
                     params=[need])

    def _sector(self, ctx: Context) -> Check:
        sectors = self.p("sectors", ctx)
        pc = ctx.employer.joint_committee
        if pc is None:
            return Check("sector", None, "the employer's joint committee is unknown", params=[sectors],
                         missing=["employer.joint_committee"])
        if any(pc_matches(pc, allowed) for allowed in sectors.value["full"]):
            return Check("sector", True, f"flexijobs are allowed in PC {pc}", params=[sectors])
        for partial, why in sectors.value["partial"].items():
            if pc_matches(pc, partial):
                return Check("sector", None, f"in PC {pc} flexijobs are allowed only partly: {why}", params=[sectors],
                             missing=["whether the employer's activity or function is among the allowed ones"])
        return Check("sector", False, f"flexijobs are not allowed in PC {pc} on {ctx.start.isoformat()}",
                     params=[sectors])

    def duration(self, ctx: Context) -> Duration:
        return Duration(None, None, text="no limit; the hours are agreed per job", source="S-001")

    def costs(self, ctx: Context) -> list[Cost]:
        rate = self.p("employer_contribution_rate", ctx)
        wage = ctx.hourly_wage_eur
        params, basis = [rate], ""
        if ctx.employer.joint_committee and pc_matches(ctx.employer.joint_committee, "302"):
            try:
                minimum = self.p("min_wage_pc302_incl_holiday_eur", ctx)
                params.append(minimum)
                if wage is None or wage < minimum.value:
                    basis = f"PC 302 minimum flexi wage {minimum.value:.2f} EUR/h incl. holiday pay"
                    wage = minimum.value
            except ParameterError:
                basis = "the PC 302 minimum flexi wage for this date is not in the parameters"
        if wage is None:
            return [Cost("flexi wage", "employer", "candidate", None, "week",
                         basis="function.hourly_wage_eur is unknown (at least the sector scale)"),
                    Cost("special employer contribution", "employer", "RSZ", None, "week", params=[rate])]
        weekly = money(wage * ctx.hours_per_week)
        basis = basis or f"the function's wage {wage:.2f} EUR/h (at least the sector scale)"
        return [
            Cost("flexi wage (free of worker contributions)", "employer", "candidate", weekly, "week",
                 basis=f"{basis} x {ctx.hours_per_week:g} h", params=params),
            Cost("special employer contribution", "employer", "RSZ", money(weekly * rate.value), "week",
                 basis=f"{rate.value:.0%} of the flexi wage", params=[rate]),
        ]

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step("written framework agreement (identities, call-up, functions, flexi wage, the 4/5 condition)",
                 ctx.before_start(1), who="employer, candidate", legal=True, source=self.ref("flx-contract")),
            Step("flexi employment contract for the job, hours agreed beforehand (oral or written)", ctx.start,
                 who="employer, candidate", legal=True, recurring="each job", source="S-001"),
            Step("Dimona FLX before the job starts (oral contract: a day Dimona with start and end times)", ctx.start,
                 who="employer", legal=True, recurring="each job", source=self.ref("flx-contract")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        out = [Note("not with an employer where the candidate works at least 4/5 in the same quarter, nor during a "
                    "notice period with it; since 2024 not at a company linked to the main employer; never artistic "
                    "or care functions", self.ref("flx-konsil"))]
        try:
            cap = self.p("tax_free_cap_eur", ctx)
            maximum = self.p("max_wage_factor", ctx)
            out.append(Note(f"flexi income is tax-free up to EUR {cap.value:,} a year for non-pensioners", params=[cap]))
            out.append(Note(f"the flexi wage may be at most {maximum.value:g} x the minimum", params=[maximum]))
            out.append(Note("after a switch from full time to 4/5, a waiting period of 2 quarters applies",
                            self.ref("flx-konsil")))
        except ParameterError:
            pass
        return out


@hookimpl
def register_instruments():
    return [Flexijob()]
