"""Employment instruments: hook specs, the plugin registry, dated parameters, the Instrument base
and its evaluation.

This package is the API that instrument plugins (built-in ones in ``plugins/`` and third-party
distributions alike) import: ``from matchcore.instruments import Instrument, Check, hookimpl``.
"""
from matchcore.instruments.base import (
    DEFAULT_LEAD_DAYS,
    FULL_TIME_HOURS,
    PERIODS,
    Check,
    Context,
    Cost,
    Duration,
    Instrument,
    InstrumentFailed,
    Note,
    Step,
    Variant,
    brief,
    evaluate,
    evaluate_all,
    money,
)
from matchcore.instruments.hookspecs import hookimpl
from matchcore.instruments.params import ParamValue, Reference, load_parameters

__all__ = [
    "DEFAULT_LEAD_DAYS", "FULL_TIME_HOURS", "PERIODS", "Check", "Context", "Cost", "Duration",
    "Instrument", "InstrumentFailed", "Note", "ParamValue", "Reference", "Step", "Variant", "brief",
    "evaluate", "evaluate_all", "hookimpl", "load_parameters", "money",
]
