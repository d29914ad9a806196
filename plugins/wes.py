"""WES: werkervaringsstage. Two dated rule sets: 2017 (only within VDAB tenders) and 2023 (widened)."""
from __future__ import annotations

from matchcore.instruments import _, hookimpl
from matchcore.instruments import Check, Context, Cost, Duration, Instrument, Note, Step

from ._common import status_check


class WES(Instrument):
    code = "WES"
    parameters_file = "wes.yaml"
    shared_parameters_file = "shared.yaml"   # GGMMI, VAT, the seeds: the built-ins\' shared values
    feasibility = "medium"
    feasibility_reason = ("only on a proposal by VDAB or a partner, with a 3-party stage plan; for non-working jobseekers [wes-liantis]")

    # --- 2017-01-01: introduced, granted only within two VDAB tenders [S-002]
    def eligibility_2017_01_01(self, ctx: Context) -> list[Check]:
        tenders = self.p("tenders", ctx)
        names = [f"'{t}'" for t in tenders.value]
        listed = (_("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1]) if len(names) > 1
                  else "".join(names))
        return [Check("tender", None, _("before 2023 a WES was granted only within the VDAB tenders {tenders}")
                      .format(tenders=listed), params=[tenders],
                      missing=[_("whether the candidate is in one of those VDAB tenders")])]

    def costs_2017_01_01(self, ctx: Context) -> list[Cost]:
        return [Cost(_("employer's contribution within the tender"), "employer", "VDAB partner", None, "month",
                     basis=_("not in the sources"), source="S-002")]

    # --- 2023-01-01: for non-working jobseekers, at most 6 months, VDAB pays EUR 200 a month
    def eligibility_2023_01_01(self, ctx: Context) -> list[Check]:
        return [status_check(self, ctx, "allowed_statuses", "candidate situation")]

    def duration_2023_01_01(self, ctx: Context) -> Duration:
        limit = self.p("max_duration_weeks", ctx)
        return Duration(None, limit.value, text=_("no minimum hours since 2023"), params=[limit])

    def costs_2023_01_01(self, ctx: Context) -> list[Cost]:
        allowance = self.p("trainee_allowance_month_eur", ctx)
        return [Cost(_("trainee allowance and accident insurance"), "VDAB", "candidate", allowance.value, "month",
                     basis=_("per full month, pro rata"), params=[allowance])]

    def steps_2023_01_01(self, ctx: Context) -> list[Step]:
        code = self.p("training_code", ctx)
        return [
            Step(_("proposal by VDAB or a partner; 3-party stage plan (stageplan) signed"), ctx.before_start(1),
                 who="VDAB/partner, employer, candidate", legal=True, source=self.ref("wes-liantis")),
            Step(_("civil liability (BA) insurance for the trainee"), ctx.before_start(1), who="employer",
                 source=self.ref("wes-liantis")),
            Step(_("register the WES with training code {code}").format(code=code.value), ctx.start, who="partner",
                 params=[code]),
        ]

    def notes_2023_01_01(self, ctx: Context) -> list[Note]:
        out = [Note(_("for a jobseeker with learning potential who lacks generic competences and work "
                      "experience, on a proposal by VDAB or a partner"), self.ref("wes-liantis"))]
        if ctx.employment.status == "sec_employee":
            out.append(Note(_("no verified current equivalent of the BVS exists for an employed SEC worker; "
                              "lending the worker to the company is TBS [rules sheet]"), "rules-sheet"))
        return out


@hookimpl
def register_instruments():
    return [WES()]
