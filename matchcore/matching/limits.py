"""The newer constraint columns (issue 14): hours ranges, weekdays, availability dates, time
windows, bending, cold and allergens, as flat arrays beside the others of
:mod:`matchcore.matching.arrays`.

Kept apart so that the array builders (:mod:`matchcore.matching.data`) only call two
functions: :func:`function_columns` over the stored functions' fields and
:func:`candidate_columns` over the candidates' (``CandidateRecord.more``). The tests over them
are in :mod:`matchcore.matching.constraints`.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from matchcore.model import ALLERGENS, DAYS, HOURS_TOLERANCE, SHIFTS, window_minutes

__all__ = ["CANDIDATE_FIELDS", "FUNCTION_FIELDS", "allergen_mask", "candidate_columns",
           "candidate_more", "date_ordinal", "day_mask", "expand_parts", "function_columns", "names_of"]

FUNCTION_FIELDS = ("days", "start", "win_lo", "win_hi", "bending", "cold", "allergens")
CANDIDATE_FIELDS = ("hours_lo", "hours_hi", "days", "available", "win_lo", "win_hi",
                    "no_bending", "no_cold", "allergens")


_DAY = np.int16(1 << SHIFTS.index("day"))
_HALVES = np.int16(1 << SHIFTS.index("morning") | 1 << SHIFTS.index("afternoon"))


def expand_parts(mask):
    """A shift mask with ``day`` written as its two day parts (morning and afternoon)."""
    mask = np.asarray(mask, np.int16)
    return np.where(mask & _DAY, (mask & ~_DAY) | _HALVES, mask).astype(np.int16)


def _json(value, default):
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return default if value is None else value


def day_mask(days: Iterable[str] | None) -> int:
    return sum(1 << DAYS.index(d) for d in (days or ()) if d in DAYS)


def allergen_mask(allergens: Iterable[str] | None) -> int:
    return sum(1 << ALLERGENS.index(a) for a in (allergens or ()) if a in ALLERGENS)


def names_of(mask: int, names: Sequence[str]) -> list[str]:
    """The names of the bits set in ``mask``, in the order of ``names``."""
    return [n for i, n in enumerate(names) if int(mask) >> i & 1]


def date_ordinal(value) -> int:
    """A date (or ISO text) as its proleptic ordinal; 0 for None."""
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.toordinal()


def _window(text) -> tuple[int, int]:
    w = window_minutes(text) if text else None
    return w if w else (-1, -1)


def function_columns(rows: Sequence[tuple]) -> dict[str, np.ndarray]:
    """Per function ``(days, working_hours, start_date, bending, cold, allergens)`` as stored
    (JSON texts for lists) -> the arrays of :data:`FUNCTION_FIELDS`."""
    wins = [_window(r[1]) for r in rows]
    return {
        "days": np.array([day_mask(_json(r[0], [])) for r in rows], np.int8),
        "start": np.array([date_ordinal(r[2]) for r in rows], np.int32),
        "win_lo": np.array([w[0] for w in wins], np.int16),
        "win_hi": np.array([w[1] for w in wins], np.int16),
        "bending": np.array([r[3] in (1, True) for r in rows], bool),
        "cold": np.array([r[4] in (1, True) for r in rows], bool),
        "allergens": np.array([allergen_mask(_json(r[5], [])) for r in rows], np.int16),
    }


def candidate_more(doc: dict[str, Any]) -> dict[str, Any]:
    """What :func:`candidate_columns` reads of a candidate document (or model dump)."""
    lim = doc.get("limits") or {}
    return {"hours_per_week": doc.get("hours_per_week"), "days": doc.get("days") or [],
            "available_from": doc.get("available_from"),
            "childcare_hours": lim.get("childcare_hours"), "bending": lim.get("bending"),
            "cold": lim.get("cold"), "allergens": lim.get("allergens") or []}


def _hours(h) -> tuple[float, float]:
    h = _json(h, h)
    if isinstance(h, dict):
        return float(h["min"]) - 1e-9, float(h["max"]) + 1e-9
    if h is None or h == 0:
        return np.nan, np.nan
    h = float(h)
    return (1 - HOURS_TOLERANCE) * h - 1e-9, (1 + HOURS_TOLERANCE) * h + 1e-9


def candidate_columns(mores: Sequence[dict]) -> dict[str, np.ndarray]:
    """Per candidate :func:`candidate_more` -> the arrays of :data:`CANDIDATE_FIELDS`."""
    hours = [_hours(m.get("hours_per_week")) for m in mores]
    wins = [_window(m.get("childcare_hours")) for m in mores]
    return {
        "hours_lo": np.array([h[0] for h in hours], float),
        "hours_hi": np.array([h[1] for h in hours], float),
        "days": np.array([day_mask(m.get("days")) for m in mores], np.int8),
        "available": np.array([date_ordinal(m.get("available_from")) for m in mores], np.int32),
        "win_lo": np.array([w[0] for w in wins], np.int16),
        "win_hi": np.array([w[1] for w in wins], np.int16),
        "no_bending": np.array([m.get("bending") is False for m in mores], bool),
        "no_cold": np.array([m.get("cold") is False for m in mores], bool),
        "allergens": np.array([allergen_mask(m.get("allergens")) for m in mores], np.int16),
    }
