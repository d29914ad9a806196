"""Edits checked against the revision they started from (compare-and-swap), for the
:class:`~matchcore.store.db.Store` methods ``save_task``, ``remove_task``, ``add_role`` and
``save_record``.

Each runs in one write transaction: read the stored document, compare the record's revision
with the one the editor read, apply only the fields the editor changed, validate the whole
record, write. When the revision moved, nothing is written and :class:`EditConflict` names who
changed which fields, their values and the editor's. Adding a task never conflicts with another
addition: without an explicit id it takes the next free ``tNN`` inside the transaction.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from matchcore.errors import EditConflict, NotFound, ValidationFailed, closest
from matchcore.model import Task, parse_record, to_document
from matchcore.store import revisions as rv

__all__ = ["add_role", "create_record", "remove_task", "save_record", "save_task"]


def _raw(part: Any) -> dict:
    """A task or role as a document (a model's JSON dump, or the mapping as given)."""
    if hasattr(part, "model_dump"):
        return part.model_dump(mode="json")
    return dict(part)


def _full(model, doc: dict | None) -> dict | None:
    """A part with every field, defaults filled in, to compare and to show; as given when it
    does not validate on its own."""
    if doc is None:
        return None
    try:
        return model.model_validate(doc).model_dump(mode="json")
    except ValueError:
        return doc


def _scan_doc(store, scan_id: str) -> dict:
    doc = store._stored_doc("scan", scan_id)
    if doc is None:
        raise NotFound("scan", scan_id, store.suggest("scan", scan_id))
    return doc


def _validated(store, doc: dict, by: str | None):
    record, problems = parse_record(doc)
    if problems:
        raise ValidationFailed(problems)
    store._put(record, by)
    return record


def next_free_task_id(taken: Iterable[str]) -> str:
    """t01, t02, ...: the first free one after the highest number used."""
    taken = set(taken)
    nums = [int(m.group(1)) for t in taken if (m := re.fullmatch(r"t(\d+)", t))]
    n = max(nums, default=0) + 1
    while f"t{n:02d}" in taken:
        n += 1
    return f"t{n:02d}"


def _conflict(db, label: str, kind: str, rid: str, parent: str, expected: int,
              theirs: dict | None, yours: dict | None, fields: Iterable[str] | None = None):
    """The EditConflict for a record whose revision moved past ``expected``."""
    changes = rv.changes_since(db, kind, rid, expected, parent)
    latest = changes[-1] if changes else rv.current(db, kind, rid, parent)
    bys = list(dict.fromkeys(c.by for c in changes if c.by)) or [latest.by if latest else None]
    if latest is not None and latest.removed:
        return EditConflict(label, by=", ".join(filter(None, bys)) or None,
                            at=latest.at, action="removed")
    names = sorted({f for c in changes for f in c.fields} - {"id"})
    if fields is not None:  # the fields the editor changed first, then the others'
        mine = [f for f in names if f in set(fields)]
        names = mine + [f for f in names if f not in mine]
    shown = [(f, (theirs or {}).get(f), (yours or {}).get(f)) if yours is not None
             else (f, (theirs or {}).get(f)) for f in names]
    return EditConflict(label, by=", ".join(filter(None, bys)) or None,
                        at=latest.at if latest else None, fields=shown)


def save_task(store, scan_id: str, task: Any, *, expected_revision: int | None,
              fields: Iterable[str] | None = None, by: str | None = None, auto_id: bool = False):
    """Add a task (``expected_revision`` None) or change one; return it as stored.

    Adding: with ``auto_id`` or no id the task takes the next free ``tNN``; an explicit id taken
    meanwhile is a conflict. Changing: ``fields`` are the names the editor changed (None: every
    field that differs from the stored task); the others keep their stored values.

    Raises
    ------
    EditConflict
        The task was changed or removed since ``expected_revision``; nothing is written.
    NotFound
        No such scan, or no such task in it.
    ValidationFailed
        The scan with the change does not validate; nothing is written.
    """
    raw = _raw(task)
    fields = None if fields is None else [f for f in fields if f != "id"]
    if fields is not None and not fields and expected_revision is not None:
        return _stored_task(store, scan_id, raw["id"])
    with store.transaction():
        doc = _scan_doc(store, scan_id)
        tasks = doc.setdefault("tasks", [])
        taken = [t["id"] for t in tasks]
        tid = raw.get("id")
        if expected_revision is None:
            if auto_id or not tid:
                tid = tid if tid and tid not in taken else next_free_task_id(taken)
            elif tid in taken:
                rev = rv.current(store.db, "task", tid, scan_id)
                raise EditConflict(f"task {tid} of scan {scan_id}", by=rev.by if rev else None,
                                   at=rev.at if rev else None, action="added")
            tasks.append({**raw, "id": tid})
        else:
            pos = taken.index(tid) if tid in taken else None
            rev = rv.current(store.db, "task", tid, scan_id)
            if pos is None and not (rev and rev.removed):
                raise NotFound(f"task in scan {scan_id}", tid, closest(tid, taken, cutoff=60))
            if pos is None or rv.number(rev) != expected_revision:
                raise _conflict(store.db, f"task {tid} of scan {scan_id}", "task", tid, scan_id,
                                expected_revision,
                                _full(Task, tasks[pos]) if pos is not None else None,
                                _full(Task, raw), fields)
            changed = (rv.diff_fields(_full(Task, tasks[pos]), _full(Task, raw)) if fields is None
                       else fields)
            merged = dict(tasks[pos])
            for f in changed:
                if raw.get(f) is None:
                    merged.pop(f, None)
                else:
                    merged[f] = raw[f]
            tasks[pos] = merged
        scan = _validated(store, doc, by)
    return _stored_task(store, scan_id, tid, scan)


def _stored_task(store, scan_id: str, task_id: str, scan=None):
    scan = scan if scan is not None else store.scan(scan_id)
    rv.stamp_scan(scan, rv.scan_revisions(store.db, scan_id))
    return next(t for t in scan.tasks if t.id == task_id)


def remove_task(store, scan_id: str, task_id: str, *, expected_revision: int,
                by: str | None = None):
    """Remove a task unless it changed since ``expected_revision``; return the removed task.

    Raises
    ------
    EditConflict
        The task was changed (or already removed) since it was read.
    """
    with store.transaction():
        doc = _scan_doc(store, scan_id)
        tasks = doc.get("tasks", [])
        taken = [t["id"] for t in tasks]
        rev = rv.current(store.db, "task", task_id, scan_id)
        if task_id not in taken and not (rev and rev.removed):
            raise NotFound(f"task in scan {scan_id}", task_id, closest(task_id, taken, cutoff=60))
        if task_id not in taken or rv.number(rev) != expected_revision:
            raise _conflict(store.db, f"task {task_id} of scan {scan_id}", "task", task_id,
                            scan_id, expected_revision,
                            _full(Task, next((t for t in tasks if t["id"] == task_id), None)), None)
        gone = next(t for t in tasks if t["id"] == task_id)
        doc["tasks"] = [t for t in tasks if t["id"] != task_id]
        _validated(store, doc, by)
    return Task.model_validate(gone)


def add_role(store, scan_id: str, role: Any, *, by: str | None = None):
    """Add a role; a role with the same id added meanwhile is a conflict. Return it as stored."""
    raw = _raw(role)
    with store.transaction():
        doc = _scan_doc(store, scan_id)
        roles = doc.setdefault("roles", [])
        if any(r["id"] == raw.get("id") for r in roles):
            rev = rv.current(store.db, "role", raw["id"], scan_id)
            raise EditConflict(f"role {raw['id']} of scan {scan_id}", by=rev.by if rev else None,
                               at=rev.at if rev else None, action="added")
        roles.append(raw)
        scan = _validated(store, doc, by)
    rv.stamp_scan(scan, rv.scan_revisions(store.db, scan_id))
    return next(r for r in scan.roles if r.id == raw["id"])


def save_record(store, record: Any, *, expected_revision: int,
                fields: Iterable[str] | None = None, by: str | None = None):
    """Change an employer, a candidate or a scan's own fields (not its tasks and roles) from
    ``expected_revision``; ``fields`` as for :func:`save_task`. Return the record as stored."""
    kind = record.kind
    new = to_document(record)
    with store.transaction():
        old = store._stored_doc(kind, record.id)
        if old is None:
            raise NotFound(kind, record.id, store.suggest(kind, record.id))
        rev = rv.current(store.db, kind, record.id)
        if rv.number(rev) != expected_revision:
            raise _conflict(store.db, f"{kind} {record.id}", kind, record.id, "",
                            expected_revision, old, new, fields)
        changed = rv.diff_fields(old, new) if fields is None else list(fields)
        merged = dict(old)
        for f in changed:
            if f in ("kind", "id") or (kind == "scan" and f in ("tasks", "roles")):
                continue
            if new.get(f) is None:
                merged.pop(f, None)
            else:
                merged[f] = new[f]
        _validated(store, merged, by)
    return store.record(kind, record.id)


def create_record(store, record: Any, *, by: str | None = None) -> None:
    """Store a new employer, candidate or scan; one with the same id stored meanwhile (another
    session creating it) is a conflict, never overwritten."""
    with store.transaction():
        if store._stored_doc(record.kind, record.id) is not None:
            rev = rv.current(store.db, record.kind, record.id)
            raise EditConflict(f"{record.kind} {record.id}", by=rev.by if rev else None,
                               at=rev.at if rev else None, action="added")
        store._put(record, by)
