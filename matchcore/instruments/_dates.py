"""Dates as engine texts write them, memoised (:func:`matchcore.instruments.params.date_text`)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from matchcore.i18n import format_date


@lru_cache(maxsize=4096)
def long_date(day: dt.date, lang: str) -> str:
    """``format_date(day)`` in ``lang`` (``1 december 2026``).

    Memoised: Babel takes 40-700 us a date (locale data look-ups), and a match query writes the
    same few dates (the start, the rules' dates) a few hundred times (issue 16).
    """
    return format_date(day, lang=lang)
