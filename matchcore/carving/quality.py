"""The job-quality guard and the competence profile of a carved function."""
from __future__ import annotations

from collections.abc import Mapping

from matchcore.carving.bundles import LEFTOVER_STRAINS
from matchcore.carving.competences import competence_key, competence_keys
from matchcore.carving.results import FlaggedJobQuality, JobQuality, SuggestedTask, Variety
from matchcore.carving.texts import is_generic, message, natural_key
from matchcore.i18n import get_language
from matchcore.model import FunctionCompetence, Task

__all__ = ["function_profile", "job_quality", "variety_suggestions"]


def job_quality(tasks: list[Task], hours: list[float], keys: Mapping[str, str] | None = None) -> JobQuality:
    """The job-quality guard: is this function only heavy, dirty or isolated leftovers?

    Flags: at least 80 % of the hours heavy/dirty/isolated; at least half the hours isolated
    (prefer tasks done alongside colleagues); at least 80 % repetitive; a single task or competence
    (competences counted by concept, ``keys`` of :func:`competence_keys`; default: resolved against
    the starter vocabulary). A flagged verdict is a :class:`FlaggedJobQuality`, whose
    ``suggested_additions`` :func:`~matchcore.carving.carve.carve` fills.
    """
    keys = competence_keys(tasks) if keys is None else keys
    total = sum(hours) or 1.0

    def share(pred) -> float:
        return sum(h for t, h in zip(tasks, hours) if pred(t)) / total

    leftover = share(lambda t: bool(set(t.strain) & set(LEFTOVER_STRAINS)))
    isolated = share(lambda t: "isolated" in t.strain)
    repetitive = share(lambda t: "repetitive" in t.strain)
    competences = {competence_key(keys, c) for t in tasks for c in t.competences}
    zones = {t.zone.casefold() for t in tasks if t.zone}
    codes = []
    if leftover >= 0.8:
        codes.append(("leftovers", {"share": leftover}))
    if isolated >= 0.5:
        codes.append(("isolated", {"share": isolated}))
    if repetitive >= 0.8:
        codes.append(("repetitive", {"share": repetitive}))
    if len(tasks) == 1 or len(competences) <= 1:
        codes.append(("little_variety", {}))
    verdict = FlaggedJobQuality if codes else JobQuality
    # flags in the language in use; flags_nl always Dutch (the advice)
    return verdict(flagged=bool(codes), flags=[message(c, get_language(), **p) for c, p in codes],
                   flags_nl=[message(c, "nl", **p) for c, p in codes], codes=[c for c, _ in codes],
                   leftover_share=round(leftover, 3), isolated_share=round(isolated, 3),
                   repetitive_share=round(repetitive, 3),
                   variety=Variety(tasks=len(tasks), competences=len(competences), zones=len(zones)))


def function_profile(tasks: list[Task], hours: list[float],
                     keys: Mapping[str, str] | None = None) -> list[FunctionCompetence]:
    """The carved function's competences: the union of its tasks' competences, one per concept.

    Competences are grouped by ``keys`` (:func:`competence_keys`; default: resolved against the
    starter vocabulary), so synonyms ("vloeren schoonmaken", "vloeren reinigen") are one row,
    named in the tasks' own wording: the wording with most hours in the function (ties:
    alphabetical). Required when the tasks needing it are at least half the hours; when none
    is, the one with most hours (a job-specific one before a generic one) is, so that every
    function has a core. Level = the highest complexity of those tasks (capped at 4); weight =
    1 + 2 x its share of the hours.
    """
    keys = competence_keys(tasks) if keys is None else keys
    total = sum(hours) or 1.0
    found: dict[str, list] = {}
    for t, h in zip(tasks, hours):
        for c in dict.fromkeys(competence_key(keys, c) for c in t.competences):
            entry = found.setdefault(c, [None, 0.0, 1, {}])
            entry[1] += h
            entry[2] = max(entry[2], t.complexity)
        for c in t.competences:
            wordings = found[competence_key(keys, c)][3]
            wordings.setdefault(c.casefold(), [c, 0.0])[1] += h
    for entry in found.values():
        entry[0] = min(entry[3].values(), key=lambda w: (-w[1], w[0].casefold(), w[0]))[0]
    rows = sorted((e[:3] for e in found.values()), key=lambda e: (-e[1], e[0].casefold()))
    required = {name for name, h, _ in rows if h / total >= 0.5}
    if rows and not required:
        required = {min(rows, key=lambda e: (is_generic(e[0]), -e[1], e[0].casefold()))[0]}
    return [FunctionCompetence(name=name, level=min(4, level), required=name in required,
                               weight=round(1 + 2 * h / total, 2)) for name, h, level in rows]


def variety_suggestions(weights, carvable: list[Task], hours: list[float], idx: list[int],
                        limit: int = 3) -> list[SuggestedTask]:
    """Carvable tasks outside the bundle ``idx``, not heavy/dirty/isolated, most strongly linked
    to it (``weights`` of :func:`~matchcore.carving.graph.similarity`)."""
    inside = set(idx)
    scored = []
    for j, t in enumerate(carvable):
        if j in inside or set(t.strain) & set(LEFTOVER_STRAINS):
            continue
        link = float(weights[idx, j].mean())
        if link > 0:
            scored.append((-link, natural_key(t.id), t, hours[j]))
    return [SuggestedTask(task=t.id, description=t.description, hours_per_week=round(h, 2))
            for _, _, t, h in sorted(scored)[:limit]]
