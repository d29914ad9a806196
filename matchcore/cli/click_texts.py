"""click's own texts ("Usage:", "Show this message and exit.", "Missing argument") in the chosen
language, and the help of matchcore's commands translated when shown.

click marks its texts with the standard library's ``gettext`` in the global domain, which
matchcore does not use (its language is a context variable, see :mod:`matchcore.i18n`).
:func:`install` points click's modules at matchcore's ``_`` and ``ngettext`` instead, so the
texts listed here come out of matchcore's catalogue; a click text not listed stays English.

Help texts are written in English in the code (docstrings and ``help=``) and extracted by
``tools/i18n.py``; :func:`translate_command` replaces them on the command objects, in place,
with the text of the current language just before click shows them (the originals are kept, so
the next command in the same process can ask for another language).
"""
from __future__ import annotations

import inspect

import click

from matchcore.i18n import N_, _, get_language, ngettext

__all__ = ["install", "translate_command", "CLICK_TEXTS"]

# The click texts a coach meets; the extraction of tools/i18n.py picks them up from here.
CLICK_TEXTS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Positional arguments"),
    N_("Show this message and exit."), N_("Show the version and exit."),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"), N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Missing command."), N_("Aborted!"), N_("default: {default}"), N_("env var: {var}"),
    N_("required"), N_("Do you want to continue?"), N_("Repeat for confirmation"),
    N_("Error: invalid input"), N_("Error: The two entered values do not match."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("file"), N_("directory"), N_("path"),
    N_("Choose from:\n\t{choices}"),
)
# The usage line's placeholders ("Usage: matchcore [OPTIONS] COMMAND [ARGS]...").
METAVARS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))
_installed = False


def _plural_marks() -> None:  # pragma: no cover - only read by the extraction
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)


def install() -> None:
    """Route click's texts through matchcore's catalogue (once per process)."""
    global _installed
    if _installed:
        return
    # start-up: these click modules are loaded by click itself anyway
    from click import core, decorators, exceptions, formatting, termui, types

    for module in (core, decorators, exceptions, formatting, termui, types):
        if hasattr(module, "_"):
            module._ = _
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    _installed = True


def _clean(text: str | None) -> str | None:
    return inspect.cleandoc(text).partition("\f")[0].strip() if text else text


def translate_command(command: click.Command) -> click.Command:
    """Put ``command``'s help (and its options' and subcommands') in the current language."""
    lang = get_language()
    if command.__dict__.get("_mc_lang") == lang:
        return command
    originals = command.__dict__.setdefault(
        "_mc_help", {"help": _clean(command.help), "short_help": _clean(command.short_help),
                     "epilog": _clean(command.epilog)})
    for attr, text in originals.items():
        setattr(command, attr, _(text) if text else text)
    metavars = command.__dict__.setdefault(
        "_mc_metavars", {"options_metavar": command.options_metavar,
                         "subcommand_metavar": getattr(command, "subcommand_metavar", None)})
    for attr, text in metavars.items():
        if text in METAVARS:
            setattr(command, attr, _(text))
    if hasattr(command, "_help_option"):
        command._help_option = None  # click builds --help (and its text) once per command: anew
    for param in command.params:
        original = param.__dict__.setdefault("_mc_help", getattr(param, "help", None))
        if original:
            param.help = _(original)
    command._mc_lang = lang
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_command(sub)
    return command
