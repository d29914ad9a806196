"""``matchcore agenda``: what is due on or before a day, for one coach or the whole team.

Mirrors :func:`matchcore.trajectory.agenda.agenda`: open PDP actions, instrument steps and
aftercare contacts of the trajectories, and feedback calls promised in the contact log; overdue
items flagged, in a fixed order (date, kind, candidate, reference).
"""
from __future__ import annotations

import datetime as dt

import click

from matchcore.cli.options import DATE
from matchcore.cli.root import emit_json, get_store
from matchcore.i18n import N_, _, format_date, ngettext

__all__ = ["agenda"]

KIND_LABELS = {"action": N_("action"), "instrument_step": N_("instrument step"),
               "aftercare": N_("aftercare"), "feedback_call": N_("feedback call")}


@click.command("agenda")
@click.option("--on", type=DATE, help="Show what is due on or before this date [default: today].")
@click.option("--coach", help="Only this coach's candidates, actions and calls.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def agenda(ctx, on, coach, as_json):
    """What is due: PDP actions, instrument steps, aftercare contacts, feedback calls.

    \b
    Example:
        matchcore agenda --on 2026-03-31 --coach an
    """
    from matchcore.trajectory.agenda import agenda as run  # start-up: engines load when a command runs

    day = on.date() if on is not None else dt.date.today()
    result = run(get_store(ctx), on=day, coach=coach)
    if as_json:
        emit_json(result)
        return
    click.echo(_("Agenda up to {date}").format(date=format_date(result.on))
               + (" - " + _("coach {name}").format(name=coach) if coach else ""))
    if not result.items:
        click.echo(_("nothing due"))
        return
    for item in result.items:
        flag = _("OVERDUE") if item.overdue else ""
        click.echo(f"{format_date(item.due, 'short')}  {flag:8} {_(KIND_LABELS[item.kind]):16} "
                   f"{item.candidate or '-':10} {item.ref:10} {item.what}" + (f"  ({item.who})" if item.who else ""))
    click.echo(ngettext("{n} item, {overdue} overdue", "{n} items, {overdue} overdue", len(result.items)).format(
        n=len(result.items), overdue=result.overdue_count))
