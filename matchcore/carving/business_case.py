"""Business case, candidates and instruments of carved functions (private to
:mod:`matchcore.carving.carve`, which re-exports the public names)."""
from __future__ import annotations

from typing import Any

from matchcore.model import FunctionCompetence, Scan, Task

# Gross hourly wage x this = employer cost of an hour worked (employer social security, holiday
# pay, end-of-year premium, paid holidays); used to estimate a carved function's wage for the
# instrument rules from its hourly cost.
GROSS_TO_EMPLOYER_COST = 1.65
NOT_AVAILABLE = ("candidates not ranked: the matching engine (matchcore.matching.matcher) is not "
                 "installed yet")


def business_case(scan: Scan, tasks: list[Task], hours: list[float], *, carved_hourly_cost_eur: float,
                  weeks_per_year: float) -> dict:
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
            notes.append(f"role {role_id} has no hourly_cost_eur in scan {scan.id}; its freed hours count as 0 EUR")
        freed_cost += cost or 0.0
        rows.append({"role": role_id, "title": role.title, "hours_per_week": round(freed[role_id], 2),
                     "fte": round(freed[role_id] / scan.full_time_hours, 2),
                     "hourly_cost_eur": role.hourly_cost_eur,
                     "cost_per_week_eur": None if cost is None else round(cost, 2)})
    total = sum(hours)
    carved_cost = total * carved_hourly_cost_eur
    saving = freed_cost - carved_cost
    return {"freed_by_role": rows, "freed_cost_per_week_eur": round(freed_cost, 2),
            "carved_hourly_cost_eur": carved_hourly_cost_eur,
            "carved_cost_per_week_eur": round(carved_cost, 2),
            "saving_per_week_eur": round(saving, 2), "weeks_per_year": weeks_per_year,
            "freed_cost_per_year_eur": round(freed_cost * weeks_per_year, 2),
            "carved_cost_per_year_eur": round(carved_cost * weeks_per_year, 2),
            "yearly_saving_eur": round(saving * weeks_per_year, 2), "notes": notes}


def _shifts(details: list[dict]) -> tuple[str, ...]:
    """Shifts a candidate must work: evening or night when such tasks are half the hours or more.

    Day-time windows (continuous, morning, afternoon) fit any day shift (day, early, late), and
    the matching engine excludes a candidate lacking any shift asked, so those ask nothing."""
    total = sum(d["hours_per_week"] for d in details) or 1.0
    return tuple(w for w in ("evening", "night")
                 if sum(d["hours_per_week"] for d in details if d["when"] == w) >= total / 2)


def find_candidates(store, competences: list[FunctionCompetence], *, cache: dict, top: int = 5,
                    **where: Any) -> tuple[list[dict], str | None]:
    """Top candidates for a carved function from the matching engine, and a note.

    Returns ``([], note)`` while :mod:`matchcore.matching.matcher` does not exist yet; any other error
    propagates. ``cache`` keeps the fitted matcher between the functions of one carving.
    """
    if "matcher" not in cache:
        try:
            from matchcore.matching.matcher import Matcher
        except ModuleNotFoundError as exc:
            if exc.name != "matchcore.matching.matcher":
                raise
            return [], NOT_AVAILABLE
        cache["matcher"] = Matcher(store).fit()
    rows = cache["matcher"].rank_candidates_for_profile(competences, top=top, **where)
    keep = ("excluded", "reasons", "missing_required", "missing_optional", "unresolved", "instruments")
    out = []
    for r in rows:
        if float(r["score"]) <= 0:  # nothing in common: not a candidate worth showing
            continue
        cand = r["candidate"]
        out.append({"candidate": getattr(cand, "id", cand), "score": round(float(r["score"]), 3),
                    **{k: r[k] for k in keep if k in r}})
    return out, None


def instruments_for(store, employer, function, candidate_ids: list[str], *,
                    on=None) -> tuple[dict[str, list[dict]], str | None]:
    """Instruments (code, eligible, employer cost a month) per candidate for a carved function.

    Returns ``({}, note)`` while :mod:`matchcore.instruments.base` does not exist; other errors propagate.
    """
    try:
        from matchcore.instruments.base import brief, evaluate_all
    except ModuleNotFoundError as exc:
        if exc.name != "matchcore.instruments.base":
            raise
        return {}, "instruments not evaluated: matchcore.instruments.base is not installed yet"
    return {cid: brief(evaluate_all(store.candidate(cid), employer, function, on=on))
            for cid in candidate_ids}, None


def _function_record(fn: dict, shifts: tuple[str, ...], cost: float):
    """The carved function as a :class:`~matchcore.model.Function`, for the instrument rules."""
    from matchcore.model import Function

    return Function(id=f"carved-{fn['id'].lower()}", title=fn["title"], visible=False,
                    hours_per_week=min(50.0, max(1.0, fn["position_hours"][0])), shifts=list(shifts),
                    openings=fn["positions"], hourly_wage_eur=round(cost / GROSS_TO_EMPLOYER_COST, 2),
                    description=fn["description"], competences=[FunctionCompetence(**c) for c in fn["profile"]])
