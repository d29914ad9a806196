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
PUBLIC = {"/login", "/language", "/favicon.ico"}


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
        assert c.cookies.get("matchcore_session") is None  # a visitor has no session
        _login(c)
        before = c.cookies.get("matchcore_session")
        _login(c)  # logging in again (e.g. as someone else) ends the first session
        after = c.cookies.get("matchcore_session")
        assert before and after and before != after
        store = Store.open(team_db)
        assert store.db.execute("select count(*) from sessions").fetchone()[0] == 1
        store.close()
        token = csrf_of(c)
        assert c.post("/logout", data={"csrf_token": token}).status_code == 303
        assert c.get("/candidates").status_code == 303
    store = Store.open(team_db)
    actions = [r["action"] for r in store.rows("select action from audit_log order by id")]
    assert store.db.execute("select count(*) from sessions").fetchone()[0] == 0
    store.close()
    assert actions[-3:] == ["login", "login", "logout"]


def test_a_wrong_password_is_refused_and_the_name_typed_is_kept(team_app):
    with TestClient(team_app, follow_redirects=False) as c:
        r = _login(c, password="wrong password!")
        assert r.status_code == 401 and "Unknown user name or wrong password" in r.text
        assert 'value="an.peeters"' in r.text  # the name typed is kept
        assert _login(c, name="nobody", password="x" * 12).status_code == 401
        assert _login(c).status_code == 303  # two failures: no wait yet


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
    with TestClient(app, client=("192.0.2.7", 50000), base_url="http://127.0.0.1") as remote:
        r = remote.get("/")
        assert r.status_code == 403 and "matchcore user add" in r.text
    with TestClient(app, client=("127.0.0.1", 50000), base_url="http://127.0.0.1") as local:
        assert local.get("/").status_code == 200


def _cli(monkeypatch):
    from matchcore.cli import root as cli

    monkeypatch.setitem(cli.LAZY_COMMANDS, "serve", "matchcore.cli.web:serve")
    monkeypatch.setitem(cli.LAZY_COMMANDS, "user", "matchcore.cli.web:user")
    return cli.main


def test_serve_refuses_a_non_loopback_address_without_accounts(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHCORE_LANG", "en")  # the English wording of the CLI
    main = _cli(monkeypatch)
    db = str(tmp_path / "s.db")
    Store.open(db).close()
    r = CliRunner().invoke(main, ["--db", db, "serve", "--host", "0.0.0.0"], obj={})
    assert r.exit_code == 1
    assert "refusing to listen on 0.0.0.0" in r.output and "matchcore user add" in r.output


def test_user_commands_add_list_passwd_remove(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHCORE_LANG", "en")  # the English wording of the CLI
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


# --- the Host header (DNS rebinding) ---------------------------------------------------------

@pytest.mark.parametrize("base_url, status", [
    ("http://127.0.0.1:8000", 200), ("http://localhost:8000", 200), ("http://[::1]:8000", 200),
    ("http://LOCALHOST.", 200), ("http://matchcore.team.lan:8443", 200),
    ("http://evil.example", 400), ("http://127.0.0.1.evil.example", 400),
    ("http://matchcore.team.lan.evil.example", 400), ("http://testserver", 400),
])
def test_only_the_allowed_host_names_are_answered(tmp_path, base_url, status):
    path = tmp_path / "local.db"
    Store.open(path).close()
    app = create_app(str(path), allowed_hosts=["matchcore.team.lan"])
    # a real connection's client is an IP address (here loopback, as for a rebinding attack)
    with TestClient(app, base_url=base_url, client=("127.0.0.1", 50000)) as c:
        for url in ("/", "/static/app.js", "/login"):
            r = c.get(url)
            assert r.status_code == status, (url, r.status_code)
        if status == 400:
            assert "--allowed-host" in r.text
            token = c.cookies.get("matchcore_visitor")
            assert token is None  # refused before anything else happens


def test_serve_takes_allowed_hosts_from_the_option_and_the_environment(tmp_path, monkeypatch):
    from matchcore.web import serving
    from matchcore.web.security import Guard

    monkeypatch.setenv("MATCHCORE_LANG", "en")  # the English wording of the CLI
    main = _cli(monkeypatch)
    db = str(tmp_path / "h.db")
    Store.open(db).close()
    seen = {}
    monkeypatch.setattr(serving, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setenv("MATCHCORE_ALLOWED_HOSTS", "intra.example, Other.Example")
    r = CliRunner().invoke(main, ["--db", db, "serve", "--host", "127.0.0.2", "--allowed-host",
                                  "matchcore.team.lan:8000"], obj={})
    assert r.exit_code == 0, r.output
    guard = next(m for m in seen["app"].user_middleware if m.cls is Guard)
    assert set(guard.kwargs["allowed_hosts"]) == {"matchcore.team.lan", "intra.example",
                                                  "other.example", "127.0.0.2"}
    r = CliRunner().invoke(main, ["--db", db, "serve", "--allowed-host", "bad name"], obj={})
    assert r.exit_code == 1 and r.output.count("\n") == 1
    assert "--allowed-host: 'bad name' is not a host name" in r.output


# --- no writes on a GET --------------------------------------------------------------------

def _web_tables(path):
    store = Store.open(path)
    try:
        return {t: store.rows(f"select * from {t}") for t in ("sessions", "audit_log", "users")}
    finally:
        store.close()


def test_reading_pages_writes_nothing(team_app, team_db, bundled_store):
    local = bundled_store.path  # the bundled data, no accounts
    pages = ["/", "/candidates", f"/employers/{EMPLOYER}", "/scans", f"/scans/{SCAN}", "/audit",
             "/login", f"/callsheet?candidate={CANDIDATE}&function={FUNCTION}"]
    before = _web_tables(local)
    with TestClient(create_app(str(local)), follow_redirects=False) as c:  # accounts off
        for url in pages:
            assert c.get(url).status_code == 200, url
        assert c.cookies.get("matchcore_visitor")  # the CSRF token comes from a cookie
    assert _web_tables(local) == before and not before["sessions"]
    before = _web_tables(team_db)
    for _ in range(3):  # anonymous visitors, each new
        with TestClient(team_app, follow_redirects=False) as anon:
            assert anon.get("/login").status_code == 200
            assert anon.get("/candidates").status_code == 303
    assert _web_tables(team_db) == before


def test_a_session_slides_on_writes_not_on_reads(team_app, team_db):
    with TestClient(team_app, follow_redirects=False) as c:
        _login(c)
        store = Store.open(team_db)
        with store.write(bump=False):  # as if the last save were an hour ago
            store.db.execute("update sessions set last_seen_at = '2000-01-01T00:00:00+00:00'")
        store.close()
        before = _web_tables(team_db)
        for url in ("/", "/candidates", f"/employers/{EMPLOYER}"):
            assert c.get(url).status_code == 200
        assert _web_tables(team_db) == before
        token = csrf_of(c)
        r = c.post(f"/employers/{EMPLOYER}/calls", data={"csrf_token": token, "outcome": "no"})
        assert r.status_code == 303
    (session,) = _web_tables(team_db)["sessions"]
    assert session["last_seen_at"] > "2001"


def test_a_post_needs_the_csrf_token_of_this_visitor(team_app):
    with TestClient(team_app, follow_redirects=False) as a, \
            TestClient(team_app, follow_redirects=False) as b:
        token_a = csrf_of(a, "/login")
        csrf_of(b, "/login")
        r = b.post("/login", data={"csrf_token": token_a, "name": "an.peeters", "password": PASSWORD})
        assert r.status_code == 403 and "CSRF" in r.text
        a.cookies.clear()
        a.cookies.set("matchcore_visitor", "forged-visitor-id-0123456789")
        r = a.post("/login", data={"csrf_token": token_a, "name": "an.peeters", "password": PASSWORD})
        assert r.status_code == 403


# --- login throttling and the bound on password hashing --------------------------------------

@pytest.mark.parametrize("failures, wait", [
    (0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (12, 512), (13, 900), (40, 900),  # 900 s: the cap
])
def test_the_wait_grows_after_three_failures_from_one_address(failures, wait):
    from matchcore.web.logins import BY_ADDRESS

    assert BY_ADDRESS.delay(failures) == wait


def _parallel(n, fn):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(fn, range(n)))


def _client(app, address):
    return TestClient(app, follow_redirects=False, base_url="http://127.0.0.1",
                      client=(address, 40000))


def test_parallel_wrong_logins_cannot_slip_past_the_throttle(team_app, monkeypatch):
    from matchcore.web import accounts as acc
    from matchcore.web import logins

    monkeypatch.setattr(logins, "HASH_WAIT_S", 30)  # every attempt gets its turn to hash
    checked = []
    real = acc.verify_password
    monkeypatch.setattr(acc, "verify_password", lambda *a: checked.append(a[1]) or real(*a))
    with _client(team_app, "198.51.100.7") as stranger:
        token = csrf_of(stranger, "/login")
        form = {"csrf_token": token, "name": "an.peeters", "password": "a wrong guess"}
        codes = _parallel(20, lambda _: stranger.post("/login", data=form).status_code)
        assert codes.count(401) == 3 and len(checked) == 3  # 3 guesses checked, not 20
        assert codes.count(429) == 17
        r = stranger.post("/login", data={**form, "password": PASSWORD})
        assert r.status_code == 429 and "wait" in r.text and int(r.headers["retry-after"]) >= 1
        assert len(checked) == 3  # not even the right password is tried while it waits
    with _client(team_app, "203.0.113.9") as coach:  # the coach, from her own computer
        assert _login(coach).status_code == 303


def test_the_waits_grow_and_are_forgotten_and_an_account_is_never_locked(team_app):
    now = [1000.0]
    team_app.state.logins.clock = lambda: now[0]
    wrong = {"name": "an.peeters", "password": "a wrong guess"}
    with _client(team_app, "198.51.100.7") as stranger:
        token = csrf_of(stranger, "/login")

        def guess():
            return stranger.post("/login", data={**wrong, "csrf_token": token})
        assert [guess().status_code for _ in range(3)] == [401, 401, 401]
        r = guess()
        assert (r.status_code, r.headers["retry-after"]) == (429, "1")
        now[0] += 1.1
        assert guess().status_code == 401
        assert guess().headers["retry-after"] == "2"  # doubled
        now[0] += 3601  # an hour without failures: forgotten
        assert guess().status_code == 401
    # guessing one account from many addresses: the account waits too, but at most a minute
    for i in range(12):
        with _client(team_app, f"192.0.2.{i + 1}") as c:
            c.post("/login", data={**wrong, "csrf_token": csrf_of(c, "/login")})
    with _client(team_app, "203.0.113.9") as coach:
        r = _login(coach)
        assert r.status_code == 429 and int(r.headers["retry-after"]) <= 60
        now[0] += 61
        assert _login(coach).status_code == 303  # then she is in, and the count is cleared
    with _client(team_app, "192.0.2.99") as c:
        assert c.post("/login", data={**wrong, "csrf_token": csrf_of(c, "/login")}).status_code == 401


def test_at_most_two_passwords_are_hashed_at_once(team_app, monkeypatch):
    import threading
    import time

    from matchcore.web import accounts as acc

    lock, running, most = threading.Lock(), [0], [0]

    def slow_verify(store, name, password):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.4)  # an argon2 hash on a slow machine
        with lock:
            running[0] -= 1
        return False

    monkeypatch.setattr(acc, "verify_password", slow_verify)
    clients = [_client(team_app, f"192.0.2.{i + 1}") for i in range(8)]
    try:
        tokens = [csrf_of(c, "/login") for c in clients]
        responses = _parallel(8, lambda i: clients[i].post("/login", data={
            "csrf_token": tokens[i], "name": "nobody", "password": "whatever it is"}))
    finally:
        for c in clients:
            c.close()
    codes = [r.status_code for r in responses]
    assert most[0] == 2 and set(codes) == {401, 503}
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.headers["retry-after"] == "1" and "busy" in busy.text


def test_a_failed_login_never_stores_a_name_that_is_no_account(team_app, team_db):
    typed = "Tr0ub4dor&3-my-password"
    with TestClient(team_app, follow_redirects=False) as c:
        _login(c, name=typed, password="whatever it is")
        _login(c, password="wrong password!")
        store = Store.open(team_db)
        with store.write(bump=False):  # a line as older versions wrote it
            store.db["audit_log"].insert({"at": "2025-01-01T00:00:00+00:00", "user_name": "anonymous",
                                          "action": "login.failed", "target": "user:older-S3cret"})
        dump = "\n".join(str(r) for r in store.rows("select * from audit_log"))
        store.close()
        assert typed not in dump and typed.lower() not in dump
        _login(c)
        page = c.get("/audit").text
        assert "unknown user" in page and "user:an.peeters" in page
        assert typed not in page and "older-S3cret" not in page
        assert "Nothing changed yet" in c.get("/audit?target=user:older-S3cret").text
