"""`matchcore instruments list | show | check`."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from matchcore.cli.root import main
from matchcore.model import Candidate, Employer


@pytest.fixture
def run(store):
    employer = Employer.model_validate({
        "id": "brasserie-de-kaai", "name": "Brasserie De Kaai", "sector": "horeca", "joint_committee": "302",
        "non_profit": True, "location": {"postcode": "9000"},
        "functions": [{"id": "afwasser", "title": "Afwasser", "hours_per_week": 38, "hourly_wage_eur": 14.5}]})
    candidate = Candidate.model_validate({
        "id": "K-0042", "home": {"postcode": "9000"}, "birth_date": "1968-04-01", "education": "low",
        "employment": {"status": "jobseeker", "jobseeker_since": "2023-01-09"}})
    store.upsert([employer, candidate])

    def invoke(*args):
        return CliRunner().invoke(main, ["--db", str(store.path), "instruments", *args], obj={})

    return invoke


CHECK = ["check", "--candidate", "K-0042", "--function", "brasserie-de-kaai/afwasser"]


def test_list_shows_codes_status_and_plugin(run):
    result = run("list", "--on", "2026-11-23")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[2:]}
    assert "current" in lines["BIS"] and "matchcore_plugins.bis" in lines["BIS"]
    assert "ended 2023-01-01 -> WES" in lines["BVS"]
    assert "ended 2018-09-01 -> BIS" in lines["BIO"]


def test_list_json_on_a_2018_date(run):
    rows = {r["code"]: r for r in json.loads(run("list", "--on", "2018-03-01", "--json").output)}
    assert rows["BIO"]["status"] == "current" and rows["BIS"]["status"] == "from 2018-09-01"
    assert rows["BIS"]["distribution"].startswith("matchcore ")


def test_show_lists_dated_parameters_with_sources(run):
    result = run("show", "flexijob", "--on", "2024-06-01")
    assert result.exit_code == 0, result.output
    assert "flexijob: flexijob  [matchcore_plugins.flexijob]" in result.output
    rate_lines = [line for line in result.output.splitlines() if line.startswith("employer_contribution_rate")]
    assert len(rate_lines) == 2
    assert rate_lines[1].split()[1:3] == ["2024-01-01", "0.28"] and rate_lines[1].rstrip().endswith("*")
    assert not rate_lines[0].rstrip().endswith("*")


def test_show_json_and_case_insensitive_code(run):
    doc = json.loads(run("show", "k-ibo", "--json").output)
    assert doc["code"] == "K-IBO" and doc["plugin"] == "matchcore_plugins.ibo"
    values = doc["parameters"]["premium_brackets"]["values"]
    assert values[0]["valid_from"] == "2018-09-01" and values[0]["unverified"] is False
    assert values[1]["source"].startswith("ibo-sodalis: ") and values[-1]["unverified"] is True


def test_show_unknown_code_is_one_clean_line(run):
    result = run("show", "BSI")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: No such instrument: 'BSI'; did you mean 'BIS'?"


def test_check_human_output_has_a_table_and_details(run):
    result = run(*CHECK, "--start", "2026-02-02", "--on", "2025-12-22", "--weeks", "12")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("K-0042 at brasserie-de-kaai/afwasser: start 02/02/2026 (rules of that date), asked on "
                          "22/12/2025, 12 weeks")
    assert "== BIS beroepsinlevingsstage: eligible yes ==" in out
    assert "12/01/2026: training plan in Dutch" in out and "[legal]" in out
    # the normal hire first, with its arithmetic: 14.50 x 38 x 52/12 = 2,387.67; x 25 % = 596.92
    assert "== normal: normal hire (no instrument) ==" in out
    assert "normal hire: 2,387.67 gross + 596.92 contributions (25.00%) = 2,984.59 EUR a month" in out
    assert "\n  feasibility: " in out and "\n  net cost a month: " in out
    # BVS ended on 2023-01-01, before --on: left out unless asked for
    assert "BVS" not in out
    every = run(*CHECK, "--start", "2026-02-02", "--on", "2025-12-22", "--all-instruments").output
    assert "x validity: BVS existed from 2017-01-01 until 2022-12-31" in every
    assert "== BVS beroepsverkennende stage: eligible no == (abolished)" in every


def test_check_brief_is_only_the_table(run):
    out = run(*CHECK, "--start", "2026-02-02", "--brief").output
    assert "==" not in out and out.count("\n") < 25


def test_check_json_follows_formats(run):
    result = run(*CHECK, "--start", "2026-02-02", "--on", "2025-12-22", "--json")
    data = json.loads(result.output)
    assert isinstance(data, list) and data[0]["code"] == "normal" and data[0]["kind"] == "baseline"
    codes = [r["code"] for r in data[1:]]
    assert codes == sorted(codes, key=str.casefold) and "BVS" not in codes     # abolished on 2023-01-01
    assert data[0]["net_cost_per_month_eur"] == 2984.59
    bis = next(r for r in data if r["code"] == "BIS")
    # allowance at the legal minimum: half the GGMMI of 2025-02-01, 2,111.89 / 2 (RULES-2026 item 1)
    assert bis["eligible"] is True and bis["employer_cost_per_month_eur"] == 1055.95
    assert bis["net_cost_per_month_eur"] == 1055.95 and bis["net_cost_basis"] == "complete"
    assert bis["feasibility"] in ("high", "medium", "low") and bis["feasibility_reason"]
    assert bis["duration"]["max_weeks"] == 26
    assert {"what": "training plan in Dutch (competences, training actions, duration) to VDAB for approval",
            "due": "2026-01-12"}.items() <= bis["steps"][1].items()


def test_check_on_a_2018_date_applies_the_bio_booster_sheet(run):
    data = json.loads(run(*CHECK, "--on", "2018-03-01", "--code", "BIO", "--code", "BIS", "--json").output)
    assert [r["code"] for r in data] == ["normal", "BIO", "BIS"]
    bio, bis = data[1:]
    assert bio["start"] == "2018-04-12"                      # --on + 42 days
    assert bio["eligible"] is True and bio["employer_cost_per_month_eur"] == 1165.30
    assert {u["parameter"] for u in bio["unverified"]} >= {"allowance_month_eur", "service_nonprofit_excl_vat_eur"}
    assert bis["eligible"] is False and "did not exist yet" in bis["reasons"][0]["text"]


def test_check_variant_option(run):
    data = json.loads(run(*CHECK, "--start", "2026-02-02", "--code", "BIS", "--variant", "bis=booster-partner",
                          "--json").output)
    assert data[1]["variant"] == "booster-partner"
    assert [v["selected"] for v in data[1]["variants"]] == [False, False, True]


@pytest.mark.parametrize("args, code, message", [
    (["--variant", "BIS"], 2, "expected CODE=VARIANT"),
    (["--variant", "BIS=cheap"], 1, "error: instrument BIS has no variant 'cheap'"),
    (["--variant", "BSI=direct"], 1, "error: No such instrument: 'BSI'; did you mean 'BIS'?"),
    (["--start", "2026-13-01"], 2, "'2026-13-01' does not match the format '%Y-%m-%d'"),
    (["--code", "nope"], 1, "error: No such instrument: 'nope'"),
])
def test_check_bad_options(run, args, code, message):
    result = run(*CHECK, *args)
    assert result.exit_code == code
    assert message in result.output + result.stderr


def test_check_unknown_candidate(run):
    result = run("check", "--candidate", "K-9999", "--function", "brasserie-de-kaai/afwasser")
    assert result.exit_code == 1 and "No such candidate: 'K-9999'" in result.stderr
