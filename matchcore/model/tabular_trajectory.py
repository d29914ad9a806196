"""Trajectories from spreadsheets: the sheets Trajecten, Fasen and Acties (issue 14).

Three kinds of rows, each naming its candidate (docs/formats.md, section 7.9):

- a **trajectory** row (sheet ``Trajecten``/``Trajectories``): the candidate's coach, engagement
  date, placement fields and the phase it is in now with the date it entered it (``fase``,
  ``fase sinds``);
- a **phase** row (``Fasen``/``Phases``): one entry of the phase history (phase, date, note);
- an **action** row (``Acties``/``Actions``): one PDP action (what, who, due, status, ...).

A trajectory is built from its row and the phase and action rows of the same candidate, in the
order of the rows, across every sheet and file of one import. The current phase of the
trajectory row is the last entry of the history: when the phase rows end in another phase (or
there are none), it is added after them, so that a coach moves a trajectory on by changing
``fase`` and ``fase sinds``. An action row without an id gets the next free one (``a03``).

A candidate with action (or phase) rows and **no trajectory row** is a coach's own action list:
:func:`merge_rows` adds it to the stored trajectory instead of replacing it (an action of the
same id, or without id and with the same text, is updated with the cells given).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from matchcore.errors import CellError, RecordProblem, ValidationFailed
from matchcore.i18n import N_, _
from matchcore.model import parse
from matchcore.model.cells import as_text, convert
from matchcore.model.common import show
from matchcore.model.nrn import redact
from matchcore.model.tabular import Table, TableRecord
from matchcore.model.tabular_words import NAME_COLUMNS, TRAJECTORY_HEADERS, TRAJECTORY_WORDS, norm, trajectory_kind
from matchcore.model.trajectory import Action, PhaseEntry, Placement, Trajectory, next_action_id, part_problems

__all__ = ["TRAJECTORY_KINDS", "SheetTrajectory", "trajectory_kind", "read_trajectory_tables", "validate_rows",
           "merge_rows"]

TRAJECTORY_KINDS = ("trajectory", "phase", "action")
_DATE_RE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4})$|^\d{4}-\d{2}-\d{2}$")
_ACTION_LABEL = N_("action {name}")
_PHASE_LABEL = N_("phase {name}")


@dataclass
class SheetTrajectory:
    """A trajectory read from rows: its raw document with the places of its parts, whether it
    had a trajectory row (else :func:`merge_rows` adds it to the stored one), and the action
    ids this reading gave to rows without one."""

    record: TableRecord
    whole: bool = False
    assigned: set[str] = field(default_factory=set)


def _resolve(kind: str, header: str) -> tuple[str, ...]:
    path = TRAJECTORY_HEADERS[kind].get(norm(header)) or header.strip()
    return tuple(p.strip() for p in path.split("."))


def _model_of(kind: str, path: tuple[str, ...]) -> tuple[type[BaseModel], tuple[str, ...]]:
    if path == ("candidate",):
        return Trajectory, path
    if kind == "action":
        return Action, path
    if kind == "phase" or path == ("phase",):
        return PhaseEntry, path
    if path == ("phase_since",):
        return PhaseEntry, ("date",)
    if path[0] == "placement" and len(path) > 1:
        return Placement, path[1:]
    return Trajectory, path


def _code(path: tuple[str, ...], value: Any) -> Any:
    """A Dutch word of a code (``gedaan`` -> ``done``), a ticked status cell, or the cell."""
    words = TRAJECTORY_WORDS.get(path[-1])
    if words is None:
        return value
    if path[-1] == "status" and isinstance(value, bool):
        return "done" if value else "open"
    if isinstance(value, str):
        return words.get(norm(value), value.strip().lower() if norm(value) in words.values() else value)
    return value


def _reminders(value: Any) -> Any:
    """The export's JSON list of reminders, or one reminder a line."""
    if not isinstance(value, str):
        return value
    if value.lstrip().startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            raise CellError(_("must be a list written as the export writes it (JSON), got {value}").format(
                value=show(value))) from None
    return [{"text": line.strip()} for line in value.splitlines() if line.strip()]


def _cell(kind: str, path: tuple[str, ...], value: Any) -> Any:
    if path == ("placement", "reminders"):
        return _reminders(value)
    model, sub = _model_of(kind, path)
    value = _code(path, value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    return convert(model, sub, value)


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) or (isinstance(value, str) and bool(_DATE_RE.match(value)))


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _own(header: str, path: tuple[str, ...]) -> bool:
    return norm(header).replace(" ", "_") == ".".join(path)


class _Builder:
    """The trajectories of an import, by candidate, as their rows are read."""

    def __init__(self) -> None:
        self.found: dict[str, SheetTrajectory] = {}
        self.first_row: dict[str, str] = {}
        self.problems: list[RecordProblem] = []

    def entry(self, cid: str, place: str) -> SheetTrajectory:
        if cid not in self.found:
            raw = {"kind": "trajectory", "candidate": cid, "phases": [], "actions": []}
            self.found[cid] = SheetTrajectory(TableRecord(raw, place, {(): place}))
        return self.found[cid]

    def read(self, table: Table, kind: str) -> None:
        names = [("" if h is None else str(h)).strip() for h in table.header]
        columns = [(i, h, _resolve(kind, h)) for i, h in enumerate(names) if h]
        file, head = table.header_place()
        seen: dict[tuple, str] = {}
        person = next((h for _i, h, _p in columns if norm(h) in NAME_COLUMNS), None)
        if person is not None:
            self.problems.append(RecordProblem(file, head, None, _(
                "column {name}: matchcore keeps no names or register numbers of candidates; use a "
                "pseudonymous id such as 'K-0042' and remove the column").format(name=repr(redact(person)[:80]))))
            return
        for _i, header, path in columns:
            if path in seen:
                self.problems.append(RecordProblem(file, head, None, _(
                    "column {name} appears twice in the header").format(name=repr(redact(header)[:80]))))
                return
            seen[path] = header
        last = None
        for row, cells in table.rows:
            self.row(table, kind, columns, row, cells, last)
            cid = self.candidate_of(columns, cells)
            last = cid or last

    @staticmethod
    def candidate_of(columns, cells) -> str | None:
        for i, _h, path in columns:
            if path == ("candidate",) and i < len(cells) and cells[i] is not None and str(cells[i]).strip():
                return str(as_text(cells[i].strip() if isinstance(cells[i], str) else cells[i], "id"))
        return None

    def row(self, table: Table, kind: str, columns, row: int, cells: list, last: str | None) -> None:
        place = table.place(row)
        # a blank candidate cell continues the candidate of the row above (as employer rows do)
        cid = self.candidate_of(columns, cells) or (last if kind != "trajectory" else None)
        label = parse.record_label("trajectory", {"id": cid} if cid else {})
        if cid is None:
            self.problems.append(RecordProblem(place, label, "candidate", _(
                "is required: the candidate's id ('kandidaat')")))
            return
        if len(cells) > len(table.header) and any(c is not None and str(c).strip()
                                                  for c in cells[len(table.header):]):
            self.problems.append(RecordProblem(place, label, None, _("has more cells than the header has columns")))
        values, cols, reported = {}, {}, set()
        for i, header, path in columns:
            value = cells[i] if i < len(cells) else None
            value = value.strip() if isinstance(value, str) else value
            if path != ("candidate",) and not _own(header, path):
                cols[path] = header  # also when blank: a required cell left empty is named by its column
            if value is None or value == "" or path == ("candidate",):
                continue
            if kind == "action" and path == ("status",) and _is_date(value):
                path = ("done_on",)  # a date in the guide's "Voltooid" column: done on that day
                values[("status",)] = "done"
                cols[path] = header
            try:
                value = _cell(kind, path, value)
            except CellError as exc:
                here = place if _own(header, path) else f"{place}, " + _("column {name}").format(
                    name=repr(redact(header)[:80]))
                self.problems.append(RecordProblem(here, label, ".".join(path), redact(str(exc))))
                reported.add(path)
            values[path] = value
        found = self.entry(cid, place)
        rec = found.record
        if kind == "trajectory":
            self.trajectory_row(found, cid, place, label, values, cols, reported)
        else:
            items = rec.raw["phases" if kind == "phase" else "actions"]
            prefix = ("phases" if kind == "phase" else "actions", len(items))
            items.append({".".join(p): v for p, v in values.items()})
            self._places(rec, prefix, place, cols, reported)

    def trajectory_row(self, found: SheetTrajectory, cid: str, place: str, label: str, values: dict,
                       cols: dict, reported: set) -> None:
        rec = found.record
        if found.whole:
            self.problems.append(RecordProblem(place, label, "candidate", _(
                "has a trajectory row in {place} too; one row per candidate").format(place=self.first_row[cid])))
            return
        found.whole = True
        self.first_row[cid] = place
        rec.where, rec.places[()] = place, place
        phase, since = values.pop(("phase",), None), values.pop(("phase_since",), None)
        for path, value in values.items():
            node = rec.raw
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
            if path in reported:
                rec.reported.add(path)
        rec.columns.update({p: h for p, h in cols.items() if p not in (("phase",), ("phase_since",))})
        if phase is not None or since is not None:
            rec.raw.setdefault("current", (phase, since, place, cols, reported))

    @staticmethod
    def _places(rec: TableRecord, prefix: tuple, place: str, cols: dict, reported: set) -> None:
        rec.places[prefix] = place
        rec.columns.update({prefix + p: h for p, h in cols.items()})
        rec.reported.update(prefix + p for p in reported)

    def current_phase(self, cid: str, rec: TableRecord, current: tuple) -> None:
        """The trajectory row's phase and date as the last entry of the history (added when the
        phase rows end otherwise)."""
        phase, since, place, cols, reported = current
        if phase is None or since is None:
            self.problems.append(RecordProblem(place, parse.record_label("trajectory", {"id": cid}),
                                               "phase" if phase is None else "phase_since", _(
                "is required with {other}: the phase the trajectory is in and the date it entered "
                "it").format(other="phase_since" if phase is None else "phase")))
            return
        phases = rec.raw["phases"]
        if phases and (phases[-1].get("phase"), _iso(phases[-1].get("date"))) == (phase, _iso(since)):
            return
        moved = {("phase",): ("phase",), ("phase_since",): ("date",)}
        self._places(rec, ("phases", len(phases)), place, {moved[p]: h for p, h in cols.items() if p in moved},
                     {moved[p] for p in reported if p in moved})
        phases.append({"phase": phase, "date": since})

    def finish(self) -> list[SheetTrajectory]:
        for cid, found in self.found.items():
            raw = found.record.raw
            current = raw.pop("current", None)
            if current is not None:
                self.current_phase(cid, found.record, current)
            taken = {a["id"] for a in raw["actions"] if isinstance(a.get("id"), str)}
            for action in raw["actions"]:
                if "id" not in action:
                    action["id"] = next_action_id(taken)
                    taken.add(action["id"])
                    found.assigned.add(action["id"])
        return list(self.found.values())


def read_trajectory_tables(tables: list[tuple[Table, str]]) -> tuple[list[SheetTrajectory], list[RecordProblem]]:
    """The trajectories of the trajectory, phase and action tables of one import (with their
    kinds), and the problems of their cells."""
    builder = _Builder()
    for table, kind in tables:
        builder.read(table, kind)
    return builder.finish(), builder.problems


def validate_rows(found: SheetTrajectory) -> tuple[Trajectory | None, list[RecordProblem]]:
    """Validate a trajectory read from rows; each problem names the row and the column it came
    from (``a.xlsx, sheet Acties, row 4, column 'tegen': trajectory K-0042, action a03: due must
    be a date ...``). Problems already reported with the cells are not repeated."""
    rec = found.record
    raw = rec.raw
    problems = list(rec.problems)
    try:
        return Trajectory.model_validate(raw), problems
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    label = parse.record_label("trajectory", {"id": raw.get("candidate")})
    for err in errors:
        loc = tuple(err["loc"])
        row, column, reported = rec.locate(loc)
        if reported:
            continue
        record, rest = label, loc
        if len(loc) >= 2 and loc[0] in ("actions", "phases") and isinstance(loc[1], int):
            item = raw[loc[0]][loc[1]] if loc[1] < len(raw[loc[0]]) else {}
            name = item.get("id") if loc[0] == "actions" else item.get("phase")
            if name in found.assigned:
                name = None  # the row has no id: its place names it
            template = _ACTION_LABEL if loc[0] == "actions" else _PHASE_LABEL
            if isinstance(name, str):
                record += ", " + _(template).format(name=name)
            rest = loc[2:]
        place = row or rec.where
        if column:
            place = f"{place}, " + _("column {name}").format(name=repr(redact(column)[:80]))
        cls = {"actions": Action, "phases": PhaseEntry, "placement": Placement}.get(loc[0] if loc else "", Trajectory)
        field_name = ".".join(str(p) for p in rest if not str(p).startswith("function-")) or None
        message = parse._message(err, cls if rest != loc else Trajectory, rest if rest != loc else loc)
        problems.append(RecordProblem(place, parse._safe(record), field_name and parse._safe(field_name),
                                      redact(message)))
    return None, problems


def merge_rows(stored: Trajectory | None, found: Trajectory, assigned: set[str]) -> Trajectory:
    """A coach's own action (and phase) rows added to the stored trajectory: an action of the
    same id, or one without id whose text is the same (case and spaces aside), gets the cells
    given; another is added (with the next free id when the row had none); a phase entry not
    in the history yet is put in its place by date. Everything else stored stays."""
    if stored is None:
        return found
    doc = stored.model_dump(mode="json", exclude_defaults=True)
    actions: list[dict] = doc.setdefault("actions", [])
    for action in found.actions:
        given = action.model_dump(mode="json", include=action.model_fields_set)
        free = action.id in assigned
        match = next((a for a in actions if (norm(a["what"]) == norm(action.what) if free else a["id"] == action.id)),
                     None)
        if free:
            given.pop("id", None)
        if match is None:
            given["id"] = next_action_id(a["id"] for a in actions) if free else action.id
            actions.append(given)
            continue
        if given.get("status") == "open" and "done_on" not in given:
            match.pop("done_on", None)  # reopened: it was not done on that day after all
        match.update(given)
    phases: list[dict] = doc.setdefault("phases", [])
    for entry in found.phases:
        new = entry.model_dump(mode="json", exclude_defaults=True)
        if not any(p["phase"] == new["phase"] and p["date"] == new["date"] for p in phases):
            at = len([p for p in phases if p["date"] <= new["date"]])
            phases.insert(at, new)
    try:
        return Trajectory.model_validate(doc)
    except ValidationError as exc:  # the rows and the stored trajectory disagree (a phase out of order)
        raise ValidationFailed(part_problems(exc, found.candidate)) from None
