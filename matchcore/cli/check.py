"""``matchcore check``: which stored records today's checks would refuse."""
from __future__ import annotations

import click

from matchcore.cli.root import emit_json, get_store
from matchcore.i18n import _

__all__ = ["check"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def check(ctx, as_json):
    """Re-validate every stored record with today's import checks (sizes, numbers, national
    register numbers in any text field). Nothing is changed.

    Records written before a check existed stay readable; this lists the ones to repair (edit
    them, or export, fix and import). Exit status 1 when any record would be refused.

    \b
    Example:
        matchcore check
    """
    from matchcore.store.recheck import recheck  # start-up: keeps `matchcore --help` fast

    report = recheck(get_store(ctx))
    if as_json:
        emit_json({"checked": report.checked, "ok": report.ok,
                   "problems": [{"table": p.file.split(":", 1)[-1] if p.file else None,
                                 "record": p.record, "field": p.field, "message": p.message}
                                for p in report.problems]})
    else:
        counts = _("{employers} employer(s), {candidates} candidate(s), {scans} scan(s)").format(
            employers=report.checked["employer"], candidates=report.checked["candidate"],
            scans=report.checked["scan"])
        if report.ok:
            click.echo(_("{counts} checked: every record passes today's checks.").format(counts=counts))
        else:
            click.echo(_("{counts} checked: {n} problem(s) to repair:").format(
                counts=counts, n=len(report.problems)))
            for problem in report.problems:
                click.echo(f"  {problem}")
    if not report.ok:
        ctx.exit(1)
