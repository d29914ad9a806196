"""``matchcore config``: the coach's own settings (name, organisation, phone, e-mail, language).

The call sheet and the advice introduce the coach with these; ``lang`` is the language of texts
when neither ``--lang`` nor MATCHCORE_LANG says otherwise. See :mod:`matchcore.settings`.
"""
from __future__ import annotations

import click

from matchcore.i18n import _
from matchcore.settings import KEYS, config_path, get_setting, load_settings, save_setting

__all__ = ["config"]


@click.group()
def config():
    """Your settings as a coach: name, organisation, phone, e-mail and language.

    \b
    Example:
        matchcore config set coach.name "An Peeters"
        matchcore config set coach.organisation "Werkwinkel Gent"
        matchcore config show
    """


@config.command(name="set")
@click.argument("key", metavar="KEY")
@click.argument("value", metavar="VALUE")
def set_(key, value):
    """Set KEY (coach.name, coach.organisation, coach.phone, coach.email, lang) to VALUE.

    An empty VALUE ("") clears the setting.

    \b
    Example:
        matchcore config set coach.email an.peeters@werkwinkel.be
    """
    save_setting(key, value)
    click.echo(_("{key} saved in {path}").format(key=key, path=config_path()))


@config.command(name="get")
@click.argument("key", metavar="KEY")
def get(key):
    """Print the value of KEY (empty when not set).

    \b
    Example:
        matchcore config get coach.name
    """
    click.echo(get_setting(key))


@config.command(name="show")
def show():
    """Show every setting, and the file they are kept in.

    \b
    Example:
        matchcore config show
    """
    settings = load_settings()
    click.echo(_("Settings file: {path}").format(path=config_path()))
    width = max(len(k) for k in KEYS)
    for key, meaning in KEYS.items():
        value = get_setting(key, settings) or _("(not set)")
        click.echo(f"  {key.ljust(width)}  {value}    # {_(meaning)}")
