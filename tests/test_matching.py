"""Scores, constraints, queries and their explanations (matchcore.matching.matcher)."""
from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest

from matchcore.errors import NotFound
from matchcore.i18n import use_language
from matchcore.matching.matcher import Matcher
from matchcore.model import FunctionCompetence
from matchcore.vocabulary import import_esco
from tests.match_data import (  # noqa: F401
    KITCHEN,
    candidate,
    comp,
    employer,
    function,
    random_world,
    small_vocab,
)

pytestmark = pytest.mark.usefixtures("small_vocab")  # tests/fixtures/vocab_small.yaml

ALL_FOUR = [("afwassen", 2), ("HACCP-regels toepassen", 2), ("keuken reinigen", 2), ("samenwerken", 2)]


@pytest.fixture
def kitchen(store):
    """One kitchen function (no idf: weights as written) and room for candidates."""
    store.upsert([employer("kaai", [function("afwasser", KITCHEN, title="Afwasser")])])
    return store


# components: R, O, U, presence; with idf off the weights are those written in KITCHEN
# (required: afwassen 1 + HACCP 1; optional: keuken reinigen 2 + samenwerken 1), so the
# coverage is A = (2 R + 3 O) / 5, C = (A + U) / 2 and P = 1 - 0.5 (1 - presence).
SCORE_CASES = [
    ("everything at level", ALL_FOUR, (), 1.0, 1.0, 1.0, 1.0, 1.0),
    ("level below counts half", [("afwassen", 1)] + ALL_FOUR[1:], (), 0.75, 1.0, 1.0, 1.0,
     ((2 * 0.75 + 3 * 1.0) / 5 + 1.0) / 2),
    ("one of two required missing", [("afwassen", 2), ("keuken reinigen", 1)], (),
     0.5, 2 / 3, 1.0, 0.5, 0.75 * ((2 * 0.5 + 3 * 2 / 3) / 5 + 1.0) / 2),
    ("an unrelated extra lowers use", ALL_FOUR + [("orderpicken", 1)], (),
     1.0, 1.0, 0.8, 1.0, (1.0 + 0.8) / 2),
    ("synonyms and typos count as the concept",
     [("afwas doen", 2), ("hygiëneregels toepassen", 2), ("keuken kuissen", 2), ("in team werken", 2)],
     (), 1.0, 1.0, 1.0, 1.0, 1.0),
    ("job target matching the title", ALL_FOUR, ("afwasser",), 1.0, 1.0, 1.0, 1.0, 1.0),
    ("job target elsewhere", ALL_FOUR, ("tuinman",), 1.0, 1.0, 1.0, 1.0, 0.8),
]


@pytest.mark.parametrize("name, comps, targets, R, O, U, presence, score", SCORE_CASES,
                         ids=[c[0] for c in SCORE_CASES])
def test_score_cases(kitchen, name, comps, targets, R, O, U, presence, score):
    kitchen.upsert([candidate("K-1", comps, targets=targets)])
    m = Matcher(kitchen, idf=False).fit()
    res = m.match_candidate("K-1", include_excluded=True).results[0]
    c = res.components
    assert (c.required, c.optional, c.use, c.presence) == pytest.approx(
        (R, O, U, presence), abs=1e-3)
    assert res.score == pytest.approx(score, abs=1e-3)
    assert 0 <= res.score <= 1


def test_nothing_in_common_is_not_listed(kitchen):
    kitchen.upsert([candidate("K-1", [("orderpicken", 3), ("gras maaien", 2)])])
    _, _, scores, _ = Matcher(kitchen).fit().score_matrix()
    assert scores[0, 0] == 0
    assert Matcher(kitchen).fit().match_candidate("K-1", include_excluded=True).results == []


def test_explanations_name_what_matched_and_what_is_missing(kitchen):
    kitchen.upsert([candidate("K-1", [("afwas doen", 1), ("keuken reinigen", 3),
                                      ("pannenkoeken bakken", 2)])])
    res = Matcher(kitchen).fit().match_candidate("K-1", include_excluded=True).results[0]
    matched = {m.competence: m for m in res.matched}
    assert matched["afwassen"].level == 1 and matched["afwassen"].required_level == 2
    assert matched["afwassen"].candidate_competence == "afwas doen"
    assert res.missing_required == ["HACCP-regels toepassen"]
    assert res.missing_optional == ["samenwerken"]
    assert res.unresolved == ["pannenkoeken bakken"]
    text = "\n".join(res.explanation)
    assert "~ afwassen (required, level 2): has level 1 as 'afwas doen', counts 0.50" in text
    assert "- HACCP-regels toepassen (required, level 1): missing" in text
    assert "'pannenkoeken bakken' (candidate) did not resolve" in text
    assert res.explanation[0].startswith(f"score {res.score:.2f} = penalty")


def test_unresolved_text_counts_through_similarity(store):
    store.upsert([employer("e", [function("f", [comp("pannenkoeken bakken", 2, required=True),
                                                comp("afwassen")])]),
                  candidate("K-1", [("pannenkoekjes bakken", 2), ("afwassen", 1)]),
                  candidate("K-2", [("afwassen", 1)])])
    m = Matcher(store).fit()
    with_text = m.match_candidate("K-1", include_excluded=True).results[0]
    without = m.match_candidate("K-2", include_excluded=True).results[0]
    hit = next(x for x in with_text.matched if x.via == "text")
    assert hit.candidate_competence == "pannenkoekjes bakken" and hit.similarity >= 0.5
    assert with_text.components.text > 0
    assert with_text.score > without.score
    assert set(with_text.unresolved) == {"pannenkoekjes bakken", "pannenkoeken bakken"}


def test_rare_competences_weigh_more(store):
    common = [comp("op tijd komen"), comp("samenwerken")]
    store.upsert([employer("e", [function(f"gen{i}", common + [comp("kassa bedienen")])
                                 for i in range(5)]
                                + [function("rare", common + [comp("ramen wassen")])]),
                  candidate("K-1", [("op tijd komen", 1), ("ramen wassen", 1)])])
    with_idf = Matcher(store).fit().match_candidate("K-1", include_excluded=True).results
    assert with_idf[0].function == "e/rare"
    plain = Matcher(store, idf=False).fit().match_candidate("K-1", include_excluded=True).results
    rare = next(r for r in plain if r.function == "e/rare")
    gen = next(r for r in plain if r.function == "e/gen0")
    assert with_idf[0].score - with_idf[1].score > rare.score - gen.score


# --- constraints ------------------------------------------------------------------------

@pytest.fixture
def english():
    """The constraint texts checked here are the English message ids (Dutch is the default)."""
    with use_language("en"):
        yield


CONSTRAINT_CASES = [
    # (name, function overrides, candidate overrides, excluded, text in the reasons)
    ("near enough", {}, {"postcode": "9050", "max_commute_km": 20}, False, "commute"),
    ("too far", {}, {"postcode": "2000", "max_commute_km": 20}, True, "> 20 km"),
    ("far by bike", {}, {"postcode": "2000", "max_commute_km": 80, "transport": ["bike"]}, True,
     "by bike at most 15 km"),
    ("far by car", {}, {"postcode": "2000", "max_commute_km": 80, "transport": ["car"]}, False,
     "<= 60 km"),
    ("hours within 20 %", {"hours": 20}, {"hours": 24}, False, "within 24"),
    ("hours at the edge", {"hours": 20}, {"hours": 25}, False, "within 25"),
    ("hours too few", {"hours": 20}, {"hours": 30}, True, "outside 30"),
    ("shift not worked", {"shifts": ["evening", "weekend"]}, {"shifts": ["day", "evening"]}, True,
     "needs weekend"),
    ("shifts unknown", {"shifts": ["evening"]}, {"shifts": []}, False, "shifts are unknown"),
    ("no nights", {"shifts": ["night"]}, {"limits": {"night_work": False}}, True, "night work"),
    ("licence missing", {"conditions": {"driving_licence": "B"}}, {}, True,
     "driving licence B required"),
    ("C includes B", {"conditions": {"driving_licence": "B"}}, {"licences": ["C"]}, False,
     "driving licence B held"),
    ("Dutch too low", {"conditions": {"dutch_level": "B1"}}, {"dutch": "A2"}, True,
     "Dutch B1 required, candidate has A2"),
    ("Dutch enough", {"conditions": {"dutch_level": "B1"}}, {"dutch": "B2"}, False, "Dutch B2 >= B1"),
    ("Dutch unknown", {"conditions": {"dutch_level": "B1"}}, {}, False, "Dutch level unknown"),
    ("too heavy", {"conditions": {"max_lift_kg": 25}}, {"limits": {"max_lift_kg": 10}}, True,
     "at most 10 kg"),
    ("cannot stand", {"conditions": {"standing": True}}, {"limits": {"standing": False}}, True,
     "standing work"),
    ("needs own transport", {"conditions": {"own_transport": True}},
     {"transport": ["public_transport"]}, True, "own transport needed"),
    ("has a bike", {"conditions": {"own_transport": True}}, {"transport": ["bike"]}, False,
     "own transport needed, candidate has bike"),
]


@pytest.mark.parametrize("name, fkw, ckw, excluded, text", CONSTRAINT_CASES,
                         ids=[c[0] for c in CONSTRAINT_CASES])
def test_constraint_cases(store, english, name, fkw, ckw, excluded, text):
    store.upsert([employer("e", [function("f", KITCHEN, **fkw)], postcode="9000"),
                  candidate("K-1", ALL_FOUR, **ckw)])
    m = Matcher(store).fit()
    res = m.match_candidate("K-1", include_excluded=True).results[0]
    assert res.excluded is excluded
    assert any(text in r for r in res.reasons), res.reasons
    assert bool(res.exclusions) is excluded
    assert len(m.match_candidate("K-1").results) == (0 if excluded else 1)
    back = m.match_function("e/f", include_excluded=True).results[0]
    assert back.candidate == "K-1" and back.excluded is excluded


def test_reference_profiles_skip_place_and_hours(store, english):
    from tests.match_data import ESCO_SMALL

    import_esco(store, ESCO_SMALL)
    store.upsert([candidate("K-1", [("sort waste", 2)], postcode="8500", max_commute_km=5, hours=10)])
    res = Matcher(store).fit().match_candidate("K-1").results
    assert res and not res[0].excluded and res[0].distance_km is None
    assert res[0].instruments == []
    assert any("reference profile" in r for r in res[0].reasons)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_constraints_and_scores_agree_with_the_pair_rules(store, seed):
    from matchcore.matching.constraints import CONSTRAINTS

    employers, candidates = random_world(seed)
    store.upsert(employers + candidates)
    m = Matcher(store).fit()
    cids, fids, scores, excluded = m.score_matrix()
    for i, cid in enumerate(cids):
        res = m.match_candidate(cid, top=len(fids), include_excluded=True, instruments=False)
        by_f = {r.function: r for r in res.results}
        # --include-excluded lists every excluded pair, also those with nothing in common (issue 14)
        assert set(by_f) == {f for j, f in enumerate(fids) if scores[i, j] > 0 or excluded[i, j]}
        for j, fid in enumerate(fids):
            if fid not in by_f:
                continue
            r = by_f[fid]
            assert r.excluded == bool(excluded[i, j]) == bool(r.exclusions), (cid, fid, r.reasons)
            assert r.score == pytest.approx(scores[i, j], abs=5e-4)
            assert r.score == pytest.approx(_reference_score(r.components), abs=2e-3)
            # the explanation's verdicts are the table's (batch, single pair and text alike)
            assert [c.text for c in r.checks if c.ok is False] == r.exclusions
            assert {c.name for c in r.checks} <= {k.name for k in CONSTRAINTS}


def _reference_score(c: dict) -> float:
    """The documented formula, from the components: C = (A + U) / 2, P * C (or P * (0.8 C + 0.2 J))."""
    comp = 0.0 if c.coverage is None else (c.coverage + (c.use or 0.0)) / 2
    assert comp == pytest.approx(c.competence, abs=2e-3)
    penalty = 1 - 0.5 * (1 - c.presence)
    assert penalty == pytest.approx(c.penalty, abs=1e-3)
    return penalty * (comp if c.job_target is None else 0.8 * comp + 0.2 * c.job_target)


# --- queries ------------------------------------------------------------------------------

@pytest.fixture
def town(store):
    store.upsert([
        employer("kaai", [function("afwasser", KITCHEN, openings=1, visible=False),
                          function("kok", [comp("koken", 2, required=True), comp("afwassen")],
                                   openings=0)], postcode="9000", sector="horeca"),
        employer("depot", [function("picker", [comp("orderpicken", 2, required=True),
                                               comp("afwassen")], shifts=["evening"])],
                 postcode="2000", sector="logistiek"),
        employer("twin", [function("afwasser", KITCHEN)], postcode="9000", sector="horeca"),
        candidate("K-1", ALL_FOUR + [("orderpicken", 2), ("koken", 1)], postcode="9000"),
    ])
    return store


def test_match_candidate_output_has_the_formats_fields(town):
    out = Matcher(town).fit().match_candidate("K-1")
    assert out.candidate == "K-1"
    for r in out.results:
        for k in ("function", "employer", "title", "score", "excluded", "reasons", "matched",
                  "missing_required", "missing_optional", "unresolved", "instruments",
                  "components", "distance_km"):
            assert k in {f.name for f in fields(r)}
        for inst in r.instruments:
            assert {"code", "eligible", "employer_cost_per_month_eur", "reasons"} <= set(inst)


def test_ties_are_broken_by_id_and_results_are_deterministic(town):
    m = Matcher(town).fit()
    ids = [r.function for r in m.match_candidate("K-1", instruments=False).results]
    assert ids[:2] == ["kaai/afwasser", "twin/afwasser"]  # equal scores: id order
    assert ids == [r.function for r in Matcher(town).fit().match_candidate("K-1", instruments=False).results]
    _, idx, _ = m.top_functions_all(top=4)
    assert [m.data_.functions.ids[i] for i in idx[0] if i >= 0] == ids


@pytest.mark.parametrize("filters, expected", [
    ({"sector": "Logistiek"}, ["depot/picker"]),
    ({"visible": False}, ["kaai/afwasser"]),
    ({"visible": True, "sector": "horeca"}, ["kaai/kok", "twin/afwasser"]),
    ({"openings_only": True, "sector": "horeca"}, ["kaai/afwasser", "twin/afwasser"]),
    ({"max_distance_km": 10}, ["kaai/afwasser", "kaai/kok", "twin/afwasser"]),
])
def test_filters(town, filters, expected):
    res = Matcher(town).fit().match_candidate("K-1", instruments=False, **filters).results
    assert sorted(r.function for r in res) == expected


def test_unknown_ids_suggest_the_nearest(town):
    m = Matcher(town).fit()
    with pytest.raises(NotFound, match="did you mean 'K-1'"):
        m.match_candidate("K-l")
    with pytest.raises(NotFound, match="did you mean 'kaai/afwasser'"):
        m.match_function("kaai/afwaser")
    with pytest.raises(NotFound, match="did you mean 'horeca'"):
        m.match_candidate("K-1", sector="horca")
    with pytest.raises(ValueError, match="'top' parameter"):
        m.match_candidate("K-1", top=0)


def test_match_function_and_profiles(town):
    town.upsert([candidate("K-2", [("orderpicken", 3)], postcode="2000"),
                 candidate("K-3", [("afwas doen", 2)], postcode="9000", targets=["afwasser"])])
    m = Matcher(town).fit()
    out = m.match_function("kaai/afwasser", instruments=False)
    assert out.function == "kaai/afwasser" and out.results[0].candidate == "K-1"
    assert "K-2" not in [r.candidate for r in out.results]
    rows = m.rank_candidates_for_profile(
        [FunctionCompetence(name="orderpicken", level=2, required=True)], hours_per_week=30,
        location="2000")
    assert rows[0].candidate == "K-2" and rows[0].missing_required == []
    assert {"candidate", "score", "excluded", "reasons", "matched", "missing_required",
            "missing_optional", "unresolved"} <= {f.name for f in fields(rows[0])}


def test_match_pair_explains_one_pair_even_when_excluded(town):
    town.upsert([candidate("K-9", [("orderpicken", 2)], postcode="9000", max_commute_km=5)])
    m = Matcher(town).fit()
    pair = m.match_pair("K-9", "depot/picker", instruments=False)
    assert pair.function == "depot/picker" and pair.excluded is True
    assert m.match_pair("K-9", "kaai/kok", instruments=False) is None  # nothing in common


def test_matcher_cache_follows_data_changes(town):
    m = Matcher(town).fit()
    assert town.db.execute("select count(*) from match_cache").fetchone()[0] == 1
    before = m.match_candidate("K-1", instruments=False).results[0].score
    town.upsert([candidate("K-1", [("orderpicken", 2)], postcode="2000")])
    after = m.match_candidate("K-1", instruments=False).results[0]
    assert after.function == "depot/picker" and after.score != before


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="The 'text_credit' parameter of Matcher must be"):
        Matcher(None, text_credit=2).fit()


def test_scores_stay_in_range_on_random_worlds(store):
    employers, candidates = random_world(11, n_employers=8, n_candidates=40)
    store.upsert(employers + candidates)
    _, _, scores, _ = Matcher(store).fit().score_matrix()
    assert np.all((scores >= 0) & (scores <= 1)) and not math.isnan(scores.sum())
