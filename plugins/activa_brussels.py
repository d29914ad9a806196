"""activa.brussels: work allowance for a Brussels long-term jobseeker, deducted from the net wage.

For a jobseeker who lives in the Brussels-Capital Region and was registered at Actiris as a
non-working jobseeker for 312 days (12 months) in the 18 months before the hire, hired by an
employer anywhere in Belgium [actiris][a1819][partena-2024]. The RVA's payment institution pays
the worker the allowance; the employer deducts it from the net wage, so it lowers the employer's
cost by the same amount. Variants: the generic attest and the "reduced work capacity" attest
(a fact ``reduced_work_capacity: true`` in ``candidate.extra`` selects the second).

The inactivity is read from ``employment.jobseeker_since`` (continuous registration since): 12
months or more is a yes; less is unknown, because earlier registration within the 18 months
also counts. A SEC worker employed for more than the window minus 12 months cannot have the
days (a definite no) unless exempt.
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from matchcore.errors import ParameterError
from matchcore.instruments import _, date_text, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Instrument, Note, Step, Variant, money

from ._common import field_or_fact, region_words, status_words, wage_costs

GENERIC = Variant("generic", "activa.brussels attest", "a long-term non-working jobseeker (or exempt profile)")
REDUCED = Variant("reduced-capacity", "activa.brussels 'verminderde arbeidsgeschiktheid' attest",
                  "a jobseeker with a recognised reduced work capacity")
WEEKS_PER_MONTH = 52 / 12


class ActivaBrussels(Instrument):
    code = "activa-brussels"
    parameters_file = "activa_brussels.yaml"
    shared_parameters_file = "shared.yaml"   # pension age, employer_rsz_rate: the built-ins' shared values
    # how practical the route is for the employer (the recommendation ranks by it after eligibility)
    feasibility = "medium"
    feasibility_reason = ("only for a jobseeker living in Brussels with an Actiris activa.brussels certificate, requested before the hire; the employer deducts the allowance from the net wage [actiris]")
    variants = (GENERIC, REDUCED)

    # --- eligibility ------------------------------------------------------------------------
    def eligibility(self, ctx: Context) -> list[Check]:
        checks = [self._residence(ctx)]
        exempt = self._exempt(ctx)
        checks += [self._situation(ctx, exempt), self._age(ctx), self._fraction(ctx), self._employer(ctx)]
        weeks = ctx.duration_weeks
        if weeks is not None:
            months = self.p("min_contract_months", ctx)
            need = months.value * WEEKS_PER_MONTH
            checks.append(Check("contract length", weeks >= need - 1e-9, _(
                "planned contract of {weeks} weeks; open-ended or at least {months} months needed").format(
                    weeks=format_number(weeks), months=months.value), params=[months]))
        return checks

    def _residence(self, ctx: Context) -> Check:
        region = ctx.candidate.home.region
        return Check("residence", region == "brussels",
                     _("the candidate lives in {region}; activa.brussels is for residents of the Brussels-Capital "
                       "Region (the employer may be anywhere in Belgium)").format(region=region_words(region)),
                     self.ref("partena-2024"))

    def _exempt(self, ctx: Context) -> tuple[bool | None, str, list]:
        """(exempt from the inactivity days?, why, params); None when the age or education is unknown."""
        prof = self.p("exempt_profiles", ctx)
        age, edu = ctx.age, ctx.candidate.education
        if age is not None and age >= prof.value["from_age"]:
            return True, _("aged {age}: from {from_age} no inactivity days are needed").format(
                age=age, from_age=prof.value["from_age"]), [prof]
        if age is not None and age < prof.value["under_age"] and edu == "low":
            return True, _("aged {age} with a low education level: under {under_age} without a diploma above lower "
                           "secondary no inactivity days are needed").format(
                               age=age, under_age=prof.value["under_age"]), [prof]
        if age is None or (age < prof.value["under_age"] and edu is None):
            return None, _("the exemptions depend on the age and the education level"), [prof]
        return False, _("no exempt profile applies"), [prof]

    def _situation(self, ctx: Context, exempt) -> Check:
        emp = ctx.employment
        days, window = self.p("inactivity_days", ctx), self.p("inactivity_window_months", ctx)
        params = [days, window, *exempt[2]]
        need = _("{days} days (12 months) registered at Actiris as a non-working jobseeker in the {months} months "
                 "before the hire").format(days=days.value, months=window.value)
        days_missing = _("days registered at Actiris as a non-working jobseeker in the {months} months before the "
                         "hire").format(months=window.value)
        if emp.status not in ("jobseeker", "sec_employee"):
            return Check("non-working jobseeker", False, _(
                "the candidate is {status}; activa.brussels is for a non-working jobseeker registered at Actiris"
            ).format(status=status_words(emp.status)), params=params)
        if exempt[0]:
            if emp.status == "sec_employee":
                return Check("non-working jobseeker", None, _(
                    "{exempt}, but the SEC job must have ended and the candidate be registered at Actiris the day "
                    "before the hire").format(exempt=exempt[1]), params=params,
                    missing=[_("whether the candidate is registered at Actiris as a non-working jobseeker the day "
                               "before the hire")])
            return Check("non-working jobseeker", True, exempt[1], params=params)
        if emp.status == "sec_employee":
            since = getattr(emp, "since", None)
            limit = ctx.start - relativedelta(months=window.value - 12)
            if since is not None and since < limit:
                return Check("non-working jobseeker", False, _(
                    "employed since {since}: more than {months} of the last {window} months, so not {need}; "
                    "{exempt}").format(since=date_text(since), months=window.value - 12, window=window.value,
                                       need=need, exempt=exempt[1]), params=params)
            return Check("non-working jobseeker", None, _(
                "a SEC worker qualifies only with {need} (or an exempt profile, e.g. after an art. 60 contract); "
                "{exempt}").format(need=need, exempt=exempt[1]), self.ref("sx-exempt"),
                params=params, missing=[days_missing])
        since = emp.jobseeker_since
        if since is None:
            missing = ["candidate.employment.jobseeker_since"] + (["candidate.birth_date or candidate.age"]
                                                                   if exempt[0] is None else [])
            return Check("non-working jobseeker", None, _("{need} needed; since when is unknown").format(need=need),
                         params=params, missing=missing)
        full = ctx.start - relativedelta(months=12)
        if since <= full:
            return Check("non-working jobseeker", True, _(
                "registered as a non-working jobseeker since {since}: 12 months or more before the start").format(
                    since=date_text(since)), params=params)
        return Check("non-working jobseeker", None, _(
            "registered since {since}, less than 12 months; {need}: earlier registration in that window counts "
            "too; {exempt}").format(since=date_text(since), need=need, exempt=exempt[1]), params=params,
            missing=[days_missing])

    def _age(self, ctx: Context) -> Check:
        lo = self.p("min_age", ctx)
        try:
            pension = self.shared("pension_age", ctx)
        except ParameterError:
            pension = None
        params = [lo] + ([pension] if pension else [])
        if ctx.age is None:
            return Check("age", None, _("the candidate's age is unknown"), params=params,
                         missing=["candidate.birth_date or candidate.age"])
        top = pension.value if pension else 200
        text = (_("age {age} at the start; from {min_age} (end of compulsory schooling) to the pension age {top}")
                if pension else
                _("age {age} at the start; from {min_age} (end of compulsory schooling) to the pension age"))
        return Check("age", lo.value <= ctx.age < top, text.format(age=ctx.age, min_age=lo.value, top=top),
                     params=params)

    def _fraction(self, ctx: Context) -> Check:
        least = self.p("min_work_fraction", ctx)
        return Check("work fraction", ctx.fraction >= least.value - 1e-9, _(
            "work fraction {fraction} ({hours} h / 38 h); at least half time").format(
                fraction=format_number(ctx.fraction, 3), hours=format_number(ctx.hours_per_week)), params=[least])

    def _employer(self, ctx: Context) -> Check:
        category = ctx.employer.sector_category
        if category == "public":
            return Check("employer category", None, _(
                "of the public employers only some qualify, for contractual staff (autonomous public companies, "
                "provinces, municipalities, OCMWs, schools for non-teaching staff, ...)"), self.ref("a1819"),
                missing=[_("whether the public employer is one of those admitted")])
        return Check("employer category", True, _("every private-sector employer, in any region"), self.ref("a1819"))

    # --- the rest -------------------------------------------------------------------------
    def select_variant(self, ctx: Context):
        if field_or_fact(ctx, None, "reduced_work_capacity") is True:
            return REDUCED.key, Note(_("variant 'reduced-capacity': the candidate has a reduced work capacity "
                                       "(fact reduced_work_capacity)"), self.ref("actiris"))
        return GENERIC.key, Note(_("variant 'generic' by default; with an Actiris attest 'verminderde "
                                   "arbeidsgeschiktheid' choose 'reduced-capacity'"), self.ref("actiris"))

    def costs(self, ctx: Context, variant: str | None = None) -> list[Cost]:
        table = self.p("allowance_schedule", ctx)
        steps = table.value[variant or GENERIC.key]
        out = wage_costs(self, ctx)
        since = 0
        for until, amount in steps:
            out.append(Cost(_("work allowance deducted from the net wage (months {first}-{last})").format(
                                first=since + 1, last=until), "RVA",
                            "employer", money(amount * ctx.fraction), "month",
                            basis=_("{amount} a month full time x work fraction {fraction}; paid to the worker by the "
                                    "payment institution, the employer pays that much less net wage").format(
                                        amount=format_number(amount), fraction=format_number(ctx.fraction, 3)),
                            params=[table], from_week=since * WEEKS_PER_MONTH, until_week=until * WEEKS_PER_MONTH))
            since = until
        return out

    def steps(self, ctx: Context) -> list[Step]:
        months = self.p("rva_application_months", ctx)
        last = (ctx.start.replace(day=1) + relativedelta(months=months.value + 1)) - dt.timedelta(days=1)
        return [
            Step(_("Activa card (attest activa.brussels) from Actiris; valid 12 months"), ctx.before_start(1),
                 who="candidate", legal=True, source=self.ref("hvw")),
            Step(_("contract of at least half time, open-ended or of at least 6 months; a new contract needs a new "
                   "application, even with the same employer"), ctx.start, who="employer", legal=True,
                 source=self.ref("a1819")),
            Step(_("application for the work allowance at the RVA through the payment institution (later: paid "
                   "only from the month the RVA receives it)"), last, who="candidate, employer (forms)", legal=True,
                 params=[months]),
            Step(_("deduct the work allowance from the net wage"), ctx.start, who="employer", recurring="monthly",
                 source=self.ref("rva-t8")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        return [
            Note(_("an employer that hires full time and open-ended a worker under 30 without an upper secondary "
                   "diploma can also get up to EUR 5,000 for training (aanmoedigingssteun voor opleiding)"),
                 self.ref("actiris")),
            Note(_("no allowance again within 12 months after a previous job with an Activa allowance"),
                 self.ref("rva-t8")),
        ]


@hookimpl
def register_instruments():
    return [ActivaBrussels()]
