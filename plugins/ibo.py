"""IBO: individuele beroepsopleiding, and its K-IBO variant for vulnerable jobseekers.

The premium bracket is chosen by the function's future gross monthly wage at full time
(hourly wage x 38 h x 52/12) and paid pro rata for a part-time IBO [ibo-sodalis]. After the IBO
the employer must hire: an open-ended contract or one of at least the IBO's duration [ibo-voka].
"""
from __future__ import annotations

from matchcore.instruments import N_, _, format_number, hookimpl
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
        out = [self._situation(ctx), region_check(self, ctx, "employer_regions", N_("employer site")),
               self._sector(ctx)]
        previous = self._previous_employment(ctx)
        return out + [previous] if previous is not None else out

    def _previous_employment(self, ctx: Context) -> Check | None:
        """Not with an employer the candidate worked for [ibo-faq]; no check when none are listed."""
        listed = ctx.employment.previous_employers
        if not listed:
            return None
        if ctx.employer.id in listed:
            return Check("previous employment", False, _("the candidate worked for {employer} before "
                                                         "(candidate.employment.previous_employers); unless that was "
                                                         "at most 20 days as a temp or as a student, an IBO there is "
                                                         "not possible").format(employer=ctx.employer.id),
                         self.ref("ibo-faq"))
        return Check("previous employment", True, _("{employer} is not among the candidate's previous "
                                                    "employers").format(employer=ctx.employer.id), self.ref("ibo-faq"))

    def _situation(self, ctx: Context) -> Check:
        allowed = self.p("allowed_statuses", ctx)
        excluded = self.p("excluded_statutes", ctx)
        emp = ctx.employment
        words = STATUS_WORDS.get(emp.status, emp.status)
        if emp.status == "sec_employee" and emp.statute in excluded.value:
            return Check("candidate situation", False,
                         _("a target-group worker still employed in a maatwerkbedrijf cannot start an IBO")
                         if emp.statute == "maatwerk" else
                         _("a target-group worker still employed in LDE cannot start an IBO"),
                         params=[excluded, allowed])
        if emp.status == "sec_employee" and emp.status in allowed.value:
            return Check("candidate situation", True, _("a SEC worker, after resigning with an RVA ruling to keep the "
                                                        "unemployment benefit (the seed's practice)"), params=[allowed])
        ok = emp.status in allowed.value
        return Check("candidate situation", ok, _("candidate is {status}; an IBO is for {allowed}").format(
            status=_(words), allowed=", ".join(_(STATUS_WORDS.get(s, s)) for s in allowed.value)), params=[allowed])

    def _sector(self, ctx: Context) -> Check:
        words = self.p("excluded_sector_words", ctx)
        sector = (ctx.employer.sector or "").casefold()
        hit = next((w for w in words.value if w in sector), None)
        text = (_("sector {sector} is service-voucher work, excluded") if hit else
                _("sector {sector}: not service-voucher work"))
        return Check("employer sector", hit is None, text.format(sector=repr(ctx.employer.sector)), params=[words])

    def duration(self, ctx: Context) -> Duration:
        limits = self.p("duration_weeks", ctx)
        return Duration(limits.value["min"], limits.value["max"], params=[limits])

    def costs(self, ctx: Context) -> list[Cost]:
        brackets = self.p("premium_brackets", ctx)
        wage = ctx.hourly_wage_eur
        if wage is None:
            return [Cost(_("monthly premium to VDAB"), "employer", "VDAB", None, "month",
                         basis=_("by the future wage: function.hourly_wage_eur is unknown"), params=[brackets])]
        full_time = wage * FULL_TIME_HOURS * 52 / 12
        premium = next(p for below, p in brackets.value if below is None or full_time < below)
        return [Cost(_("monthly premium to VDAB (no wage, no RSZ, no travel costs)"), "employer", "VDAB",
                     money(premium * ctx.fraction), "month",
                     basis=_("future wage {wage} EUR/month full time -> EUR {premium} x {fraction} (part time pro "
                             "rata); VAT not verified (none assumed)").format(
                                 wage=format_number(full_time, 2), premium=format_number(premium),
                                 fraction=format_number(ctx.fraction, 3)), params=[brackets])]

    def steps(self, ctx: Context) -> list[Step]:
        out = []
        if ctx.employment.status == "sec_employee" and "sec_employee" in self.p("allowed_statuses", ctx).value:
            out.append(Step(_("RVA ruling requested, then resignation at the SEC employer without losing benefits"),
                            ctx.before_start(1), who=_("SEC employer, candidate"), source="S-001"))
        out += [
            Step(_("candidate and training plan proposed to VDAB, VDAB approves"), ctx.before_start(1),
                 who=_("employer"), legal=True, source=self.ref("ibo-opwijk")),
            Step(_("3-party IBO contract (employer, trainee, VDAB) signed before the start"), ctx.before_start(1),
                 who=_("employer, candidate, VDAB"), legal=True, source=self.ref("ibo-opwijk")),
            Step(_("common-law insurance equivalent to workplace accident cover, and civil liability insurance"),
                 ctx.before_start(1), who=_("employer"), source=self.ref("ibo-vdab")),
            Step(_("follow-up by the VDAB consultant"), ctx.start, who=_("VDAB"), recurring=_("during the IBO"),
                 source=self.ref("ibo-opwijk")),
            Step(_("hire: open-ended contract, or fixed-term of at least {hire}, in the trained function").format(
                hire=self._hire(ctx)), ctx.end, who=_("employer"), legal=True, source=self.ref("ibo-voka")),
        ]
        return out

    @staticmethod
    def _hire(ctx: Context) -> str:
        """The shortest fixed-term contract after the IBO: its planned weeks, else its duration."""
        if ctx.duration_weeks is None:
            return _("the IBO's duration")
        return _("{weeks} weeks").format(weeks=format_number(ctx.duration_weeks))

    def notes(self, ctx: Context) -> list[Note]:
        brackets = [] if self.code == "K-IBO" else index_notes(self.p("premium_brackets", ctx))
        return [
            *brackets,
            Note(_("hiring obligation: afterwards an open-ended contract, or a fixed-term one of at least {hire}, in "
                   "the function of the training plan").format(hire=self._hire(ctx)), self.ref("ibo-voka")),
            Note(_("the candidate must not have worked for this employer before (except up to 20 days as a temp, or "
                   "as a student); no department on temporary unemployment; no VDAB arrears"), self.ref("ibo-faq")),
            Note(_("the trainee keeps the benefit plus a VDAB IBO premium; travel and childcare costs are paid by "
                   "VDAB"), self.ref("ibo-vdab")),
        ]


class KIBO(IBO):
    code = "K-IBO"

    def eligibility(self, ctx: Context) -> list[Check]:
        return [*super().eligibility(ctx), self._vulnerable(ctx)]

    def _vulnerable(self, ctx: Context) -> Check:
        months = self.p("kibo_registration_months", ctx)
        emp = ctx.employment
        if emp.vop_indication:
            return Check("vulnerable jobseeker", True, _("VDAB indication of a work disability"), params=[months])
        if field_or_fact(ctx, emp.sickness_benefit, "riziv"):
            return Check("vulnerable jobseeker", True, _("on sickness benefit (RIZIV), taking steps to work"),
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
                return Check("vulnerable jobseeker", True, _("registered {months} months before the start (at least "
                                                             "{need} at age {age})").format(
                                                                 months=registered, need=need, age=age),
                             params=[months])
            if emp.vop_indication is False:
                return Check("vulnerable jobseeker", False, _("registered {months} months (needs {need} at age {age}) "
                                                              "and no indication of a work disability").format(
                                                                  months=registered, need=need, age=age),
                             params=[months])
            missing = ["candidate.employment.vop_indication"]
        elif emp.status != "jobseeker" and emp.vop_indication is False:
            return Check("vulnerable jobseeker", False, _("not a registered jobseeker and no indication of a work "
                                                          "disability"), params=[months])
        return Check("vulnerable jobseeker", None, _("a K-IBO needs an indication of a work disability, or 12 months "
                                                     "registered as a jobseeker (under 25) / 24 months (from 25), or "
                                                     "RIZIV"), params=[months],
                     missing=missing or ["candidate.employment.vop_indication"])

    def duration(self, ctx: Context) -> Duration:
        limits = self.p("duration_weeks", ctx)
        longest = self.p("kibo_max_weeks", ctx)
        return Duration(limits.value["min"], longest.value, params=[limits, longest])

    def costs(self, ctx: Context) -> list[Cost]:
        premium = self.p("kibo_premium_eur", ctx)
        return [Cost(_("no monthly premium for a K-IBO"), "employer", "VDAB", premium.value, "month",
                     params=[premium])]


@hookimpl
def register_instruments():
    return [IBO(), KIBO()]
