"""The company advice document (bedrijfsadvies tot functiecreatie), HTML and Markdown."""
from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from matchcore.carving.carve import carve
from matchcore.carving.results import CandidateWithInstruments, CarvedCandidate
from matchcore.reports.advice import eur, freed_hours_chart, render_advice
from matchcore.model import Scan

from .carving_data import port_employer, port_scan, two_cluster_scan

ON = dt.date(2025, 3, 20)


@pytest.fixture
def port():
    scan = port_scan()
    return scan, carve(scan)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


@pytest.mark.parametrize("value, text", [
    (86422.5, "€ 86.422"), (0, "€ 0"), (-1234.4, "−€ 1.234"), (27.5, "€ 28"), (None, "onbekend")])
def test_euros_are_written_the_dutch_way(value, text):
    assert eur(value) == text
    assert eur(27.5, 2) == "€ 27,50"


def test_html_advice_holds_functions_business_case_and_reasons(port):
    scan, result = port
    html = render_advice(result, scan=scan, employer=port_employer(), fmt="html", on=ON)
    (fn,) = result.functions
    assert "<h1>Bedrijfsadvies tot functiecreatie</h1>" in html
    assert "Havenbedrijf Test" in html and "Quick Scan haven-test van 12 maart 2025, door Jan De Smet" in html
    assert f"F1. {fn.title}" in html
    assert "Functieomschrijving" in html and "Verpakkingsmateriaal op de kaai verzamelen en sorteren" in html
    # 113.75 h + the 1.67 h coffee-machine task that joins the function (carving/bundles.py SMALL_SHARE)
    assert "115,42 uur per week = 3,04 VTE" in html and "3 arbeidsplaatsen" in html
    case = fn.business_case
    assert eur(case.freed_cost_per_week_eur) in html and eur(case.yearly_saving_eur) in html
    assert "Saldo per jaar (46 werkweken)" in html
    for row in result.not_carved:  # every task not carved, with its reason in Dutch
        assert row.description in html and row.reason_nl in html
    assert "kerntaak van de kraanman" in html


def test_html_advice_is_printable_and_self_contained(port):
    scan, result = port
    html = render_advice(result, scan=scan, fmt="html", on=ON)
    parser = Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert not [v for k, v in parser.attrs if k in ("src", "href")]
    assert "@page" in html and "@media print" in html
    assert parser.tags.count("svg") == 1
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)  # only the SVG namespace


def test_chart_draws_freed_hours_per_role_in_proportion(port):
    _, result = port
    svg = freed_hours_chart(result)
    bars = re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)"[^>]*><title>F1: ([\d,]+) u/week', svg)
    widths = {hours: float(w) for w, hours in bars}
    assert set(widths) == {"101,67", "13,75"}                      # dokwerker, heftruckchauffeur
    assert widths["13,75"] / widths["101,67"] == pytest.approx(13.75 / 101.67, abs=0.01)
    assert "Dokwerker" in svg and "101,67 u/week (2,68 VTE)" in svg


def test_markdown_advice_has_the_same_content(port):
    scan, result = port
    md = render_advice(result, scan=scan, employer=port_employer(), fmt="md", on=ON)
    assert md.startswith("# Bedrijfsadvies tot functiecreatie")
    assert "## F1. " in md and "### Business case" in md and "### Kandidaten" in md
    assert "| Dokwerker | 101,67 | 2,68 |" in md
    assert "## Taken die bij de huidige functies blijven" in md
    assert "| Portaalkraan bedienen | Kraanman | 240 | kerntaak van de kraanman;" in md
    assert "<" not in md.replace("<=", "")  # no HTML in the Markdown


def test_several_functions_get_a_legend_and_their_own_sections():
    scan = two_cluster_scan()
    result = carve(scan)
    html = render_advice(result, scan=scan, fmt="html", on=ON)
    assert html.count('class="function"') == 2 and 'class="annex"' in html  # two functions, then the tasks that stay
    svg = freed_hours_chart(result)
    assert "F1. Medewerker" in svg and "F2. Medewerker" in svg


def test_advice_without_functions_explains_why():
    scan = Scan.model_validate({"kind": "scan", "id": "klein", "employer": "e", "date": "2025-01-01",
                                "roles": [{"id": "r", "title": "Rol"}],
                                "tasks": [{"id": "t1", "description": "Iets kleins", "role": "r",
                                           "hours_per_week": 2}]})
    result = carve(scan)
    for fmt in ("html", "md"):
        text = " ".join(render_advice(result, scan=scan, fmt=fmt, on=ON).split())
        assert "geen functie van minstens 12,67 uur per week" in text and "te weinig uren" in text


def test_candidates_section_says_whether_candidates_were_looked_up(port):
    scan, result = port
    md = render_advice(result, scan=scan, fmt="md", on=ON)
    assert "Kandidaten werden voor dit advies niet opgezocht." in md
    result.candidates_status = "ranked"
    result.functions[0].candidates = [
        CandidateWithInstruments(candidate="K-0042", score=0.71, excluded=False, missing_required=[],
                                 missing_optional=["balenpers bedienen"],
                                 instruments=[{"code": "IBO", "eligible": True}, {"code": "BIS", "eligible": None},
                                              {"code": "BVS", "eligible": False}])]
    md = render_advice(result, scan=scan, fmt="md", on=ON)
    assert "| K-0042 |  | 0.71 |  | balenpers bedienen | IBO; mogelijk: BIS |" in md
    result.functions[0].candidates = [CarvedCandidate(candidate="K-0043", score=0.5)]  # only the contract fields
    for fmt in ("html", "md"):
        assert "K-0043" in render_advice(result, scan=scan, fmt=fmt, on=ON)


def test_unknown_format_is_refused(port):
    scan, result = port
    with pytest.raises(ValueError, match="The 'fmt' parameter of render_advice must be 'html' or 'md'"):
        render_advice(result, scan=scan, fmt="pdf")


def test_the_advice_is_signed_by_the_coach_of_the_settings(port, monkeypatch, tmp_path):
    from matchcore.settings import save_setting

    scan, result = port
    assert "Uw contactpersoon" not in render_advice(result, scan=scan, fmt="md", on=ON)  # nothing set
    for key, value in (("coach.name", "An Peeters"), ("coach.organisation", "Werkwinkel Gent"),
                       ("coach.phone", "09 123 45 67"), ("coach.email", "an.peeters@example.be")):
        save_setting(key, value)
    for fmt in ("md", "html"):
        text = render_advice(result, scan=scan, fmt=fmt, on=ON)
        assert "Uw contactpersoon: An Peeters, Werkwinkel Gent · 09 123 45 67 · an.peeters@example.be" in text
        assert "opgesteld op 20 maart 2025" in text
