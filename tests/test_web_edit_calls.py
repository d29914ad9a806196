"""Correcting a logged call on the employer's page (issue 14): saved and shown, validated like
recording a call, 409 for the second of two coaches, CSRF needed."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from starlette.testclient import TestClient  # noqa: E402

from matchcore.store.db import Store  # noqa: E402
from matchcore.web import contacts  # noqa: E402
from matchcore.web.app import create_app  # noqa: E402

from .test_web import EMPLOYER, assert_clean, csrf_of, t, tp  # noqa: E402
from .test_web_edit import NRN, client, db_path, template_db  # noqa: E402,F401

FN = f"{EMPLOYER}/afwasser"


@pytest.fixture
def call_id(db_path):
    store = Store.open(db_path)
    rid = contacts.record_call(store, user="an", employer_id=EMPLOYER, function_id=FN,
                               function_title="Afwasser", candidate_id="K-0001",
                               outcome="call_back", outcome_date="2026-12-07", note="terugbellen")
    store.close()
    return rid


def _form(client, call_id: int) -> dict:
    html = client.get(f"/employers/{EMPLOYER}/calls/edit?call={call_id}").text
    return {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
            "call": str(call_id),
            "revision": re.search(r'name="revision" value="(\d+)"', html).group(1),
            "outcome": re.search(r'name="outcome" value="(\w+)"[^>]*checked', html).group(1),
            "outcome_date": re.search(r'id="f-outcome_date"[^>]*value="([^"]*)"', html).group(1),
            "feedback_date": re.search(r'id="f-feedback_date"[^>]*value="([^"]*)"', html).group(1),
            "note": re.search(r'<textarea name="note"[^>]*>([^<]*)</textarea>', html).group(1)}


def _stored(db_path, call_id):
    store = Store.open(db_path)
    try:
        return contacts.get_call(store, call_id)
    finally:
        store.close()


def test_the_form_is_prefilled_with_the_call_and_its_revision(client, call_id):
    r = client.get(f"/employers/{EMPLOYER}/calls/edit?call={call_id}")
    assert r.status_code == 200
    data = _form(client, call_id)
    assert data["outcome"] == "call_back" and data["outcome_date"] == "07/12/2026"
    assert data["note"] == "terugbellen" and data["revision"] == "1"
    # the employer's contact log links to the correction
    page = client.get(f"/employers/{EMPLOYER}").text
    assert f'href="/employers/{EMPLOYER}/calls/edit?call={call_id}"' in page


def test_a_correction_is_saved_shown_and_audited(client, db_path, call_id):
    data = _form(client, call_id) | {"outcome": "appointment", "outcome_date": "9/12/2026",
                                     "note": "afspraak maandag"}
    r = client.post(f"/employers/{EMPLOYER}/calls/edit", data=data)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/employers/{EMPLOYER}?saved=1")
    row = _stored(db_path, call_id)
    assert (row["outcome"], row["outcome_date"], row["note"], row["revision"]) == (
        "appointment", "2026-12-09", "afspraak maandag", 2)
    page = client.get(r.headers["location"]).text
    assert "afspraak maandag" in page and t("Saved.") in page
    store = Store.open(db_path)
    audit = store.rows("select action, detail from audit_log where action = 'call.edit'")
    assert audit == [{"action": "call.edit",
                      "detail": '{"call": %d, "fields": ["note", "outcome", "outcome_date"]}' % call_id}]


def test_a_correction_is_validated_like_recording_a_call(client, db_path, call_id):
    data = _form(client, call_id) | {"outcome_date": "31/02/2026"}
    r = client.post(f"/employers/{EMPLOYER}/calls/edit", data=data)
    assert r.status_code == 422 and "31/02/2026" in r.text
    assert_clean(r)
    data = _form(client, call_id) | {"outcome": "call_back", "outcome_date": ""}
    r = client.post(f"/employers/{EMPLOYER}/calls/edit", data=data)
    assert r.status_code == 422 and tp("give the date to call back on") in r.text
    data = _form(client, call_id) | {"note": f"kandidaat {NRN}"}
    r = client.post(f"/employers/{EMPLOYER}/calls/edit", data=data)
    assert r.status_code == 422
    assert tp("the note contains what looks like a national register number; "
              "write the candidate's pseudonymous id instead") in r.text
    row = _stored(db_path, call_id)
    assert row["revision"] == 1 and row["note"] == "terugbellen"
    assert NRN not in Store.open(db_path).db.execute("select group_concat(note) from contact_log").fetchone()[0]


def test_the_second_of_two_coaches_gets_409_and_nothing_is_overwritten(db_path, call_id):
    app = create_app(db_path)
    with TestClient(app, follow_redirects=False) as an, TestClient(app, follow_redirects=False) as jan:
        form_an, form_jan = _form(an, call_id), _form(jan, call_id)
        r = an.post(f"/employers/{EMPLOYER}/calls/edit", data=form_an | {"note": "versie van An"})
        assert r.status_code == 303
        r = jan.post(f"/employers/{EMPLOYER}/calls/edit", data=form_jan | {"note": "versie van Jan"})
        assert r.status_code == 409
        assert 'id="call-conflict"' in r.text and 'id="call-theirs"' in r.text
        assert "versie van An" in r.text.split('id="call-theirs"')[1]  # their version beside
        assert "versie van Jan" in r.text  # what Jan typed is kept in the form
        assert 'name="revision" value="2"' in r.text
        row = _stored(db_path, call_id)
        assert row["note"] == "versie van An" and row["revision"] == 2
        # saving again, after reading theirs, is a deliberate choice: it is saved
        again = _form(jan, call_id) | {"note": "versie van Jan"}
        assert jan.post(f"/employers/{EMPLOYER}/calls/edit", data=again).status_code == 303
        assert _stored(db_path, call_id)["note"] == "versie van Jan"


def test_a_correction_needs_the_csrf_token(client, db_path, call_id):
    data = _form(client, call_id) | {"note": "vervalst"}
    data.pop("csrf_token")
    assert client.post(f"/employers/{EMPLOYER}/calls/edit", data=data).status_code == 403
    assert client.post(f"/employers/{EMPLOYER}/calls/edit",
                       data=data | {"csrf_token": "forged"}).status_code == 403
    assert _stored(db_path, call_id)["note"] == "terugbellen"


def test_a_call_of_another_employer_or_none_is_not_found(client, call_id):
    assert client.get(f"/employers/restaurant-de-vismijn/calls/edit?call={call_id}").status_code == 404
    assert client.get(f"/employers/{EMPLOYER}/calls/edit?call=99999").status_code == 404
    r = client.get(f"/employers/{EMPLOYER}/calls/edit")  # no call chosen: the list to choose from
    assert r.status_code == 200 and f"calls/edit?call={call_id}" in r.text
    token = csrf_of(client)
    r = client.post(f"/employers/{EMPLOYER}/calls/edit", data={"csrf_token": token, "outcome": "no"})
    assert r.status_code == 422
