"""The match cache's function arrays in a file beside the database, memory-mapped (issue 16).

A CLI query used to read the whole cache blob out of SQLite and copy every array out of it
(about half a second at 100,000 functions), then fold the weights again. The arrays of the
functions side (no personal data: the candidates' arrays stay in the blob, so that erasing a
person from the store erases them from the cache too) and the folded weights are written
once to ``<db>.match`` and mapped, not read: a query touches only the pages it uses.

Consistency: the file carries a random token and the cache key (format, ``data_version``,
parameters); the blob in ``match_cache`` names the token. A blob without its file, a file of
another blob (another writer's, an older one, another database's) or of another key is never
served: the caller rebuilds. The file is replaced atomically (write aside, then rename).

Layout: 8 bytes little-endian header length, the JSON header (``token``, ``key``, ``meta``: the
non-array values, ``arrays``: name, dtype, shape, offset), then each array's bytes at an
offset aligned to 64.
"""
from __future__ import annotations

import json
import os
import uuid
from typing import Any

import numpy as np

__all__ = ["SUFFIX", "path_of", "read", "write"]

SUFFIX = ".match"
_ALIGN = 64


def path_of(store) -> str | None:
    """``<db>.match`` for a store in a file; None in memory."""
    path = getattr(store, "path", None)
    return None if not path or path == ":memory:" else str(path) + SUFFIX


def write(path: str, key: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> str:
    """Write the file; return its token (to be named by the blob)."""
    token = uuid.uuid4().hex
    entries, offset = [], 0
    for name, a in arrays.items():
        a = np.asarray(a)  # (np.ascontiguousarray would make a 0-d array 1-d)
        entries.append([name, a.dtype.str, list(a.shape), offset])
        offset += -(-a.nbytes // _ALIGN) * _ALIGN
    head = json.dumps({"token": token, "key": key, "meta": meta, "arrays": entries},
                      ensure_ascii=False).encode()
    start = -(-(8 + len(head)) // _ALIGN) * _ALIGN
    tmp = f"{path}.{os.getpid()}.{token[:8]}.tmp"
    try:
        # owner only, as the database: the functions' arrays are the employers' data
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(len(head).to_bytes(8, "little") + head)
            out.write(b"\0" * (start - 8 - len(head)))
            for (_, _, _, off), a in zip(entries, arrays.values()):
                out.seek(start + off)
                out.write(np.asarray(a).tobytes(order="C"))
            out.truncate(start + offset)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return token


def read(path: str, key: str, token: str) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The arrays (read-only maps) and values of the file, or None when it is missing, torn,
    or not the one the blob names (token and key)."""
    try:
        size = os.path.getsize(path)
        if size < 8:
            return None
        mm = np.memmap(path, dtype=np.uint8, mode="r")
    except (OSError, ValueError):
        return None
    n = int.from_bytes(mm[:8].tobytes(), "little")
    try:
        head = json.loads(mm[8:8 + n].tobytes().decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if head.get("token") != token or head.get("key") != key:
        return None
    start = -(-(8 + n) // _ALIGN) * _ALIGN
    arrays = {}
    for name, dtype, shape, off in head["arrays"]:
        dt = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        lo = start + off
        if lo + count * dt.itemsize > size:
            return None  # torn
        arrays[name] = np.ndarray(shape, dt, buffer=mm, offset=lo) if count else np.zeros(shape, dt)
    return arrays, head["meta"]
