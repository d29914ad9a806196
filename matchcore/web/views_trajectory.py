"""A candidate's doorstroomtraject in the web app (issue 14): the page and its forms.

``GET /candidates/{cid}/traject`` shows the trajectory (phases with dates, engagement date, coach,
the PDP actions with overdue ones flagged, the placement with its instrument, aftercare and
reminders) or a form to start one. Each form posts to its own path below it and changes the
stored trajectory through :func:`matchcore.store.trajectories.change`, with the revision the page
was made from: when another coach changed the trajectory meanwhile the answer is 409, the page
shows their version and keeps what was typed; nothing of theirs is overwritten. The changes
themselves are those of ``matchcore traject`` (:mod:`matchcore.trajectory`): this module only
reads the form, and shows the same messages (the model's, the store's, the instruments').

``GET /candidates/{cid}/pdp`` is the printable PDP (:func:`matchcore.reports.pdp.render_pdp`);
without a trajectory it is the empty form, to fill in by hand.

Every change is written with its audit line in one transaction (:mod:`matchcore.web.audit`);
the audit names the form and the action ids, never their texts.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from matchcore.errors import EditConflict, NotFound, TrajectoryError, ValidationFailed
from matchcore.i18n import _, use_language
from matchcore.instruments import get_registry
from matchcore.model.trajectory import AFTERCARE_FORMS, PHASES, Action, Trajectory, next_action_id
from matchcore.reports.pdp import AFTERCARE_LABELS, PHASE_LABELS, SOURCE_LABELS, render_pdp
from matchcore.store import trajectories
from matchcore.trajectory import PLAN_DAYS, add_plan, enter_phase, place
from matchcore.web import audit, engine
from matchcore.web.labels import parse_date, yes_no
from matchcore.web.rendering import language_of, render, store_of, user_of
from matchcore.web.views_agenda import agenda_page

__all__ = ["routes"]

FORMS = ("phase", "add", "done", "edit", "plan", "place")


def _sorted_actions(traj) -> list:
    """Open before done, by due date (undated last), then id: the order of ``traject show``."""
    return sorted(traj.actions, key=lambda a: (a.status == "done", a.due is None, a.due or dt.date.max, a.id))


def _functions(store) -> list[dict]:
    return store.rows("select f.id, f.title, e.name as employer_name from functions f "
                      "join employers e on e.id = f.employer_id order by e.name, f.title")


def _instruments(on: dt.date) -> list[dict]:
    out = []
    for code, (inst, _plugin) in sorted(get_registry().instruments.items(), key=lambda kv: kv[0].casefold()):
        out.append({"code": code, "name": _(inst.name) if inst.name else code,
                    "current": inst.exists_on(on)})
    return out


def _page(request: Request, cid: str, *, form: str | None = None, values: dict | None = None,
          errors: dict | None = None, problems=(), conflict: EditConflict | None = None,
          result: dict | None = None, status: int = 200):
    store = store_of(request)
    candidate = store.candidate(cid)  # NotFound: 404 with a hint
    traj = trajectories.get(store, cid)
    today = dt.date.today()
    return render(request, "traject.html", {
        "candidate": candidate, "traj": traj, "revision": traj.revision if traj else 0,
        "actions": _sorted_actions(traj) if traj else [], "today": today,
        "functions": _functions(store), "instruments": _instruments(today),
        "phases": [(p, _(PHASE_LABELS[p])) for p in PHASES],
        "phase_labels": {p: _(PHASE_LABELS[p]) for p in PHASES},
        "sources": {k: _(v) for k, v in SOURCE_LABELS.items()},
        "aftercare_forms": [(f, _(AFTERCARE_LABELS[f])) for f in AFTERCARE_FORMS],
        "aftercare_labels": {f: _(AFTERCARE_LABELS[f]) for f in AFTERCARE_FORMS},
        "plan_days": PLAN_DAYS, "form": form, "values": values or {}, "errors": errors or {},
        "problems": [str(p) for p in problems], "conflict": conflict, "result": result,
        "saved": request.query_params.get("saved"), "user": user_of(request)}, status=status)


def traject_page(request: Request):
    return _page(request, request.path_params["cid"])


def pdp_page(request: Request):
    store = store_of(request)
    cid = request.path_params["cid"]
    candidate = store.candidate(cid)
    traj = trajectories.get(store, cid) or Trajectory(candidate=cid)
    with use_language(language_of(request)):
        return HTMLResponse(render_pdp(traj, candidate=candidate))


# --- reading the forms ---------------------------------------------------------------------

def _date(form: dict, name: str, errors: dict, *, required: bool = False) -> dt.date | None:
    text = form.get(name, "").strip()
    if not text:
        if required:
            errors[name] = _("is required")
        return None
    try:
        return parse_date(text)
    except ValueError:
        errors[name] = _("must be a date written dd/mm/yyyy, got {value!r}").format(value=text)
        return None


def _text(form: dict, name: str) -> str | None:
    return form.get(name, "").strip() or None


def _choice(form: dict, name: str, choices, errors: dict, default: str | None = None) -> str | None:
    value = form.get(name, "").strip() or default
    if value not in choices:
        errors[name] = _("must be one of {expected}, got {value}").format(
            expected=", ".join(choices), value=repr(value or ""))
        return None
    return value


def _function(store, form: dict, errors: dict):
    fid = form.get("function", "").strip()
    if not fid:
        errors["function"] = _("is required")
        return None, None, None
    try:
        employer, function = store.function(fid)
    except NotFound as exc:
        errors["function"] = str(exc)
        return None, None, None
    return fid, employer, function


# Each returns (edit, audit detail) for trajectories.change, or adds to ``errors``.

def _phase(store, cid, form, errors, holder):
    phase = _choice(form, "phase", PHASES, errors)
    day = _date(form, "date", errors) or dt.date.today()
    engagement = _date(form, "engagement", errors)
    note, coach = _text(form, "note"), _text(form, "coach")

    def edit(traj):
        enter_phase(traj, phase, day, note=note)
        if coach:
            traj.coach = coach
        if engagement:
            traj.engagement_date = engagement

    return edit, {"phase": phase}


def _add(store, cid, form, errors, holder):
    due = _date(form, "due", errors)
    what, who, note = form.get("what", "").strip(), _text(form, "who"), _text(form, "note")

    def edit(traj):
        holder["id"] = next_action_id(a.id for a in traj.actions)
        # an empty "what" is the model's message ("what must be a non-empty text"), as in the CLI
        traj.actions.append(Action(id=holder["id"], what=what, who=who, due=due, note=note,
                                   source="manual"))

    return edit, {}


def _done(store, cid, form, errors, holder):
    action_id = form.get("action", "").strip()
    day = _date(form, "done_on", errors) or dt.date.today()

    def edit(traj):
        found = traj.require_action(action_id)
        found.status, found.done_on = "done", day

    return edit, {"action": action_id}


def _edit(store, cid, form, errors, holder):
    action_id = form.get("action", "").strip()
    due = _date(form, "due", errors)
    what, who, note = form.get("what", "").strip(), _text(form, "who"), _text(form, "note")
    reopen = yes_no(form.get("reopen")) is True

    def edit(traj):
        # the form shows every field filled in: what it posts is the action as it should be
        found = traj.require_action(action_id)
        found.what, found.who, found.due, found.note = what, who, due, note
        if reopen:
            found.status, found.done_on = "open", None

    return edit, {"action": action_id}


def _plan(store, cid, form, errors, holder):
    fid, employer, function = _function(store, form, errors)
    on = _date(form, "on", errors) or dt.date.today()
    due = _date(form, "due", errors)
    if errors:
        return None, {}
    match = engine.match_pair(store, cid, fid)

    def edit(traj):
        holder["plan"] = add_plan(traj, match, employer, function, on=on, due=due)

    return edit, {"function": fid}


def _place(store, cid, form, errors, holder):
    fid, employer, function = _function(store, form, errors)
    start = _date(form, "start", errors, required=True)
    on = _date(form, "on", errors)
    aftercare = _choice(form, "aftercare", AFTERCARE_FORMS, errors, default="zonder")
    instrument = _text(form, "instrument")
    if errors:
        return None, {}
    candidate = store.candidate(cid)

    def edit(traj):
        holder["field"] = "instrument"  # a NotFound now: no instrument with that code (with a hint)
        holder["place"] = place(traj, candidate, employer, function, start=start,
                                aftercare=aftercare, instrument=instrument, on=on)

    return edit, {"function": fid, "instrument": instrument}


_READERS = {"phase": _phase, "add": _add, "done": _done, "edit": _edit, "plan": _plan, "place": _place}
# the fields of the model's messages, by form: a problem about "what" goes next to that field
_FIELDS = {"add": ("what", "who", "due", "note"), "edit": ("what", "who", "due", "note")}


def _problem_fields(name: str, problems) -> tuple[dict, list]:
    errors, rest = {}, []
    for p in problems:
        field = (p.field or "").split(".")[-1]
        if field in _FIELDS.get(name, ()) and field not in errors:
            errors[field] = p.message
        else:
            rest.append(p)
    return errors, rest


# --- posting -------------------------------------------------------------------------------

def _poster(name: str):
    async def post(request: Request):
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        return await run_in_threadpool(_change, request, name, values)

    post.__name__ = f"post_{name}"
    return post


def _change(request: Request, name: str, form: dict):
    store = store_of(request)
    cid = request.path_params["cid"]
    store.candidate(cid)  # NotFound: 404 with a hint
    user = user_of(request)
    errors: dict[str, str] = {}
    raw_rev = form.get("revision", "").strip()
    if not raw_rev.isdigit():  # every form of the page has it: an old page or a hand-made post
        return _page(request, cid, form=name, values=form, status=422, problems=[
            _("the form has no revision of the trajectory; reload the page and try again")])
    holder: dict = {}
    edit, detail = _READERS[name](store, cid, form, errors, holder)
    if errors:
        return _page(request, cid, form=name, values=form, errors=errors, status=422)
    try:
        with store.write(bump=False):
            trajectories.change(store, cid, edit, expected_revision=int(raw_rev), by=user)
            if "id" in holder:
                detail["action"] = holder["id"]
            audit.record(store, user, f"trajectory.{name}", f"trajectory:{cid}", detail)
    except EditConflict as exc:
        return _page(request, cid, form=name, values=form, conflict=exc, status=409)
    except ValidationFailed as exc:
        errors, rest = _problem_fields(name, exc.problems)
        return _page(request, cid, form=name, values=form, errors=errors, problems=rest, status=422)
    except NotFound as exc:
        if "field" not in holder:
            raise
        return _page(request, cid, form=name, values=form, errors={holder["field"]: str(exc)}, status=422)
    except TrajectoryError as exc:
        return _page(request, cid, form=name, values=form, problems=[str(exc)], status=422)
    if name in ("plan", "place"):  # what was planned or placed, shown once above the trajectory
        return _page(request, cid, result=_result(name, holder[name]))
    return RedirectResponse(f"/candidates/{quote(cid)}/traject?saved={name}#{_anchor(name)}", status_code=303)


def _anchor(name: str) -> str:
    return "traject-phases" if name == "phase" else "traject-actions"


def _result(name: str, out) -> dict:
    if name == "plan":
        return {"kind": "plan", "function": out.function, "added": out.added,
                "kept_exclusions": out.kept_exclusions, "note": out.note}
    return {"kind": "place", "placement": out.placement, "eligible": out.eligible,
            "not_met": out.reasons, "instrument_actions": out.instrument_actions,
            "aftercare_actions": out.aftercare_actions}


routes = [
    Route("/agenda", agenda_page),
    Route("/candidates/{cid}/traject", traject_page),
    *(Route(f"/candidates/{{cid}}/traject/{name}", _poster(name), methods=["POST"]) for name in FORMS),
    Route("/candidates/{cid}/pdp", pdp_page),
]
