"""Writing many employers and candidates at once: the path of ``matchcore import``.

The same rows as :meth:`Store._put_employer` and :meth:`Store._put_candidate` and the same
revisions as :mod:`matchcore.store.revisions` (one row per record that is new or changed, with
the fields that changed), but per chunk of :data:`CHUNK` records: the stored documents, the
latest revisions and the old child rows are read with one query per chunk and table, and every
row is written with one prepared ``executemany`` per table, so that no record costs a round trip
of its own. The caller holds the write transaction (:meth:`Store.write`).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Sequence

from matchcore.model import to_document
from matchcore.store import revisions as rv

__all__ = ["CHUNK", "put_many"]

# Records per chunk: below SQLite's limit of bound variables per statement (32766), and small
# enough that a chunk's rows are little memory.
CHUNK = 500

_EMPLOYER_COLS = ("id", "name", "sector", "joint_committee", "non_profit", "postcode",
                  "municipality", "region", "lat", "lon", "doc")
_FUNCTION_COLS = ("id", "employer_id", "function_id", "title", "sector", "hours_per_week",
                  "shifts", "openings", "visible", "hourly_wage_eur", "lat", "lon", "doc")
_FCOMP_COLS = ("function_id", "pos", "name", "level", "weight", "required", "esco_uri")
_CANDIDATE_COLS = ("id", "postcode", "municipality", "region", "lat", "lon", "max_commute_km",
                   "hours_per_week", "dutch_level", "doc")
_CCOMP_COLS = ("candidate_id", "pos", "name", "level", "esco_uri")
_REVISION_COLS = ("kind", "parent", "id", "revision", "changed_by", "changed_at", "fields", "removed")


def _upsert_sql(table: str, cols: Sequence[str]) -> str:
    """Insert, or update the given columns of the row with that id (other columns are kept, as
    sqlite-utils' upsert does)."""
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    return (f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))}) "
            f"on conflict(id) do update set {sets}")


def _insert_sql(table: str, cols: Sequence[str]) -> str:
    return f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})"


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _dump(rec: Any) -> tuple[dict, str]:
    doc = to_document(rec)
    return doc, json.dumps(doc, ensure_ascii=False)


def _employer_rows(emp, doc: dict, text: str, out: dict[str, list]) -> None:
    loc = emp.location
    out["employers"].append((emp.id, emp.name, emp.sector, emp.joint_committee, int(emp.non_profit),
                             loc.postcode, loc.municipality, loc.region, loc.lat, loc.lon, text))
    # a function's document is its part of the employer's (to_document of the function alone
    # gives the same: the same dump, one level down), so it is not serialised twice
    for fn, fn_doc in zip(emp.functions, doc.get("functions", ())):
        fid = f"{emp.id}/{fn.id}"
        out["functions"].append((fid, emp.id, fn.id, fn.title, emp.sector, fn.hours_per_week,
                                 json.dumps(fn.shifts), fn.openings, int(fn.visible),
                                 fn.hourly_wage_eur, loc.lat, loc.lon,
                                 json.dumps(fn_doc, ensure_ascii=False)))
        out["function_competences"].extend(
            (fid, i, c.name, c.level, c.weight, int(c.required), c.esco_uri)
            for i, c in enumerate(fn.competences))


def _candidate_rows(cand, doc: dict, text: str, out: dict[str, list]) -> None:
    home = cand.home
    out["candidates"].append((cand.id, home.postcode, home.municipality, home.region, home.lat,
                              home.lon, cand.max_commute_km, cand.hours_wanted, cand.dutch_level, text))
    out["candidate_competences"].extend(
        (cand.id, i, c.name, c.level, c.esco_uri) for i, c in enumerate(cand.competences))


def _clear_children(db, kind: str, ids: list[str], records: list) -> None:
    """Remove what the chunk's records replace: their competence rows, and an employer's
    functions that are no longer in it."""
    marks = _marks(len(ids))
    if kind == "candidate":
        db.execute(f"delete from candidate_competences where candidate_id in ({marks})", ids)
        return
    keep = {f"{emp.id}/{fn.id}" for emp in records for fn in emp.functions}
    old = [r[0] for r in db.execute(f"select id from functions where employer_id in ({marks})", ids)]
    if not old:
        return
    for start in range(0, len(old), CHUNK):
        part = old[start:start + CHUNK]
        db.execute(f"delete from function_competences where function_id in ({_marks(len(part))})", part)
    stale = [(fid,) for fid in old if fid not in keep]
    if stale:
        db.conn.executemany("delete from functions where id = ?", stale)


def _revision_rows(db, kind: str, ids: list[str], old: dict[str, str], new: dict[str, tuple[dict, str]],
                   by: str | None) -> list[tuple]:
    """One revision row per record that is new or changed (as :func:`revisions.revise_record`)."""
    latest = dict(db.execute(
        f"select id, max(revision) from revisions where kind = ? and parent = '' and id in "
        f"({_marks(len(ids))}) group by id", [kind, *ids]).fetchall())
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    rows = []
    for rid in ids:
        doc, text = new[rid]
        before = old.get(rid)
        if before is not None and before == text:
            continue  # stored exactly so: no revision
        after = json.loads(text) if before is not None else doc
        fields = [f for f in rv.diff_fields(json.loads(before) if before is not None else None, after)
                  if f != "kind"]
        if before is None or fields:
            rows.append((kind, "", rid, (latest.get(rid) or 0) + 1, by or "cli", at,
                         json.dumps(sorted(fields)), 0))
    return rows


def put_many(db, kind: str, records: list, by: str | None,
             progress: Callable[[int], None] | None = None) -> None:
    """Write employers or candidates (``kind``), chunk by chunk, with their revisions.
    ``progress(n)`` is told after each chunk how many records it wrote."""
    table = {"employer": "employers", "candidate": "candidates"}[kind]
    put = _employer_rows if kind == "employer" else _candidate_rows
    main_cols = _EMPLOYER_COLS if kind == "employer" else _CANDIDATE_COLS
    sql = {table: _upsert_sql(table, main_cols), "revisions": _insert_sql("revisions", _REVISION_COLS)}
    if kind == "employer":
        sql["functions"] = _upsert_sql("functions", _FUNCTION_COLS)
        sql["function_competences"] = _insert_sql("function_competences", _FCOMP_COLS)
    else:
        sql["candidate_competences"] = _insert_sql("candidate_competences", _CCOMP_COLS)
    for start in range(0, len(records), CHUNK):
        chunk = records[start:start + CHUNK]
        # the same id twice in one call: the last one wins, as one upsert after another would
        last = {rec.id: rec for rec in chunk}
        chunk = list(last.values())
        ids = list(last)
        old = dict(db.execute(f"select id, doc from {table} where id in ({_marks(len(ids))})", ids).fetchall())
        new = {rec.id: _dump(rec) for rec in chunk}
        revisions = _revision_rows(db, kind, ids, old, new, by)
        _clear_children(db, kind, ids, chunk)
        rows: dict[str, list] = {name: [] for name in sql}
        for rec in chunk:
            put(rec, *new[rec.id], rows)
        rows["revisions"] = revisions
        for name, statement in sql.items():  # parents before children (foreign keys)
            if rows[name]:
                db.conn.executemany(statement, rows[name])
        if progress is not None:
            progress(len(chunk))
