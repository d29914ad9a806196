"""Write the example spreadsheets of examples/spreadsheets/ (docs/formats.md, section 7).

- ``coach-werkmap.xlsx``: a coach's workbook with Dutch headers and Dutch cell values: the
  sheets Kandidaten, Werkgevers (one row per function), Scans, Rollen and Taken;
- ``kandidaten-excel.csv``: candidates as Excel on Windows saves "CSV": ``;``, CRLF line ends,
  Windows-1252, quoted cells holding ``;``.

All people and companies are made up (pseudonymous candidate ids, no names). Run::

    .venv/bin/python tools/make_example_spreadsheets.py [OUT_DIR]
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parent.parent / "examples" / "spreadsheets"

KANDIDATEN = [
    ["Kandidaat", "Postcode", "Uren per week", "Ploegen", "Dagen", "Vervoer", "Rijbewijs", "Max km",
     "Nederlands", "Leeftijd", "Statuut", "Regime", "Beschikbaar vanaf", "Jobdoelwit", "Competenties",
     "Max tillen (kg)", "Rechtstaan"],
    ["K-0501", "9000", "19-26", "voormiddag", "ma, di, do, vr", "fiets; openbaar vervoer", None, 10, "A2", 61,
     "maatwerk", "4/5", dt.date(2026, 1, 5), "afwasser; keukenhulp",
     "afwassen:3; keuken reinigen:2; HACCP-regels toepassen:2", 10, "ja"],
    ["K-0502", "9050", 30, "dag, avond", None, "auto", "B", 25, "B1", 34, None, None, None,
     "magazijnier", "orderpicken:3, handscanner gebruiken:2, heftruck besturen:2", 25, "ja"],
    ["K-0503", "9300", 38, "vroeg; laat", "ma, di, wo, do, vr", "bromfiets", "AM", 15, "A1", 27, "lde", "100%",
     "1/03/2026", "productiemedewerker", "werken aan de band:2; inpakken:2; samenwerken", None, "nee"],
]

WERKGEVERS = [
    ["Werkgever", "Naam", "Sector", "PC", "Postcode", "Contactpersoon", "Functie", "Titel", "Uren per week",
     "Ploegen", "Dagen", "Vacatures", "Zichtbaar", "Uurloon", "Arbeider/bediende", "Competenties",
     "Vereiste competenties", "Nederlands", "Max tillen (kg)"],
    ["grootkeuken-de-leie", "Grootkeuken De Leie", "horeca", "302", "9000", "Sofie Verhaeghe (zaakvoerder)",
     "afwas-voormiddag", "Afwasser voormiddag", 20, "voormiddag", "ma, di, do, vr", 1, "nee", 14.1,
     "arbeider", "keuken reinigen:2; samenwerken", "afwassen:2, HACCP-regels toepassen", "A2", 10],
    [None, None, None, None, None, None, "keukenhulp", "Keukenhulp", 30, "dag", None, 2, "ja", 14.3,
     "arbeider", "groenten snijden:2:1.5; afwassen", "HACCP-regels toepassen:2", "A2", 15],
    ["logistiek-waasland", "Logistiek Waasland", "logistiek", "226", "9100", None, "orderpicker",
     "Orderpicker", 30, "vroeg; laat", None, 3, "ja", 15.2, "arbeider",
     "heftruck besturen:2:2", "orderpicken:2; handscanner gebruiken:2", "A1", 25],
]

SCANS = [["Scan", "Werkgever", "Datum", "Consulent"],
         ["leie-2026-01", "grootkeuken-de-leie", dt.date(2026, 1, 14), "Jan De Smet"]]
ROLLEN = [["Scan", "Rol", "Titel", "Uurkost", "Aantal"],
          ["leie-2026-01", "kok", "Kok", 38, 4],
          [None, "zaalverantwoordelijke", "Zaalverantwoordelijke", 35, 1]]
TAKEN = [
    ["Scan", "Taak", "Omschrijving", "Rol", "Frequentie", "Minuten", "Uren per week", "Complexiteit",
     "Kerntaak", "Veiligheidskritisch", "Competenties", "Wanneer", "Belasting"],
    ["leie-2026-01", "t01", "Vaatwerk van de lunch afwassen", "kok", "1/dag", 90, None, 1, "nee", "nee",
     "afwassen", "namiddag", "repetitief"],
    [None, "t02", "Groenten wassen en snijden voor de soep", "kok", "1/dag", 45, None, 2, "nee", "nee",
     "groenten snijden", "voormiddag", None],
    [None, "t03", "Menu van de week opstellen", "kok", None, None, 3, 4, "ja", "nee", "menu plannen", None, None],
    [None, "t04", "Afval sorteren en containers buiten zetten", "zaalverantwoordelijke", "2/week", 20, None, 1,
     "nee", "nee", "afval sorteren", "namiddag", "zwaar, vuil"],
]

CSV_ROWS = [
    ["kandidaat", "postcode", "uren per week", "ploegen", "rijbewijs", "nederlands", "geboortedatum",
     "gepensioneerd", "ziekte-uitkering", "regime", "competenties"],
    ["K-0511", "8500", "19,5", "voormiddag", "", "A2", "03/04/1968", "nee", "WAAR", "4/5",
     "poetsen:3; strijken:2; hygiënisch werken:2"],
    ["K-0512", "8800", "30", "dag; weekend", "B", "B1", "15/11/1990", "NEE", "ONWAAR", "80%",
     "kassa bedienen:2, klantvriendelijk zijn:3, rekken aanvullen"],
    ["K-0513", "8500", "24 tot 32", "namiddag", "", "A1", "1/2/01", "", "x", "",
     "groenten sorteren:2; werken aan de band; crème bereiden"],
]


def _sheet(book, title: str, rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in (("Kandidaten", KANDIDATEN), ("Werkgevers", WERKGEVERS), ("Scans", SCANS),
                        ("Rollen", ROLLEN), ("Taken", TAKEN)):
        _sheet(book, title, rows)
    book.properties.creator = "matchcore example"
    book.properties.created = book.properties.modified = dt.datetime(2026, 1, 15, 9, 0)
    workbook = out / "coach-werkmap.xlsx"
    book.save(workbook)
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(CSV_ROWS)
    csv_path = out / "kandidaten-excel.csv"
    csv_path.write_bytes(text.getvalue().encode("cp1252"))
    return [workbook, csv_path]


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)
