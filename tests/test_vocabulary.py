"""The vocabulary: folding, resolution (typos, synonyms, accents), aliases, text index, ESCO import."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from matchcore.errors import EscoError, NotFound, VocabularyError
from matchcore.store.db import Store
from matchcore.vocabulary import (
    RESOLVE_THRESHOLD,
    STARTER_PATH,
    Concept,
    TextIndex,
    Vocabulary,
    fold,
    import_esco,
    key,
    load_starter,
)
from tests.match_data import ESCO_SMALL, SMALL_VOCAB, candidate, employer, function, small_vocab  # noqa: F401


@pytest.mark.parametrize("text, folded, keyed", [
    ("Heftruck Besturen", "heftruck besturen", "besturen heftruck"),
    ("hygiëneregels   toepassen", "hygieneregels toepassen", "hygieneregels toepassen"),
    ("HACCP-regels toepassen!", "haccp regels toepassen", "haccp regels toepassen"),
    ("rijden met de heftruck", "rijden met de heftruck", "heftruck rijden"),
    ("Café-uitbating", "cafe uitbating", "cafe uitbating"),
    ("de", "de", "de"),  # only stop words: keep them
    ("", "", ""),
])
def test_fold_and_key(text, folded, keyed):
    assert fold(text) == folded
    assert key(text) == keyed


@pytest.fixture
def vocab(store, request):
    request.getfixturevalue("small_vocab")
    return Vocabulary(store).fit()


@pytest.mark.parametrize("text, concept, method", [
    ("heftruck besturen", "heftruck-besturen", "exact"),
    ("Heftruck BESTUREN", "heftruck-besturen", "exact"),          # case
    ("vorkheftruck rijden", "heftruck-besturen", "synonym"),       # an alternative label
    ("rijden met heftruck", "heftruck-besturen", "synonym"),       # word order and a stop word
    ("heftruk besturen", "heftruck-besturen", "fuzzy"),            # typo
    ("hefftruck besturen", "heftruck-besturen", "fuzzy"),          # typo
    ("heftruk", "heftruck-besturen", "fuzzy"),                     # typo of the bare noun
    ("hygieneregels toepassen", "haccp", "synonym"),               # accent missing
    ("HACCP regels toepassen", "haccp", "exact"),                  # punctuation
    ("afwas doen", "afwassen", "synonym"),
    ("keuken kuissen", "keuken-reinigen", "synonym"),             # kuissen/kuisen: one stem
    ("werken in team", "samenwerken", "synonym"),
    ("operate forklift", "heftruck-besturen", "synonym"),          # the English label
    ("roken", None, "unresolved"),                                 # one letter off a short word
    ("bloemschikken", None, "unresolved"),
])
def test_resolution_cases(vocab, text, concept, method):
    res = vocab.resolve(text)
    assert (res.concept, res.method) == (concept, method)
    if method == "fuzzy":
        assert RESOLVE_THRESHOLD <= res.score < 100


def test_resolve_many_agrees_with_resolve(vocab):
    texts = ["heftruk besturen", "afwas doen", "roken", "keuken kuissen", "bloemschikken",
             "orderpickn", "heftruk besturen"]
    fresh = Vocabulary(vocab.store).fit()
    assert [r.concept for r in fresh.resolve_many(texts)] == [vocab.resolve(t).concept for t in texts]


@pytest.mark.usefixtures("small_vocab")
def test_resolution_by_esco_uri(store):
    v = Vocabulary(store).fit()

    v.add_concepts([Concept("x-skill", "iets heel anders", esco_uri="http://esco/x")],
                   [("x-skill", "iets heel anders", "pref", "nl")])
    assert v.resolve("whatever text", "http://esco/x").method == "esco_uri"


def test_alias_makes_a_text_resolve(vocab):
    assert not vocab.resolve("met de clark rijden").resolved
    done = vocab.add_alias("heftruck besturen", "met de clark rijden")  # a label names the concept
    assert done["concept"] == "heftruck-besturen"
    assert done["before"]["method"] == "unresolved"
    assert vocab.resolve("Met de Clark rijden").concept == "heftruck-besturen"


def test_alias_errors(vocab):
    with pytest.raises(NotFound, match="did you mean 'heftruck-besturen'"):
        vocab.add_alias("heftruck-bestuuren", "clark")
    vocab.add_alias("afwassen", "spoelen")
    with pytest.raises(VocabularyError, match="already an alias of concept 'afwassen'"):
        vocab.add_alias("koken", "spoelen")
    with pytest.raises(VocabularyError, match="empty"):
        vocab.add_alias("koken", "!!")


@pytest.mark.usefixtures("small_vocab")
def test_nearest_and_unresolved(store):
    store.upsert([employer("e", [function("f", [{"name": "vaatwas bedienen"}])]),
                  candidate("K-1", [("heftruckrijbewijs", 2), ("afwassen", 1)]),
                  candidate("K-2", [("heftruckrijbewijs", 1)])])
    rows = Vocabulary(store).fit().unresolved()
    assert [r["text"] for r in rows] == ["heftruckrijbewijs", "vaatwas bedienen"]
    assert rows[0]["count"] == 2 and rows[0]["candidates"] == 2
    assert rows[0]["nearest"][0]["concept"] == "heftruck-besturen"


def test_the_starter_vocabulary_without_a_store_is_the_one_a_store_holds():
    if not STARTER_PATH.is_file():
        pytest.skip("starter vocabulary not present")
    from_store = Vocabulary(Store(":memory:")).fit()
    alone = Vocabulary.from_starter()
    assert alone.store is None and alone.version_ is None
    for name in ("concepts_", "by_uri_", "labels_", "exact_", "keys_", "key_concepts_"):
        assert getattr(alone, name) == getattr(from_store, name), name
    texts = ["heftruk besturen", "vloeren schoonmaken", "Klompen Poetsen!", "afwas doen"]
    assert alone.resolve_many(texts) == from_store.resolve_many(texts)
    with pytest.raises(VocabularyError, match="no store"):
        alone.add_alias("afwassen", "spoelen")


def test_a_vocabulary_from_concepts_keeps_the_better_label_kind():
    concepts = [Concept("b", "Spoelen"), Concept("a", "Afwassen")]
    labels = [("a", "afwassen", "alt", "nl"), ("a", "Afwassen", "pref", "nl"),
              ("b", "spoelen", "pref", "nl"), ("b", "afwassen", "alt", "nl"), ("b", "!!", "alt", "nl")]
    vocab = Vocabulary.from_concepts(concepts, labels)
    assert list(vocab.concepts_) == ["a", "b"]
    assert vocab.labels_ == {"a": ["Afwassen"], "b": ["spoelen", "afwassen"]}
    assert vocab.resolve("afwassen").concept == "a"


def test_text_index_similarity():
    idx = TextIndex().fit(["afwassen", "afwas doen", "gras maaien"], np.array([0, 0, 1]), 3)
    sim = idx.similarity(["afwassen in de keuken", "bloemschikken"]).toarray()
    assert sim.shape == (2, 3)
    assert sim[0, 0] >= 0.5 and sim[0, 1] == 0
    assert not sim[1].any()  # below the threshold: no evidence


def test_starter_vocabulary_is_large_and_unambiguous():
    if not STARTER_PATH.is_file():
        pytest.skip("matchcore/data/vocabulary_nl.yaml not written yet")
    concepts, labels = load_starter()
    assert len(concepts) >= 300
    owners = {}
    for cid, label, kind, lang in labels:
        if kind in ("pref", "alt"):
            owners.setdefault(fold(label), set()).add(cid)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert not shared, f"labels naming two concepts: {sorted(shared)[:5]}"


def test_starter_resolves_coach_phrasings(store):
    if not STARTER_PATH.is_file():
        pytest.skip("matchcore/data/vocabulary_nl.yaml not written yet")
    v = Vocabulary(store).fit()
    phrasings = ["heftruck besturen", "vorkheftruck rijden", "rijden met heftruck",
                 "heftruck besturn", "Vorkheftruck Rijden!"]
    if v.resolve("heftruck").resolved:  # the bare noun is a label: its typo resolves too
        phrasings.append("heftruk")
    ids = {v.resolve(t).concept for t in phrasings}
    assert len(ids) == 1 and None not in ids


def test_bad_starter_file_names_the_problem(tmp_path):
    bad = tmp_path / "v.yaml"
    bad.write_text("- {id: a, label: a, sectorz: [x]}\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="unknown field 'sectorz' \\(did you mean 'sectors'\\?\\)"):
        load_starter(bad)


# --- ESCO -----------------------------------------------------------------------------------

@pytest.fixture
def no_bundle(monkeypatch, tmp_path):
    """Without the bundled Competent vocabulary: ESCO import on its own (tests/test_vocab_*.py
    test the two together)."""
    monkeypatch.setattr("matchcore.vocabulary.competent.BUNDLED_PATH", tmp_path / "none.json.gz")


@pytest.mark.usefixtures("small_vocab", "no_bundle")
def test_esco_import_on_the_small_fixture(store):
    counts = import_esco(store, ESCO_SMALL)
    assert counts["skills"] == 23 and counts["occupations"] == 3
    assert counts["titled"] == 3 and counts["skipped_occupations"] == 1
    v = Vocabulary(store).fit()
    # an ESCO alternative label resolves to the ESCO concept
    res = v.resolve("utilise radio devices")
    assert res.concept.startswith("esco:") and res.label == "operate radio equipment"
    assert v.concepts_[res.concept].type == "generic"  # cross-sector reuse level
    emp = store.employer("esco")
    titles = sorted(f.title for f in emp.functions)
    assert titles == ["heftruckchauffeur", "magazijnmedewerker", "medewerker keuken"]
    fn = next(f for f in emp.functions if f.title == "medewerker keuken")
    with ESCO_SMALL.joinpath("occupationSkillRelations.csv").open(encoding="utf-8") as fh:
        rel = [r for r in csv.DictReader(fh) if r["occupationUri"] == fn.extra["esco_uri"]]
    assert len(fn.competences) == len(rel)
    essential = {r["skillUri"] for r in rel if r["relationType"] == "essential"}
    assert {c.esco_uri for c in fn.competences if c.required} == essential
    assert fn.openings == 0 and fn.extra["reference"] is True


@pytest.mark.usefixtures("no_bundle")
def test_esco_import_is_idempotent_and_links_starter_concepts(store, tmp_path, monkeypatch):
    with ESCO_SMALL.joinpath("skills_en.csv").open(encoding="utf-8") as fh:
        uri = next(r["conceptUri"] for r in csv.DictReader(fh) if r["preferredLabel"] == "sort waste")
    starter = tmp_path / "v.yaml"
    starter.write_text(f"- {{id: afval-sorteren, label: afval sorteren, esco_uri: '{uri}'}}\n",
                       encoding="utf-8")
    monkeypatch.setattr("matchcore.vocabulary.concepts.STARTER_PATH", starter)
    Vocabulary(store).fit()
    first = import_esco(store, ESCO_SMALL)
    second = import_esco(store, ESCO_SMALL)
    assert first["linked"] == second["linked"] == 1
    assert store.db["vocab_concepts"].count == 23
    v = Vocabulary(store).fit()
    assert v.resolve("sort waste").concept == "afval-sorteren"
    assert v.resolve("afval sorteren").concept == "afval-sorteren"


def test_esco_import_errors(store, tmp_path):

    with pytest.raises(EscoError, match="no skills_xx.csv"):
        import_esco(store, tmp_path)
    (tmp_path / "skills_en.csv").write_text("conceptUri,preferredLabel\n", encoding="utf-8")
    with pytest.raises(EscoError, match="needs occupations_en.csv"):
        import_esco(store, tmp_path)


def test_fixture_has_the_real_esco_columns(shared_dir):
    real = shared_dir / "data" / "esco-1.1.1-en"
    for name in ("skills_en.csv", "occupations_en.csv", "occupationSkillRelations.csv"):
        with (real / name).open(encoding="utf-8") as a, (ESCO_SMALL / name).open(encoding="utf-8") as b:
            assert a.readline() == b.readline()


@pytest.mark.usefixtures("no_bundle")
def test_starter_loaded_after_esco_absorbs_the_twin(store, tmp_path, monkeypatch):
    with ESCO_SMALL.joinpath("skills_en.csv").open(encoding="utf-8") as fh:
        uri = next(r["conceptUri"] for r in csv.DictReader(fh) if r["preferredLabel"] == "sort waste")
    monkeypatch.setattr("matchcore.vocabulary.concepts.STARTER_PATH", tmp_path / "absent.yaml")
    import_esco(store, ESCO_SMALL)
    assert store.db.execute("select count(*) from vocab_concepts where esco_uri = ?", [uri]).fetchone()[0] == 1
    starter = tmp_path / "v.yaml"
    starter.write_text(f"- {{id: afval-sorteren, label: afval sorteren, esco_uri: '{uri}'}}\n",
                       encoding="utf-8")
    monkeypatch.setattr("matchcore.vocabulary.concepts.STARTER_PATH", starter)
    v = Vocabulary(store).fit()
    assert store.db.execute("select id from vocab_concepts where esco_uri = ?", [uri]).fetchall() == [("afval-sorteren",)]
    assert v.resolve("sort waste").concept == "afval-sorteren"
    assert v.resolve("anything", uri).concept == "afval-sorteren"
