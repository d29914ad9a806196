"""Write transactions that wait their turn instead of failing with "database is locked", and
read transactions that see one snapshot.

SQLite allows one writer at a time. A transaction opened with a plain ``BEGIN`` takes its write
lock only at its first write; when another connection writes meanwhile, SQLite cannot wait (it
would deadlock) and answers SQLITE_BUSY at once, whatever the busy timeout. ``BEGIN IMMEDIATE``
takes the write lock at the start, where the busy timeout does apply
(https://www.sqlite.org/lang_transaction.html, "BEGIN IMMEDIATE"; https://www.sqlite.org/wal.html
section 2.2: readers never block the writer in WAL mode). On top of the busy timeout a bounded
retry with growing, jittered pauses rides out a long checkpoint or a burst of writers.

A read transaction (``BEGIN`` and a first read) pins one snapshot: what a cache is built from
and the ``data_version`` it is labelled with then come from the same moment, however many
writers commit meanwhile. It never takes the write lock, so it cannot make writers wait.
"""
from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from matchcore.errors import StoreError
from matchcore.i18n import _
from matchcore.store.connection import BUSY_TIMEOUT_MS, WRITE_WAIT_S, describe, is_busy

__all__ = ["BUSY_TIMEOUT_MS", "WRITE_WAIT_S", "immediate", "snapshot"]


def _retry(step, deadline: float) -> None:
    """Run ``step()`` until SQLite does not refuse it as busy, or the deadline passed."""
    pause = 0.005
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() + pause > deadline:
                raise
        # jittered, so that writers that collided do not collide again in step
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 0.5)


def _begin(conn: sqlite3.Connection, path: str, wait_s: float) -> None:
    short = wait_s * 1000 < BUSY_TIMEOUT_MS
    if short:  # a caller that would rather skip its write than wait long (the match cache)
        conn.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
    try:
        _retry(lambda: conn.execute("BEGIN IMMEDIATE"), time.monotonic() + wait_s)
    except sqlite3.Error as exc:
        if is_busy(exc):
            raise StoreError(f"{path or _('the database')}: " + _("other users kept the database busy for "
                             "{seconds} s; nothing was written, try again").format(seconds=f"{wait_s:g}")) from None
        raise StoreError(describe(path, exc, writing=True)) from None
    finally:
        if short:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


@contextmanager
def immediate(conn: sqlite3.Connection, *, path: str = "",
              wait_s: float = WRITE_WAIT_S) -> Iterator[None]:
    """One write transaction on ``conn``: ``BEGIN IMMEDIATE``, then COMMIT, or ROLLBACK on error.

    Inside an open transaction it is a savepoint, so writes nest. Raises StoreError when the
    write lock could not be had within ``wait_s`` seconds, and for a read-only, full or damaged
    database (one line; nothing written).
    """
    if conn.in_transaction:
        name = f"matchcore_{time.monotonic_ns()}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # an error may have ended the whole transaction
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    _begin(conn, path, wait_s)
    try:
        yield
        # COMMIT is busy only without WAL (a file system without shared memory): retried
        _retry(lambda: conn.execute("COMMIT"), time.monotonic() + wait_s)
    except sqlite3.OperationalError as exc:
        _rollback(conn)
        raise StoreError(describe(path, exc, writing=True)) from None
    except BaseException:
        _rollback(conn)
        raise


@contextmanager
def snapshot(conn: sqlite3.Connection, *, path: str = "") -> Iterator[None]:
    """One read transaction: every read inside sees the database as at its first read.

    Inside an open transaction it adds nothing (that transaction is the snapshot)."""
    if conn.in_transaction:
        yield
        return
    try:
        conn.execute("BEGIN")
        conn.execute("select count(*) from sqlite_master").fetchone()  # the snapshot starts here
    except sqlite3.Error as exc:
        _rollback(conn)
        raise StoreError(describe(path, exc)) from None
    try:
        yield
    finally:
        _rollback(conn)  # it only read: nothing to keep
