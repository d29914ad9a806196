"""What the web pages call the codes of the records (shift ``evening`` -> "avond", outcome
``cv_sent`` -> "cv bezorgd"), and the way back: Dutch (or English) words typed or posted in a form
to the code (``"op afroep"`` -> ``on_call``, ``"ja"`` -> True, ``"7,5"`` -> ``"7.5"``, dates
``dd/mm/jjjj``).

The labels are English message ids marked with ``N_`` and translated when shown
(:func:`label`); the codes stay the stable English of FORMATS.md. The parsing is the one the CLI
prompts use (:mod:`matchcore.model.dutch_input`), plus the labels of this module.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from matchcore.errors import InputNotUnderstood
from matchcore.i18n import N_, _
from matchcore.model.dutch_input import WORDS, parse_choice, parse_number, parse_yes_no

__all__ = ["COMPONENTS", "LABELS", "choice_problem", "component_label", "enum_code", "label",
           "normal_number", "number_problem", "parse_date", "yes_no"]

LABELS: dict[str, dict[str, str]] = {
    "shift": {"day": N_("day"), "morning": N_("morning"), "afternoon": N_("afternoon"),
              "early": N_("early shift"), "late": N_("late shift"), "evening": N_("evening"),
              "night": N_("night"), "weekend": N_("weekend")},
    "when": {"continuous": N_("continuous"), "morning": N_("morning"), "afternoon": N_("afternoon"),
             "evening": N_("evening"), "night": N_("night"), "on_call": N_("on call")},
    "per": {"shift": N_("shift"), "day": N_("day"), "week": N_("week"), "month": N_("month"),
            "year": N_("year")},
    "strain": {"heavy": N_("heavy"), "dirty": N_("dirty"), "isolated": N_("isolated"),
               "repetitive": N_("repetitive"), "outdoor": N_("outdoor"), "noisy": N_("noisy")},
    "outcome": {"appointment": N_("appointment"), "cv_sent": N_("CV sent"), "no": N_("no"),
                "call_back": N_("call back on date")},
    "status": {"sec_employee": N_("employed in the social economy"), "jobseeker": N_("jobseeker"),
               "employee": N_("employee"), "self_employed": N_("self-employed"),
               "student": N_("student"), "other": N_("other")},
    "transport": {"walk": N_("on foot"), "bike": N_("bike"), "public_transport": N_("public transport"),
                  "car": N_("car"), "moped": N_("moped")},
    "complexity": {"1": N_("simple routine"), "2": N_("routine, some care"), "3": N_("skilled"),
                   "4": N_("specialist"), "5": N_("expert judgement")},
}

# The parts of a match score (matchcore.matching.results.ScoreComponents), as the page names them.
COMPONENTS = {"required": N_("required competences"), "optional": N_("optional competences"),
              "coverage": N_("coverage"), "use": N_("use of the competences"),
              "competence": N_("competences"), "presence": N_("conditions met"),
              "penalty": N_("penalty"), "level": N_("level"), "text": N_("text similarity"),
              "job_target": N_("job target")}


def label(kind: str, code) -> str:
    """The text a person reads for a code; an unknown code as it is (underscores as spaces)."""
    if code is None or code == "":
        return ""
    text = LABELS.get(kind, {}).get(str(code))
    return _(text) if text else str(code).replace("_", " ")


def component_label(name: str) -> str:
    text = COMPONENTS.get(name)
    return _(text) if text else name.replace("_", " ")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\s_]+", " ", text).strip()


def enum_code(kind: str, value: str | None) -> str | None:
    """The code of a typed word: the code itself, a Dutch or English word for it
    (:func:`matchcore.model.dutch_input.parse_choice`: 'op afroep' -> 'on_call', 'vuil' ->
    'dirty'), or its label in the page's language; None when empty, the text as it is when
    nothing fits (the model, or :func:`choice_problem`, then names it)."""
    if value is None or str(value).strip() == "":
        return None
    raw = str(value).strip()
    if kind in WORDS:
        try:
            return parse_choice(raw, kind)
        except InputNotUnderstood:
            pass
    folded = _fold(raw)
    for code, text in LABELS.get(kind, {}).items():
        if folded in (_fold(code), _fold(text), _fold(_(text))):
            return code
    return raw


def choice_problem(kind: str, value: str) -> str | None:
    """Why a typed word is no choice of ``kind`` (with a "did you mean"), None when it is one."""
    if kind not in WORDS:
        return None
    try:
        parse_choice(value, kind)
    except InputNotUnderstood as exc:
        return str(exc)
    return None


def yes_no(value) -> bool | None:
    """'ja'/'nee' (and yes/no, on/off, 1/0) -> True/False; None for anything else."""
    if isinstance(value, str) and value.strip().casefold() in ("on", "off"):  # an HTML checkbox
        return value.strip().casefold() == "on"
    try:
        return parse_yes_no(value)
    except InputNotUnderstood:
        return None


def normal_number(value: str | None) -> str:
    """A number as typed in Flanders, as the model reads it: '7,5' -> '7.5', '1.165,30' ->
    '1165.3', '€ 12,50' -> '12.5', 'zestien' -> '16' (:func:`matchcore.model.dutch_input.parse_number`);
    other text unchanged (the model then names it)."""
    text = (value or "").strip()
    if not text:
        return text
    try:
        number = parse_number(text)
    except InputNotUnderstood:
        return text
    return f"{number:g}" if number == int(number) and abs(number) < 1e15 else repr(number)


def number_problem(value: str | None) -> str | None:
    """Why typed text is no number ("'abc' is not a number (write 12,5 or twaalf)"), None when
    it is one or is empty."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        parse_number(text)
    except InputNotUnderstood as exc:
        return str(exc)
    return None


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(value: str | None):
    """A date as typed: '1/12/2026', '01-12-2026', '1.12.2026' (day first, as Belgians write
    it) or ISO '2026-12-01' -> datetime.date; None when empty. Raises ValueError otherwise."""
    text = (value or "").strip()
    if not text:
        return None
    m = _DMY.match(text)
    if m:
        day, month, year = (int(x) for x in m.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)
