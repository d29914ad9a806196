"""Titles of carved functions and small remainders (issue 15.6): set in the scan (`titles`, by task id or function id),
in `extra.carving.titles` (older scans), or with `carve --title F1=...`; the option wins."""
import numpy as np
import pytest

from matchcore.carving import CarveOptions, carve
from matchcore.carving.bundles import bundle_tasks
from matchcore.errors import CarvingError
from matchcore.model import Scan, Task


def _scan(**fields):
    return Scan.model_validate({
        "kind": "scan", "id": "s", "employer": "e", "date": "2026-03-02",
        "roles": [{"id": "r", "title": "Dokwerker", "hourly_cost_eur": 42, "headcount": 10}],
        "tasks": [{"id": f"t{i}", "description": "Afval sorteren", "role": "r", "hours_per_week": 13,
                   "competences": ["afval sorteren"]} for i in range(1, 4)], **fields})


@pytest.mark.parametrize("fields, option, expected", [
    ({"titles": {"t2": "Sorteerder"}}, (), "Sorteerder"),
    ({"titles": {"F1": "Sorteerder"}}, (), "Sorteerder"),
    ({"extra": {"carving": {"titles": {"t1": "Oud"}}}}, (), "Oud"),
    ({"titles": {"t2": "Sorteerder"}}, (("F1", "Medewerker recyclage"),), "Medewerker recyclage"),
])
def test_where_a_title_comes_from(fields, option, expected):
    scan = _scan(**fields)
    (fn,) = carve(scan, options=CarveOptions.for_scan(scan, titles=option), candidates=False).functions
    assert (fn.title, fn.title_source) == (expected, "scan")


def test_a_title_for_nothing_is_refused():
    scan = _scan(titles={"t9": "x"})
    with pytest.raises(CarvingError, match="t9"):
        carve(scan, candidates=False)


def _tasks(small_when="morning"):
    return [Task.model_validate({"id": f"s{i}", "description": "x", "role": "r", "hours_per_week": 8,
                                 "when": "morning"})
            for i in range(3)] + [Task.model_validate({"id": "k1", "description": "y", "role": "r",
                                                       "hours_per_week": 3.75, "when": small_when})]


def _unlinked():
    # three linked tasks and one small task with nothing in common (link 0), as a canteen task
    # next to warehouse work: the Louvain step leaves it alone, below the minimum hours
    w = np.full((4, 4), 0.6)
    w[3, :] = w[:, 3] = 0.0
    np.fill_diagonal(w, 0)
    return w


def test_a_small_unlinked_task_joins_a_compatible_function_instead_of_being_dropped():
    # issue 15: "a small task (3.75 h canteen) is dropped instead of joining a compatible bundle"
    tasks = _tasks()
    scan = Scan.model_validate({"kind": "scan", "id": "s", "employer": "e", "date": "2026-03-02",
                                "roles": [{"id": "r", "title": "R"}], "tasks": [t.model_dump() for t in tasks]})
    bundles, dropped = bundle_tasks(tasks, [8, 8, 8, 3.75], CarveOptions().resolved(scan), _unlinked())
    assert bundles == [[0, 1, 2, 3]] and dropped == []


def test_a_small_task_at_another_time_is_not_forced_in():
    tasks = _tasks(small_when="night")
    scan = Scan.model_validate({"kind": "scan", "id": "s", "employer": "e", "date": "2026-03-02",
                                "roles": [{"id": "r", "title": "R"}], "tasks": [t.model_dump() for t in tasks]})
    bundles, dropped = bundle_tasks(tasks, [8, 8, 8, 3.75], CarveOptions().resolved(scan), _unlinked())
    assert bundles == [[0, 1, 2]] and [d[0] for d in dropped] == [[3]]
