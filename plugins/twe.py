"""TWE: tijdelijke werkervaring, VDAB's 2-year intensive mediation by a partner [S-004].

The planned start is the first appointment with the TWE partner; the work-experience agreement
(WEO) and the 2-year exemption from availability run from it. The deadlines of the partner
manual are steps with due dates counted from that day: a new appointment within 7 calendar days
when the candidate is absent, the first agreement sheet within 15 calendar days, and the final
advice within a month after the end. Workplace learning within TWE (IBO, WES) is evaluated as its
own instrument; the employer pays nothing for the mediation itself.

This built-in replaces the third-party example ``examples/matchcore-twe``, which now registers
the code ``TWE-example`` so that both can be installed side by side.
"""
from __future__ import annotations

import datetime as dt

from matchcore.i18n import format_date
from matchcore.instruments import N_, _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step

from ._common import status_check


class TWE(Instrument):
    code = "TWE"
    parameters_file = "twe.yaml"
    shared_parameters_file = "shared.yaml"   # the seeds: the built-ins' shared references
    # how practical the route is for the employer (the recommendation ranks by it after eligibility)
    feasibility = "medium"
    feasibility_reason = ("VDAB must refer the jobseeker to a TWE partner; the route is workplace learning over up to 2 years with fixed deadlines (first agreement within 15 days) [twe-manual]")

    def eligibility(self, ctx: Context) -> list[Check]:
        emp = ctx.employment
        if emp.status == "sec_employee" and emp.statute == "art60":
            # TWE-OCMW guides an OCMW client from the WEO into an art. 60 par. 7 job
            return [Check("candidate situation", None, _("an art. 60 worker: TWE-OCMW combines the mediation with "
                                                         "the art. 60 job; whether this job runs within a TWE is for "
                                                         "the OCMW to say"),
                          self.ref("twe-ocmw"),
                          missing=[_("whether the art. 60 job runs within a TWE-OCMW trajectory")])]
        return [status_check(self, ctx, "allowed_statuses", "candidate situation", unclear={
            "other": N_("TWE is for a jobseeker referred by VDAB; whether the candidate is registered at VDAB as one "
                        "is not known")})]

    def duration(self, ctx: Context) -> Duration:
        weeks = self.p("max_weeks", ctx)
        return Duration(None, weeks.value, weeks.value, text=_("the work-experience agreement runs 2 years from the "
                                                               "first appointment"), params=[weeks])

    def costs(self, ctx: Context) -> list[Cost]:
        return [Cost(_("mediation and guidance by the TWE partner (a VDAB tender)"), "VDAB", "TWE partner", None,
                     "month", basis=_("paid within the tender; nothing for the employer"), source="twe-manual")]

    def _end(self, ctx: Context) -> dt.date:
        weeks = ctx.duration_weeks if ctx.duration_weeks is not None else self.p("max_weeks", ctx).value
        return ctx.start + dt.timedelta(weeks=weeks)

    def steps(self, ctx: Context) -> list[Step]:
        sheet = self.p("first_sheet_days", ctx)
        again = self.p("reschedule_days", ctx)
        advice = self.p("final_advice_days", ctx)
        return [
            Step(_("first appointment at the partner marked 'present': print and sign the work-experience agreement "
                   "(WEO), then start the mediation process"), ctx.start, who=_("TWE partner, candidate"), legal=True,
                 source="twe-manual"),
            Step(_("if the candidate is absent on {date}: a new appointment fixed within {days} calendar days (by "
                   "registered letter after an absence without valid reason or the second time; the service stops "
                   "after the next absence)").format(date=format_date(ctx.start), days=format_number(again.value)),
                 ctx.start + dt.timedelta(days=again.value), who=_("TWE partner"), legal=True, params=[again]),
            Step(_("first agreement sheet (afsprakenblad) signed by partner and candidate, at the latest {days} "
                   "calendar days after the first appointment").format(days=format_number(sheet.value)),
                 ctx.start + dt.timedelta(days=sheet.value), who=_("TWE partner, candidate"), legal=True,
                 params=[sheet]),
            Step(_("new agreement sheets with tasks and deadlines, at regular intervals"), None, who=_("TWE partner"),
                 recurring=_("regularly"), source="twe-manual"),
            Step(_("final advice in Mijn Loopbaan within {days} days after the mediation ends (otherwise the service "
                   "closes without it); then the C91 certificate to the candidate").format(
                       days=format_number(advice.value)),
                 self._end(ctx) + dt.timedelta(days=advice.value), who=_("TWE partner"), legal=True, params=[advice]),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        idle = self.p("closes_after_idle_months", ctx)
        codes = self.p("training_codes", ctx)
        listed = ", ".join(f"{name} {code}" for name, code in codes.value.items())
        return [
            Note(_("the service closes after {months} months without contract days (training, stage or work) or "
                   "after 3 times in the passive category").format(months=format_number(idle.value)), params=[idle]),
            Note(_("the 2-year exemption from availability starts on the date of the first appointment"),
                 "twe-manual"),
            Note(_("within TWE the partner itself runs and manages an IBO"), "twe-manual"),
            Note(_("stages within TWE are registered with training codes: {codes}").format(codes=listed),
                 params=[codes]),
        ]


@hookimpl
def register_instruments():
    return [TWE()]
