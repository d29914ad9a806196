"""``matchcore instruments``: list the employment instruments, show one, check a candidate at a function.

The commands mirror :func:`matchcore.instruments.evaluate_all` and the plugin registry.
Rules are those in force on the planned start date; ``--on`` is the evaluation date (default
today) and the start defaults to ``--on`` + 42 days. The engine returns typed results
(:mod:`matchcore.instruments.results`); the JSON and the text are made here.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import click

from matchcore.cli.options import DATE, Finite
from matchcore.cli.root import emit_json, get_store, table
from matchcore.errors import MatchcoreError
from matchcore.i18n import N_, _, format_date, format_number, format_percent

# The codes of the results as a coach reads them (JSON keeps the codes).
FEASIBILITY = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
# The units of the parameter files (plugins/*.yaml) as a coach reads them in `instruments show`;
# the JSON keeps the unit as written. A unit not listed is shown as written.
UNITS = {"weeks": N_("weeks"), "days": N_("days"), "months": N_("months"), "years": N_("years"),
         "hours": N_("hours"), "quarters": N_("quarters"), "hours/week": N_("hours/week"),
         "days/year": N_("days/year"), "EUR/hour": N_("EUR/hour"), "EUR/month": N_("EUR/month"),
         "EUR/quarter": N_("EUR/quarter"), "EUR/year": N_("EUR/year"), "ratio": N_("ratio"),
         "list": N_("list"), "mapping": N_("mapping"), "code": N_("code"), "bool": N_("yes/no"),
         "joint committees": N_("joint committees")}


def _day(value) -> dt.date | None:
    return value.date() if value is not None else None


def _warn(problems) -> None:
    for problem in problems:
        click.echo(_("warning: {message}").format(message=problem), err=True)


def _keys(source: str | None) -> str:
    """'S-001: title <url>; bis: ...' -> 'S-001, bis' for tables."""
    if not source:
        return ""
    return ", ".join(part.split(":", 1)[0] for part in source.split("; "))


def _eligible(value) -> str:
    return {True: _("yes"), False: _("no"), None: _("unknown")}[value]


def _eur(value) -> str:
    """An amount with two decimals in the language's format (1.165,30 in Dutch)."""
    return "?" if value is None else format_number(value, 2)


def _feasibility(value) -> str:
    return _(FEASIBILITY[value]) if value in FEASIBILITY else (value or "")


def _plain(value):
    """A result as plain data for :func:`emit_json`: dataclasses field by field, honouring the
    markers of :mod:`matchcore.instruments.results` (``"splice"``: the value's own fields or items
    in the field's place; ``"if-set"``: left out when None; ``False``: left out)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            how, item = f.metadata.get("json", True), getattr(value, f.name)
            if how is False or (how == "if-set" and item is None):
                continue
            if how == "splice":
                out.update(_plain(item) if item is not None else {})
            else:
                out[f.name] = _plain(item)
        return out
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@click.group()
def instruments():
    """Employment instruments (BIS, IBO, flexijob, ...) from the built-in and installed plugins.

    \b
    Example:
        matchcore instruments list
        matchcore instruments show BIS
        matchcore instruments check --candidate K-0042 --function brasserie-de-kaai/afwasser
    """


@instruments.command(name="list")
@click.option("--on", type=DATE, help="Show which existed on this date [default: today].")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(on, as_json):
    """List the registered instruments, their validity and the plugin that adds each.

    \b
    Example:
        matchcore instruments list --on 2018-03-01
    """
    # start-up: plugins load when a command runs
    from matchcore.instruments import date_text, get_registry

    on = _day(on) or dt.date.today()
    registry = get_registry()
    _warn(registry.problems)
    rows = []
    for code, (inst, plugin) in sorted(registry.instruments.items(), key=lambda kv: (kv[0].casefold(), kv[0])):
        status = _("current") if inst.exists_on(on) else (
            _("ended {date}").format(date=date_text(inst.valid_until))
            + (f" -> {inst.successor}" if inst.successor else "")
            if inst.valid_until and on >= inst.valid_until else _("from {date}").format(date=date_text(inst.valid_from)))
        rows.append({"code": code, "name": _(inst.name), "valid_from": _iso(inst.valid_from),
                     "valid_until": _iso(inst.valid_until), "successor": inst.successor,
                     "status": status, "plugin": plugin, "distribution": registry.distribution(plugin),
                     "summary": _(inst.summary)})
    if as_json:
        emit_json(rows)
    else:
        table(rows, ["code", "name", "status", "valid_from", "valid_until", "plugin"])


def _iso(day):
    return day.isoformat() if day else None


@instruments.command()
@click.argument("code")
@click.option("--on", type=DATE, help="Mark the values in force on this date [default: today].")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(code, on, as_json):
    """Show one instrument: what it is, its validity, and its dated parameters with sources.

    Values in force on --on are marked '*'; unverified ones '!'.

    \b
    Example:
        matchcore instruments show flexijob --on 2024-03-01
    """
    # start-up: plugins load when a command runs
    from matchcore.instruments import DatedValue, Reference, date_text, get_registry, local

    on = _day(on) or dt.date.today()
    registry = get_registry()
    _warn(registry.problems)
    inst = registry.lookup(code)
    plugin = registry.plugin_of(inst.code)
    params = inst.parameters.parameters if inst.parameters else {}
    doc = {
        "code": inst.code, "name": _(inst.name), "summary": _(inst.summary),
        "source": inst.source.cite() if isinstance(inst.source, Reference) else inst.source,
        "valid_from": _iso(inst.valid_from), "valid_until": _iso(inst.valid_until),
        "predecessor": inst.predecessor, "successor": inst.successor, "exists_on": inst.exists_on(on),
        "plugin": plugin, "distribution": registry.distribution(plugin),
        "parameter_file": str(inst.parameters.path) if inst.parameters else None,
        "notes": [local(n) for n in inst.meta_notes],
        "variants": [{"variant": v.key, "label": _(v.label), "condition": _(v.condition)} for v in inst.variants],
        # descriptions and notes follow the language (the catalogue, or the file's per-language form)
        "parameters": {name: {"description": local(p.description), "unit": p.unit,
                              "in_force": _in_force(p, on),
                              "values": [DatedValue.of(v) for v in p.values]} for name, p in params.items()},
    }
    if as_json:
        emit_json(_plain(doc))
        return
    click.echo(f"{inst.code}: {doc['name']}  [{plugin}]")
    click.echo(doc["summary"])
    valid = _("{start} until {end}").format(start=date_text(inst.valid_from) or "...",
                                            end=date_text(inst.valid_until) or "...")
    click.echo(_("valid: {span}").format(span=valid)
               + ("; " + _("predecessor {code}").format(code=inst.predecessor) if inst.predecessor else "")
               + ("; " + _("successor {code}").format(code=inst.successor) if inst.successor else "")
               + ("" if inst.exists_on(on) else "  " + _("(not on {date})").format(date=date_text(on))))
    click.echo(_("source: {source}").format(source=doc["source"]))
    for note in inst.meta_notes:
        click.echo(_("note: {text}").format(text=local(note)))
    for v in inst.variants:
        click.echo(_("variant {key}: {label} - when {condition}").format(
            key=v.key, label=_(v.label), condition=_(v.condition)))
    rows = []
    for name, p in params.items():
        current = _in_force(p, on)
        for v in p.values:
            mark = ("*" if current == v.valid_from.isoformat() else "") + ("!" if v.unverified else "")
            rows.append({"parameter": name, "from": v.valid_from.isoformat(), "value": _short(_value(v.value)),
                         "unit": _(UNITS[p.unit]) if p.unit in UNITS else p.unit, "ref": v.reference.key,
                         "verified": v.last_verified.isoformat(),
                         " ": mark})
    click.echo("")
    table(rows, ["parameter", "from", "value", "unit", "ref", "verified", " "])
    click.echo("\n" + _("* in force on {date}   ! unverified").format(date=date_text(on)))
    # what each parameter is, and the notes of its values, as the coach reads them
    if params:
        click.echo("\n" + _("parameters:"))
    for name, p in params.items():
        click.echo(f"  {name}: {local(p.description)}")
        for v in p.values:
            if v.note:
                click.echo("    " + _("{date}: {note}").format(date=date_text(v.valid_from), note=local(v.note)))


def _in_force(param, on: dt.date) -> str | None:
    found = [v for v in param.values if v.valid_from <= on]
    return found[-1].valid_from.isoformat() if found and found[-1].value is not None else None


def _value(value):
    """A parameter value in the table: a number in the language's format (0,5 in Dutch), others as written."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return value


def _short(value, width: int = 60) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 3] + "..."


@instruments.command()
@click.option("--candidate", "candidate_id", required=True, help="Candidate id, e.g. K-0042.")
@click.option("--function", "function_id", required=True, help="EMPLOYER/FUNCTION, e.g. brasserie-de-kaai/afwasser.")
@click.option("--start", type=DATE, help="Planned start; its rules apply [default: --on + 42 days].")
@click.option("--on", type=DATE, help="Evaluation date [default: today]; steps due before it are overdue.")
@click.option("--weeks", type=Finite(min=0.1), help="Planned duration in weeks (gives a total cost).")
@click.option("--code", "codes", multiple=True, help="Only this instrument (repeatable).")
@click.option("--variant", "variants", multiple=True, metavar="CODE=VARIANT",
              help="Choose a variant, e.g. BIS=booster-nonprofit (repeatable).")
@click.option("--all-instruments", is_flag=True,
              help="Also the instruments abolished before --on (left out by default; --code always answers).")
@click.option("--brief", is_flag=True, help="Only the summary table.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (FORMATS.md).")
@click.pass_context
def check(ctx, candidate_id, function_id, start, on, weeks, codes, variants, all_instruments, brief, as_json):
    """Check every instrument for a candidate at a function: eligibility with reasons, costs, steps.

    The first entry is the normal hire (code `normal`): gross wage plus employer contributions,
    the figure each instrument's net monthly cost compares with. The table lists the instruments
    best first: eligible, then the most feasible, then the lowest net cost.

    \b
    Example:
        matchcore instruments check --candidate K-0042 --function brasserie-de-kaai/afwasser \\
            --start 2026-02-02 --weeks 12
        matchcore instruments check --candidate K-0042 --function brasserie-de-kaai/afwasser \\
            --on 2018-03-01 --code BIO --json
    """
    # start-up: plugins load when a command runs
    from matchcore.instruments import DEFAULT_LEAD_DAYS, evaluate_all, get_registry, normal_hire, recommended

    chosen = {}
    for item in variants:
        if "=" not in item:
            raise click.BadParameter(_("expected CODE=VARIANT, got {value!r}").format(value=item),
                                     param_hint="--variant")
        code, key = item.split("=", 1)
        chosen[code.strip()] = key.strip()
    store = get_store(ctx)
    candidate = store.candidate(candidate_id)
    employer, function = store.function(function_id)
    on = _day(on) or dt.date.today()
    start = _day(start) or on + dt.timedelta(days=DEFAULT_LEAD_DAYS)
    registry = get_registry()
    for code in chosen:
        registry.lookup(code)
    problems = list(registry.problems)
    results = evaluate_all(candidate, employer, function, start=start, on=on, duration_weeks=weeks,
                           codes=codes or None, variants=chosen, problems=problems,
                           include_abolished=all_instruments)
    _warn(problems)
    base = normal_hire(employer, function, start)
    if as_json:
        emit_json(_plain([base, *results]))
        return
    if not results and not registry.instruments:
        raise MatchcoreError(_("no instruments are registered; is matchcore installed (pip install -e .)?"))
    click.echo(_("{candidate} at {function}: start {start} (rules of that date), asked on {on}").format(
        candidate=candidate.id, function=f"{employer.id}/{function.id}", start=format_date(start, "short"),
        on=format_date(on, "short"))
        + (", " + _("{n} weeks").format(n=format_number(weeks)) if weeks else ""))
    table(summary_rows(base, recommended(results), weeks),
          ["code", "eligible", "feasibility", "net EUR/month", "EUR/month", "EUR total", "variant", "why"])
    if brief:
        return
    _baseline_detail(base)
    for r in results:
        _detail(r)


def summary_rows(base, results, weeks=None) -> list[dict]:
    """The summary table: the normal hire, then the instruments in the order given."""
    rows = [{"code": base.code, "eligible": "-", "feasibility": "-", "net EUR/month": _eur(base.net_cost_per_month_eur),
             "EUR/month": _eur(base.net_cost_per_month_eur), "EUR total": "", "variant": "",
             "why": _("normal hire: gross wage + employer contributions")}]
    for r in results:
        net = r.net_cost_per_month_eur
        rows.append({"code": r.code, "eligible": _eligible(r.eligible), "feasibility": _feasibility(r.feasibility),
                     "net EUR/month": _eur(net) + (" " + _("(gain)") if net is not None and net < 0 else ""),
                     "EUR/month": _eur(r.employer_cost_per_month_eur),
                     "EUR total": "" if weeks is None else _eur(r.employer_cost_total_eur),
                     "variant": r.variant or "", "why": _why(r)})
    return rows


def _baseline_detail(base) -> None:
    from matchcore.instruments import date_text  # start-up: plugins load when a command runs

    click.echo(f"\n== {base.code}: {_(base.name)} ==")
    click.echo(f"  {_(base.text)}")
    for c in base.costs:
        click.echo(f"    {_(c.item)}: " + _("{amount} per {period}").format(amount=_eur(c.amount_eur), period=_per(c.per))
                   + (f"  ({c.basis})" if c.basis else ""))
    click.echo("  " + _("rate: {rate} from {date}").format(rate=format_percent(base.employer_contribution_rate, 2),
                                                         date=date_text(base.parameter_date))
               + f" [{_keys(base.source)}]")
    for note in base.notes:
        click.echo("  " + _("note: {text}").format(text=_(note)))


PERIODS = {"hour": N_("hour"), "day": N_("day"), "week": N_("week"), "month": N_("month"),
           "year": N_("year"), "once": N_("once"), "shift": N_("shift")}


def _per(value) -> str:
    return _(PERIODS[value]) if value in PERIODS else str(value)


def _why(result, width: int = 70) -> str:
    if result.eligible is True:
        return ""
    bad = [x for x in result.reasons if x.ok is (False if result.eligible is False else None)]
    return _short(_(bad[0].text), width) if bad else ""


def _detail(r) -> None:
    from matchcore.instruments import date_text  # start-up: plugins load when a command runs

    click.echo(f"\n== {r.code} {_(r.name)}: " + _("eligible {answer}").format(answer=_eligible(r.eligible)) + " =="
               + (" " + _("(abolished)") if r.abolished else ""))
    click.echo("  " + _("feasibility: {level} ({reason})").format(level=_feasibility(r.feasibility),
                                                               reason=_(r.feasibility_reason)))
    for reason in r.reasons:
        mark = {True: "+", False: "x", None: "?"}[reason.ok]
        cite = _keys(reason.source) + (f" @{reason.parameter_date.isoformat()}" if reason.parameter_date else "")
        click.echo(f"  {mark} {_(reason.rule)}: {_(reason.text)} [{cite}]"
                   + (" " + _("(unverified)") if reason.unverified else ""))
    if r.missing:
        click.echo("  " + _("missing: {fields}").format(fields=", ".join(_(m) for m in r.missing)))
    d = r.duration
    text = getattr(d, "text", None)
    if d.min_weeks is not None or d.max_weeks is not None or text:
        span = _("{low} to {high} weeks").format(low=format_number(d.min_weeks) if d.min_weeks else "-",
                                                 high=format_number(d.max_weeks) if d.max_weeks else "-")
        click.echo("  " + _("duration: {span}").format(span=span) + (f" ({_(text)})" if text else ""))
    if r.costs:
        click.echo("  " + (_("costs (variant {variant}):").format(variant=r.variant) if r.variant else _("costs:")))
        for c in r.costs:
            vat = " + " + _("VAT {amount}").format(amount=_eur(c.vat_eur)) if c.vat_eur else ""
            click.echo(f"    {_(c.item)}: {_(c.payer)} -> {_(c.payee)}, "
                       + _("{amount} per {period}").format(amount=_eur(c.amount_eur) + vat, period=_per(c.per))
                       + (f"  ({_(c.basis)})" if c.basis else "") + (" " + _("(unverified)") if c.unverified else ""))
        click.echo("    " + _("employer per month: {amount} (excl. VAT {excl})").format(
            amount=_eur(r.employer_cost_per_month_eur), excl=_eur(r.employer_cost_per_month_excl_vat_eur))
            + ("; " + _("total {amount}").format(amount=_eur(r.employer_cost_total_eur))
               if r.employer_cost_total_eur is not None else ""))
        if r.employer_cost_unknown:
            click.echo("    " + _("unknown: {items}").format(items=", ".join(_(x) for x in r.employer_cost_unknown)))
    if r.net_cost.net_cost_text:
        click.echo("  " + _("net cost a month: {amount} ({how})").format(
            amount=_eur(r.net_cost_per_month_eur), how=_(r.net_cost.net_cost_text)))
    for v in r.variants:
        if not v.selected:
            click.echo("  " + _("other variant {key} ({label}): {amount} a month - when {condition}").format(
                key=v.variant, label=_(v.label), amount=_eur(v.employer_cost_per_month_eur), condition=_(v.condition)))
    for s in r.steps:
        flags = " ".join(f for f, on in ((_("legal"), s.legal), (_("OVERDUE"), s.overdue)) if on)
        due = format_date(s.due, "short") if s.due else _("at the end")
        click.echo(f"  {due}: {_(s.what)}" + (f" ({_(s.who)})" if s.who else "")
                   + (f", {_(s.recurring)}" if s.recurring else "") + (f" [{flags}]" if flags else ""))
    for n in r.notes:
        click.echo("  " + _("note: {text}").format(text=_(n.text)))
    for u in r.unverified:
        value = _plain(u.value)
        note = getattr(u, "note", None)
        click.echo("  ! " + _("unverified: {parameter} from {date} = {value}").format(
            parameter=u.parameter, date=date_text(u.valid_from) or "-", value=_short(value, 40))
                   + (f" ({_(note)})" if note else ""))


def demo_step(ctx, store) -> None:
    """Demo section: the normal hire and every current instrument, best first, with feasibility and
    net cost, for the best pair of the sample match."""
    # start-up: engines load when the demo runs
    from matchcore.instruments import DEFAULT_LEAD_DAYS, evaluate_all, normal_hire, recommended
    from matchcore.matching.matcher import Matcher  # start-up: engines load when the demo runs

    matcher = Matcher(store).fit()
    cids, index, scores = matcher.top_functions_all(top=1)
    if not len(cids) or not (index[:, 0] >= 0).any():
        return
    best = int(scores[:, 0].argmax())  # the same pair as the sample match (ties: first id)
    result = matcher.match_candidate(cids[best], top=1).results[0]
    employer, function = store.function(result.function)
    candidate = store.candidate(cids[best])
    click.echo("== " + _("instruments: {candidate} at {function}").format(
        candidate=candidate.id, function=f"{employer.id}/{function.id}")
        + f" (matchcore instruments check --candidate {candidate.id} --function {result.function}) ==")
    on = dt.date.today()
    results = evaluate_all(candidate, employer, function, on=on, include_abolished=False)
    base = normal_hire(employer, function, on + dt.timedelta(days=DEFAULT_LEAD_DAYS))
    table(summary_rows(base, recommended(results)), ["code", "eligible", "feasibility", "net EUR/month", "why"])
