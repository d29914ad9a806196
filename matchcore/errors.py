"""The exceptions matchcore raises: one small class per failure.

The library raises; the CLI prints ``str(error)`` as one line per problem and exits with
status 1. Every message names what failed, the offending value, what was expected and where.
"""
from __future__ import annotations

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
