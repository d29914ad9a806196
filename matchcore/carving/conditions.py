"""The physical conditions a carved function inherits from its tasks (issue 15.1).

A function made of pallet stacking asks what pallet stacking asks: the matcher must exclude a
candidate who may lift 10 kg or may not stand, with the reason, instead of proposing them in the
advice. Any one task is enough (the worker does all of the function's tasks):

* ``max_lift_kg``: the highest ``max_lift_kg`` written on a task; a task with strain ``heavy``
  and no figure counts as 25 kg, the reference mass of ISO 11228-1 (manual handling: lifting and
  carrying) for the general working population; a figure on a task always wins;
* ``standing``, ``bending``, ``cold``: true when a task says so; strain ``outdoor`` counts as
  ``cold`` (Belgian winters; a candidate's ``cold: false`` reads "geen koelcel, niet buiten in
  de winter", model/candidate.py).

Night and evening work come through the shifts (business_case.shifts_needed).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from matchcore.model import Task

__all__ = ["HEAVY_KG", "FunctionConditions", "conditions_from_tasks"]

HEAVY_KG = 25.0  # ISO 11228-1 reference mass, used for strain "heavy" without a figure


@dataclass
class FunctionConditions:
    """The conditions and, per condition, the tasks that bring it (for the explanation)."""

    max_lift_kg: float | None = None
    standing: bool | None = None
    bending: bool | None = None
    cold: bool | None = None
    because: dict[str, list[str]] = field(default_factory=dict)

    def as_conditions(self) -> dict:
        """The fields of :class:`~matchcore.model.Conditions` that are set."""
        return {k: v for k, v in (("max_lift_kg", self.max_lift_kg), ("standing", self.standing),
                                  ("bending", self.bending), ("cold", self.cold)) if v is not None}


def conditions_from_tasks(tasks: list[Task]) -> FunctionConditions:
    out = FunctionConditions()
    lifts = [(t.max_lift_kg if t.max_lift_kg is not None else HEAVY_KG, t.id) for t in tasks
             if t.max_lift_kg is not None or "heavy" in t.strain]
    if lifts:
        kg = max(k for k, _ in lifts)
        out.max_lift_kg = kg
        out.because["max_lift_kg"] = sorted(tid for k, tid in lifts if k == kg)
    for name, extra_strain in (("standing", None), ("bending", None), ("cold", "outdoor")):
        ids = sorted(t.id for t in tasks if getattr(t, name) is True
                     or (extra_strain is not None and extra_strain in t.strain))
        if ids:
            setattr(out, name, True)
            out.because[name] = ids
    return out
