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

from matchcore.i18n import N_, _, format_number
from matchcore.instruments import NORMAL, pair_rows, row_rank_key
from matchcore.matching.results import MatchedCompetence
from matchcore.web import accounts, contacts, engine
from matchcore.web.labels import label

try:  # the coach's name and organisation (matchcore config set coach.name ...)
    from matchcore.settings import load_settings
except ImportError:  # an older checkout without settings: the account's name is used
    load_settings = None

__all__ = ["STANDARD_QUESTIONS", "STEPS", "build_call_sheet", "coach_identity", "pick_instrument"]

# Seed 001, "Belscript: 10 stappen naar succes!" (shortened, same order). English message ids;
# the Dutch of the seed is in the catalogue (translated where shown).
STEPS = [
    N_("Ask for the right contact person."),
    N_("Introduce yourself: who you are and why you call."),
    N_("Check whether the vacancy is still open."),
    N_("Present your candidate: why a good candidate, stress the strengths."),
    N_("Try to make an appointment for your candidate straight away."),
    N_("Write down the practical information: address, contact person, e-mail address."),
    N_("No appointment? Send your candidate's CV to your contact person."),
    N_("Agree when and how you will ask for feedback."),
    N_("Thank them for their time and close."),
    N_("Say that the contact person can always get in touch."),
]

# Seed 001, "Bel-tips" 4, 6 and 7: questions that keep the conversation going.
STANDARD_QUESTIONS = [
    N_("What do you always pay attention to in your job interviews?"),
    N_("What are the most important selection criteria in your company?"),
    N_("Are there other vacancies in your company for which you are looking for candidates?"),
    N_("Do you have peak periods in which you look for many people?"),
]


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
    for name in gap["missing_required"][:3]:
        if best:
            qs.append(_("Can '{name}' be learnt on the job (e.g. through {code})?").format(
                name=name, code=best.get("code")))
        else:
            qs.append(_("Can '{name}' be learnt on the job?").format(name=name))
    for b in gap["below_level"][:2]:
        qs.append(_("Is level {required} for '{name}' needed at the start, or can the candidate "
                    "grow from level {level}?").format(required=b["required_level"],
                                                       name=b["competence"], level=b["level"]))
    cond = fn.conditions
    if cond.dutch_level and cand.dutch_level and cand.dutch_level < cond.dutch_level:
        qs.append(_("What level of Dutch is really needed? (asked {asked}, candidate {has})").format(
            asked=cond.dutch_level, has=cand.dutch_level))
    fits = cand.hours_range  # the range, or the wanted hours +-20 % (issue 14)
    if fits and not fits[0] - 1e-9 <= fn.hours_per_week <= fits[1] + 1e-9:
        qs.append(_("Can the hours be discussed? (function {function} h/week, candidate looks for "
                    "{candidate} h/week)").format(function=format_number(fn.hours_per_week),
                                                 candidate=str(cand.hours_per_week)
                                                 if not isinstance(cand.hours_per_week, float)
                                                 else format_number(cand.hours_per_week)))
    if fn.shifts and cand.shifts and not set(fn.shifts) & set(cand.shifts):
        qs.append(_("Are other shifts possible? (function: {function}; candidate: {candidate})").format(
            function=", ".join(label("shift", s) for s in fn.shifts),
            candidate=", ".join(label("shift", s) for s in cand.shifts)))
    if best:
        qs.append(_("Would you be open to a start through {instrument}, so that you can get to "
                    "know the candidate first?").format(instrument=best.get("name") or best.get("code")))
    return qs + [_(q) for q in STANDARD_QUESTIONS]


def _get(obj, key: str):
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def coach_identity(store, user: str | None) -> dict[str, str | None]:
    """Who phones: the coach's name and organisation from the settings
    (``matchcore config set coach.name ...``), else the account's display name; never the login
    name (an empty name leaves a line to say it)."""
    name = organisation = phone = email = None
    if load_settings is not None:
        try:
            coach = _get(load_settings(), "coach")
        except Exception:  # a broken settings file must not take the call sheet down
            coach = None
        name, organisation = _get(coach, "name"), _get(coach, "organisation")
        phone, email = _get(coach, "phone"), _get(coach, "email")
    if not name and user:
        name = accounts.display_name(store, user)
    return {"name": name or None, "organisation": organisation or None, "phone": phone or None,
            "email": email or None}


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
        "questions": _questions(cand, emp, fn, gap, best), "steps": [_(x) for x in STEPS],
        "recent_calls": recent, "calls": contacts.calls_for(store, emp.id, limit=10),
        "coach": coach_identity(store, user), "notes": notes,
        "baseline": next((i for i in instruments if i.get("kind") == "baseline" or i.get("code") == NORMAL), None),
        "vacancy_open": fn.openings > 0,
    }
