"""The match-quality benchmark's machinery (benchmarks/quality.py) on tiny samples.

What must hold for its figures to be honest: the texts a query is written with are really
gone from matchcore's vocabulary (and from the title table), ties are not broken in anyone's
favour, and every profile that contains the sampled competences counts.
"""
import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("quality_bench", ROOT / "benchmarks" / "quality.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["quality_bench"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_ties_count_at_their_expected_value(quality):
    # four profiles tie; one is relevant: a random order puts it first a quarter of the time
    m = quality.expected_metrics(np.ones((1, 4)), [[2]])
    assert m["recall@1"] == pytest.approx(0.25)
    assert m["recall@10"] == pytest.approx(1.0)
    assert m["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4)
    # two relevant among the four tied: first place is relevant half the time
    assert quality.expected_metrics(np.ones((1, 4)), [[0, 3]])["recall@1"] == pytest.approx(0.5)
    # a strictly better non-relevant profile pushes the relevant one to rank 2
    m = quality.expected_metrics(np.array([[0.9, 0.5, 0.1]]), [[1]])
    assert (m["recall@1"], m["mrr"]) == (0.0, pytest.approx(0.5))


def test_every_profile_containing_the_sample_is_relevant(quality):
    sets = [{"a", "b", "c"}, {"a", "b"}, {"a"}, {"b", "c"}]
    assert quality.relevant_by_containment(sets, [{"a", "b"}, {"c"}]) == [[0, 1], [0, 3]]


def test_bundled_held_out_synonyms_are_gone_from_the_vocabulary(quality, tmp_path):
    if not SHARED.is_dir():
        pytest.skip("../shared/data is absent")
    args = argparse.Namespace(seed=3, per_profile=1)
    with quality.bundle_held_out():
        case = quality.bundled_case(tmp_path, args)
        check_held_out(quality, case)


def check_held_out(quality, case):
    try:
        assert case.heldout and case.truth
        written = {quality.fold(t) for q in case.query_texts for t in q}
        assert written & case.heldout, "no query uses a held-out synonym"
        m = quality.fitted(case.store)
        vocab = m.vocabulary_
        for text in case.truth:
            assert quality.fold(text) not in vocab.exact_, text
            assert quality.key(text) not in vocab.exact_, text
            assert vocab.resolve(text).method not in ("exact", "synonym"), text
        assert quality.leaks(case, m) == 0
        # the profiles themselves still resolve: their own texts were not held out
        names = [n for f in case.function_ids[:5] for n, _ in
                 quality.function_competences(case.store, [f])[f]]
        assert all(vocab.resolve(n).concept for n in names[:5] if quality.fold(n) in vocab.exact_)
        # the baselines know the remaining labels, never a held-out one
        quality.knowledge(case, m)
        known = {quality.fold(t) for p in case.items for item in p for t in item}
        assert not known & case.heldout
    finally:
        case.store.close()


def test_esco_copy_drops_the_held_out_alt_label(quality, tmp_path):
    if not SHARED.is_dir():
        pytest.skip("../shared/data is absent")
    src = tmp_path / "src"
    quality.write_csv(src / "skills_en.csv", [
        {"conceptUri": "u1", "preferredLabel": "operate forklift", "altLabels": "drive forklift\nforklift driving",
         "hiddenLabels": "drive forklift"},
        {"conceptUri": "u2", "preferredLabel": "wash dishes", "altLabels": "dishwashing", "hiddenLabels": ""}])
    quality.write_csv(src / "occupations_en.csv", [{"conceptUri": "o1", "preferredLabel": "x", "code": "1"}])
    quality.write_csv(src / "occupationSkillRelations.csv",
                      [{"occupationUri": "o1", "relationType": "essential", "skillUri": "u1"}])
    e = quality.Esco(src, quality.read_csv(src / "skills_en.csv"), [], [])
    out = quality.read_csv(e.copy(tmp_path, {"u1": "drive forklift"}) / "skills_en.csv")
    assert out[0]["altLabels"] == "forklift driving" and out[0]["hiddenLabels"] == ""
    assert out[1]["altLabels"] == "dishwashing"


def test_held_out_titles_are_hidden_from_the_bundled_title_table(quality):
    from matchcore.matching import titles

    by_uri, _ = titles.esco_titles()
    if not by_uri:
        pytest.skip("no bundled Dutch title table")
    uri, labels = next((u, ts) for u, ts in sorted(by_uri.items()) if len(ts) >= 3)
    held = quality.fold(labels[-1])
    assert held in titles.expand_titles(labels[0], {"esco_uri": uri})
    before = titles._reference_df()
    assert held in before[0]
    with quality.titles_held_out({held}):
        assert held not in titles.expand_titles(labels[0], {"esco_uri": uri})
        assert held not in titles.esco_titles()[1]   # nor found as a title of the occupation
        # nor counted in the n-gram document frequencies the title index weighs with
        hidden = titles._reference_df()
        assert held not in hidden[0] and hidden[1].sum() < before[1].sum()
    assert held in titles.expand_titles(labels[0], {"esco_uri": uri})
    assert titles._reference_df()[1].sum() == before[1].sum()
