"""Erasing a candidate in the browser (issue 14): a confirmation page naming what goes, then
the same erasure as ``matchcore delete candidate``, with an audit line without personal data."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from matchcore.store import trajectories  # noqa: E402
from matchcore.store.db import Store  # noqa: E402
from matchcore.vocabulary.semantic import cache_for, text_hash  # noqa: E402
from matchcore.web import contacts  # noqa: E402

from .test_web import EMPLOYER, csrf_of, t  # noqa: E402
from .test_web_edit import client, db_path, template_db  # noqa: E402,F401

CID = "K-0002"
OTHER = "K-0003"
MARKER = "Herkenbare-Notitie-4410"


@pytest.fixture
def person(db_path):
    """K-0002 with a trajectory, a call, a note only they have, and an embedding of it."""
    store = Store.open(db_path)
    trajectories.change(store, CID, lambda tr: None, by="an")
    for cid in (CID, OTHER):
        contacts.record_call(store, user="an", employer_id=EMPLOYER, function_id=None,
                             function_title=None, candidate_id=cid, outcome="no",
                             note=f"over {cid} {MARKER}" if cid == CID else "over de ander")
    doc = store.db.execute("select doc from candidates where id = ?", [CID]).fetchone()[0]
    assert store.db.execute("select count(*) from trajectories where candidate_id = ?", [CID]).fetchone()[0] == 1
    store.close()
    with sqlite3.connect(db_path + ".vectors") as db:
        db.execute("create table if not exists vectors (model text, hash blob, q blob, scale real, "
                   "primary key (model, hash))")
        target = json.loads(doc)["job_targets"][0]
        db.executemany("insert into vectors values ('m', ?, x'00', 1.0)",
                       [(text_hash(target),), (text_hash("iets van iemand anders"),)])
    cache_for(Store.open(db_path)).memory.clear()
    return db_path


def test_the_candidate_page_has_the_erase_button_and_the_trajectory_link(client, person):
    html = client.get(f"/candidates/{CID}").text
    assert f'href="/candidates/{CID}/erase"' in html and t("Erase") in html
    assert f'href="/candidates/{CID}/traject"' in html and t("Trajectory") in html


def test_the_confirmation_names_what_will_be_removed_and_removes_nothing(client, person):
    r = client.get(f"/candidates/{CID}/erase")
    assert r.status_code == 200
    tables = re.findall(r'data-table="(\w+)"', r.text)
    assert {"candidates", "trajectories", "contact_log", "match_cache", "vectors"} <= set(tables)
    assert t("contact-log entries about them") in r.text and t("their trajectory (phases, placement, aftercare)") in r.text
    assert 'action="/candidates/K-0002/erase"' in r.text and 'name="csrf_token"' in r.text
    store = Store.open(person)
    assert CID in store.ids("candidate")


def test_erasure_removes_the_person_trajectory_contacts_and_vectors(client, person):
    token = csrf_of(client, f"/candidates/{CID}/erase")
    r = client.post(f"/candidates/{CID}/erase", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == f"/candidates?erased={CID}"
    page = client.get(r.headers["location"]).text
    assert t("Candidate {id} was erased, with everything stored about them.", id=CID) in page
    store = Store.open(person)
    q = lambda sql, *a: store.db.execute(sql, list(a)).fetchall()  # noqa: E731
    assert CID not in store.ids("candidate") and OTHER in store.ids("candidate")
    assert q("select * from trajectories where candidate_id = ?", CID) == []
    assert q("select candidate_id from contact_log") == [(OTHER,)]  # the other's call stays
    assert q("select * from candidate_competences where candidate_id = ?", CID) == []
    assert q("select * from match_cache") == []
    audit = q("select user_name, action, target, detail from audit_log where target like ? or detail like ?",
              f"%{CID}%", f"%{CID}%")
    assert [a[:3] for a in audit] == [("local", "candidate.erase", f"candidate:{CID}")]
    detail = json.loads(audit[0][3])
    assert set(detail) == {"rows"} and detail["rows"]["candidates"] == 1
    assert detail["rows"]["trajectories"] == 1 and detail["rows"]["contact_log"] == 1
    assert MARKER not in audit[0][3]
    with sqlite3.connect(person + ".vectors") as db:
        left = [r[0] for r in db.execute("select hash from vectors")]
    assert left == [text_hash("iets van iemand anders")]
    store.close()
    assert client.get(f"/candidates/{CID}").status_code == 404


def test_erasure_needs_the_csrf_token(client, person):
    client.get(f"/candidates/{CID}/erase")
    assert client.post(f"/candidates/{CID}/erase", data={}).status_code == 403
    assert client.post(f"/candidates/{CID}/erase", data={"csrf_token": "forged"}).status_code == 403
    assert CID in Store.open(person).ids("candidate")


def test_erasing_someone_not_there_is_404(client, person):
    token = csrf_of(client)
    assert client.get("/candidates/K-9999/erase").status_code == 404
    assert client.post("/candidates/K-9999/erase", data={"csrf_token": token}).status_code == 404
