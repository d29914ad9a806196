"""Erasure of a candidate: the person and everything stored about them (GDPR art. 17, the
right to erasure: https://eur-lex.europa.eu/eli/reg/2016/679/oj, article 17).

What goes, in one write transaction:

- the ``candidates`` row (its whole document: targets, limits, notes, ``extra``) and its
  ``candidate_competences``;
- every row of every table with a ``candidate_id`` column (the web app's ``contact_log``, the
  trajectory with its PDP actions, placement and aftercare in ``trajectories`` and
  ``trajectory_actions``, and whatever a later migration adds), and the revision rows of those
  contact entries;
- the candidate's revision history and their trajectory's (who changed what when);
- audit-log lines about the candidate (target ``candidate:ID``) or whose detail names it (a call
  recorded for the candidate), when the web app's ``audit_log`` is there;
- the match cache, which holds the candidate's arrays.

``PRAGMA secure_delete`` makes SQLite overwrite the freed pages with zeros, and a checkpoint
afterwards empties the write-ahead log, so the data does not stay readable in the file. Backups
made before still hold it: docs/operations.md says how long they are kept.
"""
from __future__ import annotations

import sqlite3

from matchcore.errors import NotFound

__all__ = ["erase_candidate", "flush"]


# the revisions of records named by the candidate's id: the candidate and their trajectory
_OWN_REVISIONS = "kind in ('candidate', 'trajectory') and parent = '' and id = ?"


def _tables_with_candidate_id(db) -> list[str]:
    tables = [r[0] for r in db.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
        "order by name").fetchall()]
    return [t for t in tables if t != "candidates"
            and "candidate_id" in {r[1] for r in db.execute(f'pragma table_info("{t}")').fetchall()}]


def _audit_where(db) -> str | None:
    if not db.execute("select 1 from sqlite_master where type = 'table' and name = 'audit_log'").fetchone():
        return None
    return ("target = :target or target like :prefix escape '\\' or (json_valid(detail) and "
            "json_extract(detail, '$.candidate_id') = :id)")


def _plan(db, cid: str) -> dict[str, int]:
    counts = {"candidates": 1}
    for table in _tables_with_candidate_id(db):
        n = db.execute(f'select count(*) from "{table}" where candidate_id = ?', [cid]).fetchone()[0]
        if n:
            counts[table] = n
    n = db.execute(f"select count(*) from revisions where {_OWN_REVISIONS}", [cid]).fetchone()[0]
    if n:
        counts["revisions"] = n
    where = _audit_where(db)
    if where:
        n = db.execute(f"select count(*) from audit_log where {where}", _audit_args(cid)).fetchone()[0]
        if n:
            counts["audit_log"] = n
    return counts


def _audit_args(cid: str) -> dict[str, str]:
    like = cid.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return {"target": f"candidate:{cid}", "prefix": f"candidate:{like}/%", "id": cid}


def erase_candidate(store, candidate_id: str, *, dry_run: bool = False) -> dict[str, int]:
    """Remove the candidate and everything about them; return rows removed per table.

    ``dry_run``: count only. Run it inside the caller's ``store.write()`` to add an audit
    line in the same transaction.

    Raises
    ------
    NotFound
        No such candidate (with the closest id as a hint).
    """
    db = store.db
    if not db.execute("select 1 from candidates where id = ?", [candidate_id]).fetchone():
        raise NotFound("candidate", candidate_id, store.suggest("candidate", candidate_id))
    if dry_run:
        with store.read():
            return _plan(db, candidate_id)
    db.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable
    with store.write():  # data_version moves: every cache built with the candidate is stale
        counts = _plan(db, candidate_id)
        for table in _tables_with_candidate_id(db):
            if table == "contact_log":
                db.execute("delete from revisions where kind = 'contact' and parent = '' and id in "
                           "(select cast(id as text) from contact_log where candidate_id = ?)",
                           [candidate_id])
            db.execute(f'delete from "{table}" where candidate_id = ?', [candidate_id])
        db.execute("delete from candidates where id = ?", [candidate_id])
        db.execute(f"delete from revisions where {_OWN_REVISIONS}", [candidate_id])
        where = _audit_where(db)
        if where:
            db.execute(f"delete from audit_log where {where}", _audit_args(candidate_id))
        db.execute("delete from match_cache")
    return counts


def flush(store) -> None:
    """Empty the write-ahead log into the file (best effort: a reader may hold it)."""
    try:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.Error:
        pass
