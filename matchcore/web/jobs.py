"""Long work off the request: the team assignment runs in a thread, the page shows its progress.

A job lives in the app's memory (``app.state.jobs``); a restart forgets it, which is fine for a
computation that writes nothing. The thread opens its own store (SQLite connections belong to
their thread).
"""
from __future__ import annotations

import contextvars
import logging
import secrets
import threading
import time
from typing import Any

from matchcore.errors import MatchcoreError
from matchcore.i18n import _
from matchcore.store import Store
from matchcore.web import engine

__all__ = ["MAX_JOBS", "start_assignment"]

MAX_JOBS = 20
log = logging.getLogger("matchcore.web")


def start_assignment(app, *, user: str | None, options: dict[str, Any]) -> str:
    jobs: dict = app.state.jobs
    job_id = secrets.token_urlsafe(8)
    job = {"id": job_id, "user": user, "options": options, "state": "running",
           "phase": _("starting"), "done": 0, "total": None, "started": time.time(),
           "finished": None, "result": None, "error": None}
    jobs[job_id] = job
    for old in sorted(jobs.values(), key=lambda j: j["started"])[:-MAX_JOBS]:
        jobs.pop(old["id"], None)
    path = app.state.pool.path
    # the language of the request that started it (a context variable) goes along to the thread
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(_run, job, path), name=f"assign-{job_id}",
                     daemon=True).start()
    return job_id


def _run(job: dict, path: str) -> None:
    def progress(done=None, total=None, phase=None, *args, **kwargs):
        if done is not None:
            job["done"] = done
        if total is not None:
            job["total"] = total
        if phase:
            job["phase"] = str(phase)

    store = None
    try:
        store = Store.open(path)
        job["phase"] = _("scoring candidates against openings")
        job["result"] = engine.run_assignment(store, progress=progress, **job["options"])
        job["state"] = "done"
    except MatchcoreError as exc:
        job["state"], job["error"] = "error", str(exc)
    except Exception as exc:  # shown as one line; the traceback goes to the log
        log.exception("assignment job %s failed", job["id"])
        job["state"], job["error"] = "error", _("the assignment failed ({kind}: {error})").format(
            kind=type(exc).__name__, error=exc)
    finally:
        job["finished"] = time.time()
        if store is not None:
            store.close()
