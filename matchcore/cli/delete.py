"""``matchcore delete candidate ID``: erase a person and everything stored about them."""
from __future__ import annotations

import click

from matchcore.cli.root import emit_json, get_store
from matchcore.cli.scan_prompts import ask_yes_no
from matchcore.i18n import N_, _

# What each table of an erasure holds, as the coach reads it (the JSON keeps the table names).
TABLES = {"candidates": N_("candidates"), "candidate_competences": N_("competences"),
          "trajectories": N_("trajectories"), "trajectory_phases": N_("trajectory phases"),
          "trajectory_actions": N_("actions"), "trajectory_reminders": N_("reminders"),
          "contact_log": N_("contact-log entries"), "revisions": N_("revisions"), "audit_log": N_("audit lines"),
          "vectors": N_("stored embeddings")}


def _rows(counts: dict[str, int]) -> str:
    """``{"candidates": 1, "revisions": 5}`` -> "candidates: 1, revisions: 5" in the language in use."""
    return ", ".join(f"{_(TABLES[t]) if t in TABLES else t}: {n}" for t, n in counts.items())


__all__ = ["delete"]


@click.group()
def delete():
    """Erase records for good."""


@delete.command("candidate")
@click.argument("candidate_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows removed per table as JSON.")
@click.pass_context
def delete_candidate(ctx, candidate_id, yes, as_json):
    """Erase a candidate and everything about them: the record, competences, the trajectory
    (phases, PDP actions, placement, aftercare), contact-log entries, revision history, audit
    lines that name them, the match cache.

    One transaction; the audit log keeps one line "candidate.erase" with the pseudonymous id
    only. Backups made before still hold the candidate (docs/operations.md).

    \b
    Example:
        matchcore delete candidate K-0042
    """
    # the web app's tables (audit_log) are registered before the store opens: the erasure is logged
    from matchcore.web import erasure, schema  # noqa: F401  # start-up

    store = get_store(ctx)
    planned = store.erase_candidate(candidate_id, dry_run=True)
    shown = _rows(planned)
    if not yes and not ask_yes_no(
            _("Erase candidate {id} and everything about them ({rows} rows)? This cannot be undone")
            .format(id=candidate_id, rows=shown), default=False):
        click.echo(_("kept"))
        return
    counts = erasure.erase_candidate(store, candidate_id, user="cli")
    if as_json:
        emit_json({"erased": candidate_id, "rows": counts})
    else:
        click.echo(_("erased candidate {id}: {rows}").format(
            id=candidate_id, rows=_rows(counts)))
