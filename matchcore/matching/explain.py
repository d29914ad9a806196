"""Explaining one (candidate, function) pair line by line (private to :mod:`matchcore.matching.matcher`).

Only the top k results of a query are explained, so plain Python is fine here. The constraint
checks in :func:`pair_constraints` state the same rules as ``Matcher._exclusions`` (the
vectorised ones); ``tests/test_matching.py`` checks that they agree.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from matchcore.matching import data as md
from matchcore.model import CEFR_LEVELS, SHIFTS
from matchcore.postcodes import haversine_km
from matchcore.vocabulary.concepts import fold

__all__ = ["Explainer", "pair_constraints"]

_CHECK_MARK = {True: "ok: ", False: "excluded: ", None: "not checked: "}


def _cand_doc(candidate) -> dict[str, Any]:
    """A candidate as the flat dict the array builders take (``lat``/``lon`` at the top)."""
    if isinstance(candidate, dict):
        return candidate
    doc = candidate.model_dump(mode="json")
    doc["lat"], doc["lon"] = candidate.home.lat, candidate.home.lon
    return doc


def _r(x, nd=3):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), nd)


def _csr_row(data, prefix, i, *names):
    ptr = data[f"{prefix}_indptr"]
    a, b = int(ptr[i]), int(ptr[i + 1])
    return [data[f"{prefix}_{n}"][a:b] for n in names]


class Explainer:
    """Mixin of :class:`matchcore.matching.matcher.Matcher`: explanations for the top results."""

    # --- the two sides, as plain dicts ------------------------------------------------------
    def _cand_info(self, doc: dict[str, Any], arrays: dict[str, Any], i: int) -> dict[str, Any]:
        held: dict[int, tuple[int, str]] = {}
        free: list[str] = []
        for comp in doc.get("competences") or ():
            res = self._resolution(comp["name"], comp.get("esco_uri"))
            col = self.col_index_.get(res[3])
            level = int(comp.get("level") or 1)
            if col is not None and (col not in held or held[col][0] < level):
                held[col] = (level, comp["name"])
            if res[0] is None:
                free.append(comp["name"])
        cols, sims, src = _csr_row(arrays, "ct", i, "indices", "sim", "src")
        texts = arrays["c_free"][i]
        evidence = {int(c): (float(s), texts[int(k)] if int(k) < len(texts) else "")
                    for c, s, k in zip(cols, sims, src)}
        limits = doc.get("limits") or {}
        return {"id": doc["id"], "held": held, "free": free, "evidence": evidence,
                "lat": doc.get("lat"), "lon": doc.get("lon"),
                "reach": md.reach_km(doc.get("max_commute_km"), doc.get("transport")),
                "max_commute_km": doc.get("max_commute_km"), "transport": doc.get("transport") or [],
                "hours": doc.get("hours_per_week"), "shifts": doc.get("shifts") or [],
                "night_work": limits.get("night_work"), "licences": doc.get("driving_licences") or [],
                "dutch": doc.get("dutch_level"), "lift": limits.get("max_lift_kg"),
                "standing": limits.get("standing"),
                "targets": [fold(t) for t in doc.get("job_targets") or () if fold(t)]}

    def _resolution(self, name: str, uri: str | None) -> list:
        hit = self.data_["resolutions"].get(name + "\x1f" + (uri or ""))
        if hit is None:
            res = self.vocabulary_.resolve(name, uri)
            hit = [res.concept, res.score, res.method, md.column_of(res, name)]
        return hit

    def _merge(self, comps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One entry per column, as the matrix holds it (max level and weight, any required)."""
        out: dict[Any, dict[str, Any]] = {}
        for c in comps:
            k = c["col"] if c["col"] is not None else ("new", c["column"])
            if k in out:
                e = out[k]
                e["name"] += " / " + c["name"]
                e["level"], e["weight"] = max(e["level"], c["level"]), max(e["weight"], c["weight"])
                e["required"] = e["required"] or c["required"]
            else:
                out[k] = dict(c)
        for e in out.values():
            e["w"] = e["weight"] * (self.idf_[e["col"]] if e["col"] is not None else self.max_idf_)
        return list(out.values())

    def _stored_function_info(self, fi: int) -> dict[str, Any]:
        d = self.data_
        fid = d["f_ids"][fi]
        comps = []
        for name, level, weight, required, uri in self.store.db.execute(
                "select name, level, weight, required, esco_uri from function_competences "
                "where function_id = ? order by pos", [fid]):
            res = self._resolution(name, uri)
            comps.append({"name": name, "level": int(level or 1), "weight": float(weight or 1.0),
                          "required": bool(required), "col": self.col_index_.get(res[3]),
                          "column": res[3], "resolved": res[0] is not None})
        emp = d["f_employer"][fi]
        tt = d["title_texts"]
        a, b = int(d["f_tt_indptr"][fi]), int(d["f_tt_indptr"][fi + 1])
        lat, lon = d["f_lat"][fi], d["f_lon"][fi]
        return {
            "id": fid, "employer": emp, "function_id": fid[len(emp) + 1:], "title": d["f_title"][fi],
            "titles": [tt[j] for j in d["f_tt_indices"][a:b]],
            "competences": self._merge(comps), "reference": bool(d["f_reference"][fi]),
            "lat": None if np.isnan(lat) else float(lat), "lon": None if np.isnan(lon) else float(lon),
            "hours": float(d["f_hours"][fi]), "shifts": [s for n, s in enumerate(SHIFTS)
                                                         if d["f_shifts"][fi] >> n & 1],
            "driving_licence": d["f_lic_text"][fi] or None,
            "dutch": CEFR_LEVELS[d["f_dutch"][fi] - 1] if d["f_dutch"][fi] else None,
            "lift": None if np.isnan(d["f_lift"][fi]) else float(d["f_lift"][fi]),
            "standing": bool(d["f_standing"][fi]), "own_transport": bool(d["f_own_transport"][fi]),
            "arrays": {k: v[fi] for k, v in self._f_side().items()},
        }

    def _profile_info(self, competences, *, hours_per_week=None, shifts=(), location=None,
                      conditions=None, title=None) -> dict[str, Any]:
        if not hasattr(self.vocabulary_, "concepts_"):
            self.vocabulary_.fit()
        comps = []
        for c in competences:
            c = c if isinstance(c, dict) else c.model_dump()
            res = self._resolution(c["name"], c.get("esco_uri"))
            comps.append({"name": c["name"], "level": int(c.get("level") or 1),
                          "weight": float(c.get("weight") or 1.0),
                          "required": bool(c.get("required")), "col": self.col_index_.get(res[3]),
                          "column": res[3], "resolved": res[0] is not None})
        lat, lon = _lat_lon(location)
        cond = conditions if isinstance(conditions, dict) else (
            conditions.model_dump() if conditions is not None else {})
        shifts = [s for s in SHIFTS if s in set(shifts or ())]
        info = {
            "id": None, "employer": None, "function_id": None, "title": title,
            "titles": [fold(title)] if title and fold(title) else [],
            "competences": self._merge(comps), "reference": False, "lat": lat, "lon": lon,
            "hours": float(hours_per_week) if hours_per_week else None, "shifts": shifts,
            "driving_licence": cond.get("driving_licence"), "dutch": cond.get("dutch_level"),
            "lift": cond.get("max_lift_kg"), "standing": bool(cond.get("standing")),
            "own_transport": bool(cond.get("own_transport")),
        }
        info["arrays"] = {
            "reference": np.bool_(False), "hours": np.float64(info["hours"] or np.nan),
            "lift": np.float64(np.nan if info["lift"] is None else info["lift"]),
            "shifts": np.int16(md.shift_mask(shifts)),
            "lic": np.int32(md.licence_mask([info["driving_licence"]], implied=False)
                            if info["driving_licence"] else 0),
            "dutch": np.int8(md.cefr_rank(info["dutch"])), "standing": np.bool_(info["standing"]),
            "own_transport": np.bool_(info["own_transport"])}
        return info

    # --- one pair -------------------------------------------------------------------------
    def _explain(self, ci: dict[str, Any], fi: dict[str, Any], comp: dict[str, np.ndarray],
                 i: int, masks: dict[str, np.ndarray], mi: int) -> dict[str, Any]:
        tau = self.text_credit
        matched, miss_req, miss_opt, lines = [], [], [], []
        held_w = held_fit = text_w = total_w = 0.0
        for k in fi["competences"]:
            total_w += k["w"]
            tag = f"{k['name']} ({'required, ' if k['required'] else ''}level {k['level']})"
            col = k["col"]
            if col is not None and col in ci["held"]:
                level, text = ci["held"][col]
                fit = min(1.0, level / k["level"])
                held_w += k["w"]
                held_fit += k["w"] * fit
                via = "concept" if k["resolved"] else "same text"
                matched.append({"competence": k["name"], "level": level,
                                "required_level": k["level"], "required": k["required"],
                                "via": via, "candidate_competence": text, "credit": _r(fit),
                                "weight": _r(k["w"])})
                same = fold(text) == fold(k["name"])
                lines.append(f"{'+' if fit >= 1 else '~'} {tag}: has level {level}"
                             + ("" if same else f" as '{text}'")
                             + ("" if fit >= 1 else f", counts {fit:.2f}"))
            elif col is not None and col in ci["evidence"]:
                sim, text = ci["evidence"][col]
                text_w += k["w"] * tau * sim
                matched.append({"competence": k["name"], "level": None,
                                "required_level": k["level"], "required": k["required"],
                                "via": "text", "candidate_competence": text,
                                "similarity": _r(sim), "credit": _r(tau * sim),
                                "weight": _r(k["w"])})
                lines.append(f"~ {tag}: text '{text}' similarity {sim:.2f}, counts {tau * sim:.2f}")
            else:
                (miss_req if k["required"] else miss_opt).append(k["name"])
                lines.append(f"- {tag}: missing")
        unresolved = list(ci["free"]) + [k["name"] for k in fi["competences"] if not k["resolved"]]
        for t in ci["free"]:
            lines.append(f"? '{t}' (candidate) did not resolve to a concept; counts by text similarity")
        for k in fi["competences"]:
            if not k["resolved"]:
                lines.append(f"? '{k['name']}' (function) did not resolve to a concept")
        checks = pair_constraints(ci, fi)
        failed = [text for name, ok, text in checks if ok is False]
        excluded = bool(any(masks[n][mi] for n in masks))
        reasons = failed + [text for name, ok, text in checks if ok is not False]
        has_req = any(k["required"] for k in fi["competences"])
        has_opt = any(not k["required"] for k in fi["competences"])
        j = comp["job_target"][i] if comp.get("job_target") is not None else None
        j = None if j is None or np.isnan(j) else float(j)
        has_use = comp["use"][i] > 0 or bool(ci["held"]) or bool(ci["evidence"])
        components = {
            "required": _r(comp["required"][i]) if has_req else None,
            "optional": _r(comp["optional"][i]) if has_opt else None,
            "coverage": _r(comp["coverage"][i]) if has_req or has_opt else None,
            "use": _r(comp["use"][i]) if has_use else None,
            "competence": _r(comp["competence"][i]),
            "presence": _r(comp["presence"][i]), "penalty": _r(comp["penalty"][i]),
            "level": _r(held_fit / held_w) if held_w else None,
            "text": _r(text_w / total_w) if total_w else 0.0,
            "job_target": _r(j), "formula": "P * C" if j is None else
            f"P * ({1 - self.target_share:g} C + {self.target_share:g} J)",
        }
        score = float(comp["score"][i])
        masses = (sum(k["w"] for k in fi["competences"] if k["required"]),
                  sum(k["w"] for k in fi["competences"] if not k["required"]))
        head = self._score_lines(score, components, masses)
        head += [_CHECK_MARK[ok] + text for name, ok, text in checks]
        dist = None
        if fi["lat"] is not None and ci["lat"] is not None:
            dist = round(haversine_km(ci["lat"], ci["lon"], fi["lat"], fi["lon"]), 1)
        return {"score": round(score, 3), "excluded": excluded, "reasons": reasons,
                "exclusions": failed, "matched": matched, "missing_required": miss_req,
                "missing_optional": miss_opt, "unresolved": unresolved,
                "components": components, "distance_km": dist,
                "explanation": head + lines}

    def _score_lines(self, score: float, c: dict[str, Any], masses=(0.0, 0.0)) -> list[str]:
        """The score line, then C, the coverage A and P spelled out; ``masses``: the function's
        weight sums (sum of w) over its required and its optional competences."""
        sides = [(f * mass, name, c[name]) for f, mass, name in
                 ((self.required_weight, masses[0], "required"),
                  (self.optional_weight, masses[1], "optional"))
                 if c[name] is not None and f * mass > 0]
        cov_lines = []
        if c.get("coverage") is None:
            comp = "competence 0 (the function lists no competences)"
        else:
            u = self.use_weight
            use = c["use"] if c["use"] is not None else 0.0
            comp = (f"competence {c['competence']:.2f} = (coverage {c['coverage']:.2f} + {u:g} x use "
                    f"{use:.2f}) / {1 + u:g}")
            total = sum(w for w, _, _ in sides)
            terms = " + ".join(f"{w:.1f} x {name} {v:.2f}" for w, name, v in sides)
            cov_lines = [f"  coverage {c['coverage']:.2f} = ({terms}) / {total:.1f}"
                         if sides else f"  coverage {c['coverage']:.2f}"]
        pen = (f"penalty {c['penalty']:.2f} = 1 - {self.required_penalty:g} x (1 - presence of "
               f"required {c['presence']:.2f})")
        if c["job_target"] is None:
            first = f"score {score:.2f} = penalty {c['penalty']:.2f} x competence {c['competence']:.2f}"
        else:
            a = self.target_share
            first = (f"score {score:.2f} = penalty {c['penalty']:.2f} x ({1 - a:g} x competence "
                     f"{c['competence']:.2f} + {a:g} x job target {c['job_target']:.2f})")
        return [first, "  " + comp, *cov_lines, "  " + pen]

    def _instruments(self, candidate, finfo, employers: dict, on) -> list[dict]:
        if finfo["reference"] or finfo["employer"] is None:
            return []  # a reference profile has no employer to pay anything
        from matchcore.matching.matcher import instruments_for

        emp = employers.get(finfo["employer"])
        if emp is None:
            emp = employers[finfo["employer"]] = self.store.employer(finfo["employer"])
        function = next(f for f in emp.functions if f.id == finfo["function_id"])
        return instruments_for(candidate, emp, function, on=on)


def _lat_lon(location) -> tuple[float | None, float | None]:
    """(lat, lon) from a Location, a dict, a (lat, lon) pair, a postcode, or None."""
    from matchcore.postcodes import lookup

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


def pair_constraints(ci: dict[str, Any], fi: dict[str, Any]) -> list[tuple[str, bool | None, str]]:
    """The hard constraints of one pair: (name, ok, text); ok None = not checked."""
    out: list[tuple[str, bool | None, str]] = []
    if fi["reference"]:
        out.append(("commute", None, "reference profile: no workplace or hours to check"))
    elif fi["lat"] is not None and ci["lat"] is not None:
        d = haversine_km(ci["lat"], ci["lon"], fi["lat"], fi["lon"])
        reach = ci["reach"]
        if math.isinf(reach):
            out.append(("commute", None, f"commute {d:.1f} km (no limit given)"))
        else:
            modes = [t for t in ci["transport"] if t in md.TRANSPORT_REACH_KM]
            by_transport = modes and (ci["max_commute_km"] is None or reach < ci["max_commute_km"])
            why = f" (by {', '.join(modes)} at most {reach:g} km)" if by_transport else ""
            ok = math.cos(min(reach / md.EARTH_RADIUS_KM, math.pi)) <= _dot(ci, fi)
            out.append(("commute", ok, f"commute {d:.1f} km {'<=' if ok else '>'} {reach:g} km{why}"))
    if not fi["reference"] and fi["hours"] is not None:
        if ci["hours"] is None:
            out.append(("hours", None, "hours: the candidate's wanted hours are unknown"))
        else:
            tol = md.HOURS_TOLERANCE
            lo, hi = (1 - tol) * ci["hours"], (1 + tol) * ci["hours"]
            ok = lo - 1e-9 <= fi["hours"] <= hi + 1e-9
            out.append(("hours", ok, f"hours {fi['hours']:g} {'within' if ok else 'outside'} "
                                     f"{ci['hours']:g} +-{tol:.0%} ({lo:.4g}-{hi:.4g})"))
    if fi["shifts"]:
        if ci["shifts"]:
            missing = [s for s in fi["shifts"] if s not in ci["shifts"]]
            if missing:
                out.append(("shifts", False, f"shifts: needs {', '.join(missing)}; candidate works "
                                             f"{', '.join(ci['shifts'])}"))
            else:
                out.append(("shifts", True, f"shifts {', '.join(fi['shifts'])} fit"))
        else:
            out.append(("shifts", None, "shifts: the candidate's shifts are unknown"))
        if "night" in fi["shifts"] and ci["night_work"] is False:
            out.append(("night", False, "night work: the function has night shifts, the candidate "
                                        "cannot work nights"))
    if fi["driving_licence"]:
        need = md.licence_mask([fi["driving_licence"]], implied=False)
        ok = (need & ~md.licence_mask(ci["licences"])) == 0
        has = ", ".join(ci["licences"]) or "none"
        out.append(("licence", ok, f"driving licence {fi['driving_licence']} "
                                   + ("held" if ok else f"required, candidate has {has}")))
    if fi["dutch"]:
        if not ci["dutch"]:
            out.append(("dutch", None, f"Dutch level unknown (the function asks {fi['dutch']})"))
        else:
            ok = md.cefr_rank(ci["dutch"]) >= md.cefr_rank(fi["dutch"])
            out.append(("dutch", ok, f"Dutch {ci['dutch']} >= {fi['dutch']}" if ok else
                        f"Dutch {fi['dutch']} required, candidate has {ci['dutch']}"))
    if fi["lift"] is not None and ci["lift"] is not None:
        ok = fi["lift"] <= ci["lift"]
        out.append(("lift", ok, f"lifting up to {fi['lift']:g} kg, candidate "
                                f"{'can lift' if ok else 'at most'} {ci['lift']:g} kg"))
    if fi["standing"] and ci["standing"] is False:
        out.append(("standing", False, "standing work, the candidate cannot stand for long"))
    if fi["own_transport"]:
        ok = bool(md.OWN_TRANSPORT & set(ci["transport"]))
        out.append(("own_transport", ok, "own transport needed, candidate has "
                                         + (", ".join(ci["transport"]) or "none listed")))
    return out


def _dot(ci, fi) -> float:
    a = md.unit_xyz(ci["lat"], ci["lon"])
    b = md.unit_xyz(fi["lat"], fi["lon"])
    return float(a @ b)
