"""Employment instruments: hook specs, the plugin registry, dated parameters, the Instrument base
and its evaluation into typed results.

This package is the API that instrument plugins (built-in ones in ``plugins/`` and third-party
distributions alike) import: ``from matchcore.instruments import Instrument, Check, hookimpl``.
Its modules, each importing only those above it in this list:

- ``params``: dated parameter files; ``types``: the context and the answers plugins give;
- ``base``: the :class:`Instrument` base class; ``hookspecs``: the hooks;
- ``registry``: the plugin manager and the validated instruments;
- ``results``, ``checks``, ``costs``: typed results, checks of the answers, cost sums, the
  normal-hire baseline, the net cost and the recommendation order;
- ``evaluate``: :func:`evaluate_all`, :func:`evaluate`, :func:`brief`, :func:`pair_rows`.

Plugins write their texts in English inside ``_()`` (``N_()`` for module-level constants, shown
through ``_()``), re-exported here from :mod:`matchcore.i18n`; a plugin with its own catalogue
registers it with :func:`add_catalogue` (docs/plugins.md). A text from a parameter file (a note,
a description) goes through :func:`local`, which also picks a per-language form
(``note: {nl: ..., en: ...}``); :func:`date_text` writes a date inside an engine text.
"""
from matchcore.errors import InstrumentFailed
from matchcore.i18n import N_, _, add_catalogue, format_money, format_number
from matchcore.instruments.base import DEFAULT_LEAD_DAYS, Instrument
from matchcore.instruments.costs import NORMAL, normal_hire, rank_key, recommended, row_rank_key
from matchcore.instruments.evaluate import brief, evaluate, evaluate_all, pair_rows
from matchcore.instruments.hookspecs import hookimpl
from matchcore.instruments.params import (
    LocalText,
    ParamValue,
    Reference,
    date_text,
    load_parameters,
    local,
    value_text,
)
from matchcore.instruments.registry import get_registry, make_plugin_manager
from matchcore.instruments.results import (
    Baseline,
    CostLine,
    DatedValue,
    DurationLimits,
    DurationLine,
    InstrumentResult,
    NoteLine,
    Reason,
    StepLine,
    VariantCosts,
)
from matchcore.instruments.types import (
    COST_BASES,
    FEASIBILITY,
    FULL_TIME_HOURS,
    PERIODS,
    Check,
    Context,
    Cost,
    Duration,
    NetCost,
    Note,
    Step,
    Variant,
    money,
)

__all__ = [
    "N_", "_", "add_catalogue", "date_text", "format_money", "format_number", "local", "LocalText",
    "value_text",
    "COST_BASES", "DEFAULT_LEAD_DAYS", "FEASIBILITY", "FULL_TIME_HOURS", "NORMAL", "PERIODS", "Baseline", "Check",
    "Context", "Cost", "CostLine", "DatedValue", "Duration", "DurationLimits", "DurationLine", "Instrument",
    "InstrumentFailed", "InstrumentResult", "NetCost", "Note", "NoteLine", "ParamValue", "Reason", "Reference",
    "Step", "StepLine", "Variant", "VariantCosts", "brief", "evaluate", "evaluate_all", "get_registry", "hookimpl",
    "load_parameters", "make_plugin_manager", "money", "normal_hire", "pair_rows", "rank_key", "recommended",
    "row_rank_key",
]
