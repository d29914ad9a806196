"""Data files as matchcore reads them: bounded in size, strict UTF-8, YAML loaded safely.

:func:`read_text` refuses a file over :data:`MAX_FILE_BYTES` before reading it, and text that is
not UTF-8 with the byte where it goes wrong (a UTF-16 file, as some spreadsheet programs write
it, is named as such). :func:`load_yaml` adds what ``yaml.safe_load`` lacks: a key written twice
(a silent overwrite) or a list used as a key, a date that does not exist, nesting deeper than
:data:`MAX_NESTING`, and aliases that expand to more than :data:`MAX_ALIAS_NODES` values (the
"billion laughs": 9 nested lists of 9 aliases are 9**9 values in a few hundred bytes) or refer
to themselves. Every error names the file and the line and is a
:class:`~matchcore.errors.ValidationFailed`. Used by the data import
(:mod:`matchcore.store.io`) and the rule parameter files (:mod:`matchcore.instruments.params`).
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import yaml

from matchcore.errors import RecordProblem, ValidationFailed, impossible_date
from matchcore.i18n import N_, _, format_number

__all__ = ["MAX_FILE_BYTES", "MAX_NESTING", "MAX_ALIAS_NODES", "UniqueKeyLoader", "file_problem",
           "load_yaml", "read_text"]

# A team's whole data (hundreds of employers, thousands of candidates) is under 5 MB; a bigger
# file is a mistake or an attack, refused before it is read.
MAX_FILE_BYTES = 20 * 1024 * 1024
# The deepest record (scan > tasks > task > extra > carving > titles) has 6 levels.
MAX_NESTING = 32
MAX_ALIAS_NODES = 10_000

_UTF16_32 = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
             (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def file_problem(path: Path | str, message: str, where: str | None = None) -> ValidationFailed:
    """The error for a whole file: ``PATH: [line N: ]MESSAGE``."""
    return ValidationFailed([RecordProblem(str(path), where, None, message)])


def _size(n: int) -> str:
    return (_("{n} MB").format(n=format_number(n / 2**20, 1)) if n >= 2**20
            else _("{n} bytes").format(n=format_number(n)))


def read_text(path: Path, *, limit: int | None = None) -> str:
    """The text of a UTF-8 file (a UTF-8 byte-order mark is dropped).

    Raises
    ------
    ValidationFailed
        The file is over ``limit`` bytes (default :data:`MAX_FILE_BYTES`; checked before
        reading), UTF-16 or UTF-32, or not
        UTF-8 (with the byte offset and line of the first bad byte), or cannot be read.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise file_problem(path, _("is too large: {size}, at most {limit} per file; split it into "
                                       "several files").format(size=_size(size), limit=_size(limit)))
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise file_problem(path, _("cannot be read: {reason}").format(reason=exc.strerror or exc)) from None
    if len(data) > limit:  # grew while being read, or not a regular file
        raise file_problem(path, _("is too large: more than {limit} per file").format(limit=_size(limit)))
    for bom, name in _UTF16_32:
        if data.startswith(bom):
            raise file_problem(path, _("is {encoding} text; save it as UTF-8").format(encoding=name))
    if data[:2].count(0) == 1:  # "{\0" or "\0{": UTF-16 without a byte-order mark
        raise file_problem(path, _("is UTF-16 text (no byte-order mark); save it as UTF-8"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise file_problem(path, _("is not UTF-8 text: byte {position} ({byte}) cannot be decoded; save "
                                   "the file as UTF-8").format(position=exc.start, byte=f"0x{data[exc.start]:02x}"),
                           _("line {n}").format(n=line)) from None


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (a silent overwrite), a list
    or mapping as a key, a date that does not exist (2024-13-01), a number too long to convert,
    deep nesting and expanding aliases, instead of failing with a traceback or eating memory."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._alias_nodes = 0
        self._open_anchors: set[str] = set()
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open_anchors:
                raise yaml.composer.ComposerError(
                    None, None, _("alias *{name} refers to the value it is part of").format(name=event.anchor),
                    event.start_mark)
            target = self.anchors.get(event.anchor)
            if target is not None:
                self._alias_nodes += self._size(target)
                if self._alias_nodes > MAX_ALIAS_NODES:
                    raise yaml.composer.ComposerError(
                        None, None, _("aliases (*name) expand to more than {n} values; write the values "
                                      "out").format(n=MAX_ALIAS_NODES), event.start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise yaml.composer.ComposerError(
                None, None, _("nests lists and mappings more than {n} levels deep").format(n=MAX_NESTING),
                event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor:
            self._open_anchors.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open_anchors.discard(anchor)

    def _size(self, node) -> int:
        """How many values ``node`` stands for with its aliases expanded (memoised per node)."""
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._size(n) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
        else:
            size = 1
        self._sizes[id(node)] = size
        return size


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, _("a list or mapping is used as a key; keys must be plain names"),
                key_node.start_mark)
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, _("key {key} appears twice in one mapping").format(key=_short(key)),
                key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


def _short(key: Any) -> str:
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "..."


def _construct_timestamp(loader: UniqueKeyLoader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # 2024-13-01 or 2023-02-30 look like dates but are none
        parts = re.match(r"\s*\d{4}-(\d{1,2})-(\d{1,2})", str(node.value))
        reason = impossible_date(int(parts[1]), int(parts[2])) if parts else str(exc)
        raise yaml.constructor.ConstructorError(
            None, None, _("{value} is not a valid date ({reason}); write dates as YYYY-MM-DD").format(
                value=_short(node.value), reason=reason),
            node.start_mark) from None


def _construct_int(loader: UniqueKeyLoader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:  # Python refuses to convert a number of over 4300 digits
        raise yaml.constructor.ConstructorError(
            None, None, _("a number of {n} digits is too long").format(n=len(node.value)), node.start_mark) from None


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
UniqueKeyLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


# PyYAML's own problem texts (scanner.py, parser.py) for the mistakes made when a file is
# edited by hand, said as a coach can act on them; any other keeps PyYAML's English text.
_YAML_PROBLEMS = [(re.compile(rx), msg) for rx, msg in (
    (r"^could not find expected ':'$", N_("a ':' is missing after a key")),
    (r"^mapping values are not allowed here$",
     N_("a ':' where no key can start (a text with ': ' in it needs quotes)")),
    (r"^found character (.+) that cannot start any token$",
     N_("the character {0} cannot start a value (a tab? indent with spaces; a text starting with @ or ` needs quotes)")),
    (r"^found unexpected end of stream$", N_("the file ends inside a value (a quote or bracket not closed?)")),
    (r"^expected <block end>, but found (.+)$", N_("the indentation does not line up here (found {0})")),
    (r"^expected ',' or '\]', but got (.+)$", N_("a list in [ ] is not closed properly (found {0})")),
    (r"^expected ',' or '\}', but got (.+)$", N_("a group in {{ }} is not closed properly (found {0})")),
    (r"^expected the node content, but found (.+)$", N_("a value is missing (found {0})")),
    (r"^sequence entries are not allowed here$", N_("a list entry '-' where none can start (check the indentation)")),
    (r"^mapping keys are not allowed here$", N_("a key where none can start (check the indentation)")),
    (r"^found undefined alias (.+)$", N_("an unknown alias {0} (a text starting with * needs quotes)")),
    (r"^found undefined tag handle (.+)$", N_("an unknown tag {0} (a text starting with ! needs quotes)")),
    (r"^found unknown escape character (.+)$",
     N_("an unknown escape {0} inside double quotes (use single quotes, or write \\\\)")),
    (r"^expected a comment or a line break, but found (.+)$",
     N_("something follows a closed value on the same line (found {0})")),
    (r"^but found another document$", N_("a second document ('---') in one file")),
    (r"^found unhashable key$", N_("a key that is a list or a group")),
    (r"^found unexpected document separator$", N_("a '---' inside a value")),
)]


def yaml_problem(exc: yaml.YAMLError) -> tuple[str | None, str]:
    """(where, what) of a YAML syntax error, for the one-line error: the line, and PyYAML's
    problem said in the user's language (:data:`_YAML_PROBLEMS`)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = _("line {n}").format(n=mark.line + 1) if mark else None
    problem = getattr(exc, "problem", None)
    if not problem:
        return where, _("not valid YAML: {problem}").format(problem=_("cannot be read"))
    for rx, msg in _YAML_PROBLEMS:
        hit = rx.match(problem)
        if hit:
            problem = _(msg).format(*hit.groups())
            break
    return where, _("not valid YAML: {problem}").format(problem=problem)


def load_yaml(path: Path) -> Any:
    """Load a YAML file with the bounds above; raise ValidationFailed naming file and line."""
    text = read_text(path)
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        where, what = yaml_problem(exc)
        raise file_problem(path, what, where) from None
    except RecursionError:  # belt and braces: the nesting bound above comes first
        raise file_problem(path, _("nests more than {n} levels deep").format(n=MAX_NESTING)) from None
