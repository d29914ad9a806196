"""`matchcore check` finds stored records that today's write-time checks would refuse (a register
number in a note written before that check existed), without changing them; a clean store passes."""
import json
from pathlib import Path

from click.testing import CliRunner

from matchcore.cli.root import main as cli
from matchcore.store.db import Store
from matchcore.store.io import import_paths

ROOT = Path(__file__).resolve().parents[1]


def _store(tmp_path):
    db = tmp_path / "m.db"
    store = Store.open(db)
    import_paths(store, [ROOT / "profiles"])
    return db, store


def test_clean_store_passes(tmp_path):
    db, store = _store(tmp_path)
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "check", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["checked"]["candidate"] > 0 and report["problems"] == []


def test_an_old_row_with_a_register_number_is_listed_and_left_alone(tmp_path):
    db, store = _store(tmp_path)
    cid = store.db.execute("select id from candidates order by id limit 1").fetchone()[0]
    doc = json.loads(store.db.execute("select doc from candidates where id = ?", [cid]).fetchone()[0])
    doc.setdefault("extra", {})["notes"] = "rrn 93051822361"  # as a database from before the check could hold it
    with store.write():
        store.db.execute("update candidates set doc = ? where id = ?", [json.dumps(doc), cid])
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "check", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [(p["table"], p["field"]) for p in report["problems"]] == [("candidates", "extra.notes")]
    assert cid in report["problems"][0]["record"]
    assert "93051822361" not in result.output
    # still readable, unchanged
    again = Store.open(db)
    assert again.candidate(cid).extra["notes"] == "rrn 93051822361"
