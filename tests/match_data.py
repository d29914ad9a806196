"""Builders for the matching tests: small employers and candidates, and the small vocabulary."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from matchcore.model import Candidate, Employer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL_VOCAB = FIXTURES / "vocab_small.yaml"
ESCO_SMALL = FIXTURES / "esco_small" / "en"


@pytest.fixture
def small_vocab(monkeypatch):
    """Use tests/fixtures/vocab_small.yaml as the starter vocabulary."""
    monkeypatch.setattr("matchcore.vocabulary.concepts.STARTER_PATH", SMALL_VOCAB)
    return SMALL_VOCAB


def comp(name, level=1, *, required=False, weight=1.0):
    return {"name": name, "level": level, "required": required, "weight": weight}


def function(fid, competences, *, title=None, hours=20, shifts=("evening",), openings=1,
             visible=True, conditions=None):
    return {"id": fid, "title": title or fid.capitalize(), "hours_per_week": hours,
            "shifts": list(shifts), "openings": openings, "visible": visible,
            "competences": list(competences), "conditions": conditions or {}}


def employer(eid, functions, *, postcode="9000", sector="horeca"):
    return Employer.model_validate({"id": eid, "name": eid.title(), "sector": sector,
                                    "location": {"postcode": postcode}, "functions": list(functions)})


def candidate(cid, competences, *, postcode="9000", max_commute_km=None, transport=(), hours=None,
              shifts=(), dutch=None, licences=(), limits=None, targets=()):
    return Candidate.model_validate({
        "id": cid, "home": {"postcode": postcode}, "max_commute_km": max_commute_km,
        "transport": list(transport), "hours_per_week": hours, "shifts": list(shifts),
        "dutch_level": dutch, "driving_licences": list(licences), "limits": limits or {},
        "job_targets": list(targets),
        "competences": [{"name": n, "level": lv} for n, lv in competences]})


KITCHEN = [comp("afwassen", 2, required=True), comp("HACCP-regels toepassen", 1, required=True),
           comp("keuken reinigen", 1, weight=2.0), comp("samenwerken", 1)]

NAMES = ["heftruck besturen", "afwassen", "keuken reinigen", "HACCP-regels toepassen",
         "op tijd komen", "samenwerken", "orderpicken", "pallets stapelen", "koken",
         "gras maaien", "ramen wassen", "kassa bedienen", "bloemschikken", "dozen plooien"]
POSTCODES = ["9000", "9050", "2000", "8500", "3500", "1000", "9100", "2800"]
SHIFT_SETS = [[], ["day"], ["day", "evening"], ["early", "late"], ["evening", "weekend"],
              ["night"], ["day", "early", "late", "evening", "night", "weekend"]]


def random_world(seed: int, n_employers: int = 6, n_candidates: int = 25):
    """Random employers and candidates covering every constraint."""
    rng = random.Random(seed)
    employers = []
    for e in range(n_employers):
        funcs = []
        for j in range(rng.randint(1, 4)):
            names = rng.sample(NAMES, rng.randint(1, 6))
            funcs.append(function(
                f"f{j}", [comp(n, rng.randint(1, 4), required=rng.random() < 0.4,
                               weight=rng.choice([1.0, 1.5, 2.0])) for n in names],
                hours=rng.choice([16, 20, 24, 30, 38]), shifts=rng.choice(SHIFT_SETS),
                openings=rng.randint(0, 2), visible=rng.random() < 0.5,
                conditions={"driving_licence": rng.choice([None, None, "B", "C"]),
                            "dutch_level": rng.choice([None, "A1", "A2", "B1", "B2"]),
                            "max_lift_kg": rng.choice([None, 10, 20, 30]),
                            "standing": rng.choice([None, True, False]),
                            "own_transport": rng.choice([None, None, True])}))
        employers.append(employer(f"emp{e}", funcs, postcode=rng.choice(POSTCODES),
                                  sector=rng.choice(["horeca", "logistiek", "schoonmaak"])))
    candidates = []
    for i in range(n_candidates):
        names = rng.sample(NAMES + ["heftruk besturen", "afwas doen", "pannenkoeken bakken"],
                           rng.randint(0, 6))
        candidates.append(candidate(
            f"K-{i:03d}", [(n, rng.randint(1, 4)) for n in names], postcode=rng.choice(POSTCODES),
            max_commute_km=rng.choice([None, 5, 20, 60]),
            transport=rng.sample(["walk", "bike", "public_transport", "car", "moped"], rng.randint(0, 2)),
            hours=rng.choice([None, 20, 24, 38]), shifts=rng.choice(SHIFT_SETS),
            dutch=rng.choice([None, "A1", "A2", "B1", "C1"]),
            licences=rng.choice([[], ["B"], ["C"], ["AM"]]),
            limits={"max_lift_kg": rng.choice([None, 10, 25]),
                    "standing": rng.choice([None, False]),
                    "night_work": rng.choice([None, False, True])},
            targets=rng.sample(["afwasser", "magazijnier", "schoonmaker"], rng.randint(0, 1))))
    return employers, candidates
