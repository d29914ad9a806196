"""The business case a director reads (issue 15.5, carving/gains.py): the headline says "hours back
to your experts" when no one leaves and "saving" only when the freed hours replace paid hours; the
ticked qualitative gains come with it; the premium of the proposed candidate's instrument is
normal hire minus instrument net cost a month."""
from matchcore.carving import carve
from matchcore.carving.gains import GAINS, apply_premium
from matchcore.carving.results import CandidateWithInstruments
from matchcore.i18n import use_language
from matchcore.model import Scan


def _scan(**fields):
    return Scan.model_validate({
        "kind": "scan", "id": "s", "employer": "e", "date": "2026-03-02",
        "roles": [{"id": "r", "title": "Dokwerker", "hourly_cost_eur": 42, "headcount": 10}],
        "tasks": [{"id": f"t{i}", "description": "Afval sorteren", "role": "r", "hours_per_week": 13,
                   "competences": ["afval sorteren"]} for i in range(3)], **fields})


def test_no_one_leaves_by_default_so_the_headline_is_hours_back():
    with use_language("en"):
        (fn,) = carve(_scan(), candidates=False).functions
    assert fn.business_case.headline == "experts_back"
    assert "hours back to your experts" in fn.business_case.headline_text
    assert "39" in fn.business_case.headline_text


def test_a_saving_only_when_the_hours_replace_paid_hours():
    with use_language("en"):
        (fn,) = carve(_scan(freed_hours_use="saves_cost"), candidates=False).functions
    assert fn.business_case.headline == "saves_cost"
    assert fn.business_case.headline_text.startswith("saving a year")


def test_ticked_gains_are_in_the_result_in_order_of_the_scan():
    result = carve(_scan(gains=["safety", "experts_craft"]), candidates=False)
    assert [g.code for g in result.gains] == ["safety", "experts_craft"]
    assert all(g.text for g in result.gains) and set(GAINS) >= {"order", "fewer_accidents"}


def test_the_premium_is_normal_hire_minus_the_best_eligible_instrument():
    (fn,) = carve(_scan(), candidates=False).functions
    fn.candidates = [CandidateWithInstruments(
        candidate="K-0001", score=0.8,
        instruments=[{"code": "X", "name": "x", "eligible": False, "net_cost_per_month_eur": 100.0},
                     {"code": "IBO", "name": "IBO", "eligible": True, "net_cost_per_month_eur": 900.0}],
        normal_hire={"code": "normal", "kind": "baseline", "net_cost_per_month_eur": 3400.0})]
    apply_premium(fn)
    p = fn.business_case.premium
    assert (p.candidate, p.instrument, p.premium_per_month_eur) == ("K-0001", "IBO", 2500.0)


def test_no_premium_without_an_eligible_cheaper_instrument():
    (fn,) = carve(_scan(), candidates=False).functions
    fn.candidates = [CandidateWithInstruments(
        candidate="K-0001", score=0.8,
        instruments=[{"code": "X", "name": "x", "eligible": True, "net_cost_per_month_eur": 3500.0}],
        normal_hire={"code": "normal", "kind": "baseline", "net_cost_per_month_eur": 3400.0})]
    apply_premium(fn)
    assert fn.business_case.premium is None
