"""From a raw mapping to a record (or to messages that name file, record and field), and back.

Pydantic's errors are rewritten into :class:`~matchcore.errors.RecordProblem` lines such as::

    profiles/horeca/kaai.yaml: employer brasserie-de-kaai, function afwasser: hours_per_week
    must be a number between 1 and 50, got 'twintig'

with a "did you mean" for a misspelt field name.
"""
from __future__ import annotations

from typing import Any, Callable, Union, get_args

from pydantic import BaseModel, ValidationError

from matchcore.errors import RecordProblem, did_you_mean
from matchcore.i18n import N_, _
from matchcore.model.candidate import Candidate
from matchcore.model.common import BaseRecord, looks_like_nrn, show
from matchcore.model.nrn import redact
from matchcore.model.employer import Employer
from matchcore.model.scan import Scan

__all__ = ["RECORD_KINDS", "Record", "Locate", "parse_record", "record_label", "item_label", "to_document"]

RECORD_KINDS: dict[str, type[BaseRecord]] = {
    "employer": Employer,
    "candidate": Candidate,
    "scan": Scan,
}
Record = Union[Employer, Candidate, Scan]

# Lists whose items are named by a key in messages ("function afwasser" rather than "functions.3").
_ITEM_NAMES = {"functions": ("function", "id"), "tasks": ("task", "id"), "roles": ("role", "id"),
               "competences": ("competence", "name")}
# How messages name a record or an item of one (translated when shown).
_LABELS = {"candidate": N_("candidate {name}"), "employer": N_("employer {name}"), "scan": N_("scan {name}"),
           "record": N_("record {name}"), "function": N_("function {name}"), "task": N_("task {name}"),
           "role": N_("role {name}"), "competence": N_("competence {name}"), "trajectory": N_("trajectory {name}")}
_NO_ID = {"candidate": N_("candidate (no id)"), "employer": N_("employer (no id)"), "scan": N_("scan (no id)"),
          "record": N_("record (no id)")}
_BAD_ID = {"candidate": N_("candidate (id not valid)"), "employer": N_("employer (id not valid)"),
           "scan": N_("scan (id not valid)"), "record": N_("record (id not valid)")}

# Where a problem of a record read from a spreadsheet lies: given pydantic's location of the
# problem (``("functions", 2, "hours_per_week")``), the row it came from (``"k.xlsx, sheet
# Werkgevers, row 4"``, or None: the record's own place), the column as written in the header (or
# None) and whether the problem was already reported while the cells were read (then dropped).
Locate = Callable[[tuple], "tuple[str | None, str | None, bool]"]


def item_label(kind: str, name: Any) -> str:
    """``"function afwasser"``, ``"competence #3"``: how messages name a record or an item."""
    template = _LABELS.get(kind)
    return _(template).format(name=name) if template else f"{kind} {name}"


def _where(raw: Any, loc: tuple) -> tuple[str, str]:
    """Turn a pydantic error location into ('function afwasser', 'hours_per_week')."""
    items: list[str] = []
    fields: list[str] = []
    node = raw
    i = 0
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(part, str) and part in _ITEM_NAMES and isinstance(nxt, int):
            label, key = _ITEM_NAMES[part]
            item = node.get(part)[nxt] if isinstance(node, dict) and isinstance(node.get(part), list) and nxt < len(node.get(part)) else None
            if isinstance(item, dict) and item.get(key) is not None:
                name = item.get(key)
            elif isinstance(item, str):
                name = item
            else:
                name = f"#{nxt + 1}"
            items.append(item_label(label, name))
            fields = []
            node = item
            i += 2
            continue
        if isinstance(part, str) and part.startswith("function-"):
            i += 1  # pydantic's name for a validator step; not a field
            continue
        fields.append(f"[{part + 1}]" if isinstance(part, int) else str(part))
        node = node.get(part) if isinstance(node, dict) and isinstance(part, str) else (
            node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
        )
        i += 1
    field = ".".join(fields).replace(".[", "[")
    return ", ".join(items), field


def _message(err: dict, model_cls: type[BaseRecord], loc: tuple) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        return _("unknown field{suggestion}; put free additions under 'extra:'").format(
            suggestion=_did_you_mean(loc, model_cls))
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind == "bounded":
        return err["ctx"]["message"]
    if kind in ("literal_error", "enum"):
        return _("must be one of {expected}, got {value}").format(expected=err["ctx"]["expected"], value=show(value))
    if kind.startswith("date"):
        return _("must be a date written YYYY-MM-DD, got {value}").format(value=show(value))
    if kind.startswith("bool"):
        return _("must be true or false, got {value}").format(value=show(value))
    if kind in ("list_type",):
        return _("must be a list, got {value}").format(value=show(value))
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("must be a mapping of fields, got {value}").format(value=show(value))
    if kind.startswith("string") or kind == "str_type":
        return _("must be a text, got {value}").format(value=show(value))
    return f"{err['msg']}, got {show(value)}"


def _did_you_mean(loc: tuple, model_cls: type[BaseRecord]) -> str:
    """Suggest the closest known field name for a misspelt key."""
    names = _fields_at(model_cls, loc[:-1])
    if not names or not isinstance(loc[-1], str):
        return ""
    return did_you_mean(loc[-1], names, cutoff=70, parenthesised=True)


def _fields_at(model_cls: type[BaseModel], loc: tuple) -> list[str]:
    current: Any = model_cls
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        ann = field.annotation
        # unwrap list[X], X | None
        for _depth in range(3):
            args = [a for a in get_args(ann) if a is not type(None)]
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
            if args:
                ann = args[0]
        current = ann
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def to_document(record: BaseRecord) -> dict[str, Any]:
    """A record as data files write it: ``kind`` first, defaults left out, JSON values.

    What the store keeps and ``export`` writes; :func:`parse_record` reads it back unchanged.
    """
    data = record.model_dump(mode="json", exclude_defaults=True)
    kind = getattr(record, "kind", None)
    return {"kind": kind, **data} if kind else data


def record_label(kind: str, raw: Any) -> str:
    """How messages name a record: ``"candidate K-0042"``, never echoing a national register number."""
    rid = raw.get("id") if isinstance(raw, dict) else None
    if rid is None:
        return _(_NO_ID[kind]) if kind in _NO_ID else f"{kind} (no id)"
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or len(str(rid)) > 80:
        # a list, a mapping or a huge text is no name for it
        return _(_BAD_ID[kind]) if kind in _BAD_ID else f"{kind} (id not valid)"
    if looks_like_nrn(str(rid), whole=False):
        rid = _("<id withheld>")  # never echo what may be a national register number
    return item_label(kind, rid)


def parse_record(raw: Any, *, file: str | None = None, index: int | None = None,
                 locate: Locate | None = None) -> tuple[Record | None, list[RecordProblem]]:
    """Validate one raw mapping into a record; return (record, problems).

    ``kind`` selects the record type. On failure the record is None and ``problems`` names
    file, record and field for every problem found. ``locate`` (records read from a spreadsheet
    or CSV file: :mod:`matchcore.model.tabular`) puts the row and the column of each problem in
    the file part: ``k.xlsx, sheet Kandidaten, row 7, column 'uren per week'``.
    """
    where_file = file if index is None or file is None else f"{file}[{index + 1}]"
    if not isinstance(raw, dict):
        return None, [RecordProblem(where_file, None, None, _(
            "each record must be a mapping with a 'kind', got {type}").format(type=type(raw).__name__))]
    kind = raw.get("kind")
    cls = RECORD_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return None, [RecordProblem(where_file, record_label("record", raw), "kind", _(
            "must be one of {kinds}, got {value}").format(kinds=", ".join(sorted(RECORD_KINDS)), value=_quoted(kind)))]
    try:
        return cls.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            items, field = _where(raw, loc)
            below = (err.get("ctx") or {}).get("at") if err["type"] == "bounded" else None
            if below:  # the place inside the field a bound was passed: extra.notes[2]
                field = f"{field}{'' if below.startswith('[') else '.'}{below}" if field else below
            record = record_label(kind, raw) + (f", {items}" if items else "")
            place = where_file
            if locate is not None:
                row, column, reported = locate(loc)
                if reported:
                    continue
                place = row or where_file
                if column:
                    place = f"{place}, " + _("column {name}").format(name=_quoted(column))
            # a misspelt key or an item's name may itself be a register number or huge: never echo
            problems.append(RecordProblem(place, _safe(record), _safe(field) or None,
                                          redact(_message(err, cls, loc))))
        return None, problems


def _safe(text: str) -> str:
    text = redact(text)
    return text if len(text) <= 120 else text[:117] + "..."


def _quoted(value: Any) -> str:
    """A value in single quotes (as ``repr`` would), cut short and register numbers withheld."""
    return "'" + show(value)[1:-1] + "'" if isinstance(value, str) else show(value)
