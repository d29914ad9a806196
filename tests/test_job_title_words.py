"""A job title written as a competence ("kok", "keukenhulp") is told as a job title: in a
match's explanation when it is the function's title, and by ``vocab resolve`` when the bundled
ESCO table knows it (issue 11: coaches write the job they mean)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from matchcore.cli.root import main
from matchcore.matching.matcher import Matcher
from matchcore.model import Candidate, Employer


def test_the_explanation_says_a_free_text_is_the_functions_title(store, dutch):
    store.upsert([
        Employer.model_validate({
            "id": "kaai", "name": "Kaai", "sector": "horeca", "location": {"postcode": "9000"},
            "functions": [{"id": "kok", "title": "Kok", "hours_per_week": 38,
                           "competences": [{"name": "afwassen", "required": True}]}]}),
        Candidate.model_validate({"id": "K-1", "home": {"postcode": "9000"},
                                  "competences": [{"name": "afwassen", "level": 2}, {"name": "kok", "level": 2},
                                                  {"name": "pannenkoeken bakken", "level": 1}]})])
    lines = Matcher(store).fit().match_candidate("K-1", top=1, instruments=False).results[0].explanation
    assert any(line.startswith("? 'kok' (kandidaat) is een beroep, de titel van deze functie") for line in lines), lines
    # a free text that is no title keeps the usual line
    assert any(line.startswith("? 'pannenkoeken bakken' (kandidaat) is aan geen concept gekoppeld") for line in lines)


def test_vocab_resolve_names_a_job_title(store, dutch):
    run = CliRunner().invoke(main, ["--db", str(store.path), "vocab", "resolve", "keukenhulp", "bloemschikken"],
                             obj={}, catch_exceptions=False)
    assert run.exit_code == 0, run.output
    out = run.output.splitlines()
    assert out[0].startswith("'keukenhulp' -> geen competentie: een beroep (ESCO: ")
    assert "geen competentie" not in out[1]
    run = CliRunner().invoke(main, ["--db", str(store.path), "vocab", "resolve", "keukenhulp", "--json"],
                             obj={}, catch_exceptions=False)
    assert json.loads(run.output)[0]["job_title"]
