"""A Quick Scan: an employer's roles and the tasks they do, with how often and how long."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from matchcore.i18n import _
from matchcore.model.common import BaseRecord, Ident, Text, no_duplicates, number

__all__ = ["WHEN", "PER", "STRAINS", "Frequency", "Role", "Task", "Scan", "task_hours_per_week"]

WHEN = ("continuous", "morning", "afternoon", "evening", "night", "on_call")
PER = ("shift", "day", "week", "month", "year")
STRAINS = ("heavy", "dirty", "isolated", "repetitive", "outdoor", "noisy")


class Frequency(BaseRecord):
    times: Annotated[float, number(0.01, 10_000)]
    per: Literal["shift", "day", "week", "month", "year"]


class Role(BaseRecord):
    id: Ident
    title: Text
    hourly_cost_eur: Annotated[float, number(0, 500)] | None = None
    headcount: Annotated[int, number(0, 100_000, whole=True)] | None = None


class Task(BaseRecord):
    id: Ident
    description: Text
    role: Ident
    frequency: Frequency | None = None
    minutes: Annotated[float, number(0.1, 1440)] | None = None
    hours_per_week: Annotated[float, number(0.01, 10_000)] | None = None
    days_per_week: Annotated[float, number(0.1, 7)] = 5.0
    complexity: Annotated[int, number(1, 5, whole=True)] = 1
    core: bool = False
    safety_critical: bool = False
    competences: list[Text] = Field(default_factory=list)
    zone: str | None = None
    when: Literal["continuous", "morning", "afternoon", "evening", "night", "on_call"] = "continuous"
    strain: list[Literal["heavy", "dirty", "isolated", "repetitive", "outdoor", "noisy"]] = Field(
        default_factory=list
    )
    # physical demands a carved function inherits as conditions (carving/conditions.py)
    max_lift_kg: Annotated[float, number(0, 200)] | None = None   # heaviest load lifted
    standing: bool | None = None     # true: done standing
    bending: bool | None = None      # true: much bending (bukken)
    cold: bool | None = None         # true: in the cold (koelcel, diepvries, buiten in de winter)
    notes: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _volume(self) -> "Task":
        by_frequency = self.frequency is not None or self.minutes is not None
        if self.hours_per_week is not None and by_frequency:
            raise ValueError(_("give hours_per_week or frequency with minutes, not both"))
        if self.hours_per_week is None:
            if self.frequency is None or self.minutes is None:
                raise ValueError(_("give frequency and minutes, or hours_per_week"))
        return self


class Scan(BaseRecord):
    kind: Literal["scan"] = "scan"
    id: Ident
    employer: Ident
    date: dt.date
    consultant: str | None = None
    full_time_hours: Annotated[float, number(10, 50)] = 38.0
    shifts_per_day: Annotated[int, number(1, 4, whole=True)] = 1
    carved_hourly_cost_eur: Annotated[float, number(0, 500)] | None = None
    roles: list[Role] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    # what the freed hours become (the business case's headline, carving/gains.py):
    # experts_back = the experts spend them on their own craft (no one leaves; the default);
    # saves_cost = they replace paid hours (overtime, temporary staff, an open vacancy)
    freed_hours_use: Literal["experts_back", "saves_cost"] = "experts_back"
    # titles of the carved functions, keyed by a task id (the function holding it) or by a
    # function id (F1, F2, ... as the carving numbers them)
    titles: dict[Ident, Text] = Field(default_factory=dict)
    # the qualitative gains the consultant ticks (carving/gains.py GAINS)
    gains: list[Literal["order", "safety", "fewer_accidents", "experts_craft", "less_overtime",
                        "less_absence", "quality", "inclusion"]] = Field(default_factory=list)
    notes: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> "Scan":
        no_duplicates([r.id for r in self.roles], "roles", "role id")
        no_duplicates([t.id for t in self.tasks], "tasks", "task id")
        known = {r.id for r in self.roles}
        for task in self.tasks:
            if task.role not in known:
                raise ValueError(_("task {task}: role {role!r} is not one of the scan's roles ({roles})").format(
                    task=task.id, role=task.role, roles=", ".join(sorted(known)) or _("none declared")))
        return self

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)


def task_hours_per_week(task: Task, shifts_per_day: int = 1) -> float:
    """Hours a week a task takes: given directly, or frequency x minutes (x days a week).

    ``per: shift`` counts ``shifts_per_day`` shifts on each working day; a month is 52/12 weeks.
    """
    if task.hours_per_week is not None:
        return task.hours_per_week
    assert task.frequency is not None and task.minutes is not None
    per_week = {
        "shift": task.days_per_week * shifts_per_day,
        "day": task.days_per_week,
        "week": 1.0,
        "month": 12.0 / 52.0,
        "year": 1.0 / 52.0,
    }[task.frequency.per]
    return task.frequency.times * per_week * task.minutes / 60.0
