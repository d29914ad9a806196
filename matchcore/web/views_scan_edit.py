"""Editing a Quick Scan's header and its roles in the browser (issue 14).

``GET /scans/{sid}/edit`` shows the scan's own fields (employer, date, consultant, hours,
shifts, hourly cost, what the freed hours become, notes) with the scan's revision in a hidden
field; the save changes only the fields the form changed, against that revision
(``Store.save_record``), so a task another coach saves meanwhile is never touched (tasks and
roles count their own revisions).

``GET /scans/{sid}/roles/edit?role=R`` edits one role (title, hourly cost, headcount; another
id renames it and its tasks follow), checked against the role's revision
(:func:`matchcore.store.roles.save_role`); ``POST /scans/{sid}/roles/delete`` removes a role no
task belongs to. When someone else changed the role or the header meanwhile the answer is 409
with the form as typed, a message naming who and what, and their version beside it.
"""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from matchcore.errors import EditConflict, NotFound, ValidationFailed
from matchcore.i18n import N_
from matchcore.store import roles as role_edits
from matchcore.web import audit, forms
from matchcore.web.rendering import render, store_of, user_of
from matchcore.web.views_edit import conflict_message

__all__ = ["routes"]

HEADER_LABELS = {"employer": N_("employer"), "date": N_("date"), "consultant": N_("consultant"),
                 "full_time_hours": N_("full-time hours"), "shifts_per_day": N_("shifts a day"),
                 "carved_hourly_cost_eur": N_("hourly cost of the carved function"),
                 "freed_hours_use": N_("what the freed hours become"), "notes": N_("notes")}
ROLE_LABELS = {"title": N_("title"), "hourly_cost_eur": N_("hourly cost"),
               "headcount": N_("headcount"), "id": N_("id")}
FREED_HOURS_LABELS = {"experts_back": N_("the experts spend them on their own craft"),
                      "saves_cost": N_("they replace paid hours (overtime, temporary staff)")}


def _revision(form) -> int | None:
    raw = str(form.get("revision") or "").strip()
    return int(raw) if raw.isdigit() else None


# --- the header ------------------------------------------------------------------------------

def _header_page(request: Request, scan, *, values: dict | None = None, errors: dict | None = None,
                 revision: int | None = None, conflict: str | None = None, theirs=None,
                 status: int = 200):
    store = store_of(request)
    return render(request, "scan_edit.html", {
        "scan": scan, "values": values if values is not None else forms.header_to_values(scan),
        "errors": errors or {}, "revision": scan.revision if revision is None else revision,
        "conflict": conflict, "theirs": theirs, "uses": FREED_HOURS_LABELS,
        "employers": store.rows("select id, name from employers order by name")}, status=status)


def header_page(request: Request):
    return _header_page(request, store_of(request).scan(request.path_params["sid"]))


async def header_save(request: Request):
    form = await request.form()
    return await run_in_threadpool(_header_save, request, form)


def _header_save(request: Request, form):
    store = store_of(request)
    sid = request.path_params["sid"]
    user = user_of(request)
    scan = store.scan(sid)
    values = forms.header_values(form)
    revision = _revision(form)
    revision = scan.revision if revision is None else revision
    new, changed, errors = forms.check_scan_header(store, scan, values)
    if errors:
        return _header_page(request, scan, values=values, errors=errors, revision=revision,
                            status=422)
    try:
        with store.write(bump=False):
            store.save_record(new, expected_revision=revision, fields=changed, by=user)
            if changed:
                audit.record(store, user, "scan.edit", f"scan:{sid}", {"fields": sorted(changed)})
    except EditConflict as exc:
        now = store.scan(sid)
        # the hidden revision becomes the one now stored: saving again is a deliberate choice
        return _header_page(request, now, values=values, revision=now.revision,
                            conflict=conflict_message(exc, HEADER_LABELS),
                            theirs=forms.header_to_values(now), status=409)
    except ValidationFailed as exc:  # the merged scan does not validate (rare)
        return _header_page(request, scan, values=values, revision=revision, status=422,
                            errors={"_form": "; ".join(p.message for p in exc.problems)})
    return RedirectResponse(f"/scans/{sid}?edited=header", status_code=303)


# --- roles -----------------------------------------------------------------------------------

def _role_of(scan, role_id: str | None):
    role = next((r for r in scan.roles if r.id == role_id), None)
    if role_id and role is None:
        raise NotFound("role", f"{scan.id}/{role_id}")
    return role


def _role_page(request: Request, scan, role, *, values: dict | None = None,
               errors: dict | None = None, revision: int | None = None,
               conflict: str | None = None, theirs=None, status: int = 200):
    tasks = [t.id for t in scan.tasks if role is not None and t.role == role.id]
    return render(request, "role_edit.html", {
        "scan": scan, "role": role, "tasks": tasks,
        "values": values if values is not None else (forms.role_to_values(role) if role else {}),
        "errors": errors or {}, "conflict": conflict, "theirs": theirs,
        "revision": (role.revision if role is not None else None) if revision is None else revision},
        status=status)


def role_page(request: Request):
    scan = store_of(request).scan(request.path_params["sid"])
    role_id = request.query_params.get("role")
    return _role_page(request, scan, _role_of(scan, role_id))


async def role_save(request: Request):
    form = await request.form()
    return await run_in_threadpool(_role_save, request, form)


def _role_save(request: Request, form):
    store = store_of(request)
    sid = request.path_params["sid"]
    user = user_of(request)
    scan = store.scan(sid)
    role_id = str(form.get("role") or "").strip()
    values = forms.role_values(form)
    revision = _revision(form)
    role = next((r for r in scan.roles if r.id == role_id), None)
    if role is None and store.revision("role", role_id, sid) == 0:
        raise NotFound("role", f"{sid}/{role_id}")
    if role is None:  # renamed or removed since the form was shown
        return _role_conflict(request, sid, role_id, values, revision or 0, None)
    revision = role.revision if revision is None else revision
    new, changed, errors = forms.check_role_edit(scan, role_id, values)
    if errors:
        return _role_page(request, scan, role, values=values, errors=errors, revision=revision,
                          status=422)
    try:
        with store.write(bump=False):
            if changed:
                stored = role_edits.save_role(store, sid, role_id, new, expected_revision=revision,
                                              fields=[f for f in changed if f != "id"], by=user)
                audit.record(store, user, "scan.role.edit", f"scan:{sid}/role:{role_id}",
                             {"fields": changed, "id": stored.id})
    except EditConflict as exc:
        return _role_conflict(request, sid, role_id, values, revision, exc)
    except ValidationFailed as exc:  # the new id taken meanwhile
        return _role_page(request, store.scan(sid), role, values=values, revision=revision,
                          status=409, errors={"role_id": "; ".join(p.message for p in exc.problems)})
    return RedirectResponse(f"/scans/{sid}?edited=role#roles", status_code=303)


def _role_conflict(request: Request, sid: str, role_id: str, values: dict, revision: int,
                   exc: EditConflict | None):
    store = store_of(request)
    scan = store.scan(sid)
    now = next((r for r in scan.roles if r.id == role_id), None)
    if exc is None:  # renamed or removed: who did it, and when
        exc = role_edits.conflict_for(store, sid, role_id, revision)
    return _role_page(request, scan, now, values=values, conflict=conflict_message(exc, ROLE_LABELS),
                      revision=now.revision if now is not None else None,
                      theirs=forms.role_to_values(now) if now is not None else None, status=409)


async def role_delete(request: Request):
    form = await request.form()
    return await run_in_threadpool(_role_delete, request, form)


def _role_delete(request: Request, form):
    store = store_of(request)
    sid = request.path_params["sid"]
    user = user_of(request)
    role_id = str(form.get("role") or "").strip()
    revision = _revision(form)
    scan = store.scan(sid)
    role = next((r for r in scan.roles if r.id == role_id), None)
    if role is None and revision is None:
        return RedirectResponse(f"/scans/{sid}#roles", status_code=303)  # gone already
    try:
        with store.write(bump=False):
            gone = role_edits.remove_role(store, sid, role_id, by=user, expected_revision=(
                revision if revision is not None else role.revision))
            audit.record(store, user, "scan.role.remove", f"scan:{sid}/role:{role_id}",
                         gone.model_dump(mode="json", exclude_defaults=True))
    except EditConflict as exc:
        now = store.scan(sid)
        role = next((r for r in now.roles if r.id == role_id), None)
        return _role_page(request, now, role, conflict=conflict_message(exc, ROLE_LABELS),
                          theirs=forms.role_to_values(role) if role else None, status=409)
    except ValidationFailed as exc:  # tasks belong to it (maybe one added meanwhile)
        now = store.scan(sid)
        role = next((r for r in now.roles if r.id == role_id), None)
        return _role_page(request, now, role, status=409,
                          errors={"_form": "; ".join(p.message for p in exc.problems)})
    return RedirectResponse(f"/scans/{sid}?edited=role#roles", status_code=303)


routes = [
    Route("/scans/{sid}/edit", header_page),
    Route("/scans/{sid}/edit", header_save, methods=["POST"]),
    Route("/scans/{sid}/roles/edit", role_page),
    Route("/scans/{sid}/roles/edit", role_save, methods=["POST"]),
    Route("/scans/{sid}/roles/delete", role_delete, methods=["POST"]),
]
