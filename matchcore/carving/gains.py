"""What moves a director (issue 15.5): the headline of the business case, the premium a carved
hire brings, and the qualitative gains the consultant ticked.

* Headline. When no one leaves (the default, ``scan.freed_hours_use: experts_back``) the freed
  hours are not a saving in cash: they are hours given back to the experts for their own craft,
  worth what those hours cost ("uren terug naar uw vakmensen"). Only when the freed hours replace
  paid hours (overtime, temporary staff, an open vacancy: ``saves_cost``) is it a saving a year.
* Premium. The first eligible instrument in the recommendation of the proposed candidate (the
  best of the function) against the normal hire of the same function: ``normal net cost a month -
  instrument net cost a month``, from the instrument plugins (``instruments.pair_rows``).
* Gains. The port example of seed 001 rests on order and safety on the site and the experts back
  at their craft; the consultant ticks them in the scan (``gains``).
"""
from __future__ import annotations

from matchcore.carving.results import BusinessCase, CarvedFunction, Gain, Premium
from matchcore.i18n import N_, _, format_money, format_number

__all__ = ["GAINS", "apply_premium", "gains_of", "headline"]

GAINS = {
    "order": N_("more order and tidiness on the work floor"),
    "safety": N_("a safer workplace: clear passages, waste and materials cleared in time"),
    "fewer_accidents": N_("fewer accidents and near misses"),
    "experts_craft": N_("experts back at their own craft, for which they were hired"),
    "less_overtime": N_("less overtime and fewer temporary staff at peaks"),
    "less_absence": N_("less strain and absence among the experts"),
    "quality": N_("better quality and fewer errors in the core work"),
    "inclusion": N_("inclusive employment: work for people at a distance from the labour market"),
}


def gains_of(codes: list[str]) -> list[Gain]:
    return [Gain(code=c, text=_(GAINS[c])) for c in codes if c in GAINS]


def headline(case: BusinessCase, use: str, freed_hours: float) -> BusinessCase:
    """Set the headline kind and its text in the chosen language."""
    # the premium is not added to the year: how long it runs depends on the instrument (a BIS
    # lasts months, a target-group reduction quarters); it is shown a month, beside the headline
    case.headline = use
    if use == "saves_cost":
        case.headline_text = _("saving a year: {amount}").format(amount=format_money(round(case.yearly_saving_eur)))
    else:
        # the hours are not paid twice: the experts do their craft in them; their value is what
        # the employer already pays for them
        case.headline_text = _("hours back to your experts: {hours} h a week, worth {value} a year "
                               "at their cost").format(hours=format_number(freed_hours, 2),
                                                       value=format_money(round(case.freed_cost_per_year_eur)))
    return case


def apply_premium(fn: CarvedFunction) -> None:
    """Fill ``fn.business_case.premium`` from the best proposed candidate's instruments."""
    best = next((c for c in fn.candidates if getattr(c, "instruments", None)), None)
    if best is None:
        return
    normal = best.normal_hire
    chosen = next((r for r in best.instruments if r.get("eligible") is True
                   and r.get("net_cost_per_month_eur") is not None), None)
    if normal is None or chosen is None or normal.get("net_cost_per_month_eur") is None:
        return
    per_month = round(normal["net_cost_per_month_eur"] - chosen["net_cost_per_month_eur"], 2)
    if per_month <= 0:
        return
    fn.business_case.premium = Premium(
        candidate=best.candidate, instrument=chosen["code"], instrument_name=chosen.get("name") or chosen["code"],
        normal_cost_per_month_eur=normal["net_cost_per_month_eur"],
        net_cost_per_month_eur=chosen["net_cost_per_month_eur"], premium_per_month_eur=per_month,
        text=_("with {candidate} through {instrument}: {premium} a month less than a normal hire "
               "({net} instead of {normal})").format(
            candidate=best.candidate, instrument=chosen.get("name") or chosen["code"],
            premium=format_money(per_month), net=format_money(chosen["net_cost_per_month_eur"]),
            normal=format_money(normal["net_cost_per_month_eur"])))
