"""``matchcore export FILE.xlsx``: every record in one Excel workbook, one sheet per type.

Sheets (named in the user's language; the import knows the Dutch and the English names):
candidates, employers (one row per function, the employer's fields repeated in each of its
rows), scans (the header of each), roles and tasks (each row naming its scan). Columns are the
stable field names (``hours_per_week``, ``home.postcode``, ``employment.regime_fraction``), so
that importing the workbook gives the same records; lists are written ``a; b``, competences
``name:level`` (a function's weight as ``name:level:weight``, a required one marked ``!``:
``afwassen:2!``), hours ranges ``19-30``, dates as date cells.

When the store holds trajectories (issue 14), three more sheets follow: trajectories (one row a
candidate: coach, the current phase and since when, engagement date, placement), phases (the
phase history, a row an entry) and actions (a row a PDP action). Their headers are Dutch when
the language is Dutch (``kandidaat``, ``fase sinds``, ``tegen``: the words the import reads,
:data:`~matchcore.model.tabular_words.TRAJECTORY_COLUMNS`), else the field names; the codes in
their cells stay the stable English ones.

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
from matchcore.i18n import N_, _, get_language
from matchcore.model import Candidate, Employer, Function, Role, Scan, Task, to_document
from matchcore.model.cells import leaf
from matchcore.model.tabular_words import TRAJECTORY_COLUMNS
from matchcore.postcodes import lookup as lookup_postcode
from matchcore.store import trajectories as trajectory_store

__all__ = ["export_workbook", "SHEETS", "TRAJECTORY_SHEETS", "CREATOR"]

CREATOR = "matchcore"
# (sheet name, translated when written), in the order of the workbook
SHEETS = {"candidate": N_("Candidates"), "employer": N_("Employers"), "scan": N_("Scans"),
          "role": N_("Roles"), "task": N_("Tasks")}
# written only when there are trajectories (the import reads the Dutch and the English names)
TRAJECTORY_SHEETS = {"trajectory": N_("Trajectories"), "phase": N_("Phases"), "action": N_("Actions")}
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


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _free(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def _trajectory_rows(store) -> dict[str, list[dict]]:
    """The rows of the trajectory, phase and action sheets (docs/formats.md, section 7.9)."""
    rows: dict[str, list[dict]] = {kind: [] for kind in TRAJECTORY_SHEETS}
    for _name, doc in trajectory_store.documents(store):
        cid = doc["candidate"]
        phases, placement = doc.get("phases", []), doc.get("placement") or {}
        row = {"candidate": cid, "coach": doc.get("coach"), "engagement_date": _day(doc.get("engagement_date"))}
        if phases:  # the phase it is in now; the import adds it to the history when it differs
            row.update(phase=phases[-1]["phase"], phase_since=_day(phases[-1]["date"]))
        for key in ("function", "instrument", "aftercare"):
            row[f"placement.{key}"] = placement.get(key)
        if placement:
            row["placement.start"] = _day(placement.get("start"))
            row["placement.aftercare"] = placement.get("aftercare", "zonder")
            if placement.get("reminders"):
                row["placement.reminders"] = _free(placement["reminders"])
        row.update({f"extra.{k}": _free(v) for k, v in doc.get("extra", {}).items()})
        rows["trajectory"].append(row)
        rows["phase"].extend({"candidate": cid, **p, "date": _day(p["date"])} for p in phases)
        for action in doc.get("actions", []):
            rows["action"].append({"candidate": cid, "status": "open", "source": "manual", **action,
                                   "due": _day(action.get("due")), "done_on": _day(action.get("done_on"))})
    return rows


def _trajectory_headers(kind: str, columns: list[str]) -> list[str]:
    """The headers of a trajectory sheet: Dutch in Dutch (the words the import reads), else the
    field names."""
    if get_language() != "nl":
        return columns
    dutch = dict(TRAJECTORY_COLUMNS[kind])
    return [dutch.get(c, c) for c in columns]


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


def _fill(sheet, rows: list[dict], columns: list[str], headers: list[str] | None = None) -> None:
    from openpyxl.styles import Font  # start-up: only a workbook export needs openpyxl

    sheet.append(headers or columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(c) for c in headers or columns]
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
    traj_rows = _trajectory_rows(store)
    if traj_rows["trajectory"]:
        for kind, title in TRAJECTORY_SHEETS.items():
            columns = _columns(traj_rows[kind], tuple(path for path, _nl in TRAJECTORY_COLUMNS[kind]))
            _fill(book.create_sheet(_(title)), traj_rows[kind], columns, _trajectory_headers(kind, columns))
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
    if traj_rows["trajectory"]:
        counts[trajectory_store.KIND] = len(traj_rows["trajectory"])
    return counts
