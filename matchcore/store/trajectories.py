"""Trajectories in the store: one per candidate, changed by compare-and-swap (issue 14).

A trajectory is kept whole as its validated document in ``trajectories.doc`` beside the columns
the agenda queries, and ``trajectory_actions`` is derived from it on every write (migration
``m5_trajectories``). Every change runs in one :meth:`~matchcore.store.db.Store.write`: read the
stored document, check the revision the editor read (when given), apply the change, validate the
whole trajectory, write, count a revision (kind ``trajectory``, :mod:`matchcore.store.revisions`).
A change whose revision moved raises :class:`~matchcore.errors.EditConflict` and writes nothing,
as the other records' edits do (:mod:`matchcore.store.edits`).

Trajectory writes do not move ``data_version``: no cache is built from them (the matcher's
arrays hold no trajectory), so planning an action never makes the next match rebuild its arrays.

Export and import (:mod:`matchcore.store.io`, :mod:`matchcore.store.export`) call
:func:`documents`, :func:`read_documents` and :func:`save_all`: the files are
``trajectories/<candidate>.yaml`` with ``kind: trajectory``.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Callable, Iterable, Iterator

from pydantic import ValidationError as PydanticValidationError

from matchcore.errors import EditConflict, NoTrajectory, NotFound, RecordProblem, UnknownReference, ValidationFailed
from matchcore.model import to_document
from matchcore.model.trajectory import Trajectory, parse_trajectory, part_problems
from matchcore.store import revisions as rv

__all__ = ["EXPORT_FOLDER", "KIND", "all_trajectories", "change", "documents", "get", "read_documents",
           "require", "save_all"]

KIND = "trajectory"
EXPORT_FOLDER = "trajectories"
_STORED = {"stored": True}


def _doc(db, candidate_id: str) -> dict | None:
    row = db.execute("select doc from trajectories where candidate_id = ?", [candidate_id]).fetchone()
    return json.loads(row[0]) if row else None


def _stamped(db, doc: dict) -> Trajectory:
    traj = Trajectory.model_validate(doc, context=_STORED)
    return rv.stamp(traj, rv.current(db, KIND, traj.candidate))


def get(store, candidate_id: str) -> Trajectory | None:
    """The candidate's trajectory with its ``revision``, or None when none was started."""
    doc = _doc(store.db, candidate_id)
    return None if doc is None else _stamped(store.db, doc)


def require(store, candidate_id: str) -> Trajectory:
    """The candidate's trajectory.

    Raises
    ------
    NotFound
        No such candidate (with a hint); :class:`~matchcore.errors.NoTrajectory` when the
        candidate has no trajectory yet.
    """
    traj = get(store, candidate_id)
    if traj is None:
        _candidate_exists(store, candidate_id)
        raise NoTrajectory(candidate_id)
    return traj


def all_trajectories(store) -> Iterator[Trajectory]:
    """Every trajectory, by candidate id."""
    for (doc,) in store.db.execute("select doc from trajectories order by candidate_id").fetchall():
        yield _stamped(store.db, json.loads(doc))


def _candidate_exists(store, candidate_id: str) -> None:
    if not store.db.execute("select 1 from candidates where id = ?", [candidate_id]).fetchone():
        raise NotFound("candidate", candidate_id, store.suggest("candidate", candidate_id))


def _put(db, traj: Trajectory) -> None:
    place = traj.placement
    db["trajectories"].upsert(
        {"candidate_id": traj.candidate, "coach": traj.coach, "phase": traj.phase,
         "function_id": place.function if place else None,
         "instrument": place.instrument if place else None,
         "start": place.start.isoformat() if place else None,
         "doc": json.dumps(to_document(traj), ensure_ascii=False)},
        pk="candidate_id",
    )
    db.execute("delete from trajectory_actions where candidate_id = ?", [traj.candidate])
    db["trajectory_actions"].insert_all(
        ({"candidate_id": traj.candidate, "action_id": a.id, "what": a.what, "who": a.who,
          "due": a.due.isoformat() if a.due else None, "status": a.status, "source": a.source,
          "function_id": a.function}
         for a in traj.actions),
        pk=("candidate_id", "action_id"),
    )


def _write(store, traj: Trajectory, old: dict | None, by: str | None) -> None:
    _put(store.db, traj)
    rv.revise_record(store.db, KIND, traj.candidate, old, to_document(traj), by)


def change(store, candidate_id: str, edit: Callable[[Trajectory], Any], *,
           expected_revision: int | None = None, by: str | None = None) -> Trajectory:
    """Apply ``edit`` to the candidate's trajectory (a new one when none exists) and save it.

    ``edit`` gets a copy of the stored trajectory and changes it in place (or returns a new
    one); the result is validated whole before anything is written. ``expected_revision`` is
    the revision the editor read (None: the change is made on whatever is stored now, inside
    the same transaction, which is what one command line call does).

    Raises
    ------
    NotFound
        No such candidate.
    EditConflict
        The trajectory changed since ``expected_revision``; nothing is written.
    ValidationFailed
        The changed trajectory does not validate (one line naming the field); nothing is written.
    """
    with store.write(bump=False):
        _candidate_exists(store, candidate_id)
        old = _doc(store.db, candidate_id)
        current = rv.current(store.db, KIND, candidate_id)
        if expected_revision is not None and rv.number(current) != expected_revision:
            changes = rv.changes_since(store.db, KIND, candidate_id, expected_revision)
            bys = ", ".join(dict.fromkeys(c.by for c in changes if c.by)) or None
            fields = sorted({f for c in changes for f in c.fields})
            raise EditConflict(f"trajectory of {candidate_id}", by=bys,
                               at=current.at if current else None,
                               fields=[(f, (old or {}).get(f)) for f in fields])
        base = (Trajectory.model_validate(old, context=_STORED) if old is not None
                else Trajectory(candidate=candidate_id))
        work = copy.deepcopy(base)
        try:
            out = edit(work)
        except PydanticValidationError as exc:  # a part built by the edit (an Action) is invalid
            raise ValidationFailed(part_problems(exc, candidate_id)) from None
        work = out if isinstance(out, Trajectory) else work
        new, problems = parse_trajectory(to_document(work))
        if problems:
            raise ValidationFailed(problems)
        _write(store, new, old, by)
    return get(store, candidate_id)


# --- export and import ---------------------------------------------------------------------

def documents(store) -> list[tuple[str, dict]]:
    """``(file name, document)`` of every trajectory, for ``matchcore export`` to write under
    :data:`EXPORT_FOLDER` (``K-0042.yaml``)."""
    return [(f"{t.candidate}.yaml", to_document(t)) for t in all_trajectories(store)]


def read_documents(raws: Iterable[tuple[Any, str, int | None]]) -> tuple[list[Trajectory], list[RecordProblem]]:
    """Validate the raw ``kind: trajectory`` mappings of an import: ``(raw, file, index)``
    each; return (trajectories, problems). A candidate named twice is a problem."""
    out, problems, seen = [], [], {}
    for raw, file, index in raws:
        traj, found = parse_trajectory(raw, file=file, index=index)
        problems.extend(found)
        if traj is None:
            continue
        here = file if index is None else f"{file}[{index + 1}]"
        if traj.candidate in seen:
            problems.append(RecordProblem(here, f"trajectory {traj.candidate}", "candidate",
                                          f"has a trajectory in {seen[traj.candidate]} too; one per candidate"))
            continue
        seen[traj.candidate] = here
        out.append(traj)
    return out, problems


def save_all(store, trajectories: Iterable[Trajectory], *, by: str | None = None) -> int:
    """Upsert trajectories by candidate (an import); call it inside the import's transaction,
    after the candidates are written. Return how many.

    Raises
    ------
    UnknownReference
        A trajectory names a candidate that is not stored.
    """
    n = 0
    with store.write(bump=False):
        for traj in trajectories:
            if not store.db.execute("select 1 from candidates where id = ?", [traj.candidate]).fetchone():
                raise UnknownReference(
                    f"trajectory {traj.candidate}: candidate {traj.candidate!r} is not in the database; "
                    "import the candidate's file first or in the same import")
            _write(store, traj, _doc(store.db, traj.candidate), by)
            n += 1
    return n
