"""Dated rule parameters, the OpenFisca way: values keyed by valid-from date, each with its source.

Each instrument plugin keeps its amounts and limits in a YAML file beside its module, so a rate
change is a data edit. The format (documented in ``docs/plugins.md``)::

    instruments:                      # metadata of the instrument(s) the module registers
      BIS:
        name: beroepsinlevingsstage
        summary: Paid training placement of at most 6 months; no hiring obligation.
        source: bisfaq                # a key of `references` (here or in shared.yaml)
        valid_from: 2018-09-01
        valid_until: null             # first day it no longer exists, or null
        predecessor: BIO
        successor: null
    references:
      bisfaq: {title: "VDAB - BIS, FAQ for employers", url: "https://werkgevers.vdab.be/werkgevers/bis/faq"}
    parameters:
      max_duration_weeks:
        description: Longest BIS VDAB approves.
        unit: weeks
        values:
          2018-09-01: {value: 26, reference: bisfaq, last_verified: 2026-11-23}

A value may carry ``unverified: true`` (the output then flags it) and a ``note``; ``value: null``
means the parameter stops applying from that date.

Indexation as data. A parameter that follows an index (the GGMMI, IBO thresholds, flexi minimum
wage) says so with ``indexed: <what, in a few words>``. When the date asked lies beyond the last
verified value (after its valid-from date, or after the value's ``checked_until`` date when a gap
follows it), the value found carries :attr:`ParamValue.indexation_note`, one Dutch line for the
coach: ``"GGMMI: bedrag van 2025-02-01; later indexering niet nagekeken"``.

Disputed rules. A value may list ``alternatives``: unverified values that a source claims instead
(``{from: <date>, value: ..., reference: ..., note: ...}``; ``from`` defaults to the value's own
date). They are *not* applied: the value found stays the listed one, but from an alternative's
date on it is flagged unverified, its note names the alternative, and
:attr:`ParamValue.alternatives` holds it, so a plugin can say what the alternative would change. The loader refuses duplicate keys, bad dates,
unknown keys and references that do not resolve; asking for a date before the first value is a
:class:`~matchcore.errors.ParameterError` that says which date the values start on (a gap in the
data), asking for a name the file does not define an :class:`~matchcore.errors.UnknownParameter`
(a bug in the plugin).

Texts for people. ``description`` (of a parameter), ``note`` (of a value or an alternative) and
the instrument's ``notes`` are written in English and shown through the catalogue (``tools/i18n.py``
extracts them), or given per language by a third-party plugin that ships no catalogue:
``note: {nl: "...", en: "..."}`` (a :class:`LocalText`; :func:`local` picks the form of the
language in use, else the English one through the catalogue).

A file may cite the references of a shared file (``load_parameters(path, shared=...)``): the
built-in plugins pass their ``shared.yaml`` (GGMMI, VAT, the seeds); matchcore itself knows no
plugin folder.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

from matchcore.errors import ParameterError, UnknownParameter, did_you_mean
from matchcore.i18n import LANGUAGES, _, format_number, get_language
from matchcore.instruments import _filesig, _yamlcache
from matchcore.instruments._dates import long_date

__all__ = [
    "Alternative",
    "InstrumentMeta",
    "LocalText",
    "ParamValue",
    "Parameter",
    "ParameterFile",
    "Reference",
    "date_text",
    "load_parameters",
    "value_text",
    "local",
    "parse_parameters",
]

TOP_KEYS = {"instruments", "references", "parameters"}
META_KEYS = {"name", "summary", "source", "valid_from", "valid_until", "predecessor", "successor",
             "validity_reference", "validity_unverified", "notes"}
REFERENCE_KEYS = {"title", "url", "seed"}
PARAMETER_KEYS = {"description", "unit", "values", "reference", "indexed"}
VALUE_KEYS = {"value", "reference", "last_verified", "unverified", "note", "checked_until", "alternatives"}
ALTERNATIVE_KEYS = {"from", "value", "reference", "note"}


class LocalText(str):
    """A text of a parameter file given per language (``{nl: ..., en: ...}``); as a str it is the
    English form (else the first one given), the form :func:`local` falls back on."""

    forms: dict[str, str]

    def __new__(cls, forms: dict[str, str]):
        self = super().__new__(cls, forms.get("en") or next(iter(forms.values())))
        self.forms = dict(forms)
        return self


def local(text: str | None) -> str | None:
    """A text for people in the language in use: a :class:`LocalText`'s own form of that language,
    else the text through the catalogue (``_()``)."""
    if not text:
        return text
    if isinstance(text, LocalText):
        own = text.forms.get(get_language())
        if own:
            return own
    return _(str(text))


def value_text(value: Any) -> str:
    """A parameter's value inside an engine text: a number in the reader's format (``2.147,59`` in
    Dutch), other values as written; in English as written (the English texts cite it so)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and get_language() != "en":
        return format_number(value)
    return repr(value)


def date_text(day: dt.date | None) -> str:
    """A date inside an engine text: ``1 december 2026`` in Dutch; in English the ISO form the
    message ids were written with (the English texts, their tests and docs cite it)."""
    if day is None:
        return ""
    lang = get_language()
    return day.isoformat() if lang == "en" else long_date(day, lang)


@dataclass(frozen=True)
class Reference:
    """Where a value or rule comes from: a public page (``url``) or a seed file (``seed``)."""

    key: str
    title: str
    url: str | None = None
    seed: str | None = None

    def cite(self) -> str:
        where = self.url or (f"seed {self.seed}" if self.seed else "")
        return f"{self.key}: {self.title}" + (f" <{where}>" if where else "")


@dataclass(frozen=True)
class Alternative:
    """An unverified value a source claims instead of the listed one, from ``valid_from`` on."""

    value: Any
    valid_from: dt.date
    reference: Reference
    note: str | None = None

    def describe(self) -> str:
        """The alternative in the language in use (its value as written in the file)."""
        if isinstance(self.value, (dict, list, tuple)) and self.note:
            # a structured value (flexijob's sectors) reads as Python to a coach: its note says it
            text = _("from {date} possibly otherwise [{reference}]").format(
                date=date_text(self.valid_from), reference=self.reference.key)
        else:
            text = _("from {date} possibly {value} [{reference}]").format(
                date=date_text(self.valid_from), value=value_text(self.value), reference=self.reference.key)
        return text + (f": {local(self.note)}" if self.note else "")


@dataclass(frozen=True)
class ParamValue:
    """One dated value of one parameter, as found for a date."""

    name: str
    value: Any
    valid_from: dt.date
    reference: Reference
    last_verified: dt.date
    unverified: bool = False
    note: str | None = None
    file: str = ""
    checked_until: dt.date | None = None
    # all alternatives listed with the value; those in force on a date are in `alternatives`
    listed_alternatives: tuple[Alternative, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    # set by Parameter.at(): the date asked lies beyond the last verified value of an indexed parameter
    indexation_note: str | None = None

    def as_dict(self) -> dict:
        return {"parameter": self.name, "value": self.value, "valid_from": self.valid_from.isoformat(),
                "source": self.reference.cite(), "last_verified": self.last_verified.isoformat(),
                "unverified": self.unverified, **({"note": local(self.note)} if self.note else {}),
                **({"alternatives": [a.describe() for a in self.alternatives]} if self.alternatives else {}),
                **({"indexation_note": self.indexation_note} if self.indexation_note else {})}


@dataclass
class Parameter:
    """A named parameter: its dated values, oldest first."""

    name: str
    description: str
    unit: str | None
    values: list[ParamValue]
    file: str
    indexed: str | None = None

    def at(self, on: dt.date) -> ParamValue:
        """The value in force on ``on``; ParameterError before the first value or after an end.

        The value found carries the alternatives in force on ``on`` (flagged unverified) and, for
        an indexed parameter asked beyond its last verified value, the indexation note.
        """
        found = self._listed_at(on)
        active = tuple(a for a in found.listed_alternatives if a.valid_from <= on)
        note = self._indexation_note(found, on)
        if not active and note is None:
            return found
        text = found.note
        if active:
            text = "; ".join([*([local(found.note)] if found.note else []),
                              _("disputed: {alternatives}").format(
                                  alternatives="; ".join(a.describe() for a in active))])
        return replace(found, alternatives=active, unverified=found.unverified or bool(active), note=text,
                       indexation_note=note)

    def _indexation_note(self, found: ParamValue, on: dt.date) -> str | None:
        """The line a coach reads when ``on`` lies beyond the last value known of an indexed parameter:
        after the newest value's date, or after ``checked_until`` when the table has a gap after it."""
        if not self.indexed:
            return None
        newest = found is self.values[-1]
        limit = found.checked_until or (found.valid_from if newest else None)
        if limit is None or on <= limit:
            return None
        return (f"{self.indexed}: bedrag van {found.valid_from.isoformat()}"
                f"{' (niet geverifieerd)' if found.unverified else ''}; later indexering niet nagekeken")

    def _listed_at(self, on: dt.date) -> ParamValue:
        found = None
        for v in self.values:
            if v.valid_from <= on:
                found = v
            else:
                break
        if found is None:
            raise ParameterError(
                _("{file}: parameter {name} has no value for {date}: its values start on {first}; add "
                  "an older dated value if the rule existed then").format(
                    file=self.file, name=repr(self.name), date=date_text(on),
                    first=date_text(self.values[0].valid_from)))
        if found.value is None:
            raise ParameterError(
                _("{file}: parameter {name} has no value for {date}: it stopped applying on {end} "
                  "({reference})").format(file=self.file, name=repr(self.name), date=date_text(on),
                                          end=date_text(found.valid_from), reference=found.reference.key))
        return found


@dataclass(frozen=True)
class InstrumentMeta:
    """The ``instruments:`` entry of a parameter file: what an instrument is and when it existed."""

    code: str
    name: str
    summary: str
    source: Reference
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    predecessor: str | None = None
    successor: str | None = None
    validity_reference: Reference | None = None
    validity_unverified: bool = False
    notes: tuple[str, ...] = ()


@dataclass
class ParameterFile:
    """A parsed parameter file: instrument metadata, references and parameters."""

    path: Path
    instruments: dict[str, InstrumentMeta] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)

    def get(self, name: str, on: dt.date) -> ParamValue:
        """The value of parameter ``name`` in force on ``on``."""
        try:
            param = self.parameters[name]
        except KeyError:
            raise UnknownParameter(f"{self.path}: no parameter {name!r}{_suggest(name, self.parameters)}") from None
        return param.at(on)

    __call__ = get

    def reference(self, key: str) -> Reference:
        if key in self.references:
            return self.references[key]
        raise UnknownParameter(f"{self.path}: no reference {key!r}{_suggest(key, self.references)}")


def _suggest(name: str, choices) -> str:
    return did_you_mean(name, list(choices))


# --- loading -----------------------------------------------------------------------------

def _read_yaml(path: Path) -> Any:
    try:
        # start-up: the content comes from a compiled cache while the file's bytes are unchanged
        return _yamlcache.cached_load(path, partial(_parse_yaml, path))
    except FileNotFoundError:
        raise ParameterError(f"{path}: parameter file not found") from None


def _parse_yaml(path: Path, fh) -> Any:
    import yaml  # start-up: only when the cache has no entry for the file

    from matchcore.yamlfiles import UniqueKeyLoader  # start-up: with PyYAML

    try:
        return yaml.load(fh, Loader=UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParameterError(f"{path}{where}: not valid YAML: {problem}") from None


def _date(value: Any, where: str, *, allow_none: bool = False) -> dt.date | None:
    if value is None and allow_none:
        return None
    if isinstance(value, dt.datetime):
        raise ParameterError(f"{where} must be a date written YYYY-MM-DD without a time, got {value!r}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError(f"{where} must be a date written YYYY-MM-DD, got {value!r}")


def _mapping(value: Any, where: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise ParameterError(f"{where} must be a mapping, got {type(value).__name__}")
    for key in value:
        if key not in allowed:
            raise ParameterError(
                f"{where}: unknown key {key!r}{_suggest(str(key), allowed)} "
                f"(allowed: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in value or value[key] in (None, ""):
            raise ParameterError(f"{where}: {key!r} is required")
    return value


def _text(value: Any, where: str, *, forms: bool = False) -> str:
    """A non-empty text, its whitespace collapsed (as tools/i18n.py extracts it); with ``forms``
    also one per language, ``{nl: ..., en: ...}`` (a :class:`LocalText`)."""
    if forms and isinstance(value, dict):
        unknown = [k for k in value if k not in LANGUAGES]
        if unknown or not value:
            raise ParameterError(f"{where}: a text per language takes the keys {', '.join(LANGUAGES)}, "
                                 f"got {', '.join(map(str, unknown)) or 'none'}")
        return LocalText({k: _text(v, f"{where}.{k}") for k, v in value.items()})
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"{where} must be a non-empty text, got {value!r}")
    return " ".join(value.split())


def _alternatives(raw: Any, when: dt.date, where: str, resolve) -> tuple[Alternative, ...]:
    """The ``alternatives`` list of one value (see the module docstring)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise ParameterError(f"{where}.alternatives must be a non-empty list of mappings")
    out = []
    for i, alt in enumerate(raw):
        awhere = f"{where}.alternatives[{i}]"
        alt = _mapping(alt, awhere, ALTERNATIVE_KEYS, ("reference",))
        if "value" not in alt:
            raise ParameterError(f"{awhere}: 'value' is required")
        since = _date(alt.get("from", when), f"{awhere}.from")
        if since < when:
            raise ParameterError(f"{awhere}.from {since} must not be before the value's date {when}")
        out.append(Alternative(alt["value"], since, resolve(alt["reference"], f"{awhere}.reference"),
                               _text(alt["note"], f"{awhere}.note", forms=True) if alt.get("note") is not None
                               else None))
    return tuple(sorted(out, key=lambda a: a.valid_from))


def parse_parameters(raw: Any, path: Path, shared: ParameterFile | None = None) -> ParameterFile:
    """Validate the raw content of a parameter file (see the module docstring)."""
    name = str(path)
    top = _mapping(raw if raw is not None else {}, name, TOP_KEYS)
    result = ParameterFile(path=path)

    for key, ref in (top.get("references") or {}).items():
        where = f"{name}: references.{key}"
        ref = _mapping(ref, where, REFERENCE_KEYS, ("title",))
        if not ref.get("url") and not ref.get("seed"):
            raise ParameterError(f"{where}: give 'url' or 'seed' (where the value can be checked)")
        result.references[str(key)] = Reference(str(key), _text(ref["title"], f"{where}.title"),
                                                ref.get("url"), ref.get("seed"))

    def resolve(key: Any, where: str) -> Reference:
        if isinstance(key, str) and key in result.references:
            return result.references[key]
        if isinstance(key, str) and shared is not None and key in shared.references:
            return shared.references[key]
        known = list(result.references) + (list(shared.references) if shared else [])
        raise ParameterError(f"{where}: reference {key!r} is not defined under 'references'"
                             f"{_suggest(str(key), known) if isinstance(key, str) else ''}")

    for code, meta in (top.get("instruments") or {}).items():
        where = f"{name}: instruments.{code}"
        meta = _mapping(meta, where, META_KEYS, ("name", "summary", "source"))
        valid_from = _date(meta.get("valid_from"), f"{where}.valid_from", allow_none=True)
        valid_until = _date(meta.get("valid_until"), f"{where}.valid_until", allow_none=True)
        if valid_from and valid_until and valid_until <= valid_from:
            raise ParameterError(f"{where}: valid_until {valid_until} must be after valid_from {valid_from}")
        notes = meta.get("notes") or []
        if not isinstance(notes, list):
            raise ParameterError(f"{where}.notes must be a list of texts")
        result.instruments[str(code)] = InstrumentMeta(
            code=str(code), name=_text(meta["name"], f"{where}.name"),
            summary=_text(meta["summary"], f"{where}.summary"),
            source=resolve(meta["source"], f"{where}.source"),
            valid_from=valid_from, valid_until=valid_until,
            predecessor=meta.get("predecessor"), successor=meta.get("successor"),
            validity_reference=(resolve(meta["validity_reference"], f"{where}.validity_reference")
                                if meta.get("validity_reference") else None),
            validity_unverified=bool(meta.get("validity_unverified", False)),
            notes=tuple(_text(n, f"{where}.notes", forms=True) for n in notes),
        )

    for pname, spec in (top.get("parameters") or {}).items():
        where = f"{name}: parameters.{pname}"
        spec = _mapping(spec, where, PARAMETER_KEYS, ("description", "values"))
        values_raw = spec["values"]
        if not isinstance(values_raw, dict) or not values_raw:
            raise ParameterError(f"{where}.values must be a mapping of valid-from dates to values")
        values = []
        for key, entry in values_raw.items():
            when = _date(key, f"{where}.values: key")
            vwhere = f"{where}.values.{when.isoformat()}"
            entry = _mapping(entry, vwhere, VALUE_KEYS, ("last_verified",))
            if "value" not in entry:
                raise ParameterError(f"{vwhere}: 'value' is required (null ends the parameter)")
            ref_key = entry.get("reference", spec.get("reference"))
            if ref_key is None:
                raise ParameterError(f"{vwhere}: 'reference' is required (here or on the parameter)")
            unverified = entry.get("unverified", False)
            if not isinstance(unverified, bool):
                raise ParameterError(f"{vwhere}.unverified must be true or false, got {unverified!r}")
            checked = _date(entry.get("checked_until"), f"{vwhere}.checked_until", allow_none=True)
            if checked is not None and checked < when:
                raise ParameterError(f"{vwhere}.checked_until {checked} must not be before the value's date")
            values.append(ParamValue(
                name=str(pname), value=entry["value"], valid_from=when,
                reference=resolve(ref_key, f"{vwhere}.reference"),
                last_verified=_date(entry["last_verified"], f"{vwhere}.last_verified"),
                unverified=unverified, file=name, checked_until=checked,
                note=_text(entry["note"], f"{vwhere}.note", forms=True) if entry.get("note") is not None else None,
                listed_alternatives=_alternatives(entry.get("alternatives"), when, vwhere, resolve)))
        values.sort(key=lambda v: v.valid_from)
        result.parameters[str(pname)] = Parameter(
            name=str(pname), description=_text(spec["description"], f"{where}.description", forms=True),
            unit=spec.get("unit"), values=values, file=name,
            indexed=_text(spec["indexed"], f"{where}.indexed") if spec.get("indexed") is not None else None)
    return result


@cache
def _load_cached(path: str, mtime_ns: int, shared: str | None, shared_mtime_ns: int) -> ParameterFile:
    p = Path(path)
    return parse_parameters(_read_yaml(p), p, load_parameters(shared) if shared else None)


def load_parameters(path: str | Path, shared: str | Path | None = None) -> ParameterFile:
    """Load and validate a parameter file (cached until the file, or its shared file, changes).

    Parameters
    ----------
    path : the parameter file.
    shared : a parameter file whose references ``path`` may cite without repeating them (the
        built-ins' ``shared.yaml`` holds the seeds, the rules sheet, GGMMI's sources), so a plugin
        file can cite ``S-000`` directly. It is loaded on its own, without a shared file.
    """
    # the same files as last time: the same arguments, without resolving the paths again
    return _load_cached(*_filesig.arguments(path, shared))
