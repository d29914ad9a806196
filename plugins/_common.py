"""Rule helpers the built-in instruments share (not a plugin: no entry point, no hooks)."""
from __future__ import annotations

from typing import Any

from matchcore.instruments import Check, Context, Cost, Instrument, Note, money

STATUS_WORDS = {
    "sec_employee": "employed in the social economy (SEC)",
    "jobseeker": "a non-working jobseeker",
    "employee": "an employee",
    "self_employed": "self-employed",
    "student": "a student",
    "other": "in another situation",
}


def status_check(inst: Instrument, ctx: Context, param: str, rule: str, *,
                 unclear: dict[str, str] | None = None) -> Check:
    """Candidate's employment status must be one of the parameter's list.

    ``unclear`` maps statuses to a reason why the rule's outcome is unknown for them.
    """
    allowed = inst.p(param, ctx)
    status = ctx.employment.status
    words = STATUS_WORDS.get(status, status)
    if unclear and status in unclear:
        return Check(rule, None, f"candidate is {words}: {unclear[status]}", params=[allowed],
                     missing=["whether the rule admits the candidate's situation"])
    ok = status in allowed.value
    listed = ", ".join(STATUS_WORDS.get(s, s) for s in allowed.value)
    return Check(rule, ok, f"candidate is {words}; {inst.code} is for: {listed}", params=[allowed])


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


def region_check(inst: Instrument, ctx: Context, param: str, rule: str, whose: str = "employer") -> Check:
    """The employer's site (or the candidate's home) must lie in one of the listed regions."""
    allowed = inst.p(param, ctx)
    region = ctx.employer.location.region if whose == "employer" else ctx.candidate.home.region
    place = "employer's site" if whose == "employer" else "candidate's home"
    field = "employer.location.region" if whose == "employer" else "candidate.home.region"
    if region is None:
        return Check(rule, None, f"the {place} region is unknown", params=[allowed], missing=[field])
    return Check(rule, region in allowed.value,
                 f"{place} is in {region}; allowed: {', '.join(allowed.value)}", params=[allowed])


CATEGORY_WORDS = {"private": "a private (profit) employer", "non_profit": "a private non-profit employer",
                  "public": "a public employer"}


def private_or_local_public_check(ctx: Context, source, rule: str = "employer category") -> Check | None:
    """VOP and IMW: private employers (vzw included) qualify; of the public ones only local governments
    and schools. None (no check) when the employer's category is unknown: only a note tells it."""
    category = ctx.employer.sector_category
    if category is None:
        return None
    if category == "public":
        return Check(rule, None, "a public employer: only local governments and schools qualify", source,
                     missing=["whether the public employer is a local government or a school"])
    return Check(rule, True, f"{CATEGORY_WORDS[category]} qualifies", source)


def wage_costs(inst: Instrument, ctx: Context, *, what: str = "gross wage") -> list[Cost]:
    """The function's gross wage a month and an estimate of the employer's contributions on it."""
    rate = inst.shared("employer_rsz_rate", ctx)
    wage = ctx.monthly_gross_wage_eur
    basis = (f"{ctx.function.hourly_wage_eur:.2f} EUR/h x {ctx.hours_per_week:g} h x 52/12"
             if wage is not None else "function.hourly_wage_eur is unknown")
    return [
        Cost(what, "employer", "candidate", money(wage), "month", basis=basis),
        Cost("employer social contributions (estimate)", "employer", "RSZ",
             money(wage * rate.value) if wage is not None else None, "month",
             basis=f"{rate.value:.0%} of the gross wage", params=[rate]),
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
    for p in params:
        for text in ([p.indexation_note] if p.indexation_note else []) + [
                f"{p.name}: {a.describe()} (niet geverifieerd)" for a in p.alternatives]:
            if text not in seen:
                seen.add(text)
                out.append(Note(text, p.reference, params=[p]))
    return out
