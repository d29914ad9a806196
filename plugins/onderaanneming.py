"""Onderaanneming: the SEC organisation subcontracts tasks at the company's site [S-001].

The price is commercial and not in any source: it is the function's ``subcontract_price_month_eur``
(else the old ``extra.subcontract_price_month_eur``, or the fact of that name) when given, else unknown.
"""
from __future__ import annotations

from matchcore.i18n import format_percent
from matchcore.instruments import _, hookimpl
from matchcore.instruments import Check, Context, Cost, Instrument, Note, Step, money

from ._common import field_or_fact, index_notes, status_check


class Onderaanneming(Instrument):
    code = "onderaanneming"
    parameters_file = "onderaanneming.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    feasibility = "medium"
    feasibility_reason = ("a commercial subcontracting agreement; the SEC organisation chooses the workers and the "
                          "company may not direct them (else it is illegal lending) [S-001][tbs-flexius]")

    def eligibility(self, ctx: Context) -> list[Check]:
        return [status_check(self, ctx, "allowed_statuses", "candidate situation")]

    def costs(self, ctx: Context) -> list[Cost]:
        vat = self.p("vat_rate", ctx)
        price = field_or_fact(ctx, ctx.function.subcontract_price_month_eur, "subcontract_price_month_eur",
                              extra_of=ctx.function)
        price = float(price) if price is not None else None
        return [Cost(_("agreed price for the described tasks"), "employer", "SEC organisation", money(price), "month",
                     vat_eur=money(price * vat.value) if price is not None else 0.0,
                     basis=(_("plus {rate} VAT").format(rate=format_percent(vat.value))
                            + "".join(f"; {a.describe()}" for a in vat.alternatives)
                            if price is not None
                            else _("commercial price; give function.subcontract_price_month_eur")),
                     params=[vat])]

    def steps(self, ctx: Context) -> list[Step]:
        return [Step(_("subcontracting agreement describing the tasks and the agreed price, signed"),
                     ctx.before_start(1), who=_("SEC organisation, employer"), source="S-001")]

    def notes(self, ctx: Context) -> list[Note]:
        return [
            Note(_("the SEC organisation chooses which workers it sends; they keep their SEC wage"), "S-001"),
            Note(_("to stay out of illegal lending (TBS) the company may only give instructions on well-being at work "
                   "or instructions spelled out in the written contract"), self.ref("tbs-flexius")),
            *index_notes(self.p("vat_rate", ctx)),
        ]


@hookimpl
def register_instruments():
    return [Onderaanneming()]
