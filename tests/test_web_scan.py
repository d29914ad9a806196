"""Consultant pages: Quick Scan entry task by task, validation next to the field, carving, advice."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("starlette")

from .test_web import SCAN, app, assert_clean, client, csrf_of, db, t, tp, web_db  # noqa: F401

TASK = {"description": "Lege dozen plooien en naar de perscontainer brengen", "role": "magazijnier",
        "volume": "frequency", "times": "6", "per": "day", "minutes": "20", "complexity": "1",
        "competence": ["karton plooien", "afval sorteren", "", ""], "zone": "magazijn",
        "when": "continuous"}


def _new_scan(client, scan_id: str, **extra) -> object:
    data = {"csrf_token": csrf_of(client, "/scans/new"), "employer": "magazijn-de-kempen",
            "date": "2026-03-02", "id": scan_id, "consultant": "Jan De Smet",
            "full_time_hours": "38", "shifts_per_day": "1", "role_title": "Magazijnier",
            "role_hourly_cost_eur": "38", "role_headcount": "12", **extra}
    return client.post("/scans", data=data)


def _task(client, scan_id: str, **changes):
    data = {**TASK, **changes, "csrf_token": csrf_of(client, f"/scans/{scan_id}")}
    return client.post(f"/scans/{scan_id}/tasks", data=data)


def test_create_a_quick_scan_with_its_first_role(client, db):
    r = _new_scan(client, "web-scan-1")
    assert r.status_code == 303 and r.headers["location"] == "/scans/web-scan-1"
    scan = db.scan("web-scan-1")
    assert scan.employer == "magazijn-de-kempen" and scan.roles[0].id == "magazijnier"
    assert scan.roles[0].hourly_cost_eur == 38
    row = db.rows("select user_name, action from audit_log where target = 'scan:web-scan-1'")
    assert row == [{"user_name": "local", "action": "scan.create"}]


def test_a_bad_scan_form_shows_messages_next_to_fields_and_keeps_everything(client, db):
    r = _new_scan(client, SCAN, full_time_hours="veel", date="31/02/2026",
                  role_hourly_cost_eur="duur", notes="bezoek met preventieadviseur")
    assert r.status_code == 422
    html = r.text
    assert tp("a scan with id {id!r} already exists; choose another id", id=SCAN) in html
    assert re.search(r'id="err-date"[^>]*>[^<]+', html)  # 31 February is no date
    # what the user typed is all still there
    for typed in ("veel", "31/02/2026", "duur", "bezoek met preventieadviseur", "Magazijnier"):
        assert typed in html
    assert_clean(r)


def test_each_task_is_saved_when_entered(client, db):
    _new_scan(client, "web-scan-2")
    r = _task(client, "web-scan-2")
    assert r.status_code == 303 and "saved=t01" in r.headers["location"]
    scan = db.scan("web-scan-2")
    assert [t.id for t in scan.tasks] == ["t01"]
    assert scan.tasks[0].frequency.times == 6 and scan.tasks[0].minutes == 20
    assert scan.tasks[0].competences == ["karton plooien", "afval sorteren"]
    page = client.get(r.headers["location"]).text
    assert t("Task {id} saved.", id="t01") in page
    assert t("Tasks ({n}, {hours} h/week)", n=1, hours="10") in page
    r = _task(client, "web-scan-2", description="Folie verzamelen", volume="hours",
              hours_per_week="7,5", times="", minutes="")
    assert r.status_code == 303
    assert db.scan("web-scan-2").tasks[1].hours_per_week == 7.5
    actions = [x["action"] for x in db.rows(
        "select action from audit_log where target like 'scan:web-scan-2/%' order by id")]
    assert actions == ["task.add", "task.add"]


def test_htmx_save_swaps_the_task_table_and_an_empty_form(client):
    _new_scan(client, "web-scan-3")
    data = {**TASK, "csrf_token": csrf_of(client, "/scans/web-scan-3")}
    r = client.post("/scans/web-scan-3/tasks", data=data, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="scan-work">')
    assert t("Task {id} saved.", id="t01") in r.text
    assert "<textarea id=\"f-description\" name=\"description\" rows=\"2\" required" in r.text


def test_a_bad_task_gets_messages_next_to_the_fields_and_loses_nothing(client, db):
    _new_scan(client, "web-scan-4")
    r = _task(client, "web-scan-4", minutes="twintigjes", complexity="9", role="kraanman")
    assert r.status_code == 422
    html = r.text
    assert re.search(r'id="err-minutes"[^>]*>' + re.escape(tp("{value!r} is not a number (write 12,5 or twaalf)", value="twintigjes")), html)
    assert re.search(r'id="err-role"[^>]*>' + re.escape(tp("must be one of the scan's roles ({roles})", roles="magazijnier")), html)
    assert TASK["description"] in html and "twintigjes" in html and "karton plooien" in html
    assert db.scan("web-scan-4").tasks == []
    r = _task(client, "web-scan-4", description="", times="", minutes="")
    assert re.search(r'id="err-description"[^>]*>' + tp("is required"), r.text)
    assert re.search(r'id="err-minutes"[^>]*>' + tp("is required"), r.text)


def test_validation_while_typing_answers_per_field_out_of_band(client):
    _new_scan(client, "web-scan-5")
    data = {**TASK, "minutes": "", "times": "x", "competence": ["afval sorteeren", "", "", ""],
            "csrf_token": csrf_of(client, "/scans/web-scan-5")}
    r = client.post("/scans/web-scan-5/tasks/check", data=data, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert 'id="err-times" role="alert" hx-swap-oob="true">' + tp("{value!r} is not a number (write 12,5 or twaalf)", value="x") in r.text
    # an empty field is not shouted at while the consultant is still typing
    assert 'id="err-minutes" role="alert" hx-swap-oob="true"></span>' in r.text
    assert 'id="hint-competence-0"' in r.text and "afval sorteren" in r.text
    ok = {**TASK, "csrf_token": data["csrf_token"]}
    r = client.post("/scans/web-scan-5/tasks/check", data=ok, headers={"HX-Request": "true"})
    assert "10 " + t("h/week") in r.text


def test_competence_suggestions(client):
    r = client.get("/suggest/competences?q=heftrukk besturn&format=json")
    hint = r.json()
    assert hint["status"] in ("resolves", "unknown")
    assert any("heftruck" in n for n in ([hint["label"]] if hint["label"] else []) + hint["nearest"])
    assert client.get("/suggest/competences?q=afval sorteren&format=json").json()["status"] in ("known", "resolves")


def test_edit_and_remove_a_task(client, db):
    _new_scan(client, "web-scan-6")
    _task(client, "web-scan-6")
    page = client.get("/scans/web-scan-6/tasks/t01/edit").text
    assert t("Save task {id}", id="t01") in page
    token = csrf_of(client, "/scans/web-scan-6")
    r = client.post("/scans/web-scan-6/tasks/t01", data={**TASK, "id": "t01", "minutes": "30",
                                                         "csrf_token": token})
    assert r.status_code == 303
    assert db.scan("web-scan-6").tasks[0].minutes == 30
    r = client.post("/scans/web-scan-6/tasks/t01/delete", data={"csrf_token": token})
    assert r.status_code == 303 and db.scan("web-scan-6").tasks == []
    actions = [x["action"] for x in db.rows(
        "select action from audit_log where target = 'scan:web-scan-6/task:t01' order by id")]
    assert actions == ["task.add", "task.edit", "task.remove"]


def test_add_a_role(client, db):
    _new_scan(client, "web-scan-7")
    token = csrf_of(client, "/scans/web-scan-7")
    r = client.post("/scans/web-scan-7/roles", data={"csrf_token": token, "role_title": "Chauffeur",
                                                     "role_hourly_cost_eur": "41"})
    assert r.status_code == 303
    assert [x.id for x in db.scan("web-scan-7").roles] == ["magazijnier", "chauffeur"]
    r = client.post("/scans/web-scan-7/roles", data={"csrf_token": token, "role_title": "Chauffeur",
                                                     "role_hourly_cost_eur": "veel"})
    assert r.status_code == 422
    assert tp("role id {id!r} is already used in this scan", id="chauffeur") in r.text and "veel" in r.text


def test_carving_with_options_shows_functions_and_reasons(client):
    html = client.get(f"/scans/{SCAN}/carve?max_complexity=2").text
    assert 'class="card carved"' in html
    assert t("Hours freed per role") in html and t("Yearly saving") in html
    assert 'id="not-carved"' in html and t("Not carved") in html
    fewer = client.get(f"/scans/{SCAN}/carve?max_complexity=1&exclude_roles=dokwerker").text
    assert fewer != html


def test_bad_carving_options_get_messages(client):
    r = client.get(f"/scans/{SCAN}/carve?max_complexity=2&min_hours=lots&exclude_roles=piloot")
    assert r.status_code == 422
    assert tp("must be a number of hours from 0 to 50, got {value!r}", value="lots") in r.text
    assert tp("not roles of this scan: {roles}", roles="piloot") in r.text
    assert_clean(r)


def test_advice_document_is_a_printable_page(client):
    r = client.get(f"/scans/{SCAN}/advice?max_complexity=2")
    assert r.status_code in (200, 503), r.text[:300]
    assert_clean(r)
    if r.status_code == 200:
        assert "<html" in r.text.lower()
