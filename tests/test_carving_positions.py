"""Candidates per position of a carved function (issue 15.3, carving/candidates.py): the matcher is
asked once per position size, so a part-time candidate is proposed for a fitting part-time
position; weak candidates (below min_candidate_score) are not proposed; an empty list says why."""
from matchcore.carving import CarveOptions, carve
from matchcore.model import Candidate, Scan


def _candidate(cid, hours, competences=("palletten stapelen", "afval sorteren", "karton plooien")):
    return Candidate.model_validate({
        "kind": "candidate", "id": cid, "home": {"postcode": "2000"}, "max_commute_km": 50,
        "hours_per_week": hours, "competences": [{"name": c} for c in competences]})


def _scan(hours_each, n=3, **carving):
    return Scan.model_validate({
        "kind": "scan", "id": "s", "employer": "e", "date": "2026-03-02",
        "roles": [{"id": "r", "title": "Magazijnier", "hourly_cost_eur": 40, "headcount": 6}],
        "tasks": [{"id": f"t{i}", "description": "Paletten en karton", "role": "r",
                   "hours_per_week": hours_each, "competences": ["palletten stapelen", "afval sorteren",
                                                                  "karton plooien"]}
                  for i in range(n)],
        "extra": {"carving": carving} if carving else {}})


def test_a_part_time_candidate_is_proposed_for_the_part_time_position(store):
    store.upsert([_candidate("K-0901", 38), _candidate("K-0902", 13)])
    # 50.83 h with full-time positions first: 38 + 12.83 h (docs/carving.md section 5)
    (fn,) = carve(_scan(50.83 / 3, positions="full_time_first"), store=store).functions
    assert fn.position_hours == [38, 12.83]
    by_position = {c.candidate: c.position_hours for c in fn.candidates}
    assert by_position == {"K-0901": 38, "K-0902": 12.83}


def test_with_equal_positions_the_full_time_candidate_is_outside_the_hours(store):
    store.upsert([_candidate("K-0901", 38), _candidate("K-0902", 25)])
    (fn,) = carve(_scan(50.83 / 3), store=store).functions
    assert fn.position_hours == [25.42, 25.42]
    assert [c.candidate for c in fn.candidates] == ["K-0902"]  # 38 h is beyond +-20 % of 25.42 h


def test_weak_candidates_are_not_proposed_and_the_reason_is_given(store):
    store.upsert([_candidate("K-0903", 38, competences=("karton plooien", "kassa bedienen", "koken",
                                                         "strijken", "tuinieren", "schilderen"))])
    (fn,) = carve(_scan(38 / 3), store=store).functions
    assert fn.candidates == [] and fn.no_candidates_reason
    # with the minimum lowered the same candidate is proposed: it was the minimum, not the matcher
    scan = _scan(38 / 3)
    (low,) = carve(scan, store=store,
                   options=CarveOptions.for_scan(scan, min_candidate_score=0.0)).functions
    assert [c.candidate for c in low.candidates] == ["K-0903"] and low.no_candidates_reason is None


def test_an_empty_database_says_so(store):
    (fn,) = carve(_scan(38 / 3), store=store).functions
    assert fn.candidates == [] and fn.no_candidates_reason
