"""Reading and writing data files: YAML, JSON and CSV in, YAML out.

``import_paths`` validates every record of every file first and writes nothing unless all are
valid; the write itself is one transaction. ``export_store`` (:mod:`matchcore.store.export`)
writes the records back, all at once, so that importing the export reproduces the database.

Every file is bounded before it is parsed (:mod:`matchcore.yamlfiles`: size, strict UTF-8,
nesting, YAML aliases; JSON and CSV get the same bounds here), and every record by the model
(:mod:`matchcore.model.common`: text length, finite numbers, dates, national register numbers).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Iterable

from matchcore.errors import RecordProblem, UnknownReference, ValidationFailed
from matchcore.model import Candidate, Employment, Limits, parse_record, record_label
from matchcore.model.nrn import redact
from matchcore.store.export import export_store
from matchcore.yamlfiles import MAX_NESTING, file_problem, load_yaml, read_text

__all__ = ["load_yaml", "read_records", "import_paths", "export_store", "DATA_SUFFIXES"]

# More problems than this are summed up in one line: a broken file of 100,000 rows gives a
# readable answer, not 100,000 lines.
MAX_PROBLEMS = 200
_CSV_CELL_LIMIT = 131_072  # csv's default: a cell of 128 KiB is no spreadsheet cell

DATA_SUFFIXES = {".yaml", ".yml", ".json", ".csv"}


def _expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[RecordProblem]]:
    files: list[Path] = []
    problems: list[RecordProblem] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DATA_SUFFIXES))
        elif p.is_file():
            if p.suffix.lower() not in DATA_SUFFIXES:
                problems.append(RecordProblem(str(p), None, None,
                                              "is not a data file (.yaml, .yml, .json or .csv)"))
            else:
                files.append(p)
        else:
            problems.append(RecordProblem(str(p), None, None, "no such file or folder"))
    return files, problems


# --- CSV --------------------------------------------------------------------------------
_LIST_COLUMNS = {"transport", "driving_licences", "shifts", "job_targets", "strain", "previous_employers"}
_NESTED_PREFIXES = ("home", "employment", "limits", "frequency")
_CANDIDATE_FIELDS = set(Candidate.model_fields)


def _split_list(value: str) -> list[str]:
    return [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]


def _competences_cell(value: str, file: str, record: str) -> tuple[list[dict], list[RecordProblem]]:
    """Parse ``name:level; name:level`` (level optional)."""
    out, problems = [], []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        name, sep, level = part.rpartition(":")
        if not sep:
            name, level = part, ""
        name = name.strip()
        entry: dict[str, Any] = {"name": name}
        if level.strip():
            entry["level"] = level.strip()
        if not name:
            problems.append(RecordProblem(file, record, "competences",
                                          f'must be written "name:level; name:level", got "{part}"'))
        out.append(entry)
    return out, problems


def _row_to_nested(row: dict[str, str], file: str, record: str,
                   list_columns: set[str], *, task: bool = False) -> tuple[dict, list[RecordProblem]]:
    data: dict[str, Any] = {}
    problems: list[RecordProblem] = []
    for col, value in row.items():
        if col is None:
            problems.append(RecordProblem(file, record, None, "has more cells than the header has columns"))
            continue
        col = col.strip()
        if value is None or str(value).strip() == "":
            continue
        value = value.strip()
        parts = col.split(".")
        if len(parts) == 1 and not task and col not in _CANDIDATE_FIELDS:
            for prefix in _NESTED_PREFIXES:
                if col.startswith(prefix + "_"):
                    parts = [prefix, col[len(prefix) + 1:]]
                    break
            else:
                # a spreadsheet column may name a nested field directly (regime_fraction)
                for prefix, model in (("employment", Employment), ("limits", Limits)):
                    if col in model.model_fields:
                        parts = [prefix, col]
                        break
        if col == "competences" and not task:
            value, probs = _competences_cell(value, file, record)
            problems.extend(probs)
        elif parts[-1] in list_columns or col == "competences":
            value = _split_list(value)
        node = data
        for key in parts[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break
        if not isinstance(node, dict) or isinstance(node.get(parts[-1]), dict):
            problems.append(RecordProblem(file, record, redact(col)[:80],
                                          "is a column given twice, or both as a whole and by its parts"))
            continue
        node[parts[-1]] = value
    return data, problems


def _read_csv(path: Path) -> tuple[list[tuple[dict, str]], list[dict], list[RecordProblem]]:
    """Return (records, scan task rows, problems). Scan task rows carry a 'scan' column."""
    try:
        text = read_text(path)
    except ValidationFailed as exc:
        return [], [], exc.problems
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    # csv's cell limit is process-wide and the ESCO reader raises it; data files keep csv's default
    previous = csv.field_size_limit(_CSV_CELL_LIMIT)
    try:
        rows = list(reader)
    except csv.Error as exc:  # a cell over the limit, ...
        # line_num counts the lines read before the one that failed
        return [], [], [RecordProblem(str(path), f"line {reader.line_num + 1}", None, f"is not valid CSV: {exc}")]
    finally:
        csv.field_size_limit(previous)
    header = [c.strip() for c in reader.fieldnames or [] if c is not None]
    twice = next((c for i, c in enumerate(header) if c in header[:i]), None)
    if twice is not None:
        return [], [], [RecordProblem(str(path), "line 1", None,
                                      f"column {redact(twice)[:80]!r} appears twice in the header")]
    records, tasks, problems = [], [], []
    for i, row in enumerate(rows, start=2):
        line = f"line {i}"
        is_task = "scan" in row and (row.get("kind") or "").strip() in ("", "task")
        if is_task:
            scan_id = (row.pop("scan") or "").strip()
            row.pop("kind", None)
            data, probs = _row_to_nested(row, str(path), f"{line}, task {row.get('id', '?')}", _LIST_COLUMNS, task=True)
            if "frequency" in data and isinstance(data["frequency"], str):
                times, _, per = data["frequency"].replace("/", " per ").partition(" per ")
                data["frequency"] = {"times": times.strip(), "per": per.strip()}
            problems.extend(probs)
            if not scan_id:
                problems.append(RecordProblem(str(path), line, "scan", "is required for a task row"))
            tasks.append({"scan": scan_id, "task": data, "where": f"{path}, {line}"})
            continue
        data, probs = _row_to_nested(row, str(path), line, _LIST_COLUMNS)
        problems.extend(probs)
        data.setdefault("kind", "candidate")
        records.append((data, f"{path}, {line}"))
    return records, tasks, problems


def read_records(paths: Iterable[str | Path]):
    """Read and validate every record under ``paths``.

    Returns
    -------
    list of records
        Valid Employer, Candidate and Scan objects, scans with their CSV task rows merged.

    Raises
    ------
    ValidationFailed
        With every problem found in every file; nothing is returned then.
    """
    files, problems = _expand(paths)
    raws: list[tuple[dict, str, int | None]] = []  # (raw, file, index)
    task_rows: list[dict] = []
    for f in files:
        if f.suffix.lower() == ".csv":
            recs, tasks, probs = _read_csv(f)
            problems.extend(probs)
            raws.extend((raw, where, None) for raw, where in recs)
            task_rows.extend(tasks)
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
            raws.append((raw, str(f), i if many else None))

    # CSV task rows join the scan of the same id read in this import.
    scans_by_id = {raw.get("id"): raw for raw, _, _ in raws
                   if isinstance(raw, dict) and raw.get("kind") == "scan" and isinstance(raw.get("id"), str)}
    for row in task_rows:
        target = scans_by_id.get(row["scan"])
        if target is not None and not isinstance(target.setdefault("tasks", []), list):
            continue  # the scan's own "tasks" is not a list: the model says so
        if target is None:
            if row["scan"]:
                problems.append(RecordProblem(row["where"], f"task {row['task'].get('id', '?')}", "scan",
                                              f'names scan "{row["scan"]}", which is not in this import; '
                                              "import the scan's YAML file with its tasks CSV"))
            continue
        tasks = target.setdefault("tasks", [])
        tasks[:] = [t for t in tasks if not isinstance(t, dict) or t.get("id") != row["task"].get("id")] \
            + [row["task"]]

    records = []
    seen: dict[tuple[str, str], str] = {}
    for raw, where, index in raws:
        rec, probs = parse_record(raw, file=where, index=index)
        problems.extend(probs)
        if rec is None:
            continue
        key = (rec.kind, rec.id)
        here = where if index is None else f"{where}[{index + 1}]"
        if key in seen:
            problems.append(RecordProblem(here, record_label(rec.kind, raw), "id",
                                          f"is also used in {seen[key]}; ids must be unique per kind"))
            continue
        seen[key] = here
        records.append(rec)
    if problems:
        # report in the order of the files, whatever stage found the problem
        rank = {str(f): i for i, f in enumerate(files)}

        def file_rank(problem: RecordProblem) -> int:
            name = (problem.file or "").split("[")[0].split(", line")[0]
            return rank.get(name, -1)

        problems = sorted(problems, key=file_rank)
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS] + [RecordProblem(
                None, None, None, f"... and {more} more problems; correct these first")]
        raise ValidationFailed(problems)
    return records


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {redact(key)[:60]!r} appears twice in one object")
        out[key] = value
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


def import_paths(store, paths: Iterable[str | Path]) -> dict[str, int]:
    """Validate everything under ``paths``, then upsert it in one transaction.

    Raises
    ------
    ValidationFailed
        When any record anywhere is invalid; the database is left exactly as it was.
    """
    records = read_records(paths)
    try:
        return store.upsert(records)
    except UnknownReference as exc:
        raise ValidationFailed([RecordProblem(None, None, None, str(exc))]) from None
