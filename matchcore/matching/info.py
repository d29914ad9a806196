"""The two sides of one pair, as the explanations read them, taken from the arrays in memory.

:func:`candidate_info` and :func:`function_info` read :class:`~matchcore.matching.arrays.MatchData`
(no store query per result); :func:`profile_info` describes a function profile that is not
stored (carving asks for those).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from matchcore.matching.arrays import (
    VIA,
    CandidateArrays,
    MatchData,
    cefr_rank,
    column_of,
    licence_mask,
    shift_mask,
    unit_xyz,
)
from matchcore.matching.constraints import FunctionSide, expand_parts
from matchcore.matching.limits import allergen_mask, date_ordinal, day_mask, names_of
from matchcore.model import ALLERGENS, CEFR_LEVELS, DAYS, SHIFTS
from matchcore.postcodes import lookup
from matchcore.vocabulary import fold

__all__ = ["CandidateInfo", "FunctionInfo", "Requirement", "candidate_info", "function_info",
           "profile_info", "resolution"]


@dataclass
class Requirement:
    """One competence of a function, merged per column as the matrix holds it (max level and
    weight, required when any is); ``w`` is its weight times the column's idf."""

    name: str
    level: int
    weight: float
    required: bool
    col: int | None
    column: str
    resolved: bool
    w: float = 0.0


@dataclass
class CandidateInfo:
    id: str
    held: dict[int, tuple[int, str]]          # column -> (level, the text that gave it)
    free: list[str]                           # texts that resolve to no concept
    evidence: dict[int, tuple[float, str]]    # column -> (similarity, the text)
    lat: float | None
    lon: float | None
    reach: float
    max_commute_km: float | None
    transport: list[str]
    hours: float | None
    shifts: list[str]
    licences: list[str]
    dutch: str | None
    lift: float | None
    targets: list[str]
    hours_range: tuple[float, float] | None = None   # a range the candidate gave (not +-20 %)
    days: list[str] = field(default_factory=list)
    available_from: dt.date | None = None
    on: dt.date | None = None                        # the query date
    allergens: list[str] = field(default_factory=list)
    window: str | None = None                        # childcare hours "08:30-15:30"
    how: dict[int, str] = field(default_factory=dict)   # column held -> how its text resolved
    via: dict[int, tuple[str, float]] = field(default_factory=dict)  # evidence -> (text|embedding, similarity)
    # the meaning component: per unresolved text, its nearest columns and centred cosines
    near: list[tuple[str, dict[int, float]]] = field(default_factory=list)


@dataclass
class FunctionInfo:
    id: str | None
    employer: str | None
    function_id: str | None
    title: str | None
    titles: list[str]
    competences: list[Requirement]
    reference: bool
    lat: float | None
    lon: float | None
    hours: float | None
    shifts: list[str]
    driving_licence: str | None
    dutch: str | None
    lift: float | None
    standing: bool
    own_transport: bool
    side: FunctionSide = field(repr=False)
    days: list[str] = field(default_factory=list)
    start_date: dt.date | None = None
    working_hours: str | None = None
    allergens: list[str] = field(default_factory=list)


def _value(x) -> float | None:
    return None if np.isnan(x) else float(x)


def resolution(data: MatchData, vocab, name: str, uri: str | None) -> list:
    """[concept, score, method, column] of one text: from ``data``, else resolved now."""
    hit = data.resolutions.get(name + "\x1f" + (uri or ""))
    if hit is None:
        res = vocab.resolve(name, uri)
        hit = [res.concept, res.score, res.method, column_of(res, name)]
    return hit


def _date(ordinal) -> dt.date | None:
    return dt.date.fromordinal(int(ordinal)) if int(ordinal) > 0 else None


def _window(lo, hi) -> str | None:
    lo, hi = int(lo), int(hi)
    return None if lo < 0 else f"{lo // 60:02d}:{lo % 60:02d}-{hi // 60:02d}:{hi % 60:02d}"


def candidate_info(c: CandidateArrays, i: int, on: dt.date | None = None) -> CandidateInfo:
    """Candidate row ``i`` of ``c``; ``on`` the query date (default today)."""
    a, b = int(c.cm_indptr[i]), int(c.cm_indptr[i + 1])
    held = {int(col): (int(lv), str(c.names[int(k)]))
            for col, lv, k in zip(c.cm_indices[a:b], c.cm_level[a:b], c.cm_name[a:b])}
    a, b = int(c.ct_indptr[i]), int(c.ct_indptr[i + 1])
    texts = c.free[i]
    cm_a = int(c.cm_indptr[i])   # related evidence (via 2) names the held entry it comes from
    evidence = {int(col): (float(s), str(c.names[int(c.cm_name[cm_a + int(k)])]) if int(v) == 2
                           else texts[int(k)] if int(k) < len(texts) else "")
                for col, s, k, v in zip(c.ct_indices[a:b], c.ct_sim[a:b], c.ct_src[a:b], c.ct_via[a:b])}
    via = {int(col): (VIA[int(v)], float(x))
           for col, v, x in zip(c.ct_indices[a:b], c.ct_via[a:b], c.ct_cos[a:b])}
    a, b = int(c.cm_indptr[i]), int(c.cm_indptr[i + 1])
    how = {int(col): str(c.name_how[int(k)]) for col, k in zip(c.cm_indices[a:b], c.cm_name[a:b])}
    near = []
    if len(c.sw_share) and c.sw_share[i] > 0:
        for t in range(int(c.sw_indptr[i]), int(c.sw_indptr[i + 1])):
            a, b = int(c.st_indptr[t]), int(c.st_indptr[t + 1])
            near.append((texts[t - int(c.sw_indptr[i])],
                         dict(zip(c.st_indices[a:b].tolist(), c.st_cos[a:b].tolist()))))
    lat, lon = c.home(i)
    dutch = int(c.dutch[i])
    return CandidateInfo(
        id=c.ids[i], held=held, free=list(texts), evidence=evidence, lat=lat, lon=lon,
        reach=float(c.reach[i]), max_commute_km=_value(c.max_commute_km[i]),
        transport=c.transport_of(i), hours=_value(c.hours[i]), shifts=c.shifts_of(i),
        licences=c.licences_of(i), dutch=CEFR_LEVELS[dutch - 1] if dutch else None,
        lift=_value(c.lift[i]), targets=c.targets_of(i), hours_range=_range(c, i),
        days=names_of(c.days[i], DAYS), available_from=_date(c.available[i]), on=on or dt.date.today(),
        allergens=names_of(c.allergens[i], ALLERGENS), window=_window(c.win_lo[i], c.win_hi[i]),
        how=how, via=via, near=near)


def _range(c: CandidateArrays, i: int) -> tuple[float, float] | None:
    """The candidate's hours range when given as one (not the number +-20 %)."""
    lo, hi, h = c.hours_lo[i], c.hours_hi[i], c.hours[i]
    if np.isnan(lo) or (not np.isnan(h) and abs(lo + 1e-9 - 0.8 * h) < 1e-6 and abs(hi - 1e-9 - 1.2 * h) < 1e-6):
        return None
    return round(float(lo) + 1e-9, 2), round(float(hi) - 1e-9, 2)


def _merge(comps: list[Requirement], idf: np.ndarray, max_idf: float) -> list[Requirement]:
    """One entry per column, as the matrix holds it (max level and weight, any required)."""
    out: dict[object, Requirement] = {}
    for c in comps:
        k = c.col if c.col is not None else ("new", c.column)
        if k in out:
            e = out[k]
            e.name += " / " + c.name
            e.level, e.weight = max(e.level, c.level), max(e.weight, c.weight)
            e.required = e.required or c.required
        else:
            out[k] = c
    for e in out.values():
        e.w = e.weight * (idf[e.col] if e.col is not None else max_idf)
    return list(out.values())


def function_info(data: MatchData, fi: int, side: FunctionSide, idf: np.ndarray,
                  max_idf: float) -> FunctionInfo:
    """Stored function row ``fi``; ``side`` is the constraint side of all functions."""
    f = data.functions
    fid = f.ids[fi]
    comps = []
    for j in range(int(f.fc_indptr[fi]), int(f.fc_indptr[fi + 1])):
        k, level, weight, required = f.competence(j)
        key = data.resolution_keys[k]
        res = data.resolutions[key]
        comps.append(Requirement(key.partition("\x1f")[0], level, weight, required,
                                 data.col_index.get(res[3]), res[3], res[0] is not None))
    emp = f.employer[fi]
    a, b = int(f.tt_indptr[fi]), int(f.tt_indptr[fi + 1])
    return FunctionInfo(
        id=fid, employer=emp, function_id=fid[len(emp) + 1:], title=f.title[fi],
        titles=[data.title_texts[j] for j in f.tt_indices[a:b]],
        competences=_merge(comps, idf, max_idf), reference=bool(f.reference[fi]),
        lat=_value(f.lat[fi]), lon=_value(f.lon[fi]), hours=float(f.hours[fi]),
        shifts=[s for n, s in enumerate(SHIFTS) if f.shifts[fi] >> n & 1],
        driving_licence=f.lic_text[fi] or None,
        dutch=CEFR_LEVELS[f.dutch[fi] - 1] if f.dutch[fi] else None,
        lift=_value(f.lift[fi]), standing=bool(f.standing[fi]),
        own_transport=bool(f.own_transport[fi]), side=side.take(fi),
        days=names_of(f.days[fi], DAYS), start_date=_date(f.start[fi]),
        working_hours=_window(f.win_lo[fi], f.win_hi[fi]), allergens=names_of(f.allergens[fi], ALLERGENS))


def profile_info(data: MatchData, vocab, idf: np.ndarray, max_idf: float, competences, *,
                 hours_per_week=None, shifts=(), location=None, conditions=None,
                 title=None, days=(), start_date=None) -> FunctionInfo:
    """A function profile that is not stored (see ``Matcher.rank_candidates_for_profile``)."""
    if not hasattr(vocab, "concepts_"):
        vocab.fit()
    comps = []
    for c in competences:
        c = c if isinstance(c, dict) else c.model_dump()
        res = resolution(data, vocab, c["name"], c.get("esco_uri"))
        weight = float(c.get("weight") or 1.0)
        # a line listing several competences counts as its parts, as for a stored function
        # (matching.lists.as_parts): each with an equal share of the line's weight
        parts = vocab.parts(c["name"]) if res[0] is None and not c.get("esco_uri") else None
        share = weight / len(parts) if parts else weight
        for name in parts or [c["name"]]:
            hit = resolution(data, vocab, name, None) if parts else res
            comps.append(Requirement(name, int(c.get("level") or 1), share,
                                     bool(c.get("required")), data.col_index.get(hit[3]), hit[3],
                                     hit[0] is not None))
    lat, lon = _lat_lon(location)
    cond = conditions if isinstance(conditions, dict) else (
        conditions.model_dump() if conditions is not None else {})
    shifts = [s for s in SHIFTS if s in set(shifts or ())]
    hours = float(hours_per_week) if hours_per_week else None
    lic, dutch, lift = cond.get("driving_licence"), cond.get("dutch_level"), cond.get("max_lift_kg")
    standing, own = bool(cond.get("standing")), bool(cond.get("own_transport"))
    allergens = [a for a in ALLERGENS if a in set(cond.get("allergens") or ())]
    side = FunctionSide(
        xyz=unit_xyz(lat, lon) if lat is not None else None, hours=np.float64(hours or np.nan),
        lift=np.float64(np.nan if lift is None else lift), shifts=expand_parts(np.int16(shift_mask(shifts))),
        lic=np.int32(licence_mask([lic], implied=False) if lic else 0),
        dutch=np.int8(cefr_rank(dutch)), standing=np.bool_(standing), own_transport=np.bool_(own),
        days=np.int8(day_mask(days)), start=np.int32(date_ordinal(start_date)), win_lo=np.int16(-1),
        win_hi=np.int16(-1), bending=np.bool_(bool(cond.get("bending"))), cold=np.bool_(bool(cond.get("cold"))),
        allergens=np.int16(allergen_mask(allergens)))
    return FunctionInfo(
        id=None, employer=None, function_id=None, title=title,
        titles=[fold(title)] if title and fold(title) else [],
        competences=_merge(comps, idf, max_idf), reference=False, lat=lat, lon=lon, hours=hours,
        shifts=shifts, driving_licence=lic, dutch=dutch, lift=lift, standing=standing,
        own_transport=own, side=side, days=[d for d in DAYS if d in set(days or ())],
        start_date=start_date, allergens=allergens)


def _lat_lon(location) -> tuple[float | None, float | None]:
    """(lat, lon) from a Location, a dict, a (lat, lon) pair, a postcode, or None."""
    if location is None:
        return None, None
    if isinstance(location, (tuple, list)):
        return float(location[0]), float(location[1])
    if isinstance(location, str):
        entry = lookup(location)
        return (entry.lat, entry.lon) if entry else (None, None)
    get = location.get if isinstance(location, dict) else (lambda k: getattr(location, k, None))
    if get("lat") is not None and get("lon") is not None:
        return float(get("lat")), float(get("lon"))
    return _lat_lon(get("postcode")) if get("postcode") else (None, None)
