"""Graded semantic evidence (max-similarity per function) and bundled concepts that the store
knows under their ESCO URI (issue 11, match quality)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from matchcore.matching import evidence
from matchcore.matching.matcher import Matcher
from matchcore.vocabulary import Concept, Vocabulary
from matchcore.vocabulary import semantic as sem
from tests.match_data import candidate, comp, employer, function
from tests.test_semantic import needs_model


def _space(columns: list[str], vectors: np.ndarray) -> sem.Space:
    """A space with one (already centred, unit) vector per column, centre 0."""
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return sem.Space(list(columns), v.astype(np.float32), np.arange(len(columns)),
                     np.arange(len(columns)), np.zeros(v.shape[1], np.float32))


class _Functions(SimpleNamespace):
    def __len__(self):
        return len(self.fm_indptr) - 1


def _data_of(functions: list[list[int]]):
    indptr = np.cumsum([0] + [len(f) for f in functions]).astype(np.int64)
    indices = np.array([c for f in functions for c in f], np.int32)
    return SimpleNamespace(functions=_Functions(fm_indptr=indptr, fm_indices=indices))


def _unit(angle_deg: float) -> np.ndarray:
    a = np.radians(angle_deg)
    return np.array([np.cos(a), np.sin(a), 0.0])


def test_each_function_credits_only_its_nearest_column_above_the_floor():
    # columns at cosines 0.9, 0.7, 0.45 and 0.1 from the text (unit vectors in a plane)
    cos = [0.9, 0.7, 0.45, 0.1]
    space = _space(["a", "b", "c", "d"], np.stack([_unit(np.degrees(np.arccos(c))) for c in cos]))
    data = _data_of([[0, 1], [1, 2], [2, 3], [3]])
    text = _unit(0.0)[None, :]
    [hits] = evidence.graded_evidence(data, space, text, floor=0.35, weight=0.5)
    cols = [c for c, _, _ in hits]
    # function 0 -> a, 1 -> b, 2 -> c; function 3's only column (0.1) is below the floor
    assert cols == [0, 1, 2]
    by_col = {c: (e, s) for c, e, s in hits}
    assert by_col[0][1] == pytest.approx(0.9, abs=1e-5)
    assert by_col[0][0] == pytest.approx(0.5 * 0.9, abs=1e-5)          # above FLOOR: full ramp
    ramp = (0.45 - 0.35) / (sem.FLOOR - 0.35)
    assert by_col[2][0] == pytest.approx(0.5 * 0.45 * ramp, abs=1e-5)  # on the ramp
    assert all(e < s for _, e, s in hits)                              # never above the cosine


def test_graded_evidence_keeps_the_nearest_columns_up_to_the_limit():
    cos = [0.6, 0.9, 0.8, 0.7]
    space = _space(list("abcd"), np.stack([_unit(np.degrees(np.arccos(c))) for c in cos]))
    data = _data_of([[0], [1], [2], [3]])
    [hits] = evidence.graded_evidence(data, space, _unit(0.0)[None, :], limit=2)
    assert [c for c, _, _ in hits] == [1, 2]
    assert evidence.graded_evidence(data, space, np.zeros((0, 3))) == []


@needs_model
def test_a_task_sentence_close_to_a_function_text_gets_credit_an_unrelated_one_not(monkeypatch, store):
    monkeypatch.setenv(sem.SWITCH, "on")
    store.upsert([
        employer("hotel", [function("kamers", [comp("de kamers van de hotelgasten grondig schoonmaken"),
                                               comp("vuile handdoeken naar de wasserij brengen")]),
                           function("depot", [comp("vrachtwagens laden en lossen aan de kade"),
                                              comp("de voorraad in het magazijn tellen")])]),
        candidate("K-1", [("hotelkamers poetsen en de bedden opnieuw opmaken", 1)]),
        candidate("K-2", [("mijn hobby is zwemmen in de zee", 1)])])
    m = Matcher(store).fit()
    data = m.data_
    space = evidence.semantic_space(data, store, m.vocabulary_)
    vec = sem.cache_for(store).vectors(["hotelkamers poetsen en de bedden opnieuw opmaken",
                                        "mijn hobby is zwemmen in de zee"])
    close, far = evidence.graded_evidence(data, space, vec)
    named = {data.columns[c]: e for c, e, _ in close}
    room = "free:de kamers van de hotelgasten grondig schoonmaken"
    assert room in named and named[room] > 0
    assert named[room] == max(named.values())
    assert sum(e for _, e, _ in far) < 0.5 * sum(named.values())
    scores = m.score_functions([{"id": "Q", "competences": [
        {"name": "hotelkamers poetsen en de bedden opnieuw opmaken"}]}])[0]
    f = data.f_index
    assert scores[f["hotel/kamers"]] > scores[f["hotel/depot"]]


def test_a_bundled_concept_the_store_has_by_esco_uri_resolves_to_the_store_concept(store):
    bundled = next(c for c in Vocabulary(store).fit().concepts_.values()
                   if c.source == "competent" and c.esco_uri)
    vocab = Vocabulary(store)
    vocab.add_concepts([Concept("esco:test-skill", "a skill in English", esco_uri=bundled.esco_uri,
                                source="esco")],
                       [("esco:test-skill", "a skill in English", "esco_pref", "en")])
    res = vocab.resolve(bundled.label)
    assert res.concept == "esco:test-skill"
    # a bundled concept the store does not know stays itself
    other = next(c for c in vocab.concepts_.values()
                 if c.source == "competent" and c.esco_uri and c.esco_uri != bundled.esco_uri
                 and vocab.resolve(c.label).method == "exact")
    assert vocab.resolve(other.label).concept == other.id


def test_a_concept_with_many_english_labels_keeps_its_dutch_bundled_labels_in_the_space(store):
    # as after an ESCO import: the store holds the bundled concept with its English labels first
    bundled = next(c for c in Vocabulary(store).fit().concepts_.values()
                   if c.source == "competent" and c.esco_uri)
    english = [f"english label {i}" for i in range(sem.LABELS_PER_CONCEPT + 2)]
    vocab = Vocabulary(store)
    vocab.add_concepts([Concept(bundled.id, english[0], esco_uri=bundled.esco_uri, source="esco")],
                       [(bundled.id, t, "esco_pref" if i == 0 else "esco_alt", "en")
                        for i, t in enumerate(english)])
    labels = [label for cid, label in sem.concept_labels(vocab, [bundled.id])]
    assert labels[:sem.LABELS_PER_CONCEPT] == english[:sem.LABELS_PER_CONCEPT]
    assert bundled.label in labels[sem.LABELS_PER_CONCEPT:]
    assert len(labels) == len({label.lower() for label in labels})   # no label twice
    plain = Vocabulary.from_concepts([Concept("x", "iets")], [("x", "iets", "pref", "nl")])
    assert sem.concept_labels(plain) == [("x", "iets")]              # no bundle: own labels only


def test_only_sentence_like_texts_are_graded():
    assert evidence.sentence_like("hotelkamers poetsen en de bedden opnieuw opmaken")
    assert evidence.sentence_like("Clean and restock the guest rooms of the hotel")
    assert not evidence.sentence_like("vaat doen")
    assert not evidence.sentence_like("werkt nauwkeurig aan de band")   # four words, stop words off


def test_a_label_gets_graded_evidence_only_when_its_nearest_concept_is_no_clear_synonym(monkeypatch):
    # column "a" at cosine 0.9 (a clear synonym) or 0.6 (uncertain) from the text, "b" at 0.55:
    # a short label-like text is graded (on every function's nearest column) only in the second
    # case (evidence.CLEAR, the median of held-out synonyms)
    for near, graded in ((0.9, False), (0.6, True)):
        cos = [near, 0.55]
        space = _space(["a", "b"], np.stack([_unit(np.degrees(np.arccos(c))) for c in cos]))
        data = _data_of([[0], [1]])
        monkeypatch.setattr(evidence, "semantic_space", lambda *a: space)
        cache = SimpleNamespace(vectors=lambda texts: np.stack([_unit(0.0)] * len(texts)))
        monkeypatch.setattr(sem, "cache_for", lambda store: cache)
        [hits] = evidence.embedding_evidence(data, None, None, ["kuisen"])
        soft = sem.soft_evidence(space, _unit(0.0)[None, :])[0]
        extra = [h for h in hits if h not in soft]
        assert bool(extra) is graded, (near, hits)
        if graded:  # function 1's only column, which the soft evidence also reaches at 0.55
            assert {c for c, _, _ in extra} == {0, 1}
    assert evidence.CLEAR > sem.FLOOR


def test_every_bundled_vector_is_found_by_its_full_key():
    # numpy's S12 array drops a key's trailing zero bytes (1 in 256 hashes): each key must be
    # padded back to the 12 bytes of text_hash, or those texts would be embedded on every fit
    index, vectors, _ = sem._bundled()
    if not len(vectors):
        pytest.skip("no bundled vector file")
    assert len(index) == len(vectors)
    assert all(len(k) == 12 for k in index)
    assert any(k.endswith(b"\0") for k in index)   # the case this is about is in the file
