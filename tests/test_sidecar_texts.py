"""The lists of texts in ``<db>.match`` (issue 16): stored as arrays, read back as the same list."""
from __future__ import annotations

import numpy as np

from matchcore.matching import sidecar


def test_texts_round_trip_with_accents_empties_and_a_plain_list_beside(tmp_path):
    path = str(tmp_path / "x.db.match")
    titles = ["Afwasser", "", "Café-medewerker (m/v/x)", "Poetshulp 🧽", "Heftruckchauffeur"]
    meta = {"functions.title": titles, "functions.ids": [], "functions.mixed": ["a", None, "b"],
            "functions.n": 3}
    token = sidecar.write(path, "k", {"functions.w": np.arange(4.0)}, meta)
    arrays, got = sidecar.read(path, "k", token)
    assert isinstance(got["functions.title"], sidecar.Texts)
    assert got["functions.title"] == titles and list(got["functions.title"]) == titles
    assert [got["functions.title"][i] for i in range(-5, 5)] == titles + titles
    assert got["functions.title"][1:3] == titles[1:3]
    assert got["functions.ids"] == [] and len(got["functions.ids"]) == 0
    assert got["functions.mixed"] == ["a", None, "b"]   # not all texts: kept as JSON
    assert got["functions.n"] == 3
    assert sorted(arrays) == ["functions.w"]
    np.testing.assert_array_equal(arrays["functions.w"], np.arange(4.0))


def test_an_index_out_of_range_raises_as_a_list_does(tmp_path):
    path = str(tmp_path / "x.db.match")
    token = sidecar.write(path, "k", {}, {"t": ["a", "b"]})
    texts = sidecar.read(path, "k", token)[1]["t"]
    for i in (2, -3):
        try:
            texts[i]
        except IndexError:
            continue
        raise AssertionError(f"index {i} did not raise")
