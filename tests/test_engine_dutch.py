"""The texts the engines build at run time, in Dutch with Belgian numbers (the default), English
on request (issue 13): team-assignment reasons, net cost texts, validity flags, parameter
descriptions and notes (also a parameter file's own per-language form), explanation lines and
carving reasons of the bundled data.

The texts of the built-in plugins' answers (plugins/*.py) are checked where those are translated;
here only what matchcore itself writes, so a plugin's wording cannot make these tests pass or fail.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from matchcore.i18n import use_language
from matchcore.instruments import evaluate_all, normal_hire
from matchcore.instruments.costs import derive_net_cost
from matchcore.instruments.params import LocalText, date_text, load_parameters, local
from matchcore.instruments.results import DatedValue
from matchcore.instruments.types import Cost

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
# Words that are English and never Dutch ("in", "is", "of", "op", "per", "score", "team", "minimum" are
# Dutch too)
ENGLISH = {"the", "and", "with", "from", "candidate", "candidates", "function", "functions", "required",
           "missing", "excluded", "hours", "week", "month", "cost", "employer", "which", "would", "unknown",
           "between", "every", "its", "went", "openings", "below", "items", "pays",
           "excluded", "normal", "hire", "gross", "wage", "not", "yet", "existed", "until", "ended", "best",
           "option", "others", "higher", "without", "constraint", "hard", "legal", "deadline", "days",
           "months", "weeks", "planned", "exceeds", "successor", "should", "must", "than", "that", "this"}
ON = dt.date(2026, 12, 1)


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower())) & ENGLISH


def decimal_points(text: str) -> list[str]:
    """Numbers written with a decimal point (0.85), not the Dutch comma; codes such as PC 118.03,
    dates and ids are not numbers a person reads as amounts, so only a digit-dot-digit that is not
    part of a longer code counts."""
    return re.findall(r"(?<![\w.])\d+\.\d{1,2}(?![\w.])", text)


# --- team assignment -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def assignment_texts(tmp_path_factory):
    from matchcore.matching.assign import assign
    from matchcore.store.db import Store
    from matchcore.store.io import import_paths

    store = Store.open(tmp_path_factory.mktemp("assign") / "bundled.db")
    import_paths(store, [ROOT / "profiles", ROOT / "scans"])
    out = {}
    for lang in ("nl", "en"):
        with use_language(lang):
            result = assign(store, min_score=0.5)
        out[lang] = [u.reason for u in result.unassigned] + [u.reason for u in result.unfilled]
    store.close()
    return out


def test_assignment_reasons_are_dutch_with_decimal_commas(assignment_texts):
    texts = assignment_texts["nl"]
    assert texts
    for text in texts:
        assert not english_words(text), text
        assert not decimal_points(text), text
    joined = "\n".join(texts)
    # the bundled data has each kind: below the minimum, excluded everywhere, unfilled openings
    assert "ligt onder het minimum 0,5" in joined
    assert "elke functie is uitgesloten door een harde randvoorwaarde (" in joined
    assert "pendel x" in joined   # the constraint's name as a coach reads it
    assert "geen enkele kandidaat haalt 0,5 of meer zonder een harde randvoorwaarde ertegen" in joined


def test_assignment_reasons_stay_english_on_request(assignment_texts):
    joined = "\n".join(assignment_texts["en"])
    assert "is below the minimum 0.5" in joined
    assert "every function is excluded by a hard constraint (" in joined and "commute x" in joined
    assert "no candidate scores >= 0.5 without a hard constraint against it" in joined


# --- net cost texts, the normal hire, validity flags --------------------------------------------

@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    from matchcore.store.db import Store
    from matchcore.store.io import import_paths

    store = Store.open(tmp_path_factory.mktemp("pair") / "bundled.db")
    import_paths(store, [ROOT / "profiles"])
    employer, function = store.function("kartonnage-de-vlijt/afwerking-inpak")
    candidate = store.candidate("K-0024")
    store.close()
    return candidate, employer, function


def _derived(results):
    """The net cost lines matchcore derives itself (not a plugin's stated text)."""
    return [r.net_cost.net_cost_text for r in results
            if r.net_cost.net_cost_text and r.net_cost.net_cost_basis in ("complete", "adjustment", None)]


def test_net_cost_texts_and_the_normal_hire_are_dutch(pair, dutch):
    candidate, employer, function = pair
    results = evaluate_all(candidate, employer, function, on=ON)
    texts = _derived(results)
    assert any(t.startswith("wat de werkgever betaalt") for t in texts), texts
    for text in texts:
        assert not english_words(text), text
    base = normal_hire(employer, function, ON)
    assert base.text.startswith("gewone aanwerving: 2.002,00 bruto + 500,50 bijdragen (25,00"), base.text
    assert base.notes and not english_words(base.notes[0]), base.notes


def test_net_cost_texts_are_english_on_request(pair):
    candidate, employer, function = pair
    texts = _derived(evaluate_all(candidate, employer, function, on=ON))
    assert any(t.startswith("the items the employer pays") for t in texts), texts


@pytest.mark.parametrize("lang, expected", [
    ("nl", "netto premiewinst van 1.234,50 EUR per maand: premie overtreffen wat de werkgever betaalt "
           "(gewone aanwerving 2.000,00 - 3.234,50 per maand via het instrument)"),
    ("en", "net premium gain of 1,234.50 EUR a month: premie exceed what the employer pays "
           "(normal hire 2,000.00 - 3,234.50 a month from the instrument)"),
])
def test_a_net_premium_gain_says_so_in_the_language(lang, expected):
    premium = Cost("premie", "VDAB", "employer", 3234.5, "month")
    with use_language(lang):
        line = derive_net_cost("adjustment", [premium], 2000.0, 21.67)
    assert line.net_premium_gain and line.net_cost_text == expected


def test_the_days_a_month_note_of_a_per_day_item_is_dutch(pair, dutch):
    candidate, employer, function = pair
    (gw,) = evaluate_all(candidate, employer, function, on=ON, codes=["gelegenheidswerk"])
    text = gw.net_cost.net_cost_text
    assert re.search(r"; voor \d+,\d\d dagen per maand, minder dan de \d+,\d\d van de functie: niet de uren "
                     r"van een gewone aanwerving$", text), text


@pytest.mark.parametrize("lang, start, expected", [
    ("nl", dt.date(2017, 3, 1), "BIS bestond nog niet op de geplande start 1 maart 2017: het bestaat vanaf "
                                "1 september 2018; daarvoor: BIO"),
    ("en", dt.date(2017, 3, 1), "BIS did not exist yet on the planned start 2017-03-01: it exists from "
                                "2018-09-01; before that: BIO"),
    ("nl", dt.date(2019, 1, 7), "BIO bestond tot 31 augustus 2018 (afgeschaft op 1 september 2018), dus niet "
                                "voor een start op 7 januari 2019; de opvolger is BIS"),
])
def test_validity_flags_follow_the_language(pair, lang, start, expected):
    candidate, employer, function = pair
    code = expected.split()[0]
    with use_language(lang):
        (result,) = evaluate_all(candidate, employer, function, start=start, on=start - dt.timedelta(days=60),
                                 codes=[code])
    assert result.eligible is False
    assert result.reasons[0].text.startswith(expected), result.reasons[0].text


def test_a_duration_over_the_maximum_is_dutch(pair, dutch):
    candidate, employer, function = pair
    (bis,) = evaluate_all(candidate, employer, function, on=ON, codes=["BIS"], duration_weeks=30.5)
    assert bis.reasons[-1].text == "gepland 30,5 weken, meer dan het maximum van 26 weken"


def test_date_text_is_iso_in_english_and_written_out_in_dutch():
    with use_language("en"):
        assert date_text(dt.date(2026, 4, 1)) == "2026-04-01"
    with use_language("nl"):
        assert date_text(dt.date(2026, 4, 1)) == "1 april 2026"


# --- parameter descriptions and notes -------------------------------------------------------------

def _texts_of(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = [n for meta in (data.get("instruments") or {}).values() for n in meta.get("notes") or []]
    for spec in (data.get("parameters") or {}).values():
        out.append(spec["description"])
        for entry in spec["values"].values():
            out += [entry["note"]] if entry.get("note") else []
            out += [a["note"] for a in entry.get("alternatives") or [] if a.get("note")]
    return [" ".join(t.split()) for t in out if isinstance(t, str)]


@pytest.mark.parametrize("path", sorted(PLUGINS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_parameter_description_and_note_of_the_built_ins_has_dutch(path):
    texts = _texts_of(path)
    with use_language("nl"):
        untranslated = [t for t in texts if local(t) == t and english_words(t)]
    assert not untranslated, untranslated
    with use_language("en"):
        assert all(local(t) == t for t in texts)


def test_instruments_show_prints_parameter_descriptions_and_notes_in_dutch(dutch):
    from click.testing import CliRunner

    from matchcore.cli.root import main

    out = CliRunner().invoke(main, ["instruments", "show", "BIS", "--on", "2026-12-01"], obj={},
                             catch_exceptions=False).output
    assert "  max_duration_weeks: Langste BIS die VDAB goedkeurt." in out
    assert ("    1 september 2018: een werkende SEC-werknemer telt als werknemer (niet voor opleiding binnen "
            "het lopende contract) [bisw]") in out
    row = next(line for line in out.splitlines() if line.startswith("max_duration_weeks "))
    assert " weken " in row and " weeks " not in row
    en = CliRunner().invoke(main, ["--lang", "en", "instruments", "show", "BIS", "--json"], obj={},
                            catch_exceptions=False).output
    assert '"description": "Longest BIS VDAB approves."' in en


def test_unverified_notes_and_disputed_values_are_dutch(pair, dutch):
    candidate, employer, function = pair
    (bis,) = evaluate_all(candidate, employer, function, start=dt.date(2026, 6, 1), on=dt.date(2026, 4, 1),
                          codes=["BIS"])
    ggmmi = next(u for u in bis.unverified if u.parameter == "ggmmi_monthly_eur")
    assert "betwist: vanaf 1 april 2026 mogelijk 2.147,59 [ggmmi-sodalis]: derde stap van cao 43/15" in ggmmi.note
    assert not english_words(ggmmi.note), ggmmi.note


PER_LANGUAGE = """
instruments:
  XYZ:
    name: test instrument
    summary: An instrument for the tests.
    source: own
    notes:
      - {nl: "enkel in Vlaanderen", en: "only in Flanders"}
references:
  own: {title: "Own page", url: "https://example.org/xyz"}
parameters:
  rate:
    description: {nl: "Een percentage dat verandert.", en: "A rate that changes."}
    unit: ratio
    values:
      2020-01-01: {value: 0.25, reference: own, last_verified: 2026-11-23,
                   note: {nl: "uit de eigen bron", en: "from the own source"}}
      2024-01-01:
        value: 0.28
        reference: own
        last_verified: 2026-11-23
        alternatives:
          - {from: 2025-01-01, value: 0.3, reference: own, note: {nl: "een gepland ontwerp"}}
  plain:
    description: Stays in English without a catalogue.
    values:
      2020-01-01: {value: 1, reference: own, last_verified: 2026-11-23, note: "a plain note"}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xyz.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_parameter_file_may_give_its_texts_per_language(tmp_path):
    params = load_parameters(_write(tmp_path, PER_LANGUAGE))
    rate = params.parameters["rate"]
    note = params.get("rate", dt.date(2021, 1, 1)).note
    assert isinstance(rate.description, LocalText) and str(rate.description) == "A rate that changes."
    with use_language("nl"):
        assert local(rate.description) == "Een percentage dat verandert."
        assert DatedValue.of(params.get("rate", dt.date(2021, 1, 1))).note == "uit de eigen bron"
        assert local(params.instruments["XYZ"].notes[0]) == "enkel in Vlaanderen"
        # an alternative in force: its Dutch note, its date written out
        assert params.get("rate", dt.date(2025, 6, 1)).note == \
            "betwist: vanaf 1 januari 2025 mogelijk 0,3 [own]: een gepland ontwerp"
        assert local(params.parameters["plain"].description) == "Stays in English without a catalogue."
    with use_language("en"):
        assert local(note) == "from the own source"
        assert local(params.instruments["XYZ"].notes[0]) == "only in Flanders"
        # no English form given: the first form is the one shown
        assert params.get("rate", dt.date(2025, 6, 1)).note == \
            "disputed: from 2025-01-01 possibly 0.3 [own]: een gepland ontwerp"


@pytest.mark.parametrize("old, new, message", [
    ('{nl: "uit de eigen bron", en: "from the own source"}', '{nl: "uit de eigen bron", fr: "de la source"}',
     "a text per language takes the keys nl, en, got fr"),
    ('{nl: "uit de eigen bron", en: "from the own source"}', "{}", "got none"),
    ('{nl: "uit de eigen bron", en: "from the own source"}', '{nl: ""}', "must be a non-empty text"),
])
def test_a_text_per_language_is_validated(tmp_path, old, new, message):
    from matchcore.errors import ParameterError

    with pytest.raises(ParameterError, match=re.escape(message)):
        load_parameters(_write(tmp_path, PER_LANGUAGE.replace(old, new)))


def test_the_extractor_takes_plain_texts_and_leaves_per_language_ones(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import i18n as tool
    finally:
        sys.path.remove(str(ROOT / "tools"))
    found = set(tool.yaml_messages(_write(tmp_path, PER_LANGUAGE)))
    assert {"test instrument", "An instrument for the tests.", "Stays in English without a catalogue.",
            "a plain note"} <= found
    assert not found & {"A rate that changes.", "from the own source", "only in Flanders", "een gepland ontwerp"}
    # the built-ins' descriptions are extracted as the loader reads them (whitespace collapsed)
    assert "Longest BIS VDAB approves." in set(tool.yaml_messages(PLUGINS / "bis.yaml"))


# --- explanation lines and carving reasons of the bundled data -----------------------------------

@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    from matchcore.store.db import Store
    from matchcore.store.io import import_paths

    store = Store.open(tmp_path_factory.mktemp("bundled") / "bundled.db")
    import_paths(store, [ROOT / "profiles", ROOT / "scans"])
    yield store
    store.close()


def test_explanation_lines_of_the_bundled_data_are_dutch(bundled, dutch):
    from matchcore.matching.matcher import Matcher

    matcher = Matcher(bundled).fit()
    lines = []
    for cid in ("K-0001", "K-0007", "K-0009", "K-0024"):
        for r in matcher.match_candidate(cid, top=5, instruments=False).results:
            lines += [*r.explanation, *getattr(r, "reasons", [])]
    assert len(lines) > 40
    for line in lines:
        assert not english_words(line), line
        assert not decimal_points(line), line
    assert any(line.lstrip().startswith("score ") and "strafterm" in line for line in lines)


def test_explanation_lines_are_english_on_request(bundled):
    from matchcore.matching.matcher import Matcher

    r = Matcher(bundled).fit().match_candidate("K-0024", top=1, instruments=False).results[0]
    assert any("penalty" in line or "required" in line for line in r.explanation), r.explanation


def test_carving_reasons_and_notes_of_the_bundled_scans_are_dutch(bundled, dutch):
    from matchcore.carving import carve

    for sid in bundled.ids("scan"):
        result = carve(bundled.scan(sid), store=bundled, candidates=False, on=ON)
        texts = [n.reason_nl for n in result.not_carved] + list(result.notes)
        texts += [note for fn in result.functions for note in fn.business_case.notes]
        for text in texts:
            assert not english_words(text), (sid, text)
