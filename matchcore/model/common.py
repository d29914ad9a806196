"""What every record is made of: ids, texts, bounded numbers, places and contacts.

The validators here give the messages ``docs/formats.md`` asks for ("must be a number between
1 and 50, got 'twintig'"); :mod:`matchcore.model.parse` puts the file, record and field in front.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from matchcore.i18n import N_, _
from matchcore.i18n import format_number
from matchcore.model.nrn import find_nrn, is_nrn, redact
from matchcore.postcodes import lookup as lookup_postcode

__all__ = [
    "SHIFTS",
    "DAY_PARTS",
    "DAYS",
    "ALLERGENS",
    "TRANSPORTS",
    "CEFR_LEVELS",
    "WORKER_TYPES",
    "EMPLOYER_CATEGORIES",
    "Shift",
    "Day",
    "Allergen",
    "Transport",
    "Cefr",
    "Ident",
    "Text",
    "Level",
    "Hours",
    "Km",
    "Euro",
    "Fraction",
    "HourlyWage",
    "DaysInYear",
    "BaseRecord",
    "Location",
    "Contact",
    "HoursRange",
    "HoursWanted",
    "TimeWindow",
    "window_minutes",
    "number",
    "show",
    "no_duplicates",
    "looks_like_nrn",
    "check_value",
    "MAX_TEXT",
    "MAX_LONG_TEXT",
    "LONG_TEXT_FIELDS",
    "MAX_ITEMS",
    "MAX_DEPTH",
    "MIN_YEAR",
    "MAX_YEAR",
]

# Day parts and shifts. ``day`` is both day parts: a candidate available "day" can work a
# morning (voormiddag) or an afternoon (namiddag) job; a function asking "day" needs both.
SHIFTS = ("day", "morning", "afternoon", "early", "late", "evening", "night", "weekend")
DAY_PARTS = {"day": ("morning", "afternoon")}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# What a workplace may expose someone to, as coaches note allergies (a closed list, so that a
# typo is an error and a function's exposure can be compared with a candidate's allergies).
ALLERGENS = ("animals", "cleaning_products", "dust", "flour", "food", "latex", "metals", "plants",
             "solvents", "wood_dust")
TRANSPORTS = ("walk", "bike", "public_transport", "car", "moped")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
WORKER_TYPES = ("manual", "white_collar")
EMPLOYER_CATEGORIES = ("private", "non_profit", "public")

Shift = Literal["day", "morning", "afternoon", "early", "late", "evening", "night", "weekend"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Allergen = Literal["animals", "cleaning_products", "dust", "flour", "food", "latex", "metals",
                   "plants", "solvents", "wood_dust"]
Transport = Literal["walk", "bike", "public_transport", "car", "moped"]
Cefr = Literal["A1", "A2", "B1", "B2", "C1", "C2"]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")

# Bounds on what one record may hold, so that a hostile or broken file cannot fill the store or
# the memory: the longest text in the bundled data is 317 characters, the longest list (a
# scan's tasks) under 100 items; these leave ample room. Prose fields (a function's
# description, notes) may be longer: carving writes a description listing every task of the
# function (2,349 characters for the demo's port scan).
MAX_TEXT = 2_000
MAX_LONG_TEXT = 100_000
LONG_TEXT_FIELDS = frozenset({"description", "notes"})
MAX_ITEMS = 5_000
MAX_DEPTH = 32
# Dates of records (birth dates, scan visits, availability) and of the command line: anything
# outside is a typo (0202-03-12, 9999-12-31) that would break date arithmetic downstream.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Whole numbers in free additions (extra:) stay exact in JSON for every reader (2**53).
_MAX_INT = 2**53
_SHOWN = 60


def show(value: Any) -> str:
    """A value as messages quote it: strings in double quotes, other values as written; long
    values cut short and national register numbers withheld, so a message stays one short line."""
    if isinstance(value, str):
        return '"' + _cut(redact(value)).replace('"', '\\"') + '"'
    return _cut(_short_repr(value))


def _cut(text: str) -> str:
    """At most :data:`_SHOWN` characters, control characters written as escapes (\\x00)."""
    text = text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "..."
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text


def _short_repr(value: Any, depth: int = 0) -> str:
    """``repr`` without building the whole text of a huge value or echoing a register number."""
    if isinstance(value, (list, tuple, dict)) and depth > 3:
        return "..."
    if isinstance(value, (list, tuple)):
        items = ", ".join(_short_repr(v, depth + 1) for v in value[:5])
        return "[" + items + (", ..." if len(value) > 5 else "") + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_short_repr(k, depth + 1)}: {_short_repr(v, depth + 1)}"
                          for k, v in list(value.items())[:5])
        return "{" + items + (", ..." if len(value) > 5 else "") + "}"
    if isinstance(value, str):
        return repr(_cut(redact(value)))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**_SHOWN:
        return f"a number of more than {_SHOWN} digits"
    return _cut(redact(repr(value)))


def looks_like_nrn(text: str, *, whole: bool) -> bool:
    """True when ``text`` is (``whole``) or contains a national register or BIS number (with a
    valid check number, in any spelling: :mod:`matchcore.model.nrn`)."""
    return is_nrn(text) if whole else find_nrn(text)


def check_value(value: Any, where: str = "", depth: int = 0, *,
                max_text: int = MAX_TEXT) -> tuple[str, str] | None:
    """What is wrong with a validated field value, as ``(place below the field, message)``, or
    None: a text longer than :data:`MAX_TEXT`, a list or mapping longer than :data:`MAX_ITEMS` or
    nested deeper than :data:`MAX_DEPTH`, a number that is not finite, a date outside
    :data:`MIN_YEAR`..:data:`MAX_YEAR`, or a national register number in any text or key.
    Records inside are checked by their own fields. The message never repeats the value.
    """
    if isinstance(value, BaseModel) or isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        if len(value) > max_text:
            return where, f"is too long: {len(value)} characters, at most {max_text}"
        if find_nrn(value):
            return where, ("contains what looks like a national register number (not shown); "
                           "matchcore never stores one, remove it")
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else (where, f"must be a finite number, got {value}")
    if isinstance(value, int):
        return None if abs(value) <= _MAX_INT else (where, f"is too large a number (over {_MAX_INT})")
    if isinstance(value, dt.date):
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return None
        return where, f"must be a date between {MIN_YEAR} and {MAX_YEAR}, got {value.isoformat()}"
    if isinstance(value, (list, tuple, dict)):
        if len(value) > MAX_ITEMS:
            return where, f"has too many items: {len(value)}, at most {MAX_ITEMS}"
        if depth >= MAX_DEPTH:
            return where, f"is nested more than {MAX_DEPTH} levels deep"
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in pairs:
            if isinstance(value, dict):
                problem = check_value(key, where, depth + 1) if isinstance(key, str) else None
                if problem:
                    return where, "has a key that " + problem[1]
                here = f"{where}.{key}" if where else str(key)
            else:
                here = f"{where}[{key + 1}]"
            problem = check_value(item, here, depth + 1)
            if problem:
                return problem
    return None


def number(lo: float, hi: float, *, whole: bool = False) -> BeforeValidator:
    """A number field with bounds and the message FORMATS.md asks for."""

    def check(value: Any) -> Any:
        given = value

        def bad() -> ValueError:  # the message is built only when it is needed (import speed)
            text = (_("must be a whole number between {lo} and {hi}, got {value}") if whole
                    else _("must be a number between {lo} and {hi}, got {value}"))
            return ValueError(text.format(lo=f"{lo:g}", hi=f"{hi:g}", value=show(given)))

        if isinstance(value, bool) or value is None:
            raise bad()
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError:
                raise bad() from None
        if not isinstance(value, (int, float)):
            raise bad()
        # compare before converting: 10**400 has no float, inf and nan have no int
        if isinstance(value, float) and not math.isfinite(value):
            raise bad()
        if not lo <= value <= hi:
            raise bad()
        if whole and isinstance(value, float) and not value.is_integer():
            raise bad()
        return int(value) if whole else float(value)

    return BeforeValidator(check)


def _ident(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and is_nrn(value):
        raise ValueError(_("looks like a national register number; use a pseudonymous id such as 'K-0042'"))
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise ValueError(_(
            "must be an id of letters, digits, '.', '_' or '-' (at most 80), "
            "starting with a letter or digit, got {value}").format(value=show(value)))
    return value


def _text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("must be a non-empty text, got {value}").format(value=show(value)))
    return " ".join(value.split())


def no_duplicates(values: list[str], field: str, what: str) -> None:
    """Raise ``ValueError`` naming the first value that appears twice."""
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(_("{field}: {what} {value!r} appears twice").format(field=field, what=what, value=v))
        seen.add(v)


Ident = Annotated[str, BeforeValidator(_ident)]
Text = Annotated[str, BeforeValidator(_text)]
Level = Annotated[int, number(1, 4, whole=True)]
Hours = Annotated[float, number(1, 50)]
Km = Annotated[float, number(0, 500)]
Euro = Annotated[float, number(0, 100_000)]
Fraction = Annotated[float, number(0, 1)]
HourlyWage = Annotated[float, number(0, 500)]
DaysInYear = Annotated[int, number(0, 366, whole=True)]


class BaseRecord(BaseModel):
    """Every record and part of one: unknown keys are an error (free additions go under ``extra``)."""

    # start-up: defer_build makes each model's validator when first used, not at import, so a
    # query that reads candidates and employers does not build the scan and trajectory ones
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True, defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: Any, info: ValidationInfo) -> Any:
        # every field of every record: bounded size, finite numbers, sane dates, and no national
        # register number in any text (ids, extra at any depth, notes, contacts, ...). Records
        # read back from the store (context {"stored": True}) were checked when written.
        kind = type(value)
        if (value is None or kind is bool or (kind is str and len(value) < 11)
                or (kind is float and math.isfinite(value)) or (kind is int and -_MAX_INT <= value <= _MAX_INT)):
            return value  # the common case, fast (import speed): nothing check_value could refuse
        if info.context and info.context.get("stored"):
            return value
        long = info.field_name in LONG_TEXT_FIELDS and isinstance(value, str)
        problem = check_value(value, max_text=MAX_LONG_TEXT if long else MAX_TEXT)
        if problem:
            # the place below the field goes with the error, so messages name it as the field
            raise PydanticCustomError("bounded", "{message}", {"message": problem[1], "at": problem[0]})
        return value


class Location(BaseRecord):
    postcode: str
    municipality: str | None = None
    lat: Annotated[float, number(-90, 90)] | None = None
    lon: Annotated[float, number(-180, 180)] | None = None
    region: str | None = None

    @field_validator("postcode", mode="before")
    @classmethod
    def _known_postcode(cls, value: Any) -> str:
        code = str(value).strip() if value is not None else ""
        if lookup_postcode(code) is None:
            raise ValueError(_("must be a Belgian postcode (4 digits, e.g. '9000'), got {value}").format(value=show(value)))
        return code

    @model_validator(mode="after")
    def _fill_from_postcode(self) -> "Location":
        entry = lookup_postcode(self.postcode)
        if self.municipality is None:
            self.municipality = entry.municipality
        if self.lat is None or self.lon is None:
            self.lat, self.lon = entry.lat, entry.lon
        if self.region is None:
            self.region = entry.region
        return self


class Contact(BaseRecord):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    role: str | None = None


class HoursRange(BaseRecord):
    """Wanted hours a week as a range: a function with ``min`` <= hours <= ``max`` fits."""

    min: Hours
    max: Hours

    def __str__(self) -> str:  # "19-30", "19,5-30" in Dutch: how tables show a range
        return f"{format_number(self.min)}-{format_number(self.max)}"

    @model_validator(mode="after")
    def _ordered(self) -> "HoursRange":
        if self.min > self.max:
            raise ValueError(_("min ({min}) is above max ({max})").format(min=f"{self.min:g}", max=f"{self.max:g}"))
        return self


_RANGE_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:-|\.\.|tot)\s*(\d+(?:[.,]\d+)?)\s*(?:u|h)?\s*$", re.I)
_HOURS_MSG = N_("must be a number between 1 and 50 or a range such as {{min: 19, max: 30}}, got {got}")


def _hours_or_range(value: Any) -> Any:
    """A number 1..50, a mapping ``{min, max}``, or a text ``"19-30"`` (CSV, spreadsheets)."""
    if isinstance(value, HoursRange):
        return value
    if isinstance(value, str):
        m = _RANGE_RE.match(value)
        if m:
            value = {"min": m.group(1), "max": m.group(2)}
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"min", "max"}, key=str)
        if unknown or set(value) != {"min", "max"}:
            raise ValueError(_(_HOURS_MSG).format(got=show(value)))
        lo, hi = (_check_hours(value[k], f"{k} ") for k in ("min", "max"))
        if lo > hi:
            raise ValueError(_("min ({min}) is above max ({max}); write the range as {{min: {max}, max: {min}}}")
                             .format(min=f"{lo:g}", max=f"{hi:g}"))
        return HoursRange(min=lo, max=hi)
    return _check_hours(value, "")  # a number's own message: "must be a number between 1 and 50"


def _check_hours(value: Any, where: str) -> float:
    try:
        return _HOURS_CHECK(value)
    except ValueError as e:
        raise ValueError(where + str(e)) from None


_HOURS_CHECK = number(1, 50).func
# A candidate's wanted hours: a number (a function within +-20 % fits) or a range.
HoursWanted = Annotated[float | HoursRange, BeforeValidator(_hours_or_range)]

_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.hu](\d{2})?\s*$", re.I)


def _minutes(text: str) -> int | None:
    m = _TIME_RE.match(text)
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    return h * 60 + mi if (h < 24 and mi < 60) or (h == 24 and mi == 0) else None


def _time_window(value: Any) -> Any:
    """``"08:30-15:30"`` (also ``8u30-15u30``, ``8.30 - 15.30``), normalised to ``HH:MM-HH:MM``."""
    bad = ValueError(_("must be a time window such as \"08:30-15:30\", got {value}").format(value=show(value)))
    if not isinstance(value, str) or value.count("-") != 1:
        raise bad
    a, b = (_minutes(x) for x in value.split("-"))
    if a is None or b is None:
        raise bad
    if a >= b:
        raise ValueError(_("must end after it starts (a time window such as \"08:30-15:30\"), got {value}")
                         .format(value=show(value)))
    return f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"


TimeWindow = Annotated[str, BeforeValidator(_time_window)]


def window_minutes(window: str | None) -> tuple[int, int] | None:
    """A normalised :data:`TimeWindow` as (start, end) minutes after midnight; None for None."""
    if not window:
        return None
    a, b = window.split("-")
    return int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])
