"""The BIO-booster promoter's pricing and steps [S-000], shared by the BIO and BIS instruments.

Not a plugin itself. The two service prices of the seed contradict each other; both are modelled
as variants, selected by whether the employer is a non-profit organisation (sheet A is the
"price for non-profit organisations"; sheet B is the price "when partners take on the coaching").
"""
from __future__ import annotations

from pathlib import Path

from matchcore.i18n import format_percent
from matchcore.instruments import N_, Context, Cost, Instrument, Note, Step, Variant, _, format_number, money
from matchcore.instruments import ParamValue, load_parameters

from ._common import province_of

BOOSTER_FILE = Path(__file__).with_name("booster.yaml")
SHARED_FILE = Path(__file__).with_name("shared.yaml")   # booster.yaml cites the seeds defined there

NONPROFIT = Variant(
    "booster-nonprofit", "BIO-booster promoter, non-profit price sheet",
    "the employer is a non-profit organisation: sheet 'Prijs voor non-profit organisaties', service "
    "EUR 330 excl. VAT a month [S-000]")
PARTNER = Variant(
    "booster-partner", "BIO-booster promoter, partner coaching price",
    "the BIO coaching is taken on by partners (agreed in West and East Flanders): service EUR 400 excl. "
    "VAT a month = BIO-coach 250 + promoter 150 [S-000]; matchcore's choice for employers that are "
    "not non-profit")
VARIANTS = (NONPROFIT, PARTNER)
# how the distance was measured (the fact ``distance_source``; the engine's default is set in
# matchcore/instruments/registry.py): marked here so that tools/i18n.py extracts them for _(how) below
DISTANCE_SOURCES = (N_("straight line between postcode centres"), N_("distance"))


def p(name: str, ctx: Context) -> ParamValue:
    return load_parameters(BOOSTER_FILE, SHARED_FILE).get(name, ctx.start)


def select(ctx: Context) -> tuple[str, Note]:
    if ctx.employer.non_profit:
        return NONPROFIT.key, Note(_(
            "the seed's two BIO-booster sheets disagree on the service price (EUR 330 vs 400 excl. VAT); "
            "the employer is non-profit, so the non-profit sheet (EUR 330 excl. VAT) applies"), "S-000")
    return PARTNER.key, Note(_(
        "the seed's two BIO-booster sheets disagree on the service price (EUR 330 vs 400 excl. VAT); the "
        "employer is not non-profit, so the partner price (EUR 400 excl. VAT = coach 250 + promoter 150) "
        "applies"), "S-000")


def costs(inst: Instrument, ctx: Context, variant: str, allowance: float | None, allowance_basis: str,
          allowance_params: list[ParamValue]) -> list[Cost]:
    vat = inst.shared("vat_standard_rate", ctx)
    items = [Cost(_("trainee allowance (paid by the promoter, invoiced on)"), "employer", "promoter",
                  money(allowance), "month", basis=allowance_basis, params=allowance_params)]
    if variant == NONPROFIT.key:
        s = p("service_nonprofit_excl_vat_eur", ctx)
        items.append(Cost(_("promoter service price (non-profit sheet)"), "employer", "promoter", s.value, "month",
                          vat_eur=money(s.value * vat.value),
                          basis=_("{rate} VAT on the service only").format(rate=format_percent(vat.value)),
                          params=[s, vat]))
    else:
        coach = p("service_partner_coach_excl_vat_eur", ctx)
        promoter = p("service_partner_promoter_excl_vat_eur", ctx)
        items.append(Cost(_("BIO-coach service (partner coaching)"), "employer", "BIO-coach (partner)", coach.value,
                          "month", vat_eur=money(coach.value * vat.value), params=[coach, vat]))
        items.append(Cost(_("promoter service"), "employer", "promoter", promoter.value, "month",
                          vat_eur=money(promoter.value * vat.value), params=[promoter, vat]))
    km = p("km_rate_eur", ctx)
    d = ctx.distance_km
    how = _(ctx.fact("distance_source") or "distance")
    items.append(Cost(_("commuting allowance (single trip home - workplace)"), "employer", "promoter",
                      money(d * km.value) if d is not None else None, "day",
                      basis=(_("{km} km ({how}) x {rate} EUR/km").format(
                                 km=format_number(d, 1), how=how, rate=format_number(km.value, 2)) if d is not None
                             else _("home or workplace position unknown")), params=[km]))
    return items


def notes(ctx: Context, variant: str | None) -> list[Note]:
    out = []
    if variant == NONPROFIT.key:
        out.append(Note(_("the seed totals EUR 1,166 a month incl. VAT and EUR 1,096 excl. VAT: it rounds the "
                          "service price incl. VAT (330 x 1.21 = 399.30) to EUR 400; itemised to the cent the "
                          "allowance + service + VAT is EUR 1,165.30 a month, plus commuting"), "S-000"))
    provinces = p("provinces", ctx)
    province = province_of(ctx.employer.location.postcode)
    if variant is not None and province not in provinces.value:
        names = list(provinces.value)
        agreed = (_("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1]) if len(names) > 1
                  else "".join(names))
        where = province or _("another region")
        out.append(Note(_("the promoter's prices were agreed for {provinces}; the workplace is in {where}").format(
            provinces=agreed, where=where), params=[provinces]))
    return out


def steps(ctx: Context, *, contract: str = N_("BIO contract")) -> list[Step]:
    """The promoter's practice before, during and after the placement [S-000]."""
    plan = p("plan_days_before_start", ctx)
    before = ctx.before_start(1)
    return [
        Step(_("intake with the employer (function data), screening and selection of the candidate"),
             ctx.before_start(plan.value), who="BIO-coach", source="S-000"),
        Step(_("personalised training plan to VDAB for approval ({days} days ahead, the promoter's practice)").format(
            days=plan.value), ctx.before_start(plan.value), who="BIO-coach", params=[plan]),
        Step(_("exemption from availability requested via the MLP file (benefit recipients)"), before,
             who="BIO-coach", source="S-000"),
        Step(_("medical examination (if required); civil liability and workplace accident insurance; risk analysis "
               "and workstation sheet"), before, who="BIO-coach", source="S-000"),
        Step(_("{contract} drawn up and signed by trainee, workplace and promoter (3 copies)").format(
            contract=_(contract)), before, who="promoter, BIO-coach", source="S-000"),
        Step(_("Dimona declaration"), ctx.start, who="promoter", legal=True, source="S-000"),
        Step(_("attendance list signed by the trainee"), ctx.start, who="workplace", recurring="daily",
             source="S-000"),
        Step(_("follow-up talk(s) and personal action plan (PAP) at each visit; a training moment"), ctx.start,
             who="BIO-coach", recurring="each visit", source="S-000"),
        Step(_("final PAP and BIO-booster certificate to the trainee; satisfaction survey; archive the file"),
             ctx.end, who="BIO-coach, promoter", source="S-000"),
    ]
