"""Shared fixtures: a fresh real SQLite store per test, the bundled data, ../shared when present."""
from __future__ import annotations

from pathlib import Path

import pytest

from matchcore.store.db import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def store(tmp_path):
    """An empty store in a temporary file (real SQLite, WAL, foreign keys on)."""
    s = Store.open(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def bundled_store(tmp_path):
    """A store holding the bundled profiles/ and scans/."""
    from matchcore.store.io import import_paths

    s = Store.open(tmp_path / "bundled.db")
    import_paths(s, [ROOT / "profiles", ROOT / "scans"])
    yield s
    s.close()


@pytest.fixture
def shared_dir():
    """../shared (real ESCO and O*NET data, seeds); tests using it skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside the checkout")
    return SHARED
