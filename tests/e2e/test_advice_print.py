"""The port advice (seed 001's example) prints on 2-4 A4 pages in Chromium (issue 15: it took 7, one
of them 80 % blank). Skipped without Chromium."""
import re
import subprocess
from pathlib import Path

import pytest

from matchcore.carving import carve
from matchcore.reports.advice import render_advice
from matchcore.store.db import Store
from matchcore.store.io import import_paths

from .conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]


def test_the_port_advice_prints_on_two_to_four_pages(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    store = Store.open(tmp_path / "a.db")
    import_paths(store, [ROOT / "profiles", ROOT / "scans"])
    scan = store.scan("haven-2025-03")
    html = render_advice(carve(scan, store=store), scan=scan, employer=store.employer(scan.employer))
    page, pdf = tmp_path / "advies.html", tmp_path / "advies.pdf"
    page.write_text(html, encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", *CHROMIUM_ARGS, f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=60)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 2 <= pages <= 4, pages
