"""Job carving on the command line: ``carve`` and ``advice`` (the ``scan`` group that enters a
Quick Scan is :mod:`matchcore.cli.scan`)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from matchcore.cli.root import emit_json, get_store, table
from matchcore.cli.options import Finite
from matchcore.cli.scan import scan
from matchcore.errors import NotFound, RecordProblem, ValidationFailed
from matchcore.i18n import _, format_date, format_money, format_number, get_language, use_language

__all__ = ["advice", "carve", "demo_step", "print_carving", "scan"]


# --- carve and advice ------------------------------------------------------------------------

CARVE_OPTIONS = [
    click.option("--max-complexity", type=click.IntRange(1, 5), help="Carve tasks up to this complexity [2]."),
    click.option("--min-hours", type=Finite(0, 50), help="Minimum hours a week of a function [full time / 3]."),
    click.option("--full-time-hours", type=Finite(10, 50), help="Full-time week [the scan's]."),
    click.option("--exclude-role", "exclude_roles", multiple=True, help="Leave this role's tasks alone (repeatable)."),
    click.option("--exclude-zone", "exclude_zones", multiple=True, help="Leave this zone's tasks alone (repeatable)."),
    click.option("--allow-safety-critical", is_flag=True, default=None, help="Carve safety-critical tasks too."),
    click.option("--carved-hourly-cost", "carved_hourly_cost_eur", type=Finite(0, 500),
                 help="Employer cost of an hour in a carved function, EUR [the scan's, else 25]."),
    click.option("--weeks-per-year", type=Finite(1, 52), help="Weeks worked a year [46]."),
    click.option("--resolution", type=Finite(0.01, 10), help="Lower: broader functions; higher: narrower [0.3]."),
    click.option("--top", "top_candidates", type=click.IntRange(0, 100), help="Candidates per function [5]."),
    click.option("--no-candidates", is_flag=True, help="Do not rank candidates."),
    click.option("--title", "titles", multiple=True, metavar="ID=TITLE",
                 help='Title of a carved function: F1="Medewerker kantine" or a task id (t05=...); repeatable.'),
    click.option("--min-score", "min_candidate_score", type=Finite(0, 1),
                 help="Propose only candidates scoring at least this [0.3]."),
    click.option("--positions", type=click.Choice(["equal", "full-time-first"]),
                 help="Split a function's hours over positions in equal parts, or full-time "
                      "positions plus one part-time rest [equal]."),
]


def carve_options(f):
    for option in reversed(CARVE_OPTIONS):
        f = option(f)
    return f


def _carve(store, scan_id: str, opts: dict) -> tuple:
    # start-up: the carving engine (numpy, networkx, the matcher) loads when a carving runs
    from matchcore.carving import CarveOptions, carve as carve_scan

    no_candidates = opts.pop("no_candidates", False)
    for key in ("exclude_roles", "exclude_zones"):
        opts[key] = tuple(opts[key]) or None
    titles = []
    for given in opts.pop("titles", ()) or ():
        key, sep, title = given.partition("=")
        if not sep or not key.strip() or not title.strip():
            raise ValidationFailed([RecordProblem(None, None, "--title", _(
                "must be ID=TITLE (F1=\"Medewerker kantine\"), got {value!r}").format(value=given))])
        titles.append((key.strip(), title.strip().strip('"')))
    if titles:
        opts["titles"] = tuple(titles)
    if opts.get("positions"):
        opts["positions"] = opts["positions"].replace("-", "_")
    s = store.scan(scan_id)
    options = CarveOptions.for_scan(s, **opts)
    return s, carve_scan(s, options=options, store=store, candidates=not no_candidates)


@click.command()
@click.argument("scan_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (FORMATS.md).")
@carve_options
@click.pass_context
def carve(ctx, scan_id, as_json, **opts):
    """Carve a Quick Scan into new functions, with business case and candidates.

    \b
    Example:
        matchcore carve haven-2025-03
        matchcore carve haven-2025-03 --max-complexity 3 --exclude-zone kantine --json
    """
    _, result = _carve(get_store(ctx), scan_id, opts)
    if as_json:
        emit_json(result)
    else:
        print_carving(result)


def print_carving(result) -> None:
    """The human view of a :class:`~matchcore.carving.CarvingResult`, in the chosen language."""
    t = result.totals
    click.echo(_("Carving of Quick Scan {scan} ({employer}): {functions} function(s), {positions} "
                 "position(s), {carved} of {total} h/week").format(
        scan=result.scan, employer=result.employer_name or result.employer,
        functions=len(result.functions), positions=t.positions,
        carved=format_number(t.carved_hours_per_week, 2), total=format_number(t.scan_hours_per_week, 2)))
    for warning in result.warnings:
        click.echo("! " + warning.text)
    for fn in result.functions:
        case = fn.business_case
        click.echo(f"\n{fn.id}  {fn.title}")
        click.echo("    " + _("{hours} h/week = {fte} FTE -> {n} position(s): {split}").format(
            hours=format_number(fn.hours_per_week, 2), fte=format_number(fn.fte, 2), n=fn.positions,
            split=" + ".join(_("{h} h").format(h=format_number(p)) for p in fn.position_hours)))
        if fn.hours_beyond_positions:
            click.echo("    " + _("{h} h/week beyond the positions: within the margin of the "
                                  "estimate").format(h=format_number(fn.hours_beyond_positions, 2)))
        click.echo("    " + _("tasks: {tasks}").format(tasks=", ".join(fn.tasks)))
        click.echo("    " + _("competences: {list}").format(list=", ".join(
            c.name + (" (" + _("required") + ")" if c.required else "") for c in fn.profile)))
        click.echo("    " + _("freed: {list}").format(list=", ".join(
            _("{role} {h} h/week").format(role=r.role, h=format_number(r.hours_per_week))
            + (" x " + _("{cost}/h").format(cost=format_money(r.hourly_cost_eur))
               if r.hourly_cost_eur is not None else "")
            for r in case.freed_by_role)))
        click.echo("    " + _("per week: freed {freed} - function {cost} ({hourly}/h) = {saving}; "
                              "x {weeks} weeks = {yearly} a year").format(
            freed=format_money(case.freed_cost_per_week_eur), cost=format_money(case.carved_cost_per_week_eur),
            hourly=format_money(case.carved_hourly_cost_eur), saving=format_money(case.saving_per_week_eur),
            weeks=format_number(case.weeks_per_year), yearly=format_money(round(case.yearly_saving_eur))))
        click.echo("    = " + case.headline_text)
        if case.premium:
            click.echo("    + " + case.premium.text)
        for note in case.notes:
            click.echo("    " + _("note: {note}").format(note=note))
        for flag in fn.quality.flags:
            click.echo(f"    ! {flag}")
        for add in (fn.quality.suggested_additions if fn.quality.flagged else []):
            click.echo("      " + _("consider adding {task}: {description} ({h} h/week)").format(
                task=add.task, description=add.description, h=format_number(add.hours_per_week)))
        for hours in sorted({c.position_hours for c in fn.candidates}, key=lambda h: -(h or 0)):
            click.echo("    " + _("candidates for a position of {h} h: {list}").format(
                h=format_number(hours), list=", ".join(
                    f"{c.candidate} {format_number(c.score, 2)}"
                    + (" (" + _("missing: {list}").format(list=", ".join(c.missing_required)) + ")"
                       if c.missing_required else "")
                    for c in fn.candidates if c.position_hours == hours)))
        if fn.no_candidates_reason:
            click.echo("    " + _("no candidates: {reason}").format(reason=fn.no_candidates_reason))
    if result.gains:
        click.echo("\n" + _("Gains beyond the figures:"))
        for gain in result.gains:
            click.echo(f"  - {gain.text}")
    if result.next_steps:
        click.echo("\n" + _("Next steps:"))
        for step in result.next_steps:
            click.echo(f"  {format_date(step.due, 'short')}  {step.who_text}: {step.what}")
    for note in result.notes:
        click.echo("\n" + _("note: {note}").format(note=note))
    click.echo("\n" + _("Not carved:"))
    dutch = get_language() == "nl"
    headers = [_("task"), _("role"), _("h/week"), _("reason")]
    table([dict(zip(headers, (r.task, r.role, format_number(r.hours_per_week, 2),
                              r.reason_nl if dutch else r.reason)))
           for r in result.not_carved], headers)


@click.command()
@click.argument("scan_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write ('-' for standard output) [bedrijfsadvies-SCAN.html or .md].")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), help="html (printable) or md [from --out, else html].")
@carve_options
@click.pass_context
def advice(ctx, scan_id, out, fmt, **opts):
    """Write the company advice (bedrijfsadvies tot functiecreatie) as printable HTML or Markdown.

    \b
    Example:
        matchcore advice haven-2025-03 --out advies-haven.html
        matchcore advice haven-2025-03 --format md --out -
    """
    # start-up: jinja2 and the carving engine load when an advice is written
    from matchcore.reports.advice import render_advice

    store = get_store(ctx)
    if fmt is None:
        fmt = "md" if out and Path(out).suffix.lower() in (".md", ".markdown") else "html"
    with use_language("nl"):  # the advice goes to a Flemish employer: always Dutch, its steps too
        scan_rec, result = _carve(store, scan_id, opts)
    try:
        employer = store.employer(scan_rec.employer)
    except NotFound:
        employer = None
    text = render_advice(result, scan=scan_rec, employer=employer, fmt=fmt)
    if out == "-":
        click.echo(text, nl=False)
        return
    path = Path(out or f"bedrijfsadvies-{scan_id}.{fmt}")
    tmp = None
    try:
        # it names candidates: owner-readable only (0600); written next to the target and moved
        # into place, so a full disk or an interruption never leaves half an advice behind
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise ValidationFailed([RecordProblem(str(path), None, None,
                                              _("cannot be written ({reason})").format(reason=exc.strerror))]) from None
    click.echo(_("wrote {path} ({n} function(s), {fmt})").format(path=path, n=len(result.functions), fmt=fmt))


def demo_step(ctx, store) -> None:
    """The last section of ``matchcore demo``: the carving of the port scan of seed 001."""
    click.echo(_("== job carving: Quick Scan haven-2025-03 (seed 001, the port) =="))
    if "haven-2025-03" not in store.ids("scan"):
        click.echo(_("(scan haven-2025-03 is not in the bundled data)"))
        return
    from matchcore.carving import carve as carve_scan  # start-up: as in _carve

    print_carving(carve_scan(store.scan("haven-2025-03"), store=store))
    click.echo("\n" + _("The advice document: {command}").format(
        command=f"matchcore --db {store.path} advice haven-2025-03 --out advies.html"))
