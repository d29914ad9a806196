"""Words for carved functions: a title and a function description (functieomschrijving) in Dutch,
built from the tasks, and the English and Dutch text of each reason and flag."""
from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import yaml

from matchcore.vocabulary.concepts import STARTER_PATH

__all__ = ["GENERIC", "MESSAGES", "WHEN_NL", "function_description", "function_title", "hours_nl",
           "is_generic", "message", "natural_key", "positions_nl", "vocabulary"]

WHEN_NL = {"continuous": "doorlopend", "morning": "voormiddag", "afternoon": "namiddag",
           "evening": "avond", "night": "nacht", "on_call": "op afroep"}


# Generic competences (generieke competenties) never name a function; the vocabulary's concepts
# of type "generic" are added to these when matchcore/data/vocabulary_nl.yaml exists.
GENERIC = frozenset({
    "instructies opvolgen", "op tijd komen", "samenwerken", "zelfstandig werken",
    "veiligheidsvoorschriften naleven", "veilig werken", "hygiënisch werken", "nauwkeurig werken",
    "klantvriendelijk", "stressbestendig", "flexibel zijn", "communiceren", "discretie",
    "buiten werken", "fysiek zwaar werk aankunnen", "orde en netheid", "verantwoordelijkheid nemen",
})
VOCABULARY_PATH = STARTER_PATH


@functools.lru_cache(maxsize=4)
def vocabulary(path: Path = VOCABULARY_PATH) -> tuple[tuple[str, ...], frozenset[str]]:
    """(labels, generic labels casefolded) of the starter vocabulary; empty when it is absent."""
    if not path.is_file():
        return (), frozenset()
    # libyaml's loader when present: the same result, about ten times faster than pure Python
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []
    if isinstance(data, dict):
        data = data.get("concepts", [])
    labels, generic = [], set()
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict) or not item.get("label"):
            continue
        names = [str(item["label"]), *(str(a) for a in item.get("alt") or ())]
        labels.append(names[0])
        if item.get("type") == "generic":
            generic.update(n.casefold() for n in names)
    return tuple(sorted(set(labels), key=str.casefold)), frozenset(generic)


def is_generic(competence: str) -> bool:
    name = competence.casefold()
    return name in GENERIC or name in vocabulary()[1]


# Each reason and flag by code: (English for the CLI and JSON, Dutch for the company advice).
MESSAGES = {
    "excluded_role": ("role {role} excluded (--exclude-role)",
                      "functie {role_title} valt buiten deze oefening"),
    "excluded_zone": ("zone {zone} excluded (--exclude-zone)", "zone {zone} valt buiten deze oefening"),
    "core": ("core task of role {role}", "kerntaak van de {role_title}"),
    "complexity": ("complexity {complexity} above threshold {max_complexity}",
                   "complexiteit {complexity} hoger dan de drempel {max_complexity}"),
    "safety_critical": ("safety-critical (carve it only with --allow-safety-critical)",
                        "veiligheidskritisch: blijft bij de vakmensen"),
    "too_few_hours": (("too few hours: {what}, below the minimum of {min_hours:.2f} h/week for a "
                      "function, and no compatible bundle to merge with"),
                      ("te weinig uren: {what_nl}, minder dan het minimum van {min_hours_nl} uur per "
                      "week voor een functie, en geen passende bundel om bij te voegen")),
    "leftovers": (("only heavy, dirty or isolated work ({share:.0%} of the hours): add varied, "
                  "cleaner tasks or rotate them with colleagues"),
                  ("enkel zwaar, vuil of geïsoleerd werk ({share:.0%} van de uren): voeg afwisselende "
                  "taken toe of laat collega's meedraaien")),
    "isolated": (("mostly isolated work ({share:.0%} of the hours): add tasks done alongside "
                 "colleagues and give a fixed mentor (peter/meter)"),
                 ("vooral alleen werken ({share:.0%} van de uren): voeg taken samen met collega's toe "
                 "en voorzie een vaste peter of meter")),
    "repetitive": ("mostly repetitive work ({share:.0%} of the hours): alternate with other tasks",
                   "vooral repetitief werk ({share:.0%} van de uren): wissel af met andere taken"),
    "little_variety": ("little variety: one task or one competence only",
                       "weinig afwisseling: één taak of één competentie"),
}


def message(code: str, lang: str = "en", **params) -> str:
    """The text of a reason or flag code in English (``en``) or Dutch (``nl``)."""
    if code == "too_few_hours":
        tasks, hours = params["tasks"], params["hours"]
        params["what"] = (f"{hours:.2f} h/week" if len(tasks) == 1 else
                          f"bundle {', '.join(tasks)} has {hours:.2f} h/week together")
        params["what_nl"] = (f"{hours_nl(hours)} uur per week" if len(tasks) == 1 else
                             f"taken {', '.join(tasks)} samen {hours_nl(hours)} uur per week")
        params["min_hours_nl"] = hours_nl(params["min_hours"])
    text = MESSAGES[code][0 if lang == "en" else 1].format(**params)
    return text.replace("%", " %") if lang == "nl" else text


def natural_key(text: str) -> tuple:
    """Sort key that puts t2 before t10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold())
                 for p in re.split(r"(\d+)", text) if p)


def hours_nl(hours: float) -> str:
    """12.5 -> '12,5'; 38.0 -> '38'; 3222.92 -> '3.222,92' (Dutch decimal comma, thousands dot)."""
    text = f"{hours:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def function_title(tasks, hours, all_tasks, keys=None) -> str:
    """'Medewerker <most telling competence> (<main zones>)'.

    The competence with most hours in the function, weighted by how distinctive it is among
    all carvable tasks (inverse document frequency), so generic ones rarely name a function.
    Competences count by concept (``keys``, text -> key, see ``competence_keys``; default their
    case-folded text) and are named like the competence profile: the wording with most hours.
    """
    keys = {} if keys is None else keys

    def key_of(c: str) -> str:
        return keys.get(c) or c.casefold()

    n = len(all_tasks) or 1
    df: dict[str, int] = {}
    for t in all_tasks:
        for c in {keys.get(c) or c.casefold() for c in t.competences}:
            df[c] = df.get(c, 0) + 1
    score: dict[str, list] = {}
    for t, h in zip(tasks, hours):
        specific = [c for c in t.competences if not is_generic(c)]
        chosen = specific or t.competences
        for k in dict.fromkeys(key_of(c) for c in chosen):
            entry = score.setdefault(k, [0.0, {}])
            entry[0] += h * math.log1p(n / df.get(k, 1))
        for c in chosen:
            wordings = score[key_of(c)][1]
            wordings.setdefault(c.casefold(), [c, 0.0])[1] += h
    for entry in score.values():
        entry[1] = min(entry[1].values(), key=lambda w: (-w[1], w[0].casefold(), w[0]))[0]
    zones: dict[str, float] = {}
    for t, h in zip(tasks, hours):
        if t.zone:
            zones[t.zone] = zones.get(t.zone, 0.0) + h
    top_zones = sorted(zones, key=lambda z: (-zones[z], z))[:2]
    if score:
        best = min(score.values(), key=lambda e: (-e[0], e[1].casefold()))[1]
        title = f"Medewerker {best}"
    else:
        title = "Medewerker ondersteunende taken"
    return f"{title} ({', '.join(top_zones)})" if top_zones else title


def positions_nl(position_hours: list[float], full_time_hours: float) -> str:
    """[38, 38, 24] -> '3 functies: 2 × 38 uur (voltijds) + 1 × 24 uur (deeltijds)'."""
    groups: dict[float, int] = {}
    for p in position_hours:
        groups[round(p, 2)] = groups.get(round(p, 2), 0) + 1
    parts = []
    for p in sorted(groups, reverse=True):
        kind = ("voltijds" if abs(p - full_time_hours) < 0.01 else
                "deeltijds" if p < full_time_hours else "iets boven voltijds")
        parts.append(f"{groups[p]} × {hours_nl(p)} uur ({kind})")
    n = len(position_hours)
    return f"{n} {'functie' if n == 1 else 'functies'}: " + " + ".join(parts)


def function_description(title, tasks, hours, scan, position_hours, profile, full_time_hours) -> str:
    """The functieomschrijving: purpose, tasks with volume, place, times and competences."""
    roles: dict[str, float] = {}
    for t, h in zip(tasks, hours):
        roles[t.role] = roles.get(t.role, 0.0) + h
    role_text = ", ".join(f"{scan.role(r).title.lower()} ({hours_nl(roles[r])} u/week)"
                          for r in sorted(roles, key=lambda r: (-roles[r], r)))
    total = sum(hours)
    intro = (f"{title} neemt eenvoudige taken over die geen kerntaak zijn van: {role_text}. "
             f"Samen {hours_nl(total)} uur per week, goed voor "
             f"{positions_nl(position_hours, full_time_hours)}.")
    lines = [
        intro,
        "",
        "Taken:",
    ]
    order = sorted(range(len(tasks)), key=lambda i: (-hours[i], natural_key(tasks[i].id)))
    for i in order:
        t = tasks[i]
        where = ", ".join(x for x in (t.zone, WHEN_NL.get(t.when)) if x)
        lines.append(f"- {t.description} ({hours_nl(hours[i])} u/week; {where})")
    zones = sorted({t.zone for t in tasks if t.zone})
    whens = sorted({WHEN_NL[t.when] for t in tasks})
    lines.append("")
    if zones:
        lines.append(f"Werkplek: {', '.join(zones)}. Werkmomenten: {', '.join(whens)}.")
    else:
        lines.append(f"Werkmomenten: {', '.join(whens)}.")
    required = [c.name for c in profile if c.required]
    optional = [c.name for c in profile if not c.required]
    if required:
        lines.append(f"Vereiste competenties: {', '.join(required)}.")
    if optional:
        lines.append(f"Pluspunten: {', '.join(optional)}.")
    return "\n".join(lines)
