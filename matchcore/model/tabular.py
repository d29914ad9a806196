"""Rows of a spreadsheet or a CSV file into raw records, as coaches write them.

A *table* is one CSV file or one sheet of a workbook: a header row and data rows of cells
(strings from CSV; numbers, dates and booleans too from a workbook). :func:`table_kind` tells
which records it holds (the sheet's name, else its headers), :func:`read_table` turns its rows
into raw mappings that :func:`matchcore.model.parse_record` validates, with a ``locate`` that
names the row and the column of each problem (``k.xlsx, sheet Kandidaten, row 7, column 'uren
per week'``).

Headers and sheet names may be Dutch (:mod:`matchcore.model.tabular_words`); what each cell may
hold follows the field's type (:mod:`matchcore.model.cells`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from matchcore.errors import RecordProblem
from matchcore.i18n import _
from matchcore.model.candidate import Candidate, Employment, Limits
from matchcore.model.cells import CellError, as_text, convert, word
from matchcore.model.common import show
from matchcore.model.employer import Conditions, Employer, Function
from matchcore.model.nrn import redact
from matchcore.model.parse import RECORD_KINDS, record_label
from matchcore.model.scan import PER, Role, Scan, Task
from matchcore.model.tabular_words import HEADERS, NAME_COLUMNS, SHEET_KINDS, norm, trajectory_kind

__all__ = ["Table", "TableRecord", "ChildRow", "table_kind", "read_table", "KINDS"]

KINDS = ("candidate", "employer", "scan", "role", "task")
# The model of each kind of row; an employer row is split into employer and function fields.
_MODELS: dict[str, type[BaseModel]] = {"candidate": Candidate, "scan": Scan, "role": Role, "task": Task}
_NESTED_PREFIXES = {"candidate": ("home", "employment", "limits"), "task": ("frequency",),
                    "employer": ("location", "contact", "conditions")}


@dataclass
class Table:
    """One CSV file or one sheet: the header's cells and the data rows (row number, cells)."""

    file: str
    sheet: str | None
    header: list[Any]
    rows: list[tuple[int, list[Any]]]
    header_row: int = 1

    def place(self, row: int) -> str:
        """``k.csv, line 4`` or ``k.xlsx, sheet Kandidaten, row 4``."""
        if self.sheet is None:
            return f"{self.file}, " + _("line {n}").format(n=row)
        return f"{self.file}, " + _("sheet {name}").format(name=self.sheet) + ", " + _("row {n}").format(n=row)

    def header_place(self) -> tuple[str, str]:
        """(file part, record part) of a problem of the header row: ``k.csv: line 1``."""
        if self.sheet is None:
            return self.file, _("line {n}").format(n=self.header_row)
        return (f"{self.file}, " + _("sheet {name}").format(name=self.sheet),
                _("row {n}").format(n=self.header_row))


@dataclass
class TableRecord:
    """A raw record read from rows, and where each part of it came from."""

    raw: dict
    where: str
    places: dict[tuple, str] = field(default_factory=dict)    # loc prefix -> row place
    columns: dict[tuple, str] = field(default_factory=dict)   # loc prefix -> header as written
    reported: set[tuple] = field(default_factory=set)         # locs whose problem is already reported
    problems: list[RecordProblem] = field(default_factory=list)  # found while its cells were read

    def take(self, reader: "_Reader", start: int) -> None:
        """Keep the problems the reader found since ``start`` with this record (reported with it)."""
        self.problems.extend(reader.problems[start:])
        del reader.problems[start:]

    def locate(self, loc: tuple) -> tuple[str | None, str | None, bool]:
        """For :func:`matchcore.model.parse_record`: the row, the column and whether reported."""
        loc = tuple(loc)
        if any(loc[:len(r)] == r for r in self.reported):
            return None, None, True
        row = next((self.places[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in self.places), None)
        column = next((self.columns[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in self.columns), None)
        return row, column, False

    def adopt(self, child: "ChildRow", index: int) -> None:
        """Take over the places of a task or role row that became item ``index`` of this scan."""
        prefix = (child.list_name, index)
        self.places[prefix] = child.where
        self.columns.update({prefix + k: v for k, v in child.columns.items()})
        self.reported.update(prefix + r for r in child.reported)


@dataclass
class ChildRow:
    """A task or role row: it joins the scan it names (read in the same import)."""

    scan: str
    list_name: str
    item: dict
    where: str
    columns: dict[tuple, str] = field(default_factory=dict)
    reported: set[tuple] = field(default_factory=set)


# --- the record type of a table ---------------------------------------------------------------------
def table_kind(table: Table) -> str | None:
    """The records a table holds: from the sheet's name, else from its headers; None: cannot tell.

    Headers: a candidate column (``kandidaat``) with an action, phase, coach or placement column
    makes trajectory, phase or action rows (``tabular_words.trajectory_kind``, read by
    :mod:`matchcore.model.tabular_trajectory`); a ``scan`` column makes task rows (role rows when
    it also has ``title`` and no ``description``); ``employer``/``werkgever`` with ``function``/``functie`` or ``title``,
    employer rows; ``employer`` with ``date`` (a scan's header), scans; an ``id`` or
    ``kandidaat`` column, candidates.
    """
    if table.sheet is not None and norm(table.sheet) in SHEET_KINDS:
        return SHEET_KINDS[norm(table.sheet)]
    heads = {norm(h) for h in table.header if h is not None and str(h).strip()}
    rows_of_trajectories = trajectory_kind(heads)
    if rows_of_trajectories is not None:
        return rows_of_trajectories
    if "scan" in heads:
        if heads & {"title", "titel", "hourly_cost_eur", "uurkost", "headcount"} and not heads & {
                "description", "omschrijving", "beschrijving"}:
            return "role"
        return "task"
    if heads & {"employer", "werkgever", "employer.id"}:
        if heads & {"function", "functie", "function.id", "title", "titel", "functietitel"}:
            return "employer"
        if heads & {"date", "datum"}:
            return "scan"
        return "employer"
    if heads & {"function", "functie"}:
        return "employer"
    if table.sheet is None or heads & {"id", "kandidaat", "kandidaatnummer"}:
        return "candidate"
    return None


# --- headers -----------------------------------------------------------------------------------------
def _resolve(kind: str, header: str) -> tuple[str, ...]:
    """The field path a header names (employer rows: starting with 'employer' or 'function')."""
    alias = HEADERS[kind].get(norm(header))
    if alias:
        return tuple(alias.split("."))
    col = header.strip()
    parts = tuple(p.strip() for p in col.split("."))
    if kind == "employer":
        return _employer_path(parts)
    model = _MODELS[kind]
    if len(parts) == 1 and col not in model.model_fields:
        for prefix in _NESTED_PREFIXES.get(kind, ()):
            if col.startswith(prefix + "_"):
                return prefix, col[len(prefix) + 1:]
        if kind == "candidate":  # a spreadsheet column may name a nested field directly (regime_fraction)
            for prefix, sub in (("employment", Employment), ("limits", Limits)):
                if col in sub.model_fields:
                    return prefix, col
    return parts


_EMPLOYER_OWN = set(Employer.model_fields) - {"functions", "kind"}
_FUNCTION_OWN = set(Function.model_fields) | {"required_competences"}


def _employer_path(parts: tuple[str, ...]) -> tuple[str, ...]:
    head = parts[0]
    if head in ("employer", "function") and len(parts) > 1:
        return parts
    if len(parts) == 1:
        for prefix in ("location", "contact", "conditions"):
            if head.startswith(prefix + "_"):
                scope = "function" if prefix == "conditions" else "employer"
                return scope, prefix, head[len(prefix) + 1:]
    if head in _EMPLOYER_OWN:
        return ("employer", *parts)
    if head in _FUNCTION_OWN:
        return ("function", *parts)
    if head in Conditions.model_fields:
        return ("function", "conditions", *parts)
    return ("employer", *parts)  # unknown: the employer's model names it


@functools.lru_cache(maxsize=4096)
def _own_name(header: str, path: tuple[str, ...]) -> bool:
    """True when the header is the field's own name (then messages need not repeat it)."""
    squash = re.sub(r"[\s._]", "", header).casefold()
    path = tuple(p for p in path if p not in ("employer", "function")) or path
    return squash in {re.sub(r"[._]", "", ".".join(path[i:])).casefold() for i in range(len(path))}


# --- rows --------------------------------------------------------------------------------------------
def _put(node: dict, path: tuple[str, ...], value: Any) -> bool:
    for key in path[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            return False
    if isinstance(node.get(path[-1]), dict):
        return False
    node[path[-1]] = value
    return True


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _Reader:
    def __init__(self, table: Table, kind: str):
        self.table, self.kind = table, kind
        self.problems: list[RecordProblem] = []
        names = [("" if h is None else str(h)).strip() for h in table.header]
        self.columns = [(i, h, _resolve(kind, h)) for i, h in enumerate(names) if h]

    def problem(self, place: str, record: str | None, field: str | None, message: str) -> None:
        self.problems.append(RecordProblem(place, record, field, redact(message)))

    def header_problems(self) -> bool:
        file, record = self.table.header_place()
        names = [h for _i, h, _p in self.columns]
        twice = next((h for i, h in enumerate(names) if h in names[:i]), None)
        if twice is not None:
            self.problem(file, record, None, _("column {name} appears twice in the header").format(
                name=repr(redact(twice)[:80])))
            return True
        if self.kind == "candidate":
            person = next((h for h in names if norm(h) in NAME_COLUMNS), None)
            if person is not None:
                self.problem(file, record, None, _(
                    "column {name}: matchcore keeps no names or register numbers of candidates; use a "
                    "pseudonymous id such as 'K-0042' and remove the column").format(name=repr(redact(person)[:80])))
                return True
        return False

    def cells(self, row: int, cells: list[Any], record: str, model_of) -> tuple[dict, dict, set]:
        """The row as {path: value} with its columns, and the paths already reported."""
        place = self.table.place(row)
        if len(cells) > len(self.table.header) and any(not _blank(c) for c in cells[len(self.table.header):]):
            self.problem(place, record, None, _("has more cells than the header has columns"))
        values, columns, reported = {}, {}, set()
        for i, header, path in self.columns:
            value = _strip(cells[i]) if i < len(cells) else None
            if _blank(value):
                continue
            model, sub = model_of(path)
            try:
                value = convert(model, sub, value)
            except CellError as exc:
                here = place if _own_name(header, path) else f"{place}, " + _("column {name}").format(
                    name=repr(redact(header)[:80]))
                self.problem(here, record, ".".join(sub), str(exc))
                reported.add(path)
            values[path] = value
            if not _own_name(header, path):
                columns[path] = header
        return values, columns, reported

    def id_of(self, cells: list[Any], paths: tuple[tuple[str, ...], ...]) -> Any:
        for i, _h, path in self.columns:
            if path in paths and i < len(cells) and not _blank(cells[i]):
                return as_text(_strip(cells[i]), "id")
        return None


def _nest(values: dict, columns: dict, reported: set, place: str, record: str, reader: _Reader,
          strip: int = 0) -> tuple[dict, dict, set]:
    raw: dict = {}
    for path, value in values.items():
        if not _put(raw, path[strip:], value):
            reader.problem(place, record, ".".join(path[strip:]),
                           _("is a column given twice, or both as a whole and by its parts"))
    cols = {path[strip:]: h for path, h in columns.items()}
    return raw, cols, {p[strip:] for p in reported}


def read_table(table: Table, kind: str) -> tuple[list[TableRecord], list[ChildRow], list[RecordProblem]]:
    """The records (candidates, employers, scans) and the task and role rows of a table."""
    reader = _Reader(table, kind)
    if reader.header_problems():
        return [], [], reader.problems
    records: list[TableRecord] = []
    children: list[ChildRow] = []
    if kind == "employer":
        records = _employer_rows(table, reader)
    else:
        last_scan = None
        for row, cells in table.rows:
            place = table.place(row)
            if kind in ("task", "role"):
                scan = reader.id_of(cells, (("scan",),)) or last_scan
                last_scan = scan
                rid = reader.id_of(cells, (("id",),))
                record = record_label(kind, {"id": rid} if rid is not None else {})
                values, columns, reported = reader.cells(row, cells, record, lambda p: (_MODELS[kind], p))
                values.pop(("scan",), None)
                item, cols, rep = _nest(values, columns, reported, place, record, reader)
                if kind == "task" and isinstance(item.get("frequency"), str):
                    times, _sep, per = item["frequency"].replace("/", " per ").partition(" per ")
                    item["frequency"] = {"times": times.strip().replace(",", "."), "per": word(per.strip(), PER)}
                if not scan:
                    reader.problem(place, record, "scan", _("is required for a {kind} row").format(kind=kind))
                children.append(ChildRow(str(scan or ""), "tasks" if kind == "task" else "roles",
                                         item, place, cols, rep))
                continue
            row_kind = kind
            if kind == "candidate":
                given = reader.id_of(cells, (("kind",),))
                row_kind = given if given in RECORD_KINDS else kind
            model = RECORD_KINDS.get(row_kind, Candidate)
            rid = reader.id_of(cells, (("id",),))
            record = record_label(row_kind if row_kind in RECORD_KINDS else "record",
                                  {"id": rid} if rid is not None else {})
            start = len(reader.problems)
            values, columns, reported = reader.cells(row, cells, record, lambda p, m=model: (m, p))
            raw, cols, rep = _nest(values, columns, reported, place, record, reader)
            raw.setdefault("kind", kind)
            records.append(TableRecord(raw, place, {}, cols, rep))
            records[-1].take(reader, start)
    return records, children, reader.problems


def _employer_rows(table: Table, reader: _Reader) -> list[TableRecord]:
    """One row per function; an employer's own fields are given once or the same in each of its
    rows, and a blank employer cell continues the employer of the row above."""
    by_id: dict[str, TableRecord] = {}
    first_row: dict[str, dict[tuple, tuple[Any, int]]] = {}
    last = None

    def model_of(path: tuple[str, ...]) -> tuple[type[BaseModel], tuple[str, ...]]:
        if path == ("function", "required_competences"):
            return Function, ("competences",)  # read as competences, marked required below
        return (Function, path[1:]) if path[0] == "function" else (Employer, path[1:])

    for row, cells in table.rows:
        place = table.place(row)
        eid = reader.id_of(cells, (("employer", "id"),)) or last
        last = eid
        record = record_label("employer", {"id": eid} if eid is not None else {})
        start = len(reader.problems)
        values, columns, reported = reader.cells(row, cells, record, model_of)
        if eid is None:
            reader.problem(place, record, None, _("names no employer: fill in the employer column ('werkgever')"))
            continue
        eid = str(eid)
        rec = by_id.get(eid)
        if rec is None:
            rec = by_id[eid] = TableRecord({"kind": "employer"}, place, {(): place})
            first_row[eid] = {}
        seen = first_row[eid]
        function: dict[tuple, Any] = {}
        for path, value in values.items():
            if path[0] == "function":
                function[path] = value
                continue
            if path in seen and seen[path][0] != value:
                reader.problem(place, record, ".".join(path[1:]), _(
                    "is {value} here but {first} in row {row}; give an employer's fields once, or the same "
                    "in each of its rows").format(value=show(value), first=show(seen[path][0]), row=seen[path][1]))
                continue
            if path not in seen:
                seen[path] = (value, row)
                if not _put(rec.raw, path[1:], value):
                    reader.problem(place, record, ".".join(path[1:]),
                                   _("is a column given twice, or both as a whole and by its parts"))
                if path in columns:
                    rec.columns[path[1:]] = columns[path]
                if path in reported:
                    rec.reported.add(path[1:])
        if function:
            funcs = rec.raw.setdefault("functions", [])
            index = len(funcs)
            item: dict = {}
            required = function.pop(("function", "required_competences"), None)
            for path, value in function.items():
                if not _put(item, path[1:], value):
                    reader.problem(place, record, ".".join(path[1:]),
                                   _("is a column given twice, or both as a whole and by its parts"))
            if isinstance(required, list):
                own = item.setdefault("competences", [])
                if isinstance(own, list):
                    own.extend({**c, "required": True} for c in required if isinstance(c, dict))
            prefix = ("functions", index)
            rec.places[prefix] = place
            for path, header in columns.items():
                if path[0] == "function":
                    rec.columns[prefix + path[1:]] = header
            for path in reported:
                if path[0] == "function":
                    rec.reported.add(prefix + ("competences",) if path[1] == "required_competences" else prefix + path[1:])
            funcs.append(item)
        rec.take(reader, start)
        # a row without function fields gives the employer's own fields only (or no functions at all)
    return list(by_id.values())
