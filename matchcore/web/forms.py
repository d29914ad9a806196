"""Quick Scan forms: from what a consultant typed to a validated scan, with a message per field.

The model (``matchcore.model``) does the validation; this module only turns form fields into the
record shape of FORMATS.md and the model's problems back into ``{form field: message}``. What the
user typed is always returned too, so that a failed save shows the form as it was.

Forms accept what a Flemish coach types (:mod:`matchcore.web.labels`): decimal commas (``7,5``,
``1.165,30``), Dutch words for the choices (``dag``, ``op afroep``, ``vuil``), ``ja``/``nee``, and
dates as ``dd/mm/jjjj`` or ISO.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from matchcore.i18n import _, format_number
from matchcore.model import PER, STRAINS, WHEN, Scan, parse_record
from matchcore.web.labels import (choice_problem, enum_code, normal_number, number_problem,
                                  parse_date, yes_no)

__all__ = [
    "HEADER_FIELDS",
    "PER",
    "ROLE_FIELDS",
    "SCAN_FIELDS",
    "STRAINS",
    "TASK_FIELDS",
    "WHEN",
    "check_new_scan",
    "check_role_edit",
    "check_scan_header",
    "check_role",
    "check_task",
    "conflict_errors",
    "header_to_values",
    "header_values",
    "iso_date",
    "next_task_id",
    "role_to_values",
    "role_values",
    "scan_values",
    "slug",
    "task_changes",
    "task_from_values",
    "task_values",
]

TASK_FIELDS = ("id", "description", "role", "volume", "times", "per", "minutes",
               "days_per_week", "hours_per_week", "complexity", "zone", "when", "notes")
SCAN_FIELDS = ("id", "employer", "date", "consultant", "full_time_hours", "shifts_per_day",
               "carved_hourly_cost_eur", "notes")
ROLE_FIELDS = ("role_id", "role_title", "role_hourly_cost_eur", "role_headcount")
COMPETENCE_SLOTS = 4  # empty competence inputs a task form offers


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60]


def _get(form, name: str) -> str:
    value = form.get(name)
    return "" if value is None else str(value).strip()


def _getlist(form, name: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [str(v).strip() for v in form.getlist(name)]
    value = form.get(name)
    if value is None:
        return []
    return [str(v).strip() for v in (value if isinstance(value, list) else [value])]


# --- tasks ---------------------------------------------------------------------------------

def task_values(form) -> dict[str, Any]:
    """What the user typed in a task form (strings, lists for competences and strain)."""
    values: dict[str, Any] = {f: _get(form, f) for f in TASK_FIELDS}
    values["volume"] = values["volume"] or ("hours" if values["hours_per_week"] and not values["minutes"] else "frequency")
    values["competences"] = [c for c in _getlist(form, "competence") if c]
    values["strain"] = [s for s in _getlist(form, "strain") if s]
    values["core"] = bool(yes_no(_get(form, "core")))
    values["safety_critical"] = bool(yes_no(_get(form, "safety_critical")))
    for key, kind in (("per", "per"), ("when", "when")):
        values[key] = enum_code(kind, values[key]) or ""
    values["strain"] = [enum_code("strain", x) for x in values["strain"]]
    return values


def task_to_values(task) -> dict[str, Any]:
    """A stored task as form values (for the edit form)."""
    freq = task.frequency
    return {
        "id": task.id, "description": task.description, "role": task.role,
        "volume": "hours" if task.hours_per_week is not None else "frequency",
        "times": _fmt(freq.times) if freq else "", "per": freq.per if freq else "day",
        "minutes": _fmt(task.minutes), "days_per_week": _fmt(task.days_per_week),
        "hours_per_week": _fmt(task.hours_per_week), "complexity": str(task.complexity),
        "zone": task.zone or "", "when": task.when, "notes": task.notes or "",
        "competences": list(task.competences), "strain": list(task.strain),
        "core": task.core, "safety_critical": task.safety_critical,
    }


def _fmt(x) -> str:
    """A stored number as the form shows it, in the page's language ('7,5' in Dutch)."""
    if x is None:
        return ""
    return format_number(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x)


def _n(values: dict, key: str) -> str:
    """A number field as the model reads it (decimal comma to point)."""
    return normal_number(values.get(key) or "")


def next_task_id(scan: Scan) -> str:
    """t01, t02, ... the first free one after the highest number used."""
    used = {t.id for t in scan.tasks}
    nums = [int(m.group(1)) for t in scan.tasks if (m := re.fullmatch(r"t(\d+)", t.id))]
    n = max(nums, default=0) + 1
    while f"t{n:02d}" in used:
        n += 1
    return f"t{n:02d}"


def task_from_values(values: dict, scan: Scan) -> dict:
    """The raw task mapping (FORMATS.md shape) of form values; blanks are left out."""
    raw: dict[str, Any] = {"id": values["id"] or next_task_id(scan),
                           "description": values["description"], "role": values["role"]}
    if values["volume"] == "hours":
        if values["hours_per_week"]:
            raw["hours_per_week"] = _n(values, "hours_per_week")
    else:
        if values["times"] or values["per"]:
            raw["frequency"] = {"times": _n(values, "times") or None, "per": values["per"] or None}
        if values["minutes"]:
            raw["minutes"] = _n(values, "minutes")
        if values["days_per_week"]:
            raw["days_per_week"] = _n(values, "days_per_week")
    if values["complexity"]:
        raw["complexity"] = _n(values, "complexity")
    for key in ("zone", "notes"):
        if values[key]:
            raw[key] = values[key]
    if values["when"]:
        raw["when"] = values["when"]
    raw["core"] = values["core"]
    raw["safety_critical"] = values["safety_critical"]
    raw["competences"] = values["competences"]
    raw["strain"] = values["strain"]
    return raw


_TASK_FIELD_MAP = {"frequency.times": "times", "frequency.per": "per", "frequency": "times"}


def _is_required(message: str) -> bool:
    """The model's "is required" (in English, or already translated)."""
    return message in ("is required", _("is required"))


def _task_field(field: str | None, message: str) -> str:
    if field is None:
        return "volume" if message.startswith("give ") else "_form"
    field = _TASK_FIELD_MAP.get(field, field)
    if field.startswith("competences"):
        return "competence"
    if field.startswith("strain"):
        return "strain"
    if field.startswith("frequency"):
        return "times"
    return field


def check_task(scan: Scan, values: dict, *, editing: str | None = None,
               live: bool = False) -> tuple[Scan | None, dict[str, str]]:
    """Validate a task form against its scan.

    Returns the scan with the task added (or, with ``editing``, replaced) and ``{}``, or None
    and ``{field: message}``. ``live`` (validation while typing) leaves out "is required" for
    fields still empty, so the form does not shout before the consultant got there.
    """
    errors: dict[str, str] = {}
    required = ["description", "role"]
    if values["volume"] == "hours":
        required.append("hours_per_week")
    else:
        required += ["times", "per", "minutes"]
    if not live:
        for name in required:
            if not values.get(name):
                errors[name] = _("is required")
    # what a coach types that is no number or no choice, said in their words ("did you mean")
    for name in ("times", "minutes", "days_per_week", "hours_per_week", "complexity"):
        problem = number_problem(values.get(name))
        if problem:
            errors[name] = problem
    for name, kind in (("per", "per"), ("when", "when")):
        problem = choice_problem(kind, values[name]) if values.get(name) else None
        if problem:
            errors[name] = problem
    for word in values.get("strain") or []:
        problem = choice_problem("strain", word)
        if problem:
            errors["strain"] = problem
    roles = {r.id for r in scan.roles}
    if values["role"] and values["role"] not in roles:
        errors["role"] = (_("must be one of the scan's roles ({roles})").format(roles=", ".join(sorted(roles)))
                          if roles else _("add a role to the scan first"))
    raw_task = task_from_values(values, scan)
    if values["id"] and values["id"] != editing and any(t.id == values["id"] for t in scan.tasks):
        errors["id"] = _("task id {id!r} is already used in this scan; leave it empty for the next "
                         "free id").format(id=values["id"])
    doc = scan.model_dump(mode="json", exclude_defaults=True)
    tasks = [t for t in doc.get("tasks", []) if t["id"] != editing]
    if editing is not None:
        pos = next((i for i, t in enumerate(doc.get("tasks", [])) if t["id"] == editing), len(tasks))
        tasks.insert(pos, raw_task)
    else:
        tasks.append(raw_task)
    doc["tasks"] = tasks
    doc["kind"] = "scan"
    record, problems = parse_record(doc)
    task_label = f"task {raw_task['id']}"
    for p in problems:
        parts = p.record.split(", ") if p.record else []
        if task_label in parts and any(x.startswith("competence") for x in parts):
            name = "competence"
        elif task_label in parts:
            name = _task_field(p.field, p.message)
        elif p.message.startswith(f"{task_label}: role"):
            name = "role"
        elif p.message.startswith("tasks: task id"):
            name = "id"
        else:
            name = "_form"
        if live and (_is_required(p.message) or (name in values and values.get(name) in ("", None))):
            continue  # while typing, say nothing about fields still empty
        errors.setdefault(name, p.message)
    if errors:
        return None, errors
    return record, {}


# --- revisions: what an edit changed, and a conflict next to the fields ---------------------

# The task fields the form shows (not ``extra``, which only files carry and an edit keeps).
FORM_TASK_ATTRS = ("description", "role", "frequency", "minutes", "hours_per_week",
                   "days_per_week", "complexity", "core", "safety_critical", "competences",
                   "zone", "when", "strain", "notes")
_FORM_FIELD_OF = {"frequency": "times", "competences": "competence"}


def task_changes(stored, new) -> list[str]:
    """The fields of the form whose value ``new`` (a validated task) changes in ``stored``."""
    return [f for f in FORM_TASK_ATTRS if getattr(stored, f) != getattr(new, f)]


def conflict_errors(exc) -> tuple[str, dict[str, str]]:
    """An EditConflict as the form shows it: the message above the form (which stays while the
    form is checked as it is typed), and next to each field changed meanwhile its value now."""
    then = {"removed": _("save to add it again as a new task"),
            "added": _("choose another id (or leave the id empty) and save again")}.get(
        exc.action, _("save again to put it in place of their change, or reload the page to start "
                      "from theirs"))
    errors = {}
    for item in exc.fields:
        name, theirs = item[0], item[1]
        if isinstance(theirs, dict):
            theirs = " ".join(f"{k} {v}" for k, v in theirs.items())
        elif isinstance(theirs, list):
            theirs = ", ".join(map(str, theirs))
        errors.setdefault(_FORM_FIELD_OF.get(name, name),
                          _("changed meanwhile by {who}; now: {value}").format(
                              who=exc.by or _("someone"),
                              value=theirs if theirs not in (None, "") else _("empty")))
    return _("Not saved: {conflict}. What you typed is kept below: {then}.").format(
        conflict=exc, then=then), errors


# --- scans and roles -----------------------------------------------------------------------

def scan_values(form, *, user: str | None = None) -> dict[str, str]:
    values = {f: _get(form, f) for f in SCAN_FIELDS + ROLE_FIELDS}
    return values


def role_values(form) -> dict[str, str]:
    """What the user typed in the add-role form."""
    return {f: _get(form, f) for f in ROLE_FIELDS}


def default_scan_values(user: str | None) -> dict[str, str]:
    values = {f: "" for f in SCAN_FIELDS + ROLE_FIELDS}
    values.update(date=dt.date.today().strftime("%d/%m/%Y"), consultant=user or "",
                  full_time_hours="38", shifts_per_day="1")
    return values


_SCAN_NUMBERS = ("full_time_hours", "shifts_per_day", "carved_hourly_cost_eur")


def _scan_raw_value(key: str, value: str) -> str:
    """A scan field as the model reads it: numbers with a point, the date in ISO."""
    if key in _SCAN_NUMBERS:
        return normal_number(value)
    if key == "date":
        return iso_date(value)
    return value


def iso_date(value: str) -> str:
    """'2/12/2026' or '2026-12-02' -> '2026-12-02'; other text as it is (the model names it)."""
    try:
        day = parse_date(value)
    except ValueError:
        return value
    return day.isoformat() if day else value


def _role_raw(values: dict) -> dict | None:
    if not any(values.get(f) for f in ROLE_FIELDS):
        return None
    raw: dict[str, Any] = {"id": values["role_id"] or slug(values["role_title"]) or "",
                           "title": values["role_title"]}
    if values["role_hourly_cost_eur"]:
        raw["hourly_cost_eur"] = normal_number(values["role_hourly_cost_eur"])
    if values["role_headcount"]:
        raw["headcount"] = normal_number(values["role_headcount"])
    return raw


def _scan_field(p) -> str:
    if p.record and ", role " in p.record:
        return "role_" + (p.field or "id").split(".")[0]
    if p.field in SCAN_FIELDS:
        return p.field
    if p.field and p.field.split(".")[0].split("[")[0] in SCAN_FIELDS:
        return p.field.split(".")[0].split("[")[0]
    if p.message.startswith("roles: role id"):
        return "role_id"
    return "_form"


def check_new_scan(store, values: dict) -> tuple[Scan | None, dict[str, str]]:
    """Validate the new-scan form (with an optional first role)."""
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {"kind": "scan"}
    for f in SCAN_FIELDS:
        if values.get(f):
            raw[f] = _scan_raw_value(f, values[f])
    for f in ("id", "employer", "date"):
        if not values.get(f):
            errors[f] = _("is required")
    role = _role_raw(values)
    if role is not None:
        raw["roles"] = [role]
        if not values["role_title"]:
            errors["role_title"] = _("is required (or leave the whole role empty)")
    if values.get("id") and values["id"] in store.ids("scan"):
        errors["id"] = _("a scan with id {id!r} already exists; choose another id").format(id=values["id"])
    if values.get("employer") and values["employer"] not in store.ids("employer"):
        errors["employer"] = _("no employer {id!r} in the database").format(id=values["employer"])
    record, problems = parse_record(raw)
    for p in problems:
        errors.setdefault(_scan_field(p), p.message)
    if errors:
        return None, errors
    return record, {}


def check_role(scan: Scan, values: dict) -> tuple[Scan | None, dict[str, str]]:
    """Validate the add-role form; return the scan with the role added."""
    errors: dict[str, str] = {}
    role = _role_raw(values) or {}
    if not values.get("role_title"):
        errors["role_title"] = _("is required")
    if role.get("id") and any(r.id == role["id"] for r in scan.roles):
        errors["role_id"] = _("role id {id!r} is already used in this scan").format(id=role["id"])
    doc = scan.model_dump(mode="json", exclude_defaults=True)
    doc["kind"] = "scan"
    doc["roles"] = [*doc.get("roles", []), role]
    record, problems = parse_record(doc)
    for p in problems:
        errors.setdefault(_scan_field(p), p.message)
    if errors:
        return None, errors
    return record, {}


# --- editing a scan's header and its roles (issue 14) --------------------------------------

# The scan's own fields the header form shows (``titles``, ``gains`` and ``extra`` stay as
# stored: the carving page and files edit those).
HEADER_FIELDS = ("employer", "date", "consultant", "full_time_hours", "shifts_per_day",
                 "carved_hourly_cost_eur", "freed_hours_use", "notes")
ROLE_ATTRS = ("title", "hourly_cost_eur", "headcount")


def header_values(form) -> dict[str, str]:
    """What the user typed in the scan-header form."""
    return {f: _get(form, f) for f in HEADER_FIELDS}


def header_to_values(scan: Scan) -> dict[str, str]:
    """A stored scan's header as the form shows it (the date day first, numbers in the
    page's language)."""
    return {"employer": scan.employer, "date": scan.date.strftime("%d/%m/%Y"),
            "consultant": scan.consultant or "", "full_time_hours": _fmt(scan.full_time_hours),
            "shifts_per_day": str(scan.shifts_per_day),
            "carved_hourly_cost_eur": _fmt(scan.carved_hourly_cost_eur),
            "freed_hours_use": scan.freed_hours_use, "notes": scan.notes or ""}


def check_scan_header(store, scan: Scan, values: dict) -> tuple[Scan | None, list[str], dict[str, str]]:
    """Validate the header form against the stored scan: (the scan with the new header, the
    header fields it changes, {field: message})."""
    errors: dict[str, str] = {}
    for f in ("employer", "date"):
        if not values.get(f):
            errors[f] = _("is required")
    if values.get("employer") and values["employer"] not in store.ids("employer"):
        errors["employer"] = _("no employer {id!r} in the database").format(id=values["employer"])
    doc = scan.model_dump(mode="json", exclude_defaults=True)
    doc["kind"] = "scan"
    for f in HEADER_FIELDS:
        if values.get(f):
            doc[f] = _scan_raw_value(f, values[f])
        else:
            doc.pop(f, None)
    record, problems = parse_record(doc)
    for p in problems:
        name = p.field.split(".")[0] if p.field and p.field.split(".")[0] in HEADER_FIELDS else "_form"
        errors.setdefault(name, p.message)
    if errors:
        return None, [], errors
    return record, [f for f in HEADER_FIELDS if getattr(scan, f) != getattr(record, f)], {}


def role_to_values(role) -> dict[str, str]:
    """A stored role as the edit form shows it."""
    return {"role_id": role.id, "role_title": role.title,
            "role_hourly_cost_eur": _fmt(role.hourly_cost_eur),
            "role_headcount": "" if role.headcount is None else str(role.headcount)}


def check_role_edit(scan: Scan, role_id: str, values: dict) -> tuple[Any, list[str], dict[str, str]]:
    """Validate the edit form of role ``role_id``: (the role as it would be stored, the fields
    it changes, {field: message}). Another id renames the role; its tasks follow."""
    errors: dict[str, str] = {}
    old = next(r for r in scan.roles if r.id == role_id)
    new_id = values.get("role_id") or role_id
    if not values.get("role_title"):
        errors["role_title"] = _("is required")
    if new_id != role_id and any(r.id == new_id for r in scan.roles):
        errors["role_id"] = _("role id {id!r} is already used in this scan").format(id=new_id)
    raw = _role_raw({**values, "role_id": new_id}) or {"id": new_id}
    doc = scan.model_dump(mode="json", exclude_defaults=True)
    doc["kind"] = "scan"
    doc["roles"] = [raw if r["id"] == role_id else r for r in doc.get("roles", [])]
    for task in doc.get("tasks", []):
        if task.get("role") == role_id:
            task["role"] = new_id
    record, problems = parse_record(doc)
    for p in problems:
        errors.setdefault(_scan_field(p), p.message)
    if errors:
        return None, [], errors
    role = record.role(new_id)
    changed = [f for f in ROLE_ATTRS if getattr(old, f) != getattr(role, f)]
    return role, changed + (["id"] if new_id != role_id else []), {}
