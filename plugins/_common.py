"""Rule helpers the built-in instruments share (not a plugin: no entry point, no hooks)."""
from __future__ import annotations

from typing import Any

from matchcore.i18n import format_percent
from matchcore.instruments import N_, Check, Context, Cost, Instrument, Note, _, format_number, money

STATUS_WORDS = {
    "sec_employee": N_("employed in the social economy (SEC)"),
    "jobseeker": N_("a non-working jobseeker"),
    "employee": N_("an employee"),
    "self_employed": N_("self-employed"),
    "student": N_("a student"),
    "other": N_("in another situation"),
}


def status_words(status: str) -> str:
    """The employment status as a coach reads it, in the language in use."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def status_check(inst: Instrument, ctx: Context, param: str, rule: str, *,
                 unclear: dict[str, str] | None = None) -> Check:
    """Candidate's employment status must be one of the parameter's list.

    ``unclear`` maps statuses to a reason why the rule's outcome is unknown for them.
    """
    allowed = inst.p(param, ctx)
    status = ctx.employment.status
    words = status_words(status)
    if unclear and status in unclear:
        return Check(rule, None, _("candidate is {status}: {reason}").format(status=words, reason=_(unclear[status])),
                     params=[allowed], missing=[_("whether the rule admits the candidate's situation")])
    ok = status in allowed.value
    listed = ", ".join(status_words(s) for s in allowed.value)
    return Check(rule, ok, _("candidate is {status}; {code} is for: {allowed}").format(
        status=words, code=inst.code, allowed=listed), params=[allowed])


def field_or_fact(ctx: Context, value: Any, name: str, *, extra_of: Any = None) -> Any:
    """A record field's value; when it is not given (None), the old place of the fact.

    Before these facts had fields they were read from ``extra:``: ``extra_of`` (a function or
    employer) is looked up first, then ``ctx.fact(name)`` (the candidate's ``extra`` or a
    ``prepare_context`` plugin). Existing files keep working; the field wins when both are given.
    """
    if value is not None:
        return value
    if extra_of is not None:
        old = (getattr(extra_of, "extra", None) or {}).get(name)
        if old is not None:
            return old
    return ctx.fact(name)


REGION_WORDS = {"flanders": N_("Flanders"), "brussels": N_("Brussels"), "wallonia": N_("Wallonia")}


def region_words(region: str) -> str:
    """A region code (``postcodes.Place.region``) as a coach reads it, in the language in use."""
    return _(REGION_WORDS[region]) if region in REGION_WORDS else region


def region_check(inst: Instrument, ctx: Context, param: str, rule: str, whose: str = "employer") -> Check:
    """The employer's site (or the candidate's home) must lie in one of the listed regions."""
    allowed = inst.p(param, ctx)
    region = ctx.employer.location.region if whose == "employer" else ctx.candidate.home.region
    field = "employer.location.region" if whose == "employer" else "candidate.home.region"
    if region is None:
        text = (_("the region of the employer's site is unknown") if whose == "employer"
                else _("the region of the candidate's home is unknown"))
        return Check(rule, None, text, params=[allowed], missing=[field])
    text = (_("employer's site is in {region}; allowed: {allowed}") if whose == "employer"
            else _("candidate's home is in {region}; allowed: {allowed}"))
    return Check(rule, region in allowed.value,
                 text.format(region=region_words(region), allowed=", ".join(region_words(r) for r in allowed.value)),
                 params=[allowed])


CATEGORY_WORDS = {"private": N_("a private (profit) employer"), "non_profit": N_("a private non-profit employer"),
                  "public": N_("a public employer")}


def private_or_local_public_check(ctx: Context, source, rule: str = "employer category") -> Check | None:
    """VOP and IMW: private employers (vzw included) qualify; of the public ones only local governments
    and schools. None (no check) when the employer's category is unknown: only a note tells it."""
    category = ctx.employer.sector_category
    if category is None:
        return None
    if category == "public":
        return Check(rule, None, _("a public employer: only local governments and schools qualify"), source,
                     missing=[_("whether the public employer is a local government or a school")])
    return Check(rule, True, _("{category} qualifies").format(category=_(CATEGORY_WORDS[category])), source)


def wage_costs(inst: Instrument, ctx: Context, *, what: str = N_("gross wage")) -> list[Cost]:
    """The function's gross wage a month and an estimate of the employer's contributions on it."""
    rate = inst.shared("employer_rsz_rate", ctx)
    wage = ctx.monthly_gross_wage_eur
    basis = (_("{wage} EUR/h x {hours} h x 52/12").format(wage=format_number(ctx.function.hourly_wage_eur, 2),
                                                         hours=format_number(ctx.hours_per_week))
             if wage is not None else _("function.hourly_wage_eur is unknown"))
    return [
        Cost(_(what), "employer", "candidate", money(wage), "month", basis=basis),
        Cost(_("employer social contributions (estimate)"), "employer", "RSZ",
             money(wage * rate.value) if wage is not None else None, "month",
             basis=_("{rate} of the gross wage").format(rate=format_percent(rate.value)), params=[rate]),
    ]


def pc_matches(pc: str, listed: str) -> bool:
    """Joint committee ``pc`` falls under ``listed`` ('119' covers '119' and '119.xx')."""
    pc, listed = pc.strip(), listed.strip()
    return pc == listed or pc.startswith(listed + ".")


def province_of(postcode: str) -> str | None:
    """Flemish province of a Belgian postcode (by the postcode ranges), else None."""
    try:
        n = int(postcode)
    except (TypeError, ValueError):
        return None
    for lo, hi, name in ((2000, 2999, "Antwerpen"), (3000, 3499, "Vlaams-Brabant"), (1500, 1999, "Vlaams-Brabant"),
                         (3500, 3999, "Limburg"), (8000, 8999, "West-Vlaanderen"), (9000, 9999, "Oost-Vlaanderen")):
        if lo <= n <= hi:
            return name
    return None


def index_notes(*params) -> list[Note]:
    """One note per indexed value asked beyond its last known indexation (``ParamValue.indexation_note``)
    and per disputed value's alternative in force, so the coach reads that the figure may be outdated."""
    out, seen = [], set()
    unverified = _("not verified")   # outside the f-string, so that tools/i18n.py extracts it
    for p in params:
        for text in ([p.indexation_note] if p.indexation_note else []) + [
                f"{p.name}: {a.describe()} ({unverified})" for a in p.alternatives]:
            if text not in seen:
                seen.add(text)
                out.append(Note(text, p.reference, params=[p]))
    return out
