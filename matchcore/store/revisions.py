"""Revisions: every editable record counts its saves, so that an edit can be checked against the
version it started from (optimistic concurrency; issue 10).

Kinds: ``employer``, ``candidate``, ``scan`` (its own fields: date, consultant, hours ...; not
its tasks and roles), ``task`` and ``role`` (each on its own, with the scan id as ``parent``) and
``contact`` (a contact-log entry, by its number). Each save that changes a record appends one
row to ``revisions`` with who (the web user's name, or ``cli``), when (UTC) and which fields
changed; a removal appends a row marked ``removed``, so that whoever still edits it learns who
removed it. Revisions are found by comparing the stored document before and after a write,
whatever wrote it (import, the CLI prompts, the web forms), so no writer can forget to count.

The revision is not part of a record: the store puts it on the objects it returns as the
attribute ``revision`` (an int; 0 for a record never saved since revisions exist) and
``last_change`` (a :class:`Revision` or None), which ``model_dump``, export and YAML files
ignore.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Iterable

__all__ = ["Revision", "changes_since", "current", "diff_fields", "note", "revise_record",
           "revise_scan", "scan_revisions", "stamp", "stamp_scan"]

# The scan's own fields: everything but its parts, which have revisions of their own.
_SCAN_PARTS = ("tasks", "roles")


@dataclass(frozen=True)
class Revision:
    """One save of one record: its number, who and when (ISO, UTC), the fields it changed."""

    revision: int
    by: str | None = None
    at: str | None = None
    fields: tuple[str, ...] = ()
    removed: bool = False


def _row(r) -> Revision:
    return Revision(r[0], r[1], r[2], tuple(json.loads(r[3] or "[]")), bool(r[4]))


_COLS = "revision, changed_by, changed_at, fields, removed"


def current(db, kind: str, rid: str, parent: str = "") -> Revision | None:
    """The latest revision of a record, or None when it was never counted."""
    row = db.execute(f"select {_COLS} from revisions where kind = ? and parent = ? and id = ? "
                     "order by revision desc limit 1", [kind, parent, rid]).fetchone()
    return _row(row) if row else None


def number(rev: Revision | None) -> int:
    return rev.revision if rev else 0


def changes_since(db, kind: str, rid: str, revision: int, parent: str = "") -> list[Revision]:
    """The saves after ``revision``, oldest first."""
    rows = db.execute(f"select {_COLS} from revisions where kind = ? and parent = ? and id = ? "
                      "and revision > ? order by revision", [kind, parent, rid, revision])
    return [_row(r) for r in rows]


def note(db, kind: str, rid: str, fields: Iterable[str], by: str | None, parent: str = "",
         removed: bool = False) -> int:
    """Count one save of a record; return its new revision."""
    new = number(current(db, kind, rid, parent)) + 1
    db["revisions"].insert({
        "kind": kind, "parent": parent, "id": rid, "revision": new, "changed_by": by or "cli",
        "changed_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "fields": json.dumps(sorted(fields)), "removed": int(removed)})
    return new


def diff_fields(old: dict | None, new: dict | None) -> list[str]:
    """The top-level keys whose values differ (a key missing on one side is a default)."""
    old, new = old or {}, new or {}
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def revise_record(db, kind: str, rid: str, old: dict | None, new: dict, by: str | None) -> None:
    """After an employer or candidate was written: count it when something changed."""
    fields = [f for f in diff_fields(old, new) if f != "kind"]
    if old is None or fields:
        note(db, kind, rid, fields, by)


def revise_scan(db, scan_id: str, old: dict | None, new: dict, by: str | None) -> None:
    """After a scan was written: count the scan's own fields, and each role and task on its own."""
    head = {k: v for k, v in (old or {}).items() if k not in _SCAN_PARTS}
    fields = [f for f in diff_fields(head, {k: v for k, v in new.items() if k not in _SCAN_PARTS})
              if f != "kind"]
    if old is None or fields:
        note(db, "scan", scan_id, fields, by)
    for part, kind in (("tasks", "task"), ("roles", "role")):
        before = {p["id"]: p for p in (old or {}).get(part, [])}
        after = {p["id"]: p for p in new.get(part, [])}
        for pid, doc in after.items():
            changed = diff_fields(before.get(pid), doc)
            if pid not in before or changed:
                note(db, kind, pid, changed, by, parent=scan_id)
        for pid in before.keys() - after.keys():
            note(db, kind, pid, [], by, parent=scan_id, removed=True)


def scan_revisions(db, scan_id: str) -> dict[tuple[str, str], Revision]:
    """``{(kind, id): latest revision}`` of a scan, its tasks and its roles, in one query."""
    rows = db.execute(
        f"select kind, id, {_COLS} from revisions r where ((kind = 'scan' and parent = '' and id = ?) "
        "or (kind in ('task', 'role') and parent = ?)) and revision = (select max(revision) "
        "from revisions x where x.kind = r.kind and x.parent = r.parent and x.id = r.id)",
        [scan_id, scan_id])
    return {(r[0], r[1]): _row(r[2:]) for r in rows}


def kind_revisions(db, kind: str) -> dict[str, Revision]:
    """``{id: latest revision}`` of every employer, candidate or scan, in one query."""
    rows = db.execute(
        f"select id, {_COLS} from revisions r where kind = ? and parent = '' and revision = "
        "(select max(revision) from revisions x where x.kind = r.kind and x.parent = '' "
        "and x.id = r.id)", [kind])
    return {r[0]: _row(r[1:]) for r in rows}


def stamp(obj: Any, rev: Revision | None) -> Any:
    """Put ``revision`` and ``last_change`` on a record the store returns.

    Set past pydantic's ``__setattr__`` on purpose: they are not fields, so validation, dumps,
    export and equality never see them; ``model_copy`` keeps them.
    """
    object.__setattr__(obj, "revision", number(rev))
    object.__setattr__(obj, "last_change", rev)
    return obj


def stamp_scan(scan: Any, revs: dict[tuple[str, str], Revision]) -> Any:
    stamp(scan, revs.get(("scan", scan.id)))
    for task in scan.tasks:
        stamp(task, revs.get(("task", task.id)))
    for role in scan.roles:
        stamp(role, revs.get(("role", role.id)))
    return scan
