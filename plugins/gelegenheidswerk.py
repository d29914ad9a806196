"""Gelegenheidswerk: occasional work as an 'extra' in hospitality (PC 302) [S-001][ext-ss].

Costs are per day worked: the wage (hourly wage x hours a day) and an estimate of the employer's
contributions on the flat base. A month counts at most the worker's yearly quota spread over
twelve months (50 / 12 days), as an extra cannot work more at the flat rates.
"""
from __future__ import annotations

from matchcore.errors import ParameterError
from matchcore.i18n import format_percent
from matchcore.instruments import _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, money

import math

from ._common import index_notes, pc_matches


def _numbers(ctx: Context, quota: int, used: int | None) -> dict[str, str]:
    """The figures of a quota text as the reader writes them (the year as it is)."""
    return {"year": str(ctx.start.year), "quota": format_number(quota), "used": format_number(used),
            "left": format_number(quota - used) if used is not None else ""}


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
            pc_check = Check("joint committee", None, _("the employer's joint committee is unknown; extras are only "
                                                        "possible in PC {allowed} (horeca)").format(
                                                            allowed=", ".join(pcs.value)), params=[pcs],
                             missing=["employer.joint_committee"])
        elif pc_matches(pc, "322"):   # a temp agency with a horeca user qualifies [RULES-2026, smaller items]
            pc_check = Check("joint committee", None, _("a temp agency (PC 322): extras only when the user is a horeca "
                                                        "company (PC 302)"), "rules-2026", params=[pcs],
                             missing=[_("whether the temp agency's user is a horeca company (PC 302)")])
        else:
            ok = any(pc_matches(pc, allowed) for allowed in pcs.value)
            pc_check = Check("joint committee", ok, _("employer is in PC {pc}; extras only in PC {allowed} (horeca)")
                             .format(pc=pc, allowed=", ".join(pcs.value)), params=[pcs])
        used = ctx.employment.occasional_days_this_year
        numbers = _numbers(ctx, quota.value, used)
        if ctx.start.year > ctx.on.year:
            quota_check = Check("worker quota", True, _("the start falls in {year}, a new calendar year: {quota} days "
                                                        "available").format(**numbers), params=[quota])
        elif used is None:
            quota_check = Check("worker quota", None, _("days already worked as an extra this year are unknown (at "
                                                        "most {quota} a year)").format(**numbers), params=[quota],
                                missing=["candidate.employment.occasional_days_this_year"])
        elif used >= quota.value:
            quota_check = Check("worker quota", False, _("{used} of {quota} days used this year: further days are "
                                                         "ordinary work (contributions on the real wage)").format(
                                                             **numbers), params=[quota])
        else:
            quota_check = Check("worker quota", True, _("{used} of {quota} days used this year, {left} left").format(
                **numbers), params=[quota])
        out = [pc_check, quota_check]
        employer_check = self._employer_quota(ctx)
        return out + [employer_check] if employer_check is not None else out

    def _employer_quota(self, ctx: Context) -> Check | None:
        """The employer's days with extras this year, when known (else only a note tells the quota)."""
        quota = self.p("employer_days_per_year", ctx)
        used = ctx.employer.occasional_days_used_this_year
        if used is None:
            return None
        numbers = _numbers(ctx, quota.value, used)
        if ctx.start.year > ctx.on.year:
            text = _("the start falls in {year}, a new calendar year: the employer has {quota} days available")
        elif used >= quota.value:
            text = _("the employer used {used} of {quota} days with extras this year: further days are ordinary work "
                     "(contributions on the real wage)")
        else:
            text = _("the employer used {used} of {quota} days with extras this year, {left} left")
        return Check("employer quota", ctx.start.year > ctx.on.year or used < quota.value, text.format(**numbers),
                     params=[quota])

    def duration(self, ctx: Context) -> Duration:
        days = self.p("max_consecutive_days", ctx)
        quota = self.p("worker_days_per_year", ctx)
        return Duration(None, None, text=_("contracts of at most {days} consecutive days, repeatable within {quota} "
                                           "days a year").format(days=format_number(days.value),
                                                                 quota=format_number(quota.value)),
                        params=[days, quota],
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
        how = (_("day base {base}").format(base=format_number(base.value["day"], 2))
               if hours >= base.value["day_threshold_hours"]
               else _("hour base {base} x {counted} started hours ({hours} h)").format(
                   base=format_number(base.value["hour"], 2), counted=counted, hours=format_number(hours, 2)))
        # the field, else the old function extra key (not a candidate fact: it is the function's)
        worker_type = ctx.function.worker_type or (ctx.function.extra or {}).get("worker_type")
        manual = worker_type == "manual"
        if manual:
            per_day *= 1 + uplift.value
            how = _("{base} x {factor} (manual worker)").format(base=how, factor=format_number(1 + uplift.value))
        contributions = (_("{rate} of the {base}") if worker_type is not None else
                         _("{rate} of the {base}; +8% for a manual worker (function.worker_type: manual)"))
        wage = ctx.hourly_wage_eur
        return [
            Cost(_("wage for a day as an extra (at least the PC 302 scale)"), "employer", "candidate",
                 money(wage * hours) if wage is not None else None, "day",
                 basis=(_("{wage} EUR/h x {hours} h").format(wage=format_number(wage, 2), hours=format_number(hours, 2))
                        if wage is not None else _("function.hourly_wage_eur unknown")),
                 source=self.ref("ext-ss")),
            Cost(_("employer contributions on the flat base (estimate)"), "employer", "RSZ",
                 money(per_day * rate.value), "day",
                 basis=contributions.format(rate=format_percent(rate.value), base=how), params=[base, rate, uplift]),
        ]

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step(_("the SEC employer releases the worker from SEC work for those days"), ctx.before_start(1),
                 who=_("SEC employer"), source="S-001"),
            Step(_("contract for a fixed term or task of at most 2 consecutive days (oral allowed, not for students or "
                   "part-timers)"), ctx.start, who=_("employer"), legal=True, source=self.ref("ext-liantis")),
            Step(_("Dimona EXT before each day (by the hour, or by the day with a working-time register)"), ctx.start,
                 who=_("employer"), legal=True, recurring=_("each day worked"), source=self.ref("ext-liantis")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        quota = self.p("employer_days_per_year", ctx)
        text = (_("the employer may use extras at most {quota} days a year at the flat rates")
                if ctx.employer.occasional_days_used_this_year is not None else
                _("the employer may use extras at most {quota} days a year at the flat rates; the days it used this "
                  "year are unknown (employer.occasional_days_used_this_year)"))
        return [Note(text.format(quota=format_number(quota.value)), params=[quota]),
                Note(_("counters of days used are in Horeca@work; any work on a day counts as a day"),
                     self.ref("ext-ss")),
                *self._base_notes(ctx)]

    def _base_notes(self, ctx: Context) -> list[Note]:
        try:
            return index_notes(self.p("contribution_base", ctx))
        except ParameterError:   # before the first flat base: costs() says it is unknown
            return []


@hookimpl
def register_instruments():
    return [Gelegenheidswerk()]
