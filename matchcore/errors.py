"""The exceptions matchcore raises: one small class per failure.

The library raises; the CLI prints ``str(error)`` as one line per problem and exits with
status 1. Every message names what failed, the offending value, what was expected and where.
Messages are in the language in use when they are raised (:mod:`matchcore.i18n`); field names
stay as they are written in the files.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from rapidfuzz import process

from matchcore.i18n import N_, _

# Kinds of records as errors name them (the code stays the English kind).
KINDS = {"candidate": N_("candidate"), "employer": N_("employer"), "function": N_("function"),
         "scan": N_("scan"), "user": N_("user"), "task": N_("task"), "instrument": N_("instrument")}

__all__ = [
    "impossible_date",
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
    "SettingsError",
    "InputNotUnderstood",
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
        msg = _("No such {kind}: {id!r}").format(kind=_(KINDS[kind]) if kind in KINDS else kind, id=record_id)
        if suggestion:
            msg += "; " + _("did you mean {suggestion!r}?").format(suggestion=suggestion)
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
        super().__init__(_("plugin {plugin!r}, instrument {code}: {method}() {message}; instrument skipped")
                         .format(plugin=plugin, code=code, method=method, message=message))


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
        when = " " + _("at {time} UTC").format(time=at.replace("T", " ")[:16]) if at else ""
        texts = {"changed": _("{record} was changed by {by}{when} after you read it"),
                 "removed": _("{record} was removed by {by}{when} after you read it"),
                 "added": _("{record} was added by {by}{when} after you read it")}
        msg = texts.get(action, texts["changed"]).format(record=record, by=by or _("someone"), when=when)
        if self.fields:
            msg += ": " + ", ".join(
                _("{field} is now {value}").format(field=f[0], value=_shown(f[1]))
                + (" " + _("(yours: {value})").format(value=_shown(f[2])) if len(f) > 2 else "")
                for f in self.fields)
        super().__init__(msg + "; " + _("nothing of yours was saved"))


def impossible_date(month: int, day: int) -> str:
    """Why a day/month pair is no date, in the reader's language (Python's own reason, "day is
    out of range for month", is English)."""
    if not 1 <= month <= 12:
        return _("there is no month {month}").format(month=month)
    return _("that month has no day {day}").format(day=day)


def _shown(value: object) -> str:
    if value is None or value == [] or value == "":
        return _("empty")
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
    text = _("did you mean {suggestion!r}?").format(suggestion=hit)
    return f" ({text})" if parenthesised else f"; {text}"


class SettingsError(MatchcoreError):
    """The coach's settings file, or a ``matchcore config set`` key or value, is invalid."""


class NoTrajectory(NotFound):
    """A candidate has no trajectory yet (``matchcore traject phase ID intake`` starts one)."""

    def __init__(self, candidate_id: str):
        MatchcoreError.__init__(self, f"candidate {candidate_id!r} has no trajectory yet; start one with "
                                      f"`matchcore traject phase {candidate_id} intake`")
        self.kind, self.record_id = "trajectory", candidate_id


class TrajectoryError(MatchcoreError):
    """A trajectory command cannot be done as asked (an unknown action, a placement without a
    function, an instrument that is not installed)."""


class InputNotUnderstood(MatchcoreError, ValueError):
    """A typed answer (prompt or web form) is not a value of the field; ``suggestion`` is the
    nearest one (the "did you mean") or None. A ValueError too, so pydantic and click report it."""

    def __init__(self, message: str, suggestion: str | None = None):
        self.suggestion = suggestion
        super().__init__(message)


class CellError(ValueError):
    """A spreadsheet or CSV cell that cannot be read as its field's type (a date that does not
    exist, a fraction 4/0); the message names the value (:mod:`matchcore.model.cells`)."""
