"""Gelegenheidswerk: occasional work as an 'extra' in hospitality (PC 302) [S-001][ext-ss].

Costs are per day worked: the wage (hourly wage x hours a day) and an estimate of the employer's
contributions on the flat base. A month counts at most the worker's yearly quota spread over
twelve months (50 / 12 days), as an extra cannot work more at the flat rates.
"""
from __future__ import annotations

from matchcore.errors import ParameterError
from matchcore.instruments import _, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, money

import math

from ._common import index_notes, pc_matches


class Gelegenheidswerk(Instrument):
    code = "gelegenheidswerk"
    parameters_file = "gelegenheidswerk.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    feasibility = "high"
    feasibility_reason = ("a contract of at most 2 days and a Dimona per day; only in horeca, and the SEC employer "
                          "must release the worker for those days [S-001]")

    def eligibility(self, ctx: Context) -> list[Check]:
        pcs = self.p("joint_committees", ctx)
        quota = self.p("worker_days_per_year", ctx)
        pc = ctx.employer.joint_committee
        if pc is None:
            pc_check = Check("joint committee", None, f"the employer's joint committee is unknown; extras are only "
                             f"possible in PC {', '.join(pcs.value)} (horeca)", params=[pcs],
                             missing=["employer.joint_committee"])
        elif pc_matches(pc, "322"):   # a temp agency with a horeca user qualifies [RULES-2026, smaller items]
            pc_check = Check("joint committee", None, "a temp agency (PC 322): extras only when the user is a horeca "
                             "company (PC 302)", "rules-2026", params=[pcs],
                             missing=["whether the temp agency's user is a horeca company (PC 302)"])
        else:
            ok = any(pc_matches(pc, allowed) for allowed in pcs.value)
            pc_check = Check("joint committee", ok, _("employer is in PC {pc}; extras only in PC {allowed} (horeca)")
                             .format(pc=pc, allowed=", ".join(pcs.value)), params=[pcs])
        used = ctx.employment.occasional_days_this_year
        if ctx.start.year > ctx.on.year:
            quota_check = Check("worker quota", True, f"the start falls in {ctx.start.year}, a new calendar year: "
                                f"{quota.value} days available", params=[quota])
        elif used is None:
            quota_check = Check("worker quota", None, f"days already worked as an extra this year are unknown "
                                f"(at most {quota.value} a year)", params=[quota],
                                missing=["candidate.employment.occasional_days_this_year"])
        elif used >= quota.value:
            quota_check = Check("worker quota", False, f"{used} of {quota.value} days used this year: further days "
                                "are ordinary work (contributions on the real wage)", params=[quota])
        else:
            quota_check = Check("worker quota", True, f"{used} of {quota.value} days used this year, "
                                f"{quota.value - used} left", params=[quota])
        out = [pc_check, quota_check]
        employer_check = self._employer_quota(ctx)
        return out + [employer_check] if employer_check is not None else out

    def _employer_quota(self, ctx: Context) -> Check | None:
        """The employer's days with extras this year, when known (else only a note tells the quota)."""
        quota = self.p("employer_days_per_year", ctx)
        used = ctx.employer.occasional_days_used_this_year
        if used is None:
            return None
        if ctx.start.year > ctx.on.year:
            return Check("employer quota", True, f"the start falls in {ctx.start.year}, a new calendar year: the "
                         f"employer has {quota.value} days available", params=[quota])
        if used >= quota.value:
            return Check("employer quota", False, f"the employer used {used} of {quota.value} days with extras this "
                         "year: further days are ordinary work (contributions on the real wage)", params=[quota])
        return Check("employer quota", True, f"the employer used {used} of {quota.value} days with extras this "
                     f"year, {quota.value - used} left", params=[quota])

    def duration(self, ctx: Context) -> Duration:
        days = self.p("max_consecutive_days", ctx)
        quota = self.p("worker_days_per_year", ctx)
        return Duration(None, None, text=f"contracts of at most {days.value} consecutive days, repeatable within "
                        f"{quota.value} days a year", params=[days, quota],
                        extra={"max_consecutive_days": days.value, "max_days_per_year": quota.value})

    def days_per_month(self, ctx: Context) -> float:
        quota = self.p("worker_days_per_year", ctx)
        return min(ctx.days_per_week * 52 / 12, quota.value / 12)

    def costs(self, ctx: Context) -> list[Cost]:
        base = self.p("contribution_base", ctx)
        uplift = self.p("manual_worker_uplift", ctx)
        rate = self.shared("employer_rsz_rate", ctx)
        hours = ctx.hours_per_day
        # every started hour counts as a full hour on the hour base [RULES-2026, smaller items]
        counted = math.ceil(hours - 1e-9)
        per_day = base.value["day"] if hours >= base.value["day_threshold_hours"] else base.value["hour"] * counted
        how = (f"day base {base.value['day']:.2f}" if hours >= base.value["day_threshold_hours"]
               else f"hour base {base.value['hour']:.2f} x {counted} started hours ({hours:.2f} h)")
        # the field, else the old function extra key (not a candidate fact: it is the function's)
        worker_type = ctx.function.worker_type or (ctx.function.extra or {}).get("worker_type")
        manual = worker_type == "manual"
        if manual:
            per_day *= 1 + uplift.value
            how += f" x {1 + uplift.value:g} (manual worker)"
        wage = ctx.hourly_wage_eur
        return [
            Cost("wage for a day as an extra (at least the PC 302 scale)", "employer", "candidate",
                 money(wage * hours) if wage is not None else None, "day",
                 basis=(f"{wage:.2f} EUR/h x {hours:.2f} h" if wage is not None else "function.hourly_wage_eur unknown"),
                 source=self.ref("ext-ss")),
            Cost("employer contributions on the flat base (estimate)", "employer", "RSZ", money(per_day * rate.value),
                 "day", basis=f"{rate.value:.0%} of the {how}" + ("" if worker_type is not None else
                 "; +8% for a manual worker (function.worker_type: manual)"), params=[base, rate, uplift]),
        ]

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step("the SEC employer releases the worker from SEC work for those days", ctx.before_start(1),
                 who="SEC employer", source="S-001"),
            Step("contract for a fixed term or task of at most 2 consecutive days (oral allowed, not for students or "
                 "part-timers)", ctx.start, who="employer", legal=True, source=self.ref("ext-liantis")),
            Step("Dimona EXT before each day (by the hour, or by the day with a working-time register)", ctx.start,
                 who="employer", legal=True, recurring="each day worked", source=self.ref("ext-liantis")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        quota = self.p("employer_days_per_year", ctx)
        unknown = ("" if ctx.employer.occasional_days_used_this_year is not None else
                   "; the days it used this year are unknown (employer.occasional_days_used_this_year)")
        return [Note(f"the employer may use extras at most {quota.value} days a year at the flat rates{unknown}",
                     params=[quota]),
                Note("counters of days used are in Horeca@work; any work on a day counts as a day", self.ref("ext-ss")),
                *self._base_notes(ctx)]

    def _base_notes(self, ctx: Context) -> list[Note]:
        try:
            return index_notes(self.p("contribution_base", ctx))
        except ParameterError:   # before the first flat base: costs() says it is unknown
            return []


@hookimpl
def register_instruments():
    return [Gelegenheidswerk()]
