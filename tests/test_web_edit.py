"""Editing and creating candidates and employers in the browser, as their data-file YAML."""
from __future__ import annotations

import re
import shutil

import pytest
import yaml

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from markupsafe import escape  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from matchcore.model import parse_record  # noqa: E402
from matchcore.store.db import Store  # noqa: E402
from matchcore.web import accounts  # noqa: E402
from matchcore.web.app import create_app  # noqa: E402

from .test_web import CANDIDATE, EMPLOYER, ROOT, assert_clean, csrf_of, t, tp  # noqa: E402

PASSWORD = "correct horse battery"
# a national register number with a valid check number (85.07.30-033.28), as in test_model.py
NRN = "85.07.30-033.28"


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    from matchcore.store.io import import_paths

    path = tmp_path_factory.mktemp("edit") / "edit.db"
    store = Store.open(path)
    import_paths(store, [ROOT / "profiles", ROOT / "scans"])
    store.close()
    return path


@pytest.fixture
def db_path(template_db, tmp_path):
    """The bundled data, a fresh copy per test (the tests change it)."""
    path = tmp_path / "edit.db"
    shutil.copy(template_db, path)
    return str(path)


@pytest.fixture
def client(db_path):
    with TestClient(create_app(db_path), follow_redirects=False) as c:
        yield c


def _text_of(html: str) -> str:
    """The YAML in the page's text area, unescaped."""
    m = re.search(r'<textarea id="f-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert m, "no text area"
    return (m.group(1).replace("&#39;", "'").replace("&#34;", '"').replace("&lt;", "<")
            .replace("&gt;", ">").replace("&amp;", "&"))


def _form(client, path: str) -> dict:
    html = client.get(path).text
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
            "text": _text_of(html)}
    rev = re.search(r'name="revision" value="(\d+)"', html)
    if rev:
        data["revision"] = rev.group(1)
    return data


def _problem(doc: dict) -> str:
    """The import's message for a document, as the page shows it."""
    record, problems = parse_record(doc)
    assert record is None and problems
    return str(escape(str(problems[0])))


def test_the_edit_page_shows_the_record_as_its_data_file(client, db_path):
    r = client.get(f"/candidates/{CANDIDATE}/edit")
    assert r.status_code == 200
    doc = yaml.safe_load(_text_of(r.text))
    assert doc["kind"] == "candidate" and doc["id"] == CANDIDATE
    assert parse_record(doc)[0] == Store.open(db_path).candidate(CANDIDATE)
    assert 'name="revision" value="1"' in r.text
    assert 'name="csrf_token"' in r.text
    assert f'href="/candidates/{CANDIDATE}/edit"' in client.get(f"/candidates/{CANDIDATE}").text


def test_an_edit_is_saved_shown_and_audited(client, db_path):
    data = _form(client, f"/candidates/{CANDIDATE}/edit")
    data["text"] = data["text"].replace("hours_per_week: 20.0", "hours_per_week: 24.0")
    assert "hours_per_week: 24.0" in data["text"]
    r = client.post(f"/candidates/{CANDIDATE}/edit", data=data)
    assert r.status_code == 303 and r.headers["location"] == f"/candidates/{CANDIDATE}?saved=1"
    store = Store.open(db_path)
    cand = store.candidate(CANDIDATE)
    assert cand.hours_per_week == 24 and cand.revision == 2
    page = client.get(r.headers["location"]).text
    assert t("Saved.") in page
    audit = store.rows("select user_name, action, detail from audit_log where target = ?",
                       [f"candidate:{CANDIDATE}"])
    assert audit == [{"user_name": "local", "action": "candidate.edit",
                      "detail": '{"fields": ["hours_per_week"]}'}]
    # the edit page now shows the new text and revision
    assert 'name="revision" value="2"' in client.get(f"/candidates/{CANDIDATE}/edit").text


def test_a_bad_field_gives_the_import_message_and_nothing_is_saved(client, db_path):
    data = _form(client, f"/candidates/{CANDIDATE}/edit")
    data["text"] = data["text"].replace("dutch_level: A2", "dutch_level: Z9")
    r = client.post(f"/candidates/{CANDIDATE}/edit", data=data)
    assert r.status_code == 422
    doc = yaml.safe_load(data["text"])
    message = _problem(doc)
    assert "dutch_level" in message and message in r.text
    assert "dutch_level: Z9" in _text_of(r.text)  # what was typed is kept
    assert_clean(r)
    store = Store.open(db_path)
    assert store.candidate(CANDIDATE).dutch_level == "A2"
    assert store.revision("candidate", CANDIDATE) == 1
    assert store.rows("select * from audit_log where target = ?", [f"candidate:{CANDIDATE}"]) == []


def test_yaml_that_does_not_read_names_the_line(client):
    data = _form(client, f"/candidates/{CANDIDATE}/edit")
    data["text"] = data["text"] + "age: 30\n"  # a key twice: the import refuses it too
    r = client.post(f"/candidates/{CANDIDATE}/edit", data=data)
    assert r.status_code == 422 and "age" in r.text and "line" in r.text.lower()
    r = client.post(f"/candidates/{CANDIDATE}/edit", data={**data, "text": "kind: [candidate"})
    assert r.status_code == 422
    assert_clean(r)


def test_the_id_cannot_change(client, db_path):
    data = _form(client, f"/candidates/{CANDIDATE}/edit")
    data["text"] = data["text"].replace(f"id: {CANDIDATE}", "id: K-0999")
    r = client.post(f"/candidates/{CANDIDATE}/edit", data=data)
    assert r.status_code == 422
    assert tp("a record keeps its id ({id}); create a new record instead", id=CANDIDATE) in r.text
    assert "K-0999" not in Store.open(db_path).ids("candidate")


def test_an_nrn_in_a_text_field_is_refused(client, db_path):
    data = _form(client, f"/candidates/{CANDIDATE}/edit")
    data["text"] += f"extra:\n  notes: rijksregister {NRN}\n"
    r = client.post(f"/candidates/{CANDIDATE}/edit", data=data)
    assert r.status_code == 422
    assert _problem(yaml.safe_load(data["text"])) in r.text
    assert "extra.notes" in r.text
    outside = re.sub(r"<textarea.*?</textarea>", "", r.text, flags=re.S)
    assert NRN in r.text and NRN not in outside  # kept as typed, never echoed in a message
    assert Store.open(db_path).candidate(CANDIDATE).extra == {}


def test_two_coaches_editing_the_same_candidate_the_second_gets_409(db_path):
    store = Store.open(db_path)
    accounts.add_user(store, "an.peeters", PASSWORD)
    accounts.add_user(store, "jan.desmet", PASSWORD)
    store.close()
    app = create_app(db_path)
    with TestClient(app, follow_redirects=False) as an, \
            TestClient(app, follow_redirects=False) as jan:
        for c, name in ((an, "an.peeters"), (jan, "jan.desmet")):
            r = c.post("/login", data={"csrf_token": csrf_of(c, "/login"), "name": name,
                                       "password": PASSWORD})
            assert r.status_code == 303
        first = _form(an, f"/candidates/{CANDIDATE}/edit")
        second = _form(jan, f"/candidates/{CANDIDATE}/edit")  # read before An saves
        first["text"] = first["text"].replace("age: 34", "age: 35")
        assert an.post(f"/candidates/{CANDIDATE}/edit", data=first).status_code == 303
        second["text"] = second["text"].replace("dutch_level: A2", "dutch_level: B1")
        r = jan.post(f"/candidates/{CANDIDATE}/edit", data=second)
        assert r.status_code == 409
        assert "an.peeters" in r.text  # the other person is named
        assert "dutch_level: B1" in _text_of(r.text)  # Jan's text is kept
        assert "age: 35" in r.text  # An's version is shown beside it
        assert 'name="revision" value="2"' in r.text
    cand = Store.open(db_path).candidate(CANDIDATE)
    assert cand.age == 35 and cand.dutch_level == "A2"  # An's change stays, Jan's is not saved


def test_edit_an_employer_with_its_functions(client, db_path):
    data = _form(client, f"/employers/{EMPLOYER}/edit")
    assert "functions:" in data["text"]
    data["text"] = data["text"].replace("title: Zaalmedewerker", "title: Zaalmedewerker (m/v/x)")
    r = client.post(f"/employers/{EMPLOYER}/edit", data=data)
    assert r.status_code == 303
    _emp, function = Store.open(db_path).function(f"{EMPLOYER}/zaalmedewerker")
    assert function.title == "Zaalmedewerker (m/v/x)"
    assert 'href="/employers/new"' in client.get("/employers").text


def test_create_a_candidate_from_the_template(client, db_path):
    data = _form(client, "/candidates/new")
    doc = yaml.safe_load(data["text"])
    assert re.fullmatch(r"K-\d{4}", doc["id"]) and doc["id"] not in Store.open(db_path).ids("candidate")
    assert "revision" not in data
    r = client.post("/candidates/new", data=data)
    assert r.status_code == 303 and r.headers["location"] == f"/candidates/{doc['id']}?saved=1"
    store = Store.open(db_path)
    assert store.candidate(doc["id"]).home.postcode == "9000"
    assert store.rows("select action from audit_log where target = ?",
                      [f"candidate:{doc['id']}"]) == [{"action": "candidate.create"}]
    assert 'href="/candidates/new"' in client.get("/candidates").text


def test_a_duplicate_id_is_refused(client, db_path):
    data = _form(client, "/candidates/new")
    doc = yaml.safe_load(data["text"])
    data["text"] = data["text"].replace(f"id: {doc['id']}", f"id: {CANDIDATE}")
    r = client.post("/candidates/new", data=data)
    assert r.status_code == 409
    assert tp("{id} exists already; choose another id or edit that record", id=CANDIDATE) in r.text
    assert Store.open(db_path).candidate(CANDIDATE).hours_per_week == 20  # not overwritten


def test_a_new_employer_needs_its_fields(client, db_path):
    data = _form(client, "/employers/new")
    r = client.post("/employers/new", data=data)  # the template's name and sector are empty
    assert r.status_code == 422
    assert _problem(yaml.safe_load(data["text"])) in r.text
    data["text"] = data["text"].replace("name: ''", "name: Bakkerij Test").replace(
        "sector: ''", "sector: voeding").replace("title: ''", "title: Bakkershulp")
    r = client.post("/employers/new", data=data)
    assert r.status_code == 303, r.text
    assert Store.open(db_path).employer("nieuwe-werkgever").functions[0].title == "Bakkershulp"


def test_the_forms_need_the_csrf_token(client, db_path):
    data = _form(client, f"/candidates/{CANDIDATE}/edit")
    r = client.post(f"/candidates/{CANDIDATE}/edit", data={**data, "csrf_token": "wrong"})
    assert r.status_code == 403
    assert Store.open(db_path).revision("candidate", CANDIDATE) == 1


def test_the_pages_are_dutch_by_default(dutch, client):
    page = client.get(f"/candidates/{CANDIDATE}").text
    assert f'href="/candidates/{CANDIDATE}/edit" id="edit-record">bewerken</a>' in page
    r = client.get(f"/candidates/{CANDIDATE}/edit")
    assert t("Edit candidate {id}", "nl", id=CANDIDATE) == f"Kandidaat {CANDIDATE} bewerken"
    assert f"Kandidaat {CANDIDATE} bewerken" in r.text
    data = _form(client, f"/candidates/{CANDIDATE}/edit")
    data["text"] = data["text"].replace(f"id: {CANDIDATE}", "id: K-0999")
    r = client.post(f"/candidates/{CANDIDATE}/edit", data=data)
    assert "een record behoudt zijn id" in r.text
