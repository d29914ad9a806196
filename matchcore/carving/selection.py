"""Selection: which of a scan's tasks may be carved, and every reason why the others may not.

A task is carvable unless it is core work, above the complexity threshold, safety-critical
(unless allowed), or of an excluded role or zone.
"""
from __future__ import annotations

from matchcore.carving.options import CarveOptions
from matchcore.carving.results import NotCarved
from matchcore.carving.texts import message, natural_key
from matchcore.i18n import get_language
from matchcore.model import Scan, Task, task_hours_per_week

__all__ = ["not_carved", "select_tasks"]


def select_tasks(scan: Scan, options: CarveOptions) -> tuple[list[Task], list[NotCarved]]:
    """Split the scan's tasks into carvable ones and the others with every reason why not.

    Returns
    -------
    (carvable, not_carved)
        Carvable tasks in natural id order; a :class:`NotCarved` for each other task.
    """
    zones = {z.casefold() for z in options.exclude_zones}
    carvable, rejected = [], []
    for task in sorted(scan.tasks, key=lambda t: natural_key(t.id)):
        role = {"role": task.role, "role_title": scan.role(task.role).title.lower()}
        reasons: list[tuple[str, dict]] = []
        if task.role in options.exclude_roles:
            reasons.append(("excluded_role", role))
        if task.zone and task.zone.casefold() in zones:
            reasons.append(("excluded_zone", {"zone": task.zone}))
        if task.core:
            reasons.append(("core", role))
        if task.complexity > options.max_complexity:
            reasons.append(("complexity", {"complexity": task.complexity,
                                           "max_complexity": options.max_complexity}))
        if task.safety_critical and not options.allow_safety_critical:
            reasons.append(("safety_critical", {}))
        if reasons:
            rejected.append(not_carved(task, scan, reasons, "selection"))
        else:
            carvable.append(task)
    return carvable, rejected


def not_carved(task: Task, scan: Scan, reasons: list[tuple[str, dict]], stage: str) -> NotCarved:
    """A task left out at ``stage`` (``selection`` or ``bundling``) for (code, params) ``reasons``."""
    # reason(s) in the language in use (English with --lang en), reason_nl always Dutch (the advice)
    local = [message(code, get_language(), **params) for code, params in reasons]
    dutch = [message(code, "nl", **params) for code, params in reasons]
    return NotCarved(task=task.id, reason="; ".join(local), reasons=local,
                     codes=[code for code, _ in reasons], reason_nl="; ".join(dutch), stage=stage,
                     role=task.role, description=task.description,
                     hours_per_week=round(task_hours_per_week(task, scan.shifts_per_day), 2))
