"""Running plugin code under a time budget (issue 10.5): a hanging plugin delays nothing by more.

:func:`run_with_budget` runs one call (an instrument's evaluation, one ``prepare_context``) in a
worker thread and waits at most the budget: :func:`plugin_budget_s`, 2 s by default, or
``$MATCHCORE_PLUGIN_BUDGET_S``, or the caller's parameter.
"""
from __future__ import annotations

import contextvars
import math
import os
import queue
import threading
import time

from matchcore.errors import MatchcoreError
from matchcore.i18n import _, format_number

__all__ = ["BUDGET_ENV", "DEFAULT_BUDGET_S", "plugin_budget_s", "run_with_budget"]

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


def run_with_budget(key: object, budget_s: float, fn, *args):
    """``fn(*args)`` in a daemon worker thread; its result or exception; TimeoutError after ``budget_s``
    (the thread is left running) or at once while an earlier call of ``key`` that overran still runs.
    Calls of one key that are within their budget may run at the same time (web requests)."""
    with _STUCK_LOCK:
        stuck = _STUCK.get(key)
    if stuck is not None:
        raise TimeoutError(_("an earlier call, started {seconds} s ago, overran its time budget and has not "
                             "finished").format(seconds=format_number(time.monotonic() - stuck[0], 1)))
    box: dict = {}
    done = threading.Event()
    call, started = object(), time.monotonic()
    worker = _worker()
    # the caller's context variables (the language of texts, matchcore.i18n) hold in the worker too
    context = contextvars.copy_context()

    def work():
        try:
            box["value"] = context.run(fn, *args)
        except TimeoutError as exc:  # the plugin's own (a network call): not the budget's
            box["error"] = RuntimeError(f"raised TimeoutError: {exc}")
        except Exception as exc:  # handed to the caller, who decides what it means
            box["error"] = exc
        except BaseException as exc:  # sys.exit() in a plugin must not end the caller's command
            box["error"] = RuntimeError(f"raised {type(exc).__name__}: {exc}")
        finally:
            done.set()
            with _STUCK_LOCK:
                if _STUCK.get(key, (0.0, None))[1] is call:
                    del _STUCK[key]   # it overran but ended at last: the key may run again

    worker.jobs.put(work)
    if not done.wait(budget_s):
        with _STUCK_LOCK:   # done is set before work() takes the lock: no mark is left behind
            if not done.is_set():
                _STUCK[key] = (started, call)
                worker.jobs.put(None)   # abandoned: it ends when (if ever) the call returns
                raise TimeoutError(_("took longer than its time budget of {seconds} s ({variable})").format(
                    seconds=format_number(budget_s), variable=BUDGET_ENV))
    with _STUCK_LOCK:
        keep = len(_IDLE) < _MAX_IDLE
        if keep:
            _IDLE.append(worker)
    if not keep:
        worker.jobs.put(None)
    if "error" in box:
        raise box["error"]
    return box["value"]
