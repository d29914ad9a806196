"""A compiled cache of the plugins' parameter files, so a CLI query does not parse YAML each time.

Why: parsing the 19 built-in parameter files (78 KB) with matchcore's checking loader
(:class:`matchcore.yamlfiles.UniqueKeyLoader`, pure Python) took 0.13-0.14 s of every
``matchcore match`` (issue 16, measured with ``/tmp/cli-reg.py`` on 2 cores); reading the same
values back from a pickle takes under 1 ms. Only the loader's output (plain dicts, lists, texts,
numbers and dates) is kept: :func:`matchcore.instruments.params.parse_parameters` still checks
every key, date and reference on each start, so the rules applied are the same.

Never stale: an entry is used only when it was made from the very bytes the file holds now
(SHA-256 of the content, not the modification time, which a quick edit can leave unchanged) by
the same loader (:data:`FORMAT` and the source of ``matchcore/yamlfiles.py`` and PyYAML's
``__init__``, which holds its version).
A file that does not parse is never cached, so its error is reported each time as before.

Where: beside the file in ``__pycache__/`` (``bio.yaml.matchcore-params.pickle``), as Python
keeps its bytecode, or under ``sys.pycache_prefix`` when that is set; when that folder cannot
be written (a system-wide install), in the user's cache folder (``$XDG_CACHE_HOME/matchcore``,
else ``~/.cache/matchcore``). Entries are written owner-only (0600, folders 0700) and atomically
(a temporary file renamed into place), so two processes never see half an entry.

Safe when corrupt or foreign: an entry that cannot be read, is not owned by this user, can be
written by others, or holds anything but plain values (the unpickler accepts no class beyond
``datetime`` and ``set``; a crafted entry cannot run code) is ignored and rebuilt.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

__all__ = ["FORMAT", "MISS", "cached_load"]

FORMAT = 1                      # raise when what an entry holds changes
MISS = object()
_SUFFIX = ".matchcore-params.pickle"
# The only classes a parameter file's raw content contains (yaml's SafeConstructor: timestamps,
# !!set), so the only ones the unpickler will build.
_ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"),
            ("datetime", "timezone"), ("builtins", "set"), ("builtins", "frozenset")}
_loader_tag: str | None = None


class _PlainUnpickler(pickle.Unpickler):
    """An unpickler that builds plain values only (the Python docs' "restricting globals")."""

    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


class _NamedBytes(io.BytesIO):
    """The file's bytes with the file's name, so the YAML loader names it as it would the file."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def _tag() -> str:
    """What made an entry: this format and the loader's source (matchcore's checking loader and
    PyYAML's ``__init__``, which names its version), read without importing PyYAML."""
    global _loader_tag
    if _loader_tag is None:
        digest = hashlib.sha256(str(FORMAT).encode())
        for module in ("matchcore.yamlfiles", "yaml"):
            try:
                digest.update(Path(importlib.util.find_spec(module).origin).read_bytes())
            except (AttributeError, ImportError, OSError, TypeError):  # no source (a frozen build)
                digest.update(module.encode())
        _loader_tag = digest.hexdigest()
    return _loader_tag


def _places(path: Path) -> list[Path]:
    """Where the entry of ``path`` may be, the preferred place first."""
    name = path.name + _SUFFIX
    if sys.pycache_prefix:
        first = Path(sys.pycache_prefix, *path.parent.resolve().parts[1:], name)
    else:
        first = path.parent / "__pycache__" / name
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return [first, Path(base, "matchcore", "params", key + _SUFFIX)]


def _trusted(fd: int) -> bool:
    """Our own file, not writable by anyone else (POSIX; elsewhere the folder's rights hold)."""
    if not hasattr(os, "getuid"):
        return True
    st = os.fstat(fd)
    return stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def _read(place: Path, digest: str) -> Any:
    try:
        with open(place, "rb") as fh:
            if not _trusted(fh.fileno()):
                return MISS
            tag, content_digest, raw = _PlainUnpickler(fh).load()
    except Exception:  # missing, unreadable, truncated, foreign: parse the file instead
        return MISS
    if tag != _tag() or content_digest != digest:
        return MISS
    return raw


def _write(place: Path, digest: str, raw: Any) -> bool:
    try:
        place.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=place.parent, prefix=".tmp-", suffix=_SUFFIX)  # mode 0600
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((_tag(), digest, raw), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, place)
        return True
    except Exception:  # a full disk, a value pickle refuses: work uncached
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def cached_load(path: Path, parse: Callable[[io.TextIOBase], Any]) -> Any:
    """``parse`` of the text of ``path`` (a stream, as ``path.open(encoding="utf-8")`` gives),
    or the entry made earlier from the same bytes by the same loader.

    Raises whatever reading ``path`` or ``parse`` raises (nothing is cached then).
    """
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    places = _places(path)
    for place in places:
        raw = _read(place, digest)
        if raw is not MISS:
            return raw
    raw = parse(io.TextIOWrapper(_NamedBytes(data, str(path)), encoding="utf-8"))
    for place in places:
        if _write(place, digest, raw):
            break
    return raw
