"""BIS: beroepsinlevingsstage (from 2018-09-01), with the BIO-booster promoter pricing as variants.

The employer pays the trainee an allowance of at least half the GGMMI a month, pro rata for part
time (no RSZ; payroll tax is withheld from it). Variant ``direct``: the employer pays it itself.
Variants ``booster-nonprofit`` and ``booster-partner``: a BIO-booster promoter hires the trainee and
invoices the allowance, a service price and commuting [S-000] (the seed's prices are from the BIO
era and unverified for the BIS).
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from matchcore.instruments import _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, Variant, money

from . import _booster
from ._common import index_notes, region_check, status_check

DIRECT = Variant("direct", "employer pays the allowance itself",
                 "no promoter: the employer signs the BIS contract and pays the trainee [bis]")


def _months_before(day: dt.date, months: int) -> dt.date:
    """Calendar months back, on the month's last day when it is shorter (05-31 - 3 -> 02-28)."""
    return day - relativedelta(months=months)


class BIS(Instrument):
    code = "BIS"
    parameters_file = "bis.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    variants = (DIRECT, *_booster.VARIANTS)
    feasibility = "high"
    feasibility_reason = ("a standard VDAB route: the employer's training plan is approved at least 3 weeks "
                          "ahead; no hiring obligation [bisfaq]")

    def practical_feasibility(self, ctx: Context) -> tuple[str, str]:
        if ctx.employment.status == "sec_employee":
            return "medium", _("possible for an employed SEC worker, but the SEC employer must give leave (or the "
                               "hours must fit beside the SEC job) for the stage [bisw]")
        return self.feasibility, self.feasibility_reason

    def eligibility(self, ctx: Context) -> list[Check]:
        return [self._situation(ctx), region_check(self, ctx, "employer_regions", "workplace region")]

    def _situation(self, ctx: Context) -> Check:
        allowed = self.p("allowed_statuses", ctx)
        if ctx.employment.status == "sec_employee" and "employee" in allowed.value:
            # VDAB: "werkzoekende, werknemer, zelfstandige, student ... kan een BIS doen"; excluded only
            # "opleidingen ... in het kader van een lopende arbeidsovereenkomst" [bisw]. A SEC worker is
            # an employee; the stage company is not the SEC employer, so the exclusion does not apply.
            return Check("candidate situation", True, _(
                "yes: an employed SEC worker is an employee, and an employee may do a BIS with another employer; "
                "only training within the running SEC contract is excluded (so not at the SEC employer itself); "
                "the SEC job's hours must leave room (leave or part time)"), self.ref("bisw"), params=[allowed])
        return status_check(self, ctx, "allowed_statuses", "candidate situation")

    def duration(self, ctx: Context) -> Duration:
        limit = self.p("max_duration_weeks", ctx)
        return Duration(None, limit.value, text=_("set by VDAB when approving the training plan"), params=[limit])

    def allowance(self, ctx: Context):
        share = self.p("min_allowance_ggmmi_share", ctx)
        ggmmi = self.shared("ggmmi_monthly_eur", ctx)
        amount = money(share.value * ggmmi.value * ctx.fraction)
        basis = _("minimum: {share} x GGMMI {ggmmi} x {fraction} ({hours} h / 38 h)").format(
            share=format_number(share.value), ggmmi=format_number(ggmmi.value, 2),
            fraction=format_number(ctx.fraction, 3), hours=format_number(ctx.hours_per_week))
        return amount, basis, [share, ggmmi]

    def select_variant(self, ctx: Context):
        return DIRECT.key, Note(_("variant 'direct' by default: the employer pays the allowance; with a "
                                  "BIO-booster promoter choose 'booster-nonprofit' (non-profit employers) or "
                                  "'booster-partner' (partner coaching), whose prices date from the BIO era"), "S-000")

    def costs(self, ctx: Context, variant: str | None = None) -> list[Cost]:
        amount, basis, params = self.allowance(ctx)
        if variant in (None, DIRECT.key):
            return [Cost(_("trainee allowance (stagevergoeding), no RSZ; payroll tax withheld from it"), "employer",
                         "candidate", amount, "month", basis=basis, params=params)]
        return _booster.costs(self, ctx, variant, amount,
                              _("{basis}, passed on by the promoter").format(basis=basis), params)

    def steps(self, ctx: Context) -> list[Step]:
        deadline = self.p("plan_deadline_days_before_start", ctx)
        ahead = self.p("plan_request_max_ahead_months", ctx)
        booster = _booster.p("plan_days_before_start", ctx)
        before = ctx.before_start(1)
        out = [
            Step(_("training plan in Dutch (competences, training actions, duration) to VDAB for approval"),
                 ctx.before_start(deadline.value), who="employer", legal=True,
                 earliest=_months_before(ctx.start, ahead.value), params=[deadline, ahead]),
            Step(_("training plan to VDAB when a BIO-booster promoter organises the BIS (its practice: 5 weeks "
                   "ahead)"),
                 ctx.before_start(booster.value), who="BIO-coach", params=[booster]),
            Step(_("BIS contract signed; mentor appointed; workplace accident and civil liability insurance"), before,
                 who="employer", legal=True, source=self.ref("bis")),
            Step(_("Dimona declaration, type STG"), ctx.start, who="employer", legal=True, source=self.ref("bis-dim")),
            Step(_("attendance list"), ctx.start, who="employer", recurring="daily", source="S-000"),
            Step(_("final attest; opleidingsattest for a benefit recipient"), ctx.end, who="employer",
                 source=self.ref("bisw")),
        ]
        benefit = ctx.employment.unemployment_benefit
        if benefit is not False:
            who = "candidate" + ("" if benefit else " (if receiving unemployment benefit)")
            out.append(Step(_("exemption from availability (vrijstelling) approved by VDAB before the start, to "
                              "keep part of the benefit"), before, who=who, legal=True, source=self.ref("bisw")))
        return out

    def notes(self, ctx: Context) -> list[Note]:
        chosen = ctx.variants.get(self.code) or DIRECT.key
        return [
            *index_notes(self.shared("ggmmi_monthly_eur", ctx)),
            Note(_("not an employment contract; no hiring obligation; no overtime"), self.ref("bis")),
            Note(_("excluded: training within a running employment contract, recognised education, compulsory "
                   "diploma internships, protected titles"), self.ref("bisw")),
            *_booster.notes(ctx, chosen if chosen != DIRECT.key else None),
        ]


@hookimpl
def register_instruments():
    return [BIS()]
