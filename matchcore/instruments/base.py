"""The Instrument base class that plugins subclass.

An instrument (BIS, IBO, flexijob, ...) is an object registered by a plugin through the
``register_instruments`` hook. It reads its amounts and limits from a dated parameter file
(:mod:`matchcore.instruments.params`) and answers, for one :class:`~matchcore.instruments.types.Context`
(candidate, employer, function, planned start, evaluation date): may this candidate start here
with it (``eligibility``), what does it cost whom (``costs``), how long may it last
(``duration``), and what has to happen by when (``steps``).
:func:`matchcore.instruments.evaluate.evaluate_all` turns the answers into typed results.

Dates. The rules and parameter values applied are those in force on the planned ``start`` (the
law that governs the placement); ``on`` is the day the question is asked: ``start`` defaults to
``on`` + 42 days, and steps due before ``on`` are flagged as overdue.

When the logic itself changes on a date, write a new dated formula beside the old one instead
of an ``if`` on the date (the OpenFisca way): ``eligibility_2017_01_01`` and
``eligibility_2023_01_01`` on one class; the latest one on or before the start date applies.
A misspelt formula name (``eligibility_2023_1_1``, ``costs_2023_02_30``) is refused when the class
is defined, as OpenFisca does, instead of being silently never called.
"""
from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
import sys
from pathlib import Path

from matchcore.errors import ParameterError, PluginError, UnknownParameter
from matchcore.i18n import N_, _
from matchcore.instruments.params import ParameterFile, ParamValue, Reference, date_text, load_parameters
from matchcore.instruments.types import (
    WEEKS_PER_MONTH,
    Check,
    Context,
    Cost,
    Duration,
    NetCost,
    Note,
    Step,
    Variant,
)

__all__ = ["CODE_RE", "DEFAULT_LEAD_DAYS", "FORMULAS", "Instrument"]

DEFAULT_LEAD_DAYS = 42          # default planned start: six weeks after the evaluation date
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
FORMULAS = ("eligibility", "costs", "duration", "steps", "notes")
_FORMULA_RE = re.compile(r"^(eligibility|costs|duration|steps|notes)_(\d{4})_(\d{2})_(\d{2})$")
_LOOKS_DATED = re.compile(r"^(eligibility|costs|duration|steps|notes)_\d")


def _formula_date(name: str) -> dt.date | None:
    """The date of a dated formula's name; None for another name; PluginError for a malformed one."""
    if not _LOOKS_DATED.match(name):
        return None
    m = _FORMULA_RE.match(name)
    try:
        if m:
            return dt.date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        pass
    base = name.split("_", 1)[0]
    raise PluginError(f"dated formula {name!r}: write it {base}_YYYY_MM_DD with a real date (for example "
                      f"{base}_2023_01_01), or it would never be called")


# --- the base class ----------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _module_dir(module_file: str) -> Path:
    # resolved once per module: each instrument resolves its files beside its module, three
    # paths an instrument, and resolving (pathlib, in Python) costs ~0.1 ms (registry start-up)
    return Path(module_file).resolve().parent


class Instrument:
    """Base class of every instrument; subclass it in a plugin and return instances from
    ``register_instruments``.

    Set ``code`` and ``parameters_file`` (a YAML file beside the module), and
    ``shared_parameters_file`` when the file cites a shared one's references or the class reads
    its values with ``self.shared`` (the built-ins: ``shared.yaml``); ``name``, ``summary``,
    ``source``, ``valid_from``, ``valid_until``, ``predecessor`` and ``successor`` are read from
    the file's ``instruments.<code>`` entry unless the class sets them. Override
    ``eligibility``, ``costs``, ``duration``, ``steps`` and ``notes`` (or write dated formulas
    ``eligibility_YYYY_MM_DD`` ...). Read values with ``self.p(name, ctx)``.

    Two things a coach weighs besides the rules (issue 12, ``docs/plugins.md``):

    - ``feasibility`` (``high``, ``medium`` or ``low``) and ``feasibility_reason``: how practical
      the instrument is (TBS: the inspection's and the unions' permission, "in practice very
      hard"). The recommendation ranks by eligibility, then feasibility, then net cost. Override
      :meth:`practical_feasibility` when it depends on the context.
    - ``cost_basis``: how the cost items relate to a normal hire, so that matchcore can state the
      employer's *net* monthly cost on one definition: ``"complete"`` (the items are all the
      employer pays and receives), ``"adjustment"`` (only premiums, reductions or fees on a
      normal hire whose wage the items leave out) or None (derived from the items). Override
      :meth:`net_cost` to state the figure itself.
    """

    code: str = ""
    parameters_file: str | None = None
    shared_parameters_file: str | None = None
    name: str | None = None
    summary: str | None = None
    source: Reference | str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    predecessor: str | None = None
    successor: str | None = None
    validity_reference: Reference | None = None
    validity_unverified: bool = False
    variants: tuple[Variant, ...] = ()
    feasibility: str = "medium"
    feasibility_reason: str = N_("not assessed")   # shown through _()
    cost_basis: str | None = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for name in vars(cls):
            try:
                _formula_date(name)
            except PluginError as exc:
                raise PluginError(f"{cls.__module__}.{cls.__qualname__}: {exc}") from None

    def __init__(self) -> None:
        self.parameters: ParameterFile | None = None
        self.shared_parameters: ParameterFile | None = None
        if self.shared_parameters_file:
            self.shared_parameters = load_parameters(self._path(self.shared_parameters_file))
        if self.parameters_file:
            self.parameters = load_parameters(self._path(self.parameters_file),
                                              self._path(self.shared_parameters_file)
                                              if self.shared_parameters_file else None)
            meta = self.parameters.instruments.get(self.code)
            if meta is not None:
                for attr in ("name", "summary", "source", "valid_from", "valid_until", "predecessor",
                             "successor", "validity_reference"):
                    if getattr(self, attr) is None:
                        setattr(self, attr, getattr(meta, attr))
                self.validity_unverified = self.validity_unverified or meta.validity_unverified
                self.meta_notes = meta.notes
        self.meta_notes = getattr(self, "meta_notes", ())

    def _path(self, name: str) -> Path:
        """``name`` as is when absolute, else beside the module of the instrument's class."""
        path = Path(name)
        if path.is_absolute():
            return path
        return _module_dir(sys.modules[type(self).__module__].__file__) / path

    # values and references ---------------------------------------------------------------
    def p(self, name: str, ctx: Context | dt.date) -> ParamValue:
        """The value of this instrument's parameter ``name`` on the context's start date."""
        when = ctx.start if isinstance(ctx, Context) else ctx
        if self.parameters is None:
            raise UnknownParameter(f"instrument {self.code} has no parameter file (asked for {name!r})")
        return self.parameters.get(name, when)

    def shared(self, name: str, ctx: Context | dt.date) -> ParamValue:
        """A value of the shared parameter file (GGMMI, VAT, ...) on the context's start date."""
        if self.shared_parameters is None:
            raise UnknownParameter(f"instrument {self.code} has no shared_parameters_file (asked for {name!r})")
        return self.shared_parameters.get(name, ctx.start if isinstance(ctx, Context) else ctx)

    def ref(self, key: str) -> Reference:
        """The reference ``key`` of the parameter file, else of the shared one; UnknownParameter otherwise."""
        if self.parameters is not None and key in self.parameters.references:
            return self.parameters.references[key]
        if self.shared_parameters is not None:
            return self.shared_parameters.reference(key)
        if self.parameters is not None:
            return self.parameters.reference(key)
        raise UnknownParameter(f"instrument {self.code} has no parameter file (asked for reference {key!r})")

    def exists_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until)

    # what a plugin overrides -------------------------------------------------------------
    def eligibility(self, ctx: Context) -> list[Check]:
        """The rules applied to this context, one Check each. Default: the dated formula."""
        return self._formula("eligibility", ctx, default=[])

    def costs(self, ctx: Context, variant: str | None = None) -> list[Cost]:
        """Itemised costs (of ``variant`` when the instrument declares variants)."""
        return self._formula("costs", ctx, variant, default=[])

    def duration(self, ctx: Context) -> Duration:
        return self._formula("duration", ctx, default=Duration())

    def steps(self, ctx: Context) -> list[Step]:
        return self._formula("steps", ctx, default=[])

    def notes(self, ctx: Context) -> list[Note]:
        return self._formula("notes", ctx, default=[])

    def days_per_month(self, ctx: Context) -> float:
        """Working days a month that per-day cost items count (default: the function's days a week)."""
        return ctx.days_per_week * WEEKS_PER_MONTH

    def practical_feasibility(self, ctx: Context) -> tuple[str, str]:
        """(level, reason) of how practical the instrument is here. Default: the class attributes."""
        return self.feasibility, self.feasibility_reason

    def net_cost(self, ctx: Context, costs: list[Cost], normal_hire_eur: float | None) -> NetCost | None:
        """The employer's net monthly cost, when the plugin states it; None: matchcore derives it.

        ``costs`` are the items :meth:`costs` returned (of the selected variant);
        ``normal_hire_eur`` is the baseline (gross wage plus employer contributions a month), None
        when the function's wage is unknown.
        """
        return None

    def select_variant(self, ctx: Context) -> tuple[str, Note]:
        """Which variant applies to this context, and why. Default: the first one."""
        first = self.variants[0]
        return first.key, Note(_("variant {key} ({label}) is the default").format(key=repr(first.key),
                                                                                 label=_(first.label)))

    # dated formulas ----------------------------------------------------------------------
    def _formula(self, base: str, ctx: Context, *args, default):
        formulas = []
        for attr in dir(type(self)):
            day = _formula_date(attr)
            if day is not None and attr.startswith(base + "_"):
                formulas.append((day, attr))
        if not formulas:
            return default
        formulas.sort()
        chosen = [attr for day, attr in formulas if day <= ctx.start]
        if not chosen:
            raise ParameterError(
                _("instrument {code}: no {method} rule for {date}; its rules start on {first}").format(
                    code=self.code, method=base, date=date_text(ctx.start), first=date_text(formulas[0][0])))
        method = getattr(self, chosen[-1])
        if base == "costs" and len(inspect.signature(method).parameters) < 2:
            return method(ctx)
        return method(ctx, *args)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"

