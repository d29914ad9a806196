"""The audit log: who changed what, and when.

Every write the web app makes calls :func:`record` inside the same transaction as the change,
so a change is never kept without its audit line (nor the other way round).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

__all__ = ["recent", "record"]


def record(store, user: str | None, action: str, target: str, detail: Any = None) -> None:
    """Append one line: ``user`` did ``action`` (e.g. ``task.add``) on ``target`` (``scan:x``)."""
    store.db["audit_log"].insert({
        "at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "user_name": user or "anonymous",
        "action": action,
        "target": target,
        "detail": json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None,
    })


# A failed login is kept against the account only when the name typed is an account; older
# versions kept any name typed, which may be a password typed into the wrong field: such lines
# show (and are found) as "unknown user", whatever the database still holds.
_SHOWN = ("select id, at, user_name, action, case when action = 'login.failed' and target not in "
          "(select 'user:' || name from users) then 'unknown user' else target end as target, "
          "detail from audit_log")


def recent(store, *, limit: int = 200, target: str | None = None,
           user: str | None = None) -> list[dict]:
    """The latest lines, newest first, optionally for one target or user."""
    where, params = [], []
    if target:
        where.append("target = ?")
        params.append(target)
    if user:
        where.append("user_name = ?")
        params.append(user)
    sql = (f"select * from ({_SHOWN})"
           + (" where " + " and ".join(where) if where else "")
           + " order by id desc limit ?")
    return store.rows(sql, [*params, int(limit)])
