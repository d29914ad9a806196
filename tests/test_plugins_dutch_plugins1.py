"""The Dutch texts of the built-in instruments of plugins/activa_brussels.py, rsz.py (RSZ-young,
RSZ-older, RSZ-no-recent-work), eerste_aanwerving.py, bio.py, bis.py, bvs.py, vop.py and wes.py
(with their helpers _booster.py and _common.py), issue 13.

Each case is evaluated twice, in English and in Dutch: the Dutch checks, notes, steps, cost items,
bases, durations and prose ``missing`` entries hold none of a list of English words, show Belgian
numbers (a decimal comma where the English text has a decimal point) and Belgian dates (no ISO
date), and the English texts keep their English form. Texts that matchcore itself or the parameter
files write (validity, duration limits, parameter gaps, the user's variant, the files' notes) are
not these plugins' and are left out.
"""
from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from matchcore.i18n import use_language
from matchcore.instruments import evaluate_all
from matchcore.instruments.registry import get_registry
from matchcore.model import Candidate, Employer
from tests.test_instruments_rules import BASE_CANDIDATE, BASE_EMPLOYER, BASE_FUNCTION  # the rule tables' records


BRUSSELS = {"home": {"postcode": "1000"}}


def merge(base: dict, over: dict | None) -> dict:
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def evaluate(case: dict, lang: str):
    candidate = Candidate.model_validate(merge(BASE_CANDIDATE, case.get("candidate")))
    employer = Employer.model_validate({**merge(BASE_EMPLOYER, case.get("employer")),
                                        "functions": [merge(BASE_FUNCTION, case.get("function"))]})
    start = case["start"]
    problems: list = []
    with use_language(lang):
        [result] = evaluate_all(candidate, employer, employer.functions[0], start=start,
                                on=start - dt.timedelta(days=42), duration_weeks=case.get("weeks"),
                                codes=[case["code"]], variants=case.get("variants"), problems=problems)
    assert problems == []
    return result


def case(code: str, start: str, name: str, **kw):
    return pytest.param({"code": code, "start": dt.date.fromisoformat(start), **kw}, id=f"{code} {name}")


CASES = [
    # activa.brussels: eligible, the steps of the allowance; too short and part time; an employee;
    # a SEC worker long employed; registered recently; exempt by age; reduced capacity; public employer
    case("activa-brussels", "2026-03-02", name="eligible",
         candidate={**BRUSSELS, "employment": {"jobseeker_since": "2024-09-01"}}),
    case("activa-brussels", "2026-03-02", name="short part time", weeks=20, function={"hours_per_week": 18},
         candidate={**BRUSSELS, "employment": {"jobseeker_since": "2024-09-01"}}),
    case("activa-brussels", "2026-03-02", name="employee in Gent", candidate={"employment": {"status": "employee"}}),
    case("activa-brussels", "2026-03-02", name="SEC worker employed for years",
         candidate={**BRUSSELS, "birth_date": "1990-01-01", "education": "medium",
                    "employment": {"status": "sec_employee", "since": "2019-01-07"}}),
    case("activa-brussels", "2026-03-02", name="registered recently, no since",
         candidate={**BRUSSELS, "birth_date": "1990-01-01", "education": "medium",
                    "employment": {"jobseeker_since": "2025-10-01"}}),
    case("activa-brussels", "2026-03-02", name="exempt SEC worker", function={"hours_per_week": 19},
         candidate={**BRUSSELS, "birth_date": "1960-01-15", "employment": {"status": "sec_employee"},
                    "extra": {"reduced_work_capacity": True}}),
    case("activa-brussels", "2026-03-02", name="public employer, no registration date",
         candidate={**BRUSSELS, "birth_date": "1990-01-01", "education": "medium"},
         employer={"category": "public"}),
    # the RSZ reductions
    case("RSZ-young", "2020-03-02", name="medium education",
         candidate={"birth_date": "2000-01-10", "education": "medium"}),
    case("RSZ-young", "2020-03-02", name="age unknown", candidate={"birth_date": None, "education": "low"}),
    case("RSZ-older", "2020-03-02", name="employee at a public employer", candidate={"birth_date": "1960-01-01",
         "employment": {"status": "employee"}}, employer={"category": "public"}),
    case("RSZ-older", "2020-03-02", name="SEC worker, wage above the cap", candidate={"birth_date": "1960-01-01",
         "employment": {"status": "sec_employee"}}, function={"hourly_wage_eur": 40}),
    case("RSZ-no-recent-work", "2024-03-31", name="registered 2 years",
         candidate={"employment": {"jobseeker_since": "2022-03-31"}}),
    case("RSZ-no-recent-work", "2024-03-04", name="SEC worker since 2019, part time at 21 EUR/h",
         candidate={"employment": {"status": "sec_employee", "since": "2019-01-07"}},
         function={"hours_per_week": 20, "hourly_wage_eur": 21}),
    case("RSZ-no-recent-work", "2024-03-04", name="employed recently",
         candidate={"employment": {"status": "employee", "since": "2024-02-01"}}),
    # the first hires
    case("eerste-aanwerving", "2025-06-02", name="first worker", employer={"max_workers_last_12_months": 0}),
    case("eerste-aanwerving", "2025-06-02", name="second worker", employer={"max_workers_last_12_months": 1}),
    case("eerste-aanwerving", "2025-06-02", name="sixth worker now", employer={"workers": 5}),
    case("eerste-aanwerving", "2025-06-02", name="rank unknown, non-profit",
         employer={"workers": 1, "non_profit": True}),
    # BIO and BIS with the BIO-booster sheets
    case("BIO", "2018-03-01", name="non-profit sheet", employer={"non_profit": True}, function={"hours_per_week": 19}),
    case("BIO", "2018-03-01", name="partner price, SEC worker", candidate={"employment": {"status": "sec_employee"}},
         employer={"location": {"postcode": "2000"}}),
    case("BIS", "2026-03-02", name="direct, part time", function={"hours_per_week": 19}),
    case("BIS", "2026-03-02", name="booster partner, SEC worker", variants={"BIS": "booster-partner"},
         candidate={"employment": {"status": "sec_employee"}}),
    case("BIS", "2026-03-02", name="booster non-profit in Brussels", variants={"BIS": "booster-nonprofit"},
         employer={"non_profit": True, "location": {"postcode": "1000"}}),
    # BVS, WES (both rule sets), VOP
    case("BVS", "2020-03-02", name="SEC worker", weeks=2, candidate={"employment": {"status": "sec_employee"}}),
    case("WES", "2022-06-01", name="within the tenders"),
    case("WES", "2024-03-04", name="SEC worker", candidate={"employment": {"status": "sec_employee"}}),
    case("VOP", "2020-03-02", name="recognised", candidate={"employment": {"vop_indication": True}}),
    case("VOP", "2020-03-02", name="unknown indication, public LDE", employer={"category": "public"},
         candidate={"employment": {"status": "sec_employee", "statute": "lde"}}),
    case("VOP", "2020-03-02", name="not recognised, in Brussels", candidate={"home": {"postcode": "1000"},
         "employment": {"vop_indication": False}}),
]

# English words that have no place in a Dutch text (whole words, any case)
ENGLISH = re.compile(r"\b(the|for|and|needed|unknown|employer|employers|candidate|worked|days|months|weeks|"
                     r"quarter|quarters|wage|with|from|only|before|after|least|most|allowance|registered|since|"
                     r"promoter|trainee|reduction|worker|hire|applies|must|should|none|below|above|"
                     r"education|region|other|another)\b", re.IGNORECASE)
# field paths (employer.category, function.hourly_wage_eur) and quoted variant keys stay as they are
CODES = re.compile(r"\b\w+(?:\.\w+)+\b|'[\w-]+'")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# texts matchcore writes itself (instruments/evaluate.py, params.py), not these plugins
ENGINE = re.compile(r"chosen by the user$|^legal deadline already passed|^costs( of variant \S+)? unknown|"
                    r"^steps unknown|^net cost unknown|has no value for|possibly|GGMMI: bedrag|"
                    r"^instrument \S+: no \w+ rule")
ENGINE_RULES = {"validity", "duration", "parameters", "rules"}


def texts(result) -> list[tuple[str, str]]:
    """(kind, text) of every text a person reads, in a fixed order."""
    out = [("reason", r.text) for r in result.reasons if r.rule not in ENGINE_RULES]
    out += [("missing", m) for r in result.reasons if r.rule not in ENGINE_RULES for m in r.missing]
    out += [("note", n.text) for n in result.notes]
    out += [("step", s.what) for s in result.steps]
    for costs in [result.costs, *(v.costs for v in result.variants)]:
        out += [("cost", c.item) for c in costs] + [("basis", c.basis) for c in costs if c.basis]
    if result.duration.text:
        out.append(("duration", result.duration.text))
    if result.feasibility_reason:
        out.append(("feasibility", result.feasibility_reason))
    return out


def _theirs(english: str, meta: set[str]) -> bool:
    return bool(ENGINE.search(english)) or english in meta


@pytest.mark.parametrize("case", CASES)
def test_dutch_texts_hold_no_english_and_belgian_numbers(case):
    en, nl = evaluate(case, "en"), evaluate(case, "nl")
    assert en.eligible == nl.eligible and [c.amount_eur for c in en.costs] == [c.amount_eur for c in nl.costs]
    en_texts, nl_texts = texts(en), texts(nl)
    assert [k for k, _ in en_texts] == [k for k, _ in nl_texts]
    meta = set(get_registry().instruments[en.code][0].meta_notes)
    checked = 0
    for (kind, english), (_, dutch) in zip(en_texts, nl_texts):
        if _theirs(english, meta):
            continue
        if kind == "missing" and english == dutch and " " not in english.replace(" or ", "_"):
            continue  # a field path such as candidate.employment.jobseeker_since
        checked += 1
        plain = CODES.sub("", dutch)
        assert not ENGLISH.findall(plain), (kind, dutch, ENGLISH.findall(plain))
        assert not re.search(r"\d\.\d{1,2}(?!\d)", dutch), (kind, dutch)      # no English decimal point
        if re.search(r"\d\.\d", english):                                     # a fraction in English ...
            assert re.search(r"\d,\d", dutch), (kind, english, dutch)         # ... has a decimal comma in Dutch
        assert not ISO_DATE.search(dutch), (kind, dutch)
    assert checked >= 4, [t for _, t in nl_texts]


def _find(result, rule: str):
    [reason] = [r for r in result.reasons if r.rule == rule]
    return reason.text


def test_activa_brussels_dates_and_fractions_per_language():
    """English keeps its form (ISO dates, decimal point); Dutch writes 1 september 2024 and 0,474."""
    c = {"code": "activa-brussels", "start": dt.date(2026, 3, 2), "function": {"hours_per_week": 18},
         "candidate": {**BRUSSELS, "employment": {"jobseeker_since": "2024-09-01"}}}
    en, nl = evaluate(c, "en"), evaluate(c, "nl")
    assert _find(en, "non-working jobseeker") == ("registered as a non-working jobseeker since 2024-09-01: 12 "
                                                  "months or more before the start")
    assert _find(nl, "non-working jobseeker") == ("ingeschreven als niet-werkende werkzoekende sinds 1 september "
                                                  "2024: 12 maanden of meer vóór de start")
    assert _find(en, "work fraction") == "work fraction 0.474 (18 h / 38 h); at least half time"
    assert _find(nl, "work fraction") == "arbeidsbreuk 0,474 (18 u / 38 u); minstens halftijds"
    assert _find(nl, "residence").startswith("de kandidaat woont in Brussel;")
    items = [c.item for c in nl.costs]
    assert "werkuitkering afgetrokken van het nettoloon (maanden 7-18)" in items, items


def test_rsz_texts_per_language():
    c = {"code": "RSZ-no-recent-work", "start": dt.date(2024, 3, 4),
         "candidate": {"employment": {"status": "sec_employee", "since": "2019-01-07"}},
         "function": {"hours_per_week": 20, "hourly_wage_eur": 21}}
    en, nl = evaluate(c, "en"), evaluate(c, "nl")
    assert "since 2019-01-07" in _find(en, "inactivity")
    assert _find(nl, "inactivity").startswith("nee: de kandidaat is tewerkgesteld in de sociale economie (SEC) "
                                              "sinds 7 januari 2019 en niet ingeschreven")
    assert "= 10,374.00; below 10,000 needed" in _find(en, "wage cap")
    assert _find(nl, "wage cap") == ("refertekwartaalloon (voltijds) 21,00 EUR/u x 38 u x 13 weken = 10.374,00; "
                                     "onder 10.000 vereist")
    [basis] = [x.basis for x in nl.costs if x.item == "vermindering van werkgeversbijdragen"]
    assert basis.startswith("hoogstens 1.000 per kwartaal x 0,658 (volledig vanaf een arbeidsbreuk van 0,8")
    young = {"code": "RSZ-young", "start": dt.date(2020, 3, 2),
             "candidate": {"birth_date": "2000-01-10", "education": "medium"}}
    assert _find(evaluate(young, "en"), "education") == "medium-skilled; qualifies: low-skilled"   # 2020: low only
    assert _find(evaluate(young, "nl"), "education") == "middengeschoold; komt in aanmerking: laaggeschoold"


def test_first_hire_texts_per_language():
    c = {"code": "eerste-aanwerving", "start": dt.date(2025, 6, 2), "employer": {"max_workers_last_12_months": 1}}
    en, nl = evaluate(c, "en"), evaluate(c, "nl")
    assert "this hire is worker no. 2; a reduction exists for ranks 1-" in _find(en, "rank of the hire")
    assert "deze aanwerving is werknemer nr. 2; er bestaat een vermindering voor de rangen 1-" in \
        _find(nl, "rank of the hire")
    items = [x.item for x in nl.costs]
    assert "vermindering van werkgeversbijdragen (kwartalen 1-5)" in items, items
    [basis] = [x.basis for x in nl.costs if x.item.endswith("(kwartalen 1-5)")]
    assert basis == ("werknemer nr. 2: hoogstens 1.550 per kwartaal, kwartalen 1-5; begrensd tot de geschatte "
                     "werkgeversbijdragen (25% van het kwartaalloon = 1.790,75)")


def test_booster_costs_and_steps_per_language():
    c = {"code": "BIS", "start": dt.date(2026, 3, 2), "variants": {"BIS": "booster-nonprofit"},
         "function": {"hours_per_week": 19}, "employer": {"non_profit": True}}
    en, nl = evaluate(c, "en"), evaluate(c, "nl")
    en_basis = {x.item: x.basis for x in en.costs}
    nl_basis = {x.item: x.basis for x in nl.costs}
    assert en_basis["promoter service price (non-profit sheet)"] == "21% VAT on the service only"
    assert nl_basis["dienstenprijs van de promotor (prijsblad non-profit)"] == "21% btw, enkel op de dienst"
    allowance = nl_basis["stagevergoeding (betaald door de promotor, doorgerekend)"]
    assert allowance.startswith("minimum: 0,5 x GGMMI ") and allowance.endswith(
        " x 0,500 (19 u / 38 u), doorgerekend door de promotor"), allowance
    commute = nl_basis["vergoeding woon-werkverkeer (enkele rit woonplaats - werkplek)"]
    assert commute == "0,0 km (in vogelvlucht tussen de middelpunten van de postcodes) x 0,30 EUR/km"
    bio = {"code": "BIO", "start": dt.date(2018, 3, 1), "employer": {"location": {"postcode": "2000"}}}
    nl_bio = evaluate(bio, "nl")
    assert "de prijzen van de promotor werden afgesproken voor West-Vlaanderen en Oost-Vlaanderen; de werkplek " \
           "ligt in Antwerpen" in [n.text for n in nl_bio.notes]
    assert "BIO-overeenkomst opgemaakt en ondertekend door stagiair, werkplek en promotor (3 exemplaren)" in \
        [s.what for s in nl_bio.steps]


def test_vop_and_wes_texts_per_language():
    vop = {"code": "VOP", "start": dt.date(2020, 3, 2), "candidate": {"employment": {"vop_indication": True}}}
    en, nl = evaluate(vop, "en"), evaluate(vop, "nl")
    assert _find(nl, "work disability") == "VDAB erkende een arbeidshandicap"
    assert [x.item for x in en.costs if x.item.startswith("VOP premium")][0] == "VOP premium quarters 1-5 (40%)"
    [basis] = [x.basis for x in nl.costs if x.item == "VOP-premie kwartalen 1-5 (40%)"]
    assert basis == "40% x min(referteloon 2.984,58, plafond 2 x GGMMI 1.593,80 x 1,000 = 3.187,60) x 3 maanden"
    wes = {"code": "WES", "start": dt.date(2022, 6, 1)}
    assert _find(evaluate(wes, "en"), "tender") == ("before 2023 a WES was granted only within the VDAB tenders "
                                                    "'intensief werkplekleren' and 'tijdelijke werkervaring - OCMW'")
    assert _find(evaluate(wes, "nl"), "tender") == ("vóór 2023 werd een WES enkel toegekend binnen de "
                                                    "VDAB-aanbestedingen 'intensief werkplekleren' en 'tijdelijke "
                                                    "werkervaring - OCMW'")
