"""Jobhunter pages: find a candidate, ranked functions, the reverse view, employers with their
contact log, the call sheet (belscript) and the team assignment."""
from __future__ import annotations

import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from matchcore.errors import NotFound
from matchcore.i18n import _
from matchcore.web import callsheet, contacts, engine, jobs
from matchcore.web.labels import normal_number, parse_date
from matchcore.web.rendering import is_htmx, render, store_of, user_of

# --- candidates ----------------------------------------------------------------------------

SEARCH_LIMIT = 100


def search_candidates(store, q: str, field: str = "any", limit: int = SEARCH_LIMIT) -> list[dict]:
    """Candidates whose id, job target or competence contains ``q`` (case-insensitive), with
    what matched."""
    q = (q or "").strip()
    like = f"%{q}%"
    base = ("select c.id, c.municipality, c.hours_per_week, c.max_commute_km, c.dutch_level, "
            "(select group_concat(value, ', ') from json_each(c.doc, '$.job_targets')) as targets, "
            "(select count(*) from candidate_competences cc where cc.candidate_id = c.id) as n_competences "
            "from candidates c")
    if not q:
        return store.rows(base + " order by c.id limit ?", [limit])
    parts, params = [], []
    if field in ("any", "id"):
        parts.append("c.id like ?")
        params.append(like)
    if field in ("any", "target"):
        parts.append("exists (select 1 from json_each(c.doc, '$.job_targets') t where t.value like ?)")
        params.append(like)
    if field in ("any", "competence"):
        parts.append("exists (select 1 from candidate_competences cc where cc.candidate_id = c.id "
                     "and cc.name like ?)")
        params.append(like)
    rows = store.rows(base + " where " + " or ".join(parts) + " order by c.id limit ?", [*params, limit])
    for r in rows:
        why = []
        if q.casefold() in r["id"].casefold():
            why.append(_("id"))
        if r["targets"] and q.casefold() in r["targets"].casefold():
            why.append(_("job target"))
        comps = [n for (n,) in store.db.execute(
            "select name from candidate_competences where candidate_id = ? and name like ?", [r["id"], like])]
        if comps:
            why.append(_("competence: {names}").format(names=", ".join(comps[:3])))
        r["why"] = "; ".join(why)
    return rows


def candidates_page(request: Request):
    store = store_of(request)
    q = request.query_params.get("q", "")
    field = request.query_params.get("field", "any")
    if field not in ("any", "id", "target", "competence"):
        field = "any"
    rows = search_candidates(store, q, field)
    ctx = {"q": q, "field": field, "rows": rows, "total": store.count("candidate")}
    if is_htmx(request):
        return render(request, "_candidate_rows.html", ctx)
    return render(request, "candidates.html", ctx)


def _match_options(request: Request) -> tuple[dict, dict, dict]:
    """Filters of the match forms: (engine options, form values, errors)."""
    qp = request.query_params
    values = {k: qp.get(k, "") for k in ("top", "sector", "max_distance_km", "visible", "on")}
    values["openings_only"] = qp.get("openings_only") in ("on", "1", "true")
    values["include_excluded"] = qp.get("include_excluded") in ("on", "1", "true")
    values["near_misses"] = qp.get("near_misses") in ("on", "1", "true")
    errors: dict[str, str] = {}
    # near misses: as ``matchcore match --near-misses`` (cli/match.py), listed under the results
    opts: dict = {"include_excluded": values["include_excluded"],
                  "near_misses": values["near_misses"],
                  "openings_only": values["openings_only"] or None}
    top = values["top"] or "10"
    try:
        opts["top"] = int(normal_number(top))
        if not 1 <= opts["top"] <= 500:
            raise ValueError
    except ValueError:
        errors["top"] = _("must be a whole number from 1 to 500, got {value!r}").format(value=top)
        opts["top"] = 10
    values["top"] = top
    if values["sector"]:
        opts["sector"] = values["sector"]
    if values["max_distance_km"]:
        try:
            opts["max_distance_km"] = float(normal_number(values["max_distance_km"]))
            if opts["max_distance_km"] <= 0:
                raise ValueError
        except ValueError:
            errors["max_distance_km"] = _("must be a number of km above 0, got {value!r}").format(
                value=values["max_distance_km"])
            opts.pop("max_distance_km", None)
    if values["visible"] in ("visible", "invisible"):
        opts["visible"] = values["visible"] == "visible"
    if values["on"]:
        try:
            opts["on"] = parse_date(values["on"])
        except ValueError:
            errors["on"] = _("must be a date written dd/mm/yyyy, got {value!r}").format(value=values["on"])
    return opts, values, errors


def _sectors(store) -> list[str]:
    return [r["sector"] for r in store.rows("select distinct sector from employers "
                                            "where sector is not null order by sector")]


def candidate_page(request: Request):
    store = store_of(request)
    cid = request.path_params["cid"]
    cand = store.candidate(cid)
    opts, values, errors = _match_options(request)
    result = None
    started = time.perf_counter()
    result = engine.match_candidate(store, cid, **opts)
    ctx = {"candidate": cand, "result": result, "values": values,
           "errors": errors, "sectors": _sectors(store), "mode": "candidate",
           "employer_names": {r["id"]: r["name"] for r in store.rows("select id, name from employers")},
           "elapsed_ms": (time.perf_counter() - started) * 1000}
    if is_htmx(request):
        return render(request, "_matches.html", ctx)
    return render(request, "candidate.html", ctx)


# --- functions and employers ---------------------------------------------------------------

def functions_page(request: Request):
    store = store_of(request)
    q = request.query_params.get("q", "").strip()
    sector = request.query_params.get("sector", "")
    sql = ("select f.id, f.title, f.sector, f.hours_per_week, f.openings, f.visible, "
           "e.name as employer_name, e.municipality from functions f "
           "join employers e on e.id = f.employer_id")
    where, params = [], []
    if q:
        where.append("(f.id like ? or f.title like ? or e.name like ? or exists (select 1 from "
                     "function_competences fc where fc.function_id = f.id and fc.name like ?))")
        params += [f"%{q}%"] * 4
    if sector:
        where.append("f.sector = ?")
        params.append(sector)
    rows = store.rows(sql + (" where " + " and ".join(where) if where else "")
                      + " order by f.id limit 500", params)
    return render(request, "functions.html", {"rows": rows, "q": q, "sector": sector,
                                              "sectors": _sectors(store)})


def function_page(request: Request):
    store = store_of(request)
    fid = request.path_params["fid"]
    emp, fn = store.function(fid)
    opts, values, errors = _match_options(request)
    result = None
    result = engine.match_function(store, fid, **opts)
    ctx = {"employer": emp, "function": fn, "function_id": fid, "result": result,
           "values": values, "errors": errors, "mode": "function",
           "sectors": []}
    if is_htmx(request):
        return render(request, "_matches.html", ctx)
    return render(request, "function.html", ctx)


def employers_page(request: Request):
    store = store_of(request)
    rows = store.rows(
        "select e.id, e.name, e.sector, e.municipality, "
        "(select count(*) from functions f where f.employer_id = e.id) as functions, "
        "(select max(at) from contact_log l where l.employer_id = e.id) as last_call "
        "from employers e order by e.name")
    return render(request, "employers.html", {"rows": rows})


def employer_page(request: Request, *, values: dict | None = None, errors: dict | None = None,
                  status: int = 200):
    store = store_of(request)
    eid = request.path_params["eid"]
    emp = store.employer(eid)
    scans = store.rows("select id, date, consultant from scans where employer_id = ? order by date desc", [eid])
    return render(request, "employer.html", {
        "employer": emp, "calls": contacts.calls_for(store, eid), "scans": scans,
        "outcomes": contacts.OUTCOMES, "values": values or {}, "errors": errors or {}},
        status=status)


async def record_call(request: Request):
    """POST /employers/{eid}/calls: store the outcome of a call."""
    form = await request.form()
    return await run_in_threadpool(_record_call, request, dict(form))


def _record_call(request: Request, form: dict):
    store = store_of(request)
    eid = request.path_params["eid"]
    emp = store.employer(eid)
    clean, errors = contacts.check_call(form)
    function_id = (form.get("function") or "").strip() or None
    candidate_id = (form.get("candidate") or "").strip() or None
    function_title = None
    if function_id:
        fn = next((f for f in emp.functions if f"{emp.id}/{f.id}" == function_id), None)
        if fn is None:
            errors["function"] = _("{function!r} is not a function of {employer}").format(
                function=function_id, employer=emp.name)
        else:
            function_title = fn.title
    if candidate_id and candidate_id not in store.ids("candidate"):
        errors["candidate"] = _("no candidate {id!r}").format(id=candidate_id)
    back = form.get("back") or ""
    if errors:
        if back.startswith("/callsheet"):
            return callsheet_page(request, values=form, errors=errors, status=422,
                                  candidate_id=candidate_id, function_id=function_id)
        return employer_page(request, values=form, errors=errors, status=422)
    contacts.record_call(store, user=user_of(request) or "local", employer_id=eid,
                         function_id=function_id, function_title=function_title,
                         candidate_id=candidate_id, **clean)
    if is_htmx(request):
        return render(request, "_calls.html", {"calls": contacts.calls_for(store, eid, limit=10),
                                               "employer": emp, "calls_saved": True})
    target = back if back.startswith("/") and not back.startswith("//") else f"/employers/{eid}"
    return RedirectResponse(target + ("&" if "?" in target else "?") + "saved=1", status_code=303)


# --- call sheet ----------------------------------------------------------------------------

def callsheet_page(request: Request, *, values: dict | None = None, errors: dict | None = None,
                   status: int = 200, candidate_id: str | None = None, function_id: str | None = None):
    store = store_of(request)
    cid = candidate_id or request.query_params.get("candidate", "").strip()
    fid = function_id or request.query_params.get("function", "").strip()
    if not cid or not fid:
        return render(request, "callsheet_pick.html", {
            "candidates": store.ids("candidate"), "functions": store.ids("function"),
            "cid": cid, "fid": fid}, status=400 if (cid or fid) else 200)
    user = user_of(request)
    sheet = callsheet.build_call_sheet(store, cid, fid, user=None if user == "local" else user)
    return render(request, "callsheet.html", {**sheet, "outcomes": contacts.OUTCOMES,
                                              "values": values or {}, "errors": errors or {},
                                              "saved": request.query_params.get("saved")},
                  status=status)


# --- team assignment -----------------------------------------------------------------------

def assign_page(request: Request):
    store = store_of(request)
    mine = sorted(request.app.state.jobs.values(), key=lambda j: -j["started"])
    return render(request, "assign.html", {"jobs": mine, "values": {"min_score": "0.5"},
                                           "errors": {},
                                           "sectors": _sectors(store)})


async def assign_start(request: Request):
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("min_score", "candidates", "functions")}
    errors: dict[str, str] = {}
    options: dict = {}
    try:
        options["min_score"] = float(normal_number(values["min_score"]) or "0.5")
        if not 0 <= options["min_score"] <= 1:
            raise ValueError
    except ValueError:
        errors["min_score"] = _("must be a number from 0 to 1, got {value!r}").format(value=values["min_score"])
    def check():
        store = store_of(request)
        for key, kind in (("candidates", "candidate"), ("functions", "function")):
            ids = [x for x in values[key].replace(",", " ").split() if x]
            if ids:
                known = set(store.ids(kind))
                unknown = [x for x in ids if x not in known]
                if unknown:
                    errors[key] = (_("unknown candidate id(s): {ids}") if kind == "candidate" else
                                   _("unknown function id(s): {ids}")).format(ids=", ".join(unknown[:5]))
                options[f"{kind}_ids"] = ids
        return _sectors(store)

    sectors = await run_in_threadpool(check)
    if errors:
        return render(request, "assign.html", {"jobs": list(request.app.state.jobs.values()),
                                               "values": values, "errors": errors,
                                               "sectors": sectors}, status=422)
    job_id = jobs.start_assignment(request.app, user=user_of(request), options=options)
    return RedirectResponse(f"/assign/{job_id}", status_code=303)


def assign_job(request: Request):
    job = request.app.state.jobs.get(request.path_params["job"])
    if job is None:
        raise NotFound("assignment run", request.path_params["job"])
    ctx = {"job": job, "elapsed": (job["finished"] or time.time()) - job["started"]}
    if is_htmx(request):
        return render(request, "_assign_job.html", ctx)
    return render(request, "assign_job.html", ctx)


routes = [
    Route("/candidates", candidates_page),
    Route("/candidates/{cid}", candidate_page),
    Route("/functions", functions_page),
    Route("/functions/{fid:path}", function_page),
    Route("/employers", employers_page),
    Route("/employers/{eid}", employer_page),
    Route("/employers/{eid}/calls", record_call, methods=["POST"]),
    Route("/callsheet", callsheet_page),
    Route("/assign", assign_page),
    Route("/assign", assign_start, methods=["POST"]),
    Route("/assign/{job}", assign_job),
]
