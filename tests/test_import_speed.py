"""The batched import path (matchcore.store.bulk): the same rows and revisions as writing one
record at a time, all or nothing, and a progress counter only on a terminal. No timings here:
benchmarks/bench_import.py measures them."""
from __future__ import annotations

import io
import json

import pytest

from matchcore.errors import ValidationFailed
from matchcore.model import parse_record
from matchcore.store import bulk
from matchcore.store.db import Store
from matchcore.store.io import Progress, import_paths

TABLES = ("employers", "functions", "function_competences", "candidates", "candidate_competences")


def employer(i: int, n_functions: int = 2, title: str = "Afwasser") -> dict:
    return {"kind": "employer", "id": f"emp-{i:04d}", "name": f"Werkgever {i}", "sector": "horeca",
            "location": {"postcode": "9000"},
            "functions": [{"id": f"f{j}", "title": title, "hours_per_week": 30, "shifts": ["day"],
                           "competences": [{"name": "afwassen", "level": 2},
                                           {"name": "hygiëne", "level": 1, "required": True}]}
                          for j in range(n_functions)]}


def candidate(i: int) -> dict:
    return {"kind": "candidate", "id": f"K-{i:04d}", "home": {"postcode": "9050"},
            "max_commute_km": 15, "hours_per_week": 30, "shifts": ["day"],
            "competences": [{"name": "afwassen", "level": 3}]}


def records(raws):
    out = []
    for raw in raws:
        rec, problems = parse_record(raw)
        assert not problems, problems
        out.append(rec)
    return out


def dump(store: Store) -> dict:
    out = {t: store.rows(f"select * from {t} order by 1, 2") for t in TABLES}
    out["revisions"] = [{k: v for k, v in r.items() if k != "changed_at"} for r in
                        store.rows("select * from revisions order by kind, parent, id, revision")]
    return out


def one_by_one(store: Store, recs) -> None:
    with store.transaction():
        for rec in recs:
            store._put(rec, None)


@pytest.fixture
def two(tmp_path):
    a, b = Store.open(tmp_path / "bulk.db"), Store.open(tmp_path / "single.db")
    yield a, b
    a.close(), b.close()


def test_bulk_writes_what_one_record_at_a_time_writes(two):
    batched, single = two
    # more than one chunk, then an update: one function dropped, a title changed, one unchanged
    first = records([employer(i) for i in range(bulk.CHUNK + 20)] + [candidate(i) for i in range(30)])
    again = records([employer(0, n_functions=1), employer(1, title="Keukenhulp"), employer(2)]
                    + [candidate(0)])
    for recs in (first, again):
        batched.upsert(recs)
        one_by_one(single, recs)
    assert dump(batched) == dump(single)
    assert batched.docs("employer") == single.docs("employer")
    # the dropped function is gone with its competences
    assert batched.rows("select count(*) n from function_competences where function_id = 'emp-0000/f1'") == [{"n": 0}]
    assert batched.revision("employer", "emp-0001") == 2   # changed
    assert batched.revision("employer", "emp-0002") == 1   # the same again: no new revision
    assert batched.record("employer", "emp-0001").last_change.fields == ("functions",)


def test_import_counts_and_revisions_over_chunks(tmp_path):
    data = tmp_path / "werkgevers.json"
    n = 2 * bulk.CHUNK + 7
    data.write_text(json.dumps([employer(i) for i in range(n)]), encoding="utf-8")
    store = Store.open(tmp_path / "s.db")
    assert import_paths(store, [data]) == {"employer": n}
    assert store.count("function") == 2 * n
    assert store.rows("select count(*) n from revisions where kind = 'employer'") == [{"n": n}]
    version = store.data_version
    assert import_paths(store, [data]) == {"employer": n}  # the same again
    assert store.rows("select count(*) n from revisions where kind = 'employer'") == [{"n": n}]
    assert store.data_version == version + 1


def test_one_bad_record_after_many_good_ones_writes_nothing(tmp_path):
    raws = [employer(i) for i in range(bulk.CHUNK * 2)]
    raws[-1]["functions"][0]["hours_per_week"] = "twintig"
    data = tmp_path / "w.json"
    data.write_text(json.dumps(raws), encoding="utf-8")
    store = Store.open(tmp_path / "s.db")
    with pytest.raises(ValidationFailed) as exc:
        import_paths(store, [data])
    assert "emp-0999" in str(exc.value) and "hours_per_week" in str(exc.value)
    assert store.count("employer") == 0 and store.count("function") == 0
    assert store.rows("select count(*) n from revisions") == [{"n": 0}]


def test_duplicate_key_in_json_is_still_refused(tmp_path):
    data = tmp_path / "w.json"
    data.write_text('[{"kind": "employer", "id": "a", "id": "b"}]', encoding="utf-8")
    with pytest.raises(ValidationFailed, match="appears twice"):
        import_paths(Store.open(tmp_path / "s.db"), [data])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_on_a_terminal_only(tmp_path):
    data = tmp_path / "w.json"
    data.write_text(json.dumps([employer(i) for i in range(bulk.CHUNK + 1)]), encoding="utf-8")
    shown = Terminal()
    import_paths(Store.open(tmp_path / "a.db"), [data], progress_to=shown)
    text = shown.getvalue()
    assert text.startswith("\r") and text.endswith("\n")
    assert text.count("\r") == 2  # one line, redrawn after each chunk
    assert "501" in text.rsplit("\r", 1)[1]
    piped = io.StringIO()
    import_paths(Store.open(tmp_path / "b.db"), [data], progress_to=piped)
    assert piped.getvalue() == ""


def test_progress_counter_adds_up():
    p = Progress(3, Terminal())
    p(2), p(1), p.close()
    assert p.done == 3 and p.stream.getvalue().endswith("\n")
