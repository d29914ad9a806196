"""Candidates for each position of a carved function (issue 15.3).

A function of 2 x 25 h and a function of 38 + 12.83 h need different people: the matcher's hours
constraint (and its near-hours scoring) is asked once per distinct position size, so the best
25 h candidate is found for a 25 h position. Each candidate appears once, at the position where it
scores best (ties: the larger position). Only candidates at or above ``min_candidate_score``
(CarveOptions, default :data:`MIN_CANDIDATE_SCORE`) are proposed: an advice that names a
candidate with a score of 0.04 is repeated to a director as a proposal. When none is left, the
function says why (``no_candidates_reason``).
"""
from __future__ import annotations

from dataclasses import replace

from matchcore.carving.business_case import find_candidates, function_record, instruments_for, shifts_needed
from matchcore.carving.options import CarveOptions
from matchcore.carving.results import CandidateWithInstruments, CarvedCandidate, CarvedFunction
from matchcore.i18n import _, format_number

__all__ = ["MIN_CANDIDATE_SCORE", "rank_for_positions"]

# A score is the weighted share of the function's profile the candidate covers (docs/matching.md);
# below 0.3 a candidate covers less than a third of it: not a proposal, at most a lead for later.
MIN_CANDIDATE_SCORE = 0.3


def rank_for_positions(store, fn: CarvedFunction, opts: CarveOptions, employer, location,
                       cost: float, cache: dict, on) -> tuple[list[CarvedCandidate], str | None]:
    """The proposed candidates of ``fn`` (grouped by position, best first) and, when there are
    none, the reason in the chosen language."""
    if not store.ids("candidate"):
        return [], _("there are no candidates in the database yet")
    shifts = shifts_needed(fn.task_details)
    sizes = sorted(set(fn.position_hours), reverse=True)
    best: dict[str, tuple[dict, float]] = {}
    weakest_shown = 0.0
    for hours in sizes:
        found = find_candidates(store, fn.competence_profile(), cache=cache,
                                top=max(10, 3 * opts.top_candidates), hours_per_week=hours,
                                shifts=shifts, location=location, title=fn.title,
                                conditions=fn.conditions or None)
        for row in found:
            weakest_shown = max(weakest_shown, row["score"])
            have = best.get(row["candidate"])
            if have is None or row["score"] > have[0]["score"] + 1e-12:
                best[row["candidate"]] = (row, hours)
    kept = [(row, h) for row, h in best.values() if row["score"] >= opts.min_candidate_score - 1e-12]
    if not kept:
        if not best:
            return [], _("no candidate in the database shares a competence with this function "
                         "without being excluded by a constraint (hours, distance, shifts, "
                         "physical limits)")
        return [], _("the best candidate scores {best}, below the minimum of {minimum} for a "
                     "proposal").format(best=format_number(weakest_shown, 2),
                                        minimum=format_number(opts.min_candidate_score, 2))
    out: list[CarvedCandidate] = []
    for hours in sizes:
        group = sorted((row for row, h in kept if h == hours),
                       key=lambda r: (-r["score"], r["candidate"]))[:opts.top_candidates]
        if not group:
            continue
        if employer is None:
            out += [CarvedCandidate(**row, position_hours=hours) for row in group]
            continue
        record = function_record(replace(fn, position_hours=[hours]), shifts, cost)
        by_candidate = instruments_for(store, employer, record, [r["candidate"] for r in group], on=on)
        for row in group:
            rows = by_candidate.get(row["candidate"], [])
            out.append(CandidateWithInstruments(
                **row, position_hours=hours,
                instruments=[r for r in rows if r.get("kind") != "baseline"],
                normal_hire=next((r for r in rows if r.get("kind") == "baseline"), None)))
    return out, None
