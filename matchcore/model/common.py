"""What every record is made of: ids, texts, bounded numbers, places and contacts.

The validators here give the messages ``docs/formats.md`` asks for ("must be a number between
1 and 50, got 'twintig'"); :mod:`matchcore.model.parse` puts the file, record and field in front.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator, model_validator

from matchcore.postcodes import lookup as lookup_postcode

__all__ = [
    "SHIFTS",
    "TRANSPORTS",
    "CEFR_LEVELS",
    "WORKER_TYPES",
    "EMPLOYER_CATEGORIES",
    "Shift",
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
    "number",
    "show",
    "no_duplicates",
    "looks_like_nrn",
]

SHIFTS = ("day", "early", "late", "evening", "night", "weekend")
TRANSPORTS = ("walk", "bike", "public_transport", "car", "moped")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
WORKER_TYPES = ("manual", "white_collar")
EMPLOYER_CATEGORIES = ("private", "non_profit", "public")

Shift = Literal["day", "early", "late", "evening", "night", "weekend"]
Transport = Literal["walk", "bike", "public_transport", "car", "moped"]
Cefr = Literal["A1", "A2", "B1", "B2", "C1", "C2"]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
# Belgian national register number (rijksregisternummer): 11 digits, often as YY.MM.DD-XXX.CC
_NRN_RE = re.compile(r"\d{2}\.?\d{2}\.?\d{2}[-.\s]?\d{3}\.?\d{2}")


def show(value: Any) -> str:
    """A value as messages quote it: strings in double quotes, other values as written."""
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return repr(value)


def looks_like_nrn(text: str, *, whole: bool) -> bool:
    """True when ``text`` is (``whole``) or contains a national register number."""
    if whole:
        return bool(_NRN_RE.fullmatch(text) or re.fullmatch(r"\d{11}", text))
    return bool(_NRN_RE.search(text) or re.search(r"\d{11}", text))


def number(lo: float, hi: float, *, whole: bool = False) -> BeforeValidator:
    """A number field with bounds and the message FORMATS.md asks for."""

    def check(value: Any) -> Any:
        kind = "a whole number" if whole else "a number"
        bad = ValueError(f"must be {kind} between {lo:g} and {hi:g}, got {show(value)}")
        if isinstance(value, bool) or value is None:
            raise bad
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError:
                raise bad from None
        if not isinstance(value, (int, float)):
            raise bad
        if whole and float(value) != int(value):
            raise bad
        if not lo <= value <= hi:
            raise bad
        return int(value) if whole else float(value)

    return BeforeValidator(check)


def _ident(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise ValueError(
            "must be an id of letters, digits, '.', '_' or '-' (at most 80), "
            f"starting with a letter or digit, got {show(value)}"
        )
    return value


def _text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty text, got {show(value)}")
    return " ".join(value.split())


def no_duplicates(values: list[str], field: str, what: str) -> None:
    """Raise ``ValueError`` naming the first value that appears twice."""
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{field}: {what} {v!r} appears twice")
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

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True)


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
            raise ValueError(f"must be a Belgian postcode (4 digits, e.g. '9000'), got {show(value)}")
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
