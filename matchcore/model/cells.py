"""Spreadsheet cells as the model's fields take them (:mod:`matchcore.model.tabular`).

What a cell may hold is decided by the field's own type in the model, so that a new field works
in spreadsheets without a change here:

- lists split on ``;``, ``,`` and line breaks (never a comma swallowed into one item);
  competences ``name:level; name:level`` (a function's ``name:level:weight``);
- booleans ``ja/nee``, ``waar/onwaar``, ``x``, ``true/false``, ``yes/no``, ``1/0`` (any case);
- dates ``dd/mm/jjjj``, ``d/m/jj`` (``jj`` up to ten years ahead is this century, else the last:
  ``68`` is 1968), ``dd-mm-jjjj``, ``dd.mm.jjjj``, ``YYYY-MM-DD`` and date cells;
- fractions (fields named ``*fraction``) ``4/5``, ``80%``, ``0,8``, and the date Excel makes of
  a typed ``4/5`` (4 May: day/month, when the day is not above the month);
- codes also as Dutch words (``voormiddag``, ``fiets``, ``arbeider``) or in another case (``a2``);
- texts from number cells (postcode 9000, PC 319.1 -> ``"319.10"``);
- decimal commas (``"12,40"``) are left to the model, which reads them.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from matchcore.errors import CellError, impossible_date
from matchcore.i18n import _
from matchcore.model.common import show
from matchcore.model.dutch_input import WORDS
from matchcore.model.employer import Function
from matchcore.model.tabular_words import FALSE_WORDS, TRUE_WORDS, VALUE_WORDS, norm

__all__ = ["CellError", "convert", "leaf", "split_list", "word", "as_text"]

# A two-digit year is this century's up to ten years ahead, else the last century's (68 -> 1968).
_PIVOT_AHEAD = 10

_FREE = "free"


def _unwrap(ann: Any) -> Any:
    for _round in range(4):
        origin = get_origin(ann)
        if origin is Annotated:
            ann = get_args(ann)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            if len(args) != 1:
                return ann
            ann = args[0]
        else:
            return ann
    return ann


@functools.lru_cache(maxsize=4096)  # the same few columns on every row
def leaf(model: type[BaseModel], path: tuple[str, ...]) -> tuple[str, Any]:
    """What a field is: ('list', item type), ('bool', None), ('date', None), ('number', name),
    ('text', name), ('enum', values), ('model', cls), ('free', None) or ('unknown', None)."""
    node: Any = model
    for i, part in enumerate(path):
        if not (isinstance(node, type) and issubclass(node, BaseModel)) or part not in node.model_fields:
            return "unknown", None
        ann = _unwrap(node.model_fields[part].annotation)
        origin = get_origin(ann)
        last = i == len(path) - 1
        if origin is dict or ann is dict:
            return (_FREE, None)
        if origin in (Union, types.UnionType):  # a number or a mapping: hours_per_week
            sub = next((a for a in get_args(ann) if isinstance(a, type) and issubclass(a, BaseModel)), None)
            if last or sub is None:
                return "text", part
            node = sub
            continue
        if not last:
            node = ann
            continue
        if origin is list:
            return "list", _unwrap(get_args(ann)[0])
        if ann is bool:
            return "bool", None
        if ann is dt.date:
            return "date", None
        if origin is Literal:
            return "enum", get_args(ann)
        if ann in (int, float):
            return "number", part
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return "model", ann
        return "text", part
    return "unknown", None


_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_FRACTION_RE = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_PERCENT_RE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if not isinstance(value, str):
        return value
    m = _DATE_RE.match(value)
    if not m:
        return value  # ISO dates and anything else: the model reads or refuses them
    day, month, year = (int(g) for g in m.groups())
    if len(m.group(3)) == 2:
        this = dt.date.today().year
        year += 2000 if 2000 + year <= this + _PIVOT_AHEAD else 1900
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        reason = impossible_date(month, day)
        raise CellError(_("is not a valid date ({reason}), got {value}; write dd/mm/yyyy").format(
            reason=reason, value=show(value))) from None


def _fraction(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0) and value.day <= value.month:
        # Excel (Belgian, day/month) turns a typed 4/5 into the date 4 May: read it back as 4/5
        return value.day / value.month
    if not isinstance(value, str):
        return value
    m = _FRACTION_RE.match(value)
    if m:
        top, bottom = int(m.group(1)), int(m.group(2))
        if bottom == 0:
            raise CellError(_("must be a fraction such as 4/5, 80% or 0,8, got {value}").format(value=show(value)))
        return top / bottom
    m = _PERCENT_RE.match(value)
    if m:
        return float(m.group(1).replace(",", ".")) / 100
    return value


def _typed_words() -> list[dict[str, str]]:
    """The words of the prompts and web forms (:mod:`matchcore.model.dutch_input`), word -> code."""
    return [{norm(w): code for code, words in kind.items() for w in words} for kind in WORDS.values()]


_PROMPT_WORDS = _typed_words()


def word(value: str, allowed: tuple) -> str:
    """A code of ``allowed`` for a cell's word: the code itself in any case, or a Dutch word
    (:data:`~matchcore.model.tabular_words.VALUE_WORDS`, then the prompts' words); else the cell."""
    if value in allowed:
        return value
    key = norm(value)
    for table in (VALUE_WORDS, *_PROMPT_WORDS):
        code = table.get(key)
        if code in allowed:
            return code
    return next((a for a in allowed if isinstance(a, str) and a.casefold() == key), value)


def as_text(value: Any, name: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and isinstance(name, str) and name.endswith("joint_committee"):
        return f"{value:.2f}"  # 319.1 in a cell is PC 319.10
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def split_list(value: Any) -> list[str]:
    """``a; b``, ``a, b`` and one item a line: never a comma swallowed into one item."""
    if not isinstance(value, str):
        return [value]
    return [v.strip() for v in re.split(r"[;,\n]", value) if v.strip()]


_REQUIRED_RE = re.compile(r"\s*(?:!|\((?:verplicht|vereist|required)\))\s*$", re.I)
_NUMBER_RE = re.compile(r"\d+(?:[.]\d+)?")


def _competences(value: Any, *, weights: bool) -> list[dict]:
    """``name:level; name:level``, the level optional; a function's ``name:level:weight`` and
    ``name:level!`` (or ``(verplicht)``) for a required one."""
    out = []
    for part in split_list(as_text(value, None)):
        part = str(part)
        entry: dict[str, Any] = {}
        if weights and _REQUIRED_RE.search(part):
            part = _REQUIRED_RE.sub("", part)
            entry["required"] = True
        pieces = [p.strip() for p in part.split(":")]
        if weights and len(pieces) > 2 and all(_NUMBER_RE.fullmatch(p) for p in pieces[-2:]):
            entry["weight"] = pieces.pop()
        level = pieces.pop() if len(pieces) > 1 else ""
        name = ":".join(pieces).strip()
        if not name:
            raise CellError(_('must be written "name:level; name:level", got {value}').format(value=show(part)))
        out.append({"name": name, **({"level": level} if level else {}), **entry})
    return out


def convert(model: type[BaseModel], path: tuple[str, ...], value: Any) -> Any:
    """One cell as the field at ``path`` of ``model`` takes it (raises :class:`CellError`)."""
    what, info = leaf(model, path)
    if what == "list":
        if isinstance(info, type) and issubclass(info, BaseModel):
            return _competences(value, weights=model is Function)
        items = split_list(as_text(value, None))
        if get_origin(info) is Literal:
            items = [word(v, get_args(info)) if isinstance(v, str) else v for v in items]
        return items
    if what == "bool":
        if isinstance(value, str):
            key = norm(value)
            return True if key in TRUE_WORDS else False if key in FALSE_WORDS else value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
            return bool(value)
        return value
    if what == "date":
        return _date(value)
    if what == "number":
        return _fraction(value) if str(info).endswith("fraction") else value
    if what == "enum":
        return word(value, info) if isinstance(value, str) else value
    if what == "text":
        return as_text(value, info)
    if what == _FREE:
        if isinstance(value, str) and value[:1] in "[{":
            try:  # a list or mapping under extra, as the workbook export writes it
                return json.loads(value)
            except ValueError:
                return value
        return _date(value) if isinstance(value, dt.datetime) else value
    return value
