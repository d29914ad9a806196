"""Option types shared by the commands: dates in a sane range and finite numbers.

click's ``DateTime`` takes 9999-12-31, on which "start = on + 42 days" overflows, and its
``FloatRange`` lets ``nan`` through (every comparison with nan is false) and ``inf``. These
types refuse them with a :class:`~matchcore.errors.MatchcoreError`, which the command line prints
as one line naming the option (``error: --min-score must be a finite number, got 'nan'``), exit
status 1; other mistakes (``--top abc``) stay click's usage errors.
"""
from __future__ import annotations

import datetime as dt
import math

import click

from matchcore.errors import MatchcoreError
from matchcore.i18n import _
from matchcore.model.common import MAX_YEAR, MIN_YEAR

__all__ = ["DATE", "Day", "Finite"]


class Day(click.DateTime):
    """A date written YYYY-MM-DD between the model's :data:`MIN_YEAR` and :data:`MAX_YEAR`."""

    name = "date"

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        day = super().convert(value, param, ctx)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise MatchcoreError(_("{option} must be a date between {first} and {last}, got {value!r}").format(
                option=_name(param), first=MIN_YEAR, last=MAX_YEAR, value=value))
        return day


class Finite(click.FloatRange):
    """A ``FloatRange`` that refuses nan and infinity."""

    name = "float"

    def convert(self, value, param, ctx):
        number = float(value) if isinstance(value, (int, float)) else None
        if number is None:
            try:
                number = float(str(value).strip())
            except ValueError:
                return super().convert(value, param, ctx)  # click's own "is not a valid float"
        if not math.isfinite(number):
            raise MatchcoreError(_("{option} must be a finite number, got {value!r}").format(
                option=_name(param), value=value))
        return super().convert(value, param, ctx)


def _name(param) -> str:
    return param.opts[0] if param is not None and param.opts else "the value"


DATE = Day()
