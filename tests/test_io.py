"""Import and export: all-or-nothing, upsert by id, CSV, round trip."""
from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchcore.errors import ValidationFailed
from matchcore.store.io import export_store, import_paths, read_records
from matchcore.store.db import SCHEMA_VERSION, Store

EMPLOYER_YAML = """\
kind: employer
id: brasserie-de-kaai
name: Brasserie De Kaai
sector: horeca
joint_committee: "302"
location: {postcode: "9000"}
contact: {name: An Peeters, phone: "09 123 45 67"}
functions:
  - id: afwasser
    title: Afwasser / keukenhulp
    hours_per_week: 20
    shifts: [evening, weekend]
    openings: 1
    visible: false
    hourly_wage_eur: 14.5
    competences:
      - {name: afwassen, level: 2, required: true}
      - {name: keuken reinigen, weight: 2}
    conditions: {dutch_level: A2, max_lift_kg: 15, standing: true}
"""

CANDIDATES_YAML = """\
- kind: candidate
  id: K-0042
  home: {postcode: "9050"}
  max_commute_km: 20
  transport: [bike, public_transport]
  hours_per_week: 30
  birth_date: 1968-04-01
  employment: {status: sec_employee, statute: maatwerk, regime_fraction: 0.8}
  competences:
    - {name: afwassen, level: 3}
- kind: candidate
  id: K-0043
  home: {postcode: "2000"}
  age: 24
  competences: [{name: heftruck besturen, level: 2}]
"""

SCAN_YAML = """\
kind: scan
id: haven-2025-03
employer: brasserie-de-kaai
date: 2025-03-12
roles:
  - {id: dokwerker, title: Dokwerker, hourly_cost_eur: 42, headcount: 60}
tasks:
  - {id: t01, description: Verpakking sorteren, role: dokwerker, frequency: {times: 6, per: day}, minutes: 25}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def snapshot(store: Store) -> dict:
    """Every row of every data table, to compare a database before and after (not the record of
    applied migrations, which holds when each was applied)."""
    out = {}
    for table in store.db.table_names():
        if table == "_sqlite_migrations":
            continue
        cols = [c.name for c in store.db[table].columns]
        # when a revision was written is the second of its import: two imports a second apart
        # differ there and nowhere else (this made the round-trip test fail about 1 run in 8)
        keep = [c for c in cols if not (table == "revisions" and c == "changed_at")]
        rows = store.db.execute(f"select {', '.join(f'[{c}]' for c in keep)} from [{table}]").fetchall()
        out[table] = sorted(map(repr, rows))
    return out


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    write(folder, "employers/kaai.yaml", EMPLOYER_YAML)
    write(folder, "candidates.yaml", CANDIDATES_YAML)
    write(folder, "scans/haven.yaml", SCAN_YAML)
    return folder


def test_import_folder_recursively(store, data):
    counts = import_paths(store, [data])
    assert counts == {"employer": 1, "candidate": 2, "scan": 1}
    emp, fn = store.function("brasserie-de-kaai/afwasser")
    assert fn.visible is False and fn.competences[0].required is True
    assert store.rows("select hours_per_week from scan_tasks")[0]["hours_per_week"] == 12.5


def test_one_bad_record_writes_nothing(store, data, tmp_path):
    import_paths(store, [data])
    before = snapshot(store)
    # an edit that is fine, and a new file with an error: neither may land
    write(data, "employers/kaai.yaml", EMPLOYER_YAML.replace("Brasserie De Kaai", "De Nieuwe Kaai"))
    write(data, "candidates2.yaml", CANDIDATES_YAML.replace("K-0042", "K-0050").replace("K-0043", "K-0051")
          .replace("hours_per_week: 30", "hours_per_week: dertig"))
    with pytest.raises(ValidationFailed) as exc:
        import_paths(store, [data])
    assert str(exc.value) == (f'{data / "candidates2.yaml"}[1]: candidate K-0050: '
                              'hours_per_week must be a number between 1 and 50, got "dertig"')
    assert snapshot(store) == before


def test_every_problem_in_every_file_is_reported(store, tmp_path):
    folder = tmp_path / "bad"
    write(folder, "a.yaml", "kind: candidate\nid: K-1\nhome: {postcode: '0000'}\n")
    write(folder, "b.yaml", "kind: candidate\nid: K-2\nhome: {postcode: '9000'}\nmax_commute_km: -3\n")
    write(folder, "c.yaml", "kind: candidate\nid: K-3\nhome: {postcode: '9000'}\nhome: {postcode: '9000'}\n")
    with pytest.raises(ValidationFailed) as exc:
        import_paths(store, [folder])
    lines = str(exc.value).splitlines()
    assert len(lines) == 3
    assert "a.yaml: candidate K-1: home.postcode must be a Belgian postcode" in lines[0]
    assert lines[1].endswith("b.yaml: candidate K-2: max_commute_km must be a number between 0 and 500, got -3")
    assert lines[2].endswith("c.yaml: line 4: not valid YAML: key 'home' appears twice in one mapping")
    assert store.count("candidate") == 0


def test_database_error_mid_import_rolls_back(store, data):
    """A failure inside the write (here: a scan naming an unknown employer) undoes the whole import."""
    write(data, "scans/other.yaml", SCAN_YAML.replace("haven-2025-03", "other").replace(
        "employer: brasserie-de-kaai", "employer: nobody"))
    with pytest.raises(ValidationFailed, match="employer 'nobody' is not in the database"):
        import_paths(store, [data])
    assert store.count("employer") == 0 and store.count("candidate") == 0


def test_duplicate_ids_across_files(store, data):
    write(data, "more.yaml", CANDIDATES_YAML)
    with pytest.raises(ValidationFailed) as exc:
        import_paths(store, [data])
    assert "candidate K-0042: id is also used in" in str(exc.value)


def test_reimport_updates_by_id_and_drops_removed_functions(store, data):
    import_paths(store, [data])
    edited = EMPLOYER_YAML.replace("hours_per_week: 20", "hours_per_week: 24").replace(
        "  - id: afwasser", "  - id: afwasser-2")
    write(data, "employers/kaai.yaml", edited)
    import_paths(store, [data])
    assert store.ids("function") == ["brasserie-de-kaai/afwasser-2"]
    assert store.count("employer") == 1 and store.count("candidate") == 2
    assert store.rows("select count(*) n from function_competences")[0]["n"] == 2
    _, fn = store.function("brasserie-de-kaai/afwasser-2")
    assert fn.hours_per_week == 24


def test_csv_candidates_with_competence_column(store, tmp_path):
    path = write(tmp_path, "c.csv", """\
        id,home_postcode,max_commute_km,transport,driving_licences,hours_per_week,competences,employment_status,regime_fraction,age
        K-0100,9000,15,bike;public_transport,B,30,afwassen:3; heftruck besturen:2; samenwerken,sec_employee,0.8,45
        """)
    import_paths(store, [path])
    cand = store.candidate("K-0100")
    assert [(c.name, c.level) for c in cand.competences] == [
        ("afwassen", 3), ("heftruck besturen", 2), ("samenwerken", 1)]
    assert cand.transport == ["bike", "public_transport"]
    assert cand.employment.regime_fraction == 0.8 and cand.age == 45


def test_csv_error_names_file_line_and_field(store, tmp_path):
    path = write(tmp_path, "c.csv", """\
        id,home_postcode,hours_per_week
        K-0100,9000,30
        K-0101,9000,veel
        """)
    with pytest.raises(ValidationFailed) as exc:
        import_paths(store, [path])
    assert str(exc.value) == f'{path}, line 3: candidate K-0101: hours_per_week must be a number between 1 and 50, got "veel"'
    assert store.count("candidate") == 0


def test_csv_scan_tasks_join_their_scan(store, data):
    write(data, "scans/haven-tasks.csv", """\
        scan,id,description,role,frequency,minutes,complexity,competences,strain
        haven-2025-03,t02,Houten klossen verzamelen,dokwerker,2/day,30,1,afval sorteren;samenwerken,heavy
        haven-2025-03,t03,Kaai vegen,dokwerker,,,1,,
        """.replace("Kaai vegen,dokwerker,,,1", "Kaai vegen,dokwerker,,,1"))
    with pytest.raises(ValidationFailed, match="task t03: give frequency and minutes, or hours_per_week"):
        import_paths(store, [data])
    write(data, "scans/haven-tasks.csv", """\
        scan,id,description,role,frequency,minutes,hours_per_week,complexity,competences,strain
        haven-2025-03,t02,Houten klossen verzamelen,dokwerker,2/day,30,,1,afval sorteren;samenwerken,heavy
        haven-2025-03,t03,Kaai vegen,dokwerker,,,4.5,1,,
        """)
    import_paths(store, [data])
    scan = store.scan("haven-2025-03")
    assert [t.id for t in scan.tasks] == ["t01", "t02", "t03"]
    assert scan.tasks[1].competences == ["afval sorteren", "samenwerken"]
    assert scan.tasks[1].strain == ["heavy"]


def test_export_then_import_reproduces_the_database(store, data, tmp_path):
    import_paths(store, [data])
    out = tmp_path / "export"
    assert export_store(store, out) == {"employer": 1, "candidate": 2, "scan": 1}
    copy = Store.open(tmp_path / "copy.db")
    import_paths(copy, [out])
    a, b = snapshot(store), snapshot(copy)
    a.pop("meta"), b.pop("meta")
    assert a == b


def test_json_files_import(store, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"kind": "candidate", "id": "K-9", "home": {"postcode": "3500"}}]))
    import_paths(store, [path])
    assert store.candidate("K-9").home.municipality == "Hasselt"


def test_missing_path_and_wrong_suffix(store, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValidationFailed) as exc:
        read_records([tmp_path / "nope.yaml", tmp_path / "notes.txt"])
    assert str(exc.value).splitlines() == [
        f"{tmp_path / 'nope.yaml'}: no such file or folder",
        f"{tmp_path / 'notes.txt'}: is not a data file (.yaml, .yml, .json, .csv or .xlsx)"]


def test_store_schema_wal_and_foreign_keys(store):
    assert store.schema_version == SCHEMA_VERSION
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("pragma foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("insert into functions (id, employer_id) values ('x/y', 'nobody')")


def test_reopening_keeps_data_and_version(tmp_path, data):
    s = Store.open(tmp_path / "a.db")
    import_paths(s, [data])
    version = s.data_version
    s.close()
    s = Store.open(tmp_path / "a.db")
    assert s.count("candidate") == 2 and s.data_version == version


def test_not_a_database_is_a_clean_error(tmp_path):
    bad = tmp_path / "x.db"
    bad.write_text("this is not sqlite" * 100)
    from matchcore.errors import StoreError

    with pytest.raises(StoreError, match="not a matchcore database"):
        Store.open(bad)


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz éë", min_size=2, max_size=20).map(str.strip).filter(
    lambda s: len(s) >= 2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(names, st.integers(1, 4)), min_size=0, max_size=6,
                unique_by=lambda t: " ".join(t[0].split()).casefold()),
       st.sampled_from(["9000", "2000", "8400", "3500"]),
       st.one_of(st.none(), st.floats(1, 50).map(lambda x: round(x, 1))))
def test_round_trip_property(tmp_path_factory, competences, postcode, hours):
    tmp = tmp_path_factory.mktemp("rt")
    raw = {"kind": "candidate", "id": "K-1", "home": {"postcode": postcode},
           "competences": [{"name": n, "level": lv} for n, lv in competences]}
    if hours is not None:
        raw["hours_per_week"] = hours
    (tmp / "c.json").write_text(json.dumps(raw))
    a = Store.open(tmp / "a.db")
    import_paths(a, [tmp / "c.json"])
    export_store(a, tmp / "out")
    b = Store.open(tmp / "b.db")
    import_paths(b, [tmp / "out"])
    assert a.docs("candidate") == b.docs("candidate")


def test_impossible_date_is_a_clean_error(store, tmp_path):
    path = write(tmp_path, "c.yaml", "kind: candidate\nid: K-1\nhome: {postcode: '9000'}\nbirth_date: 1968-13-01\n")
    with pytest.raises(ValidationFailed) as exc:
        import_paths(store, [path])
    assert str(exc.value) == (f"{path}: line 4: not valid YAML: '1968-13-01' is not a valid date "
                              "(there is no month 13); write dates as YYYY-MM-DD")


INSTRUMENT_FACTS_YAML = """\
- kind: employer
  id: vzw-de-brug
  name: vzw De Brug
  sector: zorg
  category: non_profit            # non_profit becomes true
  occasional_days_used_this_year: 40
  location: {postcode: "9000"}
  functions:
    - {id: onderhoud, title: Onderhoud, hours_per_week: 19, worker_type: manual, subcontract_price_month_eur: 1850.5}
    - {id: onthaal, title: Onthaal, hours_per_week: 19, worker_type: white_collar, extra: {worker_type: manual}}
- kind: candidate
  id: K-0200
  home: {postcode: "9050"}
  employment:
    status: sec_employee
    current_hourly_wage_eur: 13.25
    pensioner: false
    sickness_benefit: true
    previous_employers: [vzw-de-brug, "4711"]
  extra: {current_hourly_wage_eur: 12.0, riziv: true}   # the old keys stay as written
"""


def test_instrument_fact_fields_round_trip(store, tmp_path):
    path = write(tmp_path / "in", "facts.yaml", INSTRUMENT_FACTS_YAML)
    import_paths(store, [path])
    export_store(store, tmp_path / "out")
    copy = Store.open(tmp_path / "copy.db")
    import_paths(copy, [tmp_path / "out"])
    for kind in ("employer", "candidate"):
        assert store.docs(kind) == copy.docs(kind)
    emp = copy.employer("vzw-de-brug")
    assert (emp.category, emp.non_profit, emp.occasional_days_used_this_year) == ("non_profit", True, 40)
    assert copy.rows("select non_profit from employers")[0]["non_profit"] == 1
    assert [(f.worker_type, f.subcontract_price_month_eur, f.extra) for f in emp.functions] == [
        ("manual", 1850.5, {}), ("white_collar", None, {"worker_type": "manual"})]
    emp_ = copy.candidate("K-0200").employment
    assert (emp_.current_hourly_wage_eur, emp_.pensioner, emp_.sickness_benefit, emp_.previous_employers) == (
        13.25, False, True, ["vzw-de-brug", "4711"])
    assert copy.candidate("K-0200").extra == {"current_hourly_wage_eur": 12.0, "riziv": True}


def test_csv_candidates_with_instrument_fact_columns(store, tmp_path):
    path = write(tmp_path, "c.csv", """\
        id,home_postcode,employment_status,current_hourly_wage_eur,pensioner,sickness_benefit,previous_employers
        K-0101,9000,sec_employee,"12,40",no,yes,brasserie-de-kaai; bakkerij-goudkorst
        """)
    import_paths(store, [path])
    emp = store.candidate("K-0101").employment
    assert (emp.current_hourly_wage_eur, emp.pensioner, emp.sickness_benefit) == (12.4, False, True)
    assert emp.previous_employers == ["brasserie-de-kaai", "bakkerij-goudkorst"]


# --- export: all at once, owner-readable only -----------------------------------------------------
def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_files_are_owner_readable_only(store, data, tmp_path):
    import_paths(store, [data])
    out = tmp_path / "export"
    export_store(store, out)
    modes = {str(p.relative_to(tmp_path)): p.stat().st_mode & 0o777 for p in [out, *out.rglob("*")]}
    assert modes == {"export": 0o700, "export/employers": 0o700, "export/candidates": 0o700,
                     "export/scans": 0o700, "export/employers/brasserie-de-kaai.yaml": 0o600,
                     "export/candidates/K-0042.yaml": 0o600, "export/candidates/K-0043.yaml": 0o600,
                     "export/scans/haven-2025-03.yaml": 0o600}


def test_export_replaces_the_previous_one_whole(store, data, tmp_path):
    import_paths(store, [data])
    out = tmp_path / "export"
    export_store(store, out)
    other = Store.open(tmp_path / "other.db")
    import_paths(other, [data / "candidates.yaml"])
    assert export_store(other, out) == {"employer": 0, "candidate": 2, "scan": 0}
    # nothing of the first export is left: no employer, no scan that the store does not hold
    assert sorted(_tree(out)) == ["candidates/K-0042.yaml", "candidates/K-0043.yaml"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export")] == []


def test_a_failed_export_leaves_the_previous_one_and_no_leftovers(store, data, tmp_path, monkeypatch):
    import errno
    import os

    from matchcore.errors import MatchcoreError
    from matchcore.store import export as export_module

    import_paths(store, [data])
    out = tmp_path / "export"
    export_store(store, out)
    before = _tree(out)

    def disk_full(path, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export_module, "_write_file", disk_full)
    with pytest.raises(MatchcoreError) as exc:
        export_store(store, out)
    assert str(exc.value) == (f"export to {out} failed: No space left on device; "
                              "the previous export there is unchanged")
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    with pytest.raises(MatchcoreError, match="nothing was written"):
        export_store(store, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_export_refuses_a_folder_that_is_not_an_export(store, data, tmp_path):
    from matchcore.errors import MatchcoreError

    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "letter.txt").write_text("keep me")
    with pytest.raises(MatchcoreError, match="holds other files than a matchcore export"):
        export_store(store, tmp_path / "home")
    assert (tmp_path / "home" / "letter.txt").read_text() == "keep me"
    (tmp_path / "afile").write_text("x")
    with pytest.raises(MatchcoreError, match="it is a file, not a folder"):
        export_store(store, tmp_path / "afile")


# --- hostile files --------------------------------------------------------------------------------
def _problems(tmp_path, name, content) -> list[str]:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(ValidationFailed) as exc:
        read_records([path])
    return [line.replace(str(tmp_path) + "/", "") for line in str(exc.value).splitlines()]


FILES = [
    # (file name, content, the lines of the error)
    ("k.json", '{"kind": "candidate", "kind": "scan"}', ["k.json: not valid JSON: key 'kind' appears twice in one object"]),
    ("t.json", '{"kind": "candidate",\n "id": }', ["t.json: line 2: not valid JSON: Expecting value (column 8)"]),
    ("n.json", '{"age": 1' + "0" * 5000 + "}", ["n.json: not valid JSON: a number has over 4300 digits"]),
    ("u32.json", "[]".encode("utf-32"), ["u32.json: is UTF-32 text; save it as UTF-8"]),
    ("n.yaml", "age: 1" + "0" * 5000 + "\n", ["n.yaml: line 1: not valid YAML: a number of 5001 digits is too long"]),
    ("nul.csv", "id,home_postcode\nK-1,9000\x00\n", ["nul.csv, line 2: candidate K-1: home.postcode must be a "
                                                    "Belgian postcode (4 digits, e.g. '9000'), got \"9000\\x00\""]),
    ("cell.csv", "id,extra.x\nK-1,x\nK-2," + "x" * 200_000 + "\n",
     ["cell.csv: line 3: is not valid CSV: field larger than field limit (131072)"]),
    ("twice.csv", "id,home_postcode,id\nK-1,9000,K-2\n", ["twice.csv: line 1: column 'id' appears twice in the header"]),
    ("both.csv", "id,home,home.postcode\nK-1,x,9000\n",
     ["both.csv, line 2: candidate K-1: home.postcode is a column given twice, or both as a whole and by its parts",
      'both.csv, line 2: candidate K-1: home must be a mapping of fields, got "x"']),
]


@pytest.mark.parametrize("name,content,expected", FILES, ids=[f[0] for f in FILES])
def test_broken_files_are_one_clean_line(tmp_path, name, content, expected):
    assert _problems(tmp_path, name, content) == expected


def test_utf8_with_a_byte_order_mark_is_read(store, tmp_path):
    path = tmp_path / "c.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"kind": "candidate", "id": "K-9", "home": {"postcode": "3500"}}).encode())
    import_paths(store, [path])
    assert store.candidate("K-9").home.municipality == "Hasselt"


def test_file_size_is_checked_before_reading(tmp_path, monkeypatch):
    from matchcore import yamlfiles

    monkeypatch.setattr(yamlfiles, "MAX_FILE_BYTES", 100)
    for name, text in (("c.yaml", CANDIDATES_YAML), ("c.json", "[" + " " * 200 + "]"), ("c.csv", "id\n" * 60)):
        size = len(text.encode())
        assert _problems(tmp_path, name, text) == [
            f"{name}: is too large: {size} bytes, at most 100 bytes per file; split it into several files"]


def test_many_problems_are_summed_up(tmp_path):
    rows = "".join(f"K-{i},99\n" for i in range(500))
    lines = _problems(tmp_path, "c.csv", "id,home_postcode\n" + rows)
    assert len(lines) == 201 and lines[-1] == "... and 300 more problems; correct these first"
