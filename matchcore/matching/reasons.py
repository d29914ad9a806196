"""The sentences of the constraints (:mod:`matchcore.matching.constraints`): for one pair,
``(ok, text)`` of each constraint, and for the soft ones what would have to change
(:class:`WouldNeed`, with the figure). Texts go through :mod:`matchcore.i18n`: English message
ids with ``{name}`` placeholders filled after translation; numbers and dates in the reader's
format (Dutch: ``12,5 km``, ``5 januari 2027``).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from matchcore.i18n import N_, _, format_date, format_number
from matchcore.matching.arrays import HOURS_TOLERANCE, TRANSPORT_REACH_KM
from matchcore.matching.limits import expand_parts, names_of
from matchcore.model import SHIFTS
from matchcore.postcodes import haversine_km

__all__ = ["DAY_LABELS", "SHIFT_LABELS", "WouldNeed", "allergens", "available",
           "available_need", "bending", "childcare", "cold", "commute", "commute_need", "days",
           "days_need", "dutch", "hours", "hours_need", "licence", "lift", "night",
           "own_transport", "shifts", "shifts_need", "standing"]

SHIFT_LABELS = {"day": N_("day"), "morning": N_("morning"), "afternoon": N_("afternoon"),
                "early": N_("early shift"), "late": N_("late shift"), "evening": N_("evening"),
                "night": N_("night"), "weekend": N_("weekend")}
DAY_LABELS = {"mon": N_("Monday"), "tue": N_("Tuesday"), "wed": N_("Wednesday"),
              "thu": N_("Thursday"), "fri": N_("Friday"), "sat": N_("Saturday"), "sun": N_("Sunday")}


@dataclass(frozen=True)
class WouldNeed:
    """What would have to change for a near miss to fit: the constraint, the sentence, and
    the figures (stable English keys: ``hours_per_week``, ``km_further``, ``shifts``, ``days``,
    ``days_later``, ...)."""

    constraint: str
    text: str
    fields: dict = field(default_factory=dict)


def _n(x, digits=1) -> str:
    return format_number(round(float(x), digits))


def _labels(names, table) -> str:
    return ", ".join(_(table[n]) for n in names)


# --- the sentences --------------------------------------------------------------------------

def commute(ci, fi, ex):
    if fi.reference:
        return None, _("reference profile: no workplace or hours to check")
    if fi.lat is None or ci.lat is None:
        return None
    d = haversine_km(ci.lat, ci.lon, fi.lat, fi.lon)
    reach = ci.reach
    if math.isinf(reach):
        return None, _("commute {distance} km (no limit given)").format(distance=_n(d))
    modes = [t for t in ci.transport if t in TRANSPORT_REACH_KM]
    by_transport = modes and (ci.max_commute_km is None or reach < ci.max_commute_km)
    text = (_("commute {distance} km > {limit} km") if ex else _("commute {distance} km <= {limit} km"))
    text = text.format(distance=_n(d), limit=_n(reach))
    if by_transport:
        text += " " + _("(by {modes} at most {reach} km)").format(modes=", ".join(modes), reach=_n(reach))
    return not ex, text


def commute_need(ci, fi):
    d = haversine_km(ci.lat, ci.lon, fi.lat, fi.lon)
    km = math.ceil((d - ci.reach) * 10) / 10
    return WouldNeed("commute", _("if he/she would travel {km} km further ({distance} km instead of at most "
                                  "{limit} km)").format(km=_n(km), distance=_n(d), limit=_n(ci.reach)),
                     {"km_further": km, "distance_km": round(d, 1), "limit_km": ci.reach})


def _hours_text(ci) -> str:
    if ci.hours_range is not None:
        return _("{lo}-{hi} (the candidate's range)").format(lo=_n(ci.hours_range[0]), hi=_n(ci.hours_range[1]))
    lo, hi = (1 - HOURS_TOLERANCE) * ci.hours, (1 + HOURS_TOLERANCE) * ci.hours
    return _("{hours} +-{tol}% ({lo}-{hi})").format(hours=_n(ci.hours), tol=round(HOURS_TOLERANCE * 100),
                                                   lo=_n(lo), hi=_n(hi))


def hours(ci, fi, ex):
    if fi.reference or fi.hours is None:
        return None
    if ci.hours is None:
        return None, _("hours: the candidate's wanted hours are unknown")
    text = _("hours {hours} outside {wanted}") if ex else _("hours {hours} within {wanted}")
    return not ex, text.format(hours=_n(fi.hours), wanted=_hours_text(ci))


def hours_need(ci, fi):
    return WouldNeed("hours", _("if he/she would work {hours} h a week").format(hours=_n(fi.hours)),
                     {"hours_per_week": fi.hours})


def _missing_parts(ci, fi) -> list[str]:
    have = int(expand_parts(np.int16(_mask(ci.shifts))))
    need = int(expand_parts(np.int16(_mask(fi.shifts))))
    return names_of(need & ~have, SHIFTS)


def _mask(names) -> int:
    return sum(1 << SHIFTS.index(s) for s in names if s in SHIFTS)


def shifts(ci, fi, ex):
    if not fi.shifts:
        return None
    if not ci.shifts:
        return None, _("shifts: the candidate's shifts are unknown")
    if ex:
        return False, _("shifts: needs {missing}; candidate works {works}").format(
            missing=_labels(_missing_parts(ci, fi), SHIFT_LABELS), works=_labels(ci.shifts, SHIFT_LABELS))
    return True, _("shifts {shifts} fit").format(shifts=_labels(fi.shifts, SHIFT_LABELS))


def shifts_need(ci, fi):
    missing = _missing_parts(ci, fi)
    return WouldNeed("shifts", _("if he/she were also available for: {shifts}").format(
        shifts=_labels(missing, SHIFT_LABELS)), {"shifts": missing})


def night(ci, fi, ex):
    if not ex:
        return None
    return False, _("night work: the function has night shifts, the candidate cannot work nights")


def days(ci, fi, ex):
    if not fi.days:
        return None
    if not ci.days:
        return None, _("weekdays: the candidate's days are unknown")
    if ex:
        missing = [d for d in fi.days if d not in ci.days]
        return False, _("weekdays: needs {missing}; candidate works {works}").format(
            missing=_labels(missing, DAY_LABELS), works=_labels(ci.days, DAY_LABELS))
    return True, _("weekdays {days} fit").format(days=_labels(fi.days, DAY_LABELS))


def days_need(ci, fi):
    missing = [d for d in fi.days if d not in ci.days]
    return WouldNeed("days", _("if he/she were also available on {days}").format(
        days=_labels(missing, DAY_LABELS)), {"days": missing})


def _start_of(ci, fi) -> dt.date:
    return fi.start_date or ci.on


def available(ci, fi, ex):
    if ci.available_from is None or fi.reference:
        return None
    start = _start_of(ci, fi)
    what = (_("the start on {date}") if fi.start_date else _("the query date {date}")).format(
        date=format_date(start))
    text = _("available from {date}, after {start}") if ex else _("available from {date}, by {start}")
    return not ex, text.format(date=format_date(ci.available_from), start=what)


def available_need(ci, fi):
    days = (ci.available_from - _start_of(ci, fi)).days
    return WouldNeed("available", _("if the start were {days} days later ({date})").format(
        days=days, date=format_date(ci.available_from)),
        {"days_later": days, "start": ci.available_from.isoformat()})


def licence(ci, fi, ex):
    if not fi.driving_licence:
        return None
    if ex:
        return False, _("driving licence {licence} required, candidate has {has}").format(
            licence=fi.driving_licence, has=", ".join(ci.licences) or _("none"))
    return True, _("driving licence {licence} held").format(licence=fi.driving_licence)


def dutch(ci, fi, ex):
    if not fi.dutch:
        return None
    if not ci.dutch:
        return None, _("Dutch level unknown (the function asks {level})").format(level=fi.dutch)
    if ex:
        return False, _("Dutch {level} required, candidate has {has}").format(level=fi.dutch, has=ci.dutch)
    return True, _("Dutch {has} >= {level}").format(level=fi.dutch, has=ci.dutch)


def lift(ci, fi, ex):
    if fi.lift is None or ci.lift is None:
        return None
    text = (_("lifting up to {kg} kg, candidate at most {limit} kg") if ex
            else _("lifting up to {kg} kg, candidate can lift {limit} kg"))
    return not ex, text.format(kg=_n(fi.lift), limit=_n(ci.lift))


def standing(ci, fi, ex):
    return (False, _("standing work, the candidate cannot stand for long")) if ex else None


def bending(ci, fi, ex):
    return (False, _("the work asks much bending, the candidate cannot bend for long")) if ex else None


def cold(ci, fi, ex):
    return (False, _("work in the cold, the candidate cannot work in the cold")) if ex else None


def allergens(ci, fi, ex):
    if not fi.allergens:
        return None
    if ex:
        both = [a for a in fi.allergens if a in ci.allergens]
        return False, _("allergens: the workplace exposes to {allergens}, the candidate is allergic").format(
            allergens=", ".join(both))
    if ci.allergens:
        return True, _("allergens: none the candidate is allergic to")
    return None


def childcare(ci, fi, ex):
    if ci.window is None:
        return None
    if fi.working_hours is None:
        return None, _("available only {window} (childcare); the function's working hours are not given").format(
            window=ci.window)
    text = (_("working hours {hours} outside {window}, when the candidate is available (childcare)") if ex
            else _("working hours {hours} within {window} (childcare)"))
    return not ex, text.format(hours=fi.working_hours, window=ci.window)


def own_transport(ci, fi, ex):
    if not fi.own_transport:
        return None
    return not ex, _("own transport needed, candidate has {transport}").format(
        transport=", ".join(ci.transport) or _("none listed"))
