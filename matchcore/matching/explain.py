"""Explaining one (candidate, function) pair line by line.

Only the top k results of a query are explained, so plain Python is fine here. The
constraint lines come from the one table of :mod:`matchcore.matching.constraints`, with the
verdicts of its vectorised tests.
"""
from __future__ import annotations

import math

import numpy as np

from matchcore.i18n import N_, _, format_number
from matchcore.matching.constraints import outcomes
from matchcore.matching.info import CandidateInfo, FunctionInfo
from matchcore.matching.results import MatchedCompetence, PairExplanation, ScoreComponents, TextMatch
from matchcore.matching.score import ComponentArrays
from matchcore.matching.weights import ScoreParams
from matchcore.postcodes import haversine_km
from matchcore.vocabulary import fold

__all__ = ["explain_pair", "score_lines"]

_CHECK_MARK = {True: N_("ok: {reason}"), False: N_("excluded: {reason}"), None: N_("not checked: {reason}")}


_HOW = {"exact": N_("exact"), "synonym": N_("synonym"), "esco_uri": N_("ESCO URI"),
        "alias": N_("coach's alias"), "compound": N_("compound"), "related": N_("related concept"),
        "ambiguous": N_("ambiguous"), "unresolved": N_("unresolved")}


def _how(how: str) -> str:
    """How a candidate's text matched its concept, for a reader: "fuzzy 92" -> "fuzzy, score 92"."""
    if how.startswith("fuzzy "):
        return _("fuzzy, score {score}").format(score=how[6:])
    return _(_HOW[how]) if how in _HOW else how


def _n(x: float, digits: int | None = 2) -> str:
    """A figure of an explanation line: 0.85 -> '0,85' in Dutch; ``digits=None``: as short as
    it is (0.8, 1.5, 2), what ``:g`` gave."""
    return format_number(x, digits)


def _tag(k) -> str:
    """'afwassen (required, level 2)' / 'afwassen (level 2)'."""
    if k.required:
        return _("{name} (required, level {level})").format(name=k.name, level=k.level)
    return _("{name} (level {level})").format(name=k.name, level=k.level)


def _r(x, nd=3):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), nd)


def _by_meaning(ci: CandidateInfo, fi: FunctionInfo) -> dict[int, tuple[str, float]]:
    """Which of the function's competences (by position) each unresolved text of the candidate
    is nearest to by meaning, when it counts (:func:`~matchcore.matching.evidence.meaning_credit`
    above 0): position -> (the text, centred cosine), the closest text when several."""
    from matchcore.matching.evidence import MEANING_FLOOR  # start-up: evidence loads the vocabulary

    out: dict[int, tuple[str, float]] = {}
    for text, near in ci.near:
        best = None
        for pos, k in enumerate(fi.competences):
            cos = near.get(k.col) if k.col is not None else None
            if cos is not None and cos > MEANING_FLOOR and (best is None or cos > best[1]):
                best = (pos, cos)
        if best is not None and (best[0] not in out or best[1] > out[best[0]][1]):
            out[best[0]] = (text, best[1])
    return out


SHOWN_CREDIT = 0.005
"""Evidence that counts less than this (graded evidence at the foot of its ramp, shown as
"counts 0.00") is not a match to a coach: the competence is listed as missing (and so lands in
the gap and the PDP) instead of as "~ ... via embedding 0.35, counts 0.00"."""


def explain_pair(p: ScoreParams, ci: CandidateInfo, fi: FunctionInfo, comp: ComponentArrays,
                 i: int, excluded_by: dict[str, bool]) -> PairExplanation:
    """Pair ``i`` of the components ``comp``; ``excluded_by``: each constraint's verdict."""
    tau = p.text_credit
    share = None if comp.meaning_share is None else float(comp.meaning_share[i])
    meant = _by_meaning(ci, fi) if share else {}
    matched, miss_req, miss_opt, lines = [], [], [], []
    held_w = held_fit = text_w = total_w = 0.0
    for pos, k in enumerate(fi.competences):
        total_w += k.w
        tag = _tag(k)
        col = k.col
        if col is not None and col in ci.held:
            level, text = ci.held[col]
            fit = min(1.0, level / k.level)
            held_w += k.w
            held_fit += k.w * fit
            via = "concept" if k.resolved else "same text"
            matched.append(MatchedCompetence(k.name, level, k.level, k.required, via, text,
                                             _r(fit), _r(k.w)))
            same = fold(text) == fold(k.name)
            how = ci.how.get(col)
            lines.append(f"{'+' if fit >= 1 else '~'} {tag}: "
                         + (_("has level {level}") if same else _("has level {level} as '{text}'")).format(
                             level=level, text=text)
                         + ("" if fit >= 1 else _(", counts {credit}").format(credit=_n(fit)))
                         + (f" ({_how(how)})" if how else ""))
        elif col is not None and col in ci.evidence and tau * ci.evidence[col][0] >= SHOWN_CREDIT:
            sim, text = ci.evidence[col]
            via, shown = ci.via.get(col, ("text", sim))
            text_w += k.w * tau * sim
            matched.append(TextMatch(k.name, None, k.level, k.required, via, text, _r(shown),
                                     _r(tau * sim), _r(k.w)))
            if via == "embedding":
                lines.append(_("~ {tag}: text '{text}' via embedding {sim}, counts {credit}").format(
                    tag=tag, text=text, sim=_n(shown), credit=_n(tau * sim)))
            elif via == "related":
                lines.append(_("~ {tag}: has the related concept '{text}', counts {credit}").format(
                    tag=tag, text=text, credit=_n(tau * sim)))
            else:
                lines.append(_("~ {tag}: text '{text}' similarity {sim}, counts {credit}").format(
                    tag=tag, text=text, sim=_n(sim), credit=_n(tau * sim)))
        elif pos in meant:  # no lexical credit; the meaning component M counts it
            (miss_req if k.required else miss_opt).append(k.name)
            text, cos = meant[pos]
            lines.append(_("~ {tag}: text '{text}' via embedding {sim}, in the meaning component").format(
                tag=tag, text=text, sim=_n(cos)))
        else:
            (miss_req if k.required else miss_opt).append(k.name)
            lines.append(_("- {tag}: missing").format(tag=tag))
    unresolved = list(ci.free) + [k.name for k in fi.competences if not k.resolved]
    for t in ci.free:
        if fold(t) in fi.titles:
            # a coach wrote the job as a competence ("kok"): it names what the candidate did, and
            # counts against the function's titles only as a job target (the J of the score)
            lines.append(_("? '{text}' (candidate) is a job title, this function's: no competence; "
                           "as a job target it would count against the titles").format(text=t))
            continue
        lines.append(_("? '{text}' (candidate) did not resolve to a concept; counts by text similarity")
                     .format(text=t))
    for k in fi.competences:
        if not k.resolved:
            lines.append(_("? '{text}' (function) did not resolve to a concept").format(text=k.name))
    checks = outcomes(ci, fi, excluded_by)
    failed = [c.text for c in checks if c.ok is False]
    reasons = failed + [c.text for c in checks if c.ok is not False]
    has_req = any(k.required for k in fi.competences)
    has_opt = any(not k.required for k in fi.competences)
    j = comp.job_target[i] if comp.job_target is not None else None
    j = None if j is None or np.isnan(j) else float(j)
    has_use = comp.use[i] > 0 or bool(ci.held) or bool(ci.evidence)
    components = ScoreComponents(
        required=_r(comp.required[i]) if has_req else None,
        optional=_r(comp.optional[i]) if has_opt else None,
        coverage=_r(comp.coverage[i]) if has_req or has_opt else None,
        use=_r(comp.use[i]) if has_use else None,
        competence=_r(comp.competence[i]), presence=_r(comp.presence[i]),
        penalty=_r(comp.penalty[i]), level=_r(held_fit / held_w) if held_w else None,
        text=_r(text_w / total_w) if total_w else 0.0, job_target=_r(j),
        formula="P * C" if j is None else f"P * ({1 - p.target_share:g} C + {p.target_share:g} J)",
        meaning=_r(comp.meaning[i]) if share else None, meaning_share=_r(share) if share else None)
    score = float(comp.score[i])
    masses = (sum(k.w for k in fi.competences if k.required),
              sum(k.w for k in fi.competences if not k.required))
    head = score_lines(p, score, components, masses)
    head += [_(_CHECK_MARK[c.ok]).format(reason=c.text) for c in checks]
    dist = None
    if fi.lat is not None and ci.lat is not None:
        dist = round(haversine_km(ci.lat, ci.lon, fi.lat, fi.lon), 1)
    return PairExplanation(
        score=round(score, 3), excluded=any(excluded_by.values()), reasons=reasons,
        exclusions=failed, matched=matched, missing_required=miss_req, missing_optional=miss_opt,
        unresolved=unresolved, components=components, distance_km=dist, explanation=head + lines,
        checks=checks)


def score_lines(p: ScoreParams, score: float, c: ScoreComponents, masses=(0.0, 0.0)) -> list[str]:
    """The score line, then C, the coverage A and P spelled out; ``masses``: the function's
    weight sums (sum of w) over its required and its optional competences."""
    sides = [(f * mass, name, v) for f, mass, name, v in
             ((p.required_weight, masses[0], N_("required"), c.required),
              (p.optional_weight, masses[1], N_("optional"), c.optional))
             if v is not None and f * mass > 0]
    cov_lines = []
    if c.coverage is None:
        comp = _("competence 0 (the function lists no competences)")
    else:
        u = p.use_weight
        use = c.use if c.use is not None else 0.0
        if c.meaning_share:
            s = c.meaning_share
            # M takes the share s of the use part U (score.with_meaning)
            comp = _("competence {competence} = (coverage {coverage} + {u} x ({keep} x use {use}"
                     " + {share} x meaning {meaning})) / {total}").format(
                competence=_n(c.competence), keep=_n(1 - s), coverage=_n(c.coverage), u=_n(u, None),
                use=_n(use), total=_n(1 + u, None), share=_n(s), meaning=_n(c.meaning))
        else:
            comp = _("competence {competence} = (coverage {coverage} + {u} x use {use}) / {total}").format(
                competence=_n(c.competence), coverage=_n(c.coverage), u=_n(u, None), use=_n(use),
                total=_n(1 + u, None))
        total = sum(w for w, _name, _v in sides)
        terms = " + ".join(_("{weight} x {side} {value}").format(weight=_n(w, 1), side=_(name), value=_n(v))
                           for w, name, v in sides)
        cov_lines = ["  " + (_("coverage {coverage} = ({terms}) / {total}").format(
            coverage=_n(c.coverage), terms=terms, total=_n(total, 1)) if sides
            else _("coverage {coverage}").format(coverage=_n(c.coverage)))]
    pen = _("penalty {penalty} = 1 - {k} x (1 - presence of required {presence})").format(
        penalty=_n(c.penalty), k=_n(p.required_penalty, None), presence=_n(c.presence))
    if c.job_target is None:
        first = _("score {score} = penalty {penalty} x competence {competence}").format(
            score=_n(score), penalty=_n(c.penalty), competence=_n(c.competence))
    else:
        a = p.target_share
        first = _("score {score} = penalty {penalty} x ({c_share} x competence {competence} + "
                  "{j_share} x job target {job_target})").format(
            score=_n(score), penalty=_n(c.penalty), c_share=_n(1 - a, None), competence=_n(c.competence),
            j_share=_n(a, None), job_target=_n(c.job_target))
    return [first, "  " + comp, *cov_lines, "  " + pen]
