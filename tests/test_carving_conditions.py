"""Carved functions inherit the physical demands of their tasks (issue 15.1, carving/conditions.py):
heavy work asks lifting (25 kg, ISO 11228-1 reference mass, unless a task gives its own figure),
standing/bending/cold when a task says so, outdoor counts as cold; the matcher then excludes the
candidate whose limits conflict."""
import pytest

from matchcore.carving import carve
from matchcore.carving.conditions import HEAVY_KG, conditions_from_tasks
from matchcore.model import Candidate, Scan, Task


def t(id, **kw):
    return Task.model_validate({"id": id, "description": "x", "role": "r", "hours_per_week": 10, **kw})


@pytest.mark.parametrize("tasks, expected", [
    ([t("a", strain=["heavy"])], {"max_lift_kg": HEAVY_KG}),
    ([t("a", strain=["heavy"]), t("b", max_lift_kg=15)], {"max_lift_kg": HEAVY_KG}),
    ([t("a", strain=["heavy"], max_lift_kg=12)], {"max_lift_kg": 12}),   # the task's figure wins
    ([t("a", max_lift_kg=30), t("b", strain=["heavy"])], {"max_lift_kg": 30}),
    ([t("a", standing=True), t("b")], {"standing": True}),
    ([t("a", strain=["outdoor"])], {"cold": True}),
    ([t("a", bending=True, cold=True)], {"bending": True, "cold": True}),
    ([t("a", strain=["dirty", "noisy"])], {}),
])
def test_conditions_from_tasks(tasks, expected):
    assert conditions_from_tasks(tasks).as_conditions() == expected


def test_the_tasks_behind_a_condition_are_named():
    c = conditions_from_tasks([t("a", strain=["heavy"]), t("b"), t("c", strain=["heavy"])])
    assert c.because == {"max_lift_kg": ["a", "c"]}


def _candidate(cid, **limits):
    return Candidate.model_validate({
        "kind": "candidate", "id": cid, "home": {"postcode": "2000"}, "max_commute_km": 50,
        "hours_per_week": 38, "competences": [{"name": "palletten stapelen"}, {"name": "afval sorteren"}],
        "limits": limits})


def test_a_candidate_who_may_not_lift_is_not_proposed_for_heavy_carved_work(store):
    store.upsert([_candidate("K-9001", max_lift_kg=10), _candidate("K-9002")])
    def scan(strain):
        return Scan.model_validate({
            "kind": "scan", "id": "s", "employer": "e", "date": "2026-03-02",
            "roles": [{"id": "r", "title": "Magazijnier", "hourly_cost_eur": 40, "headcount": 5}],
            "tasks": [{"id": f"t{i}", "description": "Paletten stapelen", "role": "r", "hours_per_week": 13,
                       "competences": ["palletten stapelen", "afval sorteren"], "strain": strain}
                      for i in range(3)]})
    (light,) = carve(scan([]), store=store).functions
    assert light.conditions == {} and sorted(c.candidate for c in light.candidates) == ["K-9001", "K-9002"]
    (fn,) = carve(scan(["heavy"]), store=store).functions
    assert fn.conditions == {"max_lift_kg": HEAVY_KG}
    assert [c.candidate for c in fn.candidates] == ["K-9002"]
