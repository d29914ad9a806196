"""Quick Scans written for the carving tests (independent of the bundled scans/ files)."""
from __future__ import annotations

import datetime as dt
import random

from matchcore.model import Employer, Scan

PORT_EMPLOYER = {
    "kind": "employer", "id": "haven-test", "name": "Havenbedrijf Test", "sector": "haven",
    "location": {"postcode": "2030"},
}


def _t(id, description, role, *, competences, zone, when="continuous", complexity=1, core=False,
       safety_critical=False, strain=(), **volume):
    return {"id": id, "description": description, "role": role, "competences": list(competences),
            "zone": zone, "when": when, "complexity": complexity, "core": core,
            "safety_critical": safety_critical, "strain": list(strain), **volume}


def port_scan_dict() -> dict:
    """Seed 001's port: dockworkers lose ~114 h a week to packaging waste and site upkeep."""
    sort = "afval sorteren"
    safe = "veiligheidsvoorschriften naleven"
    tasks = [
        _t("t01", "Verpakkingsmateriaal op de kaai verzamelen en sorteren", "dokwerker",
           competences=[sort, safe], zone="kaai", frequency={"times": 10, "per": "day"}, minutes=24,
           strain=["outdoor", "dirty"]),
        _t("t02", "Houten klossen en stuwhout van de kaai verzamelen", "dokwerker",
           competences=[sort, "stuwhout stapelen", safe], zone="kaai", hours_per_week=15,
           strain=["heavy", "outdoor"]),
        _t("t03", "Folie en karton in de loodsen in de juiste containers sorteren", "dokwerker",
           competences=[sort, "instructies opvolgen"], zone="loods",
           frequency={"times": 6, "per": "day"}, minutes=40),
        _t("t04", "Balenpers bedienen voor folie en karton", "heftruckchauffeur",
           competences=["balenpers bedienen", sort], zone="loods",
           frequency={"times": 3, "per": "day"}, minutes=40, strain=["noisy"]),
        _t("t05", "Loodsvloeren vegen met de veegmachine", "dokwerker",
           competences=["veegmachine bedienen", "instructies opvolgen"], zone="loods", hours_per_week=16),
        _t("t06", "Kaaien veegklaar maken na het lossen", "dokwerker",
           competences=["veegmachine bedienen", sort], zone="kaai",
           frequency={"times": 2, "per": "day"}, minutes=60, strain=["outdoor"]),
        _t("t07", "Volle containers klaarzetten voor ophaling", "heftruckchauffeur",
           competences=["elektrische transpallet bedienen", sort], zone="loods",
           frequency={"times": 1, "per": "day"}, minutes=45),
        _t("t08", "Groenstroken langs het terrein onderhouden", "dokwerker",
           competences=["groen onderhouden", sort], zone="terrein", when="morning",
           frequency={"times": 1, "per": "week"}, minutes=240, strain=["outdoor"]),
        _t("t09", "Zwerfvuil en afval op het terrein opruimen", "dokwerker",
           competences=[sort, safe], zone="terrein", hours_per_week=15, strain=["outdoor", "dirty"]),
        _t("t10", "Schepen laden en lossen", "dokwerker", competences=["lading behandelen", safe],
           zone="kaai", complexity=3, core=True, hours_per_week=900),
        _t("t11", "Portaalkraan bedienen", "kraanman", competences=["kraan bedienen", safe],
           zone="kaai", complexity=5, core=True, safety_critical=True, hours_per_week=240),
        _t("t12", "Etiketten gevaarlijke goederen controleren", "dokwerker",
           competences=["ADR-regels toepassen", safe], zone="loods", complexity=3,
           safety_critical=True, hours_per_week=6),
        _t("t13", "Containers sjorren en ontsjorren", "dokwerker", competences=["sjorren", safe],
           zone="kaai", complexity=2, safety_critical=True, hours_per_week=40),
        _t("t14", "Ploegplanning opmaken", "ploegbaas", competences=["plannen"], zone="kantoor",
           complexity=4, core=True, hours_per_week=20),
        _t("t15", "Koffieautomaat in de kantine bijvullen", "dokwerker", competences=["koffieautomaat bijvullen"],
           zone="kantine", frequency={"times": 1, "per": "day"}, minutes=20),
    ]
    return {
        "kind": "scan", "id": "haven-test", "employer": "haven-test", "date": "2025-03-12",
        "consultant": "Jan De Smet", "full_time_hours": 38,
        "roles": [
            {"id": "dokwerker", "title": "Dokwerker", "hourly_cost_eur": 42, "headcount": 60},
            {"id": "heftruckchauffeur", "title": "Heftruckchauffeur", "hourly_cost_eur": 38, "headcount": 12},
            {"id": "kraanman", "title": "Kraanman", "hourly_cost_eur": 48, "headcount": 8},
            {"id": "ploegbaas", "title": "Ploegbaas", "hourly_cost_eur": 52, "headcount": 6},
        ],
        "tasks": tasks,
    }


def port_scan() -> Scan:
    return Scan.model_validate(port_scan_dict())


def port_employer() -> Employer:
    return Employer.model_validate(PORT_EMPLOYER)


def two_cluster_scan(*, hours_each: float = 20.0, shared_generic: bool = True) -> Scan:
    """A kitchen cluster and an outdoor cluster that have nothing but a generic competence in common."""
    generic = ["instructies opvolgen"] if shared_generic else []
    tasks = []
    for i in range(4):
        tasks.append(_t(f"k{i}", f"Keukentaak {i}", "kok", competences=["afwassen", "keuken reinigen", *generic],
                        zone="keuken", hours_per_week=hours_each / 4))
        tasks.append(_t(f"g{i}", f"Groentaak {i}", "tuinman", competences=["gras maaien", "haag snoeien", *generic],
                        zone="park", hours_per_week=hours_each / 4, strain=["outdoor"]))
    tasks.append(_t("x1", "Vergaderzaal klaarzetten", "kok", competences=["instructies opvolgen", "plannen"],
                    zone="kantoor", complexity=4, hours_per_week=3))
    return Scan.model_validate({
        "kind": "scan", "id": "two", "employer": "e", "date": "2025-01-01",
        "roles": [{"id": "kok", "title": "Kok", "hourly_cost_eur": 35},
                  {"id": "tuinman", "title": "Tuinman", "hourly_cost_eur": 30}],
        "tasks": tasks,
    })


def synthetic_scan(n_tasks: int = 1000, *, seed: int = 7) -> Scan:
    """A large synthetic scan: 12 zones, 40 competences, 8 roles, random volumes."""
    rng = random.Random(seed)
    zones = [f"zone{z}" for z in range(12)]
    comps = [f"competentie {c}" for c in range(40)]
    roles = [{"id": f"r{r}", "title": f"Rol {r}", "hourly_cost_eur": 30 + 3 * r} for r in range(8)]
    whens = ["continuous", "morning", "afternoon", "evening", "night", "on_call"]
    strains = ["heavy", "dirty", "isolated", "repetitive", "outdoor", "noisy"]
    tasks = []
    for i in range(n_tasks):
        z = rng.randrange(12)
        own = [comps[(3 * z + k) % 40] for k in range(rng.randint(1, 3))]
        extra = rng.sample(comps, rng.randint(0, 2))
        tasks.append(_t(
            f"t{i:04d}", f"Taak {i}", f"r{rng.randrange(8)}", competences=sorted(set(own + extra)),
            zone=zones[z], when=rng.choice(whens), complexity=rng.randint(1, 5),
            core=rng.random() < 0.3, safety_critical=rng.random() < 0.1,
            strain=rng.sample(strains, rng.randint(0, 2)), hours_per_week=round(rng.uniform(0.5, 12), 2)))
    return Scan.model_validate({"kind": "scan", "id": "synthetic", "employer": "e",
                                "date": dt.date(2025, 1, 1), "roles": roles, "tasks": tasks})
