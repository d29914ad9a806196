"""The exceptions matchcore raises: one small class per failure.

The library raises; the CLI prints ``str(error)`` as one line per problem and exits with
status 1. Every message names what failed, the offending value, what was expected and where.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from rapidfuzz import process

__all__ = [
    "MatchcoreError",
    "ValidationFailed",
    "RecordProblem",
    "NotFound",
    "DuplicateRecord",
    "UnknownReference",
    "StoreError",
    "PluginError",
    "ParameterError",
    "UnknownParameter",
    "EscoError",
    "VocabularyError",
    "AccountError",
    "InstrumentFailed",
    "CarvingError",
    "EditConflict",
    "closest",
    "did_you_mean",
]


class MatchcoreError(Exception):
    """Base class of every error matchcore raises for a user's mistake."""


class RecordProblem:
    """One problem in one record: where it is (file, record, field) and what is wrong."""

    __slots__ = ("file", "record", "field", "message")

    def __init__(self, file: str | None, record: str | None, field: str | None, message: str):
        self.file = file
        self.record = record
        self.field = field
        self.message = message

    def __str__(self) -> str:
        where = [p for p in (self.file, self.record) if p]
        head = ": ".join(where) + ": " if where else ""
        return head + (f"{self.field} {self.message}" if self.field else self.message)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"RecordProblem({str(self)!r})"


class ValidationFailed(MatchcoreError):
    """One or more records did not validate; nothing was written."""

    def __init__(self, problems: list[RecordProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotFound(MatchcoreError):
    """A record asked for by id does not exist."""

    def __init__(self, kind: str, record_id: str, suggestion: str | None = None):
        self.kind = kind
        self.record_id = record_id
        msg = f"No such {kind}: {record_id!r}"
        if suggestion:
            msg += f"; did you mean {suggestion!r}?"
        super().__init__(msg)


class DuplicateRecord(MatchcoreError):
    """The same id appears twice in one import."""


class UnknownReference(MatchcoreError):
    """A record refers to another record that does not exist."""


class StoreError(MatchcoreError):
    """The database file cannot be opened or has an unexpected schema."""


class PluginError(MatchcoreError):
    """An instrument plugin is misdeclared or failed."""


class ParameterError(MatchcoreError):
    """A rule parameter file is malformed, or has no value for the date asked."""


class UnknownParameter(PluginError):
    """Plugin code asks for a parameter or reference its parameter files do not define.

    A bug in the plugin (a misspelt name), reported as that plugin's failure; distinct from a
    :class:`ParameterError` for a value missing on a date, which is a gap in the data.
    """


class EscoError(MatchcoreError):
    """An ESCO folder lacks a file or a column."""


class VocabularyError(MatchcoreError):
    """A vocabulary file or change is invalid."""


class AccountError(MatchcoreError):
    """A team account could not be added, changed or removed."""


class InstrumentFailed(PluginError):
    """An instrument raised or returned malformed data while being evaluated."""

    def __init__(self, plugin: str, code: str, method: str, message: str):
        self.plugin, self.code, self.method = plugin, code, method
        super().__init__(f"plugin {plugin!r}, instrument {code}: {method}() {message}; instrument skipped")


class CarvingError(MatchcoreError):
    """A carving option has a value carving cannot work with."""


class EditConflict(MatchcoreError):
    """Someone else saved the record after it was read: nothing of this save was written.

    ``record`` names it ("task t05 of scan haven-2025-03"); ``by`` and ``at`` (ISO time, UTC)
    the latest other change; ``fields`` the fields changed meanwhile as ``(name, their value,
    your value)``; ``action`` is ``changed``, ``removed`` (it is gone) or ``added`` (the id was
    taken meanwhile); a field given as ``(name, their value)`` only is shown without yours. The
    message is one line, so that the CLI prints it as one problem.
    """

    def __init__(self, record: str, *, by: str | None, at: str | None,
                 fields: Iterable[tuple] = (), action: str = "changed"):
        self.record, self.by, self.at, self.action = record, by, at, action
        self.fields = list(fields)
        when = f" at {at.replace('T', ' ')[:16]} UTC" if at else ""
        msg = f"{record} was {action} by {by or 'someone'}{when} after you read it"
        if self.fields:
            msg += ": " + ", ".join(
                f"{f[0]} is now {_shown(f[1])}" + (f" (yours: {_shown(f[2])})" if len(f) > 2 else "")
                for f in self.fields)
        super().__init__(msg + "; nothing of yours was saved")


def _shown(value: object) -> str:
    if value is None or value == [] or value == "":
        return "empty"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return " ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def closest(word: str, choices: Iterable[str] | Mapping[str, str], *, cutoff: float = 70,
            **options) -> str | None:
    """The choice nearest to ``word`` (rapidfuzz ``extractOne``), or None below ``cutoff``.

    ``choices`` may be a mapping ``{name: text to compare}``; the name is returned. Extra
    ``options`` (``scorer``, ``processor``) go to rapidfuzz. The one helper behind every
    "did you mean" of matchcore, so that hints are found the same way everywhere.
    """
    pool = choices if isinstance(choices, Mapping) else list(choices)
    if not pool:
        return None
    hit = process.extractOne(word, pool, score_cutoff=cutoff, **options)
    if hit is None:
        return None
    return hit[2] if isinstance(pool, Mapping) else hit[0]


def did_you_mean(word: str, choices: Iterable[str] | Mapping[str, str], *, cutoff: float = 70,
                 parenthesised: bool = False, **options) -> str:
    """``"; did you mean 'x'?"`` (or ``" (did you mean 'x'?)"``), or ``""`` when nothing is close."""
    hit = closest(word, choices, cutoff=cutoff, **options)
    if hit is None:
        return ""
    return f" (did you mean {hit!r}?)" if parenthesised else f"; did you mean {hit!r}?"
