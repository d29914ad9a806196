"""The next steps that end an advice (issue 15.6, carving/next_steps.py): who does what by when,
counted from the carving date; the first call per function with a candidate, the instrument
before the first working day, a search when there is no candidate, the scan fixed first when a
capacity warning stands."""
import datetime as dt

from matchcore.carving import carve
from matchcore.carving.next_steps import next_steps
from matchcore.carving.results import CandidateWithInstruments
from matchcore.i18n import use_language
from matchcore.model import Scan

ON = dt.date(2026, 12, 2)


def _scan(headcount=10):
    return Scan.model_validate({
        "kind": "scan", "id": "s", "employer": "e", "date": "2026-11-20",
        "roles": [{"id": "r", "title": "Dokwerker", "hourly_cost_eur": 42, "headcount": headcount}],
        "tasks": [{"id": f"t{i}", "description": "Afval sorteren", "role": "r", "hours_per_week": 13,
                   "competences": ["afval sorteren"]} for i in range(3)]})


def test_steps_with_a_candidate_and_an_instrument():
    result = carve(_scan(), candidates=False, on=ON)
    result.functions[0].candidates = [CandidateWithInstruments(
        candidate="K-0001", score=0.8,
        instruments=[{"code": "IBO", "name": "individuele beroepsopleiding", "eligible": True,
                      "net_cost_per_month_eur": 900.0}])]
    steps = [(s.who, s.due, s.instrument) for s in next_steps(result, ON)]
    assert steps == [("consultant", dt.date(2026, 12, 5), None),
                     ("jobhunter", dt.date(2026, 12, 9), None),
                     ("director", dt.date(2026, 12, 16), None),
                     ("employer", dt.date(2026, 12, 23), "IBO")]


def test_no_candidate_means_a_search_and_a_capacity_warning_comes_first():
    result = carve(_scan(headcount=1), candidates=False, on=ON)   # 39 h for 1 x 38 h: within 5 %
    assert result.warnings == []
    with use_language("en"):
        over = carve(_scan(headcount=0), candidates=False, on=ON)
    first = over.next_steps[0]
    assert first.who == "consultant" and "capacity" in first.what
    search = [s for s in over.next_steps if s.who == "jobhunter"]
    assert len(search) == 1 and search[0].function == "F1" and search[0].due == dt.date(2026, 12, 16)
