"""The store: one SQLite file through sqlite-utils.

Each record is kept whole as validated JSON (``doc``) beside the columns the engine queries,
and child tables (function and candidate competences, scan tasks) derived from it on every
write. Foreign keys are on, the journal is WAL, and migrations run when the file is opened.

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
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import sqlite_utils

from matchcore.errors import NotFound, StoreError, UnknownReference
from matchcore.model import Candidate, Employer, Function, Scan, task_hours_per_week

__all__ = ["Store", "default_db_path", "SCHEMA_VERSION"]

DEFAULT_DB = "matchcore.db"


def default_db_path() -> str:
    """``$MATCHCORE_DB`` if set, else ``./matchcore.db``."""
    return os.environ.get("MATCHCORE_DB") or DEFAULT_DB


def _doc(record) -> dict:
    data = record.model_dump(mode="json", exclude_defaults=True)
    kind = getattr(record, "kind", None)
    return {"kind": kind, **data} if kind else data


# --- migrations -------------------------------------------------------------------------
# Each migration takes the database and brings it from version i to i + 1. Never edit one
# that has shipped: add a new one at the end.

def _m1_initial(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["employers"].create(
        {"id": str, "name": str, "sector": str, "joint_committee": str, "non_profit": int,
         "postcode": str, "municipality": str, "region": str, "lat": float, "lon": float,
         "doc": str},
        pk="id",
    )
    db["functions"].create(
        {"id": str, "employer_id": str, "function_id": str, "title": str, "sector": str,
         "hours_per_week": float, "shifts": str, "openings": int, "visible": int,
         "hourly_wage_eur": float, "lat": float, "lon": float, "doc": str},
        pk="id",
        foreign_keys=[("employer_id", "employers", "id")],
    )
    db["function_competences"].create(
        {"function_id": str, "pos": int, "name": str, "level": int, "weight": float,
         "required": int, "esco_uri": str},
        pk=("function_id", "pos"),
        foreign_keys=[("function_id", "functions", "id")],
    )
    db["candidates"].create(
        {"id": str, "postcode": str, "municipality": str, "region": str, "lat": float,
         "lon": float, "max_commute_km": float, "hours_per_week": float, "dutch_level": str,
         "doc": str},
        pk="id",
    )
    db["candidate_competences"].create(
        {"candidate_id": str, "pos": int, "name": str, "level": int, "esco_uri": str},
        pk=("candidate_id", "pos"),
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["scans"].create(
        {"id": str, "employer_id": str, "date": str, "consultant": str, "doc": str},
        pk="id",
        foreign_keys=[("employer_id", "employers", "id")],
    )
    db["scan_tasks"].create(
        {"scan_id": str, "task_id": str, "role": str, "description": str,
         "hours_per_week": float, "complexity": int, "core": int, "safety_critical": int},
        pk=("scan_id", "task_id"),
        foreign_keys=[("scan_id", "scans", "id")],
    )
    db["functions"].create_index(["employer_id"])
    db["function_competences"].create_index(["name"])
    db["candidate_competences"].create_index(["name"])


def _m2_vocabulary(db: sqlite_utils.Database) -> None:
    """The competence vocabulary (matchcore.vocabulary.concepts) and the matcher's matrix cache.

    ``vocab_labels`` keeps every way of writing a concept: ``folded`` is case- and
    accent-folded text, ``key`` the same without stop words and with sorted tokens (what
    rapidfuzz compares); ``priority`` orders labels shared by several concepts (lower wins).
    ``match_cache`` holds derived matrices keyed on ``data_version``; it is never data.
    """
    db["vocab_concepts"].create(
        {"id": str, "label": str, "type": str, "sectors": str, "en": str, "esco_uri": str,
         "source": str, "description": str},
        pk="id",
    )
    db["vocab_labels"].create(
        {"concept_id": str, "label": str, "folded": str, "key": str, "kind": str, "lang": str,
         "priority": int},
        pk=("concept_id", "folded"),
        foreign_keys=[("concept_id", "vocab_concepts", "id")],
    )
    db["vocab_concepts"].create_index(["esco_uri"])
    db["vocab_labels"].create_index(["key"])
    db["vocab_labels"].create_index(["folded"])
    db["match_cache"].create({"name": str, "key": str, "blob": bytes}, pk="name")


def _m3_web(db: sqlite_utils.Database) -> None:
    """The web app's tables (matchcore.web): team accounts, login sessions, the contact log of
    calls to employers and the audit log of who changed what.

    ``sessions`` keeps only a hash of each cookie token; ``contact_log`` and ``audit_log`` have
    no foreign keys on purpose: history stays when a record it mentions is deleted.
    """
    db["users"].create(
        {"id": int, "name": str, "password_hash": str, "created_at": str, "last_login_at": str},
        pk="id", not_null={"name", "password_hash"},
    )
    db["users"].create_index(["name"], unique=True)
    db["sessions"].create(
        {"token_hash": str, "user_name": str, "csrf_token": str, "created_at": str,
         "expires_at": str, "last_seen_at": str},
        pk="token_hash",
    )
    db["contact_log"].create(
        {"id": int, "at": str, "by_user": str, "employer_id": str, "function_id": str,
         "function_title": str, "candidate_id": str, "outcome": str, "outcome_date": str,
         "feedback_date": str, "note": str},
        pk="id",
    )
    db["contact_log"].create_index(["employer_id", "at"])
    db["audit_log"].create(
        {"id": int, "at": str, "user_name": str, "action": str, "target": str, "detail": str},
        pk="id",
    )
    db["audit_log"].create_index(["at"])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_m1_initial, _m2_vocabulary, _m3_web]
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """A matchcore database.

    Parameters
    ----------
    path : str or Path
        The SQLite file; created when missing.

    Raises
    ------
    StoreError
        When the file is not a SQLite database, or was written by a newer matchcore.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        try:
            self.db = sqlite_utils.Database(self.path)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 5000")
            if self.path != ":memory:":
                self.db.enable_wal()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a matchcore database ({exc})") from None

    @classmethod
    def open(cls, path: str | os.PathLike | None = None) -> "Store":
        return cls(path or default_db_path())

    def close(self) -> None:
        self.db.close()

    # --- schema -----------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        if "meta" not in self.db.table_names():
            return 0
        row = self.db.execute("select value from meta where key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this matchcore "
                f"understands ({SCHEMA_VERSION}); upgrade matchcore"
            )
        for step in range(version, SCHEMA_VERSION):
            with self.db.atomic():
                MIGRATIONS[step](self.db)
                self._set_meta("schema_version", str(step + 1))

    def _set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else default

    @property
    def data_version(self) -> int:
        """A counter bumped on every write; caches built from the store key on it."""
        return int(self.meta("data_version", "0"))

    def _bump(self) -> None:
        self._set_meta("data_version", str(self.data_version + 1))

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All writes inside happen together or not at all."""
        with self.db.atomic():
            yield self
            self._bump()

    # --- writes -----------------------------------------------------------------------
    def upsert(self, records: Iterable[Employer | Candidate | Scan]) -> dict[str, int]:
        """Insert or update records by id, all in one transaction; return counts per kind.

        Employers come first so that scans in the same batch may refer to them.

        Raises
        ------
        UnknownReference
            A scan names an employer that is neither stored nor in ``records``.
        """
        records = list(records)
        order = {"employer": 0, "candidate": 1, "scan": 2}
        counts: dict[str, int] = {}
        with self.transaction():
            for rec in sorted(records, key=lambda r: order[r.kind]):
                getattr(self, f"_put_{rec.kind}")(rec)
                counts[rec.kind] = counts.get(rec.kind, 0) + 1
        return counts

    def _put_employer(self, emp: Employer) -> None:
        loc = emp.location
        self.db["employers"].upsert(
            {"id": emp.id, "name": emp.name, "sector": emp.sector,
             "joint_committee": emp.joint_committee, "non_profit": int(emp.non_profit),
             "postcode": loc.postcode, "municipality": loc.municipality, "region": loc.region,
             "lat": loc.lat, "lon": loc.lon, "doc": json.dumps(_doc(emp), ensure_ascii=False)},
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
                 "doc": json.dumps(_doc(fn), ensure_ascii=False)},
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
             "max_commute_km": cand.max_commute_km, "hours_per_week": cand.hours_per_week,
             "dutch_level": cand.dutch_level, "doc": json.dumps(_doc(cand), ensure_ascii=False)},
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
             "consultant": scan.consultant, "doc": json.dumps(_doc(scan), ensure_ascii=False)},
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

    def save_scan(self, scan: Scan) -> None:
        """Write one scan at once (used by interactive entry: every change is kept)."""
        with self.transaction():
            self._put_scan(scan)

    def delete(self, kind: str, record_id: str) -> None:
        """Remove a record and what hangs on it."""
        with self.transaction():
            if kind == "employer":
                if self.db.execute("select 1 from scans where employer_id = ?", [record_id]).fetchone():
                    raise UnknownReference(
                        f"employer {record_id}: scans refer to it; delete those scans first")
                self.db.execute("delete from function_competences where function_id in "
                                "(select id from functions where employer_id = ?)", [record_id])
                self.db.execute("delete from functions where employer_id = ?", [record_id])
                cur = self.db.execute("delete from employers where id = ?", [record_id])
            elif kind == "candidate":
                self.db.execute("delete from candidate_competences where candidate_id = ?", [record_id])
                cur = self.db.execute("delete from candidates where id = ?", [record_id])
            elif kind == "scan":
                self.db.execute("delete from scan_tasks where scan_id = ?", [record_id])
                cur = self.db.execute("delete from scans where id = ?", [record_id])
            else:
                raise ValueError(f"The 'kind' parameter of Store.delete must be employer, candidate or scan. Got {kind!r} instead.")
            if cur.rowcount == 0:
                raise NotFound(kind, record_id, self.suggest(kind, record_id))

    # --- reads ------------------------------------------------------------------------
    _TABLES = {"employer": "employers", "candidate": "candidates", "scan": "scans",
               "function": "functions"}

    def ids(self, kind: str) -> list[str]:
        return [r[0] for r in self.db.execute(f"select id from {self._TABLES[kind]} order by id")]

    def count(self, kind: str) -> int:
        return self.db[self._TABLES[kind]].count

    def suggest(self, kind: str, record_id: str) -> str | None:
        """The closest existing id, for 'did you mean' hints."""
        from rapidfuzz import process

        hit = process.extractOne(record_id, self.ids(kind), score_cutoff=60)
        return hit[0] if hit else None

    def _load(self, kind: str, record_id: str) -> dict:
        row = self.db.execute(f"select doc from {self._TABLES[kind]} where id = ?", [record_id]).fetchone()
        if row is None:
            raise NotFound(kind, record_id, self.suggest(kind, record_id))
        return json.loads(row[0])

    def employer(self, employer_id: str) -> Employer:
        return Employer.model_validate(self._load("employer", employer_id))

    def candidate(self, candidate_id: str) -> Candidate:
        return Candidate.model_validate(self._load("candidate", candidate_id))

    def scan(self, scan_id: str) -> Scan:
        return Scan.model_validate(self._load("scan", scan_id))

    def function(self, function_id: str) -> tuple[Employer, Function]:
        """Look up ``employer/function``; return the employer and its function."""
        row = self.db.execute("select employer_id, function_id from functions where id = ?",
                              [function_id]).fetchone()
        if row is None:
            raise NotFound("function", function_id, self.suggest("function", function_id))
        emp = self.employer(row[0])
        return emp, next(f for f in emp.functions if f.id == row[1])

    def employers(self) -> Iterator[Employer]:
        for (doc,) in self.db.execute("select doc from employers order by id"):
            yield Employer.model_validate(json.loads(doc))

    def candidates(self) -> Iterator[Candidate]:
        for (doc,) in self.db.execute("select doc from candidates order by id"):
            yield Candidate.model_validate(json.loads(doc))

    def scans(self) -> Iterator[Scan]:
        for (doc,) in self.db.execute("select doc from scans order by id"):
            yield Scan.model_validate(json.loads(doc))

    def docs(self, kind: str) -> list[dict[str, Any]]:
        """The stored documents of one kind, as written by export."""
        return [json.loads(d) for (d,) in self.db.execute(
            f"select doc from {self._TABLES[kind]} order by id")]

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        cur = self.db.execute(sql, list(params))
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
