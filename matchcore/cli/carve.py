"""Job carving on the command line: ``carve`` and ``advice`` (the ``scan`` group that enters a
Quick Scan is :mod:`matchcore.cli.scan`)."""
from __future__ import annotations

from pathlib import Path

import click

from matchcore.cli.root import emit_json, get_store, table
from matchcore.cli.options import Finite
from matchcore.cli.scan import scan
from matchcore.errors import NotFound, RecordProblem, ValidationFailed

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
    """The human view of a :class:`~matchcore.carving.CarvingResult`."""
    t = result.totals
    click.echo(f"Carving of Quick Scan {result.scan} ({result.employer_name or result.employer}): "
               f"{len(result.functions)} function(s), {t.positions} position(s), "
               f"{t.carved_hours_per_week:.2f} of {t.scan_hours_per_week:.2f} h/week; "
               f"yearly saving {t.yearly_saving_eur:,.0f} EUR")
    for fn in result.functions:
        case = fn.business_case
        click.echo(f"\n{fn.id}  {fn.title}")
        click.echo(f"    {fn.hours_per_week:.2f} h/week = {fn.fte:.2f} FTE -> {fn.positions} position(s): "
                   + " + ".join(f"{p:g} h" for p in fn.position_hours))
        click.echo(f"    tasks: {', '.join(fn.tasks)}")
        click.echo("    competences: " + ", ".join(
            c.name + (" (required)" if c.required else "") for c in fn.profile))
        click.echo("    freed: " + ", ".join(f"{r.role} {r.hours_per_week:g} h/week"
                                             + (f" x {r.hourly_cost_eur:g} EUR" if r.hourly_cost_eur is not None else "")
                                             for r in case.freed_by_role))
        click.echo(f"    per week: freed {case.freed_cost_per_week_eur:,.2f} EUR - function "
                   f"{case.carved_cost_per_week_eur:,.2f} EUR ({case.carved_hourly_cost_eur:g} EUR/h) = "
                   f"{case.saving_per_week_eur:,.2f} EUR; x {case.weeks_per_year:g} weeks = "
                   f"{case.yearly_saving_eur:,.0f} EUR a year")
        for note in case.notes:
            click.echo(f"    note: {note}")
        for flag in fn.quality.flags:
            click.echo(f"    ! {flag}")
        for add in (fn.quality.suggested_additions if fn.quality.flagged else []):
            click.echo(f"      consider adding {add.task}: {add.description} ({add.hours_per_week:g} h/week)")
        if fn.candidates:
            click.echo("    candidates: " + ", ".join(
                f"{c.candidate} {c.score:.2f}" + (" (excluded)" if c.excluded else "")
                for c in fn.candidates))
    for note in result.notes:
        click.echo(f"\nnote: {note}")
    click.echo("\nNot carved:")
    table([{"task": r.task, "role": r.role, "h/week": r.hours_per_week, "reason": r.reason}
           for r in result.not_carved], ["task", "role", "h/week", "reason"])


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
    try:
        # it names candidates: owner-readable only, an older file too before it gets the text
        path.touch(0o600)
        path.chmod(0o600)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationFailed([RecordProblem(str(path), None, None, f"cannot be written ({exc.strerror})")]) from None
    click.echo(f"wrote {path} ({len(result.functions)} function(s), {fmt})")


def demo_step(ctx, store) -> None:
    """The last section of ``matchcore demo``: the carving of the port scan of seed 001."""
    click.echo("== job carving: Quick Scan haven-2025-03 (seed 001, the port) ==")
    if "haven-2025-03" not in store.ids("scan"):
        click.echo("(scan haven-2025-03 is not in the bundled data)")
        return
    from matchcore.carving import carve as carve_scan  # start-up: as in _carve

    print_carving(carve_scan(store.scan("haven-2025-03"), store=store))
    click.echo(f"\nThe advice document: matchcore --db {store.path} advice haven-2025-03 --out advies.html")
