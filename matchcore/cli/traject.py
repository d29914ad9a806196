"""``matchcore traject``: a candidate's doorstroomtraject: phases, the PDP, the placement.

The commands mirror :mod:`matchcore.trajectory` and :mod:`matchcore.store.trajectories`; each
change is one write transaction on the stored trajectory (compare-and-swap on its revision).
Texts go through :mod:`matchcore.i18n`; ``--json`` gives stable English keys.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from matchcore.cli.options import DATE
from matchcore.cli.root import emit_json, get_store
from matchcore.i18n import _, format_date
from matchcore.model.trajectory import AFTERCARE_FORMS, PHASES

__all__ = ["traject"]


def _day(value) -> dt.date | None:
    return value.date() if value is not None else None


def _plain(traj) -> dict:
    """A trajectory as the ``--json`` of ``traject show``: every field, with its revision."""
    doc = traj.model_dump(mode="json")
    doc.pop("kind", None)
    return {"candidate": doc.pop("candidate"), "revision": getattr(traj, "revision", 0),
            "phase": traj.phase, **doc}


def _stores():
    # start-up: the store package (sqlite-utils) and the engines load when a command runs
    from matchcore.store import trajectories

    return trajectories


def _when(value) -> str:
    return format_date(value, "short") if value else "-"


def _echo_actions(actions) -> None:
    if not actions:
        click.echo("  " + _("(no actions)"))
        return
    for a in actions:
        mark = "x" if a.status == "done" else " "
        when = _("recurring: {how}").format(how=a.recurring) if a.due is None and a.recurring else _when(a.due)
        legal = " !" if a.legal else ""
        click.echo(f"  [{mark}] {a.id}  {when:>10}{legal}  {a.what}" + (f"  ({a.who})" if a.who else ""))


def show_text(traj) -> None:
    """The trajectory as the coach reads it."""
    click.echo(_("Trajectory of {candidate}").format(candidate=traj.candidate)
               + (" - " + _("coach {name}").format(name=traj.coach) if traj.coach else ""))
    click.echo(_("phase: {phase}").format(phase=traj.phase or "-"))
    if traj.engagement_date:
        click.echo(_("engagement statement signed on {date}").format(date=format_date(traj.engagement_date)))
    for p in traj.phases:
        click.echo(f"  {_when(p.date):>10}  {p.phase}" + (f"  {p.note}" if p.note else ""))
    if traj.placement:
        pl = traj.placement
        click.echo(_("placement: {function} from {start}, instrument {instrument}, aftercare {form}").format(
            function=pl.function, start=format_date(pl.start), instrument=pl.instrument or "-",
            form=pl.aftercare))
        for r in pl.reminders:
            click.echo("  " + _("reminder: {text}").format(text=r.text) + (f" [{r.source}]" if r.source else ""))
    click.echo(_("actions:"))
    _echo_actions(sorted(traj.actions, key=lambda a: (a.status == "done", a.due is None, a.due or dt.date.max, a.id)))


@click.group()
def traject():
    """A candidate's trajectory: phases, personal plan (PDP), placement and aftercare."""


@traject.command("show")
@click.argument("candidate_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def show(ctx, candidate_id, as_json):
    """Show a candidate's trajectory.

    \b
    Example:
        matchcore traject show K-0042
    """
    traj = _stores().require(get_store(ctx), candidate_id)
    if as_json:
        emit_json(_plain(traj))
    else:
        show_text(traj)


@traject.command("phase")
@click.argument("candidate_id")
@click.argument("phase", type=click.Choice(PHASES))
@click.option("--date", "on", type=DATE, help="Date the phase began [default: today].")
@click.option("--note", help="A short note with the phase.")
@click.option("--coach", help="The candidate's job coach (for `matchcore agenda --coach`).")
@click.option("--engagement", type=DATE, help="Date the engagement statement was signed.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def phase(ctx, candidate_id, phase, on, note, coach, engagement, as_json):
    """Record that a trajectory entered a phase (starts the trajectory when there is none).

    \b
    Example:
        matchcore traject phase K-0042 intake --date 2026-01-05 --coach an
    """
    from matchcore.trajectory import enter_phase  # start-up: engines load when a command runs

    day = _day(on) or dt.date.today()

    def edit(traj):
        enter_phase(traj, phase, day, note=note)
        if coach:
            traj.coach = coach
        if engagement:
            traj.engagement_date = _day(engagement)

    traj = _stores().change(get_store(ctx), candidate_id, edit, by="cli")
    if as_json:
        emit_json(_plain(traj))
    else:
        click.echo(_("{candidate}: phase {phase} from {date}").format(
            candidate=candidate_id, phase=phase, date=format_date(day)))


@traject.command("plan")
@click.argument("candidate_id")
@click.option("--function", "function_id", required=True, help="EMPLOYER/FUNCTION to plan for.")
@click.option("--on", type=DATE, help="Date of the plan [default: today].")
@click.option("--due", type=DATE, help="Due date of the new actions [default: --on + 28 days].")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def plan(ctx, candidate_id, function_id, on, due, as_json):
    """Add PDP actions for a function: training for each missing required competence, an
    action for each exclusion a plan can remove (driving licence, Dutch, transport, commute).

    \b
    Example:
        matchcore traject plan K-0042 --function haven-antwerpen/heftruckchauffeur
    """
    from matchcore.matching.matcher import Matcher  # start-up: engines load when a command runs
    from matchcore.trajectory import add_plan  # start-up

    store = get_store(ctx)
    store.candidate(candidate_id)
    employer, function = store.function(function_id)
    match = Matcher(store).fit().match_pair(candidate_id, function_id, instruments=False)
    day = _day(on) or dt.date.today()
    holder = {}

    def edit(traj):
        holder["result"] = add_plan(traj, match, employer, function, on=day, due=_day(due))

    _stores().change(store, candidate_id, edit, by="cli")
    result = holder["result"]
    if as_json:
        emit_json({"candidate": candidate_id, "function": result.function,
                   "added": [a.model_dump(mode="json") for a in result.added],
                   "kept_exclusions": result.kept_exclusions, "note": result.note})
        return
    click.echo(_("{n} action(s) added for {function}").format(n=len(result.added), function=function_id))
    _echo_actions(result.added)
    for text in result.kept_exclusions:
        click.echo(_("not planned (a limit of the person): {text}").format(text=text))
    if result.note:
        click.echo(_("note: {text}").format(text=result.note))


@traject.group("action")
def action():
    """Add, finish or change PDP actions."""


@action.command("add")
@click.argument("candidate_id")
@click.argument("what")
@click.option("--who", help="Who does it (candidate, coach, employer, ...).")
@click.option("--due", type=DATE, help="Due date.")
@click.option("--note", help="A remark.")
@click.pass_context
def action_add(ctx, candidate_id, what, who, due, note):
    """Add an action of your own to the plan.

    \b
    Example:
        matchcore traject action add K-0042 "CV bijwerken" --who candidate --due 2026-02-01
    """
    from matchcore.model.trajectory import Action, next_action_id  # start-up

    holder = {}

    def edit(traj):
        holder["id"] = next_action_id(a.id for a in traj.actions)
        traj.actions.append(Action(id=holder["id"], what=what, who=who, due=_day(due), note=note,
                                   source="manual"))

    _stores().change(get_store(ctx), candidate_id, edit, by="cli")
    click.echo(_("{candidate}: action {id} added").format(candidate=candidate_id, id=holder["id"]))


@action.command("done")
@click.argument("candidate_id")
@click.argument("action_id")
@click.option("--on", type=DATE, help="Date it was done [default: today].")
@click.pass_context
def action_done(ctx, candidate_id, action_id, on):
    """Mark an action done.

    \b
    Example:
        matchcore traject action done K-0042 a03
    """
    day = _day(on) or dt.date.today()

    def edit(traj):
        found = traj.require_action(action_id)
        found.status, found.done_on = "done", day

    _stores().change(get_store(ctx), candidate_id, edit, by="cli")
    click.echo(_("{candidate}: action {id} done on {date}").format(
        candidate=candidate_id, id=action_id, date=format_date(day)))


@action.command("edit")
@click.argument("candidate_id")
@click.argument("action_id")
@click.option("--what", help="New text.")
@click.option("--who", help="Who does it.")
@click.option("--due", type=DATE, help="New due date.")
@click.option("--note", help="A remark.")
@click.option("--reopen", is_flag=True, help="Set a done action open again.")
@click.pass_context
def action_edit(ctx, candidate_id, action_id, what, who, due, note, reopen):
    """Change an action (only the options given).

    \b
    Example:
        matchcore traject action edit K-0042 a03 --due 2026-03-01 --who coach
    """
    def edit(traj):
        found = traj.require_action(action_id)
        for name, value in (("what", what), ("who", who), ("note", note)):
            if value is not None:
                setattr(found, name, value)
        if due is not None:
            found.due = _day(due)
        if reopen:
            found.status, found.done_on = "open", None

    _stores().change(get_store(ctx), candidate_id, edit, by="cli")
    click.echo(_("{candidate}: action {id} changed").format(candidate=candidate_id, id=action_id))


@traject.command("place")
@click.argument("candidate_id")
@click.option("--function", "function_id", required=True, help="EMPLOYER/FUNCTION the candidate starts in.")
@click.option("--instrument", help="Code of the employment instrument (IBO, TWE, ...), if any.")
@click.option("--start", type=DATE, required=True, help="First working day.")
@click.option("--aftercare", type=click.Choice(AFTERCARE_FORMS), default="zonder", show_default=True,
              help="Form of aftercare (seed 001, 3.5).")
@click.option("--on", type=DATE, help="Evaluation date of the instrument [default: today].")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def place(ctx, candidate_id, function_id, instrument, start, aftercare, on, as_json):
    """Record a placement: the instrument's steps and the aftercare contacts become dated
    actions; the instrument's rules that end a placement are shown as reminders.

    \b
    Example:
        matchcore traject place K-0042 --function haven/heftruck --instrument IBO --start 2026-03-02 --aftercare vrijblijvend
    """
    from matchcore.trajectory import place as run  # start-up: engines load when a command runs

    store = get_store(ctx)
    candidate = store.candidate(candidate_id)
    employer, function = store.function(function_id)
    holder = {}

    def edit(traj):
        holder["result"] = run(traj, candidate, employer, function, start=_day(start), aftercare=aftercare,
                               instrument=instrument, on=_day(on))

    _stores().change(store, candidate_id, edit, by="cli")
    result = holder["result"]
    if as_json:
        emit_json({"candidate": candidate_id, "placement": result.placement.model_dump(mode="json"),
                   "eligible": result.eligible, "not_met": result.reasons,
                   "instrument_actions": [a.model_dump(mode="json") for a in result.instrument_actions],
                   "aftercare_actions": [a.model_dump(mode="json") for a in result.aftercare_actions]})
        return
    pl = result.placement
    click.echo(_("{candidate} placed at {function} from {start}").format(
        candidate=candidate_id, function=pl.function, start=format_date(pl.start)))
    if result.eligible is False:
        click.echo(_("warning: {code} is not possible here: {reasons}").format(
            code=pl.instrument, reasons="; ".join(result.reasons)), err=True)
    if result.instrument_actions:
        click.echo(_("steps of {code}:").format(code=pl.instrument))
        _echo_actions(result.instrument_actions)
    click.echo(_("aftercare ({form}):").format(form=pl.aftercare))
    _echo_actions(result.aftercare_actions)
    for r in pl.reminders:
        click.echo(_("reminder: {text}").format(text=r.text) + (f" [{r.source}]" if r.source else ""))


@traject.command("pdp")
@click.argument("candidate_id")
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False), help="Write the HTML to FILE.")
@click.pass_context
def pdp(ctx, candidate_id, out):
    """The personal doorstroomplan (PDP) as a printable HTML page.

    \b
    Example:
        matchcore traject pdp K-0042 -o pdp-K-0042.html
    """
    from matchcore.reports.pdp import render_pdp  # start-up: Jinja2 loads when a document is made

    store = get_store(ctx)
    html = render_pdp(_stores().require(store, candidate_id), candidate=store.candidate(candidate_id))
    if out:
        Path(out).write_text(html, encoding="utf-8")
        click.echo(_("written to {file}").format(file=out))
    else:
        click.echo(html)
