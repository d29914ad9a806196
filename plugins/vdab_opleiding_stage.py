"""VDAB's korte opleiding met stage op de werkvloer: a short unpaid training to fill a vacancy.

At most five full or ten half days [kos-werkgever]: a day of the function counts as a half day
when it is at most half of a 7.6-hour day, so the longest planned duration in weeks follows from
the function's days a week and hours a day. For a jobseeker registered at VDAB as non-working;
an employed SEC worker is not one (a definite no). No wage or premium: the employer's cost is
nil apart from the insurance, and it may refund travel costs.
"""
from __future__ import annotations

from matchcore.instruments import N_, _, format_number, hookimpl
from matchcore.instruments import FULL_TIME_HOURS, Check, Context, Cost, Duration, Instrument, Note, Step

from ._common import region_check, status_check

HALF_DAY_HOURS = FULL_TIME_HOURS / 5 / 2   # half of a 7.6-hour day


class ShortTraining(Instrument):
    code = "korte-opleiding"
    parameters_file = "vdab_opleiding_stage.yaml"
    shared_parameters_file = "shared.yaml"   # the seeds: the built-ins' shared references
    # how practical the route is for the employer (the recommendation ranks by it after eligibility)
    feasibility = "high"
    feasibility_reason = ("arranged by VDAB for an open vacancy within days; at most five full or ten half days, no wage, the employer signs a training contract [kos-werkgever]")

    def eligibility(self, ctx: Context) -> list[Check]:
        openings = ctx.function.openings
        return [
            status_check(self, ctx, "allowed_statuses", "candidate situation", unclear={
                "other": N_("the short training is for anyone registered at VDAB as a non-working jobseeker; "
                            "whether the candidate is is not known")}),
            region_check(self, ctx, "employer_regions", N_("organiser's site")),
            Check("open vacancy", openings > 0, _("the aim is to fill an open vacancy; the function has {n} "
                                                  "opening(s)").format(n=openings), self.ref("kos-werkgever")),
        ]

    def _limit(self, ctx: Context):
        half = ctx.hours_per_day <= HALF_DAY_HOURS + 1e-9
        days = self.p("max_half_days" if half else "max_full_days", ctx)
        return half, days

    def duration(self, ctx: Context) -> Duration:
        half, days = self._limit(ctx)
        weeks = round(days.value / ctx.days_per_week, 2)
        text = (_("at most {days} half days: {weeks} week(s) at {per_week} day(s) a week of {hours} h") if half else
                _("at most {days} full days: {weeks} week(s) at {per_week} day(s) a week of {hours} h"))
        return Duration(None, weeks, weeks, text=text.format(
            days=format_number(days.value), weeks=format_number(weeks), per_week=ctx.days_per_week,
            hours=format_number(ctx.hours_per_day, 1)), params=[days])

    def costs(self, ctx: Context) -> list[Cost]:
        return [Cost(_("no wage or premium: the jobseeker keeps the benefit (with VDAB's permission)"), "employer",
                     "candidate", 0.0, "day", source=self.ref("kos-werkgever"))]

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step(_("request the short training with stage at VDAB (company, temp agency or training partner, or "
                   "social-economy company)"), ctx.before_start(1), who=_("employer"),
                 source=self.ref("kos-werkgever")),
            Step(_("the jobseeker asks VDAB's permission before the start, or gets no benefit for those days"),
                 ctx.before_start(1), who=_("candidate"), legal=True, source=self.ref("kos-werkzoekende")),
            Step(_("training contract to the jobseeker: unpaid, with accident and civil liability insurance"),
                 ctx.before_start(1), who=_("employer"), legal=True, source=self.ref("kos-werkzoekende")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        return [
            Note(_("free for the jobseeker: no enrolment fee, no charge for materials or protective equipment; "
                   "travel costs may be refunded, not required"), self.ref("kos-werkgever")),
            Note(_("the jobseeker stays available for the labour market and may be invited to interviews"),
                 self.ref("kos-werkgever")),
            Note(_("voluntary: the jobseeker may refuse"), self.ref("kos-werkzoekende")),
        ]


@hookimpl
def register_instruments():
    return [ShortTraining()]
