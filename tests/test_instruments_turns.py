"""A pair's instruments run one after the other in one worker (budget.run_in_turn), each under its
own budget, and the check for a changed record compares each copy with its own snapshot: the same
guarantees as one thread and one deep comparison per instrument (issue 16)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from matchcore.errors import MatchcoreError
from matchcore.instruments import Check, evaluate_all, hookimpl
from matchcore.instruments.budget import run_in_turn
from matchcore.instruments.registry import make_plugin_manager

from tests.test_instruments_failures import Fine, records  # the same test records

START = dt.date(2026, 2, 2)


def evaluate(*instruments, records_=None, **kw):
    class P:
        __name__ = "matchcore_turns_plugin"

        @hookimpl
        def register_instruments(self):
            return list(instruments)

    problems: list = []
    pm = make_plugin_manager(entry_points=False, plugins=[P()])
    results = evaluate_all(*(records_ or records()), start=START, plugin_manager=pm, problems=problems, **kw)
    return {r.code: r for r in results}, [str(p) for p in problems]


def test_the_instruments_after_one_over_its_budget_are_still_evaluated_on_untouched_records():
    release = threading.Event()
    seen = []

    class Hangs(Fine):
        code = "A-HANGS"     # evaluated first (by code)

        def eligibility(self, ctx):
            release.wait(10)
            ctx.candidate._ReadOnly__target.employment.status = "changed late"   # after its budget
            return []

    class Looks(Fine):
        code = "LOOKS"

        def eligibility(self, ctx):
            seen.append(ctx.candidate.employment.status)
            return [Check("rule", True, "met")]

    candidate, employer, function = records()
    try:
        results, problems = evaluate(Hangs(), Fine(), Looks(), records_=(candidate, employer, function),
                                     budget_s=0.2)
    finally:
        release.set()
    assert "A-HANGS" not in results and results["FINE"].eligible is True and results["LOOKS"].eligible is True
    assert any("instrument A-HANGS: evaluate() took longer than its time budget of 0.2 s" in p for p in problems)
    assert seen == ["jobseeker"] and candidate.employment.status == "jobseeker"


def test_an_unknown_variant_ends_the_pair_and_later_instruments_are_not_started():
    from matchcore.instruments import Variant

    started = []

    class Variants(Fine):
        code = "A-VARIANTS"
        variants = (Variant("one", "one", "always"),)

    class Later(Fine):
        code = "LATER"

        def eligibility(self, ctx):
            started.append(self.code)
            return [Check("rule", True, "met")]

    with pytest.raises(MatchcoreError, match="has no variant 'two'"):
        evaluate(Variants(), Later(), variants={"A-VARIANTS": "two"})
    assert started == []


@pytest.mark.parametrize("change, reported", [
    (lambda c: setattr(c.employment, "status", "sec_employee"), True),
    (lambda c: c.__dict__.update(id="K-2"), True),
    (lambda c: setattr(c.employment, "status", "job" + "seeker"), False),   # an equal value is no change
])
def test_a_change_under_the_view_is_found_by_the_snapshot(change, reported):
    class Digs(Fine):
        code = "DIGS"

        def eligibility(self, ctx):
            change(ctx.candidate._ReadOnly__target)
            return [Check("rule", True, "met")]

    results, problems = evaluate(Digs(), Fine())
    text = "\n".join(problems)
    assert ("instrument DIGS: evaluate() changed the candidate it was given" in text) is reported
    assert ("DIGS" in results) is not reported and results["FINE"].eligible is True


def test_run_in_turn_gives_each_call_its_outcome_and_stops_after_one_that_raises():
    outcomes = run_in_turn(1.0, [("a", lambda: 1), ("b", lambda: 1 / 0), ("c", lambda: 3)])
    assert outcomes[0] == (True, 1) and not outcomes[1][0] and isinstance(outcomes[1][1], ZeroDivisionError)
    assert len(outcomes) == 2 and run_in_turn(1.0, []) == []
