"""``matchcore export DIR``: every record as YAML, written all at once or not at all.

The files are written into a fresh temporary folder next to DIR (``.DIR.XXXX.tmp``, mode 0700)
and the folder is renamed into place only when every file is complete and flushed to disk. A
failure (no permission, a full disk) removes the temporary folder and leaves the previous
export, if any, exactly as it was: an export that re-imports is always a whole one. Files are
owner-readable only (0600), since they hold the team's candidates.

DIR may be new, empty or a previous export (only ``employers/``, ``candidates/``, ``scans/`` and
``trajectories/`` folders of ``.yaml`` files); anything else is refused, so that exporting into the wrong folder
never deletes someone's files.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from matchcore.errors import MatchcoreError
from matchcore.model import to_document
from matchcore.store import trajectories as trajectory_store
from matchcore.store.workbook import export_workbook

__all__ = ["EXPORT_FOLDERS", "export_store"]

EXPORT_FOLDERS = {"employer": "employers", "candidate": "candidates", "scan": "scans"}


def _write_file(path: Path, text: str) -> None:
    """Write a new file, owner-readable only, and flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _is_previous_export(folder: Path) -> bool:
    for entry in folder.iterdir():
        if entry.name not in (*EXPORT_FOLDERS.values(), trajectory_store.EXPORT_FOLDER) or entry.is_symlink() \
                or not entry.is_dir():
            return False
        if any(f.suffix != ".yaml" or f.is_symlink() or not f.is_file() for f in entry.iterdir()):
            return False
    return True


def _check_target(out: Path) -> None:
    if out.is_symlink():
        raise MatchcoreError(f"cannot export to {out}: it is a symbolic link; give the folder itself")
    if out.exists() and not out.is_dir():
        raise MatchcoreError(f"cannot export to {out}: it is a file, not a folder")
    if out.is_dir() and not _is_previous_export(out):
        raise MatchcoreError(
            f"cannot export to {out}: the folder holds other files than a matchcore export "
            "(employers/, candidates/, scans/ with .yaml files); give a new or empty folder")


def _swap(tmp: Path, out: Path) -> None:
    """Put ``tmp`` in the place of ``out``; the previous ``out`` is put back if that fails."""
    if not out.exists():
        os.rename(tmp, out)
        return
    old = tmp.with_name(tmp.name[:-len(".tmp")] + ".old")
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def export_store(store, directory: str | Path) -> dict[str, int]:
    """Write every record as YAML: ``employers/ID.yaml``, ``candidates/ID.yaml``, ``scans/ID.yaml``;
    or, when ``directory`` ends in ``.xlsx``, into one workbook (:mod:`matchcore.store.workbook`).

    Returns the number of records of each kind.

    Raises
    ------
    MatchcoreError
        DIR is not a folder matchcore may replace, or writing failed; one line naming DIR and the
        reason. The previous export is then unchanged and nothing else is left behind.
    """
    if Path(directory).suffix.lower() == ".xlsx":
        return export_workbook(store, directory)
    out = Path(directory).absolute()
    _check_target(out)
    had_previous = out.exists()
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
        counts = {}
        for kind, folder in EXPORT_FOLDERS.items():
            records = list(store.records(kind))
            if records:
                (tmp / folder).mkdir(mode=0o700)
            for record in records:
                text = yaml.safe_dump(to_document(record), sort_keys=False, allow_unicode=True, width=100)
                _write_file(tmp / folder / f"{record.id}.yaml", text)
            counts[kind] = len(records)
        trajectories = trajectory_store.documents(store)  # docs/trajectory.md; counted only when there are any
        if trajectories:
            (tmp / trajectory_store.EXPORT_FOLDER).mkdir(mode=0o700)
            for name, doc in trajectories:
                text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
                _write_file(tmp / trajectory_store.EXPORT_FOLDER / name, text)
            counts[trajectory_store.KIND] = len(trajectories)
        _swap(tmp, out)
    except OSError as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        kept = "the previous export there is unchanged" if had_previous else "nothing was written"
        raise MatchcoreError(f"export to {directory} failed: {exc.strerror or exc}; {kept}") from None
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return counts
