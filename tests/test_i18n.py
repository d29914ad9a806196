"""Dutch first: the CLI, its help, errors and formats in Dutch by default, English with --lang en;
Dutch answers in prompts; the coach's settings; a plugin's own catalogue."""
from __future__ import annotations

import datetime as dt
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchcore import i18n
from matchcore.cli.root import main
from matchcore.errors import InputNotUnderstood, SettingsError
from matchcore.model.dutch_input import parse_choice, parse_choices, parse_number, parse_yes_no
from matchcore.settings import get_setting, load_settings, save_setting

from .test_io import CANDIDATES_YAML, EMPLOYER_YAML, write

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, input=None):
    return CliRunner().invoke(main, list(args), obj={}, input=input)


# --- formats -------------------------------------------------------------------------------

def test_belgian_number_money_and_date_formats():
    with i18n.use_language("nl"):
        assert i18n.format_number(1165.3, 2) == "1.165,30"
        assert i18n.format_money(1165.3) == "€\u00a01.165,30"  # a no-break space, as CLDR writes it
        assert i18n.format_date(dt.date(2026, 12, 1)) == "1 december 2026"
        assert i18n.format_date("2026-12-01", "short") == "01/12/2026"
    with i18n.use_language("en"):
        assert i18n.format_number(1165.3, 2) == "1,165.30"


def test_the_language_follows_the_option_the_environment_and_the_settings(dutch, monkeypatch):
    assert i18n.get_language() == "nl"                      # the default
    monkeypatch.setenv("MATCHCORE_LANG", "en")
    assert i18n.get_language() == "en"
    with i18n.use_language("nl-BE"):
        assert i18n.get_language() == "nl" and i18n._("yes") == "ja"
    monkeypatch.delenv("MATCHCORE_LANG")
    save_setting("lang", "en")                              # the coach's own choice
    assert "Show this message and exit." in cli("--help").output
    assert "Toon deze hulp en stop." in cli("--lang", "nl", "--help").output


# --- the command line in both languages ------------------------------------------------------

def test_help_is_dutch_by_default_and_english_on_request(dutch):
    nl = cli("--help").output
    assert "Gebruik: " in nl and "Opties:" in nl and "Commando's:" in nl
    assert "jobmatching en jobcarving voor jobcoaches in Vlaanderen" in nl
    assert "Toon kandidaten, werkgevers, functies of scans." in nl      # a subcommand's short help
    en = cli("--lang", "en", "--help").output
    assert "Usage: " in en and "job matching and job carving for job coaches" in en
    # a subcommand's own help and its options, after the other language in the same process
    sub = cli("scan", "add-task", "--help").output
    assert "Voeg een taak toe" in sub and "Voorbeeld:" in sub and "Functie die de taak nu doet." in sub


def test_errors_are_dutch_and_still_name_file_record_and_field(dutch, tmp_path):
    bad = write(tmp_path, "kandidaten.yaml", CANDIDATES_YAML.replace('postcode: "9050"', 'postcode: "90500"'))
    r = cli("--db", str(tmp_path / "t.db"), "import", str(bad))
    assert r.exit_code == 1 and "Traceback" not in r.output
    line = next(x for x in r.output.splitlines() if "postcode" in x)
    assert line.startswith("fout: ") and "kandidaten.yaml" in line and "K-" in line
    assert "home.postcode moet een Belgische postcode zijn (4 cijfers, bv. '9000'), kreeg \"90500\"" in line
    r = cli("--lang", "en", "--db", str(tmp_path / "t.db"), "import", str(bad))
    assert "home.postcode must be a Belgian postcode (4 digits, e.g. '9000'), got \"90500\"" in r.output


def test_unknown_records_and_settings_get_a_dutch_did_you_mean(dutch, tmp_path):
    db = str(tmp_path / "t.db")
    assert cli("--db", db, "import", str(write(tmp_path, "w.yaml", EMPLOYER_YAML))).exit_code == 0
    r = cli("--db", db, "show", "employer", "brasserie-de-kaaj")
    assert r.exit_code == 1
    assert "fout: Geen werkgever 'brasserie-de-kaaj' gevonden; bedoelde u 'brasserie-de-kaai'?" in r.output
    r = cli("config", "set", "coach.mail", "x")
    assert r.exit_code == 1 and "onbekende instelling coach.mail; bedoelde u 'coach.email'?" in r.output


@pytest.mark.skipif(not any((ROOT / "profiles").rglob("*.yaml")), reason="no bundled profiles")
def test_demo_is_dutch_and_english_with_lang_en(dutch, tmp_path):
    nl = cli("--db", str(tmp_path / "nl.db"), "demo")
    assert nl.exit_code == 0, nl.output
    out = nl.output
    assert "== werkgevers ==" in out and "== functies ==" in out and "== kandidaten ==" in out
    assert "paritair comité" in out and "bruto EUR/uur" in out
    assert "gewone aanwerving: brutoloon + werkgeversbijdragen" in out
    assert "Niet gecarved:" in out and "kerntaak van de dokwerker" in out
    # amounts the Belgian way: a thousands dot and a decimal comma (1.165,30), never 1,165.30
    assert re.search(r"\b\d{1,3}(\.\d{3})+,\d{2}\b", out)
    assert not re.search(r"\b\d{1,3}(,\d{3})+\.\d{2}\b", out.split("== sample match ==")[0])
    en = cli("--lang", "en", "--db", str(tmp_path / "en.db"), "demo")
    assert en.exit_code == 0, en.output
    assert "== employers ==" in en.output and "joint committee" in en.output
    assert "normal hire: gross wage + employer contributions" in en.output
    assert "werkgevers ==" not in en.output
    assert re.search(r"\b\d{1,3}(,\d{3})+\.\d{2}\b", en.output)            # 2,502.50 in English


def test_instruments_check_prints_belgian_amounts(dutch, tmp_path):
    db = str(tmp_path / "t.db")
    cli("--db", db, "import", str(write(tmp_path, "w.yaml", EMPLOYER_YAML)),
        str(write(tmp_path, "k.yaml", CANDIDATES_YAML)))
    r = cli("--db", db, "instruments", "check", "--candidate", "K-0042", "--function", "brasserie-de-kaai/afwasser",
            "--on", "2026-01-05", "--brief")
    assert r.exit_code == 0, r.output
    head, table = r.output.split("\n", 1)
    assert "start 16/02/2026 (regels van die datum), opgevraagd op 05/01/2026" in head
    normal = next(x for x in table.splitlines() if x.startswith("normal"))
    amount = normal.split()[3]
    assert "," in amount and amount.replace(".", "").replace(",", "").isdigit()  # e.g. 2.984,59
    assert "gewone aanwerving" in normal


# --- Dutch answers ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind, code", [
    ("dag", "shift", "day"), ("voormiddag", "when", "morning"), ("Namiddag", "when", "afternoon"),
    ("avond", "when", "evening"), ("nacht", "shift", "night"), ("weekend", "shift", "weekend"),
    ("continu", "when", "continuous"), ("op afroep", "when", "on_call"), ("zwaar", "strain", "heavy"),
    ("vuil", "strain", "dirty"), ("geïsoleerd", "strain", "isolated"), ("geisoleerd", "strain", "isolated"),
    ("maand", "per", "month"), ("afternoon", "when", "afternoon"),
])
def test_dutch_words_for_the_codes(text, kind, code):
    assert parse_choice(text, kind) == code


@pytest.mark.parametrize("text, number", [
    ("12,5", 12.5), ("1.165,30", 1165.3), ("1,165.30", 1165.3), ("2.500", 2500.0), ("1.5", 1.5),
    ("0.500", 0.5), ("€ 42", 42.0), ("zestien", 16.0), ("twintig", 20.0), ("dertig", 30.0),
    ("veertig", 40.0), ("eenentwintig", 21.0), ("tweeëntwintig", 22.0), ("honderd", 100.0),
    ("anderhalf", 1.5), (" 38 ", 38.0),
])
def test_numbers_with_a_decimal_comma_or_in_words(text, number):
    assert parse_number(text) == number


def test_a_word_not_understood_gets_a_dutch_did_you_mean(dutch):
    with pytest.raises(InputNotUnderstood) as err:
        parse_choice("namidag", "when")
    assert err.value.suggestion == "namiddag"
    assert str(err.value) == ("'namidag' is geen van: continu, voormiddag, namiddag, avond, nacht, op afroep; "
                              "bedoelde u 'namiddag'?")
    with pytest.raises(InputNotUnderstood, match="'zestig-twee' is geen getal"):
        parse_number("zestig-twee")
    assert parse_yes_no("ja") is True and parse_yes_no("Nee") is False and parse_yes_no("j") is True
    with pytest.raises(InputNotUnderstood):
        parse_yes_no("misschien")
    assert parse_choices("zwaar, vuil en buiten", "strain") == ["heavy", "dirty", "outdoor"]


def test_the_scan_prompts_take_dutch_answers(dutch, tmp_path):
    db = str(tmp_path / "t.db")
    cli("--db", db, "import", str(write(tmp_path, "w.yaml", EMPLOYER_YAML)))
    answers = "\n".join([
        "kaai", "brasserie-de-kaai", "2025-03-12", "", "", "twee",     # id, employer, date, consultant, 38, shifts
        "dokwerker", "", "tweeënveertig", "zestig",            # a role in Dutch number words
        "",                                                    # no more roles
    ]) + "\n"
    r = cli("--db", db, "scan", "new", input=answers)
    assert r.exit_code == 0, r.output
    assert "bewaard: scan kaai" in r.output and "bewaard: functie dokwerker" in r.output
    task = "\n".join([
        "Folie sorteren", "dokwerker", "f", "vier", "shift", "twintig,5", "20", "5",   # volume by frequency
        "twee", "nee", "nee", "", "", "namiddag", "zwaar, vuil", "", "nee"]) + "\n"
    r = cli("--db", db, "scan", "add-task", "kaai", input=task)
    assert "'twintig,5' is geen getal" in r.output                 # asked again, then 20
    assert r.exit_code == 0, r.output
    assert "bewaard: taak t01 (13,33 u/week)" in r.output
    r = cli("--db", db, "--lang", "en", "scan", "show", "kaai", "--json")
    import json

    [t] = json.loads(r.output)["tasks"]
    assert (t["when"], t["strain"], t["complexity"]) == ("afternoon", ["heavy", "dirty"], 2)
    assert not t.get("core") and not t.get("safety_critical")


# --- the coach's settings --------------------------------------------------------------------

def test_settings_are_saved_owner_only_and_shown(dutch, tmp_path):
    path = Path(os.environ["MATCHCORE_CONFIG"])
    assert load_settings().coach.name == "" and not path.exists()
    assert cli("config", "set", "coach.name", "An Peeters").exit_code == 0
    assert cli("config", "set", "coach.organisation", "Werkwinkel Gent").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli("config", "get", "coach.name").output == "An Peeters\n"
    shown = cli("config", "show").output
    assert "coach.organisation  Werkwinkel Gent" in shown and "coach.phone         (niet ingesteld)" in shown
    r = cli("config", "set", "coach.email", "an.peeters")
    assert r.exit_code == 1 and f"{path}: coach.email is geen e-mailadres: 'an.peeters'" in r.output
    assert get_setting("coach.email") == ""                            # nothing half-written
    assert cli("config", "set", "coach.name", "").exit_code == 0 and get_setting("coach.name") == ""


def test_a_bad_settings_file_names_file_and_key(dutch, tmp_path):
    path = Path(os.environ["MATCHCORE_CONFIG"])
    path.write_text("coach:\n  naam: An\nlang: fr\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings()
    text = str(err.value)
    assert f"{path}: onbekende instelling coach.naam" in text and f"{path}: lang moet nl of en zijn, niet 'fr'" in text


# --- a plugin's own catalogue ----------------------------------------------------------------

def test_a_third_party_plugin_translates_with_its_own_catalogue():
    sys.path.insert(0, str(ROOT / "examples" / "matchcore-twe"))
    try:
        import matchcore_twe
        from matchcore.instruments import evaluate_all
        from matchcore.instruments.registry import make_plugin_manager
        from matchcore.model import Candidate, Employer

        employer = Employer.model_validate({"id": "w", "name": "W", "sector": "logistiek",
                                            "location": {"postcode": "3000"},
                                            "functions": [{"id": "m", "title": "M", "hours_per_week": 38}]})
        candidate = Candidate.model_validate({"id": "K-1", "home": {"postcode": "3000"},
                                              "employment": {"status": "jobseeker"}})
        pm = make_plugin_manager(entry_points=False, plugins=[matchcore_twe])
        texts = {}
        for lang in ("nl", "en"):
            with i18n.use_language(lang):   # the plugin runs in a worker thread: the language goes along
                [r] = evaluate_all(candidate, employer, employer.functions[0], plugin_manager=pm,
                                   start=dt.date(2026, 3, 2))
                texts[lang] = r.steps[0].what
        assert texts["nl"].startswith("eerste afspraak: de werkervaringsovereenkomst (WEO) ondertekenen")
        assert texts["en"].startswith("first appointment: sign the work-experience agreement (WEO)")
        with i18n.use_language("nl"):
            assert i18n._("yes") == "ja"            # matchcore's own texts stay matchcore's
    finally:
        sys.path.remove(str(ROOT / "examples" / "matchcore-twe"))


def test_carving_reasons_follow_the_language():
    from matchcore.carving.carve import carve

    from .carving_data import port_scan

    with i18n.use_language("nl"):
        dutch = carve(port_scan())
    with i18n.use_language("en"):
        english = carve(port_scan())
    row = next(r for r in dutch.not_carved if "core" in r.codes)
    assert row.reason == row.reason_nl and row.reason.startswith("kerntaak van de")
    row = next(r for r in english.not_carved if "core" in r.codes)
    assert row.reason.startswith("core task of role") and row.reason_nl.startswith("kerntaak van de")
