"""TBS: terbeschikkingstelling (lending the SEC worker to the company) [S-001][tbs-fod].

The user pays the difference between the function's wage and the worker's SEC wage plus
transport [S-001]. The SEC hourly wage is ``candidate.employment.current_hourly_wage_eur``; when
that is not given, the fact ``current_hourly_wage_eur`` (the old ``candidate.extra`` key, or a
``prepare_context`` plugin).
"""
from __future__ import annotations

from matchcore.instruments import _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, money

from ._common import field_or_fact, index_notes, status_check


class TBS(Instrument):
    code = "TBS"
    parameters_file = "tbs.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    feasibility = "low"
    feasibility_reason = ("in practice very hard: prior permission of the social inspection, with the consent of the "
                          "user's union delegation (else its joint committee); 'voornamelijk in theorie mogelijk' [S-001]")

    def eligibility(self, ctx: Context) -> list[Check]:
        return [status_check(self, ctx, "allowed_statuses", "candidate situation")]

    def duration(self, ctx: Context) -> Duration:
        weeks = self.p("max_duration_weeks", ctx)
        other = "; ".join(a.describe() for a in weeks.alternatives)
        text = (_("the seed's practice; the inspection sets the limit (disputed: {other})").format(other=other)
                if other else _("the seed's practice; the inspection sets the limit"))
        return Duration(None, weeks.value, weeks.value, text=text, params=[weeks])

    def costs(self, ctx: Context) -> list[Cost]:
        nec = ctx.hourly_wage_eur
        sec = field_or_fact(ctx, ctx.employment.current_hourly_wage_eur, "current_hourly_wage_eur")
        if nec is None or sec is None:
            missing = [n for n, v in (("function.hourly_wage_eur", nec),
                                      ("candidate.employment.current_hourly_wage_eur", sec)) if v is None]
            amount, basis = None, _("unknown: {fields}").format(fields=", ".join(missing))
        else:
            diff = max(0.0, float(nec) - float(sec))
            amount = money(diff * ctx.hours_per_week)
            basis = _("({nec} - {sec}) EUR/h x {hours} h").format(nec=format_number(float(nec), 2),
                                                                 sec=format_number(float(sec), 2),
                                                                 hours=format_number(ctx.hours_per_week))
        return [
            Cost(_("wage difference (NEC wage for the function - SEC wage)"), "employer", "SEC employer", amount,
                 "week", basis=_("{basis}; plus the worker's transport costs at cost; VAT on this recharge not "
                                 "verified").format(basis=basis), source="S-001"),
            Cost(_("wage (keeps running)"), "SEC employer", "candidate", None, "month", source="S-001"),
        ]

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step(_("prior permission of the social inspection (Toezicht op de Sociale Wetten) requested, with proof "
                   "that the user's union delegation or works council (else its joint committee) consents"),
                 ctx.before_start(1), who=_("SEC employer"), legal=True, source=self.ref("tbs-fod")),
            Step(_("TBS agreement in writing (duration, conditions), signed by SEC employer, user and worker"),
                 ctx.before_start(1), who=_("SEC employer, employer, candidate"), legal=True,
                 source=self.ref("tbs-fod")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        notice = self.p("notice_hours_case_b", ctx)
        return [
            Note(_("lending staff without permission is prohibited: the user and the worker are then deemed bound by "
                   "an open-ended contract from day one, with joint liability and fines"), self.ref("tbs-echo")),
            Note(_("without permission only within one economic entity or for specialised tasks, telling the "
                   "inspection at least {hours} h ahead").format(hours=format_number(notice.value)), params=[notice]),
            Note(_("in practice a difficult procedure ('voornamelijk in theorie mogelijk'); it can lead to an "
                   "open-ended contract or an IBO"), "S-001"),
            *index_notes(self.p("max_duration_weeks", ctx)),
        ]


@hookimpl
def register_instruments():
    return [TBS()]
