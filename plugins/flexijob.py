"""Flexijob: from 2015-12-01 (horeca), widened by sector over time [S-001][flx-*].

Eligibility: at least 4/5 with other employers in quarter T-3 (or a pensioner, from 2018) and an
employer in an allowed joint committee on the start date. When ``regime_fraction_t3`` is not
given, the current job's fraction is the T-3 one if that job started (``employment.since``) on or
before the first day of quarter T-3. Cost per week of the function's hours: the base flexi wage
(at least the PC 302 minimum, which includes the holiday pay), the flexi holiday pay of 7.67 % on
top, and the special employer contribution on both [flx-partena][flx-2026c4].
"""
from __future__ import annotations

import datetime as dt

from matchcore.errors import ParameterError
from matchcore.i18n import format_date, format_percent
from matchcore.instruments import N_, _, format_number, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, money

from ._common import field_or_fact, index_notes, pc_matches


def quarter_label(day: dt.date, back: int = 0) -> str:
    q = (day.month - 1) // 3 - back
    year = day.year + q // 4
    return f"{year} Q{q % 4 + 1}"


# The reasons of the parameter file's 'partial' committees (flexijob.yaml, sectors), marked here
# so that the catalogue has them: _sector shows them through _() (a new reason stays English).
PARTIAL_REASONS = (
    N_("temp agency work, only when the user is in an allowed committee"),
    N_("only artisan chocolate retail (NACE 47242)"),
    N_("only some NACE codes and support functions, never care functions"),
    N_("only the subsectors listed (118.03, 118.07-118.12, 118.14, 118.21, 118.22) and artisan chocolate retail"),
    N_("only driving schools (NACE 85.531) and some event activities"),
    N_("only childcare (NACE 88.91) as main activity"),
    N_("not for domestic staff (dienstboden) and their employers"),
    N_("funeral undertakers: only the functions possible as occasional work"),
)


def quarter_start(day: dt.date, back: int = 0) -> dt.date:
    """First day of the quarter ``back`` quarters before the quarter of ``day``."""
    q = (day.month - 1) // 3 - back
    return dt.date(day.year + q // 4, (q % 4) * 3 + 1, 1)


class Flexijob(Instrument):
    code = "flexijob"
    parameters_file = "flexijob.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values

    feasibility = "high"
    feasibility_reason = ("simple once the 4/5 condition holds: a framework agreement, then a Dimona per job; the "
                          "worker can show the job for a few hours [S-001]")

    def eligibility(self, ctx: Context) -> list[Check]:
        return [self._t3(ctx), self._sector(ctx)]

    def _t3(self, ctx: Context) -> Check:
        need = self.p("t3_min_fraction", ctx)
        pension = self.p("pensioners_exempt_from_t3", ctx)
        t3 = quarter_label(ctx.start, 3)
        if field_or_fact(ctx, ctx.employment.pensioner, "pensioner") and pension.value:
            return Check("T-3 employment", True, _("pensioner: no T-3 condition"), params=[pension])
        fraction = ctx.employment.regime_fraction_t3
        text = _("worked {fraction} with other employers in quarter T-3 ({quarter}); at least {need} (4/5) needed")
        if fraction is None:
            now, since = ctx.employment.regime_fraction, ctx.employment.since
            first = quarter_start(ctx.start, 3)
            if now is not None and since is not None and since <= first:
                fraction = now
                text = _("works {fraction} in the current job since {since}, so also {fraction} with other "
                         "employers in quarter T-3 ({quarter}); at least {need} (4/5) needed")
            else:
                if now is not None and since is not None:
                    why = _("the current job ({fraction}) started on {since}, after the first day of quarter T-3 "
                            "({first}), so its fraction does not count")
                elif now is not None:
                    why = _("the current job is {fraction}, but since when is unknown (it counts if it started by "
                            "{first})")
                else:
                    why = _("no work fraction is given")
                why = why.format(fraction=format_number(now), since=format_date(since), first=format_date(first))
                return Check("T-3 employment", None, _("the work fraction with other employers in quarter T-3 "
                                                       "({quarter}) is needed: {why}; at least {need} (4/5) is "
                                                       "needed").format(quarter=t3, why=why,
                                                                        need=format_number(need.value)),
                             params=[need], missing=["candidate.employment.regime_fraction_t3",
                                                     "candidate.employment.since"])
        return Check("T-3 employment", fraction >= need.value - 1e-9,
                     text.format(fraction=format_number(fraction), since=format_date(ctx.employment.since),
                                 quarter=t3, need=format_number(need.value)), params=[need])

    def _sector(self, ctx: Context) -> Check:
        sectors = self.p("sectors", ctx)
        pc = ctx.employer.joint_committee
        if pc is None:
            return Check("sector", None, _("the employer's joint committee is unknown"), params=[sectors],
                         missing=["employer.joint_committee"])
        found = self._sector_verdict(sectors.value, pc)
        if found[0] is False:
            wider = [a for a in sectors.alternatives if self._sector_verdict(a.value, pc)[0] is not False]
            if wider:
                return Check("sector", None, _("flexijobs are not allowed in PC {pc} under the verified rules; "
                                               "{other} would allow them (not verified)").format(
                                                   pc=pc, other=wider[0].describe()), params=[sectors],
                             missing=[_("whether flexijobs are open to all sectors on the start date (planned "
                                        "from {date}, not verified)").format(date=format_date(wider[0].valid_from))])
            return Check("sector", False, _("flexijobs are not allowed in PC {pc} on {date}").format(
                pc=pc, date=format_date(ctx.start)),
                         params=[sectors])
        ok, why = found
        if ok:
            return Check("sector", True, _("flexijobs are allowed in PC {pc}").format(pc=pc), params=[sectors])
        return Check("sector", None, _("in PC {pc} flexijobs are allowed only partly: {why}").format(pc=pc, why=_(why)),
                     params=[sectors],
                     missing=[_("whether the employer's activity or function is among the allowed ones")])

    @staticmethod
    def _sector_verdict(value: dict, pc: str) -> tuple[bool | None, str]:
        """(True, "") allowed; (None, why) partly; (False, "") not. A listed sub-committee (145.04) is
        allowed even when its committee (145) is excluded."""
        if any(pc_matches(pc, allowed) for allowed in value.get("full", [])):
            return True, ""
        if any(pc_matches(pc, ex) for ex in value.get("excluded", [])):
            return False, ""
        if value.get("all"):
            return True, ""
        for partial, why in (value.get("partial") or {}).items():
            if pc_matches(pc, partial):
                return None, why
        return False, ""

    def duration(self, ctx: Context) -> Duration:
        return Duration(None, None, text=_("no limit; the hours are agreed per job"), source="S-001")

    def costs(self, ctx: Context) -> list[Cost]:
        rate = self.p("employer_contribution_rate", ctx)
        holiday = self.p("holiday_pay_rate", ctx)
        wage = ctx.hourly_wage_eur    # the base flexi wage an hour, holiday pay not included
        params, basis = [rate, holiday], ""
        if ctx.employer.joint_committee and pc_matches(ctx.employer.joint_committee, "302"):
            try:
                minimum = self.p("min_wage_pc302_incl_holiday_eur", ctx)
                params.append(minimum)
                base_min = minimum.value / (1 + holiday.value)   # like with like: the minimum includes it
                if wage is None or wage < base_min - 1e-9:
                    basis = _("PC 302 minimum flexi wage {minimum} EUR/h incl. holiday pay = {base} base").format(
                        minimum=format_number(minimum.value, 2), base=format_number(base_min, 4))
                    wage = base_min
            except ParameterError:
                basis = _("the PC 302 minimum flexi wage for this date is not in the parameters")
        if wage is None:
            return [Cost(_("flexi wage"), "employer", "candidate", None, "week",
                         basis=_("function.hourly_wage_eur is unknown (at least the sector scale)")),
                    Cost(_("flexi holiday pay"), "employer", "candidate", None, "week", params=[holiday]),
                    Cost(_("special employer contribution"), "employer", "RSZ", None, "week", params=[rate])]
        weekly = wage * ctx.hours_per_week
        pay = weekly * holiday.value
        basis = basis or _("the function's wage {wage} EUR/h as the base flexi wage (at least the sector "
                           "scale)").format(wage=format_number(wage, 2))
        return [
            Cost(_("flexi wage (free of worker contributions)"), "employer", "candidate", money(weekly), "week",
                 basis=_("{basis} x {hours} h").format(basis=basis, hours=format_number(ctx.hours_per_week)),
                 params=params),
            Cost(_("flexi holiday pay, paid with the wage"), "employer", "candidate", money(pay), "week",
                 basis=_("{rate} of the base flexi wage").format(rate=format_percent(holiday.value, 2)),
                 params=[holiday]),
            Cost(_("special employer contribution"), "employer", "RSZ", money((weekly + pay) * rate.value), "week",
                 basis=_("{rate} of the flexi wage and the flexi holiday pay").format(rate=format_percent(rate.value)),
                 params=[rate]),
        ]

    def steps(self, ctx: Context) -> list[Step]:
        return [
            Step(_("written framework agreement (identities, call-up, functions, flexi wage, the 4/5 condition)"),
                 ctx.before_start(1), who=_("employer, candidate"), legal=True, source=self.ref("flx-contract")),
            Step(_("flexi employment contract for the job, hours agreed beforehand (oral or written)"), ctx.start,
                 who=_("employer, candidate"), legal=True, recurring=_("each job"), source="S-001"),
            Step(_("Dimona FLX before the job starts (oral contract: a day Dimona with start and end times)"),
                 ctx.start, who=_("employer"), legal=True, recurring=_("each job"), source=self.ref("flx-contract")),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        out = [Note(_("not with an employer where the candidate works at least 4/5 in the same quarter, nor during "
                      "a notice period with it; since 2024 not at a company linked to the main employer; never "
                      "artistic or care functions"), self.ref("flx-konsil"))]
        try:
            cap = self.p("tax_free_cap_eur", ctx)
            maximum = self.p("max_wage_factor", ctx)
            out.append(Note(_("flexi income is tax-free up to EUR {cap} a year for non-pensioners (income year "
                              "{year})").format(cap=format_number(cap.value), year=ctx.start.year), params=[cap]))
            out.append(Note(_("the flexi wage may be at most {factor} x the minimum").format(
                factor=format_number(maximum.value)), params=[maximum]))
            out.append(Note(_("after a switch from full time to 4/5, a waiting period of 2 quarters applies"),
                            self.ref("flx-konsil")))
            out += index_notes(cap, self.p("sectors", ctx))
            if ctx.employer.joint_committee and pc_matches(ctx.employer.joint_committee, "302"):
                out += index_notes(self.p("min_wage_pc302_incl_holiday_eur", ctx))
        except ParameterError:
            pass
        return out


@hookimpl
def register_instruments():
    return [Flexijob()]
