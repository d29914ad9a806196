"""The hook specifications of matchcore: the contract between matchcore and its plugins.

Only specs live here (as in Datasette's ``hookspecs.py``). A plugin is a module or object with
functions marked ``@hookimpl`` whose names match these specs; it is found through the
``matchcore`` entry-point group. ``docs/plugins.md`` documents every hook with its signature,
and a test fails when a hook here is not documented there.

Implementations may take fewer arguments than the spec (pluggy passes what they name), so a
spec can gain arguments later without breaking plugins. matchcore calls every implementation
of these hooks on its own, so that a plugin that raises or returns malformed data is reported
(naming the plugin) and skipped while the others still run; ``hookwrapper`` implementations
are therefore not supported for them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # the annotations only: hookspecs stays a leaf that any module may import
    from matchcore.instruments.base import Instrument
    from matchcore.instruments.types import Context

__all__ = ["PROJECT", "hookimpl", "hookspec", "prepare_context", "register_instruments"]

PROJECT = "matchcore"  # the pluggy project name and the entry-point group

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_instruments() -> list[Instrument]:
    """Return the employment instruments this plugin adds.

    Called once when the plugin manager is set up; the result is cached for the process.

    Each item must be an instance of a subclass of :class:`matchcore.instruments.base.Instrument`.
    Everything about one instrument lives on that object: its description (``code``,
    ``name``, ``summary``, ``source``), its validity period (``valid_from``, ``valid_until``,
    ``successor``), and the methods ``eligibility(ctx)``, ``costs(ctx)``, ``duration(ctx)``,
    ``steps(ctx)`` and ``notes(ctx)``, most of them reading dated values from the
    instrument's parameter file.

    :return: A list (possibly empty) of Instrument objects. ``None`` counts as an empty list.
        Every implementation is called (this is not a ``firstresult`` hook). A code already
        registered by another plugin is reported and the later registration skipped.
    """


@hookspec
def prepare_context(context: Context) -> None:
    """Adjust the evaluation context in place before any instrument judges it.

    Called for every evaluation (every candidate x function pair), before the instruments'
    ``eligibility``, ``costs`` and ``steps``. Use it to add facts that the records do not hold
    (for instance a road distance from a route planner, or a fact from another system) to
    ``context.facts``, a plain ``dict``. Do not replace the candidate, employer or function.

    matchcore's own implementation runs last (``trylast``) and only fills facts no other
    plugin has set (``setdefault``): a plugin that sets ``context.facts["distance_km"]``
    wins over the default straight-line estimate.

    :param context: The :class:`matchcore.instruments.types.Context` of one evaluation: candidate,
        employer, function, planned ``start``, evaluation date ``on``, ``duration_weeks`` and
        ``facts``.
    :return: Nothing; a returned value is ignored.
    """
