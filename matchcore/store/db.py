"""The store: one SQLite file through sqlite-utils.

Each record is kept whole as validated JSON (``doc``) beside the columns the engine queries,
and child tables (function and candidate competences, scan tasks) derived from it on every
write. Foreign keys are on, the journal is WAL, and migrations (:mod:`matchcore.store.migrations`)
run when the file is opened.

Examples
--------
>>> store = Store.open("/tmp/example.db")          # doctest: +SKIP
>>> store.upsert([employer, candidate])            # doctest: +SKIP
>>> store.candidate("K-0042").home.postcode        # doctest: +SKIP
'9050'
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from matchcore.errors import NotFound, StoreError, UnknownReference, closest
from matchcore.model import Candidate, Employer, Function, Scan, task_hours_per_week, to_document
from matchcore.store import bulk, connection, edits, erasure
from matchcore.store import revisions as rv
from matchcore.store.locking import WRITE_WAIT_S, immediate, snapshot
from matchcore.store.migrations import SCHEMA_VERSION, check_ours, core_version, migrate

__all__ = ["Store", "default_db_path", "SCHEMA_VERSION"]

DEFAULT_DB = "matchcore.db"


def default_db_path() -> str:
    """``$MATCHCORE_DB`` if set, else ``./matchcore.db``."""
    return os.environ.get("MATCHCORE_DB") or DEFAULT_DB


_MODELS = {"employer": Employer, "candidate": Candidate, "scan": Scan}
# Documents read back were checked when written; the size, number and register-number checks
# added later must not make an older database unreadable (model/common.py `_bounded`).
STORED = {"stored": True}

# The listings of `matchcore list`, one row per record.
_SUMMARIES = {
    "candidates": "select c.id, c.municipality, c.max_commute_km, c.hours_per_week, c.dutch_level, "
                  "(select count(*) from candidate_competences cc where cc.candidate_id = c.id) as competences "
                  "from candidates c order by c.id",
    "employers": "select e.id, e.name, e.sector, e.joint_committee, e.municipality, "
                 "(select count(*) from functions f where f.employer_id = e.id) as functions "
                 "from employers e order by e.id",
    "functions": "select f.id, f.title, f.sector, f.hours_per_week, f.openings, f.visible, "
                 "f.hourly_wage_eur from functions f order by f.id",
    "scans": "select s.id, s.employer_id as employer, s.date, "
             "(select count(*) from scan_tasks t where t.scan_id = s.id) as tasks, "
             "(select round(sum(hours_per_week), 1) from scan_tasks t where t.scan_id = s.id) as hours_per_week "
             "from scans s order by s.id",
}
class Store:
    """A matchcore database.

    One Store is one connection, for one thread. Every write goes through :meth:`write`
    (``BEGIN IMMEDIATE``, waiting its turn; :mod:`matchcore.store.locking`); reads that must
    agree with each other through :meth:`read`. Opening: :mod:`matchcore.store.connection`.

    Parameters
    ----------
    path : str or Path
        The SQLite file.
    create : bool, default True
        Create the file (mode 0600) when it is missing. False refuses a missing or empty file:
        what query commands want, so that a mistyped name never becomes a new empty store.

    Raises
    ------
    StoreError
        No database at ``path`` and ``create`` is false; the file is not SQLite, is damaged, is
        another program's SQLite database, or was written by a newer matchcore.
    """

    def __init__(self, path: str | os.PathLike, *, create: bool = True):
        self.path = str(path)
        self._reading = False
        self.db = connection.connect(self.path, create=create)
        try:
            check_ours(self.db, self.path)
            connection.enable_wal(self.db, self.path)
            # one process at a time applies migrations, each step looked up again under the
            # lock: two first opens of a new file (parallel `matchcore import`) create it once
            migrate(self.db, self.path, lambda: self.write(bump=False))
            self.data_version  # a damaged counter is refused now, not in the middle of a command
        except sqlite3.Error as exc:
            self.db.close()
            raise StoreError(connection.describe(self.path, exc)) from None
        except BaseException:
            self.db.close()
            raise

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, create: bool = True) -> "Store":
        """The store at ``path``, else ``$MATCHCORE_DB``, else ./matchcore.db (see the class)."""
        return cls(path or default_db_path(), create=create)

    def close(self) -> None:
        self.db.close()

    # --- schema -----------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        """How many steps of the store's own migration set the database has had."""
        return core_version(self.db)

    def _set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else default

    @property
    def data_version(self) -> int:
        """A counter bumped by every write of records; caches built from the store key on it.
        Read it in the same :meth:`read` as the data it labels."""
        raw = self.meta("data_version", "0")
        if not str(raw).isdigit():
            raise StoreError(f"{self.path}: meta data_version is {str(raw)[:40]!r}, not a number; "
                             "the file is damaged")
        return int(raw)

    def _bump(self) -> None:
        self._set_meta("data_version", str(self.data_version + 1))

    @contextmanager
    def write(self, *, bump: bool = True, wait_s: float = WRITE_WAIT_S) -> Iterator["Store"]:
        """One write transaction (``BEGIN IMMEDIATE``, waiting its turn behind other writers for
        up to ``wait_s`` seconds): all writes inside happen together or not at all. ``bump``
        moves ``data_version`` (the records changed); accounts, sessions and logs write with
        ``bump=False``. Nested calls are savepoints.

        Raises
        ------
        StoreError
            The lock could not be had in time; the database is read-only, full or damaged;
            or a write was started inside :meth:`read` (a bug: its snapshot may be stale).
        """
        if self._reading:
            raise StoreError(f"{self.path}: a write inside a read transaction; write before or "
                             "after Store.read()")
        with immediate(self.db.conn, path=self.path, wait_s=wait_s):
            yield self
            if bump:
                self._bump()

    @contextmanager
    def read(self) -> Iterator["Store"]:
        """One read transaction: every read inside sees the same snapshot, so a cache and the
        :attr:`data_version` it is labelled with agree. Takes no write lock. Inside a write it
        is that write's view."""
        if self._reading or self.db.conn.in_transaction:
            yield self
            return
        with snapshot(self.db.conn, path=self.path):
            self._reading = True
            try:
                yield self
            finally:
                self._reading = False

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """A write of records: :meth:`write` with ``data_version`` moved."""
        with self.write():
            yield self

    # --- writes -----------------------------------------------------------------------
    def upsert(self, records: Iterable[Employer | Candidate | Scan], *,
               by: str | None = None, progress: Callable[[int], None] | None = None) -> dict[str, int]:
        """Insert or update records by id, all in one transaction; return counts per kind.
        ``progress(n)`` is told, as the write goes, how many more records were written.

        Employers come first so that scans in the same batch may refer to them.

        Raises
        ------
        UnknownReference
            A scan names an employer that is neither stored nor in ``records``.
        """
        records = list(records)
        by_kind: dict[str, list] = {"employer": [], "candidate": [], "scan": []}
        for rec in records:
            by_kind[rec.kind].append(rec)
        counts = {kind: len(recs) for kind, recs in by_kind.items() if recs}
        with self.transaction():
            # employers and candidates in chunks, with one query per chunk and table
            # (matchcore.store.bulk); scans, few and with tasks and roles, one by one
            for kind in ("employer", "candidate"):
                if by_kind[kind]:
                    bulk.put_many(self.db, kind, by_kind[kind], by, progress)
            for rec in by_kind["scan"]:
                self._put(rec, by)
                if progress is not None:
                    progress(1)
        return counts

    def _put_employer(self, emp: Employer) -> None:
        loc = emp.location
        self.db["employers"].upsert(
            {"id": emp.id, "name": emp.name, "sector": emp.sector,
             "joint_committee": emp.joint_committee, "non_profit": int(emp.non_profit),
             "postcode": loc.postcode, "municipality": loc.municipality, "region": loc.region,
             "lat": loc.lat, "lon": loc.lon, "doc": json.dumps(to_document(emp), ensure_ascii=False)},
            pk="id",
        )
        keep = [f"{emp.id}/{f.id}" for f in emp.functions]
        stale = [r[0] for r in self.db.execute(
            "select id from functions where employer_id = ?", [emp.id]).fetchall() if r[0] not in keep]
        for fid in stale:
            self.db.execute("delete from function_competences where function_id = ?", [fid])
            self.db.execute("delete from functions where id = ?", [fid])
        for fn in emp.functions:
            fid = f"{emp.id}/{fn.id}"
            self.db["functions"].upsert(
                {"id": fid, "employer_id": emp.id, "function_id": fn.id, "title": fn.title,
                 "sector": emp.sector, "hours_per_week": fn.hours_per_week,
                 "shifts": json.dumps(fn.shifts), "openings": fn.openings,
                 "visible": int(fn.visible), "hourly_wage_eur": fn.hourly_wage_eur,
                 "lat": loc.lat, "lon": loc.lon,
                 "doc": json.dumps(to_document(fn), ensure_ascii=False)},
                pk="id",
            )
            self.db.execute("delete from function_competences where function_id = ?", [fid])
            self.db["function_competences"].insert_all(
                ({"function_id": fid, "pos": i, "name": c.name, "level": c.level,
                  "weight": c.weight, "required": int(c.required), "esco_uri": c.esco_uri}
                 for i, c in enumerate(fn.competences)),
                pk=("function_id", "pos"),
            )

    def _put_candidate(self, cand: Candidate) -> None:
        home = cand.home
        self.db["candidates"].upsert(
            {"id": cand.id, "postcode": home.postcode, "municipality": home.municipality,
             "region": home.region, "lat": home.lat, "lon": home.lon,
             "max_commute_km": cand.max_commute_km, "hours_per_week": cand.hours_wanted,
             "dutch_level": cand.dutch_level, "doc": json.dumps(to_document(cand), ensure_ascii=False)},
            pk="id",
        )
        self.db.execute("delete from candidate_competences where candidate_id = ?", [cand.id])
        self.db["candidate_competences"].insert_all(
            ({"candidate_id": cand.id, "pos": i, "name": c.name, "level": c.level,
              "esco_uri": c.esco_uri} for i, c in enumerate(cand.competences)),
            pk=("candidate_id", "pos"),
        )

    def _put_scan(self, scan: Scan) -> None:
        if not self.db.execute("select 1 from employers where id = ?", [scan.employer]).fetchone():
            raise UnknownReference(
                f"scan {scan.id}: employer {scan.employer!r} is not in the database; "
                "import its employer file first or in the same import"
            )
        self.db["scans"].upsert(
            {"id": scan.id, "employer_id": scan.employer, "date": scan.date.isoformat(),
             "consultant": scan.consultant, "doc": json.dumps(to_document(scan), ensure_ascii=False)},
            pk="id",
        )
        self.db.execute("delete from scan_tasks where scan_id = ?", [scan.id])
        self.db["scan_tasks"].insert_all(
            ({"scan_id": scan.id, "task_id": t.id, "role": t.role, "description": t.description,
              "hours_per_week": round(task_hours_per_week(t, scan.shifts_per_day), 4),
              "complexity": t.complexity, "core": int(t.core),
              "safety_critical": int(t.safety_critical)} for t in scan.tasks),
            pk=("scan_id", "task_id"),
        )

    def save_scan(self, scan: Scan, *, by: str | None = None) -> None:
        """Write one whole scan at once (a new scan; edits go through :meth:`save_task` and
        :meth:`save_record`, which check revisions)."""
        with self.transaction():
            self._put(scan, by)

    # --- revisions (matchcore.store.revisions, matchcore.store.edits) ----------------------
    def _stored_doc(self, kind: str, record_id: str) -> dict | None:
        row = self.db.execute(f"select doc from {self._TABLES[kind]} where id = ?",
                              [record_id]).fetchone()
        return json.loads(row[0]) if row else None

    def _put(self, rec: Employer | Candidate | Scan, by: str | None) -> None:
        """Write a record and count the revisions of what changed in it (``by``: who; "cli")."""
        old = self._stored_doc(rec.kind, rec.id)
        getattr(self, f"_put_{rec.kind}")(rec)
        new = self._stored_doc(rec.kind, rec.id)
        if rec.kind == "scan":
            rv.revise_scan(self.db, rec.id, old, new, by)
        else:
            rv.revise_record(self.db, rec.kind, rec.id, old, new, by)

    def revision(self, kind: str, record_id: str, scan_id: str = "") -> int:
        """The revision of a record now (0: never saved since revisions exist); tasks and roles
        by ``scan_id`` too."""
        return rv.number(rv.current(self.db, kind, record_id, scan_id))

    def save_task(self, scan_id: str, task, *, expected_revision: int | None,
                  fields: Iterable[str] | None = None, by: str | None = None,
                  auto_id: bool = False):
        """Add (``expected_revision`` None) or change one task, checked against its revision:
        see :func:`matchcore.store.edits.save_task`. Raises EditConflict."""
        return edits.save_task(self, scan_id, task, expected_revision=expected_revision,
                               fields=fields, by=by, auto_id=auto_id)

    def remove_task(self, scan_id: str, task_id: str, *, expected_revision: int,
                    by: str | None = None):
        """Remove a task unless it changed since it was read. Raises EditConflict."""
        return edits.remove_task(self, scan_id, task_id, expected_revision=expected_revision, by=by)

    def add_role(self, scan_id: str, role, *, by: str | None = None):
        """Add a role to a scan; the same role id added meanwhile raises EditConflict."""
        return edits.add_role(self, scan_id, role, by=by)

    def create_record(self, record: Employer | Candidate | Scan, *, by: str | None = None) -> None:
        """Store a new record; its id taken meanwhile raises EditConflict (never overwritten)."""
        edits.create_record(self, record, by=by)

    def save_record(self, record: Employer | Candidate | Scan, *, expected_revision: int,
                    fields: Iterable[str] | None = None, by: str | None = None):
        """Change an employer, candidate or a scan's own fields against the revision read.
        Raises EditConflict."""
        return edits.save_record(self, record, expected_revision=expected_revision,
                                 fields=fields, by=by)

    def erase_candidate(self, candidate_id: str, *, dry_run: bool = False) -> dict[str, int]:
        """Erase a candidate and everything about them in one write transaction (nested in the
        caller's :meth:`write` when there is one); return the rows removed per table.
        ``dry_run`` only counts. See :mod:`matchcore.store.erasure`. Raises NotFound."""
        return erasure.erase_candidate(self, candidate_id, dry_run=dry_run)

    # --- reads ------------------------------------------------------------------------
    _TABLES = {"employer": "employers", "candidate": "candidates", "scan": "scans",
               "function": "functions"}

    def ids(self, kind: str) -> list[str]:
        return [r[0] for r in self.db.execute(f"select id from {self._TABLES[kind]} order by id")]

    def count(self, kind: str) -> int:
        return self.db[self._TABLES[kind]].count

    def suggest(self, kind: str, record_id: str) -> str | None:
        """The closest existing id, for 'did you mean' hints."""
        return closest(record_id, self.ids(kind), cutoff=60)

    def record(self, kind: str, record_id: str) -> Employer | Candidate | Scan:
        """One employer, candidate or scan by id.

        Raises
        ------
        NotFound
            No record of that kind has the id (with the closest id as a hint).
        """
        table = self._TABLES[kind]
        row = self.db.execute(f"select doc from {table} where id = ?", [record_id]).fetchone()
        if row is None:
            raise NotFound(kind, record_id, self.suggest(kind, record_id))
        rec = _MODELS[kind].model_validate(json.loads(row[0]), context=STORED)
        if kind == "scan":
            return rv.stamp_scan(rec, rv.scan_revisions(self.db, record_id))
        return rv.stamp(rec, rv.current(self.db, kind, record_id))

    def employer(self, employer_id: str) -> Employer:
        return self.record("employer", employer_id)

    def candidate(self, candidate_id: str) -> Candidate:
        return self.record("candidate", candidate_id)

    def scan(self, scan_id: str) -> Scan:
        return self.record("scan", scan_id)

    def function(self, function_id: str) -> tuple[Employer, Function]:
        """Look up ``employer/function``; return the employer and its function."""
        row = self.db.execute("select employer_id, function_id from functions where id = ?",
                              [function_id]).fetchone()
        if row is None:
            raise NotFound("function", function_id, self.suggest("function", function_id))
        emp = self.employer(row[0])
        return emp, next(f for f in emp.functions if f.id == row[1])

    def records(self, kind: str) -> Iterator[Employer | Candidate | Scan]:
        """Every employer, candidate or scan, by id."""
        model = _MODELS[kind]
        revs = rv.kind_revisions(self.db, kind)
        for (doc,) in self.db.execute(f"select doc from {self._TABLES[kind]} order by id").fetchall():
            rec = model.model_validate(json.loads(doc), context=STORED)
            if kind == "scan":
                rv.stamp_scan(rec, rv.scan_revisions(self.db, rec.id))
            else:
                rv.stamp(rec, revs.get(rec.id))
            yield rec

    def employers(self) -> Iterator[Employer]:
        return self.records("employer")

    def candidates(self) -> Iterator[Candidate]:
        return self.records("candidate")

    def scans(self) -> Iterator[Scan]:
        return self.records("scan")

    def summaries(self, kind: str) -> list[dict[str, Any]]:
        """One row per record for listings: ``kind`` is candidates, employers, functions or scans.

        Columns, in order: candidates id, municipality, max_commute_km, hours_per_week,
        dutch_level, competences (a count); employers id, name, sector, joint_committee,
        municipality, functions (a count); functions id, title, sector, hours_per_week, openings,
        visible (a bool), hourly_wage_eur; scans id, employer, date, tasks (a count),
        hours_per_week (their sum).
        """
        rows = self.rows(_SUMMARIES[kind])
        for r in rows:
            if "visible" in r:
                r["visible"] = bool(r["visible"])
        return rows

    def docs(self, kind: str) -> list[dict[str, Any]]:
        """The stored documents of one kind (:func:`~matchcore.model.to_document` of each record),
        to compare two databases."""
        return [json.loads(d) for (d,) in self.db.execute(
            f"select doc from {self._TABLES[kind]} order by id")]

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """The rows of a query as mappings of column name to value."""
        cur = self.db.execute(sql, list(params))
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
