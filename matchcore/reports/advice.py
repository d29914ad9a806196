"""The company advice (bedrijfsadvies tot functiecreatie): a printable HTML or Markdown document.

Built from a carving result (:class:`~matchcore.carving.CarvingResult`): the proposed functions with their
function description, hours and FTE, a bar chart of the hours freed per role (inline SVG, no
JavaScript, no external assets), the business case, the candidates, and the tasks not carved
with the reasons. Written in Dutch, for the employer, whatever the coach's own language (the
employers matchcore serves read Dutch); numbers and dates through :mod:`matchcore.i18n` (nl_BE).
The coach who wrote it (``matchcore config set coach.name ...``, :mod:`matchcore.settings`) signs it.

Examples
--------
>>> result = carve(scan, store=store)                                       # doctest: +SKIP
>>> Path("advies.html").write_text(render_advice(result, scan=scan))        # doctest: +SKIP
"""
from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import jinja2

from matchcore.carving.results import CarvingResult
from matchcore.carving.texts import WHEN_NL, hours_nl
from matchcore.i18n import format_date, format_number
from matchcore.settings import Coach, load_settings

__all__ = ["FORMATS", "freed_hours_chart", "render_advice"]

FORMATS = ("html", "md")
TEMPLATES = Path(__file__).with_name("templates")
# Print-friendly fills, one per carved function (stacked segments of a role's bar).
NO_CANDIDATES = {
    "ranked": "Nog geen passende kandidaten in de databank; de jobcoach zoekt verder.",
    "not_requested": "Kandidaten werden voor dit advies niet opgezocht.",
}
PALETTE = ("#1f5f8b", "#e07b39", "#4f9d69", "#8e5ea2", "#c9a227", "#5b6770")


def eur(value: float | None, decimals: int = 0) -> str:
    """12345.6 -> '€ 12.346' (Dutch thousands dot, decimal comma); None -> 'onbekend'."""
    if value is None:
        return "onbekend"
    return ("−" if value < 0 else "") + "€ " + format_number(abs(value), decimals, lang="nl")


def freed_hours_chart(result: CarvingResult, *, width: int = 640) -> str:
    """An inline SVG bar chart: hours a week freed per original role, stacked per function."""
    roles: dict[str, dict[str, float]] = {}
    titles: dict[str, str] = {}
    for fn in result.functions:
        for row in fn.business_case.freed_by_role:
            roles.setdefault(row.role, {})[fn.id] = row.hours_per_week
            titles[row.role] = row.title
    if not roles:
        return ""
    order = sorted(roles, key=lambda r: (-sum(roles[r].values()), r))
    colour = {fn.id: PALETTE[i % len(PALETTE)] for i, fn in enumerate(result.functions)}
    full = result.options.full_time_hours
    # the role titles in full (a clipped "Heftruckchauffeur termi…" reads as a mistake on paper):
    # the label column is as wide as the longest title, about 7 px a character at 12 px
    longest = max(len(titles[r]) for r in roles)
    label_w, value_w, bar_h, gap, top = max(120, 7 * longest + 16), 150, 22, 10, 8
    legend_h = 20 * len(result.functions) if len(result.functions) > 1 else 0
    plot_w = max(240, width - 170 - value_w)
    width = label_w + plot_w + value_w
    biggest = max(sum(v.values()) for v in roles.values()) or 1.0
    height = top + len(order) * (bar_h + gap) + legend_h + 4
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="Vrijgemaakte uren per functie" '
           'font-family="Helvetica, Arial, sans-serif" font-size="12">')]
    for i, role in enumerate(order):
        y = top + i * (bar_h + gap)
        out.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">'
                   f'{escape(titles[role])}</text>')
        x = float(label_w)
        for fid, hours in sorted(roles[role].items()):
            w = plot_w * hours / biggest
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" '
                       f'fill="{colour[fid]}"><title>{escape(fid)}: {hours_nl(hours)} u/week</title></rect>')
            x += w
        total = sum(roles[role].values())
        out.append(f'<text x="{x + 6:.1f}" y="{y + bar_h * 0.7:.1f}">{hours_nl(total)} u/week '
                   f'({hours_nl(round(total / full, 2))} VTE)</text>')
    if legend_h:
        y = top + len(order) * (bar_h + gap) + 4
        for fn in result.functions:
            out.append(f'<rect x="{label_w}" y="{y}" width="12" height="12" fill="{colour[fn.id]}"/>')
            out.append(f'<text x="{label_w + 18}" y="{y + 10}">{escape(fn.id + ". " + fn.title)}</text>')
            y += 20
    out.append("</svg>")
    return "\n".join(out)


def _few(names, n: int = 5) -> str:
    """The first ``n`` names, then 'en 7 meer'."""
    names = list(names or [])
    rest = len(names) - n
    return ", ".join(names[:n]) + (f" en {rest} meer" if rest > 0 else "")


def _instruments(rows) -> str:
    """'terbeschikkingstelling, onderaanneming; mogelijk: beroepsinlevingsstage' from the brief
    instrument rows of a candidate (the code when a row has no name)."""
    rows = rows or []
    # the instrument's Dutch name where the row has one (a director does not read "K-IBO")
    yes = [r.get("name") or r["code"] for r in rows if r.get("eligible") is True]
    maybe = [r.get("name") or r["code"] for r in rows if r.get("eligible") is None]
    text = ", ".join(yes)
    if maybe:
        text += ("; " if text else "") + "mogelijk: " + ", ".join(maybe)
    return text


def _condition_nl(name: str, value) -> str:
    """A carved function's condition as the advice says it (carving/conditions.py)."""
    if name == "max_lift_kg":
        return f"tillen tot {hours_nl(value)} kg"
    return {"standing": "staand werk", "bending": "veel bukken", "cold": "werk in de koude"}.get(name, name)


def _text_bars(result: CarvingResult, width: int = 30) -> list[dict]:
    """Rows for the Markdown chart: role, hours, FTE and a bar of block characters."""
    totals: dict[str, list] = {}
    for fn in result.functions:
        for row in fn.business_case.freed_by_role:
            entry = totals.setdefault(row.role, [row.title, 0.0])
            entry[1] += row.hours_per_week
    biggest = max((v[1] for v in totals.values()), default=0) or 1.0
    full = result.options.full_time_hours
    return [{"title": title, "hours": hours, "fte": hours / full,
             "bar": "█" * max(1, round(width * hours / biggest))}
            for title, hours in sorted(totals.values(), key=lambda v: (-v[1], v[0]))]


def render_advice(result: CarvingResult, *, scan, employer=None, fmt: str = "html",
                  on: dt.date | None = None, coach: Coach | None = None) -> str:
    """The advice document as text.

    Parameters
    ----------
    result : CarvingResult
        A carving result from :func:`matchcore.carving.carve.carve`.
    scan : Scan
        The Quick Scan carved (date, consultant, roles).
    employer : Employer, optional
        For the company's name, address and contact person.
    fmt : {"html", "md"}
    on : date, optional
        The document's date; default today.
    coach : Coach, optional
        Who signs the advice (name, organisation, phone, e-mail); default the coach's settings
        (:func:`matchcore.settings.load_settings`), left out when the name is not set.

    Raises
    ------
    ValueError
        When ``fmt`` is not html or md.
    """
    if fmt not in FORMATS:
        raise ValueError(f"The 'fmt' parameter of render_advice must be 'html' or 'md'. Got {fmt!r} instead.")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(hours=hours_nl, eur=eur, when_nl=lambda w: WHEN_NL.get(w, w),
                       pct=lambda x: f"{round(100 * x)} %",
                       md=lambda s: str(s).replace("|", "\\|").replace("\n", " "),
                       few=_few, instruments=_instruments,
                       date_nl=lambda d: format_date(d, lang="nl"), condition_nl=_condition_nl)
    template = env.get_template(f"advice.{fmt}.j2")
    roles = {r.id: r for r in scan.roles}
    return template.render(
        result=result, scan=scan, employer=employer, roles=roles,
        on=format_date(on or dt.date.today(), lang="nl"),
        scan_date=format_date(scan.date, lang="nl"),
        coach=coach if coach is not None else load_settings().coach,
        chart=freed_hours_chart(result) if fmt == "html" else "",
        bars=_text_bars(result),
        selection=[r for r in result.not_carved if r.stage == "selection"],
        too_small=[r for r in result.not_carved if r.stage == "bundling"],
        no_candidates=NO_CANDIDATES[result.candidates_status],
    )
