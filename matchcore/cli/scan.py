"""Quick Scan entry on the command line: the ``scan`` command group.

Entry asks only for what was not given as an option and checks every answer as it is typed
(numbers in range, known roles, complexity 1..5, competences against the vocabulary). Each
accepted change is written to the store at once, so an interrupted session loses nothing but
the task being typed.

Another coach (or the tablet) may change the same scan meanwhile: each command notes the
revisions it read and saves only the fields typed, against them (the store's ``save_task``,
``remove_task``, ``add_role``). A task changed by someone else in between is a conflict: the
error names who changed what, and the command line that enters the change again is printed so
that nothing typed is lost. Adding tasks never conflicts: a task without ``--id`` takes the next
free id when it is saved.
"""
from __future__ import annotations

import datetime as dt

import click

from matchcore.cli.options import DATE, Finite
from matchcore.cli.root import emit_json, get_store, table
from matchcore.cli.scan_prompts import (
    PER,
    STRAINS,
    WHEN,
    changed_fields,
    hours_of,
    next_task_id,
    prompt_role,
    role_command,
    role_from_spec,
    task_command,
    task_fields,
)
from matchcore.cli.scan_prompts import Number, ask_yes_no
from matchcore.errors import EditConflict, MatchcoreError, NotFound, ValidationFailed, closest
from matchcore.i18n import N_, _, format_date, format_number
from matchcore.model import parse_record, task_hours_per_week

__all__ = ["scan"]

BY = "cli"  # who the revisions name for changes made here (the web names its user)
# The scan's codes as a coach reads them (the stored value stays the code).
PER_WORDS = {"shift": N_("shift"), "day": N_("day"), "week": N_("week"), "month": N_("month"), "year": N_("year")}
WHEN_WORDS = {"continuous": N_("continuous"), "morning": N_("morning"), "afternoon": N_("afternoon"),
              "evening": N_("evening"), "night": N_("night"), "on_call": N_("on call")}


def _refused(ctx, exc: MatchcoreError, scan_id: str, kept: str) -> None:
    """A save refused (conflict): the one-line error, then what was typed, as a command to rerun."""
    for line in str(exc).splitlines():
        click.echo(_("error: {message}").format(message=line), err=True)
    click.echo(_("your input is kept here: look at 'matchcore scan show {scan_id}', then to save "
                 "it after all, run: {command}").format(scan_id=scan_id, command=kept), err=True)
    ctx.exit(1)


def _add_role(ctx, store, scan_id: str, role: dict) -> None:
    try:
        store.add_role(scan_id, role, by=BY)
    except EditConflict as exc:
        _refused(ctx, exc, scan_id, role_command(scan_id, role))
    click.echo(_("saved: role {id}").format(id=role["id"]))


def _scan_doc(scan) -> dict:
    return scan.model_dump(mode="json", exclude_defaults=True) | {"kind": "scan"}


# --- scan group ---------------------------------------------------------------------------

@click.group()
def scan():
    """Enter a Quick Scan (task inventory) step by step; every change is saved at once.

    \b
    Example:
        matchcore scan new haven-2025-03 --employer havenbedrijf-noord
        matchcore scan add-task haven-2025-03
        matchcore scan show haven-2025-03
    """


@scan.command("new")
@click.argument("scan_id", required=False)
@click.option("--employer", help="Employer id (must be imported already).")
@click.option("--date", "scan_date", type=DATE, help="Visit date, YYYY-MM-DD.")
@click.option("--consultant", help="Who did the Quick Scan.")
@click.option("--full-time-hours", type=Finite(10, 50), help="Full-time week at this employer [38].")
@click.option("--shifts-per-day", type=click.IntRange(1, 4), help="Shifts a day, for 'per: shift' [1].")
@click.option("--carved-hourly-cost", type=Finite(0, 500),
              help="Employer cost of an hour in a carved function (EUR).")
@click.option("--role", "roles", multiple=True, metavar="ID:TITLE[:COST[:HEADCOUNT]]",
              help="A role observed (repeatable), e.g. dokwerker:Dokwerker:42:60.")
@click.pass_context
def scan_new(ctx, scan_id, employer, scan_date, consultant, full_time_hours, shifts_per_day,
             carved_hourly_cost, roles):
    """Start a new Quick Scan; asks for what is not given, then for the roles observed.

    \b
    Example:
        matchcore scan new haven-2025-03 --employer havenbedrijf-noord --date 2025-03-12 \\
            --role dokwerker:Dokwerker:42:60
    """
    store = get_store(ctx)
    existing = store.ids("scan")
    if scan_id is None:
        scan_id = click.prompt(_("Scan id (e.g. haven-2025-03)"))
    if scan_id in existing:
        raise MatchcoreError(_("scan {id} already exists; add tasks with "
                               "'matchcore scan add-task {id}' or delete it first").format(id=scan_id))
    employers = store.ids("employer")
    if not employers:
        raise MatchcoreError(_("no employers in the database; import the employer first "
                               "(matchcore import profiles/employers/...)"))

    def known_employer(value):
        if value in employers:
            return value
        hint = store.suggest("employer", value)
        raise click.BadParameter(_("no employer {value!r} in the database").format(value=value)
                                 + ("; " + _("did you mean {suggestion!r}?").format(suggestion=hint)
                                    if hint else ""))

    employer = known_employer(employer) if employer else click.prompt(_("Employer id"),
                                                                      value_proc=known_employer)
    interactive = not roles
    if scan_date is None:
        scan_date = (click.prompt(_("Date (YYYY-MM-DD)"), default=dt.date.today().isoformat(),
                                  type=click.DateTime(["%Y-%m-%d"])) if interactive else dt.datetime.now())
    if consultant is None and interactive:
        consultant = click.prompt(_("Consultant"), default="", show_default=False) or None
    if full_time_hours is None:
        full_time_hours = (click.prompt(_("Full-time hours a week"), default=38.0, type=Number(10, 50))
                           if interactive else 38.0)
    if shifts_per_day is None:
        shifts_per_day = (click.prompt(_("Shifts a day"), default=1, type=Number(1, 4, whole=True))
                          if interactive else 1)
    doc = {"kind": "scan", "id": scan_id, "employer": employer, "date": scan_date.date().isoformat(),
           "full_time_hours": full_time_hours, "shifts_per_day": shifts_per_day, "roles": [], "tasks": []}
    if consultant:
        doc["consultant"] = consultant
    if carved_hourly_cost is not None:
        doc["carved_hourly_cost_eur"] = carved_hourly_cost
    new, problems = parse_record(doc)
    if problems:
        raise ValidationFailed(problems)
    store.create_record(new, by=BY)  # another session creating the same id: a conflict
    click.echo(_("saved: scan {id}").format(id=scan_id))
    taken = set()
    for spec in roles:
        role = role_from_spec(spec)
        _add_role(ctx, store, scan_id, role)
        taken.add(role["id"])
    if interactive:
        click.echo(_("Roles observed (Enter on an empty id to finish)."))
        while True:
            role = prompt_role(taken)
            if role is None:
                break
            _add_role(ctx, store, scan_id, role)
            taken.add(role["id"])
    click.echo(_("Next: {command}").format(command=f"matchcore scan add-task {scan_id}"))


@scan.command("add-role")
@click.argument("scan_id")
@click.option("--role", "roles", multiple=True, metavar="ID:TITLE[:COST[:HEADCOUNT]]",
              help="The role (repeatable); asks when not given.")
@click.pass_context
def scan_add_role(ctx, scan_id, roles):
    """Add roles (functions observed) to a scan.

    \b
    Example:
        matchcore scan add-role haven-2025-03 --role kraanman:Kraanman:48:8
    """
    store = get_store(ctx)
    taken = {r.id for r in store.scan(scan_id).roles}
    specs = [role_from_spec(s) for s in roles]
    while True:
        role = specs.pop(0) if specs else (None if roles else prompt_role(taken))
        if role is None:
            return
        if role["id"] in taken:
            raise MatchcoreError(_("scan {scan}: role {role} exists already").format(scan=scan_id, role=role["id"]))
        _add_role(ctx, store, scan_id, role)
        taken.add(role["id"])


TASK_OPTIONS = [
    click.option("--id", "task_id", help="Task id [next free tNN]."),
    click.option("--description", help="What is done; with it, nothing is asked that has a default."),
    click.option("--role", help="Role that does it now."),
    click.option("--times", type=Finite(0.01, 10_000), help="How often ..."),
    click.option("--per", type=click.Choice(PER), help="... per shift, day, week, month or year."),
    click.option("--minutes", type=Finite(0.1, 1440), help="Minutes each time."),
    click.option("--days-per-week", type=Finite(0.1, 7), help="Working days a week [5]."),
    click.option("--hours-per-week", type=Finite(0.01, 10_000),
                 help="Volume directly, instead of times/per/minutes."),
    click.option("--complexity", type=click.IntRange(1, 5), help="1 simple routine .. 5 expert judgement [1]."),
    click.option("--core/--no-core", default=None, help="Core work of the role (never carved)."),
    click.option("--safety-critical/--no-safety-critical", default=None, help="Safety-critical task."),
    click.option("--competence", "competences", multiple=True, help="Competence needed (repeatable)."),
    click.option("--zone", help="Where it happens (kaai, loods, keuken...)."),
    click.option("--when", type=click.Choice(WHEN), help="When in the day [continuous]."),
    click.option("--strain", "strains", multiple=True, type=click.Choice(STRAINS),
                 help="heavy, dirty, isolated, repetitive, outdoor, noisy (repeatable)."),
    click.option("--notes", help="Free notes."),
]


def task_options(f=None, *, with_id: bool = True):
    """Decorate a command with the task field options (edit-task takes the id as argument)."""
    def decorate(f):
        for option in reversed(TASK_OPTIONS if with_id else TASK_OPTIONS[1:]):
            f = option(f)
        return f
    return decorate(f) if f is not None else decorate


@scan.command("add-task")
@click.argument("scan_id")
@task_options
@click.pass_context
def scan_add_task(ctx, scan_id, **opts):
    """Add a task; asks for each field not given, and offers to add another.

    Volume: --times/--per/--minutes (x --days-per-week) or --hours-per-week; matchcore computes
    hours a week. Given --description, only what has no default is asked.

    \b
    Example:
        matchcore scan add-task haven-2025-03 --description "Folie op de kaai sorteren" \\
            --role dokwerker --times 4 --per shift --minutes 20 --competence "afval sorteren"
    """
    store = get_store(ctx)
    interactive = opts.get("description") is None
    while True:
        scan_rec = store.scan(scan_id)
        explicit = opts.get("task_id")
        if explicit and any(t.id == explicit for t in scan_rec.tasks):
            raise MatchcoreError(_("scan {scan}: task {task} exists already; "
                                   "change it with 'matchcore scan edit-task {scan} {task}'")
                                 .format(scan=scan_id, task=explicit))
        if interactive:
            click.echo(_("New task {task} for scan {scan}").format(
                task=explicit or next_task_id(scan_rec), scan=scan_id))
        task = task_fields(opts, scan_rec, None, interactive)
        try:
            # without --id the next free id is taken when saving: two sessions adding tasks
            # at once both land
            saved = store.save_task(scan_id, task, expected_revision=None, auto_id=not explicit, by=BY)
        except EditConflict as exc:
            _refused(ctx, exc, scan_id, task_command("add-task", scan_id, task | {"id": None}))
        if saved.id != task["id"]:
            click.echo(_("({id} was taken meanwhile by another session)").format(id=task["id"]))
        click.echo(_("saved: task {id} ({hours} h/week)").format(
            id=saved.id, hours=format_number(task_hours_per_week(saved, scan_rec.shifts_per_day), 2)))
        if not interactive or not ask_yes_no(_("Add another task?"), default=False):
            return saved
        opts = {k: None for k in opts} | {"competences": (), "strains": ()}


@scan.command("edit-task")
@click.argument("scan_id")
@click.argument("task_id")
@task_options(with_id=False)
@click.pass_context
def scan_edit_task(ctx, scan_id, task_id, **opts):
    """Change a task: the options given, or else every field asked with its value as default.

    \b
    Example:
        matchcore scan edit-task haven-2025-03 t06 --hours-per-week 20
    """
    store = get_store(ctx)
    scan_rec = store.scan(scan_id)  # with the revisions read: the edit is saved against them
    idx = _task_index(scan_rec, task_id)
    read = scan_rec.tasks[idx]
    current = _scan_doc(scan_rec)["tasks"][idx]
    given = any(v not in (None, ()) for v in opts.values())
    task = task_fields(opts, scan_rec, current, interactive=not given)
    task["id"] = task_id
    changed = changed_fields(current, task)
    if not changed:
        click.echo(_("no change: task {id}").format(id=task_id))
        return
    try:
        store.save_task(scan_id, task, expected_revision=read.revision, fields=changed, by=BY)
    except EditConflict as exc:
        _refused(ctx, exc, scan_id, task_command("edit-task", scan_id, task, changed, task_id))
    click.echo(_("saved: task {id} ({hours} h/week; changed {fields})").format(
        id=task_id, hours=format_number(hours_of(task, scan_rec.shifts_per_day), 2), fields=", ".join(changed)))


def _task_index(scan_rec, task_id: str) -> int:
    for i, t in enumerate(scan_rec.tasks):
        if t.id == task_id:
            return i
    raise NotFound(_("task in scan {id}").format(id=scan_rec.id), task_id,
                   closest(task_id, [t.id for t in scan_rec.tasks], cutoff=60))


@scan.command("remove-task")
@click.argument("scan_id")
@click.argument("task_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def scan_remove_task(ctx, scan_id, task_id, yes):
    """Remove a task from a scan.

    \b
    Example:
        matchcore scan remove-task haven-2025-03 t15 --yes
    """
    store = get_store(ctx)
    scan_rec = store.scan(scan_id)
    idx = _task_index(scan_rec, task_id)
    task = scan_rec.tasks[idx]
    if not yes and not ask_yes_no(_("Remove {id}: {description}?").format(id=task_id, description=task.description),
                                  default=False):
        click.echo(_("kept"))
        return
    try:  # not if someone changed it since it was shown
        store.remove_task(scan_id, task_id, expected_revision=task.revision, by=BY)
    except EditConflict as exc:
        _refused(ctx, exc, scan_id, f"matchcore scan remove-task {scan_id} {task_id}")
    click.echo(_("saved: removed task {id}").format(id=task_id))


@scan.command("show")
@click.argument("scan_id")
@click.option("--json", "as_json", is_flag=True, help="The scan as JSON, with hours a week per task.")
@click.pass_context
def scan_show(ctx, scan_id, as_json):
    """Show a scan: roles, tasks with their hours a week, totals.

    \b
    Example:
        matchcore scan show haven-2025-03
    """
    s = get_store(ctx).scan(scan_id)
    hours = {t.id: round(task_hours_per_week(t, s.shifts_per_day), 2) for t in s.tasks}
    if as_json:
        doc = _scan_doc(s)
        for t in doc.get("tasks", []):
            t["hours_per_week_computed"] = hours[t["id"]]
        emit_json(doc)
        return
    click.echo(_("Quick Scan {id}: employer {employer}, {date}").format(
        id=s.id, employer=s.employer, date=format_date(s.date, "short"))
        + (f", {s.consultant}" if s.consultant else "")
        + "; " + _("full time {hours} h, {shifts} shift(s)/day").format(
            hours=format_number(s.full_time_hours), shifts=s.shifts_per_day))
    table([{"role": r.id, "title": r.title, "hourly_cost_eur": r.hourly_cost_eur, "headcount": r.headcount,
            "task_hours": round(sum(hours[t.id] for t in s.tasks if t.role == r.id), 2)} for r in s.roles],
          ["role", "title", "hourly_cost_eur", "headcount", "task_hours"])
    click.echo("")
    rows = []
    for t in s.tasks:
        volume = (_("{hours} h/wk").format(hours=format_number(t.hours_per_week)) if t.hours_per_week is not None
                  else f"{format_number(t.frequency.times)}/{_(PER_WORDS[t.frequency.per])} x "
                  + _("{minutes} min").format(minutes=format_number(t.minutes))
                  + (" x " + _("{days} d").format(days=format_number(t.days_per_week))
                     if t.frequency.per in ("shift", "day") else ""))
        flags = "".join(c for c, on in (("C", t.core), ("S", t.safety_critical)) if on)
        rows.append({"task": t.id, "role": t.role, "description": _cut(t.description, 48), "volume": volume,
                     "h/week": hours[t.id], "cx": t.complexity, "flags": flags, "zone": t.zone,
                     "when": _(WHEN_WORDS[t.when])})
    table(rows, ["task", "role", "description", "volume", "h/week", "cx", "flags", "zone", "when"])
    click.echo("\n" + _("{n} tasks, {hours} h/week (flags: C core, S safety-critical)").format(
        n=len(s.tasks), hours=format_number(sum(hours.values()), 2)))


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
