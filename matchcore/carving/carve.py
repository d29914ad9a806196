"""Job carving (jobcarving, functiecreatie): from a Quick Scan's tasks to carved functions.

The method of seed 001: take the simple tasks that are not core to the skilled functions, bundle
the coherent ones into functions of enough hours to be a real job, and show what that is worth.

1. *Selection*: a task is carvable unless it is core work, above the complexity threshold,
   safety-critical (unless allowed), or of an excluded role or zone; each other task gets its reasons.
2. *Task graph*: carvable tasks are nodes; an edge weighs shared competences (IDF-weighted Jaccard
   over vocabulary concepts, so "vloeren schoonmaken" and "vloeren reinigen" are one competence and
   generic ones such as "instructies opvolgen" count little), shared words of the
   descriptions, the same zone, times a factor for compatible time windows. Each task keeps its strongest links (a k-nearest-neighbour
   graph), so large scans stay sparse.
3. *Bundling*: Louvain communities with a fixed seed on integer nodes (deterministic, also across
   Python hash seeds). Bundles below the minimum hours merge into the most strongly linked bundle
   when the link is strong enough, preferring one that gains variety; else they are dropped, with
   why. Linked functions that together need fewer positions merge into whole jobs.
4. *Positions*, the *job-quality guard*, the *competence profile* and the *business case* per function
   (see :func:`positions`, :func:`job_quality`, :func:`function_profile`, :func:`business_case`).

``docs/carving.md`` documents the method, the options and the business-case formula.

Examples
--------
>>> result = carve(store.scan("haven-2025-03"), store=store)      # doctest: +SKIP
>>> [(f["title"], f["positions"]) for f in result["functions"]]     # doctest: +SKIP
[('Medewerker afval sorteren (kaai, loods)', 3)]
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from matchcore.carving.business_case import (
    _function_record,
    _shifts,
    business_case,
    find_candidates,
    instruments_for,
)
from matchcore.carving.graph import (
    LEFTOVER_STRAINS,
    _similarity,
    bundle_tasks,
    carving_vocabulary,
    competence_key,
    competence_keys,
    positions,
    task_graph,
    time_compatibility,
)
from matchcore.carving.texts import (
    function_description,
    function_title,
    is_generic,
    message,
    natural_key,
)
from matchcore.errors import CarvingError, MatchcoreError
from matchcore.model import FunctionCompetence, Scan, Task, task_hours_per_week

__all__ = [
    "DEFAULT_CARVED_HOURLY_COST_EUR",
    "WEEKS_PER_YEAR",
    "CarveOptions",
    "CarvingError",
    "bundle_tasks",
    "business_case",
    "carve",
    "competence_keys",
    "find_candidates",
    "function_profile",
    "instruments_for",
    "job_quality",
    "positions",
    "select_tasks",
    "task_graph",
    "time_compatibility",
]

# Belgium's part-time minimum: a part-time working week is at least one third of full time
# (art. 11bis, wet van 3 juli 1978 betreffende de arbeidsovereenkomsten).
PART_TIME_MINIMUM = 1 / 3
# Weeks actually worked in a year: 52 - 4 (20 days statutory holiday) - 2 (10 public holidays).
WEEKS_PER_YEAR = 46.0
# Employer cost of an hour worked in a simple carved function when neither the scan nor the
# options give one: about 15 EUR/h gross x 1.65 (employer social security, holiday pay, end-of-year
# premium, paid holidays). An estimate; override per scan (carved_hourly_cost_eur) or option.
DEFAULT_CARVED_HOURLY_COST_EUR = 25.0   # ~ 15 EUR/h gross x GROSS_TO_EMPLOYER_COST (1.65)
DEFAULT_MAX_COMPLEXITY = 2


@dataclass(frozen=True)
class CarveOptions:
    """What steers the carving. ``None`` means: take it from the scan (or its default).

    Options may also be stored with the scan under ``extra: {carving: {...}}`` (same names), and
    ``extra.carving.titles`` maps a task id to the title of the function that holds it.
    """

    max_complexity: int = DEFAULT_MAX_COMPLEXITY
    min_hours: float | None = None          # default full_time_hours / 3
    full_time_hours: float | None = None    # default scan.full_time_hours
    exclude_roles: tuple[str, ...] = ()
    exclude_zones: tuple[str, ...] = ()
    allow_safety_critical: bool = False
    carved_hourly_cost_eur: float | None = None
    weeks_per_year: float = WEEKS_PER_YEAR
    resolution: float = 0.3   # Louvain: lower = broader functions, higher = narrower
    neighbours: int = 15
    seed: int = 0
    top_candidates: int = 5

    @classmethod
    def for_scan(cls, scan: Scan, **overrides: Any) -> CarveOptions:
        """The scan's stored options (``extra.carving``) with ``overrides`` (None ignored) on top."""
        stored = dict((scan.extra or {}).get("carving") or {})
        stored.pop("titles", None)
        names = {f.name for f in fields(cls)}
        for key in stored:
            if key not in names:
                from rapidfuzz import process

                hit = process.extractOne(key, sorted(names), score_cutoff=70)
                hint = f"; did you mean {hit[0]!r}?" if hit else ""
                raise CarvingError(f"scan {scan.id}: extra.carving.{key} is not a carving option{hint}")
        values = {**stored, **{k: v for k, v in overrides.items() if v is not None}}
        for key in ("exclude_roles", "exclude_zones"):
            if isinstance(values.get(key), str):
                values[key] = (values[key],)  # one role written without a list
            elif key in values:
                values[key] = tuple(values[key])
        return cls(**values).resolved(scan)

    def resolved(self, scan: Scan) -> CarveOptions:
        """Fill the scan-dependent defaults and check every value."""
        full = self.full_time_hours if self.full_time_hours is not None else scan.full_time_hours
        _check("full_time_hours", full, "a number from 10 to 50", 10 <= _num(full) <= 50)
        minimum = self.min_hours if self.min_hours is not None else full * PART_TIME_MINIMUM
        _check("min_hours", minimum, f"a number from 0 to {full:g} (full time)", 0 <= _num(minimum) <= full)
        _check("max_complexity", self.max_complexity, "a whole number from 1 to 5",
               isinstance(self.max_complexity, int) and 1 <= self.max_complexity <= 5)
        _check("weeks_per_year", self.weeks_per_year, "a number from 1 to 52", 1 <= _num(self.weeks_per_year) <= 52)
        _check("resolution", self.resolution, "a number above 0", _num(self.resolution) > 0)
        _check("neighbours", self.neighbours, "a whole number of at least 1",
               isinstance(self.neighbours, int) and self.neighbours >= 1)
        cost = self.carved_hourly_cost_eur
        _check("carved_hourly_cost_eur", cost, "a number from 0 to 500", cost is None or 0 <= _num(cost) <= 500)
        roles = {r.id for r in scan.roles}
        for role in self.exclude_roles:
            if role not in roles:
                raise CarvingError(f"The 'exclude_roles' parameter of carve must name roles of scan "
                                   f"{scan.id} ({', '.join(sorted(roles))}). Got {role!r} instead.")
        return replace(self, full_time_hours=float(full), min_hours=float(minimum))


def _num(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan


def _check(name: str, value: Any, expected: str, ok: bool) -> None:
    if not ok:
        raise CarvingError(f"The '{name}' parameter of carve must be {expected}. Got {value!r} instead.")


# --- 1. selection ------------------------------------------------------------------------


def select_tasks(scan: Scan, options: CarveOptions) -> tuple[list[Task], list[dict]]:
    """Split the scan's tasks into carvable ones and the others with every reason why not.

    Returns
    -------
    (carvable, not_carved)
        Carvable tasks in natural id order; ``not_carved`` rows ``{task, reason, reasons, ...}``.
    """
    zones = {z.casefold() for z in options.exclude_zones}
    carvable, not_carved = [], []
    for task in sorted(scan.tasks, key=lambda t: natural_key(t.id)):
        role = {"role": task.role, "role_title": scan.role(task.role).title.lower()}
        reasons: list[tuple[str, dict]] = []
        if task.role in options.exclude_roles:
            reasons.append(("excluded_role", role))
        if task.zone and task.zone.casefold() in zones:
            reasons.append(("excluded_zone", {"zone": task.zone}))
        if task.core:
            reasons.append(("core", role))
        if task.complexity > options.max_complexity:
            reasons.append(("complexity", {"complexity": task.complexity,
                                           "max_complexity": options.max_complexity}))
        if task.safety_critical and not options.allow_safety_critical:
            reasons.append(("safety_critical", {}))
        if reasons:
            not_carved.append(_not_carved(task, scan, reasons, "selection"))
        else:
            carvable.append(task)
    return carvable, not_carved


def _not_carved(task: Task, scan: Scan, reasons: list[tuple[str, dict]], stage: str) -> dict:
    english = [message(code, "en", **params) for code, params in reasons]
    dutch = [message(code, "nl", **params) for code, params in reasons]
    return {"task": task.id, "reason": "; ".join(english), "reasons": english,
            "codes": [code for code, _ in reasons], "reason_nl": "; ".join(dutch), "stage": stage,
            "role": task.role, "description": task.description,
            "hours_per_week": round(task_hours_per_week(task, scan.shifts_per_day), 2)}


# --- 4. job quality and competence profile (positions: _carving_graph; business case and
#        candidates: _carving_case) ------------------------------------------------------------


def job_quality(tasks: list[Task], hours: list[float], keys: Mapping[str, str] | None = None) -> dict:
    """The job-quality guard: is this function only heavy, dirty or isolated leftovers?

    Flags: at least 80 % of the hours heavy/dirty/isolated; at least half the hours isolated
    (prefer tasks done alongside colleagues); at least 80 % repetitive; a single task or competence
    (competences counted by concept, ``keys`` of :func:`competence_keys`; default: resolved against
    the starter vocabulary).
    """
    keys = competence_keys(tasks) if keys is None else keys
    total = sum(hours) or 1.0

    def share(pred) -> float:
        return sum(h for t, h in zip(tasks, hours) if pred(t)) / total

    leftover = share(lambda t: bool(set(t.strain) & set(LEFTOVER_STRAINS)))
    isolated = share(lambda t: "isolated" in t.strain)
    repetitive = share(lambda t: "repetitive" in t.strain)
    competences = {competence_key(keys, c) for t in tasks for c in t.competences}
    zones = {t.zone.casefold() for t in tasks if t.zone}
    codes = []
    if leftover >= 0.8:
        codes.append(("leftovers", {"share": leftover}))
    if isolated >= 0.5:
        codes.append(("isolated", {"share": isolated}))
    if repetitive >= 0.8:
        codes.append(("repetitive", {"share": repetitive}))
    if len(tasks) == 1 or len(competences) <= 1:
        codes.append(("little_variety", {}))
    return {"flagged": bool(codes), "flags": [message(c, "en", **p) for c, p in codes],
            "flags_nl": [message(c, "nl", **p) for c, p in codes], "codes": [c for c, _ in codes],
            "leftover_share": round(leftover, 3), "isolated_share": round(isolated, 3),
            "repetitive_share": round(repetitive, 3),
            "variety": {"tasks": len(tasks), "competences": len(competences), "zones": len(zones)}}


def function_profile(tasks: list[Task], hours: list[float],
                     keys: Mapping[str, str] | None = None) -> list[FunctionCompetence]:
    """The carved function's competences: the union of its tasks' competences, one per concept.

    Competences are grouped by ``keys`` (:func:`competence_keys`; default: resolved against the
    starter vocabulary), so synonyms ("vloeren schoonmaken", "vloeren reinigen") are one row,
    named in the tasks' own wording: the wording with most hours in the function (ties:
    alphabetical). Required when the tasks needing it are at least half the hours; when none
    is, the one with most hours (a job-specific one before a generic one) is, so that every
    function has a core. Level = the highest complexity of those tasks (capped at 4); weight =
    1 + 2 x its share of the hours.
    """
    keys = competence_keys(tasks) if keys is None else keys
    total = sum(hours) or 1.0
    found: dict[str, list] = {}
    for t, h in zip(tasks, hours):
        for c in dict.fromkeys(competence_key(keys, c) for c in t.competences):
            entry = found.setdefault(c, [None, 0.0, 1, {}])
            entry[1] += h
            entry[2] = max(entry[2], t.complexity)
        for c in t.competences:
            wordings = found[competence_key(keys, c)][3]
            wordings.setdefault(c.casefold(), [c, 0.0])[1] += h
    for entry in found.values():
        entry[0] = min(entry[3].values(), key=lambda w: (-w[1], w[0].casefold(), w[0]))[0]
    rows = sorted((e[:3] for e in found.values()), key=lambda e: (-e[1], e[0].casefold()))
    required = {name for name, h, _ in rows if h / total >= 0.5}
    if rows and not required:
        required = {min(rows, key=lambda e: (is_generic(e[0]), -e[1], e[0].casefold()))[0]}
    return [FunctionCompetence(name=name, level=min(4, level), required=name in required,
                               weight=round(1 + 2 * h / total, 2)) for name, h, level in rows]


# --- carve ---------------------------------------------------------------------------------


def carve(scan: Scan, *, options: CarveOptions | None = None, store=None,
          candidates: bool = True, on=None) -> dict:
    """Carve a Quick Scan into functions; the JSON document of ``matchcore carve --json``.

    Parameters
    ----------
    scan : Scan
    options : CarveOptions, optional
        Default: the options stored with the scan, else the defaults.
    store : Store, optional
        Needed for candidates (the matching engine) and the employer's location.
    candidates : bool
        Rank candidates for each function (needs ``store``), with the instruments that apply.
    on : date, optional
        Evaluation date of the instrument rules; default today.

    Returns
    -------
    dict
        ``{scan, employer, options, functions: [...], not_carved: [...], totals, notes}``; same
        input, same output, whatever the order of the scan's tasks.
    """
    opts = (options or CarveOptions.for_scan(scan)).resolved(scan)
    carvable, not_carved = select_tasks(scan, opts)
    hours = [task_hours_per_week(t, scan.shifts_per_day) for t in carvable]
    keys = competence_keys(scan.tasks, carving_vocabulary(store)) if carvable else {}
    weights = _similarity(carvable, scan.tasks, keys) if carvable else None
    bundles, dropped = bundle_tasks(carvable, hours, opts, weights)
    for idx, params in dropped:
        not_carved += [_not_carved(carvable[i], scan, [("too_few_hours", params)], "bundling")
                       for i in idx]
    not_carved.sort(key=lambda r: natural_key(r["task"]))

    cost, cost_source = _carved_cost(scan, opts)
    titles = _titles(scan)
    employer = _employer(store, scan)
    location, employer_name = (employer.location, employer.name) if employer else (None, None)
    cache: dict = {}
    notes: list[str] = []
    status = "ranked" if candidates and store is not None else "not_requested"
    functions = []
    bundles.sort(key=lambda b: (-sum(hours[i] for i in b), natural_key(carvable[b[0]].id)))
    for n, idx in enumerate(bundles, start=1):
        tasks = [carvable[i] for i in idx]
        h = [hours[i] for i in idx]
        functions.append(_function(f"F{n}", scan, tasks, h, opts, weights, carvable, hours, idx,
                                   titles, cost, cost_source, keys))
    for fn in functions:
        profile = [FunctionCompetence(**c) for c in fn["profile"]]
        found, note = [], None
        if candidates and store is not None:
            shifts = _shifts(fn["task_details"])
            found, note = find_candidates(store, profile, cache=cache, top=opts.top_candidates,
                                          hours_per_week=fn["position_hours"][0], shifts=shifts,
                                          location=location, title=fn["title"])
            if note:
                status = "unavailable"
            elif found and employer is not None:
                record = _function_record(fn, shifts, cost)
                by_candidate, note = instruments_for(store, employer, record,
                                                     [c["candidate"] for c in found], on=on)
                for c in found:
                    c["instruments"] = by_candidate.get(c["candidate"], [])
        fn["candidates"] = found
        if note and note not in notes:
            notes.append(note)
    freed: dict[str, float] = {}
    for fn in functions:
        for role, h in fn["freed_hours_per_week"].items():
            freed[role] = round(freed.get(role, 0.0) + h, 2)
    return {
        "scan": scan.id, "employer": scan.employer, "employer_name": employer_name,
        "date": scan.date.isoformat(), "consultant": scan.consultant,
        "options": {k: list(v) if isinstance(v, tuple) else round(v, 2) if isinstance(v, float) else v
                    for k, v in asdict(opts).items()} | {"carved_hourly_cost_source": cost_source},
        "candidates_status": status,
        "functions": functions, "not_carved": not_carved,
        "totals": {"tasks": len(scan.tasks), "carvable_tasks": len(carvable),
                   "scan_hours_per_week": round(sum(task_hours_per_week(t, scan.shifts_per_day) for t in scan.tasks), 2),
                   "carved_hours_per_week": round(sum(f["hours_per_week"] for f in functions), 2),
                   "positions": sum(f["positions"] for f in functions),
                   "freed_hours_per_week": freed,
                   "yearly_saving_eur": round(sum(f["yearly_saving_eur"] for f in functions), 2)},
        "notes": notes,
    }


def _function(fid, scan, tasks, h, opts, weights, carvable, hours, idx, titles, cost, cost_source,
              keys) -> dict:
    total = sum(h)
    pos = positions(total, opts.full_time_hours, opts.min_hours)
    profile = function_profile(tasks, h, keys)
    quality = job_quality(tasks, h, keys)
    if quality["flagged"]:
        quality["suggested_additions"] = _variety_suggestions(weights, carvable, hours, idx)
    case = business_case(scan, tasks, h, carved_hourly_cost_eur=cost, weeks_per_year=opts.weeks_per_year)
    given = next((titles[t.id] for t in tasks if t.id in titles), None)
    when = _by_hours([t.when for t in tasks], h)
    zones = _by_hours([t.zone for t in tasks], h)
    title = given or function_title(tasks, h, scan.tasks, keys)
    return {
        "id": fid, "title": title, "title_source": "scan" if given else "generated",
        "description": function_description(title, tasks, h, scan, pos, profile, opts.full_time_hours),
        "tasks": [t.id for t in tasks],
        "task_details": [{"task": t.id, "description": t.description, "role": t.role,
                          "hours_per_week": round(x, 2), "zone": t.zone, "when": t.when,
                          "complexity": t.complexity, "strain": list(t.strain)} for t, x in zip(tasks, h)],
        "hours_per_week": round(total, 2), "fte": round(total / opts.full_time_hours, 2),
        "positions": len(pos), "position_hours": pos,
        "competences": [c.name for c in profile],
        "profile": [c.model_dump(include={"name", "level", "required", "weight"}) for c in profile],
        "max_complexity": max(t.complexity for t in tasks),
        "zones": zones, "when": when, "roles": sorted({t.role for t in tasks}),
        "freed_hours_per_week": {r["role"]: r["hours_per_week"] for r in case["freed_by_role"]},
        "business_case": case, "yearly_saving_eur": case["yearly_saving_eur"],
        "quality": quality,
    }


def _by_hours(values: list, hours: list[float]) -> list:
    """Distinct non-empty values, most hours first (ties by value)."""
    acc: dict = {}
    for v, h in zip(values, hours):
        if v:
            acc[v] = acc.get(v, 0.0) + h
    return sorted(acc, key=lambda v: (-acc[v], str(v)))


def _variety_suggestions(weights, carvable, hours, idx, limit: int = 3) -> list[dict]:
    """Carvable tasks outside the bundle, not heavy/dirty/isolated, most strongly linked to it."""
    inside = set(idx)
    scored = []
    for j, t in enumerate(carvable):
        if j in inside or set(t.strain) & set(LEFTOVER_STRAINS):
            continue
        link = float(weights[idx, j].mean())
        if link > 0:
            scored.append((-link, natural_key(t.id), t, hours[j]))
    return [{"task": t.id, "description": t.description, "hours_per_week": round(h, 2)}
            for _, _, t, h in sorted(scored)[:limit]]


def _titles(scan: Scan) -> dict[str, str]:
    """``extra.carving.titles``: task id -> title of the function holding that task."""
    titles = ((scan.extra or {}).get("carving") or {}).get("titles") or {}
    known = {t.id for t in scan.tasks}
    for task_id in titles:
        if str(task_id) not in known:
            raise CarvingError(f"scan {scan.id}: extra.carving.titles names task {task_id!r}, "
                               "which is not a task of the scan")
    return {str(k): str(v) for k, v in titles.items()}


def _carved_cost(scan: Scan, opts: CarveOptions) -> tuple[float, str]:
    if opts.carved_hourly_cost_eur is not None:
        return float(opts.carved_hourly_cost_eur), "option"
    if scan.carved_hourly_cost_eur is not None:
        return float(scan.carved_hourly_cost_eur), "scan"
    return DEFAULT_CARVED_HOURLY_COST_EUR, "default"


def _employer(store, scan: Scan):
    """The scan's employer record, or None without a store or when it is not stored."""
    if store is None:
        return None
    from matchcore.errors import NotFound

    try:
        return store.employer(scan.employer)
    except NotFound:
        return None
