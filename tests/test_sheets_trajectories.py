"""Trajectories go through `matchcore import` and `matchcore export DIR` like the other records."""
from __future__ import annotations

import pytest

from matchcore.errors import ValidationFailed
from matchcore.i18n import use_language
from matchcore.store import trajectories as trajectory_store
from matchcore.store.db import Store
from matchcore.store.io import export_store, import_paths

CANDIDATE = """\
kind: candidate
id: K-0700
home: {postcode: "9000"}
"""
TRAJECTORY = """\
kind: trajectory
candidate: K-0700
engagement_date: 2026-01-12
phases:
  - {phase: intake, date: 2026-01-05}
  - {phase: plan, date: 2026-01-12}
actions:
  - {id: a01, what: CV bijwerken, due: 2026-02-01}
"""


@pytest.fixture(autouse=True)
def english():
    with use_language("en"):
        yield


def test_trajectories_import_export_and_reimport(store, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "k.yaml").write_text(CANDIDATE)
    (tmp_path / "in" / "t.yaml").write_text(TRAJECTORY)
    counts = import_paths(store, [tmp_path / "in"])
    assert counts["candidate"] == 1 and counts["trajectory"] == 1
    out = tmp_path / "export"
    assert export_store(store, out)["trajectory"] == 1
    assert (out / "trajectories" / "K-0700.yaml").is_file()
    export_store(store, out)  # a previous export with trajectories/ may be replaced
    copy = Store.open(tmp_path / "copy.db")
    import_paths(copy, [out])
    assert trajectory_store.documents(copy) == trajectory_store.documents(store)
    copy.close()


def test_a_trajectory_of_an_unknown_candidate_writes_nothing(store, tmp_path):
    (tmp_path / "k.yaml").write_text(CANDIDATE.replace("K-0700", "K-0701"))
    (tmp_path / "t.yaml").write_text(TRAJECTORY)
    with pytest.raises(ValidationFailed, match="K-0700"):
        import_paths(store, [tmp_path / "k.yaml", tmp_path / "t.yaml"])
    assert store.count("candidate") == 0  # the candidate of the same import is not written either
