"""Near misses and excluded pairs in the web match views (issue 14), as the CLI's
``--near-misses`` / ``--include-excluded``."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("starlette")

from matchcore.i18n import use_language  # noqa: E402
from matchcore.matching import Matcher  # noqa: E402
from matchcore.store.db import Store  # noqa: E402

from .test_web import app, client, t, web_db  # noqa: E402,F401

# K-0005 wants more hours than terminal-west-zeebrugge/terreinonderhoud offers, a little
# (a near miss in the bundled data; matching/reasons.py writes what would have to change)
CID = "K-0005"
NEAR = "terminal-west-zeebrugge/terreinonderhoud"


def _would_need(web_db, lang):
    with use_language(lang):
        res = Matcher(Store.open(web_db)).fit().match_candidate(CID, near_misses=True, top=50,
                                                                instruments=False)
        return next(n for n in res.near_misses if n.function == NEAR).would_need[0].text


def _near_section(html: str) -> str:
    m = re.search(r'<section id="near-misses">(.*?)</section>', html, re.S)
    assert m, "no near-miss section"
    return m.group(1)


def test_the_filters_offer_near_misses_and_excluded(client):
    html = client.get(f"/candidates/{CID}").text
    assert 'name="near_misses"' in html and 'name="include_excluded"' in html
    assert t("show near misses") in html and t("show excluded") in html
    assert 'id="near-misses"' not in html  # only when asked for


def test_a_near_miss_is_listed_with_what_would_have_to_change(client, web_db):
    html = client.get(f"/candidates/{CID}?near_misses=on&top=50").text
    assert 'id="f-near_misses" checked' in html
    near = _near_section(html)
    assert f'href="/functions/{NEAR}"' in near and t("near miss") in near
    assert _would_need(web_db, "en") in near and t("What would have to change") in near


def test_in_dutch_the_change_is_said_in_dutch(client, web_db, dutch):
    html = client.get(f"/candidates/{CID}?near_misses=on&top=50").text
    near = _near_section(html)
    text = _would_need(web_db, "nl")
    assert text.startswith("als hij/zij") and text in near
    assert "bijna-match" in near and "Wat zou moeten veranderen" in near


def test_with_excluded_shown_the_near_miss_is_marked_among_the_results(client, web_db):
    html = client.get(f"/candidates/{CID}?include_excluded=on&top=500").text
    item = re.search(r'<li class="match excluded">((?:(?!<li class="match).)*?href="/functions/'
                     + re.escape(NEAR) + r'".*?)(?=<li class="match|</ol>)', html, re.S)
    assert item, "the near miss is not among the excluded results"
    assert t("near miss") in item.group(1) and _would_need(web_db, "en") in item.group(1)


def test_the_function_page_lists_its_near_misses_too(client, web_db):
    html = client.get(f"/functions/{NEAR}?near_misses=on&top=50").text
    near = _near_section(html)
    assert f'href="/candidates/{CID}"' in near and _would_need(web_db, "en") in near
    assert 'id="near-misses"' not in client.get(f"/functions/{NEAR}").text
