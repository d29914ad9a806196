"""The rules that end a placement (TWE and WIO absences) are found by the parameters they cite,
not by words of the plugins' texts: the same reminders in every language and whatever the
texts say (issue 14; seed 004, 1.2.1 for TWE, seed 003 for WIO)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from matchcore.i18n import use_language
from matchcore.instruments import evaluate_all
from matchcore.model.trajectory import Trajectory
from matchcore.store.io import import_paths
from matchcore.trajectory import placement
from matchcore.trajectory.placement import ENDING_PARAMETERS, reminders_of

EMPLOYER = """\
kind: employer
id: zorg-test
name: Zorg Test
sector: welzijn
joint_committee: "319.01"
location: {postcode: "9000"}
functions:
  - {id: begeleider, title: Persoonsbegeleider, hours_per_week: 38, hourly_wage_eur: 16}
"""
CANDIDATE = """\
kind: candidate
id: K-0950
home: {postcode: "9000"}
hours_per_week: 38
employment: {status: jobseeker}
"""


@pytest.fixture
def pair(store, tmp_path):
    (tmp_path / "e.yaml").write_text(EMPLOYER, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(CANDIDATE, encoding="utf-8")
    import_paths(store, [tmp_path / "e.yaml", tmp_path / "c.yaml"])
    employer = store.employer("zorg-test")
    return store.candidate("K-0950"), employer, employer.functions[0]


def line(text, parameters=(), source="twe-manual", **more):
    return SimpleNamespace(text=text, parameters=list(parameters), source=source, **more)


def test_a_line_citing_an_ending_parameter_is_a_reminder_whatever_its_words():
    result = SimpleNamespace(code="TWE", notes=[
        line("de dienstverlening stopt na 2 maanden zonder contractdagen",
             ["closes_after_idle_months@2017-01-01"]),
        line("the candidate is absent: an English word no longer decides", []),  # no ending parameter
        line("stages are registered with training codes", ["training_codes@2017-01-01"]),
    ], steps=[])
    assert [r.text for r in reminders_of(result)] == ["de dienstverlening stopt na 2 maanden zonder contractdagen"]
    # the parameters of one instrument do not make reminders of another
    assert reminders_of(SimpleNamespace(code="IBO", notes=result.notes, steps=[])) == []


def test_a_plugin_may_mark_a_line_itself():
    marked = line("le contrat prend fin", [], ends_placement=True)
    assert [r.text for r in reminders_of(SimpleNamespace(code="X", notes=[marked], steps=[]))] == [
        "le contrat prend fin"]


@pytest.mark.parametrize("code", sorted(ENDING_PARAMETERS))
def test_the_same_reminders_in_dutch_and_english(pair, code):
    candidate, employer, function = pair
    found = {}
    for lang in ("en", "nl"):
        with use_language(lang):
            (result,) = evaluate_all(candidate, employer, function, start=dt.date(2026, 9, 1),
                                     on=dt.date(2026, 8, 1), codes=[code])
            found[lang] = reminders_of(result)
    # TWE: the absence step and closing after idle months (seed 004); WIO: absence over 1/10 (seed 003)
    assert len(found["en"]) == {"TWE": 2, "WIO": 1}[code]
    assert [r.source for r in found["nl"]] == [r.source for r in found["en"]]
    assert all(r.source for r in found["en"])  # each cites the instrument's source


def test_place_evaluates_the_instrument_once(pair, monkeypatch):
    candidate, employer, function = pair
    calls = []

    def counted(*args, **kwargs):
        calls.append(kwargs.get("codes"))
        return evaluate_all(*args, **kwargs)

    monkeypatch.setattr(placement, "evaluate_all", counted)
    traj = Trajectory(candidate="K-0950")
    with use_language("nl"):
        out = placement.place(traj, candidate, employer, function, start=dt.date(2026, 9, 1),
                              aftercare="zonder", instrument="wio", on=dt.date(2026, 8, 1))
    assert calls == [["wio"]]  # no second evaluation in English to look for words
    assert len(out.placement.reminders) == 1 and "S-003" in out.placement.reminders[0].source
