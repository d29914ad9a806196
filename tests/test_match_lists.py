"""A competence line that lists several competences ("stofzuigen en dweilen") counts as its
parts, for candidates and functions, stored or not (matching.lists.as_parts, issue 11).

Before, such a line resolved to no concept: it was free text that matched neither the
function's "stofzuigen" nor its "dweilen", and the explanation said both were missing.
"""
from __future__ import annotations

import pytest

from matchcore.matching.matcher import Matcher
from matchcore.model import Candidate, Employer
from matchcore.vocabulary import Vocabulary


def _employer(competences):
    return Employer.model_validate({
        "id": "net", "name": "Net", "sector": "schoonmaak", "location": {"postcode": "9000"},
        "functions": [{"id": "poets", "title": "Schoonmaker", "hours_per_week": 38,
                       "competences": competences},
                      {"id": "keuken", "title": "Keukenhulp", "hours_per_week": 38,
                       "competences": [{"name": "afwassen", "required": True},
                                       {"name": "groenten voorbereiden", "required": True}]}]})


def _candidate(cid, names, level=2):
    return Candidate.model_validate({
        "id": cid, "home": {"postcode": "9000"},
        "competences": [{"name": n, "level": level} for n in names]})


SEPARATE = [{"name": "stofzuigen", "level": 2, "required": True},
            {"name": "dweilen", "level": 2, "required": True}]


def _result(m, cid, fid="net/poets"):
    out = m.match_candidate(cid, top=5, instruments=False)
    return next(r for r in out.results if r.function == fid)


def test_the_vocabulary_gives_the_parts_only_of_a_list_that_does_not_resolve():
    v = Vocabulary.from_starter()
    assert v.parts("stofzuigen en dweilen") == ["stofzuigen", "dweilen"]
    assert v.parts("draaien, frezen en lassen") == ["draaien", "frezen", "lassen"]
    assert v.parts("laden en lossen") is None          # one concept as a whole
    assert v.parts("punctueel en stipt") is None       # both parts one concept: resolves
    assert v.parts("stofzuigen") is None               # no list
    assert v.parts("bloemschikken en pottenbakken") is None   # no part is known
    assert v.parts("heftruck of reachtruck") is None   # a choice, not a list: either will do
    # "+" and "&" separate only between spaces: "C++" and "R&D" are one word
    assert v.parts("afwassen + poetsen") == v.parts("afwassen & poetsen") == ["afwassen", "poetsen"]
    assert "c" not in (v.parts("C++ en Excel") or []) and v.parts("R&D") is None
    # hostile or empty lists
    for text in ["en", ", , en ,", "/", "en en en", " \t en \n "]:
        assert v.parts(text) is None
    # a written-out task keeps its words together
    assert v.parts("de vrachtwagens laden, lossen en de palletten stapelen met de heftruck in het magazijn") is None
    assert v.parts("Nederlands, Frans en Engels") == ["Nederlands", "Frans", "Engels"]


@pytest.mark.parametrize("text, parts", [
    # a noun before a phrase shares its verb; a verb after a phrase shares its object
    ("ramen en vloeren reinigen", ["ramen reinigen", "vloeren reinigen"]),
    ("tafels afruimen en dekken", ["tafels afruimen", "tafels dekken"]),
    ("linnen plooien en sorteren", ["linnen plooien", "linnen sorteren"]),
    # a verb that is a competence on its own stays one
    ("afwassen en groenten snijden", ["afwassen", "groenten snijden"]),
    ("muren schilderen en behangen", ["muren schilderen", "behangen"]),
    ("poetsen en strijken", ["poetsen", "strijken"]),
])
def test_a_list_writes_out_the_words_its_parts_share(text, parts):
    assert Vocabulary.from_starter().parts(text) == parts


def test_a_noun_alone_is_never_taken_for_a_competence():
    # "stof" is a label (dusting), but here it is what the candidate bears, with "geur"
    assert Vocabulary.from_starter().parts("stof en geur verdragen") is None


def test_a_candidate_line_listing_two_competences_holds_both(store):
    store.upsert([_employer(SEPARATE), _candidate("K-1", ["stofzuigen en dweilen"]),
                  _candidate("K-2", ["stofzuigen", "dweilen"]), _candidate("K-3", ["stofzuigen"])])
    m = Matcher(store).fit()
    whole, apart, one = _result(m, "K-1"), _result(m, "K-2"), _result(m, "K-3")
    assert whole.score == pytest.approx(apart.score)
    assert not whole.missing_required
    assert one.score < whole.score and one.missing_required
    assert {x.candidate_competence for x in whole.matched} == {"stofzuigen", "dweilen"}
    assert not whole.unresolved


def test_a_function_line_listing_two_competences_shares_its_weight(store):
    store.upsert([_employer([{"name": "stofzuigen en dweilen", "level": 2, "required": True},
                             {"name": "ramen wassen", "level": 2, "required": True}]),
                  _candidate("K-1", ["stofzuigen", "dweilen", "ramen wassen"]),
                  _candidate("K-2", ["stofzuigen", "ramen wassen"]),
                  _candidate("K-3", ["stofzuigen en dweilen", "ramen wassen"])])
    m = Matcher(store).fit()
    full, half, same = _result(m, "K-1"), _result(m, "K-2"), _result(m, "K-3")
    assert full.score == pytest.approx(same.score)   # the same line on both sides: in full
    assert half.score < full.score
    # the line's weight is shared: missing one of its two parts costs less than missing
    # "ramen wassen", a line of its own
    k4 = _candidate("K-4", ["stofzuigen", "dweilen"])
    store.upsert([k4])
    m = Matcher(store).fit()
    assert _result(m, "K-4").score < _result(m, "K-2").score


def test_a_candidate_not_in_the_store_is_split_the_same_way(store):
    store.upsert([_employer(SEPARATE), _candidate("K-2", ["stofzuigen", "dweilen"])])
    m = Matcher(store).fit()
    stored = m.score_functions([_candidate("K-2", ["stofzuigen", "dweilen"])])
    listed = m.score_functions([_candidate("X-9", ["stofzuigen en dweilen"])])
    assert listed.tolist() == stored.tolist()


def test_a_profile_not_in_the_store_is_split_the_same_way(store):
    store.upsert([_employer(SEPARATE), _candidate("K-2", ["stofzuigen", "dweilen"])])
    m = Matcher(store).fit()
    listed = m.rank_candidates_for_profile(
        [{"name": "stofzuigen en dweilen", "level": 2, "required": True}], top=5)
    apart = m.rank_candidates_for_profile(SEPARATE, top=5)
    assert [r.candidate for r in listed] == [r.candidate for r in apart] and listed
    assert listed[0].score == pytest.approx(apart[0].score)


def test_a_task_is_never_a_list_by_the_same_count_of_words():
    from matchcore.matching.data import TASK_WORDS
    from matchcore.vocabulary.lists import LIST_WORDS
    assert LIST_WORDS == TASK_WORDS


def test_vocab_suggest_lists_only_the_parts_without_a_concept(store):
    store.upsert([_employer(SEPARATE), _candidate("K-1", ["stofzuigen en bloemschikken", "pottenbakken"])])
    v = Vocabulary(store).fit()
    texts = [r["text"] for r in v.unresolved()]
    assert "bloemschikken" in texts and "pottenbakken" in texts
    assert "stofzuigen en bloemschikken" not in texts and "stofzuigen" not in texts
