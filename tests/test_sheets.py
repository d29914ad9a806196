"""Excel workbooks in and out: candidates, employers one row per function, scans with roles and tasks."""
from __future__ import annotations

import datetime as dt
import os

import openpyxl
import pytest

from matchcore.errors import MatchcoreError, ValidationFailed
from matchcore.i18n import use_language
from matchcore.store.db import Store
from matchcore.store.io import export_store, import_paths, read_records

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def english():
    # the messages asserted here are the English message ids; the Dutch come from the catalogue
    with use_language("en"):
        yield


def workbook(path, sheets: dict[str, list[list]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def problems(paths) -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        read_records(paths)
    return str(exc.value).splitlines()


CANDIDATES = [
    ["Kandidaat", "Postcode", "Uren per week", "Rijbewijs", "Competenties", "Ploegen", "Dagen",
     "Geboortedatum", "Regime", "Gepensioneerd", "Max km"],
    ["K-0401", 9000, 30, "B", "afwassen:3; koken:2", "voormiddag", "ma, di, wo", dt.datetime(1968, 4, 3), 0.8, False, 12.5],
    ["K-0402", 2000, "19-30", None, "poetsen:2, strijken", "dag", None, "15/03/1970", "4/5", "nee", "20"],
]


def test_candidates_sheet_with_dutch_headers_and_typed_cells(store, tmp_path):
    path = workbook(tmp_path / "kandidaten.xlsx", {"Kandidaten": CANDIDATES})
    assert import_paths(store, [path]) == {"candidate": 2}
    a, b = store.candidate("K-0401"), store.candidate("K-0402")
    assert (a.home.postcode, a.home.municipality, a.hours_per_week, a.max_commute_km) == ("9000", "Gent", 30, 12.5)
    assert [(c.name, c.level) for c in a.competences] == [("afwassen", 3), ("koken", 2)]
    assert (a.shifts, a.days, a.birth_date) == (["morning"], ["mon", "tue", "wed"], dt.date(1968, 4, 3))
    assert (a.employment.regime_fraction, a.employment.pensioner) == (0.8, False)
    assert b.hours_range == (19, 30) and [c.name for c in b.competences] == ["poetsen", "strijken"]
    assert (b.birth_date, b.employment.regime_fraction, b.employment.pensioner) == (dt.date(1970, 3, 15), 0.8, False)


def test_errors_name_file_sheet_row_and_column(store, tmp_path):
    rows = [CANDIDATES[0], CANDIDATES[1], ["K-0403", 9000, "veel", None, None, None, None, None, None, "misschien"]]
    path = workbook(tmp_path / "kandidaten.xlsx", {"Kandidaten": rows})
    lines = problems([path])
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}, sheet Kandidaten, row 3, column 'Uren per week': candidate K-0403: "
                               "hours_per_week must be a number between 1 and 50")
    assert lines[1] == (f"{path}, sheet Kandidaten, row 3, column 'Gepensioneerd': candidate K-0403: "
                        'employment.pensioner must be true or false, got "misschien"')
    assert store.count("candidate") == 0


EMPLOYERS = [
    ["werkgever", "naam", "sector", "postcode", "PC", "functie", "titel", "uren per week", "ploegen",
     "uurloon", "competenties", "vereiste competenties", "nederlands", "vacatures", "zichtbaar"],
    ["tuincentrum-groen", "Tuincentrum Groen", "groen", 8500, 145.1, "kassa", "Kassamedewerker", 24,
     "voormiddag; zaterdag-is-geen-ploeg", 14.2, "klantvriendelijk zijn:3", "kassa bedienen:2", "A2", 1, "ja"],
]


def test_employer_rows_one_per_function(store, tmp_path):
    rows = [EMPLOYERS[0],
            [*EMPLOYERS[1][:8], "voormiddag", *EMPLOYERS[1][9:]],
            [None, None, None, None, None, "plantenverzorger", "Plantenverzorger", 30, "dag", None,
             "planten water geven:2, potgrond mengen", None, None, 2, "nee"],
            ["tuincentrum-groen", "Tuincentrum Groen", None, None, None, "magazijn", "Magazijnier", 38, None,
             None, None, "heftruck besturen:3:2", "A1", 0, None]]
    path = workbook(tmp_path / "werkgevers.xlsx", {"Werkgevers": rows})
    import_paths(store, [path])
    emp = store.employer("tuincentrum-groen")
    assert (emp.name, emp.sector, emp.location.postcode, emp.joint_committee) == (
        "Tuincentrum Groen", "groen", "8500", "145.10")
    assert [(f.id, f.hours_per_week, f.shifts, f.openings, f.visible) for f in emp.functions] == [
        ("kassa", 24, ["morning"], 1, True), ("plantenverzorger", 30, ["day"], 2, False),
        ("magazijn", 38, [], 0, True)]
    assert [(c.name, c.level, c.required) for c in emp.functions[0].competences] == [
        ("klantvriendelijk zijn", 3, False), ("kassa bedienen", 2, True)]
    assert [c.name for c in emp.functions[1].competences] == ["planten water geven", "potgrond mengen"]
    assert [(c.name, c.level, c.weight, c.required) for c in emp.functions[2].competences] == [
        ("heftruck besturen", 3, 2.0, True)]
    assert emp.functions[0].hourly_wage_eur == 14.2 and emp.functions[0].conditions.dutch_level == "A2"


def test_employer_fields_that_disagree_between_rows(tmp_path):
    rows = [EMPLOYERS[0], [*EMPLOYERS[1][:8], "voormiddag", *EMPLOYERS[1][9:]],
            ["tuincentrum-groen", "Tuincentrum Grün", None, None, None, "b", "B", 20, None, None, None, None, None,
             None, None]]
    path = workbook(tmp_path / "w.xlsx", {"Werkgevers": rows})
    assert problems([path]) == [
        f"{path}, sheet Werkgevers, row 3: employer tuincentrum-groen: name is \"Tuincentrum Grün\" here but "
        "\"Tuincentrum Groen\" in row 2; give an employer's fields once, or the same in each of its rows"]


def test_a_function_problem_names_the_functions_row(tmp_path):
    rows = [EMPLOYERS[0], [*EMPLOYERS[1][:8], "voormiddag", *EMPLOYERS[1][9:]],
            [None, None, None, None, None, "b", "B", 80, None, None, None, None, None, None, None]]
    path = workbook(tmp_path / "w.xlsx", {"Werkgevers": rows})
    (line,) = problems([path])
    assert line.startswith(f"{path}, sheet Werkgevers, row 3, column 'uren per week': employer tuincentrum-groen, "
                           "function b: hours_per_week must be a number between 1 and 50")


def test_scan_roles_and_tasks_sheets(store, tmp_path):
    import_paths(store, [os.path.join(ROOT, "profiles")])
    path = workbook(tmp_path / "scan.xlsx", {
        "Scans": [["id", "werkgever", "datum", "consulent"], ["haven-2026-01", "havenbedrijf-noord", "12/01/2026", "Jan"]],
        "Rollen": [["scan", "rol", "titel", "uurkost"], ["haven-2026-01", "dokwerker", "Dokwerker", 42]],
        "Taken": [["scan", "taak", "omschrijving", "rol", "frequentie", "minuten", "uren per week", "kerntaak",
                   "competenties", "belasting", "wanneer"],
                  ["haven-2026-01", "t01", "Folie verzamelen", "dokwerker", "2/dag", 20, None, "nee",
                   "afval sorteren; samenwerken", "zwaar, buiten", "voormiddag"],
                  [None, "t02", "Kaai vegen", "dokwerker", None, None, "4,5", "ja", None, None, None]],
    })
    import_paths(store, [path])
    scan = store.scan("haven-2026-01")
    assert (scan.employer, scan.date, scan.consultant, [r.id for r in scan.roles]) == (
        "havenbedrijf-noord", dt.date(2026, 1, 12), "Jan", ["dokwerker"])
    t1, t2 = scan.tasks
    assert (t1.frequency.times, t1.frequency.per, t1.minutes, t1.core, t1.strain, t1.when) == (
        2, "day", 20, False, ["heavy", "outdoor"], "morning")
    assert (t2.hours_per_week, t2.core) == (4.5, True)


def test_a_task_problem_names_its_row(tmp_path):
    path = workbook(tmp_path / "scan.xlsx", {
        "Scans": [["id", "employer", "date"], ["s1", "e1", "2026-01-12"]],
        "Roles": [["scan", "id", "title"], ["s1", "r1", "R"]],
        "Tasks": [["scan", "id", "description", "role", "hours_per_week"], ["s1", "t1", "Vegen", "r2", 3],
                  ["s1", "t2", "Dweilen", "r1", 900000]]})
    lines = problems([path])
    assert f"{path}, sheet Tasks, row 3: scan s1, task t2: hours_per_week must be a number between 0.01 and 10000, " \
           "got 900000" in lines


def test_an_unknown_sheet_is_named(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"Notities": [["wat", "wanneer"], ["bellen", "maandag"]]})
    assert problems([path]) == [
        f"{path}, sheet Notities: cannot tell which records it holds: name the sheet Kandidaten, Werkgevers, "
        "Scans, Rollen, Taken, Trajecten, Fasen or Acties (or Candidates, Employers, Scans, Roles, Tasks, "
        "Trajectories, Phases, Actions), or remove it"]


def test_not_a_workbook(tmp_path):
    path = tmp_path / "k.xlsx"
    path.write_bytes(b"id,home_postcode\nK-1,9000\n")
    (line,) = problems([path])
    assert line.startswith(f"{path}: is not an Excel workbook (.xlsx) that can be read")


# --- export ---------------------------------------------------------------------------------------
def snapshot(store):
    return {kind: store.docs(kind) for kind in ("employer", "candidate", "scan")}


def test_workbook_export_reimports_to_the_same_records(bundled_store, tmp_path):
    out = tmp_path / "export.xlsx"
    counts = export_store(bundled_store, out)
    assert counts == {kind: bundled_store.count(kind) for kind in ("employer", "candidate", "scan")}
    assert out.stat().st_mode & 0o777 == 0o600
    book = openpyxl.load_workbook(out, read_only=True)
    assert [s.title for s in book.worksheets] == ["Candidates", "Employers", "Scans", "Roles", "Tasks"]
    book.close()
    copy = Store.open(tmp_path / "copy.db")
    import_paths(copy, [out])
    assert snapshot(copy) == snapshot(bundled_store)
    copy.close()


def test_workbook_export_never_overwrites_a_coachs_own_workbook(bundled_store, tmp_path):
    own = workbook(tmp_path / "mijn.xlsx", {"Kandidaten": CANDIDATES})
    before = own.read_bytes()
    with pytest.raises(MatchcoreError, match="is not a matchcore export"):
        export_store(bundled_store, own)
    assert own.read_bytes() == before
    out = tmp_path / "export.xlsx"
    export_store(bundled_store, out)
    empty = Store.open(tmp_path / "empty.db")
    assert export_store(empty, out) == {"employer": 0, "candidate": 0, "scan": 0}  # replaces the previous export
    empty.close()
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.properties.creator == "matchcore" and [s.max_row for s in book.worksheets] == [1, 1, 1, 1, 1]
    book.close()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_text_that_looks_like_a_formula_stays_text(store, tmp_path):
    src = tmp_path / "c.csv"
    src.write_text("id,home_postcode,extra.note\nK-1,9000,=1+1\n")
    import_paths(store, [src])
    out = tmp_path / "e.xlsx"
    export_store(store, out)
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    note = next(c for c in sheet[2] if c.value == "=1+1")
    assert note.data_type == "s"


def test_a_failed_workbook_export_leaves_the_previous_file(bundled_store, tmp_path, monkeypatch):
    import errno

    from matchcore.store import workbook as workbook_module

    out = tmp_path / "export.xlsx"
    export_store(bundled_store, out)
    before = out.read_bytes()

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(workbook_module.os, "replace", disk_full)
    with pytest.raises(MatchcoreError) as exc:
        export_store(bundled_store, out)
    assert str(exc.value) == f"export to {out} failed: No space left on device; the previous file is unchanged"
    assert out.read_bytes() == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_example_spreadsheets_import_and_match_the_generator(store, tmp_path):
    import importlib.util

    examples = os.path.join(ROOT, "examples", "spreadsheets")
    assert import_paths(store, [examples]) == {"employer": 2, "candidate": 6, "scan": 1}
    # the mornings-only candidate of the workbook fits the mornings-only job of the workbook
    cand = store.candidate("K-0501")
    assert (cand.shifts, cand.hours_range, cand.employment.regime_fraction) == (["morning"], (19, 26), 0.8)
    assert store.candidate("K-0513").competences[-1].name == "crème bereiden"  # Windows-1252 read right
    spec = importlib.util.spec_from_file_location("make_examples", os.path.join(ROOT, "tools", "make_example_spreadsheets.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = Store.open(tmp_path / "fresh.db")
    import_paths(fresh, module.write(tmp_path / "out"))
    assert snapshot(fresh) == snapshot(store)  # the committed files are what the tool writes
    fresh.close()


def test_a_fraction_excel_turned_into_a_date_and_a_sheet_starting_lower(store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kandidaten"
    sheet["B3"], sheet["C3"], sheet["D3"] = "kandidaat", "postcode", "regime"
    sheet["B5"], sheet["C5"], sheet["D5"] = "K-0601", 9000, dt.datetime(2026, 5, 4)  # typed 4/5
    sheet["B6"], sheet["C6"], sheet["D6"] = "K-0602", 9000, 0.5
    book.save(tmp_path / "k.xlsx")
    import_paths(store, [tmp_path / "k.xlsx"])
    assert store.candidate("K-0601").employment.regime_fraction == 0.8
    assert store.candidate("K-0602").employment.regime_fraction == 0.5
    sheet["D7"], sheet["B7"], sheet["C7"] = "x", "K-0603", 9000
    book.save(tmp_path / "k.xlsx")
    (line,) = problems([tmp_path / "k.xlsx"])
    assert line.startswith(f"{tmp_path / 'k.xlsx'}, sheet Kandidaten, row 7, column 'regime': candidate K-0603: "
                           "employment.regime_fraction must be a number between 0 and 1")


def test_cli_imports_a_workbook_and_reports_a_bad_one_in_one_line_each(tmp_path):
    from click.testing import CliRunner

    from matchcore.cli.root import main

    rows = [CANDIDATES[0], CANDIDATES[1], ["K-0403", 9000, "veel", None, None, None, None, None, None, "misschien"]]
    bad = workbook(tmp_path / "kandidaten.xlsx", {"Kandidaten": rows})
    db = tmp_path / "m.db"
    result = CliRunner().invoke(main, ["--lang", "en", "--db", str(db), "import", str(bad)], obj={})
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(lines) == 2 and all(", sheet Kandidaten, row 3, column '" in line for line in lines)
    good = workbook(tmp_path / "goed.xlsx", {"Kandidaten": CANDIDATES})
    result = CliRunner().invoke(main, ["--lang", "en", "--db", str(db), "import", str(good)], obj={})
    assert result.exit_code == 0, result.output
    out = tmp_path / "team.xlsx"
    result = CliRunner().invoke(main, ["--lang", "en", "--db", str(db), "export", str(out)], obj={})
    assert result.exit_code == 0 and "2 candidates" in result.output
    result = CliRunner().invoke(main, ["--lang", "en", "--db", str(db), "export", str(good)], obj={})
    assert result.exit_code == 1 and "is not a matchcore export" in result.output


def test_in_dutch_the_place_reads_blad_rij_kolom(tmp_path):
    rows = [CANDIDATES[0], CANDIDATES[1], ["K-0403", 9000, "veel"]]
    path = workbook(tmp_path / "kandidaten.xlsx", {"Kandidaten": rows})
    with use_language("nl"):
        (line,) = problems([path])
    assert line.startswith(f"{path}, blad Kandidaten, rij 3, kolom 'Uren per week': kandidaat K-0403: hours_per_week ")
