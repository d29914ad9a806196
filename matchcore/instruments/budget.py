"""Running plugin code under a time budget (issue 10.5): a hanging plugin delays nothing by more.

:func:`run_with_budget` runs one call (one ``prepare_context``) in a worker thread and waits at
most the budget: :func:`plugin_budget_s`, 2 s by default, or ``$MATCHCORE_PLUGIN_BUDGET_S``, or
the caller's parameter. :func:`run_in_turn` runs several calls (the instruments of one pair) one
after the other in one worker, each under its own budget counted from its own start.
"""
from __future__ import annotations

import contextvars
import functools
import math
import os
import queue
import threading
import time

from matchcore.errors import MatchcoreError
from matchcore.i18n import _, format_number

__all__ = ["BUDGET_ENV", "DEFAULT_BUDGET_S", "plugin_budget_s", "run_in_turn", "run_with_budget"]

DEFAULT_BUDGET_S = 2.0                     # one instrument's evaluation, one prepare_context
BUDGET_ENV = "MATCHCORE_PLUGIN_BUDGET_S"


def plugin_budget_s(value: float | None = None) -> float:
    """The time budget of one plugin call: ``value``, else ``$MATCHCORE_PLUGIN_BUDGET_S``, else 2 s."""
    where = "the plugin time budget"
    if value is None:
        raw = os.environ.get(BUDGET_ENV)
        if raw is None or not raw.strip():
            return DEFAULT_BUDGET_S
        where = BUDGET_ENV
        try:
            value = float(raw)
        except ValueError:
            raise MatchcoreError(f"{BUDGET_ENV} must be a number of seconds, got {raw!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 < value <= 3600:
        raise MatchcoreError(f"{where} must be a number of seconds above 0 and at most 3600, got {value!r}")
    return float(value)


# Plugin code runs in a worker thread and the caller waits at most the budget. Python cannot kill
# a thread, so one that hangs is abandoned: it is a daemon thread (it never keeps the process
# from exiting; concurrent.futures' threads are not daemons and are joined at exit, so they are
# not used) and nobody waits for it. Workers whose calls end in time are reused (a new thread per
# call cost about 0.7 ms an instrument, more than most evaluations). While an abandoned call still
# runs, the same key is not started again (reported at once instead), so a hanging plugin costs
# one budget per process, not one per pair, and leaves at most one stuck thread behind; once it
# ends, the key runs again. It gets only copies (read-only views of the records, its own
# Context), so what it does later changes nothing that is used. A process pool would be the other
# way (a hung process can be killed), but it must start processes and pickle the records and
# instruments for each call, which costs more than a whole match, and would rebuild the plugin
# registry in every worker.
_STUCK: dict[object, tuple[float, object]] = {}   # key -> (when its stuck call started, that call)
_STUCK_LOCK = threading.Lock()
_MAX_IDLE = 8                  # idle workers kept for reuse (a web server runs a few requests at once)


class _Worker:
    """One daemon thread running the calls handed to it, one at a time; reused while none overran."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="matchcore-plugin", daemon=True).start()

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:   # no longer wanted: the thread ends
                return
            job()


_IDLE: list[_Worker] = []      # workers whose last call ended in time, ready for the next


def _worker() -> _Worker:
    with _STUCK_LOCK:
        if _IDLE:
            return _IDLE.pop()
    return _Worker()


def _stuck_error(key: object) -> TimeoutError | None:
    with _STUCK_LOCK:
        stuck = _STUCK.get(key)
    if stuck is None:
        return None
    return TimeoutError(_("an earlier call, started {seconds} s ago, overran its time budget and has not "
                          "finished").format(seconds=format_number(time.monotonic() - stuck[0], 1)))


def _overran(budget_s: float) -> TimeoutError:
    return TimeoutError(_("took longer than its time budget of {seconds} s ({variable})").format(
        seconds=format_number(budget_s), variable=BUDGET_ENV))


class _Turns:
    """The state of one :func:`run_in_turn`, shared by the caller and its worker under ``_STUCK_LOCK``."""

    def __init__(self, calls: list) -> None:
        self.calls = calls
        self.outcomes: list[tuple[bool, object]] = []   # (ok, value or exception), one per call ended
        self.current = 0                                # the call running (or about to)
        self.started = time.monotonic()                 # when it started
        self.token = object()                           # its mark in _STUCK when it overruns
        self.abandoned = False
        self.done = threading.Event()


def run_in_turn(budget_s: float, calls) -> list[tuple[bool, object]]:
    """Run ``calls`` (pairs ``(key, fn)``) one after the other in one daemon worker thread, each
    ``fn()`` under its own budget of ``budget_s`` counted from its own start.

    Returns one outcome per call run, in order: ``(True, value)`` or ``(False, exception)``. A call
    whose key has an earlier overrun still running is not started: its outcome is a TimeoutError at
    once. The run ends early after a call that raises (its outcome is that exception; the calls
    after it are not started) or that overruns its budget (its outcome is a TimeoutError; it is left
    running, its worker abandoned): the caller may run the rest again.

    Why one worker for the lot: handing each call to a thread and waking the caller again cost
    about 0.2 ms a call, 30 ms of the 160 instrument evaluations of a ``matchcore match`` query
    (issue 16); the caller now wakes once a run, or when the call in progress overruns.
    """
    calls = list(calls)
    if not calls:
        return []
    run = _Turns(calls)
    worker = _worker()
    # the caller's context variables (the language of texts, matchcore.i18n) hold in the worker too;
    # each call gets its own copy, so what one call sets is not seen by the next
    context = contextvars.copy_context()

    def work():
        try:
            for i, (key, fn) in enumerate(calls):
                with _STUCK_LOCK:
                    if run.abandoned:
                        return
                    run.current, run.started = i, time.monotonic()
                stuck = _stuck_error(key)
                if stuck is not None:
                    outcome, stop = (False, stuck), False
                else:
                    try:
                        outcome, stop = (True, context.copy().run(fn)), False
                    except TimeoutError as exc:  # the plugin's own (a network call): not the budget's
                        outcome, stop = (False, RuntimeError(f"raised TimeoutError: {exc}")), True
                    except Exception as exc:  # handed to the caller, who decides what it means
                        outcome, stop = (False, exc), True
                    except BaseException as exc:  # sys.exit() in a plugin must not end the caller's command
                        outcome, stop = (False, RuntimeError(f"raised {type(exc).__name__}: {exc}")), True
                with _STUCK_LOCK:
                    if run.abandoned:   # this call overran but ended at last: its key may run again
                        if _STUCK.get(key, (0.0, None))[1] is run.token:
                            del _STUCK[key]
                        return
                    run.outcomes.append(outcome)
                if stop:
                    break
        finally:
            run.done.set()

    worker.jobs.put(work)
    while True:
        with _STUCK_LOCK:
            current, started = run.current, run.started
        if run.done.wait(max(0.0, started + budget_s - time.monotonic())):
            break
        with _STUCK_LOCK:   # the worker appends an outcome under this lock: no call is both ended and abandoned
            if run.done.is_set():
                break
            if run.current == current and len(run.outcomes) == current and \
                    time.monotonic() >= run.started + budget_s:
                run.abandoned = True
                _STUCK[calls[current][0]] = (started, run.token)
                worker.jobs.put(None)   # abandoned: it ends when (if ever) the call returns
                run.outcomes.append((False, _overran(budget_s)))
                return list(run.outcomes)
    with _STUCK_LOCK:
        keep = len(_IDLE) < _MAX_IDLE
        if keep:
            _IDLE.append(worker)
    if not keep:
        worker.jobs.put(None)
    return list(run.outcomes)


def run_with_budget(key: object, budget_s: float, fn, *args):
    """``fn(*args)`` in a daemon worker thread; its result or exception; TimeoutError after ``budget_s``
    (the thread is left running) or at once while an earlier call of ``key`` that overran still runs.
    Calls of one key that are within their budget may run at the same time (web requests)."""
    stuck = _stuck_error(key)
    if stuck is not None:
        raise stuck
    [(ok, value)] = run_in_turn(budget_s, [(key, functools.partial(fn, *args))])
    if not ok:
        raise value
    return value
