"""The bundled VDAB Competent / Dutch ESCO vocabulary: the built file, joining it to the starter
concepts, exact/close as one concept, broad/narrow as related concepts with partial credit, the
ESCO import linking to it, and the build script against the shared data."""
from __future__ import annotations

import csv
import gzip
import importlib.util
import json
from pathlib import Path

import pytest

from matchcore.errors import EscoError
from matchcore.matching.matcher import Matcher
from matchcore.vocabulary import Vocabulary, competent, import_esco
from matchcore.vocabulary.concepts import bundled_vocabulary
from tests.match_data import ESCO_SMALL, candidate, employer, function

SHARED = Path("/work/shared/data")


@pytest.fixture(scope="module")
def data():
    with gzip.open(competent.BUNDLED_PATH, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.from_starter()


def test_the_bundled_file_is_small_attributed_and_complete(data):
    assert competent.BUNDLED_PATH.stat().st_size < 2_000_000
    assert "ESCO (European Commission)" in data["about"] and "Nalantis" in data["about"]
    ids = [c[0] for c in data["concepts"]]
    assert sum(i.startswith("competent:") for i in ids) == 7963   # every Competent competence
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    uris = [u for c in data["concepts"] for u in c[3]]
    assert len(uris) == len(set(uris)) >= 5453                     # an ESCO skill joins one concept
    assert {r[2] for r in data["related"]} == {"broader", "narrower", "close"}


def test_a_competent_label_resolves_to_its_concept_in_dutch_french_and_esco_dutch(vocab):
    assert vocab.resolve("Dierlijke fysiologie").as_dict() | {"score": 100} == {
        "text": "Dierlijke fysiologie", "concept": "competent:KN-10", "label": "Dierlijke fysiologie",
        "score": 100, "method": "exact", "matched": "Dierlijke fysiologie"}
    fr = vocab.resolve("Physiologie animale")
    nl = vocab.resolve("fysiologie van dieren")          # the Dutch ESCO label (exactMatch)
    assert (fr.concept, fr.method) == (nl.concept, nl.method) == ("competent:KN-10", "synonym")
    uri = "http://data.europa.eu/esco/skill/60e0ed61-6340-4372-984a-416d1fe0010c"
    assert vocab.resolve("whatever", uri).concept == "competent:KN-10"
    assert vocab.concepts_["competent:KN-10"].esco_uri == uri
    assert vocab.concepts_["competent:KN-10"].source == "competent"


def test_close_matches_are_one_concept_and_the_second_close_is_related(data, vocab):
    # an ESCO skill close to exactly one competence: its Dutch label is a synonym of it
    by_id = {c[0]: c for c in data["concepts"]}
    row = next(c for c in data["concepts"] if c[0].startswith("competent:") and len(c[3]) >= 2
               and c[0] in vocab.concepts_)
    for label in row[5][:3]:
        assert vocab.resolve(label).concept == row[0], label
    # a skill close to two competences joins one; the other is related as "close"
    a, b, rel = next(r for r in data["related"] if r[2] == "close"
                     and r[0] in vocab.concepts_ and r[1] in vocab.concepts_)
    assert rel == "close" and a in by_id and b in by_id and a != b
    assert (b, "close") in vocab.related(a) and (a, "close") in vocab.related(b)


def test_broad_and_narrow_are_related_concepts_with_partial_credit(vocab):
    # ESCO "timmerwerk" is broader than Competent KN-10001 "Binnenschrijnwerk"
    broad, narrow = vocab.resolve("timmerwerk").concept, vocab.resolve("Binnenschrijnwerk").concept
    assert broad != narrow and narrow == "competent:KN-10001"
    assert (broad, "broader") in vocab.related(narrow)
    assert (narrow, "narrower") in vocab.related(broad)
    credit = vocab.related_credit([narrow])
    assert credit[broad] == (competent.RELATED_CREDIT, narrow, "broader")
    assert 0 < competent.RELATED_CREDIT < 1
    assert narrow not in vocab.related_credit([narrow, broad])   # held concepts earn no extra


def test_starter_concepts_absorb_their_competent_twin_instead_of_duplicating(vocab):
    b = bundled_vocabulary()
    assert b.joined, "some Competent competences name a starter concept's ESCO skill"
    cid, target = next(iter(sorted(b.joined.items())))
    assert cid not in vocab.concepts_ and target in vocab.concepts_
    assert vocab.concepts_[target].source == "starter"
    # the Competent label now resolves to the hand-made concept
    competent_label = next(r[1] for r in b.rows if r[0] == target and r[2] not in
                           {vocab.concepts_[target].label.casefold()})
    assert vocab.resolve(competent_label).concept == target


def test_the_store_vocabulary_is_the_bundled_one(store):
    alone = Vocabulary.from_starter()
    from_store = Vocabulary(store).fit()
    for name in ("concepts_", "by_uri_", "labels_", "exact_", "normal_", "keys_", "related_"):
        assert getattr(alone, name) == getattr(from_store, name), name
    assert len(from_store.concepts_) > 9000


def test_a_coach_alias_on_a_bundled_concept_is_stored(store):
    v = Vocabulary(store).fit()
    done = v.add_alias("competent:KN-10001", "binnenschrijnwerk plaatsen")
    assert done["concept"] == "competent:KN-10001"
    again = Vocabulary(store).fit()
    assert again.resolve("binnenschrijnwerk plaatsen").concept == "competent:KN-10001"


def test_esco_import_links_skills_to_the_bundled_concepts(store):
    counts = import_esco(store, ESCO_SMALL)
    v = Vocabulary(store).fit()
    linked = [uri for uri in v.by_uri_ if v.concepts_[v.by_uri_[uri]].source != "esco"]
    assert counts["linked"] >= 1 and linked
    # an English ESCO label of a mapped skill resolves to the Competent/starter concept
    with ESCO_SMALL.joinpath("skills_en.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    b = bundled_vocabulary()
    mapped = [r for r in rows if r["conceptUri"] in b.uris]
    assert mapped
    for r in mapped:
        assert v.resolve(r["preferredLabel"]).concept == b.uris[r["conceptUri"]]
    # no twin concept for a mapped skill
    ids = {r[0] for r in store.db.execute("select id from vocab_concepts where source = 'esco'")}
    assert not any("esco:" + r["conceptUri"].rsplit("/", 1)[-1] in ids for r in mapped
                   if not b.uris[r["conceptUri"]].startswith("esco:"))


def test_esco_import_with_the_mapping_file_stores_it(store, tmp_path):
    mapping = tmp_path / "m.csv"
    mapping.write_text(
        "Mapping project name,ESCO - VDAB Competences,,,,,,,,,\n\n"
        "Classification 1 URI,Classification 1 ID,Classification 1 PrefLabel,Classification 1 URL,"
        "Classification 2 URI,Classification 2 ID,Classification 2 PrefLabel FR,"
        "Classification 2 PrefLabel NL,Classification 2 URL,Mapping Relation,Editorial Note\n"
        "aaaa,,proefvaardigheid,,x,ZZ-1,Savoir tester,Proeven uitvoeren,,skos:closeMatch,\n"
        "bbbb,,brede proefkunde,,y,ZZ-2,Tester large,Breed proeven,,skos:broadMatch,\n",
        encoding="utf-8")
    import_esco(store, ESCO_SMALL, mapping=mapping)
    v = Vocabulary(store).fit()
    assert v.resolve("proefvaardigheid").concept == "competent:ZZ-1"
    assert v.resolve("Savoir tester").concept == "competent:ZZ-1"
    assert ("esco:bbbb", "broader") in v.related("competent:ZZ-2")
    bad = tmp_path / "bad.csv"
    bad.write_text(mapping.read_text(encoding="utf-8").replace("skos:broadMatch", "skos:sameAs"),
                   encoding="utf-8")
    with pytest.raises(EscoError, match=r"bad.csv: line 5: field 'Mapping Relation'.*sameAs"):
        import_esco(store, ESCO_SMALL, mapping=bad)


@pytest.mark.skipif(not (SHARED / "esco-vdab-competent").is_dir(), reason="shared data absent")
def test_the_build_script_reproduces_the_bundled_file(data):
    spec = importlib.util.spec_from_file_location(
        "build_competent_vocab", Path(__file__).resolve().parent.parent / "tools" / "build_competent_vocab.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    built = json.loads(json.dumps(tool.build(SHARED)))
    assert built == data


def test_a_related_concept_earns_partial_credit_in_matching(store):
    store.upsert([employer("e", [function("f", [{"name": "Binnenschrijnwerk", "level": 1,
                                                  "required": True}])]),
                  candidate("K-1", [("timmerwerk", 1)]), candidate("K-2", [("Binnenschrijnwerk", 1)]),
                  candidate("K-3", [("bloemschikken", 1)])])
    r = Matcher(store, cache=False).fit().match_function("e/f", top=5, include_excluded=True)
    by = {x.candidate: x for x in r.results}
    assert by["K-2"].score > by["K-1"].score > 0            # partial, not full credit
    assert "K-3" not in by or by["K-3"].score < by["K-1"].score
    related = [m for m in by["K-1"].matched if m.via == "related"]
    assert related and related[0].candidate_competence == "timmerwerk"
    assert related[0].similarity == pytest.approx(competent.RELATED_CREDIT)
    assert any("timmerwerk" in line for line in by["K-1"].explanation)
