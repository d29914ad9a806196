"""#kiesvoorpersoonsbegeleider: the worker in training (WIO) in PC 319.01 [S-003].

The employer hires the WIO full time and open-ended from the first school day (the planned start)
and pays the wage; VIVO funds the wage cost at barema B2B (holiday pay, year-end premium,
insurances and employer contributions included, extralegal benefits not) with an advance of
EUR 7,500 a quarter, settled yearly, and refunds the EUR 1,000 study grant. The costs show the
wage, the advance and the settlement, so the employer's net cost is what VIVO does not fund: a
wage above barema B2B and extralegal benefits (not known to matchcore, named in a note).
"""
from __future__ import annotations

import datetime as dt

from matchcore.i18n import format_percent
from matchcore.instruments import _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, money

from ._common import STATUS_WORDS, pc_matches, wage_costs


def school_year_end(day: dt.date) -> dt.date:
    """30 June that ends the school year of ``day`` (a school year runs September to June)."""
    return dt.date(day.year + (day.month >= 7), 6, 30)


class WIO(Instrument):
    code = "WIO"
    parameters_file = "wio.yaml"
    shared_parameters_file = "shared.yaml"   # employer_rsz_rate, the seeds: the built-ins' shared values
    # how practical the route is for the employer (the recommendation ranks by it after eligibility)
    feasibility = "medium"
    feasibility_reason = ("the worker must be admitted to the persoonsbegeleider training and the PC 319.01 employer must hire full time and open-ended from the first school day; VIVO funds the wage [S-003]")

    def eligibility(self, ctx: Context) -> list[Check]:
        return [self._committee(ctx), self._candidate(ctx), self._full_time(ctx)]

    def _committee(self, ctx: Context) -> Check:
        pc = self.p("joint_committee", ctx)
        given = ctx.employer.joint_committee
        if given is None:
            return Check("joint committee", None, _("the employer's joint committee is unknown; PC {pc} needed").format(
                pc=pc.value), params=[pc], missing=["employer.joint_committee"])
        return Check("joint committee", pc_matches(given, pc.value),
                     _("the employer is in PC {pc}; the project is for employers of PC {wanted}").format(
                         pc=given, wanted=pc.value), params=[pc])

    def _candidate(self, ctx: Context) -> Check:
        allowed = self.p("allowed_statuses", ctx)
        pc = self.p("joint_committee", ctx)
        emp = ctx.employment
        words = STATUS_WORDS.get(emp.status, emp.status)
        if emp.employer_joint_committee and pc_matches(emp.employer_joint_committee, pc.value):
            return Check("candidate situation", False, _("the candidate already works in PC {pc}: the project is for "
                                                         "people switching in from outside the sector").format(
                                                             pc=pc.value), params=[allowed, pc])
        if emp.status == "other":
            return Check("candidate situation", None, _("the candidate is in another situation: when applying, an "
                                                        "employment contract or self-employment is needed"),
                         params=[allowed],
                         missing=[_("whether the candidate holds an employment contract or is self-employed")])
        return Check("candidate situation", emp.status in allowed.value,
                     _("the candidate is {status}; the project is for people with an employment contract or "
                       "self-employed (jobseekers excluded)").format(status=_(words)), params=[allowed])

    def _full_time(self, ctx: Context) -> Check:
        hours = self.p("full_time_hours", ctx)
        return Check("full-time contract", ctx.hours_per_week >= hours.value - 1e-9,
                     _("the function has {hours} h a week; the WIO contract is full time ({full} h), "
                       "open-ended").format(hours=format_number(ctx.hours_per_week), full=format_number(hours.value)),
                     params=[hours])

    def duration(self, ctx: Context) -> Duration:
        return Duration(text=_("the length of the training VIVO admits, until its last school day; repeating a year "
                               "or extending a module ends the project"), source="S-003")

    def costs(self, ctx: Context) -> list[Cost]:
        advance = self.p("advance_quarter_eur", ctx)
        grant = self.p("study_grant_eur", ctx)
        barema = self.p("funded_barema", ctx)
        wages = wage_costs(self, ctx)
        out = [*wages,
               Cost(_("VIVO advance for the wage cost"), "VIVO", "employer", advance.value, "quarter",
                    basis=_("per WIO, settled yearly"), params=[advance])]
        parts = [c.amount_eur for c in wages]
        quarter = None if None in parts else sum(parts) * 3
        item = _("yearly settlement by VIVO: the funded wage cost (barema {barema}) minus the advances").format(
            barema=barema.value)
        if quarter is None:
            out.append(Cost(item, "VIVO", "employer", None, "quarter", basis=_("the function's wage is unknown"),
                            params=[barema, advance]))
        elif quarter >= advance.value:
            out.append(Cost(item, "VIVO", "employer", money(quarter - advance.value), "quarter",
                            basis=_("{wage} wage cost a quarter - {advance} advance").format(
                                wage=format_number(quarter, 2), advance=format_number(advance.value, 2)),
                            params=[barema, advance]))
        else:
            out.append(Cost(_("yearly settlement: the advances above the funded wage cost are paid back"), "employer",
                            "VIVO", money(advance.value - quarter), "quarter",
                            basis=_("{advance} advance - {wage} wage cost a quarter").format(
                                wage=format_number(quarter, 2), advance=format_number(advance.value, 2)),
                            params=[barema, advance]))
        out += [Cost(_("study grant to the WIO (taxable; form 281.10)"), "employer", "candidate", grant.value, "once",
                     params=[grant]),
                Cost(_("study grant refunded in the yearly settlement"), "VIVO", "employer", grant.value, "once",
                     params=[grant])]
        return out

    def steps(self, ctx: Context) -> list[Step]:
        grant = self.p("study_grant_eur", ctx)
        return [
            Step(_("candidate selected by VIVO's joint working group zij-instroom (official letter to worker and "
                   "employer) and enrolled at a school"), ctx.before_start(1), who=_("candidate, VIVO"), legal=True,
                 source="S-003"),
            Step(_("full-time open-ended contract with the project clause, starting on the first school day; the "
                   "signed contract to VIVO"), ctx.start, who=_("employer"), legal=True, source="S-003"),
            Step(_("pay the study grant of EUR {grant} with one of the first wages, in the first school year").format(
                grant=format_number(grant.value, 0)), school_year_end(ctx.start), who=_("employer"), params=[grant]),
            Step(_("the WIO works at the employer from the end of the school year (30 June) to the first school day, "
                   "statutory leave allowed"), school_year_end(ctx.start), who=_("candidate, employer"),
                 recurring=_("yearly"), source="S-003"),
            Step(_("yearly settlement with VIVO (advances, study grant)"), None, who=_("employer"),
                 recurring=_("yearly"), source="S-003"),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        absence = self.p("max_unjustified_absence_share", ctx)
        years = self.p("commitment_years", ctx)
        return [
            Note(_("unjustified absence of more than {share} of the courses and stages, failing a year, or a new paid "
                   "activity (employee, self-employed, temp) ends the project and its funding").format(
                       share=format_percent(absence.value)), params=[absence]),
            Note(_("extralegal benefits and a wage above the funded barema are not funded; when the project stops and "
                   "the employer does not keep the WIO, VIVO funds the legal notice period"), "S-003"),
            Note(_("after the training the WIO is asked to work {years} years as persoonsbegeleider in the Flemish "
                   "welfare sector, at least half time, preferably with this employer").format(
                       years=format_number(years.value)), params=[years]),
            Note(_("stages are followed as far as possible at the employer, who provides the stage supervision"),
                 "S-003"),
        ]


@hookimpl
def register_instruments():
    return [WIO()]
