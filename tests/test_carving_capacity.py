"""Capacity checks of a Quick Scan (issue 15.4): task hours per role against headcount x full
time, with the estimate margin of 5 % (carving/capacity.py); warnings in the carving result and
its JSON, in the chosen language."""
import pytest

from matchcore.carving import carve
from matchcore.carving.capacity import capacity_warnings
from matchcore.i18n import use_language
from matchcore.model import Scan


def scan(headcount, tasks, full=38.0):
    return Scan.model_validate({
        "kind": "scan", "id": "s", "employer": "e", "date": "2026-03-02", "full_time_hours": full,
        "roles": [{"id": "r", "title": "Magazijnier", "headcount": headcount}],
        "tasks": [{"id": f"t{i}", "description": f"taak {i}", "role": "r", "hours_per_week": h,
                   "complexity": 1, "competences": ["karton plooien"]} for i, h in enumerate(tasks, 1)],
    })


@pytest.mark.parametrize("headcount, tasks, codes", [
    (1, [110], ["role_over_capacity", "task_over_role_capacity"]),   # the case
    (1, [20, 19], []),                  # 39 h for 38 h: within the 5 % margin
    (1, [20, 20], ["role_over_capacity"]),   # 40 h > 39.9 h
    (3, [60, 50], []),                  # 110 h for 3 x 38 = 114 h
    (12, [300], []),                    # one task done by many people: only the role bounds it
    (0, [5], ["role_over_capacity", "task_over_role_capacity"]),   # nobody in the role, yet tasks
    (None, [5], ["role_without_headcount"]),
])
def test_capacity_per_role(headcount, tasks, codes):
    assert [w.code for w in capacity_warnings(scan(headcount, tasks))] == codes


def test_the_warning_is_in_the_result_with_its_figures():
    result = carve(scan(1, [110]), candidates=False)
    (role, task) = result.warnings
    assert (role.role, role.hours_per_week, role.capacity_hours_per_week) == ("r", 110, 38)
    assert task.task == "t1"
    with use_language("en"):
        english = capacity_warnings(scan(1, [110]))[0].text
    assert "110" in english and "Magazijnier" in english
