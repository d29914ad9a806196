"""Opening the SQLite file (issue 10: a team of coaches on one file).

Why each rule (the transactions themselves are in :mod:`matchcore.store.locking`):

- No read statement stays open on a connection: :class:`_Connection` fetches every result
  at once. An unfinished cursor keeps its read snapshot, and a write on the same connection
  then cannot be upgraded from that old snapshot and fails whatever the timeout.
- The connection runs in autocommit mode (``isolation_level=None``): Python's sqlite3 module then
  opens no implicit transactions, so every transaction is one of the above (sqlite-utils' own
  ``atomic()`` blocks inside them become savepoints).
- A new file is created with mode 0600 before SQLite opens it; SQLite gives the -wal and -shm
  files the database's mode, so they are owner-only too.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from matchcore.errors import StoreError
from matchcore.i18n import _

__all__ = ["BUSY_TIMEOUT_MS", "WRITE_WAIT_S", "connect", "describe", "enable_wal", "is_busy"]

# SQLite's own busy handler waits this long per attempt (it polls with growing sleeps) ...
BUSY_TIMEOUT_MS = 2000
# ... and matchcore.store.locking tries again, with back-off, until this many seconds in all.
WRITE_WAIT_S = 10.0

_BUSY, _LOCKED, _READONLY = 5, 6, 8  # SQLite primary result codes (sqlite.org/rescode.html)


class _Fetched:
    """A finished query's rows, with the parts of the DB-API cursor that callers use."""

    arraysize = 1

    def __init__(self, cursor: sqlite3.Cursor):
        self.description = cursor.description
        self.lastrowid = cursor.lastrowid
        self.rowcount = cursor.rowcount
        self._rows = cursor.fetchall()
        cursor.close()
        self._pos = 0

    def fetchone(self):
        if self._pos >= len(self._rows):
            return None
        self._pos += 1
        return self._rows[self._pos - 1]

    def fetchmany(self, size: int | None = None):
        n = self.arraysize if size is None else size
        rows = self._rows[self._pos:self._pos + n]
        self._pos += len(rows)
        return rows

    def fetchall(self):
        rows = self._rows[self._pos:]
        self._pos = len(self._rows)
        return rows

    def __iter__(self):
        return self

    def __next__(self):
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def close(self) -> None:
        self._pos = len(self._rows)


class _Connection(sqlite3.Connection):
    """A connection whose queries are read to the end at once (see the module docstring)."""

    def execute(self, sql, parameters=(), /):  # type: ignore[override]
        cursor = super().execute(sql, parameters)
        return cursor if cursor.description is None else _Fetched(cursor)


def is_busy(exc: BaseException) -> bool:
    """True for SQLITE_BUSY / SQLITE_LOCKED (another connection holds the lock)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_BUSY, _LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def describe(path: str, exc: sqlite3.Error, *, writing: bool = False) -> str:
    """One line for a SQLite failure on ``path``, saying what to do."""
    text = str(exc)
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code == _READONLY or "readonly" in text:
        return f"{path}: " + _("the database is read-only (no write permission on the file or its "
                                 "folder); nothing was written")
    if "file is not a database" in text:
        return f"{path}: " + _("not a matchcore database: not a SQLite file (give the right --db)")
    if "malformed" in text or "corrupt" in text:
        return f"{path}: " + _("the database file is damaged ({reason}); restore the latest backup "
                                 "(docs/operations.md)").format(reason=text)
    if is_busy(exc):
        return f"{path}: " + _("the database stayed locked by other users for {seconds} s; "
                                 "nothing was written, try again").format(seconds=f"{WRITE_WAIT_S:.0f}")
    if "unable to open" in text:
        return f"{path}: " + _("cannot open the database file ({reason})").format(reason=text)
    if "disk" in text and "full" in text:
        return f"{path}: " + _("the disk is full; nothing was written")
    what = _("writing the database failed: {reason}") if writing else _("reading the database failed: {reason}")
    return f"{path}: " + what.format(reason=text)


def _create_private(path: str) -> bool:
    """Create an empty ``path`` with mode 0600 unless it exists; True when this call made it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StoreError(f"{path}: " + _("cannot create the database ({reason})").format(reason=exc.strerror)) from None
    os.close(fd)
    return True


def connect(path: str, *, create: bool) -> sqlite_utils.Database:
    """Open ``path`` as a sqlite-utils Database in autocommit mode, foreign keys on (WAL:
    :func:`enable_wal`, once the file is known to be a store: it changes the file's header).

    Raises
    ------
    StoreError
        ``create`` is false and there is no database at ``path`` (missing, or an empty file);
        the file is not SQLite, or damaged, or cannot be opened.
    """
    memory = path == ":memory:"
    if not memory:
        p = Path(path)
        if p.is_dir():
            raise StoreError(f"{path}: " + _("is a folder, not a database file"))
        if not create and (not p.exists() or p.stat().st_size == 0):
            raise StoreError(_("no database at {path}; run `matchcore init` or `matchcore import` first")
                             .format(path=path))
        if create and not p.parent.is_dir():
            raise StoreError(f"{path}: " + _("cannot create the database: folder {folder} does not exist")
                             .format(folder=p.parent))
        if create:
            _create_private(path)
    try:
        conn = sqlite3.connect(path, factory=_Connection, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(describe(path, exc)) from None
    try:
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("select count(*) from sqlite_master").fetchone()  # not SQLite: fails here
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(describe(path, exc)) from None
    return db


def enable_wal(db: sqlite_utils.Database, path: str) -> None:
    """Write-ahead logging: readers never block the writer nor the writer them. Waits in the
    busy handler when several open a new file at once."""
    if path != ":memory:":
        db.enable_wal()
