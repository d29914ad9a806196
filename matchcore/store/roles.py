"""Editing a scan's roles against the revision read (issue 14), like the tasks in
:mod:`matchcore.store.edits`: change a role's title, hourly cost or headcount, rename it (a new
id: every task of the role follows, in the same write), or remove a role no task belongs to.

Each runs in one write transaction: read the stored scan, compare the role's revision with the
one the editor read, apply only the fields the editor changed, validate the whole scan, write.
When the revision moved, nothing is written and :class:`EditConflict` names who changed which
fields. A rename counts as the old id removed and the new one added (``revisions.revise_scan``),
so a coach still editing the role under its old name learns who renamed it; the tasks that
follow get a revision each, so a task form opened before the rename gets a 409, not a task that
points to a role that no longer exists.
"""
from __future__ import annotations

from typing import Any, Iterable

from matchcore.errors import NotFound, RecordProblem, ValidationFailed, closest
from matchcore.i18n import _
from matchcore.model import Role
from matchcore.store import revisions as rv
from matchcore.store.edits import _conflict, _full, _raw, _scan_doc, _validated

__all__ = ["conflict_for", "remove_role", "save_role"]

ROLE_ATTRS = ("title", "hourly_cost_eur", "headcount")


def _label(role_id: str, scan_id: str) -> str:
    return _("role {role} of scan {scan}").format(role=role_id, scan=scan_id)


def _stored_role(store, scan_id: str, role_id: str):
    scan = store.scan(scan_id)
    return next(r for r in scan.roles if r.id == role_id)


def _check_revision(store, doc: dict, scan_id: str, role_id: str, expected: int,
                    yours: dict | None, fields: Iterable[str] | None) -> int:
    """The position of the role in ``doc``; EditConflict when it moved or went, NotFound when
    it never was."""
    roles = doc.get("roles", [])
    ids = [r["id"] for r in roles]
    rev = rv.current(store.db, "role", role_id, scan_id)
    if role_id not in ids and not (rev and rev.removed):
        raise NotFound(f"role in scan {scan_id}", role_id, closest(role_id, ids, cutoff=60))
    pos = ids.index(role_id) if role_id in ids else None
    if pos is None or rv.number(rev) != expected:
        raise _conflict(store.db, _label(role_id, scan_id), "role", role_id, scan_id, expected,
                        _full(Role, roles[pos]) if pos is not None else None, yours, fields)
    return pos


def conflict_for(store, scan_id: str, role_id: str, expected_revision: int):
    """The EditConflict of a role that changed, was renamed or removed since
    ``expected_revision`` (who and when), for an editor that finds it gone."""
    return _conflict(store.db, _label(role_id, scan_id), "role", role_id, scan_id,
                     expected_revision, None, None)


def save_role(store, scan_id: str, role_id: str, role: Any, *, expected_revision: int,
              fields: Iterable[str] | None = None, by: str | None = None):
    """Change role ``role_id`` to ``role`` (a Role or its mapping; another ``id`` renames it and
    its tasks follow); ``fields``: the names the editor changed (None: all that differ). Return
    the role as stored.

    Raises
    ------
    EditConflict
        The role was changed, renamed or removed since ``expected_revision``; nothing is written.
    NotFound
        No such scan, or no such role in it.
    ValidationFailed
        The new id is taken, or the scan with the change does not validate; nothing is written.
    """
    raw = _raw(role)
    new_id = raw.get("id") or role_id
    with store.transaction():
        doc = _scan_doc(store, scan_id)
        pos = _check_revision(store, doc, scan_id, role_id, expected_revision, _full(Role, raw),
                              fields)
        roles = doc["roles"]
        if new_id != role_id and any(r["id"] == new_id for r in roles):
            raise ValidationFailed([RecordProblem(None, _label(role_id, scan_id), "id", _(
                "role id {id!r} is already used in this scan").format(id=new_id))])
        changed = (rv.diff_fields(_full(Role, roles[pos]), _full(Role, raw)) if fields is None
                   else list(fields))
        merged = dict(roles[pos])
        for f in changed:
            if f not in ROLE_ATTRS:
                continue
            if raw.get(f) is None:
                merged.pop(f, None)
            else:
                merged[f] = raw[f]
        merged["id"] = new_id
        roles[pos] = merged
        if new_id != role_id:  # the tasks follow their role
            for task in doc.get("tasks", []):
                if task.get("role") == role_id:
                    task["role"] = new_id
        _validated(store, doc, by)
    return _stored_role(store, scan_id, new_id)


def remove_role(store, scan_id: str, role_id: str, *, expected_revision: int,
                by: str | None = None):
    """Remove a role no task belongs to, unless it changed since it was read; return it.

    Raises
    ------
    EditConflict
        The role was changed (or already removed) since ``expected_revision``.
    ValidationFailed
        Tasks still belong to the role (also one added since the page was shown).
    """
    with store.transaction():
        doc = _scan_doc(store, scan_id)
        pos = _check_revision(store, doc, scan_id, role_id, expected_revision, None, None)
        tasks = [t["id"] for t in doc.get("tasks", []) if t.get("role") == role_id]
        if tasks:
            raise ValidationFailed([RecordProblem(None, _label(role_id, scan_id), None, _(
                "still has tasks ({tasks}); give them another role or remove them first").format(
                    tasks=", ".join(tasks)))])
        gone = doc["roles"].pop(pos)
        _validated(store, doc, by)
    return Role.model_validate(gone)
