"""Evaluating instruments: every registered one for a candidate at a function, into typed results.

:func:`evaluate_all` prepares one :class:`~matchcore.instruments.types.Context`, lets the
``prepare_context`` plugins add facts, and :func:`evaluate` asks each instrument: its methods'
answers are checked (:mod:`matchcore.instruments.checks`), the employer's costs summed
(:mod:`matchcore.instruments.costs`) and the result returned as an
:class:`~matchcore.instruments.results.InstrumentResult`.

What goes wrong has one of two meanings. A value missing on the date asked
(:class:`~matchcore.errors.ParameterError`) is a gap in the data: the verdict or the figure becomes
unknown, and a note says why. Anything else (a plugin that raises, asks for a parameter its file
does not define, returns malformed answers, no verdict, or answers that cannot be made into a
result) is that plugin's failure: :class:`~matchcore.errors.InstrumentFailed`, reported naming the
plugin while the other instruments are still evaluated. So is an evaluation that runs past its
time budget (:func:`~matchcore.instruments.budget.run_in_turn`, default 2 s).

Plugins never see the records themselves: each instrument gets its own Context holding read-only
views of deep copies of the candidate, employer and function (:func:`~matchcore.instruments.types.read_only`)
and a read-only copy of the facts, and nothing that leads to the store.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import replace

from matchcore.errors import InstrumentFailed, MatchcoreError, ParameterError
from matchcore.i18n import N_, _, format_number, use_language
from matchcore.instruments.base import DEFAULT_LEAD_DAYS, Instrument
from matchcore.instruments.checks import MAX_AMOUNT_EUR, check_answer, expect_list
from matchcore.instruments.costs import (NORMAL, derive_net_cost, normal_hire, normal_net_cost_eur, recommended,
                                        summarise_costs)
from matchcore.instruments.params import ParamValue, Reference, date_text, local
from matchcore.instruments._turns import _Records, _Turn
from matchcore.instruments.budget import plugin_budget_s, run_in_turn
from matchcore.instruments.registry import get_registry
from matchcore.instruments.results import (
    CostLine,
    CostSummary,
    DatedValue,
    DurationLimits,
    DurationLine,
    FlaggedValidity,
    InstrumentResult,
    NoteLine,
    Reason,
    StepLine,
    VariantCosts,
)
from matchcore.instruments.types import (
    FEASIBILITY,
    WEEKS_PER_MONTH,
    Check,
    Context,
    Cost,
    Duration,
    NetCost,
    Note,
    Step,
)

__all__ = ["brief", "evaluate", "evaluate_all", "pair_rows"]


def _call(instrument: Instrument, method: str, plugin: str, *args):
    """(answer, None), or (None, the ParameterError of a value missing on the date)."""
    try:
        return getattr(instrument, method)(*args), None
    except ParameterError as exc:
        return None, exc
    except Exception as exc:  # a plugin's bug (UnknownParameter included) must not stop the match
        raise InstrumentFailed(plugin, instrument.code, method, f"raised {type(exc).__name__}: {exc}") from exc


def _validity_check(inst: Instrument, ctx: Context) -> Check | None:
    src = inst.validity_reference or inst.source
    # texts in the language in use, dates as date_text writes them (ISO in English)
    if inst.valid_from is not None and ctx.start < inst.valid_from:
        text = (_("{code} did not exist yet on the planned start {start}: it exists from {first}; before that: "
                  "{predecessor}") if inst.predecessor else
                _("{code} did not exist yet on the planned start {start}: it exists from {first}"))
        return Check("validity", False, text.format(code=inst.code, start=date_text(ctx.start),
                                                    first=date_text(inst.valid_from), predecessor=inst.predecessor),
                     src, date=inst.valid_from)
    if inst.valid_until is not None and ctx.start >= inst.valid_until:
        last = inst.valid_until - dt.timedelta(days=1)
        succ = (_("its successor is {code}").format(code=inst.successor) if inst.successor
                else _("it has no successor"))
        text = (_("{code} existed from {first} until {last} (ended on {end}), so not for a start on {start}; "
                  "{successor}") if inst.valid_from else
                _("{code} existed until {last} (ended on {end}), so not for a start on {start}; {successor}"))
        return Check("validity", False, text.format(code=inst.code, first=date_text(inst.valid_from),
                                                    last=date_text(last), end=date_text(inst.valid_until),
                                                    start=date_text(ctx.start), successor=succ),
                     src, date=inst.valid_until)
    return None


def _resolve_sources(inst: Instrument, things: Iterable) -> None:
    """Turn a reference key given as ``source`` (e.g. ``"S-001"``) into its Reference."""
    for thing in things:
        if isinstance(thing.source, str) and thing.source:
            try:
                thing.source = inst.ref(thing.source)
            except MatchcoreError:
                pass  # free text: cited as written


def _result(inst: Instrument, ctx: Context, plugin: str) -> InstrumentResult:
    level, why = _feasibility(inst, ctx, plugin)
    # name (from the parameter file) and reasons in the language in use; codes stay as they are
    return InstrumentResult(inst.code, _(inst.name), plugin, None, [], [], inst.valid_from, inst.valid_until,
                            inst.successor, ctx.start, ctx.on, DurationLimits(), feasibility=level,
                            feasibility_reason=_(why),
                            abolished=inst.valid_until is not None and inst.valid_until <= ctx.on)


def _feasibility(inst: Instrument, ctx: Context, plugin: str) -> tuple[str, str]:
    answer, err = _call(inst, "practical_feasibility", plugin, ctx)
    if err:
        return inst.feasibility, inst.feasibility_reason
    if not (isinstance(answer, tuple) and len(answer) == 2 and answer[0] in FEASIBILITY
            and isinstance(answer[1], str) and answer[1].strip()):
        raise InstrumentFailed(plugin, inst.code, "practical_feasibility", f"returned {answer!r}, expected "
                               f"(one of {', '.join(FEASIBILITY)}, a reason)")
    return answer


def _eligibility(inst: Instrument, ctx: Context, plugin: str) -> list[Check]:
    checks, err = _call(inst, "eligibility", plugin, ctx)
    if err:
        param_file = inst.parameters.path.name if inst.parameters else None
        return [Check("parameters", None, str(err), param_file or inst.source,
                      missing=[N_("a parameter value for this date")])]   # shown through _()
    if checks is None:
        raise InstrumentFailed(plugin, inst.code, "eligibility", "returned None, expected a list of Check "
                               "(an empty list when no rule applies)")
    checks = expect_list(checks, Check, plugin, inst.code, "eligibility")
    if not checks:  # no rule at all is no verdict, not "eligible"
        checks = [Check("rules", None, _("{code} states no eligibility rule for a start on {start}, so "
                                         "eligibility is unknown").format(code=inst.code, start=date_text(ctx.start)),
                        inst.source, missing=[N_("the instrument's eligibility rules")])]
    return checks


def _duration(inst: Instrument, ctx: Context, plugin: str, checks: list[Check], notes: list[Note]):
    duration, err = _call(inst, "duration", plugin, ctx)
    if err:
        notes.append(Note(str(err)))
        duration = Duration()
    elif not isinstance(duration, Duration):
        raise InstrumentFailed(plugin, inst.code, "duration", f"returned {duration!r}, expected a Duration")
    check_answer(duration, plugin, inst.code, "duration")
    weeks = ctx.duration_weeks if ctx.duration_weeks is not None else duration.default_weeks
    if ctx.duration_weeks is not None:
        lo, hi = duration.min_weeks, duration.max_weeks
        if hi is not None and ctx.duration_weeks > hi:
            checks.append(Check("duration", False, _("planned {weeks} weeks exceeds the maximum of {limit} weeks")
                                .format(weeks=format_number(ctx.duration_weeks), limit=format_number(hi)),
                                duration.source, duration.params))
        elif lo is not None and ctx.duration_weeks < lo:
            checks.append(Check("duration", False, _("planned {weeks} weeks is below the minimum of {limit} weeks")
                                .format(weeks=format_number(ctx.duration_weeks), limit=format_number(lo)),
                                duration.source, duration.params))
    if inst.valid_until is not None and weeks is not None and ctx.start + dt.timedelta(weeks=weeks) > inst.valid_until:
        notes.append(Note(_("{code} ends on {end}, before the planned end").format(
                              code=inst.code, end=date_text(inst.valid_until)),
                          inst.validity_reference or inst.source))
    return duration, weeks


def _variant(inst: Instrument, ctx: Context, plugin: str, keys: list, notes: list[Note]) -> str | None:
    if not inst.variants:
        return None
    wanted = ctx.variants.get(inst.code)
    if wanted is not None:
        if wanted not in keys:
            raise MatchcoreError(f"instrument {inst.code} has no variant {wanted!r}; its variants are "
                                 f"{', '.join(keys)}")
        chosen, why = wanted, Note(_("variant {key} chosen by the user").format(key=repr(wanted)))
    else:
        sel, err = _call(inst, "select_variant", plugin, ctx)
        if err:
            sel = (keys[0], Note(str(err)))
        if not (isinstance(sel, tuple) and len(sel) == 2 and sel[0] in keys and isinstance(sel[1], Note)):
            raise InstrumentFailed(plugin, inst.code, "select_variant",
                                   f"returned {sel!r}, expected (variant key, Note)")
        chosen, why = sel
    notes.append(why)
    return chosen


def _costs(inst: Instrument, ctx: Context, plugin: str, keys: list, chosen, notes: list[Note],
           used: list[ParamValue]) -> dict:
    per_variant = {}
    for key in keys:
        costs, err = _call(inst, "costs", plugin, ctx, key) if key is not None else _call(inst, "costs", plugin, ctx)
        if err:
            notes.append(Note((_("costs of variant {key} unknown: {error}") if key else _("costs unknown: {error}"))
                              .format(key=key, error=err)))
            per_variant[key] = None
            continue
        costs = expect_list(costs, Cost, plugin, inst.code, "costs")
        if key == chosen:  # the other variants' items carry their own `unverified` flags
            used.extend(p for c in costs for p in c.params)
        per_variant[key] = costs
    return per_variant


def _steps_and_notes(inst: Instrument, ctx: Context, plugin: str, notes: list[Note]) -> list[Step]:
    steps, err = _call(inst, "steps", plugin, ctx)
    if err:
        notes.append(Note(_("steps unknown: {error}").format(error=err)))
        steps = []
    steps = expect_list(steps, Step, plugin, inst.code, "steps")
    steps.sort(key=lambda s: (s.due is None, s.due or dt.date.max))
    more, err = _call(inst, "notes", plugin, ctx)
    notes.extend([Note(str(err))] if err else expect_list(more, Note, plugin, inst.code, "notes"))
    notes.extend(Note(local(text), inst.source) for text in inst.meta_notes)   # per-language forms too
    if ctx.start >= ctx.on:
        for s in steps:
            if s.legal and s.due is not None and s.due < ctx.on:
                lead = (ctx.start - s.due).days
                notes.append(Note(_("legal deadline already passed: '{step}' was due by {due} ({days} days before "
                                    "the start); the earliest start with it on time is {earliest}").format(
                                      step=_(s.what), due=date_text(s.due), days=lead,
                                      earliest=date_text(ctx.on + dt.timedelta(days=lead))), s.source, s.params))
    return steps


def evaluate(inst: Instrument, ctx: Context, plugin: str = "?") -> InstrumentResult:
    """Evaluate one instrument for one context.

    Raises InstrumentFailed when the instrument raises (other than ParameterError), returns
    malformed data, or its answers cannot be made into a result; a ParameterError (no value for
    the date) becomes an unknown verdict or figure.
    """
    try:
        return _evaluate(inst, ctx, plugin)
    except MatchcoreError:   # InstrumentFailed, or the user's unknown variant
        raise
    except Exception as exc:  # answers that pass the checks but still cannot be made into a result
        raise InstrumentFailed(plugin, inst.code, "evaluate", f"gave answers that could not be made into a "
                               f"result: {type(exc).__name__}: {exc}") from exc


def _evaluate(inst: Instrument, ctx: Context, plugin: str) -> InstrumentResult:
    out = _result(inst, ctx, plugin)
    gone = _validity_check(inst, ctx)
    if gone is not None:
        out.eligible, out.reasons = False, [Reason.of(gone)]
        out.unverified = _unverified(inst, [])
        return out
    notes: list[Note] = []
    used: list[ParamValue] = []
    checks = _eligibility(inst, ctx, plugin)
    duration, weeks = _duration(inst, ctx, plugin, checks, notes)
    keys = [v.key for v in inst.variants] or [None]
    chosen = _variant(inst, ctx, plugin, keys, notes)
    days, err = _call(inst, "days_per_month", plugin, ctx)
    if err or not isinstance(days, (int, float)) or isinstance(days, bool) or not 0 <= days <= 31:
        days = ctx.days_per_week * WEEKS_PER_MONTH   # NaN and infinity fail the range test too
    per_variant = _costs(inst, ctx, plugin, keys, chosen, notes, used)
    steps = _steps_and_notes(inst, ctx, plugin, notes)
    _fill(out, inst, ctx, checks, duration, weeks, days, keys, chosen, per_variant, steps, notes, used)
    return out


def _fill(out: InstrumentResult, inst: Instrument, ctx: Context, checks, duration, weeks, days, keys, chosen,
          per_variant, steps, notes, used) -> None:
    _resolve_sources(inst, [*checks, *notes, *steps, duration,
                            *(c for costs in per_variant.values() for c in costs or [])])
    oks = [c.ok for c in checks]
    out.eligible = False if False in oks else None if None in oks else True
    out.reasons = [Reason.of(c) for c in checks]
    out.missing = sorted({m for c in checks if c.ok is None for m in c.missing})
    out.duration = DurationLine.of(duration)
    for key in keys:
        costs = per_variant[key]
        summary = summarise_costs(costs, ctx, weeks, days) if costs is not None else CostSummary()
        lines = [CostLine.of(c) for c in costs or []]
        if key is None or key == chosen:
            out.variant, out.costs = key, lines
            out.employer_cost_per_month_eur = summary.employer_cost_per_month_eur
            out.employer_cost_per_month_excl_vat_eur = summary.employer_cost_per_month_excl_vat_eur
            out.employer_cost_total_eur = summary.employer_cost_total_eur
            out.employer_cost_unknown = summary.employer_cost_unknown
            out.net_cost = _net_cost(inst, ctx, out.plugin, costs, days)
        if key is not None:
            v = next(v for v in inst.variants if v.key == key)
            out.variants.append(VariantCosts(key, v.label, v.condition, key == chosen, lines,
                                             summary.employer_cost_per_month_eur,
                                             summary.employer_cost_per_month_excl_vat_eur,
                                             summary.employer_cost_total_eur, summary.employer_cost_unknown))
    out.steps = [StepLine.of(s, ctx.on, ctx.start) for s in steps]
    out.notes = [NoteLine.of(n) for n in notes]
    for thing in [*checks, *steps, *notes, duration]:
        used.extend(thing.params)
    out.unverified = _unverified(inst, used)


def _net_cost(inst: Instrument, ctx: Context, plugin: str, costs, days: float):
    """The net monthly cost on the one definition: the plugin's own figure, else derived."""
    normal = normal_net_cost_eur(ctx.function, ctx.start)
    stated, err = _call(inst, "net_cost", plugin, ctx, list(costs or []), normal)
    if err:
        stated = NetCost(None, _("net cost unknown: {error}").format(error=err))
    if stated is not None:
        amount = stated.amount_eur if isinstance(stated, NetCost) else None
        if not isinstance(stated, NetCost) or not isinstance(stated.text, str) or not stated.text.strip() or (
                amount is not None and not (isinstance(amount, (int, float)) and not isinstance(amount, bool)
                                            and abs(amount) <= MAX_AMOUNT_EUR)):
            raise InstrumentFailed(plugin, inst.code, "net_cost", f"returned {stated!r}, expected None or a "
                                   f"NetCost with a finite amount (at most {MAX_AMOUNT_EUR:,.0f}) or None and a text")
    line = derive_net_cost(inst.cost_basis, costs, normal, days, stated)
    full = ctx.days_per_week * WEEKS_PER_MONTH
    if stated is None and line.net_cost_per_month_eur is not None and days < full - 0.05 and \
            any(c.per == "day" and c.sign() for c in costs or []):
        line = replace(line, net_cost_text=_("{text}; for {days} days a month, fewer than the function's {full}: "
                                             "not the normal hire's hours").format(
                           text=_(line.net_cost_text), days=format_number(days, 2), full=format_number(full, 2)))
    return line


def _unverified(inst: Instrument, used: Iterable[ParamValue]) -> list[DatedValue | FlaggedValidity]:
    seen = set()
    flagged: list[DatedValue | FlaggedValidity] = []
    if inst.validity_unverified:
        src = inst.validity_reference or inst.source
        flagged.append(FlaggedValidity("validity", [inst.valid_from, inst.valid_until], inst.valid_from,
                                       src.cite() if isinstance(src, Reference) else src))
    for p in used:
        key = (p.name, p.valid_from)
        if p.unverified and key not in seen:
            seen.add(key)
            flagged.append(DatedValue.of(p))
    return flagged


def _language_pinned(fn):
    """``fn`` with the language in use pinned in the context while it runs (the same language).

    Why: every text asks for the language (thousands of times a match query, issue 16), and
    without a context language each asks ``os.environ`` for MATCHCORE_LANG (2 us); pinned, the
    context variable answers. The worker threads get it too (run_in_turn copies the context).
    """
    @functools.wraps(fn)
    def pinned(*args, **kwargs):
        with use_language(None):
            return fn(*args, **kwargs)
    return pinned


@_language_pinned
def evaluate_all(candidate, employer, function, *, start: dt.date | None = None, on: dt.date | None = None,
                 duration_weeks: float | None = None, codes: Iterable[str] | None = None,
                 variants: dict[str, str] | None = None, problems: list | None = None,
                 plugin_manager=None, budget_s: float | None = None,
                 include_abolished: bool = True, give_records: bool = False) -> list[InstrumentResult]:
    """Evaluate every registered instrument for one candidate at one function.

    Parameters
    ----------
    candidate, employer, function : matchcore.model records (plugins see read-only copies)
    start : planned start; default ``on`` + 42 days. Rules in force on ``start`` apply.
    on : evaluation date; default today. Steps due before it are flagged overdue.
    duration_weeks : planned duration; gives ``employer_cost_total_eur`` and checks the limits.
    codes : only these instrument codes (case-insensitive); default all. Named codes are
        evaluated even when abolished.
    variants : chosen variant per code, e.g. ``{"BIS": "booster-nonprofit"}``.
    problems : a list that receives a :class:`matchcore.instruments.registry.PluginProblem` per plugin failure.
    plugin_manager : a manager from :func:`matchcore.instruments.registry.make_plugin_manager`; default the
        process-wide one (cached, as are the parsed parameter files).
    budget_s : time budget of each instrument's evaluation and each ``prepare_context``; default
        ``$MATCHCORE_PLUGIN_BUDGET_S``, else 2 s. One over it is reported and skipped.
    include_abolished : False leaves out the instruments that ended before ``on`` (unless named in ``codes``).
    give_records : the employer and function are the caller's to give (read for this call, used
        for nothing after it): the plugins' read-only views wrap them instead of deep copies; a
        change a plugin makes anyway is still found, reported and undone.

    Returns
    -------
    list of InstrumentResult, one per instrument, sorted by code (case-insensitively). An
    instrument that fails is left out and reported; :func:`~matchcore.instruments.costs.recommended`
    orders them for a recommendation.
    """
    on = on or dt.date.today()
    start = start or on + dt.timedelta(days=DEFAULT_LEAD_DAYS)
    budget = plugin_budget_s(budget_s)
    registry = get_registry(plugin_manager)
    records = _Records((candidate, employer, function), given=give_records)
    ctx = Context(**records.views(), start=start, on=on, duration_weeks=duration_weeks,
                  variants={registry.by_upper.get(k.upper(), k): v for k, v in (variants or {}).items()})
    found: list = []
    left_running = registry.prepare(ctx, found, budget)
    if left_running or records.changed(ctx):
        records.give_up() if left_running else records.restore()
        ctx = replace(ctx, **records.views())
    wanted = None if codes is None else {registry.lookup(c).code for c in codes}
    todo = []
    for code, (inst, plugin) in sorted(registry.instruments.items(), key=lambda kv: (kv[0].casefold(), kv[0])):
        if wanted is not None and code not in wanted:
            continue
        if wanted is None and not include_abolished and inst.valid_until is not None and inst.valid_until <= on:
            continue
        todo.append((code, inst, plugin))
    results = []
    while todo:
        # all of the pair's instruments in one worker, one after the other, each under its own
        # budget (budget.run_in_turn); one that overruns ends the run and the rest run again
        turn = _Turn(ctx, records, evaluate)
        outcomes = run_in_turn(budget, [(inst, functools.partial(turn.evaluate, inst, plugin))
                                        for _code, inst, plugin in todo])
        for (code, inst, plugin), (ok, outcome) in zip(todo, outcomes):
            if ok:
                result, failure, changed = outcome
            else:   # over its budget (or a key still stuck), or the user's unknown variant
                if isinstance(outcome, MatchcoreError) and not isinstance(outcome, InstrumentFailed):
                    raise outcome
                result, failure = None, outcome
                own = turn.own.get(code)
                changed = records.changed(own) if own is not None else None
            if isinstance(failure, InstrumentFailed):
                found.append(registry.report(failure.plugin, "evaluate", str(failure), instrument=failure.code))
            elif failure is not None:   # over its budget, or a plugin that exits
                found.append(registry.report(plugin, "evaluate", f"evaluate() {failure}", instrument=code))
            if changed:
                found.append(registry.report(plugin, "evaluate", f"evaluate() changed the {changed} it was given "
                                             "(records are read-only for plugins)", instrument=code))
                result = None
            if result is not None:
                results.append(result)
        ctx = turn.ctx
        if outcomes and not outcomes[-1][0]:   # a call left running keeps its copies: fresh ones for the rest
            records.give_up()
            ctx = replace(ctx, **records.views())
        todo = todo[len(outcomes):]
    if problems is not None:
        problems.extend(found)
    return results


def brief(results: list[InstrumentResult]) -> list[dict]:
    """The short form a match or carving result carries (FORMATS.md): code, eligible, feasibility,
    employer cost and net cost a month, in the order given."""
    return [{"code": r.code, "kind": "instrument", "name": r.name, "eligible": r.eligible,
             "feasibility": r.feasibility, "feasibility_reason": r.feasibility_reason,
             "employer_cost_per_month_eur": r.employer_cost_per_month_eur,
             "net_cost_per_month_eur": r.net_cost_per_month_eur, "net_cost_text": _(r.net_cost.net_cost_text),
             "net_premium_gain": r.net_cost.net_premium_gain, "abolished": r.abolished,
             "reasons": [_(x.text) for x in r.reasons]} for r in results]


def baseline_row(employer, function, start: dt.date) -> dict:
    """The normal hire as a row beside :func:`brief`'s (code ``normal``)."""
    b = normal_hire(employer, function, start)
    return {"code": NORMAL, "kind": "baseline", "name": b.name, "eligible": True, "feasibility": None,
            "feasibility_reason": None, "employer_cost_per_month_eur": b.net_cost_per_month_eur,
            "net_cost_per_month_eur": b.net_cost_per_month_eur, "net_cost_text": b.text, "net_premium_gain": False,
            "abolished": False, "reasons": [b.text, *b.notes], "source": b.source}


@_language_pinned
def pair_rows(candidate, employer, function, *, on: dt.date | None = None, all_instruments: bool = False,
              problems: list | None = None, plugin_manager=None, budget_s: float | None = None,
              give_records: bool = False) -> list[dict]:
    """What a match line, the call sheet and a carving candidate show for one pair: the normal
    hire first, then the instruments best first (:func:`~matchcore.instruments.costs.rank_key`),
    without the abolished ones unless ``all_instruments``; ``give_records`` as for :func:`evaluate_all`."""
    on = on or dt.date.today()
    results = evaluate_all(candidate, employer, function, on=on, problems=problems, plugin_manager=plugin_manager,
                           budget_s=budget_s, include_abolished=all_instruments, give_records=give_records)
    return [baseline_row(employer, function, on + dt.timedelta(days=DEFAULT_LEAD_DAYS)),
            *brief(recommended(results))]
