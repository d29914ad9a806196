"""CSV as Belgian Excel writes it: ';' or ',', CRLF, quotes, BOM or Windows-1252, Dutch headers and words."""
from __future__ import annotations

import pytest

from matchcore.errors import ValidationFailed
from matchcore.i18n import use_language
from matchcore.store.io import import_paths, read_records
from matchcore.store.sheets import detect_delimiter


@pytest.fixture(autouse=True)
def english():
    # the messages asserted here are the English message ids; the Dutch come from the catalogue
    with use_language("en"):
        yield


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def problems(paths) -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        read_records(paths)
    return str(exc.value).splitlines()


# --- delimiter detection ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    # the file of the issue: CRLF, one quoted cell; csv.Sniffer gives up on it
    ('id;home_postcode;competences\r\nK-1;9000;"afwassen:3; koken:2"\r\nK-2;9050;poetsen\r\n', ";"),
    ('id,home_postcode,competences\r\nK-1,9000,"afwassen:3, koken:2"\r\n', ","),
    ("id\thome_postcode\r\nK-1\t9000\r\n", "\t"),
    # decimal commas inside a ';' file do not make it a ',' file
    ("id;home_postcode;hours_per_week\nK-1;9000;30,5\nK-2;9000;19,5\n", ";"),
    # a single column: nothing splits the header
    ('"id"\r\n"K-1"\r\n', ","),
    # a quoted header cell holding the other delimiter
    ('"id";"extra.note"\n"K-1";"a, b, c"\n', ";"),
])
def test_delimiter_is_detected(text, expected):
    assert detect_delimiter(text) == expected


def test_issue_file_with_crlf_and_one_quoted_cell_imports(store, tmp_path):
    path = write(tmp_path, "k.csv",
                 b'id;home_postcode;hours_per_week;competences\r\n'
                 b'K-0301;9000;30;"afwassen:3; keuken reinigen:2"\r\n'
                 b'K-0302;2000;"19,5";poetsen\r\n')
    assert import_paths(store, [path]) == {"candidate": 2}
    assert [(c.name, c.level) for c in store.candidate("K-0301").competences] == [
        ("afwassen", 3), ("keuken reinigen", 2)]
    assert store.candidate("K-0302").hours_per_week == 19.5


# --- encodings -------------------------------------------------------------------------------------
def test_utf8_with_bom_and_cp1252_give_the_same_accents(store, tmp_path):
    text = "id;postcode;competenties\r\nK-0310;9000;\"hygiënisch werken:3; crème maken\"\r\n"
    bom = write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    win = write(tmp_path, "win.csv", text.replace("K-0310", "K-0311").encode("cp1252"))
    import_paths(store, [bom, win])
    for cid in ("K-0310", "K-0311"):
        assert [c.name for c in store.candidate(cid).competences] == ["hygiënisch werken", "crème maken"]
    # the BOM did not end up in the first header (which would make 'id' an unknown column)
    assert store.ids("candidate") == ["K-0310", "K-0311"]


def test_neither_utf8_nor_cp1252_is_one_clear_line(tmp_path):
    path = write(tmp_path, "c.csv", b"id;home_postcode\nK-1;90\x8100\n")
    assert problems([path]) == [f"{path}: line 2: is not UTF-8 text: byte 23 (0x81) cannot be decoded; "
                                "save the file as UTF-8"]


# --- values as coaches write them --------------------------------------------------------------------
def test_dutch_headers_lists_booleans_dates_and_fractions(store, tmp_path):
    path = write(tmp_path, "kandidaten.csv", (
        "Kandidaat;Postcode;Uren per week;Rijbewijs;Competenties;Ploegen;Vervoer;Gepensioneerd;"
        "Ziekte-uitkering;Geboortedatum;Beschikbaar vanaf;Regime;Nederlands;Opleiding;Jobdoelwit\r\n"
        "K-0320;9000;19-30;B, C;afwassen:3, koken:2;voormiddag, namiddag;fiets;nee;WAAR;"
        "3/04/1968;1/9/26;4/5;a2;laag;afwasser, keukenhulp\r\n"
        "K-0321;2000;38;;poetsen;dag;openbaar vervoer;ONWAAR;x;15/03/68;01/10/2026;80%;B1;midden;\r\n"
    ).encode("utf-8"))
    import_paths(store, [path])
    a, b = store.candidate("K-0320"), store.candidate("K-0321")
    assert a.hours_range == (19.0, 30.0)
    assert a.driving_licences == ["B", "C"]
    assert [c.name for c in a.competences] == ["afwassen", "koken"]  # the comma split them
    assert a.shifts == ["morning", "afternoon"] and a.transport == ["bike"]
    assert (a.employment.pensioner, a.employment.sickness_benefit) == (False, True)
    assert (b.employment.pensioner, b.employment.sickness_benefit) == (False, True)
    assert a.birth_date.isoformat() == "1968-04-03" and b.birth_date.isoformat() == "1968-03-15"
    assert a.available_from.isoformat() == "2026-09-01" and b.available_from.isoformat() == "2026-10-01"
    assert a.employment.regime_fraction == 0.8 and b.employment.regime_fraction == 0.8
    assert (a.dutch_level, a.education, b.education) == ("A2", "low", "medium")
    assert a.job_targets == ["afwasser", "keukenhulp"]
    assert b.transport == ["public_transport"] and b.shifts == ["day"]


def test_decimal_comma_in_a_comma_file_is_read_from_a_quoted_cell(store, tmp_path):
    path = write(tmp_path, "c.csv", b'id,home_postcode,max_commute_km,employment.current_hourly_wage_eur\n'
                                    b'K-0330,9000,"12,5","13,40"\n')
    import_paths(store, [path])
    cand = store.candidate("K-0330")
    assert (cand.max_commute_km, cand.employment.current_hourly_wage_eur) == (12.5, 13.4)


def test_errors_name_file_line_and_the_column_as_written(store, tmp_path):
    path = write(tmp_path, "k.csv", (
        "kandidaat;postcode;uren per week;geboortedatum;regime\n"
        "K-0340;9000;30;1/1/1970;4/5\n"
        "K-0341;9000;veel;30/02/1970;4/0\n").encode())
    assert problems([path]) == [
        f"{path}, line 3, column 'geboortedatum': candidate K-0341: birth_date is not a valid date "
        '(that month has no day 30), got "30/02/1970"; write dd/mm/yyyy',
        f"{path}, line 3, column 'regime': candidate K-0341: employment.regime_fraction must be a fraction "
        'such as 4/5, 80% or 0,8, got "4/0"',
        f"{path}, line 3, column 'uren per week': candidate K-0341: hours_per_week "
        + problems_of_hours("veel"),
    ]
    assert store.count("candidate") == 0  # nothing half-written


def problems_of_hours(value: str) -> str:
    from matchcore.model import Candidate, parse_record

    _, probs = parse_record({"kind": "candidate", "id": "K-1", "home": {"postcode": "9000"},
                             "hours_per_week": value})
    assert Candidate  # the message is the model's own, whatever its wording
    return probs[0].message


def test_a_header_that_is_the_field_name_is_not_repeated(tmp_path):
    path = write(tmp_path, "k.csv", b"id,home_postcode,hours_per_week\nK-1,9000,30\nK-2,9000,veel\n")
    assert problems([path]) == [f"{path}, line 3: candidate K-2: hours_per_week " + problems_of_hours("veel")]


def test_a_name_column_is_refused(tmp_path):
    path = write(tmp_path, "k.csv", b"kandidaat;voornaam;postcode\nK-1;An;9000\n")
    assert problems([path]) == [
        f"{path}: line 1: column 'voornaam': matchcore keeps no names or register numbers of candidates; "
        "use a pseudonymous id such as 'K-0042' and remove the column"]


def test_employer_rows_in_a_csv_file(store, tmp_path):
    path = write(tmp_path, "vacatures.csv", (
        "werkgever;naam;sector;postcode;functie;titel;uren per week;ploegen;competenties;vereiste competenties\r\n"
        "bakkerij-zoet;Bakkerij Zoet;voeding;9000;inpakker;Inpakker;20;voormiddag;inpakken:2;hygiënisch werken\r\n"
        ";;;;verkoper;Verkoper;30;dag, weekend;klantvriendelijk zijn:3;kassa bedienen:2\r\n"
    ).encode("utf-8"))
    import_paths(store, [path])
    emp = store.employer("bakkerij-zoet")
    assert (emp.name, emp.sector, emp.location.postcode) == ("Bakkerij Zoet", "voeding", "9000")
    assert [(f.id, f.hours_per_week, f.shifts) for f in emp.functions] == [
        ("inpakker", 20, ["morning"]), ("verkoper", 30, ["day", "weekend"])]
    assert [(c.name, c.level, c.required) for c in emp.functions[1].competences] == [
        ("klantvriendelijk zijn", 3, False), ("kassa bedienen", 2, True)]
