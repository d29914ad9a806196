"""Doorstroomstage: the stage of the ESF/VDAB doorstroomtraject for a maatwerk or LDE worker.

VDAB assigns a target-group worker it finds ready to move on (doorstroomklaar) to a mandated
provider, who guides the worker for about 140 hours in four phases: a pre-trajectory (at most a
month), job matching (at most 3 months), a vacancy-oriented stage of at most 3 months at a regular
employer, and aftercare (at most 3 months) [mentor][herwin-doorstroom]. Until the regular contract
is signed the worker stays employed and paid by the SEC company, which exempts the worker from
work; it may invoice the non-subsidised part of the wage to the stage company.

For an employed SEC worker whose statute is known the answer is definite: yes for maatwerk and
LDE, no for others. VDAB's "doorstroomklaar" finding is a step of the trajectory, not a record
fact. What the SEC company invoices depends on its own wage subsidy: unknown here, so the
employer's cost is unknown unless the fact ``doorstroom_invoice_month_eur`` (the agreed monthly
amount, ``candidate.extra`` or a ``prepare_context`` plugin) gives it.
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from matchcore.instruments import N_, _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, money

from ._common import field_or_fact, status_check

STATUTE_WORDS = {"maatwerk": N_("maatwerk"), "sociale_werkplaats": N_("a social workshop (now maatwerk)"),
                 "lde": N_("LDE"), "art60": N_("an art. 60 job (OCMW)"), "other": N_("another statute")}


class Doorstroomstage(Instrument):
    code = "doorstroomstage"
    parameters_file = "doorstroomstage.yaml"
    shared_parameters_file = "shared.yaml"   # the seeds: the built-ins' shared references
    # how practical the route is for the employer (the recommendation ranks by it after eligibility)
    feasibility = "medium"
    feasibility_reason = ("only inside a doorstroomtraject that VDAB assigned to a mandated provider; the SEC company, the provider and the stage company must agree; at most 3 months [mentor]")

    def eligibility(self, ctx: Context) -> list[Check]:
        out = [status_check(self, ctx, "allowed_statuses", "candidate situation")]
        if ctx.employment.status == "sec_employee":
            out.append(self._statute(ctx))
        return out

    def _statute(self, ctx: Context) -> Check:
        allowed = self.p("allowed_statutes", ctx)
        statute = ctx.employment.statute
        if statute is None:
            return Check("target group", None, _("the doorstroomtraject is for maatwerk and LDE target-group "
                                                 "workers; the candidate's statute is unknown"), params=[allowed],
                         missing=["candidate.employment.statute"])
        return Check("target group", statute in allowed.value, _("the candidate works in {statute}; the "
                                                                 "doorstroomtraject is for maatwerk and LDE "
                                                                 "target-group workers").format(
                                                                     statute=_(STATUTE_WORDS.get(statute, statute))),
                     params=[allowed])

    def duration(self, ctx: Context) -> Duration:
        weeks = self.p("max_stage_weeks", ctx)
        return Duration(None, weeks.value, weeks.value, text=_("a vacancy-oriented stage of at most 3 months within "
                                                               "the trajectory"), params=[weeks])

    def costs(self, ctx: Context) -> list[Cost]:
        agreed = field_or_fact(ctx, None, "doorstroom_invoice_month_eur")
        basis = (_("agreed with the SEC company (fact doorstroom_invoice_month_eur)") if agreed is not None else
                 _("at most the part of the SEC wage its subsidy does not cover; agreed with the SEC company "
                   "(unknown: fact doorstroom_invoice_month_eur)"))
        return [
            Cost(_("wage during the stage (the worker stays on the SEC payroll)"), "SEC employer", "candidate", None,
                 "month", source=self.ref("mentor")),
            Cost(_("non-subsidised part of the wage, if the SEC company invoices it"), "employer", "SEC employer",
                 money(float(agreed)) if agreed is not None else None, "month", basis=basis,
                 source=self.ref("mentor")),
            Cost(_("guidance by the mandated provider (ESF)"), "VDAB", "provider", None, "month",
                 source=self.ref("mentor")),
        ]

    def steps(self, ctx: Context) -> list[Step]:
        phases = self.p("phase_months", ctx)
        hours = self.p("guidance_hours", ctx)
        before = phases.value["pre"] + phases.value["matching"]
        end = ctx.end or ctx.start + dt.timedelta(weeks=self.p("max_stage_weeks", ctx).value)
        return [
            Step(_("VDAB finds the worker ready to move on (doorstroomklaar) and assigns the trajectory to a "
                   "mandated provider (about {hours} guidance hours); pre-trajectory and job matching take at most "
                   "{months} months before the stage").format(hours=format_number(hours.value),
                                                              months=format_number(before)),
                 ctx.before_start(1), who=_("VDAB, provider"),
                 earliest=ctx.start - relativedelta(months=before), params=[phases, hours]),
            Step(_("stage agreement between SEC company, stage company, provider and worker; the SEC company exempts "
                   "the worker from work for the stage"), ctx.before_start(1),
                 who=_("SEC employer, employer, provider"), legal=True, source=self.ref("herwin-doorstroom")),
            Step(_("at the end of the stage the provider updates the worker's personal development plan (POP)"), end,
                 who=_("provider"), source=self.ref("herwin-doorstroom")),
            Step(_("aftercare by the provider, at most {months} months after the hire").format(
                months=format_number(phases.value["aftercare"])),
                 end + relativedelta(months=phases.value["aftercare"]), who=_("provider"), params=[phases]),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        return [
            Note(_("the worker stays employed and paid by the SEC company until the regular contract is signed, and "
                   "is exempted from work there for the guidance and the stage"), self.ref("mentor")),
            Note(_("during the stage the provider supports the stage company: welcome, adapting the workplace and "
                   "work processes, communication, coaching"), self.ref("herwin-doorstroom")),
        ]


@hookimpl
def register_instruments():
    return [Doorstroomstage()]
