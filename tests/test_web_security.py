"""Security of the web app: accounts, login, sessions, CSRF, loopback-only without accounts,
and the audit log. Candidates' data is personal: anonymous requests must get nothing."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from click.testing import CliRunner  # noqa: E402
from starlette.routing import Mount, Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from matchcore.store.db import Store  # noqa: E402
from matchcore.web import accounts  # noqa: E402
from matchcore.web.app import create_app  # noqa: E402

from .test_web import CANDIDATE, EMPLOYER, FUNCTION, SCAN, csrf_of  # noqa: E402

PASSWORD = "correct horse battery"
PARAMS = {"cid": CANDIDATE, "fid": FUNCTION, "eid": EMPLOYER, "sid": SCAN, "tid": "t01",
          "job": "nojob"}
PUBLIC = {"/login", "/favicon.ico"}


@pytest.fixture(scope="module")
def team_template(tmp_path_factory):
    from matchcore.store.io import import_paths

    from .test_web import ROOT

    path = tmp_path_factory.mktemp("team") / "team.db"
    store = Store.open(path)
    import_paths(store, [ROOT / "profiles", ROOT / "scans"])
    accounts.add_user(store, "an.peeters", PASSWORD)
    store.close()
    return path


@pytest.fixture
def team_db(team_template, tmp_path):
    """The bundled data with one team account ("accounts on"); a fresh copy per test."""
    import shutil

    path = tmp_path / "team.db"
    shutil.copy(team_template, path)
    return str(path)


@pytest.fixture
def team_app(team_db):
    return create_app(team_db)


def _routes(app):
    """Every (method, concrete path) the app answers, path parameters filled with real ids."""
    out = []
    for route in app.routes:
        if isinstance(route, Mount) or not isinstance(route, Route):
            continue
        path = route.path
        for name, value in PARAMS.items():
            path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", value, path)
        assert "{" not in path, f"no test value for a parameter of {route.path}"
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, path, route.path))
    return out


def _login(client, name="an.peeters", password=PASSWORD):
    token = csrf_of(client, "/login")
    return client.post("/login", data={"csrf_token": token, "name": name, "password": password})


def test_an_anonymous_request_to_every_page_and_form_is_refused_when_accounts_are_on(team_app):
    routes = _routes(team_app)
    assert len(routes) >= 25
    checked = set()
    with TestClient(team_app, follow_redirects=False) as anon:
        for method, path, pattern in routes:
            if pattern in PUBLIC:
                continue
            r = anon.request(method, path, data={"csrf_token": "x", "q": "K"})
            if method == "GET":
                assert r.status_code == 303, (method, path, r.status_code)
                assert r.headers["location"].startswith("/login?next=")
                r = anon.get(path, headers={"HX-Request": "true"})
                assert r.status_code == 401 and r.headers.get("hx-redirect") == "/login"
            else:
                assert r.status_code == 403, (method, path, r.status_code)
            assert "K-00" not in r.text  # not one byte of candidates' data
            checked.add((method, pattern))
    every = {(m, p) for m, _, p in routes if p not in PUBLIC}
    assert checked == every


def test_after_login_the_pages_open_and_forms_work(team_app):
    with TestClient(team_app, follow_redirects=False) as c:
        r = _login(c)
        assert r.status_code == 303 and r.headers["location"] == "/"
        for method, path, pattern in _routes(team_app):
            if method == "GET" and pattern not in ("/assign/{job}",):
                assert c.get(path).status_code == 200, path
        token = csrf_of(c)
        r = c.post(f"/employers/{EMPLOYER}/calls", data={"csrf_token": token, "outcome": "no"})
        assert r.status_code == 303


def test_session_cookie_is_httponly_and_samesite(team_app):
    with TestClient(team_app, follow_redirects=False) as c:
        r = _login(c)
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("matchcore_session=")
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
        first = c.get("/").headers
        assert first["x-frame-options"] == "DENY" and first["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in first["content-security-policy"]


def test_the_login_rotates_the_session_and_logout_ends_it(team_app, team_db):
    with TestClient(team_app, follow_redirects=False) as c:
        c.get("/login")
        before = c.cookies.get("matchcore_session")
        _login(c)
        after = c.cookies.get("matchcore_session")
        assert before and after and before != after
        token = csrf_of(c)
        assert c.post("/logout", data={"csrf_token": token}).status_code == 303
        assert c.get("/candidates").status_code == 303
    store = Store.open(team_db)
    actions = [r["action"] for r in store.rows("select action from audit_log order by id")]
    store.close()
    assert actions[-2:] == ["login", "logout"]


def test_a_wrong_password_is_refused_and_five_failures_lock_the_name(team_app):
    with TestClient(team_app, follow_redirects=False) as c:
        r = _login(c, password="wrong password!")
        assert r.status_code == 401 and "Unknown user name or wrong password" in r.text
        assert 'value="an.peeters"' in r.text  # the name typed is kept
        assert _login(c, name="nobody", password="x" * 12).status_code == 401
        for _ in range(4):
            _login(c, password="wrong password!")
        r = _login(c)  # even the right password, while locked
        assert r.status_code == 401 and "Too many failed logins" in r.text


def test_the_login_form_never_redirects_to_another_site(team_app):
    with TestClient(team_app, follow_redirects=False) as c:
        token = csrf_of(c, "/login")
        r = c.post("/login?next=//evil.example/x", data={"csrf_token": token, "name": "an.peeters",
                                                         "password": PASSWORD})
        assert r.headers["location"] == "/"


def test_passwords_are_stored_as_argon2_hashes(team_db):
    store = Store.open(team_db)
    (hashed,) = store.db.execute("select password_hash from users").fetchone()
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert accounts.verify_password(store, "an.peeters", PASSWORD)
    assert not accounts.verify_password(store, "an.peeters", PASSWORD + "!")
    with pytest.raises(accounts.AccountError, match="at least 10 characters"):
        accounts.add_user(store, "jan", "short")
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.add_user(store, "an.peeters", PASSWORD)
    with pytest.raises(accounts.AccountError, match="lowercase"):
        accounts.add_user(store, "An Peeters", PASSWORD)
    store.close()


def test_a_removed_account_is_logged_out(team_app, team_db):
    with TestClient(team_app, follow_redirects=False) as c:
        _login(c)
        assert c.get("/candidates").status_code == 200
        store = Store.open(team_db)
        accounts.add_user(store, "jan.desmet", PASSWORD)  # accounts stay on
        accounts.remove_user(store, "an.peeters")
        store.close()
        assert c.get("/candidates").status_code == 303


def test_every_form_needs_the_csrf_token_also_for_the_local_user(tmp_path):
    path = tmp_path / "local.db"
    Store.open(path).close()
    app = create_app(str(path))
    with TestClient(app, follow_redirects=False) as c:
        c.get("/")
        r = c.post("/assign", data={"min_score": "0.5"})
        assert r.status_code == 403 and "CSRF" in r.text
        r = c.post("/assign", data={"min_score": "0.5", "csrf_token": "forged"})
        assert r.status_code == 403
        token = csrf_of(c)
        # the header htmx sends counts as well as the form field
        r = c.post("/assign", data={"min_score": "7"}, headers={"X-CSRF-Token": token})
        assert r.status_code == 422
        r = c.post("/assign", data={"min_score": "7", "csrf_token": token},
                   headers={"Origin": "http://evil.example"})
        assert r.status_code == 403 and "another site" in r.text


def test_without_accounts_only_loopback_clients_are_served(tmp_path):
    path = tmp_path / "local.db"
    Store.open(path).close()
    app = create_app(str(path))
    with TestClient(app, client=("192.0.2.7", 50000)) as remote:
        r = remote.get("/")
        assert r.status_code == 403 and "matchcore user add" in r.text
    with TestClient(app, client=("127.0.0.1", 50000)) as local:
        assert local.get("/").status_code == 200


def _cli(monkeypatch):
    from matchcore.cli import root as cli

    monkeypatch.setitem(cli.LAZY_COMMANDS, "serve", "matchcore.cli.web:serve")
    monkeypatch.setitem(cli.LAZY_COMMANDS, "user", "matchcore.cli.web:user")
    return cli.main


def test_serve_refuses_a_non_loopback_address_without_accounts(tmp_path, monkeypatch):
    main = _cli(monkeypatch)
    db = str(tmp_path / "s.db")
    r = CliRunner().invoke(main, ["--db", db, "serve", "--host", "0.0.0.0"], obj={})
    assert r.exit_code == 1
    assert "refusing to listen on 0.0.0.0" in r.output and "matchcore user add" in r.output


def test_user_commands_add_list_passwd_remove(tmp_path, monkeypatch):
    main = _cli(monkeypatch)
    db = str(tmp_path / "u.db")
    runner = CliRunner()
    r = runner.invoke(main, ["--db", db, "user", "add", "an.peeters"],
                      input=f"{PASSWORD}\n{PASSWORD}\n", obj={})
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--db", db, "user", "add", "jan", "--password-stdin"],
                      input="kort\n", obj={})
    assert r.exit_code == 1 and "error: the password must have at least 10" in r.output
    r = runner.invoke(main, ["--db", db, "user", "list", "--json"], obj={})
    assert '"name": "an.peeters"' in r.output and "argon2" not in r.output
    r = runner.invoke(main, ["--db", db, "user", "passwd", "an.peeters", "--password-stdin"],
                      input="another long password\n", obj={})
    assert r.exit_code == 0
    store = Store.open(db)
    assert accounts.verify_password(store, "an.peeters", "another long password")
    store.close()
    r = runner.invoke(main, ["--db", db, "user", "remove", "jan"], obj={})
    assert r.exit_code == 1 and "no such user: 'jan'" in r.output
    r = runner.invoke(main, ["--db", db, "user", "remove", "an.peeters"], obj={})
    assert r.exit_code == 0 and "no accounts left" in r.output


def test_the_audit_log_says_who_changed_what(team_app, team_db):
    with TestClient(team_app, follow_redirects=False) as c:
        _login(c)
        token = csrf_of(c, f"/scans/{SCAN}")
        r = c.post(f"/scans/{SCAN}/tasks", data={
            "csrf_token": token, "description": "Kaai vegen", "role": "dokwerker",
            "volume": "hours", "hours_per_week": "5", "complexity": "1"})
        assert r.status_code == 303
        page = c.get("/audit").text
    assert "an.peeters" in page and "task.add" in page and f"scan:{SCAN}/task:" in page
