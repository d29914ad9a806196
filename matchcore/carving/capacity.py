"""Capacity checks on a Quick Scan: can the people observed do the hours of tasks written down?

A role of 1 person with 110 h a week of tasks is a mistake in the scan (a frequency typed per day
instead of per week, minutes for hours, a headcount left out), and a business case built on it
promises hours that nobody works today. The carving still runs, but every result and the advice
carry these warnings, so the consultant corrects the scan before the director reads it.

A task's hours are the hours of everybody in the role who does it, so a task may take more than
one person's week; only the role's capacity bounds it. Checks (``full`` = the scan's full-time
week, ``headcount`` = people in the role):

* ``role_over_capacity``: a role's task hours exceed ``headcount x full`` by more than the
  estimate margin (5 %, as for positions in bundles.py);
* ``task_over_role_capacity``: one task alone takes more than its role's capacity;
* ``role_without_headcount``: the role has tasks but no headcount, so its capacity cannot be
  checked (a note, not an error).
"""
from __future__ import annotations

from dataclasses import dataclass

from matchcore.i18n import _, format_number
from matchcore.model import Scan, task_hours_per_week

__all__ = ["CapacityWarning", "capacity_warnings", "MARGIN"]

MARGIN = 0.05  # the estimate margin also used for positions (carving/bundles.py)


@dataclass
class CapacityWarning:
    """One capacity problem of a scan: a code, where, the figures, and a text in the language."""

    code: str                  # role_over_capacity | task_over_role_capacity | role_without_headcount
    role: str
    task: str | None
    hours_per_week: float
    capacity_hours_per_week: float | None
    text: str


def capacity_warnings(scan: Scan) -> list[CapacityWarning]:
    """Every capacity warning of the scan, by role then task (natural order of the scan)."""
    full = scan.full_time_hours
    out: list[CapacityWarning] = []
    for role in scan.roles:
        tasks = [t for t in scan.tasks if t.role == role.id]
        if not tasks:
            continue
        hours = [task_hours_per_week(t, scan.shifts_per_day) for t in tasks]
        total = sum(hours)
        capacity = role.headcount * full if role.headcount is not None else None
        if capacity is None:
            out.append(CapacityWarning(
                "role_without_headcount", role.id, None, round(total, 2), None,
                _("role {role}: {hours} h a week of tasks, but no headcount: the capacity cannot "
                  "be checked").format(role=role.title or role.id, hours=format_number(total, 2))))
        elif total > capacity * (1 + MARGIN):
            out.append(CapacityWarning(
                "role_over_capacity", role.id, None, round(total, 2), round(capacity, 2),
                _("role {role}: {hours} h a week of tasks for {people} person(s) of {full} h "
                  "({capacity} h): check the frequencies and the headcount").format(
                    role=role.title or role.id, hours=format_number(total, 2),
                    people=role.headcount, full=format_number(full), capacity=format_number(capacity))))
        for task, h in zip(tasks, hours):
            if capacity is not None and h > capacity * (1 + MARGIN):
                out.append(CapacityWarning(
                    "task_over_role_capacity", role.id, task.id, round(h, 2), round(capacity, 2),
                    _("task {task}: {hours} h a week alone is more than role {role} can work "
                      "({capacity} h)").format(task=task.id, hours=format_number(h, 2),
                                               role=role.title or role.id,
                                               capacity=format_number(capacity))))
    return out
