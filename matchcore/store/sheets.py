"""Reading CSV files and Excel workbooks into tables (:mod:`matchcore.model.tabular`).

CSV: UTF-8 (with or without a byte-order mark) or, when a file is not UTF-8, Windows-1252 (what
Excel on Windows saves as "CSV"); the delimiter is detected by :func:`detect_delimiter` (``;``,
``,`` or tab: the one that gives the header more than one column and the most rows of the
header's width, quotes honoured; CRLF line ends are fine). Workbooks (``.xlsx``) are read with
openpyxl, values only (a formula gives its last computed value); every sheet with cells is a
table.

Both are bounded like the other data files (:mod:`matchcore.yamlfiles`): the file's size, and
here also the cells of one row and the rows of one sheet.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from matchcore import yamlfiles
from matchcore.errors import RecordProblem, ValidationFailed
from matchcore.i18n import _
from matchcore.model.tabular import Table
from matchcore.yamlfiles import file_problem, read_text

__all__ = ["read_csv_text", "detect_delimiter", "csv_table", "workbook_tables", "MAX_ROWS", "MAX_COLUMNS"]

_CSV_CELL_LIMIT = 131_072  # csv's default: a cell of 128 KiB is no spreadsheet cell
_SAMPLE_RECORDS = 50       # records looked at to detect the delimiter
MAX_ROWS = 100_000         # rows of one sheet
MAX_COLUMNS = 500          # columns of one sheet
_DELIMITERS = (";", ",", "\t")  # in this order when two fit equally well: Belgian Excel writes ';'


def read_csv_text(path: Path) -> str:
    """The text of a CSV file: UTF-8 (BOM allowed), else Windows-1252; the size bound first.

    Raises
    ------
    ValidationFailed
        As :func:`matchcore.yamlfiles.read_text` (too large, UTF-16, unreadable), or the file is
        neither UTF-8 nor Windows-1252 (the UTF-8 problem is reported).
    """
    try:
        return read_text(path)
    except ValidationFailed as exc:
        try:
            with path.open("rb") as fh:
                data = fh.read(yamlfiles.MAX_FILE_BYTES + 1)
        except OSError:
            raise exc from None
        if len(data) > yamlfiles.MAX_FILE_BYTES or data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:2].count(0):
            raise exc from None
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            raise exc from None  # not a question of the encoding
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise exc from None


def _records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[list[str]] = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        pass  # a cell over the limit: decided on the rows before it; the reading reports it
    return out


def detect_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the one giving the header more than one column and the most of the
    first rows as wide as the header (quotes honoured); ``,`` when none splits the header."""
    sample = text[:65_536]
    cut = len(text) > len(sample)
    best, best_score = ",", None
    previous = csv.field_size_limit(_CSV_CELL_LIMIT)
    try:
        for delim in _DELIMITERS:
            rows = _records(sample, delim, _SAMPLE_RECORDS + 1)
            if cut and len(rows) > 1:
                rows = rows[:-1]  # the sample may end inside the last record
            if not rows or len(rows[0]) < 2:
                continue
            width = len(rows[0])
            fitting = sum(1 for r in rows[1:] if len(r) == width)
            score = (fitting, width)
            if best_score is None or score > best_score:
                best, best_score = delim, score
    finally:
        csv.field_size_limit(previous)
    return best


def csv_table(path: Path) -> tuple[Table | None, list[RecordProblem]]:
    """A CSV file as a table (line numbers as the file's records: the header is line 1)."""
    try:
        text = read_csv_text(path)
    except ValidationFailed as exc:
        return None, exc.problems
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # csv's cell limit is process-wide and the ESCO reader raises it; data files keep csv's default
    previous = csv.field_size_limit(_CSV_CELL_LIMIT)
    rows: list[tuple[int, list[Any]]] = []
    header: list[Any] | None = None
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if header is None:
                header = row
                continue
            if any(c.strip() for c in row):
                rows.append((number, row))
    except csv.Error as exc:  # a cell over the limit, ...
        # the record after the last one read (numbered as the rows are: the header is line 1)
        return None, [RecordProblem(str(path), _("line {n}").format(n=number + 1), None,
                                    _("is not valid CSV: {reason}").format(reason=exc))]
    finally:
        csv.field_size_limit(previous)
    return Table(str(path), None, header or [], rows), []


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n:,} bytes"


def workbook_tables(path: Path) -> tuple[list[Table], list[RecordProblem]]:
    """Every sheet with cells of a workbook, as tables (row numbers as Excel shows them)."""
    # openpyxl is imported here, not at start-up: only an import of a workbook needs it
    import openpyxl

    try:
        size = path.stat().st_size
        if size > yamlfiles.MAX_FILE_BYTES:
            raise file_problem(path, _("is too large: {size}, at most {limit} per file; split it into several "
                                       "files").format(size=_size(size), limit=_size(yamlfiles.MAX_FILE_BYTES)))
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except ValidationFailed as exc:
        return [], exc.problems
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        return [], [RecordProblem(str(path), None, None, _(
            "is not an Excel workbook (.xlsx) that can be read ({reason}); save it again as .xlsx").format(
                reason=reason))]
    tables: list[Table] = []
    problems: list[RecordProblem] = []
    try:
        for sheet in book.worksheets:
            header: list[Any] | None = None
            header_row = 0
            rows: list[tuple[int, list[Any]]] = []
            for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                if len(cells) > MAX_COLUMNS and any(c is not None for c in cells[MAX_COLUMNS:]):
                    problems.append(RecordProblem(f"{path}, " + _("sheet {name}").format(name=sheet.title),
                                                  _("row {n}").format(n=number), None,
                                                  _("has more than {n} columns").format(n=MAX_COLUMNS)))
                    break
                cells = list(cells[:MAX_COLUMNS])
                if not any(c is not None and str(c).strip() for c in cells):
                    continue
                if header is None:
                    header, header_row = cells, number
                    continue
                if len(rows) >= MAX_ROWS:
                    problems.append(RecordProblem(f"{path}, " + _("sheet {name}").format(name=sheet.title), None,
                                                  None, _("has more than {n} rows; split it").format(n=MAX_ROWS)))
                    break
                rows.append((number, cells))
            if header is not None:
                tables.append(Table(str(path), sheet.title, header, rows, header_row))
    finally:
        book.close()
    return tables, problems
