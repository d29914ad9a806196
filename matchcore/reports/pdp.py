"""The personal doorstroomplan (PDP) of a candidate: a printable HTML page (seed 001, 3.1).

The guide's PDP action plan has the columns "Concrete acties / Tijdspanne / Wie? / Voltooid /
Opmerkingen"; this page shows them for every action of the trajectory, grouped open before done
and ordered by due date, with the phases, the engagement statement, the placement, its aftercare
and the reminders of the instrument's rules. The labels are English message ids translated by
:mod:`matchcore.i18n` (Dutch by default); dates are Belgian (``1 december 2026``). No JavaScript,
no external assets: it prints from any browser.

Examples
--------
>>> Path("pdp.html").write_text(render_pdp(trajectory, candidate=candidate))   # doctest: +SKIP
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from matchcore.i18n import N_, _, format_date, get_language
from matchcore.model.trajectory import Trajectory

__all__ = ["LABELS", "render_pdp"]

TEMPLATES = Path(__file__).with_name("templates")

LABELS = {
    "title": N_("Personal transition plan (PDP)"),
    "candidate": N_("Candidate"),
    "coach": N_("Job coach"),
    "made_on": N_("Printed on"),
    "phase": N_("Current phase"),
    "engagement": N_("Engagement statement signed on"),
    "no_engagement": N_("Engagement statement not signed yet"),
    "phases": N_("Phases"),
    "date": N_("Date"),
    "actions": N_("Actions"),
    "what": N_("Concrete action"),
    "due": N_("Due"),
    "who": N_("Who?"),
    "done": N_("Done"),
    "remarks": N_("Remarks"),
    "source": N_("Source"),
    "none": N_("No actions yet."),
    "placement": N_("Placement"),
    "function": N_("Function"),
    "instrument": N_("Instrument"),
    "start": N_("Start"),
    "aftercare": N_("Aftercare"),
    "reminders": N_("Rules that end the placement"),
    "recurring": N_("recurring"),
    "legal": N_("legal deadline"),
    "signature": N_("Signature of the candidate and the job coach"),
}
PHASE_LABELS = {
    "intake": N_("intake"), "orientatie": N_("orientation"), "plan": N_("personal plan"),
    "jobhunting": N_("job hunting"), "instrument": N_("transition instrument"),
    "geplaatst": N_("placed"), "nazorg": N_("aftercare"), "afgesloten": N_("closed"),
}
SOURCE_LABELS = {
    "gap": N_("competence gap"), "exclusion": N_("condition"), "instrument": N_("instrument"),
    "aftercare": N_("aftercare"), "manual": N_("coach"),
}
AFTERCARE_LABELS = {
    "zonder": N_("without contact with the employer"),
    "vrijblijvend": N_("with casual contact with the employer"),
    "coaching": N_("coaching on the floor"),
}


def render_pdp(traj: Trajectory, *, candidate=None, on: dt.date | None = None) -> str:
    """The PDP page as HTML text, in the current language.

    Parameters
    ----------
    traj : Trajectory
    candidate : Candidate, optional
        For the municipality shown beside the pseudonymous id.
    on : date, optional
        The date printed on the page; default today.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(day=lambda d: format_date(d) if d else "")
    actions = sorted(traj.actions, key=lambda a: (a.status == "done", a.due is None, a.due or dt.date.max, a.id))
    return env.get_template("pdp.html").render(
        t={k: _(v) for k, v in LABELS.items()},
        phases={k: _(v) for k, v in PHASE_LABELS.items()},
        sources={k: _(v) for k, v in SOURCE_LABELS.items()},
        forms={k: _(v) for k, v in AFTERCARE_LABELS.items()},
        lang=get_language(), traj=traj, candidate=candidate, actions=actions,
        on=format_date(on or dt.date.today()),
    )
