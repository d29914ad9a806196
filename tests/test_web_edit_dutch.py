"""The editing, erasure and near-miss pages of issue 14 in Dutch: ``<html lang="nl">`` and no
English words of the web app, also on a 409 and a 422."""
from __future__ import annotations


import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

from matchcore.store.db import Store  # noqa: E402
from matchcore.web import contacts  # noqa: E402
from matchcore.web.app import create_app  # noqa: E402

from .test_web import CANDIDATE, EMPLOYER, SCAN  # noqa: E402
from .test_web_edit import client, db_path, template_db  # noqa: E402,F401
from .test_web_i18n import _ENGLISH, needs_catalogue, visible_text  # noqa: E402
from .test_web_edit_scan import _fields  # noqa: E402

pytestmark = [pytest.mark.usefixtures("dutch"), needs_catalogue]


@pytest.fixture
def call_id(db_path):
    store = Store.open(db_path)
    rid = contacts.record_call(store, user="an", employer_id=EMPLOYER, function_id=None,
                               function_title=None, candidate_id=None, outcome="no")
    store.close()
    return rid


def _dutch(response, status=200):
    assert response.status_code == status, response.text[:300]
    assert '<html lang="nl">' in response.text
    found = sorted(set(_ENGLISH.findall(visible_text(response.text, web_only=True))))
    assert not found, f"English on a Dutch page: {found}"
    return response.text


PAGES = [f"/employers/{EMPLOYER}/calls/edit", "/employers/{eid}/calls/edit?call={call}",
         f"/employers/{EMPLOYER}", f"/candidates/{CANDIDATE}/erase", f"/candidates/{CANDIDATE}",
         f"/scans/{SCAN}/edit", f"/scans/{SCAN}/roles/edit", f"/scans/{SCAN}/roles/edit?role=dokwerker",
         f"/scans/{SCAN}", "/candidates/K-0005?near_misses=on&include_excluded=on&top=50",
         "/functions/terminal-west-zeebrugge/terreinonderhoud?near_misses=on&include_excluded=on"]


@pytest.mark.parametrize("path", PAGES)
def test_every_new_page_is_dutch(client, call_id, path):
    html = _dutch(client.get(path.format(eid=EMPLOYER, call=call_id)))
    if "near_misses" in path:
        assert "Bijna-matches" in html and "als hij/zij" in html


def test_the_conflict_pages_are_dutch(db_path, call_id):
    app = create_app(db_path)
    with TestClient(app, follow_redirects=False) as an, TestClient(app, follow_redirects=False) as jan:
        for page, form_id, action, change in (
                (f"/employers/{EMPLOYER}/calls/edit?call={call_id}", "call-edit-form",
                 f"/employers/{EMPLOYER}/calls/edit", "note"),
                (f"/scans/{SCAN}/edit", "header-form", f"/scans/{SCAN}/edit", "consultant"),
                (f"/scans/{SCAN}/roles/edit?role=dokwerker", "role-edit-form",
                 f"/scans/{SCAN}/roles/edit", "role_title")):
            first, second = _fields(an.get(page).text, form_id), _fields(jan.get(page).text, form_id)
            assert an.post(action, data=first | {change: "eerste"}).status_code == 303
            html = _dutch(jan.post(action, data=second | {change: "tweede"}), 409)
            assert "Niet bewaard" in html and "De nu opgeslagen versie" in html


def test_a_refused_correction_is_dutch(client, call_id):
    form = _fields(client.get(f"/employers/{EMPLOYER}/calls/edit?call={call_id}").text, "call-edit-form")
    html = _dutch(client.post(f"/employers/{EMPLOYER}/calls/edit",
                              data=form | {"outcome_date": "31/02/2026"}), 422)
    assert "dd/mm/jjjj" in html or "datum" in html
