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
non-array values, ``texts``: the names of the lists of texts, ``arrays``: name, dtype, shape,
offset), then each array's bytes at an offset aligned to 64.

Lists of texts (the functions' ids, employers, titles) are not in the JSON header but stored as
two arrays, the UTF-8 of all texts one after the other and where each ends (in characters), and
read back as :class:`Texts`: parsing them out of the JSON took 60-70 ms of every CLI query at
100,000 functions (issue 16), decoding one buffer takes about a millisecond.
"""
from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["SUFFIX", "Texts", "path_of", "read", "write"]

SUFFIX = ".match"
_ALIGN = 64


class Texts(Sequence):
    """A read-only list of texts kept as one string and the end of each: indexing slices it;
    the string is decoded from the mapped UTF-8 on first use."""

    __slots__ = ("_utf8", "_ends", "_text", "_list")

    def __init__(self, utf8: np.ndarray, ends: np.ndarray) -> None:
        self._utf8, self._ends, self._text, self._list = utf8, ends, None, None

    def _whole(self) -> str:
        if self._text is None:
            self._text = self._utf8.tobytes().decode("utf-8")
        return self._text

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.tolist()[i]
        n = len(self._ends)
        if not -n <= i < n:
            raise IndexError("Texts index out of range")
        i = int(i) % n
        return self._whole()[int(self._ends[i - 1]) if i else 0:int(self._ends[i])]

    def tolist(self) -> list[str]:
        if self._list is None:
            text, ends = self._whole(), self._ends.tolist()
            self._list = [text[a:b] for a, b in zip([0] + ends[:-1], ends)]
        return self._list

    def __iter__(self):
        return iter(self.tolist())

    def __eq__(self, other) -> bool:
        if isinstance(other, (Texts, list, tuple)):
            return self.tolist() == list(other)
        return NotImplemented

    __hash__ = None  # a list's equality, so unhashable as a list

    def __repr__(self) -> str:
        return f"Texts({self.tolist()!r})"


def _is_texts(value) -> bool:
    return isinstance(value, (list, tuple, Texts)) and all(type(v) is str for v in value)


def _encode(texts) -> tuple[np.ndarray, np.ndarray]:
    ends = np.cumsum([len(t) for t in texts], dtype=np.int64) if len(texts) else np.zeros(0, np.int64)
    return np.frombuffer("".join(texts).encode("utf-8"), np.uint8), ends


def path_of(store) -> str | None:
    """``<db>.match`` for a store in a file; None in memory."""
    path = getattr(store, "path", None)
    return None if not path or path == ":memory:" else str(path) + SUFFIX


def write(path: str, key: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> str:
    """Write the file; return its token (to be named by the blob)."""
    token = uuid.uuid4().hex
    arrays = dict(arrays)
    texts = sorted(k for k, v in meta.items() if _is_texts(v))
    for k in texts:
        arrays[k + "#utf8"], arrays[k + "#ends"] = _encode(list(meta[k]))
    meta = {k: v for k, v in meta.items() if k not in texts}
    entries, offset = [], 0
    for name, a in arrays.items():
        a = np.asarray(a)  # (np.ascontiguousarray would make a 0-d array 1-d)
        entries.append([name, a.dtype.str, list(a.shape), offset])
        offset += -(-a.nbytes // _ALIGN) * _ALIGN
    head = json.dumps({"token": token, "key": key, "meta": meta, "texts": texts, "arrays": entries},
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
    meta = head["meta"]
    for k in head.get("texts", []):
        try:
            meta[k] = Texts(arrays.pop(k + "#utf8"), arrays.pop(k + "#ends"))
        except KeyError:
            return None
    return arrays, meta
