"""Explaining one (candidate, function) pair line by line.

Only the top k results of a query are explained, so plain Python is fine here. The
constraint lines come from the one table of :mod:`matchcore.matching.constraints`, with the
verdicts of its vectorised tests.
"""
from __future__ import annotations

import math

import numpy as np

from matchcore.i18n import N_, _
from matchcore.matching.constraints import outcomes
from matchcore.matching.info import CandidateInfo, FunctionInfo
from matchcore.matching.results import MatchedCompetence, PairExplanation, ScoreComponents, TextMatch
from matchcore.matching.score import ComponentArrays
from matchcore.matching.weights import ScoreParams
from matchcore.postcodes import haversine_km
from matchcore.vocabulary import fold

__all__ = ["explain_pair", "score_lines"]

_CHECK_MARK = {True: "ok: ", False: "excluded: ", None: "not checked: "}


_HOW = {"exact": N_("exact"), "synonym": N_("synonym"), "esco_uri": N_("ESCO URI"),
        "alias": N_("coach's alias"), "compound": N_("compound"), "related": N_("related concept")}


def _how(how: str) -> str:
    """How a candidate's text matched its concept, for a reader: "fuzzy 92" -> "fuzzy, score 92"."""
    if how.startswith("fuzzy "):
        return _("fuzzy, score {score}").format(score=how[6:])
    return _(_HOW[how]) if how in _HOW else how


def _r(x, nd=3):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), nd)


def explain_pair(p: ScoreParams, ci: CandidateInfo, fi: FunctionInfo, comp: ComponentArrays,
                 i: int, excluded_by: dict[str, bool]) -> PairExplanation:
    """Pair ``i`` of the components ``comp``; ``excluded_by``: each constraint's verdict."""
    tau = p.text_credit
    matched, miss_req, miss_opt, lines = [], [], [], []
    held_w = held_fit = text_w = total_w = 0.0
    for k in fi.competences:
        total_w += k.w
        tag = f"{k.name} ({'required, ' if k.required else ''}level {k.level})"
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
            lines.append(f"{'+' if fit >= 1 else '~'} {tag}: has level {level}"
                         + ("" if same else f" as '{text}'")
                         + ("" if fit >= 1 else f", counts {fit:.2f}")
                         + (f" ({_how(how)})" if how else ""))
        elif col is not None and col in ci.evidence:
            sim, text = ci.evidence[col]
            via, shown = ci.via.get(col, ("text", sim))
            text_w += k.w * tau * sim
            matched.append(TextMatch(k.name, None, k.level, k.required, via, text, _r(shown),
                                     _r(tau * sim), _r(k.w)))
            if via == "embedding":
                lines.append(_("~ {tag}: text '{text}' via embedding {sim}, counts {credit}").format(
                    tag=tag, text=text, sim=f"{shown:.2f}", credit=f"{tau * sim:.2f}"))
            elif via == "related":
                lines.append(_("~ {tag}: has the related concept '{text}', counts {credit}").format(
                    tag=tag, text=text, credit=f"{tau * sim:.2f}"))
            else:
                lines.append(f"~ {tag}: text '{text}' similarity {sim:.2f}, counts {tau * sim:.2f}")
        else:
            (miss_req if k.required else miss_opt).append(k.name)
            lines.append(f"- {tag}: missing")
    unresolved = list(ci.free) + [k.name for k in fi.competences if not k.resolved]
    for t in ci.free:
        lines.append(f"? '{t}' (candidate) did not resolve to a concept; counts by text similarity")
    for k in fi.competences:
        if not k.resolved:
            lines.append(f"? '{k.name}' (function) did not resolve to a concept")
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
        formula="P * C" if j is None else f"P * ({1 - p.target_share:g} C + {p.target_share:g} J)")
    score = float(comp.score[i])
    masses = (sum(k.w for k in fi.competences if k.required),
              sum(k.w for k in fi.competences if not k.required))
    head = score_lines(p, score, components, masses)
    head += [_CHECK_MARK[c.ok] + c.text for c in checks]
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
             ((p.required_weight, masses[0], "required", c.required),
              (p.optional_weight, masses[1], "optional", c.optional))
             if v is not None and f * mass > 0]
    cov_lines = []
    if c.coverage is None:
        comp = "competence 0 (the function lists no competences)"
    else:
        u = p.use_weight
        use = c.use if c.use is not None else 0.0
        comp = (f"competence {c.competence:.2f} = (coverage {c.coverage:.2f} + {u:g} x use "
                f"{use:.2f}) / {1 + u:g}")
        total = sum(w for w, _, _ in sides)
        terms = " + ".join(f"{w:.1f} x {name} {v:.2f}" for w, name, v in sides)
        cov_lines = [f"  coverage {c.coverage:.2f} = ({terms}) / {total:.1f}"
                     if sides else f"  coverage {c.coverage:.2f}"]
    pen = (f"penalty {c.penalty:.2f} = 1 - {p.required_penalty:g} x (1 - presence of "
           f"required {c.presence:.2f})")
    if c.job_target is None:
        first = f"score {score:.2f} = penalty {c.penalty:.2f} x competence {c.competence:.2f}"
    else:
        a = p.target_share
        first = (f"score {score:.2f} = penalty {c.penalty:.2f} x ({1 - a:g} x competence "
                 f"{c.competence:.2f} + {a:g} x job target {c.job_target:.2f})")
    return [first, "  " + comp, *cov_lines, "  " + pen]
