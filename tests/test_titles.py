"""Job titles: char n-gram TF-IDF against every title of a function, ESCO Dutch titles."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from matchcore.matching import arrays as ma
from matchcore.matching.matcher import Matcher
from matchcore.matching.score import TITLE_FLOOR, title_fit
from matchcore.matching.titles import TitleIndex, esco_titles, expand_titles
from tests.conftest import SHARED
from tests.match_data import candidate, comp, employer, function

TITLES = ["magazijnmedewerker", "magazijnier", "productiemedewerker", "logistiek medewerker",
          "medewerker", "afwasser", "lasser", "keukenhulp", "heftruckchauffeur",
          "chauffeur heftruck", "it medewerker", "onderhoudsmedewerker"]


@pytest.fixture(scope="module")
def index():
    """The index over every Dutch ESCO title (about 21,000 texts, 2 s to fit)."""
    return TitleIndex.fit(sorted(set(esco_titles()[1]) | set(TITLES)))


def cos(index, a, b):
    return float(index.vs([a], [b])[0, 0])


def test_shared_generic_words_weigh_little(index):
    # the specific part decides: same word first, generic "medewerker" alone much less
    assert cos(index, "magazijnmedewerker", "magazijnmedewerker") == pytest.approx(1.0, abs=1e-3)
    assert cos(index, "magazijnmedewerker", "medewerker") < 0.5
    assert cos(index, "magazijnmedewerker", "productiemedewerker") < 0.5
    assert cos(index, "heftruckchauffeur", "chauffeur heftruck") > 0.6
    # unrelated titles sharing a few n-grams stay at or below the floor: no fit
    assert title_fit(np.array([cos(index, "afwasser", "lasser")]))[0] < 0.1


def test_title_fit_floor():
    assert title_fit(np.array([TITLE_FLOOR, 1.0, 0.0]))[[0, 2]].tolist() == [0.0, 0.0]
    assert title_fit(np.array([1.0]))[0] == 1.0


def test_index_survives_the_cache_blob(index):
    again = TitleIndex.from_parts(index.texts, index.parts())
    a = index.scores(["magazijn medewerker", "chauffeur"])
    b = again.scores(["magazijn medewerker", "chauffeur"])
    assert np.allclose(a, b, atol=2e-3)  # data kept as float16


def test_esco_titles_expand_a_function():
    by_uri, by_title = esco_titles()
    assert len(by_uri) > 3000
    titles = expand_titles("Magazijnier", {})
    assert titles[0] == "magazijnier" and "magazijnmedewerker" in titles
    # an occupation URI brings all its titles, not the first 20
    uri = max(by_uri, key=lambda u: len(by_uri[u]))
    assert len(expand_titles("x", {"esco_uri": uri})) == len({t.casefold() for t in by_uri[uri]}) + 1


def test_job_target_prefers_the_specific_title(store):
    same = [comp("orderpicken", 1)]
    store.upsert([employer("e", [function("a", same, title="Magazijnier"),
                                 function("b", same, title="Productiemedewerker"),
                                 function("c", same, title="Medewerker")]),
                  candidate("K-1", [("orderpicken", 1)], targets=["magazijnmedewerker"]),
                  candidate("K-2", [("orderpicken", 1)], targets=["medewerker"])])
    m = Matcher(store).fit()
    res = m.match_candidate("K-1").results
    assert [r.function for r in res] == ["e/a", "e/b", "e/c"] or res[0].function == "e/a"
    j = {r.function: r.components.job_target for r in res}
    assert j["e/a"] == 1.0 and j["e/b"] < 0.3 and j["e/c"] < 0.3
    # a generic target fits the generic title, not every title that contains it fully
    j2 = {r.function: r.components.job_target for r in m.match_candidate("K-2").results}
    assert j2["e/c"] == 1.0 and j2["e/b"] < 0.5
    # the other direction gives the same J
    back = {r.candidate: r.components.job_target for r in m.match_function("e/a").results}
    assert back["K-1"] == pytest.approx(1.0) and back["K-2"] < 0.3


def test_titles_kept_in_the_cache_blob(store):
    store.upsert([employer("e", [function("a", [comp("afwassen")], title="Afwasser")]),
                  candidate("K-1", [("afwassen", 1)], targets=["afwasser"])])
    first = Matcher(store).fit()
    loaded = ma.load_cached(store, "")
    assert loaded is not None and loaded.tm_indptr is not None
    again = Matcher(store).fit()
    a = first.match_candidate("K-1").results[0].components.job_target
    b = again.match_candidate("K-1").results[0].components.job_target
    assert a == b == 1.0


@pytest.mark.skipif(not (SHARED / "data" / "esco-1.2-nl-occupations").is_dir(),
                    reason="../shared/data is not here")
def test_bundled_titles_hold_every_shared_label():
    by_uri, _ = esco_titles()
    path = SHARED / "data" / "esco-1.2-nl-occupations" / "occupations_nl.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows[:200]:
        have = {t.casefold() for t in by_uri[row["conceptUri"]]}
        assert row["preferredLabel"].strip().casefold() in have
        assert {a.strip().casefold() for a in row["altLabels"].splitlines() if a.strip()} <= have


def test_the_query_side_hashing_gives_scikit_learns_features():
    # matching/titles.py hashes a query's targets itself (no scikit-learn import on a CLI query);
    # it must give exactly HashingVectorizer's counts, or scores would silently drift
    import random
    import string

    from matchcore.matching.titles import _char_wb_counts, _vectorizer

    rnd = random.Random(3)
    texts = ["magazijnmedewerker", "heftruckchauffeur in de haven", "a b", "x", "élève café",
             "poetshulp 4/5", "  dubbel   spatie\tTAB "]
    texts += ["".join(rnd.choice(string.ascii_lowercase + " éëçü-/'") for _ in range(rnd.randint(0, 40)))
              for _ in range(200)]
    assert abs(_char_wb_counts(texts) - _vectorizer().transform(texts)).sum() == 0


def test_many_candidates_with_the_same_targets_score_as_each_alone(index):
    # one function against every stored candidate: each distinct target is hashed once, and a
    # candidate's row is the one its target gets alone, to the bit
    targets = ["magazijnier", "afwasser", "magazijnier", "keukenhulp", "afwasser", "magazijnier"]
    titles = ["magazijnmedewerker", "afwasser / keukenhulp"]
    together = index.vs(targets, titles)
    alone = np.vstack([index.vs([t], titles) for t in targets])
    assert together.shape == (6, 2) and together.tolist() == alone.tolist()
    assert together[0, 0] > together[1, 0] and together[1, 1] > 0
