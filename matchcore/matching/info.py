"""The two sides of one pair, as the explanations read them, taken from the arrays in memory.

:func:`candidate_info` and :func:`function_info` read :class:`~matchcore.matching.arrays.MatchData`
(no store query per result); :func:`profile_info` describes a function profile that is not
stored (carving asks for those).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matchcore.matching.arrays import (
    CandidateArrays,
    MatchData,
    cefr_rank,
    column_of,
    licence_mask,
    shift_mask,
    unit_xyz,
)
from matchcore.matching.constraints import FunctionSide
from matchcore.model import CEFR_LEVELS, SHIFTS
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


def _value(x) -> float | None:
    return None if np.isnan(x) else float(x)


def resolution(data: MatchData, vocab, name: str, uri: str | None) -> list:
    """[concept, score, method, column] of one text: from ``data``, else resolved now."""
    hit = data.resolutions.get(name + "\x1f" + (uri or ""))
    if hit is None:
        res = vocab.resolve(name, uri)
        hit = [res.concept, res.score, res.method, column_of(res, name)]
    return hit


def candidate_info(c: CandidateArrays, i: int) -> CandidateInfo:
    """Candidate row ``i`` of ``c``."""
    a, b = int(c.cm_indptr[i]), int(c.cm_indptr[i + 1])
    held = {int(col): (int(lv), str(c.names[int(k)]))
            for col, lv, k in zip(c.cm_indices[a:b], c.cm_level[a:b], c.cm_name[a:b])}
    a, b = int(c.ct_indptr[i]), int(c.ct_indptr[i + 1])
    texts = c.free[i]
    evidence = {int(col): (float(s), texts[int(k)] if int(k) < len(texts) else "")
                for col, s, k in zip(c.ct_indices[a:b], c.ct_sim[a:b], c.ct_src[a:b])}
    lat, lon = c.home(i)
    dutch = int(c.dutch[i])
    return CandidateInfo(
        id=c.ids[i], held=held, free=list(texts), evidence=evidence, lat=lat, lon=lon,
        reach=float(c.reach[i]), max_commute_km=_value(c.max_commute_km[i]),
        transport=c.transport_of(i), hours=_value(c.hours[i]), shifts=c.shifts_of(i),
        licences=c.licences_of(i), dutch=CEFR_LEVELS[dutch - 1] if dutch else None,
        lift=_value(c.lift[i]), targets=c.targets_of(i))


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
        own_transport=bool(f.own_transport[fi]), side=side.take(fi))


def profile_info(data: MatchData, vocab, idf: np.ndarray, max_idf: float, competences, *,
                 hours_per_week=None, shifts=(), location=None, conditions=None,
                 title=None) -> FunctionInfo:
    """A function profile that is not stored (see ``Matcher.rank_candidates_for_profile``)."""
    if not hasattr(vocab, "concepts_"):
        vocab.fit()
    comps = []
    for c in competences:
        c = c if isinstance(c, dict) else c.model_dump()
        res = resolution(data, vocab, c["name"], c.get("esco_uri"))
        comps.append(Requirement(c["name"], int(c.get("level") or 1), float(c.get("weight") or 1.0),
                                 bool(c.get("required")), data.col_index.get(res[3]), res[3],
                                 res[0] is not None))
    lat, lon = _lat_lon(location)
    cond = conditions if isinstance(conditions, dict) else (
        conditions.model_dump() if conditions is not None else {})
    shifts = [s for s in SHIFTS if s in set(shifts or ())]
    hours = float(hours_per_week) if hours_per_week else None
    lic, dutch, lift = cond.get("driving_licence"), cond.get("dutch_level"), cond.get("max_lift_kg")
    standing, own = bool(cond.get("standing")), bool(cond.get("own_transport"))
    side = FunctionSide(
        xyz=unit_xyz(lat, lon) if lat is not None else None, hours=np.float64(hours or np.nan),
        lift=np.float64(np.nan if lift is None else lift), shifts=np.int16(shift_mask(shifts)),
        lic=np.int32(licence_mask([lic], implied=False) if lic else 0),
        dutch=np.int8(cefr_rank(dutch)), standing=np.bool_(standing), own_transport=np.bool_(own))
    return FunctionInfo(
        id=None, employer=None, function_id=None, title=title,
        titles=[fold(title)] if title and fold(title) else [],
        competences=_merge(comps, idf, max_idf), reference=False, lat=lat, lon=lon, hours=hours,
        shifts=shifts, driving_licence=lic, dutch=dutch, lift=lift, standing=standing,
        own_transport=own, side=side)


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
