"""The business case of a carved function, and its candidates with the instruments that apply.

``saving_per_week = sum(freed hours x role hourly cost) - function hours x carved hourly cost``;
``yearly_saving = saving_per_week x weeks_per_year``. Candidates come from the matching engine
(:class:`~matchcore.matching.matcher.Matcher`), instruments from the instrument rules
(:func:`~matchcore.instruments.evaluate_all`).
"""
from __future__ import annotations

from typing import Any

from matchcore.i18n import _
from matchcore.carving.results import BusinessCase, CarvedFunction, FreedHours, TaskDetail
from matchcore.model import Function, FunctionCompetence, Scan, Task

__all__ = ["GROSS_TO_EMPLOYER_COST", "business_case", "find_candidates", "function_record",
           "instruments_for", "shifts_needed"]

# Gross hourly wage x this = employer cost of an hour worked (employer social security, holiday
# pay, end-of-year premium, paid holidays); used to estimate a carved function's wage for the
# instrument rules from its hourly cost.
GROSS_TO_EMPLOYER_COST = 1.65


def business_case(scan: Scan, tasks: list[Task], hours: list[float], *, carved_hourly_cost_eur: float,
                  weeks_per_year: float) -> BusinessCase:
    """Hours freed per role and what they cost, the carved function's cost, the saving.

    ``saving_per_week = sum(freed hours x role hourly cost) - function hours x carved hourly cost``;
    ``yearly_saving = saving_per_week x weeks_per_year``. Negative: the function costs more than
    the hours it frees are worth at the skilled roles' cost. Roles without a cost count as 0 (noted).
    """
    freed: dict[str, float] = {}
    for t, h in zip(tasks, hours):
        freed[t.role] = freed.get(t.role, 0.0) + h
    rows, notes, freed_cost = [], [], 0.0
    for role_id in sorted(freed, key=lambda r: (-freed[r], r)):
        role = scan.role(role_id)
        cost = None if role.hourly_cost_eur is None else freed[role_id] * role.hourly_cost_eur
        if cost is None:
            notes.append(_("role {role} has no hourly_cost_eur in scan {scan}; its freed hours count as 0 EUR")
                         .format(role=role_id, scan=scan.id))
        freed_cost += cost or 0.0
        rows.append(FreedHours(role=role_id, title=role.title, hours_per_week=round(freed[role_id], 2),
                               fte=round(freed[role_id] / scan.full_time_hours, 2),
                               hourly_cost_eur=role.hourly_cost_eur,
                               cost_per_week_eur=None if cost is None else round(cost, 2)))
    total = sum(hours)
    carved_cost = total * carved_hourly_cost_eur
    saving = freed_cost - carved_cost
    return BusinessCase(freed_by_role=rows, freed_cost_per_week_eur=round(freed_cost, 2),
                        carved_hourly_cost_eur=carved_hourly_cost_eur,
                        carved_cost_per_week_eur=round(carved_cost, 2),
                        saving_per_week_eur=round(saving, 2), weeks_per_year=weeks_per_year,
                        freed_cost_per_year_eur=round(freed_cost * weeks_per_year, 2),
                        carved_cost_per_year_eur=round(carved_cost * weeks_per_year, 2),
                        yearly_saving_eur=round(saving * weeks_per_year, 2), notes=notes)


def shifts_needed(details: list[TaskDetail]) -> tuple[str, ...]:
    """Shifts a candidate must work: evening or night when such tasks are half the hours or more.

    Day-time windows (continuous, morning, afternoon) fit any day shift (day, early, late), and
    the matching engine excludes a candidate lacking any shift asked, so those ask nothing."""
    total = sum(d.hours_per_week for d in details) or 1.0
    return tuple(w for w in ("evening", "night")
                 if sum(d.hours_per_week for d in details if d.when == w) >= total / 2)


def find_candidates(store, competences: list[FunctionCompetence], *, cache: dict, top: int = 5,
                    **where: Any) -> list[dict]:
    """Top candidates for a carved function from the matching engine.

    ``cache`` keeps the fitted matcher between the functions of one carving.
    """
    if "matcher" not in cache:
        # start-up: the matcher (scipy, its arrays) loads only when candidates are ranked, so a
        from matchcore.matching.matcher import Matcher  # carving alone stays quick (start-up)

        cache["matcher"] = Matcher(store).fit()
    rows = cache["matcher"].rank_candidates_for_profile(competences, top=top, **where)
    out = []
    for r in rows:
        if float(r.score) <= 0:  # nothing in common: not a candidate worth showing
            continue
        out.append({"candidate": r.candidate, "score": round(float(r.score), 3),
                    "excluded": r.excluded, "reasons": r.reasons,
                    "missing_required": r.missing_required, "missing_optional": r.missing_optional,
                    "unresolved": r.unresolved})
    return out


def instruments_for(store, employer, function, candidate_ids: list[str], *,
                    on=None) -> dict[str, list]:
    """Instruments per candidate for a carved function (code, eligible, feasibility, employer and
    net cost a month), in the order of the recommendation: eligibility, then feasibility, then
    net cost (never cost alone); the abolished ones left out. The normal-hire baseline comes
    first (``kind: baseline``): carving/candidates.py keeps it apart for the premium."""
    from matchcore.instruments import pair_rows  # start-up: as for the matcher

    return {cid: pair_rows(store.candidate(cid), employer, function, on=on) for cid in candidate_ids}


def function_record(fn: CarvedFunction, shifts: tuple[str, ...], cost: float) -> Function:
    """The carved function as a :class:`~matchcore.model.Function`, for the instrument rules."""
    return Function(id=f"carved-{fn.id.lower()}", title=fn.title, visible=False,
                    hours_per_week=min(50.0, max(1.0, fn.position_hours[0])), shifts=list(shifts),
                    openings=fn.positions, hourly_wage_eur=round(cost / GROSS_TO_EMPLOYER_COST, 2),
                    description=fn.description, competences=fn.competence_profile(),
                    conditions=fn.conditions or {})
