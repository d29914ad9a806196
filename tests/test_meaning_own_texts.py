"""The meaning component weighs the functions' own texts in (matchcore.matching.evidence,
MeaningSpace): an employer's wording of a competence is what the function asks, and a text is
compared with it as well as with the concept's labels."""
from __future__ import annotations

import numpy as np
import pytest

from matchcore.matching import evidence as ev
from matchcore.matching.matcher import Matcher
from matchcore.vocabulary import semantic as sem
from tests.match_data import candidate, comp, employer, function
from tests.test_semantic import needs_model

AFWASSEN = "http://data.europa.eu/esco/skill/c662be22-f17a-4ba0-894f-d720b20c44cf"  # vocabulary_nl.yaml


class _Fixed:
    """A space whose cosines are given (MeaningSpace only asks for ``best``)."""

    def __init__(self, rows):
        self.rows = np.asarray(rows, np.float32)

    def best(self, vectors):
        return self.rows[: len(vectors)]


def test_the_similarity_is_the_weighted_mean_and_a_column_without_own_texts_keeps_its_labels():
    labels = _Fixed([[0.9, 0.6, 0.3]])
    own = _Fixed([[0.3, -1.0, 0.9]])            # column 1: no function wrote a text for it
    got = ev.MeaningSpace(labels, own).best(np.zeros((1, 4)))
    w = ev.OWN_WEIGHT
    assert got[0, 0] == pytest.approx((w * 0.3 + 0.9) / (w + 1))
    assert got[0, 1] == pytest.approx(0.6)
    assert got[0, 2] == pytest.approx((w * 0.9 + 0.3) / (w + 1))
    assert got[0, 2] > got[0, 0]                # the employer's own wording weighs more


def _with_uri(name, **kw):
    return {**comp(name, **kw), "esco_uri": AFWASSEN}


def test_function_texts_keep_each_columns_own_wording_once_and_at_most_the_cap(monkeypatch, store):
    store.upsert([employer("hotel", [
        function("spoel", [_with_uri("Glazen spoelen achter de toog"), comp("afwassen")]),
        function("keuken", [_with_uri("glazen spoelen achter de toog"), _with_uri("potten en pannen schuren"),
                            _with_uri("borden in de machine zetten")]),
    ])])
    monkeypatch.setattr(ev, "OWN_TEXTS", 3)
    m = Matcher(store, cache=False).fit()
    texts, groups = ev.function_texts(m.data_)
    col = {m.data_.columns[g] for g in groups}
    assert len(col) == 1                        # every text resolves to the one concept
    folded = [t.lower() for t in texts]
    assert len(folded) == len(set(folded)) == 3  # "Glazen ..." once, and capped at three
    monkeypatch.setattr(ev, "OWN_TEXTS", 1)
    assert len(ev.function_texts(m.data_)[0]) == 1


@needs_model
def test_a_text_near_an_employers_own_wording_earns_more_meaning_than_through_the_labels(monkeypatch, store):
    monkeypatch.setenv(sem.SWITCH, "on")
    store.upsert([
        employer("cafe", [function("spoel", [_with_uri("glazen spoelen achter de toog"), comp("koken")]),
                          function("kassa", [comp("kassa bedienen"), comp("koken")])]),
        candidate("K-1", [("glazen spoelen aan de bar", 1), ("koken", 1)])])

    def meaning():
        m = Matcher(store, cache=False).fit()
        res = {x.function: x for x in m.match_candidate("K-1", top=2, instruments=False).results}
        return res["cafe/spoel"].components.meaning

    with_own = meaning()
    monkeypatch.setattr(ev, "OWN_WEIGHT", 0.0)   # the concept's labels alone, as before
    labels_only = meaning()
    assert with_own > labels_only >= 0.0
