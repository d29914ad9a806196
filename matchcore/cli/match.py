"""``matchcore match`` and ``matchcore assign``: the matching commands.

They mirror :class:`matchcore.matching.matcher.Matcher` and :func:`matchcore.matching.assign.assign`
(``matchcore vocab`` is in :mod:`matchcore.cli.vocab`). Heavy libraries are imported inside the commands.
"""
from __future__ import annotations

import dataclasses

import click

from matchcore.cli.options import DATE, Finite
from matchcore.cli.root import emit_json, get_store, table
from matchcore.i18n import N_, _, format_money, format_number

__all__ = ["assign", "demo_step", "match", "print_match"]


def _matcher(ctx):
    from matchcore.matching.matcher import Matcher  # start-up: engines load when a command runs

    root = ctx.find_root()
    if root.obj.get("matcher") is None:
        root.obj["matcher"] = Matcher(get_store(ctx)).fit()
    return root.obj["matcher"]


# The engine's codes as a coach reads them (JSON keeps the codes): the words of the
# ``instruments check`` table (matchcore.cli.instruments).
_ELIGIBLE = {True: N_("yes"), False: N_("no"), None: "?"}
_FEASIBILITY = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def _a_month(value: float) -> str:
    """2502.5 -> '€ 2.502,50 per maand' (Dutch) / '€2,502.50 a month'."""
    return _("{amount} a month").format(amount=format_money(value))


def _instrument_text(inst: dict) -> str:
    """One instrument of a match line: verdict, feasibility, the employer's net cost a month."""
    if inst.get("kind") == "baseline":
        cost = inst.get("net_cost_per_month_eur")
        return _("normal hire {cost}").format(cost=_("cost unknown") if cost is None else _a_month(cost))
    ok = _ELIGIBLE[inst.get("eligible")]
    text = f"{inst['code']} {_(ok) if ok != '?' else ok}"
    if inst.get("abolished"):
        return text + " " + _("(abolished)")
    if inst.get("eligible") is False:
        return text
    feasibility = inst.get("feasibility") or "medium"
    text += " " + (_(_FEASIBILITY[feasibility]) if feasibility in _FEASIBILITY else feasibility)
    cost = inst.get("net_cost_per_month_eur", inst.get("employer_cost_per_month_eur"))
    if cost is None:
        return text
    if cost < 0:
        return text + " " + _("net premium gain {amount}").format(amount=_a_month(-cost))
    return text + " " + _("net {amount}").format(amount=_a_month(cost))


def _instrument_lines(rows: list[dict]) -> list[str]:
    """The normal hire, then the instruments best first (the engine's order), then why a gain."""
    base = [r for r in rows if r.get("kind") == "baseline"]
    rest = [r for r in rows if r.get("kind") != "baseline"]
    lines = [_instrument_text(base[0])] if base else []
    if rest:
        lines.append(_("instruments (best first: eligible, feasibility, net cost): {list}").format(
            list="; ".join(_instrument_text(i) for i in rest)))
    for i in rest:
        if i.get("net_premium_gain") and i.get("eligible") is not False:
            lines.append(f"{i['code']}: {i.get('net_cost_text')}")
    return lines


def _score(value: float) -> str:
    return _("score {score}").format(score=format_number(value, 2))


def print_match(result, *, explain: bool = True) -> None:
    """The human form of a match result (either direction)."""
    if hasattr(result, "candidate") and not hasattr(result, "function"):
        head = _("candidate {id}: functions").format(id=result.candidate)
        what = _("functions")
    else:
        head = _("function {id} ({title}): candidates").format(id=result.function, title=result.title)
        what = _("candidates")
    shown = len(result.results)
    click.echo(f"{head}: " + _("{shown} shown of {considered} {what}, {excluded} excluded by constraints").format(
        shown=format_number(shown), considered=format_number(result.considered), what=what,
        excluded=format_number(result.excluded_count))
        + (_("; {n} near misses below").format(n=len(result.near_misses)) if result.near_misses else ""))
    for n, r in enumerate(result.results, start=1):
        who = getattr(r, "function", None) or getattr(r, "candidate", None)
        title = f"  {r.title}" if getattr(r, "title", None) else ""
        dist = "" if r.distance_km is None else "  " + _("{km} km").format(km=format_number(r.distance_km))
        flag = ("  " + (_("NEAR MISS") if r.near_miss else _("EXCLUDED"))) if r.excluded else ""
        click.echo(f"\n{n}. {who}{title}  {_score(r.score)}{dist}{flag}")
        lines = r.explanation if explain else [r.explanation[0]] + [
            "   " + _("missing required: {names}").format(names=", ".join(r.missing_required))
        ] * bool(r.missing_required)
        for line in lines:
            click.echo(f"   {line}")
        for line in _instrument_lines(r.instruments or []):
            click.echo(f"   {line}")
    if not result.results:
        click.echo(_("(no results; --include-excluded shows excluded ones with the reasons)"))
    _print_near_misses(result)


def _print_near_misses(result) -> None:
    """The near misses (``--near-misses``): what excludes each, and what would have to change."""
    if not result.near_misses:
        return
    click.echo("\n" + _("near misses: excluded by one soft constraint only; what would have to change:"))
    for n, r in enumerate(result.near_misses, start=1):
        who = getattr(r, "function", None) or getattr(r, "candidate", None)
        title = f"  {r.title}" if getattr(r, "title", None) else ""
        click.echo(f"\n{n}. {who}{title}  {_score(r.score)}  " + _("NEAR MISS"))
        for text in r.exclusions:
            click.echo("   " + _("excluded: {reason}").format(reason=text))
        for need in r.would_need:
            click.echo("   -> " + need.text)


_COMMON = [
    click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
                 help="How many results."),
    click.option("--include-excluded", is_flag=True,
                 help="Also show every pair a constraint excludes (also with nothing in common), "
                      "with the reasons."),
    click.option("--near-misses", is_flag=True,
                 help="Also list pairs excluded by one soft constraint only, and only a little "
                      "(hours, commute, a day part, a weekday, a later start), with what would "
                      "have to change."),
    click.option("--max-distance", "max_distance_km", type=Finite(min=0),
                 help="Only within this many km of the candidate's home."),
    click.option("--on", type=DATE,
                 help="Evaluation date for the instruments, and the start date of functions "
                      "without one (YYYY-MM-DD; default today)."),
    click.option("--no-instruments", is_flag=True, help="Skip the instrument check (faster)."),
    click.option("--all-instruments", is_flag=True,
                 help="Also list the instruments abolished before --on (left out by default)."),
    click.option("--brief", is_flag=True, help="One score line per result instead of the explanation."),
    click.option("--json", "as_json", is_flag=True, help="Machine-readable output (FORMATS.md)."),
]


def _common(f):
    for option in reversed(_COMMON):
        f = option(f)
    return f


@click.group()
def match():
    """Match a candidate to functions, or a function to candidates.

    \b
    Example:
        matchcore match candidate K-0042 --top 5
        matchcore match function brasserie-de-kaai/afwasser --json
    """


@match.command("candidate")
@click.argument("candidate_id")
@_common
@click.option("--sector", help="Only functions of this sector.")
@click.option("--visible/--invisible", default=None,
              help="Only published vacancies, or only invisible ones (default both).")
@click.option("--openings-only", is_flag=True, help="Only functions with openings.")
@click.pass_context
def match_candidate(ctx, candidate_id, top, include_excluded, near_misses, max_distance_km, on,
                    no_instruments, all_instruments, brief, as_json, sector, visible, openings_only):
    """Which functions fit candidate CANDIDATE_ID, what is missing, and why excluded.

    \b
    Example:
        matchcore match candidate K-0042 --top 5 --sector horeca --openings-only
        matchcore match candidate K-0042 --near-misses --on 2027-01-04
    """
    result = _matcher(ctx).match_candidate(
        candidate_id, top=top, include_excluded=include_excluded, sector=sector,
        max_distance_km=max_distance_km, visible=visible, openings_only=openings_only,
        on=on.date() if on else None, instruments=not no_instruments, near_misses=near_misses)
    if all_instruments and not no_instruments:
        result = _with_all_instruments(ctx, result, on)
    emit_json(result) if as_json else print_match(result, explain=not brief)


def _with_all_instruments(ctx, result, on):
    """The result with each pair's instruments re-evaluated, the abolished ones included."""
    from matchcore.matching.matcher import instruments_for  # start-up: engines load when a command runs

    store = get_store(ctx)

    def redo(r):
        if not r.instruments:   # none for reference profiles and with --no-instruments
            return r
        cid = getattr(r, "candidate", None) or result.candidate
        employer, function = store.function(getattr(r, "function", None) or result.function)
        return dataclasses.replace(r, instruments=instruments_for(store.candidate(cid), employer, function,
                                                                  on=on.date() if on else None,
                                                                  all_instruments=True))

    return dataclasses.replace(result, results=[redo(r) for r in result.results],
                               near_misses=[redo(r) for r in result.near_misses])


@match.command("function")
@click.argument("function_id")
@_common
@click.pass_context
def match_function(ctx, function_id, top, include_excluded, near_misses, max_distance_km, on,
                   no_instruments, all_instruments, brief, as_json):
    """Which candidates fit function FUNCTION_ID (employer/function).

    \b
    Example:
        matchcore match function brasserie-de-kaai/afwasser --top 5
        matchcore match function brasserie-de-kaai/afwasser --near-misses
    """
    result = _matcher(ctx).match_function(
        function_id, top=top, include_excluded=include_excluded, max_distance_km=max_distance_km,
        on=on.date() if on else None, instruments=not no_instruments, near_misses=near_misses)
    if all_instruments and not no_instruments:
        result = _with_all_instruments(ctx, result, on)
    emit_json(result) if as_json else print_match(result, explain=not brief)


@click.command()
@click.option("--candidate", "candidates", multiple=True, help="Only these candidates (repeatable).")
@click.option("--function", "functions", multiple=True,
              help="Only these functions (repeatable; default all with openings).")
@click.option("--min-score", default=0.5, show_default=True, type=Finite(0, 1),
              help="Pairs below this score are not made.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def assign(ctx, candidates, functions, min_score, as_json):
    """Assign candidates to open functions, maximising the total score.

    Each candidate gets at most one function, each function at most its openings; pairs that
    a hard constraint excludes or that score below --min-score are never made.

    \b
    Example:
        matchcore assign --min-score 0.4
    """
    from matchcore.matching.assign import assign as run  # start-up: engines load when a command runs

    result = run(_matcher(ctx), candidate_ids=list(candidates) or None,
                 function_ids=list(functions) or None, min_score=min_score)
    if as_json:
        emit_json(result)
        return
    click.echo(_("{assigned} assigned of {candidates} candidates over {openings} openings; "
                 "total score {score}").format(
        assigned=len(result.assignments), candidates=result.candidates, openings=result.openings,
        score=format_number(result.total_score, 2)))
    columns = ["candidate", "function", "title", "score"]
    table([{c: getattr(a, c) for c in columns} for a in result.assignments], columns)
    if result.unassigned:
        click.echo("\n" + _("unassigned:"))
        for u in result.unassigned:
            click.echo(f"  {u.candidate}: {u.reason}")
    if result.unfilled:
        click.echo("\n" + _("unfilled openings:"))
        for u in result.unfilled:
            click.echo(f"  {u.function} ({u.filled}/{u.openings}): {u.reason}")


def demo_step(ctx, store) -> None:
    """The demo's last section: a sample match, explained."""
    from matchcore.matching.matcher import Matcher  # start-up: engines load when a command runs

    click.echo("== " + _("sample match") + " ==")
    matcher = Matcher(store).fit()
    ids = store.ids("candidate")
    if not ids:
        click.echo(_("(no candidates)"))
        return
    cids, index, scores = matcher.top_functions_all(top=1)
    # the candidate with the best non-excluded match (ties: first id)
    cid = cids[int(scores[:, 0].argmax())] if (index[:, 0] >= 0).any() else ids[0]
    click.echo(f"$ matchcore match candidate {cid} --top 3")
    print_match(matcher.match_candidate(cid, top=3))
