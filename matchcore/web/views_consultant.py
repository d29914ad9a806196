"""Consultant pages: Quick Scans (create, roles, tasks entered one by one and saved at once),
the carving with its options, and the advice document.

Several coaches (and the tablet) may work on one scan at once. A task's edit and remove forms
carry the task's revision in a hidden field; the save changes only the fields the form changed,
against that revision (``Store.save_task``). When someone else saved the task in between, the
answer is 409 with the form as typed and a message naming who changed which fields; new tasks
take the next free id when saved, so two coaches adding tasks never collide."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route

from matchcore.errors import CarvingError, EditConflict, NotFound
from matchcore.i18n import _
from matchcore.model import Task, task_hours_per_week
from matchcore.web import audit, engine, forms
from matchcore.web.labels import normal_number
from matchcore.web.rendering import is_htmx, render, store_of, user_of


def _scan_rows(store) -> list[dict]:
    return store.rows(
        "select s.id, s.employer_id, e.name as employer_name, s.date, s.consultant, "
        "(select count(*) from scan_tasks t where t.scan_id = s.id) as tasks, "
        "(select round(sum(hours_per_week), 1) from scan_tasks t where t.scan_id = s.id) as hours "
        "from scans s left join employers e on e.id = s.employer_id order by s.date desc, s.id")


def scans_page(request: Request):
    return render(request, "scans.html", {"rows": _scan_rows(store_of(request))})


def _employers(store) -> list[dict]:
    return store.rows("select id, name from employers order by name")


def new_scan_page(request: Request, *, values: dict | None = None, errors: dict | None = None,
                  status: int = 200):
    store = store_of(request)
    values = values or forms.default_scan_values(user_of(request) if user_of(request) != "local" else "")
    if not values.get("employer") and request.query_params.get("employer"):
        values["employer"] = request.query_params["employer"]
    return render(request, "scan_new.html", {"values": values, "errors": errors or {},
                                             "employers": _employers(store)}, status=status)


async def create_scan(request: Request):
    form = await request.form()
    return await run_in_threadpool(_create_scan, request, form)


def _create_scan(request: Request, form):
    store = store_of(request)
    values = forms.scan_values(form)
    if not values["id"] and values["employer"] and values["date"]:
        values["id"] = forms.slug(f"{values['employer']}-{forms.iso_date(values['date'])}")
    scan, errors = forms.check_new_scan(store, values)
    if errors:
        return new_scan_page(request, values=values, errors=errors, status=422)
    try:
        with store.write(bump=False):
            store.create_record(scan, by=user_of(request))  # the same id created meanwhile: 409
            audit.record(store, user_of(request), "scan.create", f"scan:{scan.id}",
                         scan.model_dump(mode="json", exclude_defaults=True))
    except EditConflict as exc:
        return new_scan_page(request, values=values, errors={"id": str(exc)}, status=409)
    return RedirectResponse(f"/scans/{scan.id}", status_code=303)


def _task_rows(scan) -> list[dict]:
    rows = []
    for t in scan.tasks:
        rows.append({"task": t, "hours": task_hours_per_week(t, scan.shifts_per_day)})
    return rows


def _blank_task(scan) -> dict:
    values = {f: "" for f in forms.TASK_FIELDS}
    values.update(volume="frequency", per="day", complexity="1", when="continuous",
                  competences=[], strain=[], core=False, safety_critical=False,
                  role=scan.roles[0].id if len(scan.roles) == 1 else "")
    return values


def _scan_context(store, scan, **extra) -> dict:
    emp_name = None
    try:
        emp_name = store.employer(scan.employer).name
    except Exception:  # the scan page shows the id instead
        pass
    zones = sorted({t.zone for t in scan.tasks if t.zone})
    ctx = {"scan": scan, "employer_name": emp_name, "tasks": _task_rows(scan),
           "total_hours": sum(task_hours_per_week(t, scan.shifts_per_day) for t in scan.tasks),
           "zones": zones, "per_options": forms.PER, "when_options": forms.WHEN,
           "strain_options": forms.STRAINS, "competence_names": engine.competence_names(store),
           "next_id": forms.next_task_id(scan), "slots": forms.COMPETENCE_SLOTS,
           "task_values": _blank_task(scan), "task_errors": {}, "role_values": {},
           "role_errors": {}, "editing": None, "saved": None, "revision": None,
           "conflict": None, "removal_conflict": None}
    ctx.update(extra)
    return ctx


def scan_page(request: Request):
    store = store_of(request)
    scan = store.scan(request.path_params["sid"])
    return render(request, "scan.html", _scan_context(store, scan,
                                                      saved=request.query_params.get("saved")))


async def add_role(request: Request):
    form = await request.form()
    return await run_in_threadpool(_add_role, request, form)


def _add_role(request: Request, form):
    store = store_of(request)
    sid = request.path_params["sid"]
    values = forms.role_values(form)
    scan = store.scan(sid)
    new, errors = forms.check_role(scan, values)
    status = 422
    if not errors:
        role = new.roles[-1]
        try:
            with store.write(bump=False):  # only the role is added: what others saved meanwhile stays
                store.add_role(sid, role, by=user_of(request))
                audit.record(store, user_of(request), "scan.role.add", f"scan:{sid}", values)
        except EditConflict as exc:
            errors, status = {"role_id": str(exc)}, 409
            scan = store.scan(sid)
    if errors:
        return render(request, "scan.html", _scan_context(store, scan, role_values=values,
                                                          role_errors=errors), status=status)
    return RedirectResponse(f"/scans/{sid}#roles", status_code=303)


# --- tasks ---------------------------------------------------------------------------------

async def task_save(request: Request):
    """POST /scans/{sid}/tasks (new) or /scans/{sid}/tasks/{tid} (edit): save one task at once."""
    form = await request.form()
    return await run_in_threadpool(_task_save, request, form)


def _revision(form) -> int | None:
    raw = str(form.get("revision") or "").strip()
    return int(raw) if raw.isdigit() else None


def _task_save(request: Request, form):
    store = store_of(request)
    sid = request.path_params["sid"]
    editing = request.path_params.get("tid")
    values = forms.task_values(form)
    user = user_of(request)
    scan = store.scan(sid)
    stored = next((t for t in scan.tasks if t.id == editing), None)
    revision = _revision(form)
    if revision is None and stored is not None:
        revision = stored.revision  # a form from before revisions: checked from now on
    if editing is not None and stored is None and revision is None:
        raise NotFound("task", f"{sid}/{editing}")
    if editing is not None and not values["id"]:
        values["id"] = editing
    if editing is not None and values["id"] != editing:
        new, errors = None, {"id": _("a task keeps its id; remove it and add a new task instead")}
    else:
        new, errors = forms.check_task(scan, values, editing=editing)
    status, conflict = 422, None
    if not errors:
        task = next(t for t in new.tasks if t.id == (values["id"] or forms.task_from_values(values, scan)["id"]))
        try:
            with store.write(bump=False):
                if editing is not None:
                    changed = forms.task_changes(stored, task) if stored is not None else None
                    task = store.save_task(sid, task, expected_revision=revision, fields=changed, by=user)
                else:
                    task = store.save_task(sid, task, expected_revision=None,
                                           auto_id=not values["id"], by=user)
                audit.record(store, user, "task.edit" if editing else "task.add",
                             f"scan:{sid}/task:{task.id}",
                             task.model_dump(mode="json", exclude_defaults=True))
        except EditConflict as exc:
            (conflict, errors), status = forms.conflict_errors(exc), 409
            scan = store.scan(sid)  # as it is now, with the other change
            if exc.action == "removed":  # saving again adds it anew
                editing, values = None, {**values, "id": ""}
            revision = store.revision("task", editing, sid) if editing else None
    if errors or conflict:
        ctx = _scan_context(store, scan, task_values=values, task_errors=errors, editing=editing,
                            revision=revision, conflict=conflict)
        if is_htmx(request):
            return render(request, "_scan_tasks_and_form.html", ctx, status=status)
        return render(request, "task_edit.html" if editing else "scan.html", ctx, status=status)
    if is_htmx(request):
        ctx = _scan_context(store, store.scan(sid), saved=task.id)
        return render(request, "_scan_tasks_and_form.html", ctx)
    return RedirectResponse(f"/scans/{sid}?saved={task.id}#tasks", status_code=303)


async def task_check(request: Request):
    """POST /scans/{sid}/tasks/check: validation while typing; out-of-band messages per field."""
    form = await request.form()
    return await run_in_threadpool(_task_check, request, form)


def _task_check(request: Request, form):
    store = store_of(request)
    scan = store.scan(request.path_params["sid"])
    values = forms.task_values(form)
    editing = str(form.get("editing") or "") or None
    _, errors = forms.check_task(scan, values, editing=editing, live=True)
    hints = [engine.competence_hint(store, name) for name in forms._getlist(form, "competence")]
    hours = None
    if not errors:
        try:
            raw = forms.task_from_values(values, scan)
            hours = task_hours_per_week(Task.model_validate(raw), scan.shifts_per_day)
        except Exception:  # incomplete: no hours to show yet
            hours = None
    return render(request, "_task_check.html", {"errors": errors, "hints": hints, "hours": hours,
                                                "fields": forms.TASK_FIELDS + ("competence", "strain", "_form")})


def task_edit_page(request: Request):
    store = store_of(request)
    scan = store.scan(request.path_params["sid"])
    tid = request.path_params["tid"]
    task = next((t for t in scan.tasks if t.id == tid), None)
    if task is None:
        raise NotFound("task", f"{scan.id}/{tid}")
    return render(request, "task_edit.html", _scan_context(
        store, scan, task_values=forms.task_to_values(task), editing=tid, revision=task.revision))


async def task_delete(request: Request):
    form = await request.form()
    return await run_in_threadpool(_task_delete, request, form)


def _task_delete(request: Request, form):
    store = store_of(request)
    sid, tid = request.path_params["sid"], request.path_params["tid"]
    scan = store.scan(sid)
    task = next((t for t in scan.tasks if t.id == tid), None)
    revision = _revision(form)
    if task is None and revision is None:
        return RedirectResponse(f"/scans/{sid}#tasks", status_code=303)  # gone already
    try:
        with store.write(bump=False):  # not when someone changed it since the page was shown
            gone = store.remove_task(sid, tid, by=user_of(request), expected_revision=(
                revision if revision is not None else task.revision))
            audit.record(store, user_of(request), "task.remove", f"scan:{sid}/task:{tid}",
                         gone.model_dump(mode="json", exclude_defaults=True))
    except EditConflict as exc:
        return render(request, "scan.html", _scan_context(store, store.scan(sid), removal_conflict=(
            _("{conflict}. Task {id} was not removed: look at it again below.").format(conflict=exc, id=tid)
            if exc.action != "removed" else str(exc))), status=409)
    return RedirectResponse(f"/scans/{sid}#tasks", status_code=303)


def suggest_competences(request: Request):
    """GET /suggest/competences?q=: names to pick (HTML list, or JSON with ?format=json)."""
    store = store_of(request)
    q = request.query_params.get("q", "")
    hint = engine.competence_hint(store, q)
    if request.query_params.get("format") == "json":
        return JSONResponse(hint)
    return render(request, "_competence_hint.html", {"hint": hint, "q": q})


# --- carving and advice --------------------------------------------------------------------

def _carve_options(request: Request, scan) -> tuple[dict, dict, dict]:
    """(carving overrides, form values, {field: message}) from the carve form's query."""
    qp = request.query_params
    values = {k: qp.get(k, "") for k in ("max_complexity", "min_hours", "full_time_hours",
                                         "carved_hourly_cost_eur")}
    values["exclude_roles"] = qp.getlist("exclude_roles")
    values["exclude_zones"] = qp.getlist("exclude_zones")
    values["allow_safety_critical"] = qp.get("allow_safety_critical") in ("on", "1", "true")
    errors: dict[str, str] = {}
    opts: dict = {}
    specs = {"max_complexity": (int, 1, 5, _("must be a whole number from 1 to 5, got {value!r}")),
             "min_hours": (float, 0, 50, _("must be a number of hours from 0 to 50, got {value!r}")),
             "full_time_hours": (float, 10, 50, _("must be a number of hours from 10 to 50, got {value!r}")),
             "carved_hourly_cost_eur": (float, 0, 500, _("must be a number of euro from 0 to 500, got {value!r}"))}
    for key, (kind, lo, hi, expected) in specs.items():
        raw = normal_number(values[key])
        if not raw:
            continue
        try:
            num = kind(raw) if kind is float else int(raw)
            if not lo <= num <= hi:
                raise ValueError
            opts[key] = num
        except ValueError:
            errors[key] = expected.format(value=values[key])
    roles = {r.id for r in scan.roles}
    bad = [r for r in values["exclude_roles"] if r not in roles]
    if bad:
        errors["exclude_roles"] = _("not roles of this scan: {roles}").format(roles=", ".join(bad))
    else:
        opts["exclude_roles"] = values["exclude_roles"] or None
    opts["exclude_zones"] = values["exclude_zones"] or None
    opts["allow_safety_critical"] = values["allow_safety_critical"] or None
    return opts, values, errors


def carve_page(request: Request):
    store = store_of(request)
    scan = store.scan(request.path_params["sid"])
    opts, values, errors = _carve_options(request, scan)
    result = None
    ran = bool(request.query_params)
    if not errors and ran:
        try:
            result = engine.carve_scan(store, scan.id, **opts)
        except CarvingError as exc:
            name = next((k for k in ("max_complexity", "min_hours", "full_time_hours",
                                     "exclude_roles", "carved_hourly_cost_eur") if k in str(exc)), "_form")
            errors[name] = str(exc)
    if not ran:
        stored = ((scan.extra or {}).get("carving") or {})
        for k in ("max_complexity", "min_hours", "full_time_hours"):
            if k in stored:
                values[k] = str(stored[k])
    zones = sorted({t.zone for t in scan.tasks if t.zone})
    query = str(request.query_params)
    return render(request, "carve.html", {"scan": scan, "result": result, "values": values,
                                          "errors": errors,
                                          "zones": zones, "query": query, "ran": ran},
                  status=422 if errors else 200)


def advice_page(request: Request):
    store = store_of(request)
    scan = store.scan(request.path_params["sid"])
    opts, values, errors = _carve_options(request, scan)
    if errors:
        return render(request, "carve.html", {"scan": scan, "result": None, "values": values,
                                              "errors": errors,
                                              "zones": [], "query": "", "ran": True}, status=422)
    return HTMLResponse(engine.advice_html(store, scan.id, **opts))


routes = [
    Route("/scans", scans_page),
    Route("/scans", create_scan, methods=["POST"]),
    Route("/scans/new", new_scan_page),
    Route("/scans/{sid}", scan_page),
    Route("/scans/{sid}/roles", add_role, methods=["POST"]),
    Route("/scans/{sid}/tasks", task_save, methods=["POST"]),
    Route("/scans/{sid}/tasks/check", task_check, methods=["POST"]),
    Route("/scans/{sid}/tasks/{tid}/edit", task_edit_page),
    Route("/scans/{sid}/tasks/{tid}", task_save, methods=["POST"]),
    Route("/scans/{sid}/tasks/{tid}/delete", task_delete, methods=["POST"]),
    Route("/scans/{sid}/carve", carve_page),
    Route("/scans/{sid}/advice", advice_page),
    Route("/suggest/competences", suggest_competences),
]
