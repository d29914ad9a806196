"""Job carving: hour arithmetic, selection reasons, bundling, positions, job quality, business
case, candidates and determinism."""
from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from matchcore.carving.carve import (
    DEFAULT_CARVED_HOURLY_COST_EUR,
    WEEKS_PER_YEAR,
    CarveOptions,
    CarvingError,
    carve,
    competence_keys,
    positions,
    select_tasks,
    task_graph,
    time_compatibility,
)
from matchcore.carving.results import ProfileCompetence
from matchcore.cli.root import emit_json
from matchcore.model import Candidate, Scan, Task, task_hours_per_week
from matchcore.vocabulary import Vocabulary

from .carving_data import (
    port_employer,
    port_scan,
    port_scan_dict,
    synthetic_scan,
    two_cluster_scan,
)

ROOT = Path(__file__).resolve().parent.parent


def scan_of(tasks: list[dict], *, full_time_hours: float = 38, shifts_per_day: int = 1, **extra) -> Scan:
    roles = sorted({t["role"] for t in tasks})
    return Scan.model_validate({
        "kind": "scan", "id": "s", "employer": "e", "date": "2025-01-01",
        "full_time_hours": full_time_hours, "shifts_per_day": shifts_per_day,
        "roles": [{"id": r, "title": r.capitalize(), "hourly_cost_eur": 40} for r in roles],
        "tasks": tasks, **extra})


def task(id, hours, *, role="arbeider", competences=("afval sorteren",), zone="loods", **kw) -> dict:
    return {"id": id, "description": f"Taak {id}", "role": role, "hours_per_week": hours,
            "competences": list(competences), "zone": zone, **kw}


# --- hour arithmetic ---------------------------------------------------------------------------

@pytest.mark.parametrize("volume, shifts_per_day, hours", [
    ({"frequency": {"times": 6, "per": "day"}, "minutes": 25}, 1, 12.5),          # 6 x 25 min x 5 days
    ({"frequency": {"times": 4, "per": "shift"}, "minutes": 20}, 2, 13 + 1 / 3),  # 4 x 20 x 5 x 2 shifts
    ({"frequency": {"times": 4, "per": "shift"}, "minutes": 20}, 1, 6 + 2 / 3),
    ({"frequency": {"times": 2, "per": "day"}, "minutes": 30, "days_per_week": 6}, 1, 6.0),
    ({"frequency": {"times": 3, "per": "week"}, "minutes": 40}, 1, 2.0),
    ({"frequency": {"times": 13, "per": "month"}, "minutes": 60}, 1, 3.0),         # a month is 52/12 weeks
    ({"frequency": {"times": 52, "per": "year"}, "minutes": 90}, 1, 1.5),
    ({"hours_per_week": 24}, 3, 24.0),                                             # given directly
])
def test_hours_per_week_from_frequency_minutes_and_days(volume, shifts_per_day, hours):
    t = Task.model_validate({"id": "t1", "description": "x", "role": "r", **volume})
    assert task_hours_per_week(t, shifts_per_day) == pytest.approx(hours)
    scan = scan_of([{"id": "t1", "description": "x", "role": "r", **volume}], shifts_per_day=shifts_per_day,
                   extra={"carving": {"min_hours": 0}})
    result = carve(scan)
    assert result.functions[0].hours_per_week == pytest.approx(hours, abs=0.005)


@pytest.mark.parametrize("hours, equal, full_time_first", [
    # the port of seed 001 (114.08 h of tasks -> "3 nieuwe voltijdse functies")
    (114.08, [38, 38, 38], [38, 38, 38]),
    (114, [38, 38, 38], [38, 38, 38]),
    (113.75, [38, 38, 38], [38, 38, 38]),              # 0.25 h below 3 jobs: still full time
    (100, [33.33, 33.33, 33.33], [38, 38, 24]),      # rest 24 h reaches the minimum (12.67 h)
    (80, [26.67, 26.67, 26.67], [26.67, 26.67, 26.67]),  # rest 4 h below the minimum: equal
    (50.83, [25.42, 25.42], [38, 12.83]),             # the case: even parts by default
    (40.83, [20.42, 20.42], [20.42, 20.42]),          # rest 2.83 h below the minimum
    (77.67, [38, 38], [38, 38]),                      # 1.67 h (4.4 %) within the margin
    (115.5, [38, 38, 38], [38, 38, 38]),               # within 5 % above whole jobs: full time
    (116.5, [29.13] * 4, [29.13] * 4),                # beyond it: one more; rest 2.5 h < minimum
    (38, [38], [38]),
    (20, [20], [20]),
    (0, [], []),
])
def test_positions_for_large_volumes(hours, equal, full_time_first):
    assert positions(hours, 38, 38 / 3) == pytest.approx(equal)
    assert positions(hours, 38, 38 / 3, "full_time_first") == pytest.approx(full_time_first)


@pytest.mark.parametrize("split", ["equal", "full_time_first"])
def test_positions_are_never_above_full_time_nor_below_the_minimum(split):
    for tenths in range(127, 4000, 7):
        hours = tenths / 10
        pos = positions(hours, 38, 38 / 3, split)
        assert max(pos) <= 38 and min(pos) >= 38 / 3 - 0.01, (hours, pos)
        if split == "equal":
            assert len(set(pos)) == 1, (hours, pos)
        # what the positions do not hold is at most 5 % of a full-time job (the estimate's margin)
        assert abs(hours - sum(pos)) <= 0.05 * 38 + 0.005 * len(pos) + 1e-9, (hours, pos)


def test_the_excess_within_the_margin_is_reported():
    from matchcore.carving.bundles import beyond_positions
    pos = positions(114.08, 38, 38 / 3)
    assert beyond_positions(114.08, pos) == pytest.approx(0.08)
    assert beyond_positions(100, positions(100, 38, 38 / 3)) == 0.0


# --- selection -----------------------------------------------------------------------------------

def test_every_task_not_carved_says_why():
    result = carve(port_scan())
    reasons = {r.task: r.reasons for r in result.not_carved}
    assert reasons["t10"] == ["core task of role dokwerker", "complexity 3 above threshold 2"]
    assert reasons["t11"] == ["core task of role kraanman", "complexity 5 above threshold 2",
                              "safety-critical (carve it only with --allow-safety-critical)"]
    assert reasons["t13"] == ["safety-critical (carve it only with --allow-safety-critical)"]
    assert reasons["t14"] == ["core task of role ploegbaas", "complexity 4 above threshold 2"]
    # t15 (coffee machine, 1.67 h) is below the minimum and links to nothing: it joins the function
    # at compatible times (bundles.SMALL_SHARE) instead of being dropped (issue 15)
    assert "t15" not in reasons and "t15" in result.functions[0].tasks
    row = next(r for r in result.not_carved if r.task == "t10")
    assert row.reason == "core task of role dokwerker; complexity 3 above threshold 2"
    assert row.reason_nl == "kerntaak van de dokwerker; complexiteit 3 hoger dan de drempel 2"
    assert row.codes == ["core", "complexity"] and row.stage == "selection"


def test_each_task_is_carved_or_explained_exactly_once():
    for scan in (port_scan(), two_cluster_scan(), synthetic_scan(200)):
        result = carve(scan)
        carved = [t for f in result.functions for t in f.tasks]
        explained = [r.task for r in result.not_carved]
        assert sorted(carved + explained) == sorted(t.id for t in scan.tasks)
        assert all(r.reason for r in result.not_carved)


def test_options_steer_the_selection():
    scan = port_scan()
    opts = CarveOptions(exclude_roles=("heftruckchauffeur",), exclude_zones=("Terrein",),
                        allow_safety_critical=True, max_complexity=3)
    carvable, not_carved = select_tasks(scan, opts.resolved(scan))
    reasons = {r.task: r.reasons for r in not_carved}
    assert reasons["t04"] == ["role heftruckchauffeur excluded (--exclude-role)"]
    assert reasons["t09"] == ["zone terrein excluded (--exclude-zone)"]
    ids = [t.id for t in carvable]
    assert "t13" in ids and "t12" in ids            # safety-critical allowed, complexity 3 allowed
    assert "t10" in reasons and "t11" in reasons    # core stays core


def test_bad_options_are_named_with_what_was_expected():
    scan = port_scan()
    with pytest.raises(CarvingError, match=r"The 'max_complexity' parameter of carve must be a whole "
                                           r"number from 1 to 5\. Got 7 instead\."):
        carve(scan, options=CarveOptions(max_complexity=7))
    with pytest.raises(CarvingError, match="'exclude_roles' parameter .* Got 'kraanmen' instead"):
        carve(scan, options=CarveOptions(exclude_roles=("kraanmen",)))
    with pytest.raises(CarvingError, match="min_hours"):
        carve(scan, options=CarveOptions(min_hours=60))
    stored = port_scan_dict() | {"extra": {"carving": {"max_complexty": 3}}}
    with pytest.raises(CarvingError, match="extra.carving.max_complexty is not a carving option; "
                                           "did you mean 'max_complexity'"):
        carve(Scan.model_validate(stored))


def test_options_stored_with_the_scan_apply_and_cli_overrides_win():
    stored = Scan.model_validate(port_scan_dict() | {"extra": {"carving": {"max_complexity": 3, "weeks_per_year": 44}}})
    assert CarveOptions.for_scan(stored).max_complexity == 3
    assert CarveOptions.for_scan(stored, max_complexity=1, weeks_per_year=None).max_complexity == 1
    assert carve(stored).options.weeks_per_year == 44
    one = Scan.model_validate(port_scan_dict() | {"extra": {"carving": {"exclude_roles": "kraanman"}}})
    assert CarveOptions.for_scan(one).exclude_roles == ("kraanman",)


# --- graph and bundling --------------------------------------------------------------------------

def test_time_windows_that_never_share_a_shift_do_not_link():
    assert time_compatibility("morning", "morning") == 1
    assert time_compatibility("morning", "night") == 0
    assert time_compatibility("night", "morning") == 0
    assert 0 < time_compatibility("continuous", "afternoon") < 1


def test_task_graph_links_shared_competences_and_zones_only():
    scan = two_cluster_scan(shared_generic=False)
    carvable, _ = select_tasks(scan, CarveOptions().resolved(scan))
    graph = task_graph(carvable)
    ids = {n: d["task"] for n, d in graph.nodes(data=True)}
    assert sorted(ids.values()) == sorted(t.id for t in carvable)
    for a, b in graph.edges:
        assert ids[a][0] == ids[b][0]  # k-k or g-g, never kitchen to garden


@pytest.mark.parametrize("shared_generic", [False, True])
def test_coherent_clusters_stay_apart(shared_generic):
    result = carve(two_cluster_scan(shared_generic=shared_generic))
    bundles = sorted(sorted(f.tasks) for f in result.functions)
    assert bundles == [["g0", "g1", "g2", "g3"], ["k0", "k1", "k2", "k3"]]
    titles = sorted(f.title for f in result.functions)
    assert titles == ["Medewerker afwassen (keuken)", "Medewerker gras maaien (park)"]


def test_too_few_hours_gives_no_function():
    scan = scan_of([task("t1", 3), task("t2", 4), task("t3", 2.5)])
    result = carve(scan)
    assert result.functions == []
    assert {r.task for r in result.not_carved} == {"t1", "t2", "t3"}
    row = result.not_carved[0]
    assert row.codes == ["too_few_hours"] and row.stage == "bundling"
    assert "9.50 h/week together, below the minimum of 12.67 h/week" in row.reason
    # the same tasks make a function once the minimum is lowered
    assert len(carve(scan, options=CarveOptions(min_hours=8)).functions) == 1


def test_large_volume_gives_several_positions_of_one_function():
    scan = scan_of([task(f"t{i}", h) for i, h in enumerate([30, 24, 20, 20, 20], start=1)])
    (fn,) = carve(scan).functions
    assert fn.hours_per_week == 114.0 and fn.fte == 3.0
    assert fn.positions == 3 and fn.position_hours == [38.0, 38.0, 38.0]


def test_the_port_example_gives_three_full_time_positions():
    result = carve(port_scan())
    assert result.totals.positions == 3
    (fn,) = result.functions
    assert fn.title.startswith("Medewerker afval sorteren")
    assert set(fn.roles) == {"dokwerker", "heftruckchauffeur"}
    assert fn.competences[0] == "afval sorteren" and fn.profile[0].required is True
    assert fn.max_complexity == 1


def test_a_small_compatible_bundle_is_merged_not_dropped():
    tasks = [task(f"k{i}", 8, competences=["afwassen", "keuken reinigen"], zone="keuken") for i in range(3)]
    tasks.append(task("x", 2, competences=["keuken reinigen", "vaatwasser bedienen"], zone="keuken",
                      when="afternoon"))
    (fn,) = carve(scan_of(tasks)).functions
    assert "x" in fn.tasks and fn.hours_per_week == 26


def test_night_tasks_do_not_join_morning_tasks():
    tasks = [task(f"m{i}", 8, when="morning") for i in range(3)] + \
            [task(f"n{i}", 8, when="night") for i in range(3)]
    result = carve(scan_of(tasks))
    assert sorted(sorted(f.tasks) for f in result.functions) == [["m0", "m1", "m2"], ["n0", "n1", "n2"]]


def test_titles_given_with_the_scan_name_the_function():
    doc = port_scan_dict() | {"extra": {"carving": {"titles": {"t03": "Onderhoudsmedewerker bedrijfsterreinen"}}}}
    (fn,) = carve(Scan.model_validate(doc)).functions
    assert fn.title == "Onderhoudsmedewerker bedrijfsterreinen" and fn.title_source == "scan"
    assert fn.description.startswith("Onderhoudsmedewerker bedrijfsterreinen neemt eenvoudige taken over")
    bad = port_scan_dict() | {"extra": {"carving": {"titles": {"t99": "x"}}}}
    with pytest.raises(CarvingError, match="the title for 't99' names neither a task"):
        carve(Scan.model_validate(bad))


def test_a_function_without_a_majority_competence_still_requires_its_main_one():
    tasks = [task("a", 6, competences=["instructies opvolgen", "afwassen"], zone="keuken"),
             task("b", 5, competences=["instructies opvolgen", "tafels dekken"], zone="keuken"),
             task("c", 4, competences=["instructies opvolgen", "vegen"], zone="keuken")]
    (fn,) = carve(scan_of(tasks)).functions
    required = [c.name for c in fn.profile if c.required]
    assert required == ["instructies opvolgen"]  # all the hours: a majority after all
    tasks = [task("a", 6, competences=["afwassen"], zone="keuken"),
             task("b", 5, competences=["tafels dekken"], zone="keuken"),
             task("c", 4, competences=["vegen"], zone="keuken")]
    (fn,) = carve(scan_of(tasks)).functions
    assert [c.name for c in fn.profile if c.required] == ["afwassen"]


def test_function_description_lists_tasks_place_time_and_competences():
    (fn,) = carve(port_scan()).functions
    text = fn.description
    assert "Verpakkingsmateriaal op de kaai verzamelen en sorteren (20 u/week; kaai, doorlopend)" in text
    assert "dokwerker (101,67 u/week), heftruckchauffeur (13,75 u/week)" in text
    assert "3 functies: 3 × 38 uur (voltijds)" in text  # 113.75 h: within 5 % of 3 full-time jobs
    assert "Vereiste competenties: afval sorteren." in text


# --- competences compared by concept ------------------------------------------------------------

def forklift_scan(second: str = "vorkheftruck besturen") -> Scan:
    """Two forklift tasks worded differently (different zones, no shared word) and two unrelated
    tasks; each task alone is below the minimum hours (12.67 h), so only linked tasks make a
    function."""
    return scan_of([
        {"id": "t1", "description": "Paletten verplaatsen", "role": "magazijnier", "hours_per_week": 10,
         "competences": ["heftruck rijden"], "zone": "loods"},
        {"id": "t2", "description": "Goederen wegzetten", "role": "magazijnier", "hours_per_week": 8,
         "competences": [second], "zone": "magazijn"},
        {"id": "t3", "description": "Bloemen water geven", "role": "onthaal", "hours_per_week": 10,
         "competences": ["planten water geven"], "zone": "serre"},
        {"id": "t4", "description": "Brieven ronddragen", "role": "onthaal", "hours_per_week": 8,
         "competences": ["interne post rondbrengen"], "zone": "kantoor"},
    ])


def test_competences_are_keyed_by_their_vocabulary_concept():
    scan = scan_of([task("a", 5, competences=["vloeren schoonmaken", "Vorkheftruck besturen"]),
                    task("b", 5, competences=["vloeren reinigen", "heftruck rijden", "Klompen Poetsen!"])])
    keys = competence_keys(scan.tasks)   # no store: the bundled starter vocabulary
    assert keys["vloeren schoonmaken"] == keys["vloeren reinigen"] == "vloeren-reinigen"
    assert keys["Vorkheftruck besturen"] == keys["heftruck rijden"] == "heftruck-besturen"
    assert keys["Klompen Poetsen!"] == "free:klompen poetsen"   # unresolved: its folded text


def test_synonym_competences_link_tasks_and_unrelated_ones_do_not():
    scan = forklift_scan()
    carvable, _ = select_tasks(scan, CarveOptions().resolved(scan))
    graph = task_graph(carvable)
    edges = {tuple(sorted((graph.nodes[a]["task"], graph.nodes[b]["task"]))): w
             for a, b, w in graph.edges(data="weight")}
    # different strings, one concept: a full competence link (0.5), nothing else in common
    assert edges == {("t1", "t2"): pytest.approx(0.5)}
    result = carve(scan)
    (fn,) = result.functions
    assert fn.tasks == ["t1", "t2"] and fn.hours_per_week == 18
    # one concept, one profile row, in the tasks' own wording with most hours
    assert fn.profile == [ProfileCompetence(name="heftruck rijden", level=1, weight=3.0, required=True)]
    assert fn.quality.variety.competences == 1
    assert [r.task for r in result.not_carved] == ["t3", "t4"]
    assert {c for r in result.not_carved for c in r.codes} == {"too_few_hours"}


def test_a_competence_every_task_needs_weighs_little_whatever_its_wording(monkeypatch):
    # IDF by concept: "veilig werken" and "veiligheidsvoorschriften naleven" are one concept that
    # every task needs, so it weighs log(2) whether the scan words it one way or two
    monkeypatch.setattr("matchcore.carving.graph.WORD_WEIGHT", 0.0)   # competences and zones only

    def link(wordings: list[str]) -> float:
        tasks = [task(f"{c}{i}", 5, competences=[specific, wordings[i % 2]], zone=zone)
                 for c, specific, zone in (("k", "afwassen", "keuken"), ("g", "gras maaien", "park"))
                 for i in range(4)]
        graph = task_graph(select_tasks(scan_of(tasks), CarveOptions())[0])
        ids = {d["task"]: n for n, d in graph.nodes(data=True)}
        return graph.edges[ids["k1"], ids["g1"]]["weight"]

    expected = 0.5 * math.log(2) / (2 * math.log(3) + math.log(2))
    assert link(["veilig werken", "veilig werken"]) == pytest.approx(expected)
    assert link(["veiligheidsvoorschriften naleven", "veilig werken"]) == pytest.approx(expected)


def test_with_a_store_coach_aliases_link_competences_too(store):
    scan = forklift_scan(second="clark besturen")   # not in the starter vocabulary
    assert carve(scan, store=store, candidates=False).functions == []
    Vocabulary(store).fit().add_alias("heftruck-besturen", "clark besturen")
    (fn,) = carve(scan, store=store, candidates=False).functions
    assert fn.tasks == ["t1", "t2"]
    assert carve(scan, candidates=False).functions == []   # without the store: no alias


# --- job quality ---------------------------------------------------------------------------------

def test_a_function_of_only_heavy_dirty_leftovers_is_flagged():
    dirty = [task(f"a{i}", 6, competences=["afval sorteren", "containers ledigen"], zone="afvalhoek",
                  strain=["heavy", "dirty"]) for i in range(3)]
    clean = [task(f"b{i}", 6, competences=["labelen", "scannen"], zone="magazijn") for i in range(3)]
    clean.append(task("b9", 3, competences=["afval sorteren", "labelen"], zone="afvalhoek"))
    result = carve(scan_of(dirty + clean))
    by_first = {f.tasks[0][0]: f for f in result.functions}
    flagged = by_first["a"].quality
    assert flagged.flagged and flagged.codes[0] == "leftovers"
    assert flagged.flags[0].startswith("only heavy, dirty or isolated work")
    assert flagged.flags_nl[0].startswith("enkel zwaar, vuil of geïsoleerd werk")
    for extra in flagged.suggested_additions:
        assert extra.task.startswith("b")
    assert not by_first["b"].quality.flagged


def test_isolated_and_single_task_functions_are_flagged():
    (fn,) = carve(scan_of([task("t1", 20, strain=["isolated"])])).functions
    assert fn.quality.codes == ["leftovers", "isolated", "little_variety"]


# --- business case -------------------------------------------------------------------------------

def test_business_case_values_freed_hours_at_the_roles_cost():
    result = carve(port_scan())
    (fn,) = result.functions
    case = fn.business_case
    hours = fn.freed_hours_per_week
    # 100 h + t15's 1.67 h (20 min a day, 5 days), which joins the function (bundles.SMALL_SHARE)
    assert hours == {"dokwerker": 101.67, "heftruckchauffeur": 13.75}
    freed = (100 + 100 / 60) * 42 + 13.75 * 38
    assert case.freed_cost_per_week_eur == pytest.approx(freed, abs=0.01)
    assert case.carved_hourly_cost_eur == DEFAULT_CARVED_HOURLY_COST_EUR
    assert result.options.carved_hourly_cost_source == "default"
    saving = freed - (113.75 + 100 / 60) * DEFAULT_CARVED_HOURLY_COST_EUR
    assert case.saving_per_week_eur == pytest.approx(saving, abs=0.01)
    assert fn.yearly_saving_eur == pytest.approx(saving * WEEKS_PER_YEAR, abs=0.5)
    assert result.totals.yearly_saving_eur == fn.yearly_saving_eur


def test_carved_cost_comes_from_option_then_scan_then_default():
    scan = Scan.model_validate(port_scan_dict() | {"carved_hourly_cost_eur": 30})
    assert carve(scan).functions[0].business_case.carved_hourly_cost_eur == 30
    result = carve(scan, options=CarveOptions(carved_hourly_cost_eur=45, weeks_per_year=40))
    case = result.functions[0].business_case
    assert case.carved_hourly_cost_eur == 45 and result.options.carved_hourly_cost_source == "option"
    assert case.yearly_saving_eur == pytest.approx(case.saving_per_week_eur * 40, abs=0.01)
    assert case.yearly_saving_eur < 0  # dearer than the freed hours: a cost, shown negative


def test_roles_without_hourly_cost_are_noted():
    doc = port_scan_dict()
    doc["roles"][1].pop("hourly_cost_eur")
    case = carve(Scan.model_validate(doc)).functions[0].business_case
    assert any("heftruckchauffeur has no hourly_cost_eur" in n for n in case.notes)


# --- candidates -----------------------------------------------------------------------------------

def test_candidates_come_from_the_matching_engine(store):
    fits = Candidate.model_validate({
        "kind": "candidate", "id": "K-9001", "home": {"postcode": "2030"}, "max_commute_km": 25,
        "hours_per_week": 38, "competences": [{"name": "afval sorteren", "level": 2},
                                              {"name": "veegmachine bedienen", "level": 2}]})
    store.upsert([port_employer(), port_scan(), fits])
    result = carve(store.scan("haven-test"), store=store)
    assert result.candidates_status == "ranked"
    (fn,) = result.functions
    assert [c.candidate for c in fn.candidates] == ["K-9001"]
    assert 0 < fn.candidates[0].score <= 1 and fn.candidates[0].missing_required == []
    codes = [i["code"] for i in fn.candidates[0].instruments]
    assert codes and all(set(i) >= {"code", "eligible", "employer_cost_per_month_eur"}
                         for i in fn.candidates[0].instruments)
    assert carve(store.scan("haven-test"), store=store, candidates=False).candidates_status == "not_requested"


# --- determinism and the bundled scans --------------------------------------------------------------

def test_same_input_same_output_whatever_the_task_order():
    scan = synthetic_scan(300, seed=3)
    first = carve(scan)
    assert carve(scan) == first
    shuffled = list(scan.tasks)
    random.Random(1).shuffle(shuffled)
    assert carve(scan.model_copy(update={"tasks": shuffled})) == first


def test_same_output_under_another_python_hash_seed(capsys):
    code = ("from tests.carving_data import synthetic_scan; from matchcore.carving.carve import carve; "
            "from matchcore.cli.root import emit_json; emit_json(carve(synthetic_scan(300, seed=3)))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    emit_json(carve(synthetic_scan(300, seed=3)))
    assert out == capsys.readouterr().out


def test_the_bundled_scans_carve_into_functions(bundled_store):
    ids = bundled_store.ids("scan")
    if "haven-2025-03" not in ids:
        pytest.skip("bundled scans not present")
    for scan_id in ids:
        result = carve(bundled_store.scan(scan_id), store=bundled_store, candidates=False)
        assert result.functions, scan_id
        for fn in result.functions:
            assert fn.hours_per_week >= result.options.min_hours - 0.01
    port = carve(bundled_store.scan("haven-2025-03"), candidates=False)
    assert port.totals.positions == 3


def test_the_json_lists_suggestions_only_for_flagged_functions_and_instruments_only_with_an_employer(store, capsys):
    dirty = [task(f"a{i}", 6, competences=["afval sorteren", "containers ledigen"], zone="afvalhoek",
                  strain=["heavy", "dirty"]) for i in range(3)]
    clean = [task(f"b{i}", 6, competences=["labelen", "scannen"], zone="magazijn") for i in range(3)]
    emit_json(carve(scan_of(dirty + clean)))
    doc = json.loads(capsys.readouterr().out)
    assert [("suggested_additions" in f["quality"], f["quality"]["flagged"]) for f in doc["functions"]] \
        in ([(True, True), (False, False)], [(False, False), (True, True)])
    assert list(doc) == ["scan", "employer", "employer_name", "date", "consultant", "options",
                         "candidates_status", "functions", "not_carved", "totals", "notes", "warnings", "gains", "next_steps"]
    assert list(doc["options"])[-1] == "carved_hourly_cost_source" and doc["date"] == "2025-01-01"
    fits = Candidate.model_validate({
        "kind": "candidate", "id": "K-9001", "home": {"postcode": "2030"}, "max_commute_km": 25,
        "hours_per_week": 18, "competences": [{"name": "afval sorteren", "level": 2}]})
    store.upsert([fits])
    emit_json(carve(scan_of(dirty), store=store))   # employer "e" of the scan is not in the store
    (fn,) = json.loads(capsys.readouterr().out)["functions"]
    assert fn["candidates"] and "instruments" not in fn["candidates"][0]
