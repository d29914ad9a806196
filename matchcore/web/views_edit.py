"""Correcting a logged call, and erasing a candidate, in the browser (issue 14).

``GET /employers/{eid}/calls/edit?call=N`` shows the call's outcome, dates and note in a form
with the entry's revision in a hidden field (without ``call``: the employer's calls to choose
from). The save is validated like recording a call (:func:`contacts.check_call`: the dates, the
outcome, no national register number in the note) and made against that revision
(:func:`contacts.update_call`): when another coach corrected the entry meanwhile the answer is
409 with the form as typed, a message saying who and when, and their version beside it.

``GET /candidates/{cid}/erase`` names what an erasure removes (the person, their trajectory,
contact-log entries, revision history, audit lines about them, the cached match data and the
embeddings of their texts), counted by the same function ``matchcore delete candidate`` uses
(:func:`matchcore.store.erasure.erase_candidate`); ``POST`` erases, with one audit line that
holds the pseudonymous id and row counts only.
"""
from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from matchcore.errors import EditConflict
from matchcore.i18n import N_, _, format_date
from matchcore.web import contacts, erasure
from matchcore.web.rendering import render, store_of, user_of

__all__ = ["conflict_message", "routes"]

# the fields of a call the correction form shows, as the conflict message names them
CALL_FIELDS = {"outcome": N_("outcome"), "outcome_date": N_("date"),
               "feedback_date": N_("feedback date"), "note": N_("note")}


def _utc_time(iso: str | None) -> str:
    """'2026-12-02T07:01:30+00:00' -> '02/12/2026 07:01' (the day as Belgians write it)."""
    try:
        at = dt.datetime.fromisoformat(iso or "")
    except ValueError:
        return iso or "?"
    return f"{format_date(at.date(), 'short')} {at:%H:%M}"


def conflict_message(exc: EditConflict, labels: dict[str, str]) -> str:
    """An EditConflict in the coach's words: who changed which fields when; nothing was saved."""
    fields = ", ".join(_(labels.get(f[0], f[0])) for f in exc.fields) or _("other fields")
    when = _utc_time(exc.at)
    if exc.action == "removed":
        return _("Not saved: {who} removed this at {time} UTC, after you opened it.").format(
            who=exc.by or _("someone"), time=when)
    return _("Not saved: {who} changed {fields} at {time} UTC, after you opened this form. "
             "Their version is shown below; what you typed is still in the form. Save again "
             "to put yours in its place.").format(who=exc.by or _("someone"), fields=fields,
                                                  time=when)


# --- correcting a call -----------------------------------------------------------------------

def _call_values(call: dict) -> dict:
    """A stored call as the form shows it (dates day first, as a Flemish coach types them)."""
    values = {"outcome": call["outcome"], "note": call["note"] or ""}
    for key in ("outcome_date", "feedback_date"):
        iso = call[key]
        values[key] = f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso and len(iso) >= 10 else (iso or "")
    return values


def _call_id(raw) -> int | None:
    raw = str(raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _call_page(request: Request, *, call: dict | None = None, values: dict | None = None,
               errors: dict | None = None, revision: int | None = None,
               conflict: str | None = None, theirs: dict | None = None, status: int = 200):
    store = store_of(request)
    eid = request.path_params["eid"]
    emp = store.employer(eid)  # NotFound: 404 with a hint
    ctx = {"employer": emp, "call": call, "values": values or {}, "errors": errors or {},
           "revision": revision, "conflict": conflict, "theirs": theirs,
           "outcomes": contacts.OUTCOMES, "calls": contacts.calls_for(store, eid)}
    return render(request, "call_edit.html", ctx, status=status)


def call_edit_page(request: Request):
    store = store_of(request)
    call_id = _call_id(request.query_params.get("call"))
    if call_id is None:  # which call? the employer's list, each with its correction link
        return _call_page(request)
    call = contacts.get_call(store, call_id, request.path_params["eid"])
    return _call_page(request, call=call, values=_call_values(call), revision=call["revision"])


async def call_edit_save(request: Request):
    form = await request.form()
    return await run_in_threadpool(_call_edit_save, request, dict(form))


def _call_edit_save(request: Request, form: dict):
    store = store_of(request)
    eid = request.path_params["eid"]
    call_id = _call_id(form.get("call"))
    if call_id is None:
        return _call_page(request, errors={"_form": _("choose the call to correct")}, status=422)
    call = contacts.get_call(store, call_id, eid)
    raw_rev = str(form.get("revision") or "").strip()
    revision = int(raw_rev) if raw_rev.isdigit() else call["revision"]
    values = {k: str(form.get(k) or "") for k in ("outcome", "outcome_date", "feedback_date", "note")}
    clean, errors = contacts.check_call(values)
    if errors:
        return _call_page(request, call=call, values=values, errors=errors, revision=revision,
                          status=422)
    try:
        contacts.update_call(store, call_id, clean, expected_revision=revision,
                             user=user_of(request) or "local")
    except EditConflict as exc:
        now = contacts.get_call(store, call_id, eid)
        # the hidden revision becomes the one stored now: saving again, after reading theirs,
        # is a deliberate choice to keep what this coach typed
        return _call_page(request, call=now, values=values, revision=now["revision"],
                          conflict=conflict_message(exc, CALL_FIELDS), theirs=now, status=409)
    return RedirectResponse(f"/employers/{eid}?saved=1#calls", status_code=303)


# --- erasing a candidate ---------------------------------------------------------------------

# What each table holds about a person, as the confirmation page names it (see
# matchcore/store/erasure.py for what goes); tables a later migration adds show their name.
ERASED = {"candidates": N_("the person's record (pseudonymous id, home, limits, notes)"),
          "candidate_competences": N_("their competences"),
          "trajectories": N_("their trajectory (phases, placement, aftercare)"),
          "trajectory_actions": N_("the actions of their development plan"),
          "contact_log": N_("contact-log entries about them"),
          "revisions": N_("the revision history of their record and trajectory"),
          "audit_log": N_("audit lines that name them")}


def erase_page(request: Request):
    store = store_of(request)
    cid = request.path_params["cid"]
    planned = store.erase_candidate(cid, dry_run=True)  # NotFound: 404 with a hint
    rows = [{"table": t, "what": _(ERASED[t]) if t in ERASED else t, "n": n}
            for t, n in planned.items()]
    return render(request, "erase.html", {"candidate_id": cid, "rows": rows})


async def erase(request: Request):
    await request.form()  # the guard checked its CSRF token
    return await run_in_threadpool(_erase, request)


def _erase(request: Request):
    store = store_of(request)
    cid = request.path_params["cid"]
    # NotFound: 404 (erased already, or never there)
    erasure.erase_candidate(store, cid, user=user_of(request) or "local")
    return RedirectResponse(f"/candidates?erased={cid}", status_code=303)


routes = [
    Route("/employers/{eid}/calls/edit", call_edit_page),
    Route("/employers/{eid}/calls/edit", call_edit_save, methods=["POST"]),
    Route("/candidates/{cid}/erase", erase_page),
    Route("/candidates/{cid}/erase", erase, methods=["POST"]),
]
