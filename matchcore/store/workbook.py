"""``matchcore export FILE.xlsx``: every record in one Excel workbook, one sheet per type.

Sheets (named in the user's language; the import knows the Dutch and the English names):
candidates, employers (one row per function, the employer's fields repeated in each of its
rows), scans (the header of each), roles and tasks (each row naming its scan). Columns are the
stable field names (``hours_per_week``, ``home.postcode``, ``employment.regime_fraction``), so
that importing the workbook gives the same records; lists are written ``a; b``, competences
``name:level`` (a function's weight as ``name:level:weight``, a required one marked ``!``:
``afwassen:2!``), hours ranges ``19-30``, dates as date cells.

The workbook is written to a temporary file beside FILE (mode 0600) and renamed into place
when complete and flushed to disk, so that FILE is either the previous export or the new one.
An existing FILE is replaced only when it is a matchcore export (its author property).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from pydantic import BaseModel

from matchcore.errors import MatchcoreError
from matchcore.i18n import N_, _
from matchcore.model import Candidate, Employer, Function, Role, Scan, Task, to_document
from matchcore.model.cells import leaf
from matchcore.postcodes import lookup as lookup_postcode

__all__ = ["export_workbook", "SHEETS", "CREATOR"]

CREATOR = "matchcore"
# (sheet name, translated when written), in the order of the workbook
SHEETS = {"candidate": N_("Candidates"), "employer": N_("Employers"), "scan": N_("Scans"),
          "role": N_("Roles"), "task": N_("Tasks")}
_MAX_WIDTH = 60


def _location(doc: dict) -> dict:
    """A location without what the postcode gives anyway (municipality, position, region)."""
    entry = lookup_postcode(str(doc.get("postcode", "")))
    if entry is None:
        return doc
    derived = {"municipality": entry.municipality, "lat": entry.lat, "lon": entry.lon, "region": entry.region}
    return {k: v for k, v in doc.items() if k not in derived or derived[k] != v}


def _competences(items: list[dict]) -> str:
    """``name:level``, a function's ``name:level:weight`` and ``!`` after a required one."""
    out = []
    for c in items:
        text = str(c["name"])
        if "weight" in c:
            text += f":{c.get('level', 1)}:{c['weight']:g}"
        elif "level" in c:
            text += f":{c['level']}"
        out.append(text + ("!" if c.get("required") else ""))
    return "; ".join(out)


def _flatten(model: type[BaseModel], doc: dict, prefix: tuple = (), out: dict | None = None) -> dict:
    """A document as {column: cell value}: nested fields dotted, lists as text, dates as dates."""
    out = {} if out is None else out
    for key, value in doc.items():
        path = prefix + (key,)
        what, _info = leaf(model, path)
        column = ".".join(path)
        if key in ("home", "location") and isinstance(value, dict) and not prefix:
            value = _location(value)
        if path == ("hours_per_week",) and isinstance(value, dict):
            out[column] = f"{value['min']:g}-{value['max']:g}"
        elif isinstance(value, dict):
            _flatten(model, value, path, out)
        elif isinstance(value, list) and what == "list" and all(isinstance(v, dict) for v in value):
            out[column] = _competences(value)
        elif isinstance(value, list):
            free = what == "free"
            out[column] = json.dumps(value, ensure_ascii=False) if free else "; ".join(str(v) for v in value)
        elif what == "date" and isinstance(value, str):
            out[column] = dt.date.fromisoformat(value)
        else:
            out[column] = value
    return out


def _rows(store) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {kind: [] for kind in SHEETS}
    for cand in store.records("candidate"):
        doc = to_document(cand)
        doc.pop("kind", None)
        rows["candidate"].append(_flatten(Candidate, doc))
    for emp in store.records("employer"):
        doc = to_document(emp)
        doc.pop("kind", None)
        functions = doc.pop("functions", [])
        own = {"employer": doc.pop("id"), **_flatten(Employer, doc)}
        for fn in functions or [None]:
            row = dict(own)
            if fn is not None:
                row["function"] = fn.pop("id")
                # a function's free additions would be the employer's under their bare name
                row.update({("function." + k if k.split(".")[0] == "extra" else k): v
                            for k, v in _flatten(Function, fn).items()})
            rows["employer"].append(row)
    for scan in store.records("scan"):
        doc = to_document(scan)
        doc.pop("kind", None)
        roles, tasks = doc.pop("roles", []), doc.pop("tasks", [])
        rows["scan"].append(_flatten(Scan, doc))
        rows["role"].extend({"scan": scan.id, **_flatten(Role, r)} for r in roles)
        for task in tasks:
            freq = task.pop("frequency", None)
            flat = _flatten(Task, task)
            if freq is not None:
                flat["frequency"] = f"{freq['times']:g}/{freq['per']}"
            rows["task"].append({"scan": scan.id, **flat})
    return rows


def _columns(rows: Iterable[dict], first: tuple[str, ...]) -> list[str]:
    seen: dict[str, None] = dict.fromkeys(first)
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


_FIRST = {"candidate": ("id",), "employer": ("employer", "name", "sector"), "scan": ("id", "employer", "date"),
          "role": ("scan", "id"), "task": ("scan", "id")}


def _check_target(out: Path) -> None:
    if out.is_symlink():
        raise MatchcoreError(_("cannot export to {path}: it is a symbolic link; give the file itself").format(path=out))
    if out.exists():
        if not out.is_file():
            raise MatchcoreError(_("cannot export to {path}: it is not a file").format(path=out))
        # openpyxl is imported here, not at start-up: only a workbook export needs it
        import openpyxl

        try:
            book = openpyxl.load_workbook(out, read_only=True)
            creator = book.properties.creator
            book.close()
        except Exception:  # noqa: BLE001 - any file openpyxl cannot read is not our export
            creator = None
        if creator != CREATOR:
            raise MatchcoreError(_(
                "cannot export to {path}: the file exists and is not a matchcore export; give a new file name "
                "(matchcore never overwrites your own workbooks)").format(path=out))


def _fill(sheet, rows: list[dict], columns: list[str]) -> None:
    from openpyxl.styles import Font  # start-up: only a workbook export needs openpyxl

    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(c) for c in columns]
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(columns, start=1):
            value = row.get(name)
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a text, never a formula
            if isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            widths[c - 1] = max(widths[c - 1], len(str(value)))
    sheet.freeze_panes = "A2"
    from openpyxl.utils import get_column_letter  # start-up: as above

    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(_MAX_WIDTH, width + 2)


def export_workbook(store, path: str | Path) -> dict[str, int]:
    """Write every record into one workbook at ``path``; returns the number of each kind.

    Raises
    ------
    MatchcoreError
        The file exists and is not a matchcore export, or writing failed (one line; the previous
        file, if any, is then unchanged and no temporary file is left).
    """
    # openpyxl is imported here, not at start-up: only a workbook export needs it
    import openpyxl

    out = Path(path).absolute()
    _check_target(out)
    rows = _rows(store)
    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.creator = CREATOR
    book.properties.title = _("matchcore export")
    for kind, title in SHEETS.items():
        _fill(book.create_sheet(_(title)), rows[kind], _columns(rows[kind], _FIRST[kind]))
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as fh:
            book.save(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        kept = _("the previous file is unchanged") if out.exists() else _("nothing was written")
        raise MatchcoreError(_("export to {path} failed: {reason}; {kept}").format(
            path=path, reason=exc.strerror or exc, kept=kept)) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    counts = {"employer": len({r["employer"] for r in rows["employer"]}), "candidate": len(rows["candidate"]),
              "scan": len(rows["scan"])}
    return counts
