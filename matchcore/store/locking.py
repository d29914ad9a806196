"""Write transactions that wait their turn instead of failing with "database is locked".

SQLite allows one writer at a time. A transaction opened with a plain ``BEGIN`` takes its write
lock only at its first write; when another connection writes meanwhile, SQLite cannot wait (it
would deadlock) and answers SQLITE_BUSY at once, whatever the busy timeout. ``BEGIN IMMEDIATE``
takes the write lock at the start, where the busy timeout does apply
(https://www.sqlite.org/lang_transaction.html, "BEGIN IMMEDIATE"; https://www.sqlite.org/wal.html
section 2.2: readers never block the writer in WAL mode). On top of the busy timeout a bounded
retry with growing pauses rides out a long checkpoint or a burst of writers.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from matchcore.errors import StoreError

__all__ = ["BUSY_TIMEOUT_MS", "WRITE_WAIT_S", "immediate"]

BUSY_TIMEOUT_MS = 5000   # how long one BEGIN IMMEDIATE waits inside SQLite
WRITE_WAIT_S = 30.0      # how long a write waits in all before it gives up with a clear message


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@contextmanager
def immediate(conn: sqlite3.Connection, *, path: str = "", wait_s: float = WRITE_WAIT_S) -> Iterator[None]:
    """One write transaction on ``conn``: ``BEGIN IMMEDIATE``, then COMMIT, or ROLLBACK on error.

    Inside an open transaction it is a savepoint, so writes nest. Raises StoreError when the
    write lock could not be had within ``wait_s`` seconds.
    """
    if conn.in_transaction:
        name = f"matchcore_{time.monotonic_ns()}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    deadline = time.monotonic() + wait_s
    pause = 0.02
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreError(f"{path or 'the database'}: another user kept the database busy for "
                                 f"{wait_s:g} s; nothing was written, try again") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
