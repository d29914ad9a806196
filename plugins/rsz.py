"""Flemish RSZ target-group reductions (doelgroepverminderingen) [S-001][rules sheet section 8].

Three instruments: young low-skilled and older workers (2016-07-01 until 2024-07-01 for new
hires), and people without recent, lasting work experience (from 2023-10-01). The employer's cost
is the wage plus estimated contributions minus the reduction, per quarter.
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from matchcore.errors import ParameterError
from matchcore.i18n import format_percent
from matchcore.instruments import N_, _, date_text, format_number, hookimpl
from matchcore.instruments import FULL_TIME_HOURS, Check, Context, Cost, Instrument, Note, Step, money

from ._common import CATEGORY_WORDS, region_check, status_words, wage_costs

# the candidate's education level (``candidate.education``) as a coach reads it
EDUCATION_WORDS = {"low": N_("low-skilled"), "medium": N_("medium-skilled"), "high": N_("high-skilled")}


def dmfa_due(day: dt.date) -> dt.date:
    """Last day of the month after the quarter of ``day`` (when the quarterly DmfA is due)."""
    q_end_month = ((day.month - 1) // 3 + 1) * 3
    year, month = (day.year, q_end_month + 1) if q_end_month < 12 else (day.year + 1, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def quarter_end(day: dt.date) -> dt.date:
    """Last day of the quarter of ``day`` (the age counts on that day [dgv-dmfa])."""
    month = ((day.month - 1) // 3 + 1) * 3
    return dt.date(day.year, month, 1) + relativedelta(day=31)


class _Reduction(Instrument):
    parameters_file = "rsz.yaml"
    feasibility = "high"
    feasibility_reason = "no application: the social secretariat declares it in the quarterly DmfA [dgv-dmfa]"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values

    def age_check(self, ctx: Context, rule: str, ok, text: str, params, **values) -> Check:
        """``text``: a translated text with an ``{age}`` placeholder and those of ``values``."""
        if ctx.age is None:
            return Check(rule, None, _("the candidate's age is unknown"), params=params,
                         missing=["candidate.birth_date or candidate.age"])
        return Check(rule, ok(ctx.age), text.format(age=ctx.age, **values), params=params)

    def steps(self, ctx: Context) -> list[Step]:
        return [Step(_("declare the reduction in the quarterly DmfA for the start's quarter"), dmfa_due(ctx.start),
                     who="employer (social secretariat)", legal=True, source=self.source)]

    def reduction(self, ctx: Context, label: str, amount, basis: str, params, quarters: int) -> list[Cost]:
        return [*wage_costs(self, ctx),
                Cost(label, "RSZ", "employer", money(amount), "quarter", basis=basis, params=params,
                     until_week=quarters * 13)]


class RSZYoung(_Reduction):
    code = "RSZ-young"

    def eligibility(self, ctx: Context) -> list[Check]:
        below = self.p("young_age_below", ctx)
        levels = self.p("young_educations", ctx)
        edu = ctx.candidate.education
        edu_check = (Check("education", None, _("the candidate's education level is unknown"), params=[levels],
                           missing=["candidate.education"]) if edu is None else
                     Check("education", edu in levels.value, _("{education}; qualifies: {levels}").format(
                         education=_(EDUCATION_WORDS.get(edu, edu)),
                         levels=", ".join(_(EDUCATION_WORDS.get(e, e)) for e in levels.value)), params=[levels]))
        return [self.age_check(ctx, "age", lambda a: a < below.value,
                               _("age {age} at the start; under {below} needed"), [below], below=below.value),
                edu_check, region_check(self, ctx, "employer_regions", "employer site")]

    def costs(self, ctx: Context) -> list[Cost]:
        amounts = self.p("young_amount_eur_q", ctx)
        quarters = self.p("young_quarters", ctx)
        edu = ctx.candidate.education
        amount = amounts.value.get(edu) if edu else None
        label = _("reduction of employer contributions ({education})").format(
            education=_(EDUCATION_WORDS.get(edu, edu)) if edu else _("education unknown"))
        basis = (_("{quarters} quarters").format(quarters=quarters.value) if amount is not None else
                 _("{quarters} quarters; amount for this education level not in the sources").format(
                     quarters=quarters.value))
        return self.reduction(ctx, label, amount, basis, [amounts, quarters], quarters.value)

    def steps(self, ctx: Context) -> list[Step]:
        return [Step(_("the candidate registers at VDAB as a jobseeker before moving (the seed's practice)"),
                     ctx.before_start(1), who="candidate", source="S-001"), *super().steps(ctx)]


class RSZOlder(_Reduction):
    code = "RSZ-older"

    def eligibility(self, ctx: Context) -> list[Check]:
        min_age = self.p("older_min_age", ctx)
        cap = self.p("older_wage_cap_eur_q", ctx)
        status = ctx.employment.status
        if status == "jobseeker":
            situation = Check("non-working jobseeker", True, _("a non-working jobseeker"), self.ref("vl-58"))
        elif status == "sec_employee":
            situation = Check("non-working jobseeker", True, _("a SEC worker who registers at VDAB as a jobseeker "
                                                               "before the move (the seed's practice; at least one "
                                                               "day)"), "S-001")
        else:
            situation = Check("non-working jobseeker", None, _(
                "the candidate is {status}: the hire must be of a registered non-working jobseeker").format(
                    status=status_words(status)), self.ref("vl-58"),
                missing=[_("whether the candidate registers as a non-working jobseeker")])
        wage = ctx.monthly_gross_wage_eur
        limit = cap.value["q4" if ctx.start.month >= 10 else "default"]
        wage_check = (Check("wage cap", None, _("the function's wage is unknown"), params=[cap],
                            missing=["function.hourly_wage_eur"]) if wage is None else
                      Check("wage cap", wage * 3 < limit, _("quarterly wage {wage} must stay below {limit}").format(
                          wage=format_number(wage * 3, 2), limit=format_number(limit)), params=[cap]))
        return [
            self.age_check(ctx, "age", lambda a: a >= min_age.value,
                           _("age {age} at the start; at least {min_age} needed"), [min_age], min_age=min_age.value),
            situation,
            self._category(ctx),
            region_check(self, ctx, "employer_regions", "employer site"),
            wage_check,
        ]

    def _category(self, ctx: Context) -> Check:
        category = ctx.employer.sector_category
        if category is None:   # non_profit false and no category: taken as private (profit), as before
            return Check("employer category", True, _("private profit sector (RSZ category 1) only; the employer is "
                                                      "not non-profit (employer.category not given: taken as "
                                                      "private)"), self.ref("dgv-liantis"))
        return Check("employer category", category == "private", _(
            "private profit sector (RSZ category 1) only; the employer is {category}").format(
                category=_(CATEGORY_WORDS[category])), self.ref("dgv-liantis"))

    def costs(self, ctx: Context) -> list[Cost]:
        quarters = self.p("older_quarters", ctx)
        rate = self.shared("employer_rsz_rate", ctx)
        wage = ctx.monthly_gross_wage_eur
        try:
            share = self.p("older_share_of_contribution", ctx)
        except ParameterError as exc:
            return self.reduction(ctx, _("reduction of employer contributions"), None, str(exc), [quarters],
                                  quarters.value)
        amount = None if wage is None else share.value * rate.value * wage * 3
        return self.reduction(ctx, _("reduction of employer contributions (basic contribution)"), amount,
                              _("{share} of the basic contribution ({rate} of the wage, estimate) for {quarters} "
                                "quarters").format(share=format_percent(share.value), rate=format_percent(rate.value),
                                                   quarters=quarters.value), [share, rate, quarters], quarters.value)


class RSZNoRecentWork(_Reduction):
    code = "RSZ-no-recent-work"

    def eligibility(self, ctx: Context) -> list[Check]:
        years = self.p("nrw_inactive_years", ctx)
        cap = self.p("nrw_wage_cap_eur_q", ctx)
        fractions = self.p("nrw_fractions", ctx)
        return [self._inactivity(ctx, years), self._age(ctx), region_check(self, ctx, "employer_regions", "employer site"),
                self._wage(ctx, cap), Check("work fraction", ctx.fraction >= fractions.value["none_below"],
                                            _("work fraction {fraction}; none below {least}").format(
                                                fraction=format_number(ctx.fraction, 3),
                                                least=format_number(fractions.value["none_below"])),
                                            params=[fractions])]

    def _inactivity(self, ctx: Context, years) -> Check:
        emp = ctx.employment
        # calendar years back: 2024-03-31 -> 2022-03-31, 2024-02-29 -> 2022-02-28
        need_since = ctx.start - relativedelta(years=years.value)
        if emp.status == "jobseeker" and emp.jobseeker_since is not None:
            return Check("inactivity", emp.jobseeker_since <= need_since, _(
                "registered as a non-working jobseeker since {since}; at least {years} years before the start "
                "({date}) needed").format(since=date_text(emp.jobseeker_since), years=years.value,
                                          date=date_text(need_since)), params=[years])
        if emp.status == "jobseeker":
            return Check("inactivity", None, _("since when the candidate is registered as a jobseeker is unknown"),
                         params=[years], missing=["candidate.employment.jobseeker_since"])
        gap = self.p("nrw_max_gap_months", ctx)
        if emp.since is not None and emp.since > ctx.start - relativedelta(months=gap.value):
            return Check("inactivity", None, _(
                "employed only since {since}: a gap of at most {months} months in the registration counts as "
                "inactivity, so it depends on the {years} years before that job").format(
                    since=date_text(emp.since), months=gap.value, years=years.value), params=[years, gap],
                missing=["candidate.employment.jobseeker_since " + _("(before the current job)")])
        words = status_words(emp.status)
        text = (_("no: the candidate is {status} since {since}, not registered as a non-working jobseeker on the day "
                  "of the hire; work of more than {months} months in the last {years} years ends the inactivity")
                if emp.since else
                _("no: the candidate is {status}, not registered as a non-working jobseeker on the day of the hire; "
                  "work of more than {months} months in the last {years} years ends the inactivity"))
        return Check("inactivity", False, text.format(status=words, since=date_text(emp.since), months=gap.value,
                                                      years=years.value), params=[years, gap])

    def _age(self, ctx: Context) -> Check:
        ages = self.p("nrw_age_range", ctx)
        q_end = quarter_end(ctx.start)
        age = ctx.candidate.age_on(q_end)
        params = [ages]
        if ages.value["below"] == "pension_age":
            pension = self.shared("pension_age", ctx)
            below, params = pension.value, [ages, pension]
            upper = _("pension age {age}").format(age=below)
        else:
            below, upper = ages.value["below"], _("under {age}").format(age=ages.value["below"])
        if age is None:
            return Check("age", None, _("the candidate's age is unknown"), params=params,
                         missing=["candidate.birth_date or candidate.age"])
        return Check("age", ages.value["min"] <= age < below, _(
            "age {age} on the last day of the hiring quarter ({date}); from {min_age} to {upper}").format(
                age=age, date=date_text(q_end), min_age=ages.value["min"], upper=upper), params=params)

    def _wage(self, ctx: Context, cap) -> Check:
        # the refertekwartaalloon: the gross wage of a quarter of full-time, uninterrupted work [dgv-dmfa]
        wage = ctx.hourly_wage_eur
        if wage is None:
            return Check("wage cap", None, _("the function's wage is unknown"), params=[cap],
                         missing=["function.hourly_wage_eur"])
        full_time = wage * FULL_TIME_HOURS * 13
        return Check("wage cap", full_time < cap.value, _(
            "reference quarterly wage (full time) {wage} EUR/h x {hours} h x 13 weeks = {total}; below {cap} "
            "needed").format(wage=format_number(wage, 2), hours=format_number(FULL_TIME_HOURS),
                             total=format_number(full_time, 2), cap=format_number(cap.value)),
                     self.ref("dgv-dmfa"), params=[cap])

    def costs(self, ctx: Context) -> list[Cost]:
        amount = self.p("nrw_amount_eur_q", ctx)
        quarters = self.p("nrw_quarters", ctx)
        fractions = self.p("nrw_fractions", ctx)
        share = min(1.0, ctx.fraction / fractions.value["full_from"])
        return self.reduction(ctx, _("reduction of employer contributions"), amount.value * share, _(
            "at most {amount} a quarter x {share} (full from a {full_from} work fraction, pro rata below assumed) "
            "for {quarters} quarters").format(amount=format_number(amount.value), share=format_number(share, 3),
                                              full_from=format_number(fractions.value["full_from"]),
                                              quarters=quarters.value),
                              [amount, quarters, fractions], quarters.value)

    def notes(self, ctx: Context) -> list[Note]:
        return [Note(_("illness, detention and gaps of at most 3 months count as inactivity"), self.ref("dgv-new"))]


@hookimpl
def register_instruments():
    return [RSZYoung(), RSZOlder(), RSZNoRecentWork()]
