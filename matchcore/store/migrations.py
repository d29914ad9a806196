"""Schema migrations, one set per subsystem, through sqlite-utils' ``Migrations``.

The store owns :data:`CORE` (records, their child tables, the vocabulary and the matcher's
cache). A subsystem with tables of its own (the web app: :mod:`matchcore.web.schema`) declares
its set and registers it with :func:`register`; every store opened afterwards applies it. Applied
steps are recorded by name in sqlite-utils' ``_sqlite_migrations`` table.

Never edit a step that has shipped: add a new one at the end of its set.

Databases from before migration sets (matchcore up to schema version 3 kept one numbered list in
``meta.schema_version``: 1 records, 2 vocabulary, 3 the web app's tables) already hold some of the
tables the first steps create; those steps therefore create only what is missing.
"""
from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from matchcore.errors import StoreError

__all__ = ["CORE", "SCHEMA_VERSION", "check_ours", "core_version", "migrate", "register", "registered",
           "step_names"]

CORE = Migrations("matchcore.store")


@CORE(name="m1_initial")
def _m1_initial(db: sqlite_utils.Database) -> None:
    """The records: employers with functions, candidates, scans, and their child tables."""
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["employers"].create(
        {"id": str, "name": str, "sector": str, "joint_committee": str, "non_profit": int,
         "postcode": str, "municipality": str, "region": str, "lat": float, "lon": float,
         "doc": str},
        pk="id", if_not_exists=True,
    )
    db["functions"].create(
        {"id": str, "employer_id": str, "function_id": str, "title": str, "sector": str,
         "hours_per_week": float, "shifts": str, "openings": int, "visible": int,
         "hourly_wage_eur": float, "lat": float, "lon": float, "doc": str},
        pk="id",
        foreign_keys=[("employer_id", "employers", "id")], if_not_exists=True,
    )
    db["function_competences"].create(
        {"function_id": str, "pos": int, "name": str, "level": int, "weight": float,
         "required": int, "esco_uri": str},
        pk=("function_id", "pos"),
        foreign_keys=[("function_id", "functions", "id")], if_not_exists=True,
    )
    db["candidates"].create(
        {"id": str, "postcode": str, "municipality": str, "region": str, "lat": float,
         "lon": float, "max_commute_km": float, "hours_per_week": float, "dutch_level": str,
         "doc": str},
        pk="id", if_not_exists=True,
    )
    db["candidate_competences"].create(
        {"candidate_id": str, "pos": int, "name": str, "level": int, "esco_uri": str},
        pk=("candidate_id", "pos"),
        foreign_keys=[("candidate_id", "candidates", "id")], if_not_exists=True,
    )
    db["scans"].create(
        {"id": str, "employer_id": str, "date": str, "consultant": str, "doc": str},
        pk="id",
        foreign_keys=[("employer_id", "employers", "id")], if_not_exists=True,
    )
    db["scan_tasks"].create(
        {"scan_id": str, "task_id": str, "role": str, "description": str,
         "hours_per_week": float, "complexity": int, "core": int, "safety_critical": int},
        pk=("scan_id", "task_id"),
        foreign_keys=[("scan_id", "scans", "id")], if_not_exists=True,
    )
    db["functions"].create_index(["employer_id"], if_not_exists=True)
    db["function_competences"].create_index(["name"], if_not_exists=True)
    db["candidate_competences"].create_index(["name"], if_not_exists=True)


@CORE(name="m2_vocabulary")
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
        pk="id", if_not_exists=True,
    )
    db["vocab_labels"].create(
        {"concept_id": str, "label": str, "folded": str, "key": str, "kind": str, "lang": str,
         "priority": int},
        pk=("concept_id", "folded"),
        foreign_keys=[("concept_id", "vocab_concepts", "id")], if_not_exists=True,
    )
    db["vocab_concepts"].create_index(["esco_uri"], if_not_exists=True)
    db["vocab_labels"].create_index(["key"], if_not_exists=True)
    db["vocab_labels"].create_index(["folded"], if_not_exists=True)
    db["match_cache"].create({"name": str, "key": str, "blob": bytes}, pk="name",
                             if_not_exists=True)


@CORE(name="m3_web_tables_to_matchcore_web")
def _m3_web_tables_to_matchcore_web(db: sqlite_utils.Database) -> None:
    """Nothing to do: step 3 of the old numbered list created the web app's tables, which now
    belong to the set of :mod:`matchcore.web.schema`. Kept so that version 3 means the same
    layout of the store's own tables to this matchcore and to the ones before it."""


@CORE(name="m4_revisions")
def _m4_revisions(db: sqlite_utils.Database) -> None:
    """The revision history of every editable record (:mod:`matchcore.store.revisions`).

    One row per save that changed a record: ``kind`` is employer, candidate, scan, task, role or
    contact; ``parent`` the scan id of a task or role ('' otherwise); ``fields`` the JSON list of
    the field names that changed; ``removed`` 1 on the row that recorded a removal. A record's
    revision is its highest ``revision``; records stored before this step have revision 0.
    """
    db["revisions"].create(
        {"kind": str, "parent": str, "id": str, "revision": int, "changed_by": str,
         "changed_at": str, "fields": str, "removed": int},
        pk=("kind", "parent", "id", "revision"), not_null={"kind", "parent", "id", "revision"},
        if_not_exists=True,
    )


@CORE(name="m5_trajectories")
def _m5_trajectories(db: sqlite_utils.Database) -> None:
    """Trajectories (issue 14; :mod:`matchcore.store.trajectories`): one per candidate.

    ``trajectories`` keeps the whole validated document (``doc``) beside the columns the agenda
    queries (coach, current phase, the placement's function, instrument and start);
    ``trajectory_actions`` is derived from it on every write, one row per PDP action. Both are
    keyed by ``candidate_id``, so erasing a candidate (:mod:`matchcore.store.erasure`) removes them.
    """
    db["trajectories"].create(
        {"candidate_id": str, "coach": str, "phase": str, "function_id": str, "instrument": str,
         "start": str, "doc": str},
        pk="candidate_id", foreign_keys=[("candidate_id", "candidates", "id")], if_not_exists=True,
    )
    db["trajectory_actions"].create(
        {"candidate_id": str, "action_id": str, "what": str, "who": str, "due": str, "status": str,
         "source": str, "function_id": str},
        pk=("candidate_id", "action_id"), foreign_keys=[("candidate_id", "candidates", "id")],
        if_not_exists=True,
    )
    db["trajectory_actions"].create_index(["due"], if_not_exists=True)


def step_names(migrations: Migrations) -> list[str]:
    """The names of a set's steps, in order (what is pending on an empty database)."""
    return [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))]


SCHEMA_VERSION = len(step_names(CORE))

_REGISTERED: list[Migrations] = []


def register(migrations: Migrations) -> None:
    """Have every store opened from now on apply ``migrations`` (a subsystem's own set)."""
    if all(m.name != migrations.name for m in _REGISTERED):
        _REGISTERED.append(migrations)


def registered() -> tuple[Migrations, ...]:
    """The sets a store applies when opened: :data:`CORE` first, then the registered ones."""
    return (CORE, *_REGISTERED)


def core_version(db: sqlite_utils.Database) -> int:
    """How many steps of :data:`CORE` the database has had (its schema version)."""
    return len(CORE.applied(db))


def check_ours(db: sqlite_utils.Database, path: str) -> None:
    """Refuse a SQLite file that is not a matchcore store, before anything is written to it.

    A store has the applied steps of :data:`CORE` in ``_sqlite_migrations``, or (from before
    migration sets) a ``meta`` table with a ``schema_version``; an empty file is a new store.
    A ``schema_version`` that is not a number means a damaged or foreign file.

    Raises
    ------
    StoreError
    """
    tables = [r[0] for r in db.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
        "order by name").fetchall()]
    if not tables:
        return
    ours = "_sqlite_migrations" in tables and db.execute(
        "select 1 from _sqlite_migrations where migration_set = ? limit 1", [CORE.name]).fetchone()
    version = None
    if "meta" in tables and "value" in db["meta"].columns_dict:
        row = db.execute("select value from meta where key = 'schema_version'").fetchone()
        version = row[0] if row else None
    if not ours and version is None:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(f"{path}: not a matchcore database: another program's SQLite file "
                         f"(tables {shown}); give the right --db, or a new file for a new store")
    if version is not None and not str(version).strip().isdigit():
        raise StoreError(f"{path}: meta schema_version is {str(version)[:40]!r}, not a number; "
                         "the file is damaged or not matchcore's")
    if version is not None and int(version) > SCHEMA_VERSION and not ours:
        raise StoreError(f"{path}: schema version {int(version)} is newer than this matchcore "
                         f"understands ({SCHEMA_VERSION}); upgrade matchcore")


def _pending(db: sqlite_utils.Database, sets) -> bool:
    if any(m.pending(db) for m in sets):
        return True
    row = db.execute("select value from meta where key = 'schema_version'").fetchone()
    return row is None or row[0] != str(core_version(db))


def migrate(db: sqlite_utils.Database, path: str, write=None) -> None:
    """Apply every pending step of every registered set.

    ``write`` is the store's write transaction (:meth:`~matchcore.store.db.Store.write`): the
    steps run under its lock and are looked up again inside it, so that several processes
    opening a new file at once apply each step once. Nothing is written when nothing is
    pending (a read-only file opens for reading).

    Raises
    ------
    StoreError
        When the database has steps of a set that this matchcore does not know (a newer
        matchcore changed it); nothing is applied then.
    """
    sets = registered()
    _check_known(db, path, sets)
    if not _pending(db, sets):
        return
    with (write() if write is not None else db.atomic()):
        _check_known(db, path, sets)
        for migrations in sets:
            if migrations.pending(db):
                migrations.apply(db)
        # kept up to date so that a matchcore from before migration sets, which reads only this,
        # still refuses a database that is newer than it understands
        db["meta"].upsert({"key": "schema_version", "value": str(core_version(db))}, pk="key")


def _check_known(db: sqlite_utils.Database, path: str, sets) -> None:
    for migrations in sets:
        known = set(step_names(migrations))
        unknown = [a.name for a in migrations.applied(db) if a.name not in known]
        if unknown and migrations is CORE:
            raise StoreError(
                f"{path}: schema version {core_version(db)} is newer than this matchcore "
                f"understands ({SCHEMA_VERSION}); upgrade matchcore")
        if unknown:
            raise StoreError(f"{path}: the {migrations.name} tables were changed by a newer "
                             f"matchcore ({', '.join(unknown)}); upgrade matchcore")
