"""Editing a Quick Scan's header and its roles in the browser (issue 14): saved and shown,
409 for the second of two coaches with nothing overwritten, a rename that the tasks follow,
removing an empty role, CSRF needed."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from starlette.testclient import TestClient  # noqa: E402

from matchcore.errors import EditConflict, ValidationFailed  # noqa: E402
from matchcore.store import roles  # noqa: E402
from matchcore.store.db import Store  # noqa: E402
from matchcore.web.app import create_app  # noqa: E402

from .test_web import SCAN, assert_clean, csrf_of, t, tp  # noqa: E402
from .test_web_edit import client, db_path, template_db  # noqa: E402,F401

ROLE = "dokwerker"


def _fields(html: str, form_id: str) -> dict:
    """The fields of one form as the page fills them (inputs, checked radios, text areas)."""
    form = re.search(r'<form[^>]*id="' + form_id + r'".*?</form>', html, re.S).group(0)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        if 'type="radio"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', form):
        data[name] = value
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def _scan(db_path):
    store = Store.open(db_path)
    try:
        return store.scan(SCAN)
    finally:
        store.close()


# --- the header ----------------------------------------------------------------------------

def test_the_header_form_is_prefilled_with_its_revision(client):
    r = client.get(f"/scans/{SCAN}/edit")
    assert r.status_code == 200
    data = _fields(r.text, "header-form")
    assert data["employer"] == "havenbedrijf-noord" and data["date"] == "12/03/2025"
    assert data["consultant"] == "Jan De Smet" and data["shifts_per_day"] == "2"
    assert data["freed_hours_use"] == "experts_back" and data["revision"] == "1"
    assert f'href="/scans/{SCAN}/edit"' in client.get(f"/scans/{SCAN}").text


def test_a_header_edit_is_saved_shown_and_audited(client, db_path):
    tasks = _scan(db_path).tasks
    data = _fields(client.get(f"/scans/{SCAN}/edit").text, "header-form")
    data |= {"consultant": "An Peeters", "date": "14/03/2025", "full_time_hours": "37,5"}
    r = client.post(f"/scans/{SCAN}/edit", data=data)
    assert r.status_code == 303 and r.headers["location"] == f"/scans/{SCAN}?edited=header"
    scan = _scan(db_path)
    assert (scan.consultant, scan.date.isoformat(), scan.full_time_hours) == ("An Peeters", "2025-03-14", 37.5)
    assert scan.revision == 2 and scan.tasks == tasks  # the tasks stay as they were
    page = client.get(r.headers["location"]).text
    assert "An Peeters" in page and t("Saved.") in page
    store = Store.open(db_path)
    assert store.rows("select detail from audit_log where action = 'scan.edit'") == [
        {"detail": '{"fields": ["consultant", "date", "full_time_hours"]}'}]


def test_a_bad_header_is_refused_with_the_message_next_to_the_field(client, db_path):
    data = _fields(client.get(f"/scans/{SCAN}/edit").text, "header-form")
    r = client.post(f"/scans/{SCAN}/edit", data=data | {"shifts_per_day": "9", "date": ""})
    assert r.status_code == 422
    assert re.search(r'id="err-date"[^>]*>' + re.escape(tp("is required")), r.text)
    assert re.search(r'id="err-shifts_per_day"[^>]*>[^<]+<', r.text)
    assert_clean(r)
    assert _scan(db_path).revision == 1


def test_two_coaches_on_one_header_the_second_gets_409(db_path):
    app = create_app(db_path)
    with TestClient(app, follow_redirects=False) as an, TestClient(app, follow_redirects=False) as jan:
        form_an = _fields(an.get(f"/scans/{SCAN}/edit").text, "header-form")
        form_jan = _fields(jan.get(f"/scans/{SCAN}/edit").text, "header-form")
        assert an.post(f"/scans/{SCAN}/edit", data=form_an | {"consultant": "An"}).status_code == 303
        r = jan.post(f"/scans/{SCAN}/edit", data=form_jan | {"consultant": "Jan"})
        assert r.status_code == 409
        assert 'id="header-conflict"' in r.text and "An" in r.text.split('id="header-theirs"')[1]
        assert 'value="Jan"' in r.text  # what Jan typed stays in the form
        assert _scan(db_path).consultant == "An"


def test_a_header_edit_leaves_a_task_saved_meanwhile(db_path):
    app = create_app(db_path)
    with TestClient(app, follow_redirects=False) as c:
        form = _fields(c.get(f"/scans/{SCAN}/edit").text, "header-form")
        store = Store.open(db_path)
        task = next(t for t in store.scan(SCAN).tasks if t.id == "t01")
        store.save_task(SCAN, task.model_copy(update={"description": "Folie verzamelen (gewijzigd)"}),
                        expected_revision=task.revision, by="jan")
        store.close()
        assert c.post(f"/scans/{SCAN}/edit", data=form | {"consultant": "An"}).status_code == 303
    scan = _scan(db_path)
    assert scan.consultant == "An"
    assert next(t for t in scan.tasks if t.id == "t01").description == "Folie verzamelen (gewijzigd)"


# --- roles ---------------------------------------------------------------------------------

def _role_form(client, role_id=ROLE) -> dict:
    return _fields(client.get(f"/scans/{SCAN}/roles/edit?role={role_id}").text, "role-edit-form")


def test_a_role_edit_is_saved_and_shown(client, db_path):
    data = _role_form(client)
    assert data["role_title"] == "Dokwerker" and data["role"] == ROLE and data["revision"] == "1"
    r = client.post(f"/scans/{SCAN}/roles/edit", data=data | {"role_title": "Havenarbeider",
                                                               "role_hourly_cost_eur": "43,5"})
    assert r.status_code == 303
    role = _scan(db_path).role(ROLE)
    assert (role.title, role.hourly_cost_eur, role.headcount, role.revision) == ("Havenarbeider", 43.5, 60, 2)
    assert "Havenarbeider" in client.get(r.headers["location"]).text


def test_a_renamed_role_takes_its_tasks_along(client, db_path):
    before = [t.id for t in _scan(db_path).tasks if t.role == ROLE]
    data = _role_form(client) | {"role_id": "havenarbeider"}
    assert client.post(f"/scans/{SCAN}/roles/edit", data=data).status_code == 303
    scan = _scan(db_path)
    assert ROLE not in {r.id for r in scan.roles} and scan.role("havenarbeider").title == "Dokwerker"
    assert [t.id for t in scan.tasks if t.role == "havenarbeider"] == before and before
    assert all(t.role != ROLE for t in scan.tasks)
    # a coach still on the old name learns it was renamed, nothing is written
    r = client.post(f"/scans/{SCAN}/roles/edit", data=data | {"role_title": "Oud"})
    assert r.status_code == 409 and 'id="role-conflict"' in r.text
    assert _scan(db_path).role("havenarbeider").title == "Dokwerker"


def test_a_rename_to_an_id_in_use_is_refused(client, db_path):
    r = client.post(f"/scans/{SCAN}/roles/edit", data=_role_form(client) | {"role_id": "kraanman"})
    assert r.status_code == 422
    assert tp("role id {id!r} is already used in this scan", id="kraanman") in r.text
    assert _scan(db_path).role(ROLE).title == "Dokwerker"


def test_two_coaches_on_one_role_the_second_gets_409(db_path):
    app = create_app(db_path)
    with TestClient(app, follow_redirects=False) as an, TestClient(app, follow_redirects=False) as jan:
        form_an, form_jan = _role_form(an), _role_form(jan)
        assert an.post(f"/scans/{SCAN}/roles/edit", data=form_an | {"role_headcount": "61"}).status_code == 303
        r = jan.post(f"/scans/{SCAN}/roles/edit", data=form_jan | {"role_headcount": "70"})
        assert r.status_code == 409
        assert 'id="role-conflict"' in r.text and 'id="role-theirs"' in r.text
        assert 'value="70"' in r.text and 'name="revision" value="2"' in r.text
        assert _scan(db_path).role(ROLE).headcount == 61
        # the role's tasks and the other roles were not touched either
        assert _scan(db_path).role("kraanman").revision == 1


def test_an_empty_role_can_be_removed_one_with_tasks_not(client, db_path):
    token = csrf_of(client, f"/scans/{SCAN}")
    r = client.post(f"/scans/{SCAN}/roles", data={"csrf_token": token, "role_title": "Stagiair"})
    assert r.status_code == 303
    page = client.get(f"/scans/{SCAN}/roles/edit?role=stagiair").text
    assert 'id="role-delete-form"' in page
    assert 'id="role-delete-form"' not in client.get(f"/scans/{SCAN}/roles/edit?role={ROLE}").text
    data = _fields(page, "role-delete-form")
    assert client.post(f"/scans/{SCAN}/roles/delete", data=data).status_code == 303
    assert "stagiair" not in {r.id for r in _scan(db_path).roles}
    data = _fields(client.get(f"/scans/{SCAN}/roles/edit?role=kraanman").text, "role-edit-form")
    r = client.post(f"/scans/{SCAN}/roles/delete", data={k: data[k] for k in ("csrf_token", "role", "revision")})
    assert r.status_code == 409
    assert "kraanman" in {r.id for r in _scan(db_path).roles}


def test_a_role_that_got_a_task_meanwhile_is_not_removed(db_path):
    store = Store.open(db_path)
    role = store.add_role(SCAN, {"id": "stagiair", "title": "Stagiair"}, by="an")
    store.save_task(SCAN, {"description": "Kartons plooien", "role": "stagiair",
                           "hours_per_week": 2}, expected_revision=None, by="jan")
    with pytest.raises(ValidationFailed):
        roles.remove_role(store, SCAN, "stagiair", expected_revision=role.revision, by="an")
    with pytest.raises(EditConflict):
        roles.save_role(store, SCAN, "stagiair", {"id": "stagiair", "title": "X"},
                        expected_revision=role.revision - 1, by="an")
    assert "stagiair" in {r.id for r in store.scan(SCAN).roles}
    store.close()


def test_scan_edits_need_the_csrf_token(client, db_path):
    header = _fields(client.get(f"/scans/{SCAN}/edit").text, "header-form")
    role = _role_form(client)
    for path, data in ((f"/scans/{SCAN}/edit", header | {"consultant": "X"}),
                       (f"/scans/{SCAN}/roles/edit", role | {"role_title": "X"}),
                       (f"/scans/{SCAN}/roles/delete", role)):
        data = {k: v for k, v in data.items() if k != "csrf_token"}
        assert client.post(path, data=data).status_code == 403, path
        assert client.post(path, data=data | {"csrf_token": "forged"}).status_code == 403, path
    scan = _scan(db_path)
    assert scan.consultant == "Jan De Smet" and scan.role(ROLE).title == "Dokwerker"


def test_a_task_form_opened_before_a_rename_gets_409_not_a_dangling_role(db_path):
    store = Store.open(db_path)
    task = next(t for t in store.scan(SCAN).tasks if t.role == ROLE)
    role = store.scan(SCAN).role(ROLE)
    roles.save_role(store, SCAN, ROLE, {"id": "havenarbeider", "title": role.title},
                    expected_revision=role.revision, by="an")
    with pytest.raises(EditConflict):
        store.save_task(SCAN, task.model_copy(update={"description": "oud formulier"}),
                        expected_revision=task.revision, fields=["description"], by="jan")
    stored = next(t for t in store.scan(SCAN).tasks if t.id == task.id)
    assert stored.role == "havenarbeider" and stored.description == task.description
    store.close()
