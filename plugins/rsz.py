"""Flemish RSZ target-group reductions (doelgroepverminderingen) [S-001][rules sheet section 8].

Three instruments: young low-skilled and older workers (2016-07-01 until 2024-07-01 for new
hires), and people without recent, lasting work experience (from 2023-10-01). The employer's cost
is the wage plus estimated contributions minus the reduction, per quarter.
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from matchcore.errors import ParameterError
from matchcore.instruments import hookimpl
from matchcore.instruments import FULL_TIME_HOURS, Check, Context, Cost, Instrument, Note, Step, money

from ._common import CATEGORY_WORDS, region_check, wage_costs


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

    def age_check(self, ctx: Context, rule: str, ok, text: str, params) -> Check:
        if ctx.age is None:
            return Check(rule, None, "the candidate's age is unknown", params=params,
                         missing=["candidate.birth_date or candidate.age"])
        return Check(rule, ok(ctx.age), text.format(age=ctx.age), params=params)

    def steps(self, ctx: Context) -> list[Step]:
        return [Step("declare the reduction in the quarterly DmfA for the start's quarter", dmfa_due(ctx.start),
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
        edu_check = (Check("education", None, "the candidate's education level is unknown", params=[levels],
                           missing=["candidate.education"]) if edu is None else
                     Check("education", edu in levels.value, f"education {edu}; qualifies: {', '.join(levels.value)}",
                           params=[levels]))
        return [self.age_check(ctx, "age", lambda a: a < below.value, f"age {{age}} at the start; under {below.value} "
                               "needed", [below]),
                edu_check, region_check(self, ctx, "employer_regions", "employer site")]

    def costs(self, ctx: Context) -> list[Cost]:
        amounts = self.p("young_amount_eur_q", ctx)
        quarters = self.p("young_quarters", ctx)
        edu = ctx.candidate.education
        amount = amounts.value.get(edu) if edu else None
        return self.reduction(ctx, f"reduction of employer contributions ({edu or 'education unknown'})", amount,
                              f"{quarters.value} quarters" + ("" if amount is not None else
                                                              "; amount for this education level not in the sources"),
                              [amounts, quarters], quarters.value)

    def steps(self, ctx: Context) -> list[Step]:
        return [Step("the candidate registers at VDAB as a jobseeker before moving (the seed's practice)",
                     ctx.before_start(1), who="candidate", source="S-001"), *super().steps(ctx)]


class RSZOlder(_Reduction):
    code = "RSZ-older"

    def eligibility(self, ctx: Context) -> list[Check]:
        min_age = self.p("older_min_age", ctx)
        cap = self.p("older_wage_cap_eur_q", ctx)
        status = ctx.employment.status
        if status == "jobseeker":
            situation = Check("non-working jobseeker", True, "a non-working jobseeker", self.ref("vl-58"))
        elif status == "sec_employee":
            situation = Check("non-working jobseeker", True, "a SEC worker who registers at VDAB as a jobseeker before "
                              "the move (the seed's practice; at least one day)", "S-001")
        else:
            situation = Check("non-working jobseeker", None, f"the candidate is {status}: the hire must be of a "
                              "registered non-working jobseeker", self.ref("vl-58"),
                              missing=["whether the candidate registers as a non-working jobseeker"])
        wage = ctx.monthly_gross_wage_eur
        limit = cap.value["q4" if ctx.start.month >= 10 else "default"]
        wage_check = (Check("wage cap", None, "the function's wage is unknown", params=[cap],
                            missing=["function.hourly_wage_eur"]) if wage is None else
                      Check("wage cap", wage * 3 < limit, f"quarterly wage {wage * 3:.2f} must stay below {limit:,}",
                            params=[cap]))
        return [
            self.age_check(ctx, "age", lambda a: a >= min_age.value, f"age {{age}} at the start; at least "
                           f"{min_age.value} needed", [min_age]),
            situation,
            self._category(ctx),
            region_check(self, ctx, "employer_regions", "employer site"),
            wage_check,
        ]

    def _category(self, ctx: Context) -> Check:
        category = ctx.employer.sector_category
        if category is None:   # non_profit false and no category: taken as private (profit), as before
            return Check("employer category", True, "private profit sector (RSZ category 1) only; the employer is "
                         "not non-profit (employer.category not given: taken as private)", self.ref("dgv-liantis"))
        return Check("employer category", category == "private", "private profit sector (RSZ category 1) only; "
                     f"the employer is {CATEGORY_WORDS[category]}", self.ref("dgv-liantis"))

    def costs(self, ctx: Context) -> list[Cost]:
        quarters = self.p("older_quarters", ctx)
        rate = self.shared("employer_rsz_rate", ctx)
        wage = ctx.monthly_gross_wage_eur
        try:
            share = self.p("older_share_of_contribution", ctx)
        except ParameterError as exc:
            return self.reduction(ctx, "reduction of employer contributions", None, str(exc), [quarters],
                                  quarters.value)
        amount = None if wage is None else share.value * rate.value * wage * 3
        return self.reduction(ctx, "reduction of employer contributions (basic contribution)", amount,
                              f"{share.value:.0%} of the basic contribution ({rate.value:.0%} of the wage, estimate) "
                              f"for {quarters.value} quarters", [share, rate, quarters], quarters.value)


class RSZNoRecentWork(_Reduction):
    code = "RSZ-no-recent-work"

    def eligibility(self, ctx: Context) -> list[Check]:
        years = self.p("nrw_inactive_years", ctx)
        cap = self.p("nrw_wage_cap_eur_q", ctx)
        fractions = self.p("nrw_fractions", ctx)
        return [self._inactivity(ctx, years), self._age(ctx), region_check(self, ctx, "employer_regions", "employer site"),
                self._wage(ctx, cap), Check("work fraction", ctx.fraction >= fractions.value["none_below"],
                                            f"work fraction {ctx.fraction:.3f}; none below "
                                            f"{fractions.value['none_below']:g}", params=[fractions])]

    def _inactivity(self, ctx: Context, years) -> Check:
        emp = ctx.employment
        # calendar years back: 2024-03-31 -> 2022-03-31, 2024-02-29 -> 2022-02-28
        need_since = ctx.start - relativedelta(years=years.value)
        if emp.status == "jobseeker" and emp.jobseeker_since is not None:
            return Check("inactivity", emp.jobseeker_since <= need_since,
                         f"registered as a non-working jobseeker since {emp.jobseeker_since.isoformat()}; at "
                         f"least {years.value} years before the start ({need_since.isoformat()}) needed",
                         params=[years])
        if emp.status == "jobseeker":
            return Check("inactivity", None, "since when the candidate is registered as a jobseeker is unknown",
                         params=[years], missing=["candidate.employment.jobseeker_since"])
        gap = self.p("nrw_max_gap_months", ctx)
        if emp.since is not None and emp.since > ctx.start - relativedelta(months=gap.value):
            return Check("inactivity", None, f"employed only since {emp.since.isoformat()}: a gap of at most "
                         f"{gap.value} months in the registration counts as inactivity, so it depends on the "
                         f"{years.value} years before that job", params=[years, gap],
                         missing=["candidate.employment.jobseeker_since (before the current job)"])
        words = "employed in the social economy" if emp.status == "sec_employee" else f"{emp.status}"
        return Check("inactivity", False, f"no: the candidate is {words}"
                     + (f" since {emp.since.isoformat()}" if emp.since else "")
                     + f", not registered as a non-working jobseeker on the day of the hire; work of more than "
                     f"{gap.value} months in the last {years.value} years ends the inactivity", params=[years, gap])

    def _age(self, ctx: Context) -> Check:
        ages = self.p("nrw_age_range", ctx)
        q_end = quarter_end(ctx.start)
        age = ctx.candidate.age_on(q_end)
        params = [ages]
        if ages.value["below"] == "pension_age":
            pension = self.shared("pension_age", ctx)
            below, params = pension.value, [ages, pension]
            upper = f"pension age {below}"
        else:
            below, upper = ages.value["below"], f"under {ages.value['below']}"
        if age is None:
            return Check("age", None, "the candidate's age is unknown", params=params,
                         missing=["candidate.birth_date or candidate.age"])
        return Check("age", ages.value["min"] <= age < below, f"age {age} on the last day of the hiring quarter "
                     f"({q_end.isoformat()}); from {ages.value['min']} to {upper}", params=params)

    def _wage(self, ctx: Context, cap) -> Check:
        # the refertekwartaalloon: the gross wage of a quarter of full-time, uninterrupted work [dgv-dmfa]
        wage = ctx.hourly_wage_eur
        if wage is None:
            return Check("wage cap", None, "the function's wage is unknown", params=[cap],
                         missing=["function.hourly_wage_eur"])
        full_time = wage * FULL_TIME_HOURS * 13
        return Check("wage cap", full_time < cap.value, f"reference quarterly wage (full time) {wage:.2f} EUR/h x "
                     f"{FULL_TIME_HOURS:g} h x 13 weeks = {full_time:.2f}; below {cap.value:,} needed",
                     self.ref("dgv-dmfa"), params=[cap])

    def costs(self, ctx: Context) -> list[Cost]:
        amount = self.p("nrw_amount_eur_q", ctx)
        quarters = self.p("nrw_quarters", ctx)
        fractions = self.p("nrw_fractions", ctx)
        share = min(1.0, ctx.fraction / fractions.value["full_from"])
        return self.reduction(ctx, "reduction of employer contributions", amount.value * share,
                              f"at most {amount.value} a quarter x {share:.3f} (full from a {fractions.value['full_from']:g} "
                              f"work fraction, pro rata below assumed) for {quarters.value} quarters",
                              [amount, quarters, fractions], quarters.value)

    def notes(self, ctx: Context) -> list[Note]:
        return [Note("illness, detention and gaps of at most 3 months count as inactivity", self.ref("dgv-new"))]


@hookimpl
def register_instruments():
    return [RSZYoung(), RSZOlder(), RSZNoRecentWork()]
