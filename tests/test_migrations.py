"""Migration sets: the store owns its tables, the web app its own, and old databases still open."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from matchcore.errors import StoreError
from matchcore.model import parse_record
from matchcore.store import SCHEMA_VERSION, Store, migrations
from matchcore.store.io import export_store, import_paths

OLD_DB = Path(__file__).parent / "fixtures" / "store_v3.sql"
CORE_TABLES = {"_sqlite_migrations", "meta", "employers", "functions", "function_competences",
               "candidates", "candidate_competences", "scans", "scan_tasks", "vocab_concepts",
               "vocab_labels", "match_cache", "revisions", "trajectories", "trajectory_actions"}
WEB_TABLES = {"users", "sessions", "contact_log", "audit_log"}


@pytest.fixture
def core_only(monkeypatch):
    """No subsystem's set registered, whatever other tests imported."""
    monkeypatch.setattr(migrations, "_REGISTERED", [])


@pytest.fixture
def with_web(core_only):
    from matchcore.web import schema

    migrations.register(schema.WEB)
    return schema.WEB


def old_database(path: Path, version: int = 3) -> Path:
    """A database as matchcore wrote it before migration sets (version 2: before the web app)."""
    con = sqlite3.connect(path)
    con.executescript(OLD_DB.read_text(encoding="utf-8"))
    if version == 2:
        for table in WEB_TABLES:
            con.execute(f"drop table {table}")
        con.execute("update meta set value = '2' where key = 'schema_version'")
    con.commit()
    con.close()
    return path


def applied(store: Store) -> list[tuple[str, str]]:
    return [(r["migration_set"], r["name"]) for r in store.rows(
        "select migration_set, name from _sqlite_migrations order by id")]


def test_the_store_holds_only_its_own_tables(tmp_path, core_only):
    store = Store.open(tmp_path / "a.db")
    assert set(store.db.table_names()) == CORE_TABLES
    assert store.schema_version == SCHEMA_VERSION == 5
    assert store.meta("schema_version") == "5"
    assert applied(store) == [("matchcore.store", "m1_initial"), ("matchcore.store", "m2_vocabulary"),
                              ("matchcore.store", "m3_web_tables_to_matchcore_web"),
                              ("matchcore.store", "m4_revisions"),
                              ("matchcore.store", "m5_trajectories")]


def test_the_web_app_adds_its_set_to_a_store_opened_before(tmp_path, core_only):
    Store.open(tmp_path / "a.db").close()
    from matchcore.web import schema

    migrations.register(schema.WEB)
    migrations.register(schema.WEB)  # once is enough
    store = Store.open(tmp_path / "a.db")
    assert set(store.db.table_names()) == CORE_TABLES | WEB_TABLES
    assert applied(store)[SCHEMA_VERSION:] == [("matchcore.web", "m1_accounts_and_logs"),
                                               ("matchcore.web", "m2_user_language")]
    assert store.schema_version == SCHEMA_VERSION


@pytest.mark.parametrize("version", [2, 3])
def test_a_database_from_before_migration_sets_opens_and_keeps_working(tmp_path, with_web, version):
    from matchcore.web import accounts

    path = old_database(tmp_path / "old.db", version)
    store = Store.open(path)
    assert store.schema_version == SCHEMA_VERSION and store.meta("schema_version") == str(SCHEMA_VERSION)
    assert {s for s, _ in applied(store)} == {"matchcore.store", "matchcore.web"}
    assert set(store.db.table_names()) == CORE_TABLES | WEB_TABLES
    # the records read back as they were written
    assert store.candidate("K-0042").home.municipality == "Ledeberg"
    emp, fn = store.function("brasserie-de-kaai/afwasser")
    assert (emp.name, fn.competences[0].name) == ("Brasserie De Kaai", "afwassen")
    assert [t.id for t in store.scan("kaai-2025-03").tasks] == ["t01"]
    assert store.data_version == 1
    # and can be written, listed and exported
    rec, _ = parse_record({"kind": "candidate", "id": "K-0043", "home": {"postcode": "2000"}})
    store.upsert([rec])
    assert store.ids("candidate") == ["K-0042", "K-0043"] and store.data_version == 2
    assert [r["id"] for r in store.summaries("functions")] == ["brasserie-de-kaai/afwasser"]
    assert export_store(store, tmp_path / "out") == {"employer": 1, "candidate": 2, "scan": 1}
    copy = Store.open(tmp_path / "copy.db")
    import_paths(copy, [tmp_path / "out"])
    for kind in ("employer", "candidate", "scan"):
        assert copy.docs(kind) == store.docs(kind)
    # the web app's account survives (version 3) or the tables are new and empty (version 2)
    if version == 3:
        assert accounts.verify_password(store, "an.peeters", "a long password here")
    else:
        assert not accounts.accounts_on(store)
    store.close()
    again = Store.open(path)
    # the store's steps, then the web's two (accounts and logs; the users' language)
    assert len(applied(again)) == SCHEMA_VERSION + 2 and again.count("candidate") == 2
    again.close()


def test_an_old_database_opens_without_the_web_app(tmp_path, core_only):
    store = Store.open(old_database(tmp_path / "old.db"))
    assert store.schema_version == SCHEMA_VERSION
    assert store.count("employer") == 1
    assert WEB_TABLES <= set(store.db.table_names())  # left as they were


def test_a_database_from_a_newer_matchcore_is_refused(tmp_path, core_only):
    store = Store.open(tmp_path / "a.db")
    store.db["_sqlite_migrations"].insert(
        {"migration_set": "matchcore.store", "name": "m99_from_the_future", "applied_at": "2099-01-01"})
    store.close()
    with pytest.raises(StoreError, match=rf"schema version {SCHEMA_VERSION + 1} is newer than this "
                                         rf"matchcore understands \({SCHEMA_VERSION}\)"):
        Store.open(tmp_path / "a.db")


def test_newer_web_tables_are_refused(tmp_path, with_web):
    store = Store.open(tmp_path / "a.db")
    store.db["_sqlite_migrations"].insert(
        {"migration_set": "matchcore.web", "name": "m2_from_the_future", "applied_at": "2099-01-01"})
    store.close()
    with pytest.raises(StoreError, match="matchcore.web tables were changed by a newer matchcore"):
        Store.open(tmp_path / "a.db")
