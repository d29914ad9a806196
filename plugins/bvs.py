"""BVS: beroepsverkennende stage, 2017-01-01 until 2023-01-01 (then WES) [S-001][S-002]."""
from __future__ import annotations

from matchcore.instruments import _, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step

from ._common import status_check


class BVS(Instrument):
    code = "BVS"
    parameters_file = "bvs.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    feasibility = "medium"
    feasibility_reason = ("abolished on 2023-01-01; it was free for the company, with a stage agreement and a mentor [S-001]")

    def eligibility(self, ctx: Context) -> list[Check]:
        return [status_check(self, ctx, "allowed_statuses", "candidate situation")]

    def duration(self, ctx: Context) -> Duration:
        weeks = self.p("duration_weeks", ctx)
        return Duration(None, weeks.value, weeks.value, text=_("the seed's practice"), params=[weeks])

    def costs(self, ctx: Context) -> list[Cost]:
        # Free for the NEC company: the SEC employer keeps paying the wage [S-001].
        if ctx.employment.status == "sec_employee":
            return [Cost(_("wage keeps running at the SEC employer"), "SEC employer", "candidate", None, "month",
                         basis=_("not a cost of the NEC company"), source="S-001")]
        return []

    def steps(self, ctx: Context) -> list[Step]:
        code = self.p("training_code", ctx)
        return [
            Step(_("stage agreement with a training plan of the tasks, checked with the insurance broker"),
                 ctx.before_start(1), who="SEC organisation", source="S-001"),
            Step(_("the company names a mentor (meter/peter)"), ctx.before_start(1), who="employer", source="S-001"),
            Step(_("register the BVS with training code {code}").format(code=code.value), ctx.start, who="job coach",
                 params=[code]),
            Step(_("interim evaluations (mostly by phone)"), ctx.start, who="job coach", recurring="weekly",
                 source="S-001"),
            Step(_("final evaluation on the work floor"), ctx.end or ctx.start, who="job coach", source="S-001"),
        ]

    def notes(self, ctx: Context) -> list[Note]:
        return [Note(_("no economically profitable work during the BVS"), "S-001"),
                Note(_("free for the NEC company"), "S-001")]


@hookimpl
def register_instruments():
    return [BVS()]
