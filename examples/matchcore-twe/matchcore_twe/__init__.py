"""matchcore-twe: the instrument TWE (tijdelijke werkervaring) as a matchcore plugin.

An example of a third-party plugin. matchcore now has TWE built in (``plugins/twe.py``, code
``TWE``), so this example registers the code ``TWE-example``: a second distribution may not take
a code a built-in has (matchcore's own plugins register first and keep it).

The planned start is the first appointment with the TWE partner. Everything dated lives in
``twe.yaml`` beside this module; the class reads it with ``self.p(name, ctx)``.

Its texts are English inside ``_()`` and translated by its own Dutch catalogue,
``locale/nl/LC_MESSAGES/matchcore_twe.po`` (compiled to ``.mo``, shipped as package data), which
it adds with :func:`matchcore.instruments.add_catalogue` when imported (docs/plugins.md).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from matchcore.instruments import hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step, _, add_catalogue

__version__ = "0.1.0"
DOMAIN = "matchcore_twe"
add_catalogue(DOMAIN, Path(__file__).resolve().parent / "locale")


class TWE(Instrument):
    code = "TWE-example"
    parameters_file = "twe.yaml"   # name, summary and source come from its `instruments: TWE:` entry

    def eligibility(self, ctx: Context) -> list[Check]:
        allowed = self.p("allowed_statuses", ctx)
        status = ctx.employment.status
        return [Check(_("candidate situation"), status in allowed.value,
                      _("candidate is {status}; TWE is for: {allowed} referred by VDAB").format(
                          status=status, allowed=", ".join(allowed.value)),
                      params=[allowed])]

    def duration(self, ctx: Context) -> Duration:
        weeks = self.p("max_weeks", ctx)
        return Duration(None, weeks.value, weeks.value, text=_("the work-experience agreement runs 2 years"),
                        params=[weeks])

    def costs(self, ctx: Context) -> list[Cost]:
        # The partner is paid by VDAB (a tender); workplace learning within TWE (WES, IBO) is
        # evaluated as its own instrument.
        return [Cost(_("mediation and guidance by the TWE partner"), "VDAB", _("TWE partner"), None, "month",
                     source="twe-manual")]

    def steps(self, ctx: Context) -> list[Step]:
        sheet = self.p("first_sheet_days", ctx)
        again = self.p("reschedule_days", ctx)
        advice = self.p("final_advice_days", ctx)
        weeks = ctx.duration_weeks or self.p("max_weeks", ctx).value
        end = ctx.start + dt.timedelta(weeks=weeks)
        return [
            Step(_("first appointment: sign the work-experience agreement (WEO), start the mediation process"),
                 ctx.start, who=_("TWE partner, candidate"), params=[sheet]),
            Step(_("if the candidate missed the first appointment: a new one (registered letter the second time)"),
                 ctx.start + dt.timedelta(days=again.value), who=_("TWE partner"), params=[again]),
            Step(_("first agreement sheet (afsprakenblad) signed by partner and candidate"),
                 ctx.start + dt.timedelta(days=sheet.value), who=_("TWE partner, candidate"), legal=True,
                 params=[sheet]),
            Step(_("final advice in Mijn Loopbaan; then the C91 certificate to the candidate"),
                 end + dt.timedelta(days=advice.value), who=_("TWE partner"), legal=True, params=[advice]),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        return [Note(_("the service closes automatically after 2 months without contract days (training, stage "
                       "or work) or after 3 times in the passive category"), "twe-manual"),
                Note(_("within TWE the partner itself runs an IBO"), "twe-manual")]


@hookimpl
def register_instruments():
    return [TWE()]
