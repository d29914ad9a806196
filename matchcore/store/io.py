"""Reading and writing data files: YAML, JSON, CSV and Excel workbooks in, YAML or a workbook out.

``import_paths`` validates every record of every file first and writes nothing unless all are
valid; the write itself is one transaction. ``export_store`` (:mod:`matchcore.store.export`)
writes the records back, all at once, so that importing the export reproduces the database.

Every file is bounded before it is parsed (:mod:`matchcore.yamlfiles`: size, strict UTF-8,
nesting, YAML aliases; JSON and CSV get the same bounds here), and every record by the model
(:mod:`matchcore.model.common`: text length, finite numbers, dates, national register numbers).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import IO, Any, Iterable

from matchcore.errors import RecordProblem, UnknownReference, ValidationFailed
from matchcore.i18n import _, format_number
from matchcore.model import parse_record, record_label
from matchcore.model.nrn import redact
from matchcore.model.parse import item_label
from matchcore.model.tabular import ChildRow, TableRecord, read_table, table_kind
from matchcore.model.tabular_trajectory import TRAJECTORY_KINDS, merge_rows, read_trajectory_tables, validate_rows
from matchcore.store import trajectories as trajectory_store
from matchcore.store.export import export_store
from matchcore.store.sheets import csv_table, workbook_tables
from matchcore.yamlfiles import MAX_NESTING, file_problem, load_yaml, read_text

__all__ = ["load_yaml", "read_records", "import_paths", "export_store", "DATA_SUFFIXES", "Progress"]

# More problems than this are summed up in one line: a broken file of 100,000 rows gives a
# readable answer, not 100,000 lines.
MAX_PROBLEMS = 200

DATA_SUFFIXES = {".yaml", ".yml", ".json", ".csv", ".xlsx"}
TABLE_SUFFIXES = {".csv", ".xlsx"}


def _expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[RecordProblem]]:
    files: list[Path] = []
    problems: list[RecordProblem] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DATA_SUFFIXES))
        elif p.is_file():
            if p.suffix.lower() not in DATA_SUFFIXES:
                problems.append(RecordProblem(str(p), None, None,
                                              _("is not a data file (.yaml, .yml, .json, .csv or .xlsx)")))
            else:
                files.append(p)
        else:
            problems.append(RecordProblem(str(p), None, None, _("no such file or folder")))
    return files, problems


# --- CSV and workbooks -------------------------------------------------------------------------
def _read_table_file(path: Path, trajectory_tables: list) -> tuple[list[TableRecord], list[ChildRow],
                                                                   list[RecordProblem]]:
    """The records and the task and role rows of a CSV file or a workbook; its trajectory, phase
    and action tables go into ``trajectory_tables`` (read together, across files: an action
    sheet may name the trajectories of another file)."""
    if path.suffix.lower() == ".xlsx":
        tables, problems = workbook_tables(path)
    else:
        table, problems = csv_table(path)
        tables = [table] if table is not None else []
    records: list[TableRecord] = []
    children: list[ChildRow] = []
    for table in tables:
        kind = table_kind(table)
        if kind is None:
            problems.append(RecordProblem(f"{path}, " + _("sheet {name}").format(name=table.sheet), None, None, _(
                "cannot tell which records it holds: name the sheet Kandidaten, Werkgevers, Scans, Rollen, Taken, "
                "Trajecten, Fasen or Acties (or Candidates, Employers, Scans, Roles, Tasks, Trajectories, Phases, "
                "Actions), or remove it")))
            continue
        if kind in TRAJECTORY_KINDS:
            trajectory_tables.append((table, kind))
            continue
        recs, kids, probs = read_table(table, kind)
        records.extend(recs)
        children.extend(kids)
        problems.extend(probs)
    return records, children, problems


def _sheet_trajectories(tables: list, partial: dict | None) -> tuple[list[tuple[dict, str, None]],
                                                                     list[RecordProblem]]:
    """The trajectories of the trajectory, phase and action tables, validated row by row, as
    documents for :func:`trajectory_store.read_documents`; those without a trajectory row are
    put in ``partial`` (candidate -> the action ids given here) to be merged on import."""
    found, problems = read_trajectory_tables(tables)
    docs = []
    for entry in found:
        traj, probs = validate_rows(entry)
        problems.extend(probs)
        if traj is None or probs:
            continue
        # the cells given, also those equal to a default: a reopened action says "open" (merge_rows)
        docs.append((traj.model_dump(mode="json", exclude_unset=True), entry.record.where, None))
        if not entry.whole and partial is not None:
            partial[traj.candidate] = entry.assigned
    # in the order of the sheets and their rows, whichever stage found the problem
    sheets: dict[str, int] = {}

    def order(problem: RecordProblem) -> tuple[int, int]:
        m = _ROW_RE.match(problem.file or "")
        sheet, row = (m.group(1), int(m.group(2))) if m else (problem.file or "", 0)
        return sheets.setdefault(sheet, len(sheets)), row

    return docs, sorted(problems, key=order)


_ROW_RE = re.compile(r"^(.*), [^,\d]+ (\d+)(?:, |$)")


def _join_children(raws: list, children: list[ChildRow], problems: list[RecordProblem]) -> None:
    """Task and role rows join the scan of the same id read in this import (YAML or a sheet),
    replacing an item of the same id; a problem of such a row names the row it was read from."""
    scans = {raw["id"]: n for n, (raw, *_rest) in enumerate(raws)
             if isinstance(raw, dict) and raw.get("kind") == "scan" and isinstance(raw.get("id"), str)}
    for row in children:
        n = scans.get(row.scan)
        if n is None:
            if row.scan:
                what = "task" if row.list_name == "tasks" else "role"
                problems.append(RecordProblem(row.where, item_label(what, row.item.get("id", "?")), "scan", _(
                    "names scan \"{scan}\", which is not in this import; import the scan's YAML file (or "
                    "its sheet) with its rows").format(scan=row.scan)))
            continue
        raw, where, index, table_record = raws[n]
        items = raw.setdefault(row.list_name, [])
        if not isinstance(items, list):
            continue  # the scan's own list is not a list: the model says so
        at = next((i for i, t in enumerate(items) if isinstance(t, dict) and t.get("id") == row.item.get("id")),
                  len(items))
        items[at:at + 1] = [row.item]
        if table_record is None:
            table_record = TableRecord(raw, where if index is None else f"{where}[{index + 1}]")
            raws[n] = (raw, where, index, table_record)
        table_record.adopt(row, at)


def read_records(paths: Iterable[str | Path], *, trajectories: list | None = None, partial: dict | None = None):
    """Read and validate every record under ``paths``.

    Returns
    -------
    list of records
        Valid Employer, Candidate and Scan objects, scans with their CSV task rows merged.
        ``kind: trajectory`` documents are validated by :mod:`matchcore.store.trajectories`
        and put into ``trajectories`` when a list is given (else validated only). Those read from
        action or phase rows without a trajectory row are added to the stored trajectory, not put
        in its place: their candidates go into ``partial`` (:func:`_sheet_trajectories`).

    Raises
    ------
    ValidationFailed
        With every problem found in every file; nothing is returned then.
    """
    files, problems = _expand(paths)
    raws: list[tuple[Any, str, int | None, TableRecord | None]] = []  # (raw, file, index, rows it came from)
    children: list[ChildRow] = []
    trajectory_tables: list = []
    for f in files:
        if f.suffix.lower() in TABLE_SUFFIXES:
            recs, kids, probs = _read_table_file(f, trajectory_tables)
            problems.extend(probs)
            raws.extend((rec.raw, rec.where, None, rec) for rec in recs)
            children.extend(kids)
            continue
        try:
            docs = _load_json(f) if f.suffix.lower() == ".json" else load_yaml(f)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            continue
        if docs is None:
            continue
        many = isinstance(docs, list)
        for i, raw in enumerate(docs if many else [docs]):
            raws.append((raw, str(f), i if many else None, None))
        del docs  # the mappings stay in raws only, each freed when its record is built

    _join_children(raws, children, problems)
    sheet_docs, probs = _sheet_trajectories(trajectory_tables, partial)
    problems.extend(probs)

    # trajectories (docs/trajectory.md) are validated by their own module, outside RECORD_KINDS
    is_trajectory = [isinstance(raw, dict) and raw.get("kind") == trajectory_store.KIND for raw, *_r in raws]
    found, probs = trajectory_store.read_documents(
        [*((raw, where, index) for (raw, where, index, _t), yes in zip(raws, is_trajectory) if yes), *sheet_docs])
    problems.extend(probs)
    if trajectories is not None:
        trajectories.extend(found)
    raws = [entry for entry, yes in zip(raws, is_trajectory) if not yes]

    records = []
    seen: dict[tuple[str, str], str] = {}
    for n, (raw, where, index, table_record) in enumerate(raws):
        raws[n] = None  # type: ignore[call-overload]  # freed as its record is built: not held twice
        if table_record is not None:
            problems.extend(table_record.problems)  # those of its cells first, in the order of the rows
        rec, probs = parse_record(raw, file=where, index=index,
                                  locate=table_record.locate if table_record is not None else None)
        problems.extend(probs)
        if rec is None:
            continue
        key = (rec.kind, rec.id)
        here = where if index is None else f"{where}[{index + 1}]"
        if key in seen:
            problems.append(RecordProblem(here, record_label(rec.kind, raw), "id", _(
                "is also used in {place}; ids must be unique per kind").format(place=seen[key])))
            continue
        seen[key] = here
        records.append(rec)
    if problems:
        # report in the order of the files, whatever stage found the problem
        rank = {str(f): i for i, f in enumerate(files)}

        def file_rank(problem: RecordProblem) -> int:
            name = (problem.file or "").split("[")[0]
            return next((i for f, i in rank.items() if name == f or name.startswith(f + ", ")), -1)

        problems = sorted(problems, key=file_rank)
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS] + [RecordProblem(
                None, None, None, _("... and {n} more problems; correct these first").format(n=more))]
        raise ValidationFailed(problems)
    return records


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):  # only then look for the key (the common case stays in C)
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(f"key {redact(key)[:60]!r} appears twice in one object")
            seen.add(key)
    return out


def _load_json(path: Path) -> Any:
    """A JSON file with the bounds of :func:`matchcore.yamlfiles.read_text`, no key twice and no
    nesting deeper than :data:`MAX_NESTING`. NaN and Infinity are read as numbers, so that the
    model refuses them naming the field."""
    text = read_text(path)
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise file_problem(path, f"not valid JSON: {exc.msg} (column {exc.colno})", f"line {exc.lineno}") from None
    except RecursionError:
        raise file_problem(path, f"not valid JSON: nests more than {MAX_NESTING} levels deep") from None
    except ValueError as exc:  # a key twice, a number of over 4300 digits
        problem = "a number has over 4300 digits" if "digits" in str(exc) else str(exc)
        raise file_problem(path, f"not valid JSON: {problem}") from None
    stack = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            if depth > MAX_NESTING:
                raise file_problem(path, f"not valid JSON: nests more than {MAX_NESTING} levels deep")
            stack.extend((v, depth + 1) for v in (node.values() if isinstance(node, dict) else node))
    return doc


class Progress:
    """A one-line counter of the records written, on ``stream`` (stderr) only when it is a
    terminal: redirected output and logs stay clean. Call it with how many more were written."""

    def __init__(self, total: int, stream: IO[str] | None = None):
        self.stream = sys.stderr if stream is None else stream
        self.total, self.done = total, 0
        self.shown = bool(total) and self.stream.isatty()

    def __call__(self, n: int) -> None:
        self.done += n
        if self.shown:
            self.stream.write("\r" + _("writing: {done} of {total} records").format(
                done=format_number(self.done), total=format_number(self.total)))
            self.stream.flush()

    def close(self) -> None:
        if self.shown and self.done:
            self.stream.write("\n")
            self.stream.flush()


def import_paths(store, paths: Iterable[str | Path], *, progress_to: IO[str] | None = None) -> dict[str, int]:
    """Validate everything under ``paths``, then upsert it in one transaction, with a counter on
    ``progress_to`` (default stderr) when that is a terminal (:class:`Progress`).

    Raises
    ------
    ValidationFailed
        When any record anywhere is invalid; the database is left exactly as it was.
    """
    trajectories: list = []
    partial: dict[str, set[str]] = {}
    records = read_records(paths, trajectories=trajectories, partial=partial)
    progress = Progress(len(records), progress_to)
    try:
        with store.write(bump=False):  # records and trajectories together, or nothing (upsert bumps)
            try:
                counts = store.upsert(records, progress=progress)
            finally:
                progress.close()
            if trajectories:
                # a coach's own action rows are added to the stored trajectory (tabular_trajectory)
                trajectories = [merge_rows(trajectory_store.get(store, t.candidate), t, partial[t.candidate])
                                if t.candidate in partial else t for t in trajectories]
                counts[trajectory_store.KIND] = trajectory_store.save_all(store, trajectories)
        return counts
    except UnknownReference as exc:
        raise ValidationFailed([RecordProblem(None, None, None, str(exc))]) from None
