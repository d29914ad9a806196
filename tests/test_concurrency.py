"""Several coaches on one SQLite file: writers wait their turn, reads hold no lock, and the match
cache never holds older data than its label (issue 10, points 1 and 9).

Real processes and threads, each bounded in time (a hang fails the test instead of the suite).
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from matchcore.errors import StoreError
from matchcore.matching import arrays as ma
from matchcore.matching.matcher import Matcher
from matchcore.model import parse_record
from matchcore.store import SCHEMA_VERSION, Store
from matchcore.store.io import import_paths
from matchcore.vocabulary import Vocabulary

from .test_io import CANDIDATES_YAML, EMPLOYER_YAML, write

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "matchcore", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_four_parallel_imports_into_one_new_file_all_succeed(tmp_path):
    db = tmp_path / "team.db"
    procs = [_cli("--db", str(db), "import", str(ROOT / "profiles"), str(ROOT / "scans"))
             for _ in range(4)]
    results = [p.communicate(timeout=60) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0 and err == "", err
        assert out.startswith("imported ") and "employer" in out
    store = Store.open(db, create=False)
    # each step of the migration sets applied once, though four processes opened a new file
    names = [r[0] for r in store.db.execute("select name from _sqlite_migrations").fetchall()]
    assert len(names) == len(set(names)) and store.schema_version == SCHEMA_VERSION
    assert store.data_version == 4  # four committed imports, none lost
    assert store.count("candidate") == 47  # 42 in candidates.yaml (K-0061, K-0062: issue 14) + 5 in the CSV
    store.close()


@pytest.fixture
def two(tmp_path):
    """Two connections to one file (two coaches), with the small test records imported."""
    write(tmp_path / "in", "kaai.yaml", EMPLOYER_YAML)
    write(tmp_path / "in", "cands.yaml", CANDIDATES_YAML)
    a = Store.open(tmp_path / "one.db")
    import_paths(a, [tmp_path / "in"])
    b = Store.open(tmp_path / "one.db", create=False)
    yield a, b
    a.close()
    b.close()


def _meta(store: Store, key: str, value: str) -> None:
    with store.write(bump=False):
        store._set_meta(key, value)


def test_an_unfinished_read_on_the_connection_does_not_make_the_next_write_fail(two):
    a, b = two
    cursor = a.db.execute("select id from candidates order by id")
    assert cursor.fetchone() == ("K-0042",)  # one row of two read: the query is not finished
    _meta(b, "probe", "b")  # another coach commits meanwhile
    _meta(a, "probe", "a")  # an open read snapshot here would make this fail at once
    assert cursor.fetchone() == ("K-0043",)  # the rows were all read at once: still there
    assert b.meta("probe") == "a"


def test_a_writer_waits_for_the_one_holding_the_lock(two):
    a, b = two
    locked, release = threading.Event(), threading.Event()

    def holder():
        c = Store.open(a.path, create=False)
        with c.write(bump=False):
            c._set_meta("holder", "c")
            locked.set()
            release.wait(5)
        c.close()

    t = threading.Thread(target=holder)
    t.start()
    assert locked.wait(5)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    _meta(a, "after", "a")  # BEGIN IMMEDIATE waits in the busy handler until the holder commits
    waited = time.monotonic() - started
    t.join(5)
    assert a.meta("holder") == "c" and a.meta("after") == "a"
    assert waited >= 0.2


def test_a_write_that_cannot_get_the_lock_in_time_is_one_clear_error(two):
    a, b = two
    with b.write(bump=False):
        b._set_meta("holder", "b")
        with pytest.raises(StoreError, match=r"other users kept the database busy for 0.2 s; "
                                             r"nothing was written"):
            with a.write(bump=False, wait_s=0.2):
                a._set_meta("lost", "a")
    assert a.meta("lost") is None and a.meta("holder") == "b"


def test_reads_hold_no_write_lock_and_see_one_snapshot(two):
    a, b = two
    assert a.db.execute("pragma journal_mode").fetchone() == ("wal",)
    assert a.db.execute("pragma foreign_keys").fetchone() == (1,)
    with a.read():
        before = a.data_version
        _meta(b, "x", "1")  # a writer is not blocked by the open read ...
        with b.write():
            pass
        assert a.data_version == before  # ... and the read still sees its snapshot
        with pytest.raises(StoreError, match="a write inside a read transaction"):
            with a.write():
                pass
    assert a.data_version == before + 1


NEW_EMPLOYER = {
    "kind": "employer", "id": "nieuw-0", "name": "Nieuw", "sector": "horeca",
    "joint_committee": "302", "location": {"postcode": "9000"},
    "functions": [{"id": "afwasser", "title": "Afwasser", "hours_per_week": 20,
                   "competences": [{"name": "afwassen", "level": 1}]}],
}


def test_a_match_running_while_an_import_commits_never_caches_old_data_under_the_new_label(
        two, monkeypatch):
    a, b = two
    reading, imported = threading.Event(), threading.Event()
    original = Vocabulary.resolve_many

    def paused(self, *args, **kwargs):
        # build() has read the functions and candidates: the import commits now
        if not reading.is_set():
            reading.set()
            assert imported.wait(10)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Vocabulary, "resolve_many", paused)
    fitted: dict = {}

    def match():
        store = Store.open(a.path, create=False)
        fitted["version"] = Matcher(store).fit().data_.version
        store.close()

    t = threading.Thread(target=match)
    t.start()
    assert reading.wait(10)
    old = b.data_version
    employer, problems = parse_record(NEW_EMPLOYER)
    assert not problems
    b.upsert([employer])
    imported.set()
    t.join(20)
    assert not t.is_alive()
    assert fitted["version"] == old  # labelled with the version of the data it read
    assert b.data_version == old + 1
    monkeypatch.setattr(Vocabulary, "resolve_many", original)
    # the cache holds nothing for the new version, so the next match reads the new data
    assert ma.load_cached(b, "") is None
    after = Matcher(b).fit()
    assert "nieuw-0/afwasser" in after.data_.functions.ids
    assert after.data_.version == old + 1
    assert ma.load_cached(b, "").version == old + 1  # and that one is cached
    # a new Matcher in another process-like connection sees it too ("No such function" before)
    fresh = Matcher(a).fit()
    assert fresh.match_function("nieuw-0/afwasser", top=3, instruments=False).employer == "nieuw-0"
