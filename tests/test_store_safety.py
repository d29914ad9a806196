"""The database file: query commands refuse a missing or foreign file, damaged files are one
clean line, files are owner-only, and `matchcore delete candidate` erases a person (issue 10,
points 4 and 8)."""
from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchcore.cli.root import main
from matchcore.errors import StoreError
from matchcore.matching.matcher import Matcher
from matchcore.model import parse_record, to_document
from matchcore.store import Store, connection
from matchcore.store.io import import_paths
from matchcore.web import audit, contacts  # also registers the web app's tables (audit_log)

from .test_io import CANDIDATES_YAML, EMPLOYER_YAML, SCAN_YAML, write

ROOT = Path(__file__).resolve().parent.parent


def cli(db: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--db", str(db), *args], obj={}, input=input)


def one_clean_line(result, text: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and text in lines[0], result.output
    assert "Traceback" not in result.output


@pytest.fixture
def data(tmp_path):
    write(tmp_path / "in", "kaai.yaml", EMPLOYER_YAML)
    write(tmp_path / "in", "cands.yaml", CANDIDATES_YAML)
    write(tmp_path / "in", "scan.yaml", SCAN_YAML)
    return tmp_path / "in"


QUERIES = [
    ("match", "candidate", "K-0042"), ("match", "function", "brasserie-de-kaai/afwasser"),
    ("list", "candidates"), ("show", "candidate", "K-0042"), ("assign",),
    ("carve", "haven-2025-03"), ("advice", "haven-2025-03", "--out", "-"),
    ("instruments", "check", "--candidate", "K-0042", "--function", "brasserie-de-kaai/afwasser"),
    ("vocab", "list"), ("vocab", "resolve", "afwassen"), ("export", "out"), ("serve",),
    ("user", "list"), ("user", "remove", "an"), ("scan", "show", "haven-2025-03"),
    ("scan", "add-task", "haven-2025-03", "--description", "x"), ("delete", "candidate", "K-0042", "--yes"),
]


@pytest.mark.parametrize("args", QUERIES, ids=lambda a: " ".join(a[:2]))
def test_query_commands_refuse_a_missing_database_and_create_nothing(tmp_path, args):
    db = tmp_path / "typo.db"
    result = cli(db, *args)
    one_clean_line(result, f"no database at {db}; run `matchcore init` or `matchcore import` first")
    assert not db.exists() and not (tmp_path / "out").exists()


def test_an_empty_file_is_no_database_either(tmp_path):
    db = tmp_path / "empty.db"
    db.touch()
    one_clean_line(cli(db, "list", "candidates"), f"no database at {db}")


def test_init_import_and_the_first_account_create_the_database(tmp_path, data):
    assert cli(tmp_path / "a.db", "init").exit_code == 0
    assert cli(tmp_path / "b.db", "import", str(data)).exit_code == 0
    assert cli(tmp_path / "u.db", "user", "add", "an.peeters", "--password-stdin",
               input="a long enough password\n").exit_code == 0
    for name in ("a.db", "b.db", "u.db"):
        assert Store.open(tmp_path / name, create=False).schema_version > 0
    with pytest.raises(StoreError, match="no database at"):
        Store.open(tmp_path / "c.db", create=False)


def _foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("create table invoices (id integer primary key, amount real)")
    con.execute("insert into invoices (amount) values (12.5)")
    con.commit()
    con.close()


def _bad_version(path: Path) -> None:
    Store.open(path).close()
    con = sqlite3.connect(path)
    con.execute("update meta set value = 'drie' where key = 'schema_version'")
    con.commit()
    con.close()


def _damaged(path: Path) -> None:
    store = Store.open(path)
    import_paths(store, [ROOT / "profiles"])
    store.close()
    with open(path, "r+b") as f:  # pages 4 to 6 overwritten: the tables there are garbage
        f.seek(4096 * 3)
        f.write(b"\xff" * 4096 * 3)


BAD_FILES = [
    (_foreign, "not a matchcore database: another program's SQLite file (tables invoices)"),
    (lambda p: p.write_bytes(b"PK\x03\x04" + os.urandom(3000)), "not a matchcore database: not a SQLite file"),
    (lambda p: p.write_text("kind: employer\n" * 200), "not a matchcore database: not a SQLite file"),
    (_bad_version, "meta schema_version is 'drie', not a number"),
    (_damaged, "the database file is damaged"),
]


@pytest.mark.parametrize("make, message", BAD_FILES, ids=["foreign", "zip", "yaml", "version", "damaged"])
@pytest.mark.parametrize("args", [("list", "candidates"), ("import", "IN"), ("init",)], ids=lambda a: a[0])
def test_a_file_that_is_not_a_sound_matchcore_database_is_one_line_and_left_alone(
        tmp_path, data, make, message, args):
    db = tmp_path / "x.db"
    make(db)
    before = db.read_bytes()
    result = cli(db, *[str(data) if a == "IN" else a for a in args])
    one_clean_line(result, message)
    assert db.read_bytes() == before  # a foreign file does not get matchcore's tables


def test_a_read_only_database_refuses_a_write_in_one_line_and_still_reads(tmp_path, data, monkeypatch):
    db = tmp_path / "ro.db"
    assert cli(db, "import", str(data)).exit_code == 0
    real = sqlite3.connect

    def read_only(path, *args, **kwargs):  # what a file without write permission gives (not as root)
        return real(f"file:{path}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(connection.sqlite3, "connect", read_only)
    assert cli(db, "list", "candidates").exit_code == 0
    one_clean_line(cli(db, "import", str(data)), f"{db}: the database is read-only")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a file without write permission")
def test_a_file_without_write_permission_refuses_a_write(tmp_path, data):
    db = tmp_path / "ro.db"
    assert cli(db, "import", str(data)).exit_code == 0
    db.chmod(0o400)
    one_clean_line(cli(db, "import", str(data)), "read-only")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_database_and_its_wal_and_shm_files_are_owner_only(tmp_path, data):
    old = os.umask(0o022)  # a usual umask, which would give 0644
    try:
        store = Store.open(tmp_path / "new.db")
        import_paths(store, [data])
        files = [tmp_path / n for n in ("new.db", "new.db-wal", "new.db-shm")]
        assert all(f.exists() for f in files)  # WAL: all three exist while the store is open
        assert [mode(f) for f in files] == [0o600] * 3
        store.close()
    finally:
        os.umask(old)


def test_the_match_cache_files_beside_the_database_are_owner_only(tmp_path, data):
    from matchcore.matching.matcher import Matcher

    old = os.umask(0o022)
    try:
        store = Store.open(tmp_path / "new.db")
        import_paths(store, [data])
        Matcher(store).fit()
        beside = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new.db."))
        assert "new.db.match" in beside
        assert {p: mode(tmp_path / p) for p in beside} == {p: 0o600 for p in beside}
        store.close()
    finally:
        os.umask(old)


def test_exports_and_advice_files_are_owner_only(tmp_path, data):
    db = tmp_path / "a.db"
    assert cli(db, "import", str(data)).exit_code == 0
    old = os.umask(0o022)
    try:
        assert cli(db, "export", str(tmp_path / "backup")).exit_code == 0
        advice = tmp_path / "advies.html"
        advice.write_text("older advice")
        advice.chmod(0o644)  # an older file keeps no wider mode either
        result = cli(db, "advice", "haven-2025-03", "--out", str(advice))
        assert result.exit_code == 0, result.output
        assert os.umask(0o022) == 0o022  # the command gave the caller its umask back
    finally:
        os.umask(old)
    written = [p for p in (tmp_path / "backup").rglob("*") if p.is_file()]
    assert written and {mode(p) for p in written} == {0o600}
    assert {mode(p) for p in (tmp_path / "backup").rglob("*") if p.is_dir()} <= {0o700}
    assert mode(advice) == 0o600 and "older advice" not in advice.read_text()


# --- matchcore delete candidate --------------------------------------------------------------

MARKER = "Zeer-Herkenbare-Notitie-7731"


@pytest.fixture
def team(tmp_path, data):
    """A store with the web app's tables, calls for two candidates and audit lines."""
    db = tmp_path / "team.db"
    store = Store.open(db)
    import_paths(store, [data])
    cand = to_document(store.candidate("K-0042"))
    cand["extra"] = {"note": MARKER}
    rec, problems = parse_record(cand)
    assert not problems
    store.upsert([rec], by="an")
    for cid in ("K-0042", "K-0043"):
        contacts.record_call(store, user="an", employer_id="brasserie-de-kaai",
                             function_id="brasserie-de-kaai/afwasser", function_title="Afwasser",
                             candidate_id=cid, outcome="interested", note=f"call about {cid} {MARKER}"
                             if cid == "K-0042" else "call about the other")
    with store.write(bump=False):
        audit.record(store, "an", "candidate.note", "candidate:K-0042", {"note": MARKER})
    Matcher(store).fit()  # the match cache now holds K-0042's arrays
    store.close()
    assert MARKER.encode() in db.read_bytes()
    return db


def test_delete_candidate_asks_first_and_keeps_on_no(team):
    result = cli(team, "delete", "candidate", "K-0042", input="n\n")
    assert "Erase candidate K-0042 and everything about them" in result.output and "kept" in result.output
    assert Store.open(team).candidate("K-0042").id == "K-0042"


def test_delete_candidate_erases_the_person_and_everything_about_them(team):
    result = cli(team, "delete", "candidate", "K-0042", "--yes", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert rows["candidates"] == 1 and rows["candidate_competences"] == 1 and rows["contact_log"] == 1
    store = Store.open(team)
    q = lambda sql, *a: store.db.execute(sql, list(a)).fetchall()  # noqa: E731
    assert q("select id from candidates") == [("K-0043",)]
    assert q("select candidate_id from candidate_competences") == [("K-0043",)]
    assert q("select candidate_id from contact_log") == [("K-0043",)]  # the other's call stays
    assert q("select * from revisions where kind = 'candidate' and id = 'K-0042'") == []
    assert len(q("select * from revisions where kind = 'contact'")) == 1
    assert q("select * from match_cache") == []
    audit = q("select user_name, action, target, detail from audit_log where detail like ? or target like ?",
              "%K-0042%", "%K-0042%")
    assert [a[:3] for a in audit] == [("cli", "candidate.erase", "candidate:K-0042")]
    assert MARKER not in (audit[0][3] or "")
    assert "K-0042" not in json.dumps(store.rows("select * from audit_log where action != 'candidate.erase'"))
    store.close()
    # not left readable in the file either (freed pages zeroed, write-ahead log emptied)
    for f in team.parent.glob(team.name + "*"):
        assert MARKER.encode() not in f.read_bytes(), f
    one_clean_line(cli(team, "show", "candidate", "K-0042"), "No such candidate: 'K-0042'")


def test_delete_of_an_unknown_candidate_is_one_line_with_a_suggestion(team):
    one_clean_line(cli(team, "delete", "candidate", "K-0044", "--yes"), "did you mean")


def test_delete_candidate_also_forgets_their_texts_in_the_vector_cache(team):
    # <db>.vectors (vocabulary/semantic.py) keeps embeddings of texts by hash; the erased person's
    # own phrasings go, other texts stay
    import sqlite3

    from matchcore.vocabulary.semantic import cache_for, text_hash

    path = str(team) + ".vectors"
    with sqlite3.connect(path) as db:
        db.execute("create table if not exists vectors (model text, hash blob, q blob, scale real, "
                   "primary key (model, hash))")
        db.executemany("insert into vectors values ('m', ?, x'00', 1.0)",
                       [(text_hash(MARKER),), (text_hash("iets van iemand anders"),)])
    cache_for(Store.open(team)).memory.clear()
    result = cli(team, "delete", "candidate", "K-0042", "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"]["vectors"] == 1
    with sqlite3.connect(path) as db:
        left = [r[0] for r in db.execute("select hash from vectors")]
    assert left == [text_hash("iets van iemand anders")]
