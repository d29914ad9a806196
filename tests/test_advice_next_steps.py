"""The advice a director signs (issue 15.6): capacity warnings come first, heavy work shows its
physical condition, the headline is hours back to the experts when no one leaves, the ticked gains
are there, and the document ends with the next steps (who, what, by when)."""
import datetime as dt
import re

from matchcore.carving import carve
from matchcore.i18n import use_language
from matchcore.model import Scan
from matchcore.reports.advice import render_advice

ON = dt.date(2026, 12, 2)


def _scan(headcount=10, **fields):
    return Scan.model_validate({
        "kind": "scan", "id": "s", "employer": "e", "date": "2026-11-20", "consultant": "Jan De Smet",
        "roles": [{"id": "r", "title": "Dokwerker", "hourly_cost_eur": 42, "headcount": headcount}],
        "tasks": [{"id": f"t{i}", "description": "Paletten stapelen", "role": "r", "hours_per_week": 13,
                   "competences": ["palletten stapelen"], "strain": ["heavy"]} for i in range(3)],
        **fields})


def _text(scan, fmt="html"):
    with use_language("nl"):
        result = carve(scan, candidates=False, on=ON)
    out = render_advice(result, scan=scan, fmt=fmt, on=ON)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", out)) if fmt == "html" else out


def test_the_advice_ends_with_the_next_steps_and_shows_the_heavy_condition():
    for fmt in ("html", "md"):
        text = _text(_scan(gains=["safety"]), fmt)
        assert "tillen tot 25 kg" in text
        assert "Niemand hoeft te vertrekken" in text
        steps = text.rindex("Volgende stappen")
        assert steps > text.index("Werkwijze en uitgangspunten")
        assert "5 december 2026" in text[steps:] and "bezorg dit advies aan de directeur" in text[steps:]
        assert "Wat niet in de cijfers staat" in text


def test_a_capacity_warning_comes_before_the_figures():
    text = _text(_scan(headcount=0))
    warning = text.index("Eerst na te kijken in de scan")
    assert warning < text.index("Tijdens de Quick Scan noteerden we")


def test_a_saving_headline_only_when_the_hours_replace_paid_hours():
    text = _text(_scan(freed_hours_use="saves_cost"))
    assert "betaalde uren vervangen" in text and "Niemand hoeft te vertrekken" not in text


def test_chart_labels_are_in_full_and_instruments_by_their_dutch_name():
    from matchcore.reports.advice import _instruments, freed_hours_chart
    scan = Scan.model_validate({
        "kind": "scan", "id": "s", "employer": "e", "date": "2026-11-20",
        "roles": [{"id": "r", "title": "Heftruckchauffeur terminal containeroverslag", "hourly_cost_eur": 42,
                   "headcount": 10}],
        "tasks": [{"id": f"t{i}", "description": "Paletten stapelen", "role": "r", "hours_per_week": 13,
                   "competences": ["palletten stapelen"]} for i in range(3)]})
    svg = freed_hours_chart(carve(scan, candidates=False))
    assert ">Heftruckchauffeur terminal containeroverslag</text>" in svg
    rows = [{"code": "K-IBO", "name": "IBO voor kwetsbare werkzoekenden", "eligible": True},
            {"code": "BIS", "name": "beroepsinlevingsstage", "eligible": None}]
    assert _instruments(rows) == "IBO voor kwetsbare werkzoekenden; mogelijk: beroepsinlevingsstage"
