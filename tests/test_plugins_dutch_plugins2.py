"""Issue 13: the texts of the built-in instruments flexijob, gelegenheidswerk, IBO/K-IBO, IMW, WIO, TWE,
TBS, doorstroomstage, korte-opleiding and onderaanneming read in Dutch, with Belgian numbers and dates,
while their rule names and cost codes stay the stable English keys and the English texts are unchanged.

Each case is evaluated in English and in Dutch; every text a coach reads (rule headings and reasons,
missing facts in prose, notes, steps, cost items and their basis, the duration, the feasibility) is
looked at as the plugin returns it, so also where the call sheet and the JSON show it untranslated.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest

from matchcore.i18n import _, use_language
from matchcore.instruments import DEFAULT_LEAD_DAYS, evaluate_all
from matchcore.instruments.registry import get_registry
from matchcore.model import Candidate, Employer
from tests.test_instruments_rules import BASE_CANDIDATE, BASE_EMPLOYER, BASE_FUNCTION  # the rule tables' records


# Whole English words that must not be left in a Dutch text (Dutch shares "is", "in", "of", "per", ...).
ENGLISH = ("the", "for", "and", "with", "employer", "employers", "candidate", "needed", "unknown", "worked",
           "works", "days", "day", "months", "weeks", "year", "hours", "wage", "not", "only", "least",
           "most", "allowed", "after", "before", "whether", "must", "may", "has", "are", "which", "its", "by",
           "on", "an", "to", "from", "left", "used", "advance", "quarter", "premium", "fixed", "plus VAT",
           "registered", "needs", "lives", "sector's", "job's", "agreed", "paid", "none")
# Field paths and fact names (candidate.employment.since, doorstroom_invoice_month_eur) are codes.
FIELD = re.compile(r"[\w-]*[._][\w.-]*\w")
# What ParamValue.describe() says of a disputed value ("from 2019-01-01 possibly 0.06 [key]: its note") is
# matchcore's and the parameter file's text (params.py, plugins/*.yaml), not the plugin code's.
DESCRIBED = re.compile(r"\b(from|vanaf) [\w -]{4,20}? (possibly|mogelijk) .*")


def merge(base: dict, over: dict | None) -> dict:
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def evaluate(code: str, start: dt.date, lang: str, *, candidate=None, employer=None, function=None,
             weeks=None, variants=None):
    cand = Candidate.model_validate(merge(BASE_CANDIDATE, candidate))
    emp = Employer.model_validate({**merge(BASE_EMPLOYER, employer), "functions": [merge(BASE_FUNCTION, function)]})
    problems: list = []
    with use_language(lang):
        [result] = evaluate_all(cand, emp, emp.functions[0], start=start,
                                on=start - dt.timedelta(days=DEFAULT_LEAD_DAYS), duration_weeks=weeks, codes=[code],
                                variants=variants, problems=problems)
    assert problems == []
    return result


def shown(result, lang: str) -> list[str]:
    """Every text of the result as a coach reads it. The texts are already in ``lang`` as the plugin
    gave them (the call sheet and the JSON show them as they are); only the rule headings and the
    variants' labels, module constants and stable keys, are translated where shown (as the CLI does).
    Left out: the instrument's ``notes`` of its parameter file (the file's texts, not the plugin code's)."""
    inst = get_registry().instruments[result.code][0]
    with use_language(lang):
        meta = {_(n) for n in getattr(inst, "meta_notes", ())} | set(getattr(inst, "meta_notes", ()))
        texts = [result.feasibility_reason]
        for r in result.reasons:
            texts += [_(r.rule), r.text, *[m for m in r.missing if " " in m]]
        texts += [n.text for n in result.notes if n.text not in meta]
        for s in result.steps:
            texts += [s.what, s.who or "", s.recurring or ""]
        for c in result.costs:
            texts += [c.item, c.basis or ""]
        texts.append(getattr(result.duration, "text", None) or "")
        texts += [_(v.label) for v in result.variants] + [_(v.condition) for v in result.variants]
    return [t for t in texts if t]


def english_words(text: str) -> list[str]:
    plain = FIELD.sub(" ", DESCRIBED.sub(" ", text))
    return [w for w in ENGLISH if re.search(rf"(?<![\w'-]){re.escape(w)}(?![\w'-])", plain, flags=re.IGNORECASE)]


D = dt.date
# (id, instrument, start, facts, Dutch fragments expected, English fragments expected)
CASES = [
    ("flexijob 4/5 since before T-3", "flexijob", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "statute": "maatwerk", "regime_fraction": 0.8,
                                   "since": "2021-09-01"}},
      "function": {"hours_per_week": 20, "hourly_wage_eur": 11.0}},
     ["werkt 0,8 in de huidige job sinds 1 september 2021, dus ook 0,8", "kwartaal T-3 (2025 Q2)",
      "minimumflexiloon PC 302 12,53 EUR/u incl. vakantiegeld = 11,6374 basis x 20 u",
      "7,67% van het basisflexiloon", "18.000 EUR per jaar"],
     ["works 0.8 in the current job since 1 September 2021, so also 0.8", "7.67% of the base flexi wage"]),
    ("flexijob current job started in T-3", "flexijob", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "regime_fraction": 1.0, "since": "2025-04-02"}}},
     ["begon op 2 april 2025, na de eerste dag van kwartaal T-3 (1 april 2025)", "minstens 0,8 (4/5) vereist"],
     ["started on 2 April 2025, after the first day of quarter T-3 (1 April 2025)"]),
    ("flexijob start of the current job unknown", "flexijob", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "regime_fraction": 0.8}},
      "employer": {"joint_committee": "201", "sector": "kleinhandel"}},
     ["de huidige job is 0,8, maar sinds wanneer is onbekend", "uiterlijk op 1 april 2025",
      "het loon van de functie 14,50 EUR/u als basisflexiloon"],
     ["the current job is 0.8, but since when is unknown"]),
    ("flexijob no fraction, sector only partly", "flexijob", D(2026, 3, 2),
     {"employer": {"joint_committee": "331", "sector": "kinderopvang"}},
     ["geen tewerkstellingsbreuk opgegeven", "slechts gedeeltelijk toegelaten: enkel kinderopvang (NACE 88.91)"],
     ["no work fraction is given", "allowed only partly: only childcare"]),
    ("flexijob closed sector, pensioner", "flexijob", D(2026, 3, 2),
     {"candidate": {"employment": {"pensioner": True}}, "employer": {"joint_committee": "124", "sector": "bouw"}},
     ["niet toegelaten in PC 124 op 2 maart 2026", "gepensioneerde: geen voorwaarde in T-3"],
     ["not allowed in PC 124 on 2 March 2026"]),
    ("gelegenheidswerk quota left, hour base, manual worker", "gelegenheidswerk", D(2026, 3, 2),
     {"candidate": {"employment": {"occasional_days_this_year": 10}},
      "employer": {"occasional_days_used_this_year": 150},
      "function": {"hours_per_week": 5.5, "worker_type": "manual"}},
     ["10 van 50 dagen dit jaar opgebruikt, nog 40 over", "de werkgever gebruikte dit jaar 150 van 200 dagen",
      "begonnen uren (5,50 u)", "(arbeider)", "14,50 EUR/u x 5,50 u"],
     ["10 of 50 days used this year, 40 left", "started hours (5.50 h)"]),
    ("gelegenheidswerk quota used up, committee unknown", "gelegenheidswerk", D(2026, 3, 2),
     {"candidate": {"employment": {"occasional_days_this_year": 50}},
      "employer": {"joint_committee": None, "occasional_days_used_this_year": 200}},
     ["50 van 50 dagen dit jaar opgebruikt: verdere dagen zijn gewone arbeid", "extra's zijn enkel mogelijk in PC 302",
      "+8% voor een arbeider"],
     ["50 of 50 days used this year: further days are ordinary work"]),
    ("gelegenheidswerk days unknown, temp agency", "gelegenheidswerk", D(2026, 3, 2),
     {"employer": {"joint_committee": "322", "sector": "uitzendarbeid"}},
     ["hoogstens 50 per jaar", "de dagen die hij dit jaar al gebruikte, zijn onbekend",
      "of de gebruiker van het uitzendkantoor een horecabedrijf is"],
     ["(at most 50 a year)"]),
    ("gelegenheidswerk a new calendar year", "gelegenheidswerk", D(2027, 1, 12),
     {"employer": {"occasional_days_used_this_year": 200}, "function": {"hours_per_week": 10}},
     ["de start valt in 2027, een nieuw kalenderjaar: 50 dagen beschikbaar", "de werkgever heeft 200 dagen"],
     ["the start falls in 2027, a new calendar year: 50 days available"]),
    ("IBO part time, previous employer, planned weeks", "IBO", D(2026, 3, 2),
     {"candidate": {"employment": {"previous_employers": ["bakkerij-goudkorst"]}}, "function": {"hours_per_week": 20},
      "weeks": 12},
     ["nec hoort niet bij de vorige werkgevers", "x 0,526 (deeltijds pro rata)", "minstens 12 weken",
      "toekomstig loon 2.387,67 EUR/maand voltijds"],
     ["nec is not among the candidate's previous employers", "x 0.526 (part time pro rata)", "at least 12 weeks"]),
    ("IBO worked there before, service vouchers", "IBO", D(2026, 3, 2),
     {"candidate": {"employment": {"previous_employers": ["nec"]}},
      "employer": {"sector": "dienstencheques", "joint_committee": "322.01"}},
     ["de kandidaat werkte al voor nec", "sector 'dienstencheques' is dienstenchequewerk, uitgesloten",
      "de duur van de IBO"],
     ["sector 'dienstencheques' is service-voucher work, excluded", "the IBO's duration"]),
    ("IBO a maatwerk worker", "IBO", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "statute": "maatwerk"}}},
     ["die nog in een maatwerkbedrijf werkt, kan geen IBO starten"],
     ["still employed in a maatwerkbedrijf cannot start an IBO"]),
    ("K-IBO registered long enough", "K-IBO", D(2026, 3, 2),
     {"candidate": {"employment": {"jobseeker_since": "2024-01-15"}}},
     ["25 maanden ingeschreven vóór de start (minstens 24 op de leeftijd van 39 jaar)"],
     ["registered 25 months before the start (at least 24 at age 39)"]),
    ("K-IBO too short, no indication", "K-IBO", D(2026, 3, 2),
     {"candidate": {"employment": {"jobseeker_since": "2025-05-01", "vop_indication": False}}},
     ["10 maanden ingeschreven (vereist: 24 op de leeftijd van 39 jaar) en geen indicatie"],
     ["registered 10 months (needs 24 at age 39)"]),
    ("IMW maatwerk worker, high support need, net gain", "IMW", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "statute": "maatwerk", "vop_indication": True,
                                   "support_need": "high"}},
      "function": {"hours_per_week": 19}},
     ["het pakket 55/50/40%: een advies collectief maatwerk", "IMW-ondersteuningspremie, variabel (hoog)",
      "IMW-ondersteuningspremie, vast, kwartalen 1-", "netto premiewinst", "EUR per maand"],
     ["IMW support premium, variable (high)", "net premium gain"]),
    ("IMW living in Brussels, working in Flanders", "IMW", D(2026, 3, 2),
     {"candidate": {"home": {"postcode": "1000"}, "employment": {"vop_indication": True}}},
     ["de werknemer woont in Brussel en werkt in Vlaanderen", "of WSE een werknemer toelaat",
      "geen ondersteuningspremie meegeteld"],
     ["the worker lives in Brussels and works in Flanders"]),
    ("IMW living in Wallonia, working in Brussels", "IMW", D(2026, 3, 2),
     {"candidate": {"home": {"postcode": "4000"}, "employment": {"vop_indication": True}},
      "employer": {"location": {"postcode": "1000"}}},
     ["de werknemer woont in Wallonië en werkt in Brussel"],
     ["the worker lives in Wallonia and works in Brussels"]),
    ("WIO an employee, part time, low wage", "WIO", D(2026, 9, 1),
     {"candidate": {"employment": {"status": "employee"}}, "employer": {"joint_committee": "319.01", "sector": "zorg"},
      "function": {"hours_per_week": 30, "hourly_wage_eur": 10.0}, "weeks": 52},
     ["de functie telt 30 u per week; het WIO-contract is voltijds (38 u)", "voorschot - ",
      "van 1.000 EUR uitbetalen", "meer dan 10% van de lessen", "5 jaar als persoonsbegeleider"],
     ["the function has 30 h a week; the WIO contract is full time (38 h)", "EUR 1,000"]),
    ("WIO settlement above the advance, committee unknown", "WIO", D(2026, 9, 1),
     {"candidate": {"employment": {"status": "other"}}, "employer": {"joint_committee": None}},
     ["het paritair comité van de werkgever is onbekend; PC 319.01 vereist",
      "8.953,77 loonkost per kwartaal - 7.500,00 voorschot", "of de kandidaat een arbeidsovereenkomst heeft"],
     ["8,953.77 wage cost a quarter - 7,500.00 advance"]),
    ("WIO already in the sector", "WIO", D(2026, 9, 1),
     {"candidate": {"employment": {"status": "employee", "employer_joint_committee": "319.01"}},
      "employer": {"joint_committee": "319.01"}},
     ["de kandidaat werkt al in PC 319.01"], ["switching in from outside the sector"]),
    ("TWE a jobseeker", "TWE", D(2026, 3, 2), {},
     ["als de kandidaat op 2 maart 2026 afwezig is: binnen 7 kalenderdagen", "uiterlijk 15 kalenderdagen",
      "binnen 30 dagen na het einde", "na 2 maanden zonder contractdagen"],
     ["if the candidate is absent on 2 March 2026"]),
    ("TWE an art. 60 worker, another situation", "TWE", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "statute": "art60"}}},
     ["of de art. 60-job binnen een TWE-OCMW-traject loopt"], ["whether the art. 60 job runs"]),
    ("TBS with the SEC wage", "TBS", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "current_hourly_wage_eur": 12.0}},
      "function": {"hours_per_week": 20}},
     ["(14,50 - 12,00) EUR/u x 20 u", "plus de vervoerskosten", "de inspectie bepaalt de grens"],
     ["(14.50 - 12.00) EUR/h x 20 h; plus the worker's transport costs"]),
    ("TBS without the SEC wage", "TBS", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee"}}},
     ["onbekend: candidate.employment.current_hourly_wage_eur"], ["unknown: candidate.employment"]),
    ("doorstroomstage art. 60", "doorstroomstage", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "statute": "art60"}}},
     ["de kandidaat werkt in een art. 60-job (OCMW)", "(ongeveer 140 uur begeleiding)", "hoogstens 4 maanden",
      "nazorg door de aanbieder, hoogstens 3 maanden"],
     ["the candidate works in an art. 60 job (OCMW)"]),
    ("doorstroomstage agreed invoice", "doorstroomstage", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee", "statute": "sociale_werkplaats"},
                    "extra": {"doorstroom_invoice_month_eur": 450}}},
     ["een sociale werkplaats (nu maatwerk)", "afgesproken met het SEC-bedrijf"],
     ["a social workshop (now maatwerk)"]),
    ("korte opleiding half days", "korte-opleiding", D(2026, 3, 2), {"function": {"hours_per_week": 3}},
     ["hoogstens 10 halve dagen: 10 week/weken aan 1 dag(en) per week van 3,0 u", "de functie heeft 1 vacature(s)"],
     ["at most 10 half days: 10 week(s) at 1 day(s) a week of 3.0 h"]),
    ("korte opleiding full days, another situation", "korte-opleiding", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "other"}}, "function": {"hours_per_week": 15}},
     ["hoogstens 5 volle dagen: 2,5 week/weken aan 2 dag(en) per week van 7,5 u", "of de kandidaat dat is"],
     ["at most 5 full days: 2.5 week(s) at 2 day(s) a week of 7.5 h"]),
    ("onderaanneming with a price", "onderaanneming", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee"}}, "function": {"subcontract_price_month_eur": 2000}},
     ["plus 21% btw", "onderaannemingsovereenkomst"], ["plus 21% VAT"]),
    ("onderaanneming without a price", "onderaanneming", D(2026, 3, 2),
     {"candidate": {"employment": {"status": "sec_employee"}}},
     ["commerciële prijs; geef function.subcontract_price_month_eur op"], ["commercial price"]),
]


def _run(case, lang):
    _id, code, start, facts, _nl, _en = case
    facts = dict(facts)
    weeks = facts.pop("weeks", None)
    return evaluate(code, start, lang, weeks=weeks, **facts)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_texts_read_in_dutch_with_belgian_numbers(case):
    result = _run(case, "nl")
    texts = shown(result, "nl")
    left = {t: english_words(t) for t in texts if english_words(t)}
    assert left == {}, left
    joined = "\n".join(texts)
    for fragment in case[4]:
        assert fragment in joined, (fragment, texts)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_english_texts_stay_english(case):
    result = _run(case, "en")
    joined = "\n".join(shown(result, "en"))
    for fragment in case[5]:
        assert fragment in joined, (fragment, joined)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_names_and_cost_codes_stay_the_english_keys(case):
    """The JSON keeps the rule headings and payer/payee codes in English whatever the language."""
    nl, en = _run(case, "nl"), _run(case, "en")
    assert [r.rule for r in nl.reasons] == [r.rule for r in en.reasons]
    assert [(c.payer, c.payee, c.amount_eur, c.per) for c in nl.costs] == \
        [(c.payer, c.payee, c.amount_eur, c.per) for c in en.costs]
    assert [r.ok for r in nl.reasons] == [r.ok for r in en.reasons] and nl.eligible is en.eligible
    assert [s.due for s in nl.steps] == [s.due for s in en.steps]


def test_the_word_check_finds_english():
    """The check is not blind: an English text of these plugins is caught, field paths are not."""
    assert english_words("the employer used 150 of 200 days with extras this year, 50 left")
    assert set(english_words("registered 25 months before the start")) == {"before", "registered", "months", "the"}
    assert english_words("onbekend: candidate.employment.current_hourly_wage_eur, function.hourly_wage_eur") == []


def test_every_partial_sector_reason_of_the_parameter_file_is_in_the_catalogue():
    """flexijob.yaml's reasons for a partly allowed committee are shown through _(): the plugin marks each
    (PARTIAL_REASONS) so that tools/i18n.py extracts it; a reason added to the file must be added there."""
    import yaml

    from matchcore_plugins.flexijob import PARTIAL_REASONS

    data = yaml.safe_load((Path(__file__).resolve().parent.parent / "plugins" / "flexijob.yaml").read_text("utf-8"))
    values = data["parameters"]["sectors"]["values"].values()
    reasons = {why for v in values for option in [v["value"], *(a["value"] for a in v.get("alternatives") or [])]
               for why in (option.get("partial") or {}).values()}
    assert reasons and reasons <= set(PARTIAL_REASONS), reasons - set(PARTIAL_REASONS)
    with use_language("nl"):
        assert all(_(why) != why for why in reasons)
