"""Job carving (jobcarving, functiecreatie): from a Quick Scan's tasks to carved functions.

The method of seed 001: take the simple tasks that are not core to the skilled functions, bundle
the coherent ones into functions of enough hours to be a real job, and show what that is worth.

1. *Selection* (:mod:`~matchcore.carving.selection`): a task is carvable unless it is core work,
   above the complexity threshold, safety-critical (unless allowed), or of an excluded role or
   zone; each other task gets its reasons.
2. *Task graph* (:mod:`~matchcore.carving.graph`): carvable tasks are nodes; an edge weighs shared
   competences (IDF-weighted Jaccard over vocabulary concepts, so "vloeren schoonmaken" and
   "vloeren reinigen" are one competence and generic ones such as "instructies opvolgen" count
   little), shared words of the descriptions, the same zone, times a factor for compatible time
   windows. Each task keeps its strongest links (a k-nearest-neighbour graph), so large scans
   stay sparse.
3. *Bundling* (:mod:`~matchcore.carving.bundles`): Louvain communities with a fixed seed on
   integer nodes (deterministic, also across Python hash seeds). Bundles below the minimum hours
   merge into the most strongly linked bundle when the link is strong enough, preferring one that
   gains variety; else they are dropped, with why. Linked functions that together need fewer
   positions merge into whole jobs.
4. *Positions*, the *job-quality guard*, the *competence profile* and the *business case* per
   function (see :func:`positions`, :func:`job_quality`, :func:`function_profile`,
   :func:`business_case`).

``docs/carving.md`` documents the method, the options and the business-case formula.

Examples
--------
>>> result = carve(store.scan("haven-2025-03"), store=store)      # doctest: +SKIP
>>> [(f.title, f.positions) for f in result.functions]              # doctest: +SKIP
[('Medewerker afval sorteren (kaai, loods)', 3)]
"""
from __future__ import annotations

import re
from dataclasses import asdict

from matchcore.carving.bundles import beyond_positions, bundle_tasks, positions
from matchcore.carving.business_case import (
    business_case,
    find_candidates,
    instruments_for,
)
from matchcore.carving.candidates import rank_for_positions
from matchcore.carving.capacity import capacity_warnings
from matchcore.carving.competences import carving_vocabulary, competence_keys
from matchcore.carving.conditions import conditions_from_tasks
from matchcore.carving.gains import apply_premium, gains_of, headline
from matchcore.carving.next_steps import next_steps
from matchcore.carving.graph import similarity, task_graph, time_compatibility
from matchcore.carving.options import (
    DEFAULT_CARVED_HOURLY_COST_EUR,
    WEEKS_PER_YEAR,
    CarveOptions,
)
from matchcore.carving.quality import function_profile, job_quality, variety_suggestions
from matchcore.carving.results import (
    AppliedOptions,
    CarvedFunction,
    CarvingResult,
    CarvingTotals,
    ProfileCompetence,
    TaskDetail,
)
from matchcore.carving.selection import not_carved, select_tasks
from matchcore.carving.texts import function_description, function_title, natural_key
from matchcore.errors import CarvingError, NotFound
from matchcore.i18n import _
from matchcore.model import Scan, Task, task_hours_per_week

_FUNCTION_ID = re.compile(r"F[1-9][0-9]*")

__all__ = [
    "DEFAULT_CARVED_HOURLY_COST_EUR",
    "WEEKS_PER_YEAR",
    "CarveOptions",
    "CarvingError",
    "CarvingResult",
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


def carve(scan: Scan, *, options: CarveOptions | None = None, store=None,
          candidates: bool = True, on=None) -> CarvingResult:
    """Carve a Quick Scan into functions.

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
    CarvingResult
        The functions, the tasks not carved with why, the totals and the options used; same
        input, same output, whatever the order of the scan's tasks. ``matchcore carve --json``
        prints it field by field.
    """
    opts = (options or CarveOptions.for_scan(scan)).resolved(scan)
    carvable, rejected = select_tasks(scan, opts)
    hours = [task_hours_per_week(t, scan.shifts_per_day) for t in carvable]
    keys = competence_keys(scan.tasks, carving_vocabulary(store)) if carvable else {}
    weights = similarity(carvable, scan.tasks, keys) if carvable else None
    bundles, dropped = bundle_tasks(carvable, hours, opts, weights)
    for idx, params in dropped:
        rejected += [not_carved(carvable[i], scan, [("too_few_hours", params)], "bundling")
                     for i in idx]
    rejected.sort(key=lambda r: natural_key(r.task))

    cost, cost_source = _carved_cost(scan, opts)
    titles = _titles(scan, opts)
    employer = _employer(store, scan)
    location, employer_name = (employer.location, employer.name) if employer else (None, None)
    ranked = candidates and store is not None
    cache: dict = {}
    functions = []
    bundles.sort(key=lambda b: (-sum(hours[i] for i in b), natural_key(carvable[b[0]].id)))
    for n, idx in enumerate(bundles, start=1):
        fn = _function(f"F{n}", scan, [carvable[i] for i in idx], [hours[i] for i in idx], opts,
                       titles, cost, keys)
        if fn.quality.flagged:
            fn.quality.suggested_additions = variety_suggestions(weights, carvable, hours, idx)
        functions.append(fn)
    for fn in functions:
        if ranked:
            fn.candidates, fn.no_candidates_reason = rank_for_positions(
                store, fn, opts, employer, location, cost, cache, on)
            apply_premium(fn)
        headline(fn.business_case, scan.freed_hours_use, fn.hours_per_week)
    freed: dict[str, float] = {}
    for fn in functions:
        for role, h in fn.freed_hours_per_week.items():
            freed[role] = round(freed.get(role, 0.0) + h, 2)
    shown = {k: round(v, 2) if isinstance(v, float) else v for k, v in asdict(opts).items()}
    result = CarvingResult(
        scan=scan.id, employer=scan.employer, employer_name=employer_name, date=scan.date,
        consultant=scan.consultant,
        options=AppliedOptions(**shown, carved_hourly_cost_source=cost_source),
        candidates_status="ranked" if ranked else "not_requested",
        functions=functions, not_carved=rejected,
        totals=CarvingTotals(
            tasks=len(scan.tasks), carvable_tasks=len(carvable),
            scan_hours_per_week=round(sum(task_hours_per_week(t, scan.shifts_per_day)
                                          for t in scan.tasks), 2),
            carved_hours_per_week=round(sum(f.hours_per_week for f in functions), 2),
            positions=sum(f.positions for f in functions), freed_hours_per_week=freed,
            yearly_saving_eur=round(sum(f.yearly_saving_eur for f in functions), 2)),
        warnings=capacity_warnings(scan),
        gains=gains_of(scan.gains),
    )
    result.next_steps = next_steps(result, on)
    return result


def _function(fid: str, scan: Scan, tasks: list[Task], h: list[float], opts: CarveOptions,
              titles: dict[str, str], cost: float, keys: dict[str, str]) -> CarvedFunction:
    total = sum(h)
    pos = positions(total, opts.full_time_hours, opts.min_hours, opts.positions)
    profile = function_profile(tasks, h, keys)
    conds = conditions_from_tasks(tasks)
    case = business_case(scan, tasks, h, carved_hourly_cost_eur=cost, weeks_per_year=opts.weeks_per_year)
    given = titles.get(fid) or next((titles[t.id] for t in tasks if t.id in titles), None)
    title = given or function_title(tasks, h, scan.tasks, keys)
    return CarvedFunction(
        id=fid, title=title, title_source="scan" if given else "generated",
        description=function_description(title, tasks, h, scan, pos, profile, opts.full_time_hours),
        tasks=[t.id for t in tasks],
        task_details=[TaskDetail(task=t.id, description=t.description, role=t.role,
                                 hours_per_week=round(x, 2), zone=t.zone, when=t.when,
                                 complexity=t.complexity, strain=list(t.strain))
                      for t, x in zip(tasks, h)],
        hours_per_week=round(total, 2), fte=round(total / opts.full_time_hours, 2),
        positions=len(pos), position_hours=pos, hours_beyond_positions=beyond_positions(total, pos),
        conditions=conds.as_conditions(), conditions_because=conds.because,
        competences=[c.name for c in profile],
        profile=[ProfileCompetence(name=c.name, level=c.level, weight=c.weight, required=c.required)
                 for c in profile],
        max_complexity=max(t.complexity for t in tasks),
        zones=_by_hours([t.zone for t in tasks], h), when=_by_hours([t.when for t in tasks], h),
        roles=sorted({t.role for t in tasks}),
        freed_hours_per_week={r.role: r.hours_per_week for r in case.freed_by_role},
        business_case=case, yearly_saving_eur=case.yearly_saving_eur,
        quality=job_quality(tasks, h, keys),
    )


def _by_hours(values: list, hours: list[float]) -> list:
    """Distinct non-empty values, most hours first (ties by value)."""
    acc: dict = {}
    for v, h in zip(values, hours):
        if v:
            acc[v] = acc.get(v, 0.0) + h
    return sorted(acc, key=lambda v: (-acc[v], str(v)))


def _titles(scan: Scan, opts: CarveOptions) -> dict[str, str]:
    """Titles the consultant gave, keyed by task id (the function holding that task) or by
    function id (``F1``): ``extra.carving.titles``, then the scan's ``titles``, then the
    ``--title`` options (the last one given wins)."""
    titles = {str(k): str(v) for k, v in
              (((scan.extra or {}).get("carving") or {}).get("titles") or {}).items()}
    titles.update(scan.titles)
    titles.update(dict(opts.titles))
    known = {t.id for t in scan.tasks}
    for key in titles:
        if key not in known and not _FUNCTION_ID.fullmatch(key):
            raise CarvingError(_("scan {scan}: the title for {key!r} names neither a task of the "
                                 "scan nor a function (F1, F2, ...)").format(scan=scan.id, key=key))
    return titles


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
    try:
        return store.employer(scan.employer)
    except NotFound:
        return None
