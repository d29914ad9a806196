"""Editing candidates and employers in the browser, as their data-file YAML.

``GET /candidates/{cid}/edit`` (and ``/employers/{eid}/edit``, the employer with its functions)
shows the record as ``matchcore export`` writes it, in one text area, with its revision in a
hidden field. The save reads the text with the import's YAML loader and checks it with
:func:`matchcore.model.parse_record`, so every problem is the import's message naming record and
field (national register numbers and size bounds included); nothing is saved then (422, the
text as typed). The save is checked against the revision read (``Store.save_record``): when
someone else saved the record meanwhile the answer is 409, naming who and what, with the text
as typed and the stored version beside it. ``GET /candidates/new`` and ``/employers/new`` show
a template to fill in; an id that exists is refused (409), never overwritten.
"""
from __future__ import annotations

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from matchcore.errors import EditConflict, RecordProblem, ValidationFailed
from matchcore.i18n import _, N_
from matchcore.model import parse_record, to_document
from matchcore.web import audit, views_edit, views_scan_edit
from matchcore.web.rendering import render, store_of, user_of
from matchcore.yamlfiles import MAX_NESTING, UniqueKeyLoader, yaml_problem

__all__ = ["routes"]

# One record is a few kB (the largest bundled employer, 9 functions, is under 6 kB); the
# bound keeps a pasted file or an attack from being parsed.
MAX_TEXT_CHARS = 200_000

_KINDS = {"candidate": ("candidates", "cid"), "employer": ("employers", "eid")}
_TITLES = {"candidate": N_("Edit candidate {id}"), "employer": N_("Edit employer {id}")}
_NEW_TITLES = {"candidate": N_("New candidate"), "employer": N_("New employer")}


def _yaml(doc: dict) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def _template(store, kind: str) -> str:
    """The text a new record starts from: a free pseudonymous id, no names."""
    if kind == "candidate":
        taken = set(store.ids("candidate"))
        n = 100
        while f"K-{n:04d}" in taken:
            n += 1
        doc = {"kind": "candidate", "id": f"K-{n:04d}",
               "home": {"postcode": "9000", "municipality": "Gent"},
               "max_commute_km": 10, "transport": ["bike"], "hours_per_week": 20,
               "dutch_level": "A2", "job_targets": [], "competences": []}
    else:
        taken = set(store.ids("employer"))
        base, n = "nieuwe-werkgever", 1
        rid = base
        while rid in taken:
            n += 1
            rid = f"{base}-{n}"
        doc = {"kind": "employer", "id": rid, "name": "", "sector": "",
               "location": {"postcode": "9000", "municipality": "Gent"},
               "functions": [{"id": "functie-1", "title": "", "hours_per_week": 20,
                              "competences": []}]}
    return _yaml(doc)


def _parse(text: str, kind: str, record_id: str | None):
    """(record, problems) for the typed text; ``record_id`` the id it must keep (editing)."""
    if len(text) > MAX_TEXT_CHARS:
        return None, [RecordProblem(None, None, None, _(
            "the text is too long: {n} characters, at most {max}").format(n=len(text), max=MAX_TEXT_CHARS))]
    try:
        raw = yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except ValidationFailed as exc:  # a key twice, a date that does not exist, too deep
        return None, exc.problems
    except yaml.YAMLError as exc:
        where, what = yaml_problem(exc)
        return None, [RecordProblem(None, where, None, what)]
    except RecursionError:
        return None, [RecordProblem(None, None, None, _(
            "nests more than {n} levels deep").format(n=MAX_NESTING))]
    if isinstance(raw, dict) and raw.get("kind") != kind:
        return None, [RecordProblem(None, None, "kind", _("must stay {kind}").format(kind=kind))]
    record, problems = parse_record(raw)
    if record is not None and record_id is not None and record.id != record_id:
        return None, [RecordProblem(None, None, "id", _(
            "a record keeps its id ({id}); create a new record instead").format(id=record_id))]
    return record, problems


def _changed_fields(old: dict, new: dict) -> list[str]:
    """The top-level fields that differ, for the audit line (names only: no personal data)."""
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


# --- edit ----------------------------------------------------------------------------------

def _edit_page(request: Request, kind: str, record_id: str, *, text: str | None = None,
               revision: int | None = None, problems=(), conflict: str | None = None,
               theirs: str | None = None, status: int = 200):
    store = store_of(request)
    record = store.record(kind, record_id)  # NotFound: 404 with a hint
    plural, _param = _KINDS[kind]
    return render(request, "records_edit.html", {
        "kind": kind, "record_id": record_id, "title": _(_TITLES[kind]).format(id=record_id),
        "text": _yaml(to_document(record)) if text is None else text,
        "revision": record.revision if revision is None else revision,
        "problems": [str(p) for p in problems], "conflict": conflict, "theirs": theirs,
        "action": f"/{plural}/{record_id}/edit", "back": f"/{plural}/{record_id}"}, status=status)


def _kind_of(request: Request) -> tuple[str, str]:
    kind = "candidate" if "cid" in request.path_params else "employer"
    return kind, request.path_params[_KINDS[kind][1]]


def edit_page(request: Request):
    kind, record_id = _kind_of(request)
    return _edit_page(request, kind, record_id)


async def edit_save(request: Request):
    form = await request.form()
    return await run_in_threadpool(_edit_save, request, form)


def _edit_save(request: Request, form):
    store = store_of(request)
    kind, record_id = _kind_of(request)
    user = user_of(request)
    text = str(form.get("text") or "")
    raw_rev = str(form.get("revision") or "").strip()
    stored = store.record(kind, record_id)
    revision = int(raw_rev) if raw_rev.isdigit() else stored.revision
    record, problems = _parse(text, kind, record_id)
    if problems:
        return _edit_page(request, kind, record_id, text=text, revision=revision,
                          problems=problems, status=422)
    try:
        with store.write():
            fields = _changed_fields(to_document(stored), to_document(record))
            store.save_record(record, expected_revision=revision, by=user)
            audit.record(store, user, f"{kind}.edit", f"{kind}:{record_id}", {"fields": fields})
    except EditConflict as exc:
        now = store.record(kind, record_id)
        # the hidden revision becomes the one now stored: saving again, after reading the
        # other version, is a deliberate choice to keep this text
        return _edit_page(request, kind, record_id, text=text, revision=now.revision,
                          conflict=str(exc), theirs=_yaml(to_document(now)), status=409)
    except ValidationFailed as exc:  # the merged record does not validate (rare)
        return _edit_page(request, kind, record_id, text=text, revision=revision,
                          problems=exc.problems, status=422)
    return RedirectResponse(f"/{_KINDS[kind][0]}/{record_id}?saved=1", status_code=303)


# --- new -----------------------------------------------------------------------------------

def _new_page(request: Request, kind: str, *, text: str | None = None, problems=(),
              status: int = 200):
    plural = _KINDS[kind][0]
    return render(request, "records_new.html", {
        "kind": kind, "title": _(_NEW_TITLES[kind]),
        "text": _template(store_of(request), kind) if text is None else text,
        "problems": [str(p) for p in problems], "action": f"/{plural}/new",
        "back": f"/{plural}"}, status=status)


def _new_kind(request: Request) -> str:
    return "candidate" if request.url.path.startswith("/candidates") else "employer"


def new_page(request: Request):
    return _new_page(request, _new_kind(request))


async def new_save(request: Request):
    form = await request.form()
    return await run_in_threadpool(_new_save, request, form)


def _new_save(request: Request, form):
    store = store_of(request)
    kind = _new_kind(request)
    user = user_of(request)
    text = str(form.get("text") or "")
    record, problems = _parse(text, kind, None)
    if problems:
        return _new_page(request, kind, text=text, problems=problems, status=422)
    if record.id in store.ids(kind):
        return _new_page(request, kind, text=text, status=409, problems=[RecordProblem(
            None, None, "id", _("{id} exists already; choose another id or edit that record").format(
                id=record.id))])
    try:
        with store.write():
            store.create_record(record, by=user)
            audit.record(store, user, f"{kind}.create", f"{kind}:{record.id}",
                         {"fields": sorted(to_document(record))})
    except EditConflict as exc:  # created by someone else between the check and the save
        return _new_page(request, kind, text=text, status=409,
                         problems=[RecordProblem(None, None, "id", str(exc))])
    return RedirectResponse(f"/{_KINDS[kind][0]}/{record.id}?saved=1", status_code=303)


# Before the jobhunter routes: /candidates/new is not a candidate's page.
routes = [
    Route("/candidates/new", new_page),
    Route("/candidates/new", new_save, methods=["POST"]),
    Route("/employers/new", new_page),
    Route("/employers/new", new_save, methods=["POST"]),
    Route("/candidates/{cid}/edit", edit_page),
    Route("/candidates/{cid}/edit", edit_save, methods=["POST"]),
    Route("/employers/{eid}/edit", edit_page),
    Route("/employers/{eid}/edit", edit_save, methods=["POST"]),
    # correcting calls, erasing a candidate, a scan's header and roles (issue 14)
    *views_edit.routes,
    *views_scan_edit.routes,
]
