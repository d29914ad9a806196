"""IBO: individuele beroepsopleiding, and its K-IBO variant for vulnerable jobseekers.

The premium bracket is chosen by the function's future gross monthly wage at full time
(hourly wage x 38 h x 52/12) and paid pro rata for a part-time IBO [ibo-sodalis]. After the IBO
the employer must hire: an open-ended contract or one of at least the IBO's duration [ibo-voka].
"""
from __future__ import annotations

from matchcore.instruments import _, hookimpl
from matchcore.instruments import (FULL_TIME_HOURS, Check, Context, Cost, Duration, Instrument, Note, Step,
                                   money)

from ._common import STATUS_WORDS, field_or_fact, index_notes, region_check


class IBO(Instrument):
    code = "IBO"
    parameters_file = "ibo.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    feasibility = "high"
    feasibility_reason = ("a standard VDAB route (plan approved by VDAB, a 3-party contract); it ends in a hire, "
                          "the employer must then offer a contract at least as long [ibo-voka]")

    def eligibility(self, ctx: Context) -> list[Check]:
        out = [self._situation(ctx), region_check(self, ctx, "employer_regions", "employer site"),
               self._sector(ctx)]
        previous = self._previous_employment(ctx)
        return out + [previous] if previous is not None else out

    def _previous_employment(self, ctx: Context) -> Check | None:
        """Not with an employer the candidate worked for [ibo-faq]; no check when none are listed."""
        listed = ctx.employment.previous_employers
        if not listed:
            return None
        if ctx.employer.id in listed:
            return Check("previous employment", False, f"the candidate worked for {ctx.employer.id} before "
                         "(candidate.employment.previous_employers); unless that was at most 20 days as a temp or "
                         "as a student, an IBO there is not possible", self.ref("ibo-faq"))
        return Check("previous employment", True, f"{ctx.employer.id} is not among the candidate's previous "
                     "employers", self.ref("ibo-faq"))

    def _situation(self, ctx: Context) -> Check:
        allowed = self.p("allowed_statuses", ctx)
        excluded = self.p("excluded_statutes", ctx)
        emp = ctx.employment
        words = STATUS_WORDS.get(emp.status, emp.status)
        if emp.status == "sec_employee" and emp.statute in excluded.value:
            return Check("candidate situation", False, f"a target-group worker still employed in "
                         f"{'a maatwerkbedrijf' if emp.statute == 'maatwerk' else 'LDE'} cannot start an IBO",
                         params=[excluded, allowed])
        if emp.status == "sec_employee" and emp.status in allowed.value:
            return Check("candidate situation", True, "a SEC worker, after resigning with an RVA ruling to keep the "
                         "unemployment benefit (the seed's practice)", params=[allowed])
        ok = emp.status in allowed.value
        return Check("candidate situation", ok, _("candidate is {status}; an IBO is for {allowed}").format(
            status=_(words), allowed=", ".join(_(STATUS_WORDS.get(s, s)) for s in allowed.value)), params=[allowed])

    def _sector(self, ctx: Context) -> Check:
        words = self.p("excluded_sector_words", ctx)
        sector = (ctx.employer.sector or "").casefold()
        hit = next((w for w in words.value if w in sector), None)
        return Check("employer sector", hit is None, f"sector {ctx.employer.sector!r}"
                     + (f" is service-voucher work, excluded" if hit else ": not service-voucher work"), params=[words])

    def duration(self, ctx: Context) -> Duration:
        limits = self.p("duration_weeks", ctx)
        return Duration(limits.value["min"], limits.value["max"], params=[limits])

    def costs(self, ctx: Context) -> list[Cost]:
        brackets = self.p("premium_brackets", ctx)
        wage = ctx.hourly_wage_eur
        if wage is None:
            return [Cost("monthly premium to VDAB", "employer", "VDAB", None, "month",
                         basis="by the future wage: function.hourly_wage_eur is unknown", params=[brackets])]
        full_time = wage * FULL_TIME_HOURS * 52 / 12
        premium = next(p for below, p in brackets.value if below is None or full_time < below)
        return [Cost("monthly premium to VDAB (no wage, no RSZ, no travel costs)", "employer", "VDAB",
                     money(premium * ctx.fraction), "month",
                     basis=f"future wage {full_time:.2f} EUR/month full time -> EUR {premium} x {ctx.fraction:.3f} "
                           f"(part time pro rata); VAT not verified (none assumed)", params=[brackets])]

    def steps(self, ctx: Context) -> list[Step]:
        out = []
        if ctx.employment.status == "sec_employee" and "sec_employee" in self.p("allowed_statuses", ctx).value:
            out.append(Step("RVA ruling requested, then resignation at the SEC employer without losing benefits",
                            ctx.before_start(1), who="SEC employer, candidate", source="S-001"))
        hire = f"{ctx.duration_weeks:g} weeks" if ctx.duration_weeks is not None else "the IBO's duration"
        out += [
            Step("candidate and training plan proposed to VDAB, VDAB approves", ctx.before_start(1), who="employer",
                 legal=True, source=self.ref("ibo-opwijk")),
            Step("3-party IBO contract (employer, trainee, VDAB) signed before the start", ctx.before_start(1),
                 who="employer, candidate, VDAB", legal=True, source=self.ref("ibo-opwijk")),
            Step("common-law insurance equivalent to workplace accident cover, and civil liability insurance",
                 ctx.before_start(1), who="employer", source=self.ref("ibo-vdab")),
            Step("follow-up by the VDAB consultant", ctx.start, who="VDAB", recurring="during the IBO",
                 source=self.ref("ibo-opwijk")),
            Step(f"hire: open-ended contract, or fixed-term of at least {hire}, in the trained function", ctx.end,
                 who="employer", legal=True, source=self.ref("ibo-voka")),
        ]
        return out

    def notes(self, ctx: Context) -> list[Note]:
        hire = f"{ctx.duration_weeks:g} weeks" if ctx.duration_weeks is not None else "the IBO's duration"
        brackets = [] if self.code == "K-IBO" else index_notes(self.p("premium_brackets", ctx))
        return [
            *brackets,
            Note(f"hiring obligation: afterwards an open-ended contract, or a fixed-term one of at least {hire}, in "
                 "the function of the training plan", self.ref("ibo-voka")),
            Note("the candidate must not have worked for this employer before (except up to 20 days as a temp, or "
                 "as a student); no department on temporary unemployment; no VDAB arrears", self.ref("ibo-faq")),
            Note("the trainee keeps the benefit plus a VDAB IBO premium; travel and childcare costs are paid by VDAB",
                 self.ref("ibo-vdab")),
        ]


class KIBO(IBO):
    code = "K-IBO"

    def eligibility(self, ctx: Context) -> list[Check]:
        return [*super().eligibility(ctx), self._vulnerable(ctx)]

    def _vulnerable(self, ctx: Context) -> Check:
        months = self.p("kibo_registration_months", ctx)
        emp = ctx.employment
        if emp.vop_indication:
            return Check("vulnerable jobseeker", True, "VDAB indication of a work disability", params=[months])
        if field_or_fact(ctx, emp.sickness_benefit, "riziv"):
            return Check("vulnerable jobseeker", True, "on sickness benefit (RIZIV), taking steps to work",
                         params=[months])
        age = ctx.age
        need = None if age is None else months.value["under_25" if age < 25 else "from_25"]
        missing = []
        if emp.jobseeker_since is None:
            missing.append("candidate.employment.jobseeker_since")
        if age is None:
            missing.append("candidate.birth_date")
        if emp.vop_indication is None:
            missing.append("candidate.employment.vop_indication")
        if emp.status == "jobseeker" and emp.jobseeker_since is not None and need is not None:
            registered = (ctx.start.year - emp.jobseeker_since.year) * 12 + ctx.start.month - emp.jobseeker_since.month \
                - (ctx.start.day < emp.jobseeker_since.day)
            if registered >= need:
                return Check("vulnerable jobseeker", True, f"registered {registered} months before the start "
                             f"(at least {need} at age {age})", params=[months])
            if emp.vop_indication is False:
                return Check("vulnerable jobseeker", False, f"registered {registered} months (needs {need} at age "
                             f"{age}) and no indication of a work disability", params=[months])
            missing = ["candidate.employment.vop_indication"]
        elif emp.status != "jobseeker" and emp.vop_indication is False:
            return Check("vulnerable jobseeker", False, "not a registered jobseeker and no indication of a work "
                         "disability", params=[months])
        return Check("vulnerable jobseeker", None, "a K-IBO needs an indication of a work disability, or 12 months "
                     "registered as a jobseeker (under 25) / 24 months (from 25), or RIZIV", params=[months],
                     missing=missing or ["candidate.employment.vop_indication"])

    def duration(self, ctx: Context) -> Duration:
        limits = self.p("duration_weeks", ctx)
        longest = self.p("kibo_max_weeks", ctx)
        return Duration(limits.value["min"], longest.value, params=[limits, longest])

    def costs(self, ctx: Context) -> list[Cost]:
        premium = self.p("kibo_premium_eur", ctx)
        return [Cost("no monthly premium for a K-IBO", "employer", "VDAB", premium.value, "month", params=[premium])]


@hookimpl
def register_instruments():
    return [IBO(), KIBO()]
