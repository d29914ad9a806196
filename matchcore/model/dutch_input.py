"""What people type, in Dutch or English: enum words, yes/no, numbers with a decimal comma or in words.

Used by the prompts of ``matchcore scan`` (:mod:`matchcore.cli.scan_prompts`) and the web forms,
so both understand the same answers::

    parse_choice("namiddag", "when")   -> "afternoon"
    parse_choice("vuil", "strain")     -> "dirty"
    parse_yes_no("ja")                 -> True
    parse_number("1.165,30")           -> 1165.3
    parse_number("zestien")            -> 16.0
    parse_number("tweeëntwintig")      -> 22.0

A word that is not understood raises :class:`~matchcore.errors.InputNotUnderstood` with a
message in the current language and, when one is close, a "bedoelde u ...?" suggestion.
The stored values stay the English codes of the model (``afternoon``); only the typing is Dutch.

Numbers: a comma is the decimal mark (``12,5``); with both a dot and a comma the last one is
the decimal mark (``1.165,30`` and ``1,165.30``); a lone dot is a decimal point (``1.5``) unless
it groups thousands exactly (``2.500`` is 2500, as a Belgian writes it; ``0.500`` stays 0.5).
"""
from __future__ import annotations

import math
import re
import unicodedata

from matchcore.errors import InputNotUnderstood, closest
from matchcore.i18n import _, get_language

__all__ = ["WORDS", "parse_choice", "parse_choices", "parse_yes_no", "parse_number", "choice_words",
           "number_word"]

# code -> the words (Dutch first, then English and abbreviations) that mean it, per kind of field.
WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    # Task.when (model/scan.py)
    "when": {
        "continuous": ("continu", "doorlopend", "heel de dag", "altijd", "continuous"),
        "morning": ("voormiddag", "ochtend", "morgen", "'s morgens", "morning"),
        "afternoon": ("namiddag", "middag", "'s middags", "afternoon"),
        "evening": ("avond", "'s avonds", "evening"),
        "night": ("nacht", "'s nachts", "night"),
        "on_call": ("op afroep", "afroep", "oproep", "op oproep", "on call", "on_call"),
    },
    # Shift (model/common.py): the shifts a candidate can work or a function needs
    "shift": {
        "day": ("dag", "overdag", "dagdienst", "day"),
        "morning": ("voormiddag", "ochtend", "morgen", "morning"),
        "afternoon": ("namiddag", "middag", "afternoon"),
        "early": ("vroeg", "vroege", "vroege dienst", "vroege shift", "early"),
        "late": ("laat", "late", "late dienst", "late shift", "late"),
        "evening": ("avond", "avonddienst", "evening"),
        "night": ("nacht", "nachtdienst", "night"),
        "weekend": ("weekend", "weekends", "zaterdag en zondag"),
    },
    # Frequency.per (model/scan.py)
    "per": {
        "shift": ("shift", "dienst", "ploeg", "per shift"),
        "day": ("dag", "per dag", "daags", "day"),
        "week": ("week", "per week", "weekelijks"),
        "month": ("maand", "per maand", "maandelijks", "month"),
        "year": ("jaar", "per jaar", "jaarlijks", "year"),
    },
    # Task.strain (model/scan.py)
    "strain": {
        "heavy": ("zwaar", "zware", "fysiek zwaar", "heavy"),
        "dirty": ("vuil", "vuile", "vies", "dirty"),
        "isolated": ("geïsoleerd", "geisoleerd", "alleen", "eenzaam", "afgezonderd", "isolated"),
        "repetitive": ("repetitief", "herhalend", "eentonig", "monotoon", "repetitive"),
        "outdoor": ("buiten", "buitenwerk", "in open lucht", "outdoor"),
        "noisy": ("lawaaierig", "lawaai", "luid", "rumoerig", "noisy"),
    },
    # Day (model/common.py)
    "day": {
        "mon": ("maandag", "ma", "monday", "mon"), "tue": ("dinsdag", "di", "tuesday", "tue"),
        "wed": ("woensdag", "wo", "wednesday", "wed"), "thu": ("donderdag", "do", "thursday", "thu"),
        "fri": ("vrijdag", "vr", "friday", "fri"), "sat": ("zaterdag", "za", "saturday", "sat"),
        "sun": ("zondag", "zo", "sunday", "sun"),
    },
    # Transport (model/common.py)
    "transport": {
        "walk": ("te voet", "voet", "wandelen", "walk"),
        "bike": ("fiets", "met de fiets", "velo", "bike"),
        "public_transport": ("openbaar vervoer", "ov", "bus", "tram", "trein", "de lijn",
                             "public transport", "public_transport"),
        "car": ("auto", "wagen", "met de auto", "car"),
        "moped": ("brommer", "bromfiets", "scooter", "moped"),
    },
}

_YES = ("ja", "j", "jawel", "zeker", "waar", "yes", "y", "true", "1", "ok", "oké")
_NO = ("nee", "neen", "n", "niet", "onwaar", "no", "false", "0")

_UNITS = {"nul": 0, "een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5,
          "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12,
          "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16, "zeventien": 17,
          "achttien": 18, "negentien": 19}
_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
         "tachtig": 80, "negentig": 90}
_FRACTIONS = {"half": 0.5, "halve": 0.5, "een half": 0.5, "anderhalf": 1.5, "kwart": 0.25}
_EN_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20}


def _fold(text: str) -> str:
    """Lower case, single spaces, no accents (``geïsoleerd`` = ``geisoleerd``), ``_`` as space."""
    text = unicodedata.normalize("NFKD", str(text).strip().casefold().replace("_", " "))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text)


def choice_words(kind: str) -> dict[str, str]:
    """Every accepted word of a kind (folded) -> its code."""
    table = WORDS[kind]
    words = {_fold(code): code for code in table}
    for code, synonyms in table.items():
        for word in synonyms:
            words.setdefault(_fold(word), code)
    return words


def _first_words(kind: str) -> str:
    """The words to offer: the Dutch ones in Dutch, the codes in English."""
    if get_language() == "en":
        return ", ".join(WORDS[kind])
    return ", ".join(synonyms[0] for synonyms in WORDS[kind].values())


def parse_choice(value: str, kind: str) -> str:
    """The code (``afternoon``) meant by a typed word (``namiddag``, ``Afternoon``, ``'s middags``).

    Raises InputNotUnderstood naming the accepted words and the nearest one.
    """
    words = choice_words(kind)
    folded = _fold(value)
    if folded in words:
        return words[folded]
    hit = closest(folded, list(words), cutoff=70)
    suggestion = None
    if hit:
        suggestion = words[hit] if get_language() == "en" else WORDS[kind][words[hit]][0]
    message = _("{value!r} is not one of: {choices}").format(value=str(value), choices=_first_words(kind))
    if suggestion:
        message += "; " + _("did you mean {suggestion!r}?").format(suggestion=suggestion)
    raise InputNotUnderstood(message, suggestion)


def parse_choices(value: str | list[str], kind: str) -> list[str]:
    """Several words separated by commas, semicolons or ``en`` (``zwaar, vuil en buiten``); order
    kept, duplicates dropped; empty input is an empty list."""
    items = value if isinstance(value, list) else re.split(r"\s*(?:[,;/+]|\ben\b|\band\b)\s*", str(value or ""))
    codes: list[str] = []
    for item in items:
        if str(item).strip():
            code = parse_choice(item, kind)
            if code not in codes:
                codes.append(code)
    return codes


def parse_yes_no(value: str | bool) -> bool:
    """``ja``/``nee`` (and j, n, yes, no, waar, onwaar, 1, 0) as a bool."""
    if isinstance(value, bool):
        return value
    folded = _fold(value)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise InputNotUnderstood(_("{value!r} is not yes or no (ja/nee)").format(value=str(value)))


def number_word(text: str) -> float | None:
    """A Dutch (or simple English) number word as a number: ``zestien`` 16, ``eenentwintig`` 21,
    ``vijfenveertig`` 45, ``honderd`` 100, ``anderhalf`` 1.5; None when it is not one."""
    word = _fold(text).replace(" ", "").replace("-", "")
    if not word:
        return None
    if word in _FRACTIONS or _fold(text) in _FRACTIONS:
        return _FRACTIONS.get(word, _FRACTIONS.get(_fold(text)))
    if word in _EN_WORDS:
        return float(_EN_WORDS[word])
    return _whole(word)


def _whole(word: str) -> float | None:
    for big, factor in (("duizend", 1000), ("honderd", 100)):
        if big in word:
            head, _sep, rest = word.partition(big)
            high = 1.0 if head in ("", "een") else _whole(head)
            low = 0.0 if rest == "" else _whole(rest.removeprefix("en"))
            if high is None or low is None:
                return None
            return high * factor + low
    folded_units = {_fold(k): v for k, v in _UNITS.items()}
    if word in folded_units:
        return float(folded_units[word])
    if word in _TENS:
        return float(_TENS[word])
    for tens_word, tens in _TENS.items():  # eenentwintig, tweeentwintig (twee-en), vijfendertig
        if word.endswith("en" + tens_word):
            unit = word[: -len("en" + tens_word)]
            if unit in folded_units and 1 <= folded_units[unit] <= 9:
                return float(tens + folded_units[unit])
    return None


_THOUSANDS = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")


def parse_number(value: str | float | int) -> float:
    """A number as people type it: ``12,5``, ``1.165,30``, ``2.500``, ``1.5``, ``zestien``, ``€ 12``.

    Raises InputNotUnderstood (not a number, or not finite).
    """
    if isinstance(value, bool):
        raise InputNotUnderstood(_("{value!r} is not a number").format(value=str(value)))
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
        text = re.sub(r"^(?:€|eur|euro)\s*|\s*(?:€|eur|euro)$", "", text, flags=re.IGNORECASE)
        compact = text.replace(" ", "").replace("'", "")
        word = number_word(text)
        if word is not None:
            return word
        if "," in compact and "." in compact:
            decimal = "," if compact.rfind(",") > compact.rfind(".") else "."
            thousands = "." if decimal == "," else ","
            compact = compact.replace(thousands, "").replace(decimal, ".")
        elif "," in compact:
            if compact.count(",") > 1:
                raise InputNotUnderstood(_("{value!r} is not a number").format(value=str(value)))
            compact = compact.replace(",", ".")
        elif _THOUSANDS.fullmatch(compact.lstrip("+-")):
            compact = compact.replace(".", "")
        try:
            number = float(compact)
        except ValueError:
            raise InputNotUnderstood(
                _("{value!r} is not a number (write 12,5 or twaalf)").format(value=str(value))) from None
    if not math.isfinite(number):
        raise InputNotUnderstood(_("{value!r} is not a finite number").format(value=str(value)))
    return number
