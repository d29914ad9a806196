"""The call sheet (belscript): one candidate, one function, the seed's 10 steps prepared.

Seed 001 ("Belscript: 10 stappen naar succes!") gives the steps of a call to an employer; the
sheet fills each step with what the jobhunter needs at hand: the contact person, the candidate's
strengths *in the employer's words* (the function's own competence names that matched), the gap
and the instrument that lowers the employer's risk with its monthly cost, questions to ask (the
seed's bel-tips plus questions from the gap), and fields for the appointment and the agreed
feedback date. It works without the matching engine too (then strengths are the competences
both name identically), and says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from matchcore.instruments import NORMAL, pair_rows, row_rank_key
from matchcore.matching.results import MatchedCompetence
from matchcore.web import contacts, engine

__all__ = ["STANDARD_QUESTIONS", "STEPS", "build_call_sheet", "pick_instrument"]

# Seed 001, "Belscript: 10 stappen naar succes!" (shortened, same order).
STEPS = [
    "Vraag naar de juiste contactpersoon.",
    "Stel jezelf voor: wie je bent en waarom je belt.",
    "Check of de vacature nog openstaat.",
    "Stel je kandidaat voor: waarom een goede kandidaat, benadruk de troeven.",
    "Probeer meteen een afspraak te maken voor je kandidaat.",
    "Noteer de praktische informatie: adres, contactpersoon, mailadres.",
    "Geen afspraak? Bezorg het cv van je kandidaat aan je contactpersoon.",
    "Spreek af wanneer en hoe je feedback opvraagt.",
    "Bedank voor de tijd en sluit af.",
    "Geef mee dat de contactpersoon altijd een seintje mag geven.",
]

# Seed 001, "Bel-tips" 4, 6 and 7: questions that keep the conversation going.
STANDARD_QUESTIONS = [
    "Waar let u steeds op in uw sollicitatiegesprekken?",
    "Wat zijn de belangrijkste selectiecriteria in uw bedrijf?",
    "Zijn er nog andere vacatures in uw bedrijf waarvoor u kandidaten zoekt?",
    "Hebben jullie bepaalde piekperiodes waarin jullie veel mensen zoeken?",
]

SHIFT_NL = {"day": "dag", "early": "vroege", "late": "late", "evening": "avond", "night": "nacht",
            "weekend": "weekend"}


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


@dataclass(frozen=True)
class _Overlap:
    """What the sheet reads of a match result, when the two have nothing in common for the
    engine (score 0): a plain comparison of identical names."""

    score: None
    excluded: bool
    reasons: list[str]
    matched: list[MatchedCompetence]
    missing_required: list[str]
    missing_optional: list[str]
    unresolved: list[str]
    instruments: list[dict]


def _overlap_result(cand, fn) -> _Overlap:
    have = {_fold(c.name): c for c in cand.competences}
    matched, missing_req, missing_opt = [], [], []
    for c in fn.competences:
        hit = have.get(_fold(c.name))
        if hit is not None:
            matched.append(MatchedCompetence(c.name, hit.level, c.level, c.required, "same text",
                                             None, 1.0, c.weight))
        elif c.required:
            missing_req.append(c.name)
        else:
            missing_opt.append(c.name)
    return _Overlap(None, False, [], matched, missing_req, missing_opt, [], [])


def strengths(result, fn, *, top: int = 5) -> list[dict]:
    """The top matched competences in the function's own words, required and weighty first."""
    by_name = {_fold(c.name): c for c in fn.competences}
    rows = []
    for m in result.matched:
        fc = by_name.get(_fold(m.competence))
        rows.append({
            "competence": fc.name if fc else m.competence,
            "candidate_words": m.candidate_competence,
            "level": m.level, "required_level": m.required_level or (fc.level if fc else None),
            "required": bool(m.required),
            "weight": float(fc.weight if fc else 1.0),
            "credit": float(m.credit or 0.0),
        })
    # Required first, then what fully counts, then what the employer weighs most.
    rows.sort(key=lambda r: (not r["required"], -r["credit"], -r["weight"],
                             -((r["level"] or 0) - (r["required_level"] or 0)), r["competence"].casefold()))
    return rows[:top]


def gaps(result) -> dict:
    below = [{"competence": m.competence, "level": m.level, "required_level": m.required_level}
             for m in result.matched
             if m.level is not None and m.required_level is not None and m.level < m.required_level]
    return {"missing_required": list(result.missing_required),
            "missing_optional": list(result.missing_optional),
            "below_level": below,
            "unresolved": list(result.unresolved)}


def pick_instrument(instruments: list[dict]) -> dict | None:
    """The recommended instrument: eligible, then the most feasible, then the lowest net cost a
    month (unknown last), ties by code (:func:`matchcore.instruments.row_rank_key`); never the
    normal-hire baseline, never an abolished one, never by cost alone."""
    eligible = [i for i in instruments if i.get("eligible") is True and i.get("kind", "instrument") != "baseline"
                and i.get("code") != NORMAL and not i.get("abolished")]
    return min(eligible, key=row_rank_key) if eligible else None


def _instruments(store, cand, emp, fn, result, on: dt.date | None) -> tuple[list[dict], str | None]:
    found = result.instruments
    if found:
        return [i for i in found if not i.get("abolished")], None
    # the rows a match result carries (matchcore.matching.matcher.instruments_for): the normal
    # hire, then the instruments best first, the abolished ones left out
    return pair_rows(cand, emp, fn, on=on), None


def _questions(cand, emp, fn, gap: dict, best: dict | None) -> list[str]:
    qs: list[str] = []
    helper = f" (bv. via {best.get('code')})" if best else ""
    for name in gap["missing_required"][:3]:
        qs.append(f"Kan '{name}' op de werkvloer aangeleerd worden{helper}?")
    for b in gap["below_level"][:2]:
        qs.append(f"Is niveau {b['required_level']} voor '{b['competence']}' nodig bij de start, "
                  f"of kan de kandidaat groeien vanaf niveau {b['level']}?")
    cond = fn.conditions
    if cond.dutch_level and cand.dutch_level and cand.dutch_level < cond.dutch_level:
        qs.append(f"Welk niveau Nederlands is echt nodig? (gevraagd {cond.dutch_level}, "
                  f"kandidaat {cand.dutch_level})")
    if cand.hours_per_week and abs(cand.hours_per_week - fn.hours_per_week) > 0.2 * cand.hours_per_week:
        qs.append(f"Zijn de uren bespreekbaar? (functie {fn.hours_per_week:g} u/week, "
                  f"kandidaat zoekt {cand.hours_per_week:g} u/week)")
    if fn.shifts and cand.shifts and not set(fn.shifts) & set(cand.shifts):
        qs.append("Zijn andere shiften mogelijk? (functie: "
                  + ", ".join(SHIFT_NL.get(s, s) for s in fn.shifts) + "; kandidaat: "
                  + ", ".join(SHIFT_NL.get(s, s) for s in cand.shifts) + ")")
    if best:
        qs.append(f"Staat u open voor een start via {best.get('name') or best.get('code')}, "
                  "zodat u de kandidaat eerst kunt leren kennen?")
    return qs + STANDARD_QUESTIONS


def build_call_sheet(store, candidate_id: str, function_id: str, *, user: str | None,
                     on: dt.date | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the call sheet template shows. Raises NotFound for an unknown id."""
    cand = store.candidate(candidate_id)
    emp, fn = store.function(function_id)
    notes: list[str] = []
    result = None
    result = engine.match_pair(store, candidate_id, function_id)
    if result is None:
        result = _overlap_result(cand, fn)
    instruments, note = _instruments(store, cand, emp, fn, result, on)
    if note:
        notes.append(note)
    gap = gaps(result)
    best = pick_instrument(instruments)
    recent = contacts.recent_similar_calls(store, emp.id, function_id=function_id,
                                           function_title=fn.title, now=now)
    return {
        "candidate": cand, "employer": emp, "function": fn, "function_id": function_id,
        "result": result, "strengths": strengths(result, fn), "gap": gap,
        "instruments": instruments, "best_instrument": best,
        "questions": _questions(cand, emp, fn, gap, best), "steps": STEPS,
        "recent_calls": recent, "calls": contacts.calls_for(store, emp.id, limit=10),
        "coach": user, "notes": notes, "shift_nl": SHIFT_NL,
        "vacancy_open": fn.openings > 0,
    }
