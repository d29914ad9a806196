"""Trajectories in spreadsheets (issue 14): the export's Trajectories, Phases and Actions sheets
read back to the same trajectories, in English and in Dutch; a coach's own action list (Dutch
headers and words, dd/mm/jjjj) added to the stored trajectory; errors naming sheet, row and column,
with nothing written."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from matchcore.errors import ValidationFailed
from matchcore.i18n import use_language
from matchcore.model.tabular import Table, table_kind
from matchcore.store import trajectories as trajectory_store
from matchcore.store.db import Store
from matchcore.store.io import export_store, import_paths, read_records

CANDIDATES = """\
- {kind: candidate, id: K-0700, home: {postcode: "9000"}}
- {kind: candidate, id: K-0701, home: {postcode: "9000"}}
"""
TRAJECTORY = """\
kind: trajectory
candidate: K-0700
coach: an
engagement_date: 2026-01-12
phases:
  - {phase: intake, date: 2026-01-05}
  - {phase: plan, date: 2026-01-12, note: na oriëntatie}
actions:
  - {id: a01, what: CV bijwerken, due: 2026-02-01}
  - {id: a02, what: "TWE: eerste afsprakenblad; tekenen", who: TWE partner, due: 2026-03-17,
     source: instrument, legal: true, function: haven/heftruck, note: twe-manual}
  - {id: a03, what: Sollicitatiebrief schrijven, status: done, done_on: 2026-01-20}
  - {id: a04, what: Opvolgen, recurring: regularly}
placement:
  function: haven/heftruck
  instrument: TWE
  start: 2026-03-02
  aftercare: vrijblijvend
  reminders: [{text: "the service stops after the next absence; see the manual", source: "twe-manual"}]
extra: {dossier: [1, 2], bron: intake-gesprek}
"""


@pytest.fixture(autouse=True)
def english():
    with use_language("en"):
        yield


@pytest.fixture
def followed(store, tmp_path):
    """A store with two candidates, K-0700 with a full trajectory."""
    (tmp_path / "k.yaml").write_text(CANDIDATES, encoding="utf-8")
    (tmp_path / "t.yaml").write_text(TRAJECTORY, encoding="utf-8")
    import_paths(store, [tmp_path / "k.yaml", tmp_path / "t.yaml"])
    return store


def problems(paths) -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        read_records(paths)
    return str(exc.value).splitlines()


def sheet_rows(path, title):
    book = openpyxl.load_workbook(path)
    sheet = book[title]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    cells = {(c.row, c.column): c for row in sheet.iter_rows() for c in row}
    return rows, cells


def test_export_adds_trajectory_phase_and_action_sheets_that_read_back_the_same(followed, tmp_path):
    out = tmp_path / "team.xlsx"
    assert export_store(followed, out)["trajectory"] == 1
    book = openpyxl.load_workbook(out, read_only=True)
    assert [s.title for s in book.worksheets][5:] == ["Trajectories", "Phases", "Actions"]
    book.close()
    rows, cells = sheet_rows(out, "Trajectories")
    head = rows[0]
    assert head[:5] == ["candidate", "coach", "phase", "phase_since", "engagement_date"]
    row = dict(zip(head, rows[1]))
    assert row["phase"] == "plan" and row["placement.function"] == "haven/heftruck"
    since = cells[(2, head.index("phase_since") + 1)]
    assert since.is_date and since.number_format == "DD/MM/YYYY" and since.value.date() == dt.date(2026, 1, 12)
    actions, cells = sheet_rows(out, "Actions")
    assert actions[0][:6] == ["candidate", "id", "what", "who", "due", "status"]
    assert [r[1] for r in actions[1:]] == ["a01", "a02", "a03", "a04"]
    assert [r[5] for r in actions[1:]] == ["open", "open", "done", "open"]
    assert cells[(2, 5)].is_date and cells[(2, 5)].value.date() == dt.date(2026, 2, 1)
    phases, _cells = sheet_rows(out, "Phases")
    assert [r[:2] for r in phases[1:]] == [["K-0700", "intake"], ["K-0700", "plan"]]
    copy = Store.open(tmp_path / "copy.db")
    assert import_paths(copy, [out]) == {"candidate": 2, "trajectory": 1}
    assert trajectory_store.documents(copy) == trajectory_store.documents(followed)
    copy.close()


def test_the_dutch_export_has_dutch_sheets_and_headers_and_reads_back(followed, tmp_path):
    out = tmp_path / "team.xlsx"
    with use_language("nl"):
        export_store(followed, out)
    book = openpyxl.load_workbook(out, read_only=True)
    assert [s.title for s in book.worksheets][5:] == ["Trajecten", "Fasen", "Acties"]
    book.close()
    rows, _cells = sheet_rows(out, "Trajecten")
    assert rows[0][:5] == ["kandidaat", "coach", "fase", "fase sinds", "engagementsverklaring"]
    actions, _cells = sheet_rows(out, "Acties")
    assert actions[0][:6] == ["kandidaat", "nr", "actie", "wie", "tegen", "status"]
    assert actions[1][5] == "open"  # codes stay the stable English ones
    copy = Store.open(tmp_path / "copy.db")
    import_paths(copy, [out])
    assert trajectory_store.documents(copy) == trajectory_store.documents(followed)
    copy.close()


def test_no_trajectory_sheets_without_trajectories(store, tmp_path):
    (tmp_path / "k.yaml").write_text(CANDIDATES, encoding="utf-8")
    import_paths(store, [tmp_path / "k.yaml"])
    out = tmp_path / "team.xlsx"
    assert "trajectory" not in export_store(store, out)
    book = openpyxl.load_workbook(out, read_only=True)
    assert len(book.worksheets) == 5
    book.close()


COACH_CSV = ("Kandidaat;Actie;Wie;Tegen;Status\r\n"
             "K-0701;CV bijwerken;kandidaat;15/02/2026;gedaan\r\n"
             ";Brief naar de bakkerij;coach;1/3/2026;open\r\n"
             "K-0701;Kopie rijbewijs;;;KLAAR\r\n")


def test_a_coachs_own_action_list_with_dutch_words_and_dates(store, tmp_path):
    (tmp_path / "k.yaml").write_text(CANDIDATES, encoding="utf-8")
    import_paths(store, [tmp_path / "k.yaml"])
    src = tmp_path / "acties.csv"
    src.write_bytes(COACH_CSV.encode("cp1252"))  # as Excel on Windows saves "CSV"
    assert import_paths(store, [src]) == {"trajectory": 1}
    traj = trajectory_store.get(store, "K-0701")
    assert [(a.id, a.what, a.who, a.due, a.status) for a in traj.actions] == [
        ("a01", "CV bijwerken", "kandidaat", dt.date(2026, 2, 15), "done"),
        ("a02", "Brief naar de bakkerij", "coach", dt.date(2026, 3, 1), "open"),  # blank: the candidate above
        ("a03", "Kopie rijbewijs", None, None, "done"),
    ]
    import_paths(store, [src])  # the same list again: the same actions, none twice
    assert len(trajectory_store.get(store, "K-0701").actions) == 3


def test_a_coachs_action_list_is_added_to_the_stored_trajectory(followed, tmp_path):
    src = tmp_path / "opvolging.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Mijn acties"  # another name: read by its headers
    for row in (["kandidaat", "concrete acties", "wie?", "tijdspanne", "voltooid"],
                ["K-0700", "cv bijwerken", "kandidaat", dt.datetime(2026, 2, 20), "x"],
                ["K-0700", "Sollicitatiebrief  schrijven", None, None, "nee"],
                ["K-0700", "Jobbeurs Gent bezoeken", "kandidaat, coach", "28/02/2026", None],
                ["K-0700", "Opvolgen", None, None, "03/02/2026"]):  # a date in "voltooid": done that day
        sheet.append(row)
    book.save(src)
    before = trajectory_store.get(followed, "K-0700")
    import_paths(followed, [src])
    after = trajectory_store.get(followed, "K-0700")
    assert (after.phases, after.placement, after.coach, after.extra) == (
        before.phases, before.placement, before.coach, before.extra)
    by_id = {a.id: a for a in after.actions}
    # matched by their text (case and spaces aside): the cells given change, the rest stays
    assert (by_id["a01"].status, by_id["a01"].due, by_id["a01"].what) == ("done", dt.date(2026, 2, 20),
                                                                           "cv bijwerken")
    assert by_id["a03"].status == "open" and by_id["a03"].done_on is None  # reopened
    assert by_id["a02"] == before.action("a02")
    assert (by_id["a05"].what, by_id["a05"].due) == ("Jobbeurs Gent bezoeken", dt.date(2026, 2, 28))
    assert (by_id["a04"].status, by_id["a04"].done_on, by_id["a04"].recurring) == (
        "done", dt.date(2026, 2, 3), "regularly")


def test_moving_the_phase_on_in_the_trajectory_sheet(followed, tmp_path):
    out = tmp_path / "team.xlsx"
    export_store(followed, out)
    book = openpyxl.load_workbook(out)
    sheet = book["Trajectories"]
    head = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=head.index("phase") + 1, value="jobhunten")  # a Dutch word
    sheet.cell(row=2, column=head.index("phase_since") + 1, value="02/02/2026")
    book.save(out)
    import_paths(followed, [out])
    traj = trajectory_store.get(followed, "K-0700")
    assert [(p.phase, p.date) for p in traj.phases][-2:] == [("plan", dt.date(2026, 1, 12)),
                                                             ("jobhunting", dt.date(2026, 2, 2))]
    sheet.cell(row=2, column=head.index("phase_since") + 1, value="02/01/2026")  # before the plan
    book.save(out)
    (line,) = problems([out])
    assert line.startswith(f"{out}, sheet Trajectories, row 2: trajectory K-0700: ")
    assert "jobhunting on 2026-01-02 comes before plan on 2026-01-12" in line


def test_errors_name_sheet_row_and_column_and_nothing_is_written(store, tmp_path):
    (tmp_path / "k.yaml").write_text(CANDIDATES, encoding="utf-8")
    src = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    traj = book.create_sheet("Trajecten")
    for row in (["kandidaat", "coach", "fase", "fase sinds"], ["K-0700", "an", "intake", None],
                ["K-0701", "an", "intake", "05/01/2026"], ["K-0701", "jan", None, None]):
        traj.append(row)
    acts = book.create_sheet("Acties")
    for row in (["kandidaat", "actie", "tegen", "status"], ["K-0701", "CV", "31/02/2026", "open"],
                ["K-0701", None, "morgen", "misschien"]):
        acts.append(row)
    book.save(src)
    lines = problems([tmp_path / "k.yaml", src])
    assert lines == [
        f"{src}, sheet Trajecten, row 2: trajectory K-0700: phase_since is required with phase: the phase the "
        "trajectory is in and the date it entered it",
        f"{src}, sheet Trajecten, row 4: trajectory K-0701: candidate has a trajectory row in {src}, sheet "
        "Trajecten, row 3 too; one row per candidate",
        f"{src}, sheet Acties, row 2, column 'tegen': trajectory K-0701: due is not a valid date (that month has no day 31), "
        "got \"31/02/2026\"; write dd/mm/yyyy",
        f"{src}, sheet Acties, row 3, column 'actie': trajectory K-0701: what is required",
        f"{src}, sheet Acties, row 3, column 'tegen': trajectory K-0701: due must be a date written YYYY-MM-DD, "
        "got \"morgen\"",
        f"{src}, sheet Acties, row 3: trajectory K-0701: status must be one of 'open' or 'done', got \"misschien\"",
    ]
    with pytest.raises(ValidationFailed):
        import_paths(store, [tmp_path / "k.yaml", src])
    assert store.count("candidate") == 0  # the candidates of the same import are not written either


def test_the_dutch_messages_name_blad_rij_and_kolom(store, tmp_path):
    src = tmp_path / "acties.csv"
    src.write_text("kandidaat;actie;tegen\nK-0700;CV;morgen\n", encoding="utf-8")
    with use_language("nl"):
        (line,) = problems([src])
    assert line.startswith(f"{src}, regel 2, kolom 'tegen': traject K-0700: due ")


def test_an_action_list_of_an_unknown_candidate_writes_nothing(store, tmp_path):
    (tmp_path / "k.yaml").write_text(CANDIDATES, encoding="utf-8")
    src = tmp_path / "acties.csv"
    src.write_text("kandidaat,actie\nK-0701,CV\nK-0999,Brief\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="K-0999"):
        import_paths(store, [tmp_path / "k.yaml", src])
    assert store.count("candidate") == 0 and trajectory_store.get(store, "K-0701") is None


def test_a_name_column_is_refused_in_an_action_list(tmp_path):
    src = tmp_path / "acties.csv"
    src.write_text("kandidaat;naam;actie\nK-0700;Jan Peeters;CV\n", encoding="utf-8")
    (line,) = problems([src])
    assert "column 'naam': matchcore keeps no names" in line and "Peeters" not in line


@pytest.mark.parametrize("header, kind", [
    (["kandidaat", "actie", "wie", "tegen", "status"], "action"),
    (["candidate", "id", "what", "who", "due", "status", "source", "function"], "action"),
    (["kandidaat", "fase", "datum", "opmerking"], "phase"),
    (["candidate", "coach", "phase", "phase_since", "placement.function"], "trajectory"),
    (["kandidaat", "fase"], "trajectory"),
    (["kandidaat", "postcode", "status"], "candidate"),  # a candidate's employment status
    (["id", "home_postcode"], "candidate"),
])
def test_which_rows_a_csv_file_holds(header, kind):
    assert table_kind(Table("x.csv", None, header, [])) == kind


def test_the_example_follow_up_sheets_import_with_the_coachs_workbook(store):
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    counts = import_paths(store, [os.path.join(root, "examples", "spreadsheets"),
                                  os.path.join(root, "examples", "trajectory-sheets")])
    assert counts["trajectory"] == 3
    placed = trajectory_store.get(store, "K-0501")
    assert placed.phase == "geplaatst" and placed.placement.aftercare == "vrijblijvend"
    assert [a.status for a in placed.actions] == ["done", "done", "open"]  # gedaan, klaar, open
    assert trajectory_store.get(store, "K-0502").phase == "jobhunting"  # "jobhunten"
