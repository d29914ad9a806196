"""Which files a pair of paths names, cheaply: the fast path of :func:`matchcore.instruments.params.load_parameters`.

Private to :mod:`matchcore.instruments.params`. Why: resolving the two paths of a call (pathlib, in
Python) took 0.1 ms, and plugins ask for their files while they evaluate (the BIO-booster's file 7
times a pair). Asking the system for the (device, inode, mtime, size) of an absolute path follows
the same symlinks in one call: the same paths naming the same files, unchanged, give the same
arguments as last time; any change (a file rewritten, a symlink pointed elsewhere) or a relative
path takes the full way again.
"""
from __future__ import annotations

import os
from pathlib import Path

from matchcore.errors import ParameterError

_REMEMBERED: dict[tuple, tuple] = {}   # (path, shared) as given -> (their signature, the arguments)


def arguments(path, shared) -> tuple:
    """The arguments of ``_load_cached`` for a file and its shared file: each resolved, with its
    mtime (the shared one None, 0 when there is none or it is the file itself); remembered while
    the files stay the same."""
    key = (os.fspath(path), None if shared is None else os.fspath(shared))
    sig = signature(key)   # taken before: a file changed after it is seen on the next call
    if sig is not None:
        hit = _REMEMBERED.get(key)
        if hit is not None and hit[0] == sig:
            return hit[1]
    args = _full(path, shared)
    if sig is not None:
        _REMEMBERED[key] = (sig, args)
    return args


def signature(key: tuple) -> tuple | None:
    """(device, inode, mtime, size) of each file named by absolute paths (following symlinks), else None."""
    sig = []
    for name in key:
        if name is None:
            sig.append(None)
            continue
        if not isinstance(name, str) or not os.path.isabs(name):
            return None   # relative to the working directory: resolved each time
        try:
            st = os.stat(name)
        except (OSError, ValueError):
            return None
        sig.append((st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(sig)


def _full(path, shared) -> tuple:
    p = Path(path).resolve()
    base = Path(shared).resolve() if shared is not None else None
    if base is None or base == p:
        return str(p), _mtime(p), None, 0
    return str(p), _mtime(p), str(base), _mtime(base)


def _mtime(p: Path) -> int:
    try:
        return p.stat().st_mtime_ns
    except FileNotFoundError:
        raise ParameterError(f"{p}: parameter file not found") from None
