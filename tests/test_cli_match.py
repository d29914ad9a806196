"""The matching commands: match, assign, vocab, and the demo's sample match."""
from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from matchcore.cli.root import main
from matchcore.store.db import Store
from tests.match_data import (  # noqa: F401
    ESCO_SMALL,
    KITCHEN,
    candidate,
    comp,
    employer,
    function,
    small_vocab,
)

pytestmark = pytest.mark.usefixtures("small_vocab")  # tests/fixtures/vocab_small.yaml


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.db"
    s = Store.open(path)
    s.upsert([employer("kaai", [function("afwasser", KITCHEN, title="Afwasser", openings=1)]),
              employer("depot", [function("picker", [comp("orderpicken", 2, required=True)],
                                          openings=1)], postcode="9050", sector="logistiek"),
              candidate("K-1", [("afwas doen", 2), ("HACCP-regels toepassen", 1),
                                ("keuken kuisen", 1), ("pannenkoeken bakken", 1)], targets=["afwasser"]),
              candidate("K-2", [("orderpicking", 3)], postcode="2000", max_commute_km=10)])
    s.close()
    return path


def run(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), *args], obj={}, catch_exceptions=False)


def test_match_candidate_json_follows_formats(db):
    r = run(db, "match", "candidate", "K-1", "--top", "3", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["candidate"] == "K-1"
    first = out["results"][0]
    assert first["function"] == "kaai/afwasser" and first["employer"] == "kaai"
    assert first["matched"][0] == {**first["matched"][0], "competence": "afwassen", "level": 2,
                                   "required_level": 2}
    assert first["unresolved"] == ["pannenkoeken bakken"]
    assert isinstance(first["instruments"], list)


def test_match_candidate_human_output_explains(db):
    r = run(db, "match", "candidate", "K-1", "--no-instruments")
    assert r.exit_code == 0, r.output
    assert "1. kaai/afwasser  Afwasser  score" in r.output
    assert "+ afwassen (required, level 2): has level 2 as 'afwas doen'" in r.output
    assert "- samenwerken (level 1): missing" in r.output


def test_match_function_and_excluded(db):
    r = run(db, "match", "function", "depot/picker", "--json", "--no-instruments")
    assert json.loads(r.output)["results"] == []
    r = run(db, "--lang", "en", "match", "function", "depot/picker", "--include-excluded", "--json",
            "--no-instruments")
    res = json.loads(r.output)["results"][0]
    assert res["candidate"] == "K-2" and res["excluded"] is True
    assert any("commute" in x for x in res["exclusions"])


def test_unknown_candidate_is_one_clean_line(db):
    r = CliRunner().invoke(main, ["--db", str(db), "match", "candidate", "K-11"], obj={})
    assert r.exit_code == 1
    assert "did you mean 'K-1'" in r.output and "Traceback" not in r.output


def test_assign_json_and_text(db):
    r = run(db, "assign", "--min-score", "0.3", "--json")
    out = json.loads(r.output)
    assert [a["candidate"] for a in out["assignments"]] == ["K-1"]
    assert out["unassigned"][0]["candidate"] == "K-2"
    r = run(db, "assign", "--min-score", "0.3")
    assert "unassigned:" in r.output and "K-2: every function is excluded" in r.output


def test_vocab_commands(db):
    r = run(db, "vocab", "suggest", "--json")
    rows = json.loads(r.output)
    assert rows[0]["text"] == "pannenkoeken bakken"
    r = run(db, "vocab", "alias", "koken", "pannenkoeken bakken")
    assert "'pannenkoeken bakken' -> koken" in r.output
    r = run(db, "vocab", "resolve", "pannenkoeken bakken", "heftruk besturen", "--json")
    assert [x["concept"] for x in json.loads(r.output)] == ["koken", "heftruck-besturen"]
    assert "'pannenkoeken bakken'" not in run(db, "vocab", "suggest").output
    r = run(db, "vocab", "list", "--sector", "horeca", "--json")
    assert {x["id"] for x in json.loads(r.output)} >= {"afwassen", "koken"}
    r = run(db, "vocab", "show", "afwas doen", "--json")
    assert json.loads(r.output)["id"] == "afwassen"


def test_vocab_import_esco(db):
    r = run(db, "vocab", "import-esco", str(ESCO_SMALL), "--json")
    counts = json.loads(r.output)
    assert counts["occupations"] == 3 and counts["titled"] == 3
    r = run(db, "match", "candidate", "K-1", "--json", "--no-instruments")
    assert any(x["employer"] == "esco" for x in json.loads(r.output)["results"])


def test_demo_step_prints_a_sample_match(db, capsys):
    from matchcore.cli.match import demo_step

    s = Store.open(db)
    demo_step(click.Context(main, obj={}), s)
    out = capsys.readouterr().out
    assert "== sample match ==" in out and "matchcore match candidate K-1" in out
    s.close()
