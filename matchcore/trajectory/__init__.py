"""A candidate's doorstroomtraject: phases, the personal plan (PDP) with its actions, the placement
with an instrument, aftercare, and the agenda of what is due (issue 14).

- :mod:`~matchcore.trajectory.plan`: PDP actions from the matcher's explanation of a pair;
- :mod:`~matchcore.trajectory.placement`: the placement, the instrument's steps as actions, the
  rules that end a placement as reminders;
- :mod:`~matchcore.trajectory.aftercare`: the three forms of aftercare as schedules (seed 001);
- :mod:`~matchcore.trajectory.agenda`: what is due on or before a day.

The records are :class:`matchcore.model.trajectory.Trajectory`; the store keeps them through
:mod:`matchcore.store.trajectories`.
"""
from matchcore.trajectory.aftercare import SCHEDULES, schedule
from matchcore.trajectory.agenda import Agenda, AgendaItem, agenda
from matchcore.trajectory.placement import PlaceResult, place, reminders_of
from matchcore.trajectory.plan import ACTIONABLE, PLAN_DAYS, PlanResult, add_plan, enter_phase

__all__ = ["ACTIONABLE", "PLAN_DAYS", "SCHEDULES", "Agenda", "AgendaItem", "PlaceResult", "PlanResult",
           "add_plan", "agenda", "enter_phase", "place", "reminders_of", "schedule"]
