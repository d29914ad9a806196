"""The web app's jobhunter pages, through Starlette's test client on the bundled data."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from markupsafe import Markup, escape  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from matchcore.i18n import _, use_language  # noqa: E402
from matchcore.store.db import Store  # noqa: E402
from matchcore.web import callsheet, contacts  # noqa: E402
from matchcore.web.app import create_app  # noqa: E402

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
CANDIDATE = "K-0001"
FUNCTION = "brasserie-de-kaai/afwasser"
EMPLOYER = "brasserie-de-kaai"
SCAN = "haven-2025-03"


@pytest.fixture(scope="module")
def web_db(tmp_path_factory):
    """A database with the bundled profiles and scans, shared by a module's tests."""
    from matchcore.store.io import import_paths

    path = tmp_path_factory.mktemp("web") / "web.db"
    store = Store.open(path)
    import_paths(store, [ROOT / "profiles", ROOT / "scans"])
    store.close()
    return str(path)


@pytest.fixture(scope="module")
def app(web_db):
    return create_app(web_db)


@pytest.fixture
def client(app):
    with TestClient(app, follow_redirects=False) as c:
        yield c


@pytest.fixture
def db(web_db):
    s = Store.open(web_db)
    yield s
    s.close()


def csrf_of(client, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a page's form field."""
    html = client.get(path).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'"X-CSRF-Token": "([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def t(msgid: str, lang: str | None = None, **fields) -> str:
    """A template's text as the page shows it: the message in ``lang`` (default: the one the
    test runs in, English unless it asks for the ``dutch`` fixture) with its fields filled and
    escaped, as Jinja2's newstyle gettext does (the translation itself is trusted, not escaped)."""
    with use_language(lang):
        text = _(msgid)
    return str(Markup(text).format(**fields))


def tp(msgid: str, lang: str | None = None, **fields) -> str:
    """A message made in Python (a field's error, a page title) as the page shows it: translated,
    filled, then escaped as a whole."""
    with use_language(lang):
        text = _(msgid)
    return str(escape(text.format(**fields) if fields else text))


def assert_clean(response):
    """No traceback, no framework error text in what a user sees."""
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


# --- pages ---------------------------------------------------------------------------------

PAGES = ["/", "/candidates", f"/candidates/{CANDIDATE}", "/functions", f"/functions/{FUNCTION}",
         "/employers", f"/employers/{EMPLOYER}", "/callsheet",
         f"/callsheet?candidate={CANDIDATE}&function={FUNCTION}", "/assign", "/scans",
         "/scans/new", f"/scans/{SCAN}", f"/scans/{SCAN}/carve?max_complexity=2",
         f"/scans/{SCAN}/tasks/t01/edit", "/audit", "/login"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_for_the_single_local_user(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert_clean(r)
    assert "<html" in r.text


def test_pages_are_readable_without_javascript_everything_is_in_the_html(client):
    html = client.get(f"/candidates/{CANDIDATE}").text
    # the match list, its bars and the instruments are server-rendered, not fetched by script
    assert 'class="match' in html and 'class="bar"' in html and 'class="data instruments"' in html


def test_candidate_search_by_id_by_target_and_by_competence(client):
    assert "K-0002" in client.get("/candidates?q=K-0002&field=id").text
    by_target = client.get("/candidates?q=keukenhulp&field=target").text
    assert CANDIDATE in by_target and t("job target") in by_target
    by_comp = client.get("/candidates?q=heftruck&field=competence").text
    assert "K-0002" in by_comp and tp("competence: {names}", names="heftruck rijden") in by_comp
    assert t("No candidate found for “{q}”.", q="zzzz-nothing") in client.get("/candidates?q=zzzz-nothing").text


def test_search_as_you_type_returns_only_the_rows_to_htmx(client):
    r = client.get("/candidates?q=heftruck", headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text and "K-0002" in r.text


def test_candidate_page_shows_ranked_functions_with_breakdown_gaps_and_instruments(client):
    html = client.get(f"/candidates/{CANDIDATE}?top=5&include_excluded=on").text
    assert html.count('<li class="match') == 5
    assert 'class="components"' in html and t("required competences") in html
    assert t("Matched") in html
    assert t("Missing, required") in html or t("Missing, optional") in html
    assert 'class="data instruments"' in html
    assert t("eligible") in html or t("unknown") in html
    assert "€" in html  # a monthly cost to the employer
    # the normal hire is the comparison, shown first and not as an instrument to choose
    assert '<tr class="baseline"><td>' + t("normal hire") in html
    assert t("Net employer cost / month") in html and t("Feasibility") in html
    assert f"/callsheet?candidate={CANDIDATE}&amp;function=" in html


def test_excluded_functions_show_their_reasons(client):
    html = client.get("/candidates/K-0002?top=40&include_excluded=on").text
    assert t("Excluded because") in html and t("excluded") in html


def test_bad_filter_gets_a_message_next_to_the_field_not_an_error_page(client):
    r = client.get(f"/candidates/{CANDIDATE}?top=veel&max_distance_km=-3&on=morgen")
    assert r.status_code == 200
    assert tp("must be a whole number from 1 to 500, got {value!r}", value="veel") in r.text
    assert tp("must be a number of km above 0, got {value!r}", value="-3") in r.text
    assert tp("must be a date written dd/mm/yyyy, got {value!r}", value="morgen") in r.text
    assert_clean(r)


def test_reverse_view_lists_candidates_for_a_function(client):
    html = client.get(f"/functions/{FUNCTION}?top=3&include_excluded=on").text
    assert t("Candidates that fit") in html
    assert html.count('<li class="match') == 3
    assert "/candidates/K-" in html


def test_unknown_ids_give_a_not_found_page_with_a_suggestion(client):
    r = client.get("/candidates/K-00O1")
    assert r.status_code == 404
    assert "K-0001" in r.text  # the suggestion
    assert_clean(r)
    assert client.get("/functions/nope/nothing").status_code == 404
    assert client.get("/no/such/page").status_code == 404


def test_a_crash_shows_a_friendly_page_without_traceback(app, monkeypatch):
    from matchcore.web import views_jobhunter

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views_jobhunter, "search_candidates", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/candidates?q=x")
    assert r.status_code == 500
    assert tp("Something went wrong") in r.text
    assert "secret internals" not in r.text and "Traceback" not in r.text


# --- call sheet and contact log ------------------------------------------------------------

def test_call_sheet_prepares_the_ten_steps(client):
    html = client.get(f"/callsheet?candidate={CANDIDATE}&function={FUNCTION}").text
    assert html.count('<li><h2>') == 10
    for step in callsheet.STEPS:  # seed 001's ten steps, in the page's language
        assert tp(step) in html
    assert "An Peeters" in html and "09 123 45 67" in html  # the contact person
    assert t("Strengths (in the employer's words)") in html
    assert "afwassen" in html  # the employer's word, not the candidate's "afwas doen"
    assert t("Gap") in html and t("Instrument that lowers the risk") in html
    assert t("Questions to ask") in html and tp(callsheet.STANDARD_QUESTIONS[1]) in html
    assert 'name="feedback_date"' in html and 'form="call-outcome"' in html
    # the normal hire is the comparison, the best instrument shows its net cost and feasibility
    assert 'id="baseline"' in html and 'id="best-instrument"' in html
    assert t("net cost for the employer after premiums") in html and t("In practice:") in html
    assert "@media print" in client.get("/static/app.css").text


def test_call_sheet_without_both_ids_asks_for_them(client):
    r = client.get(f"/callsheet?candidate={CANDIDATE}")
    assert r.status_code == 400 and t("is required") in r.text


def test_call_outcome_is_logged_per_employer_and_shown_on_its_page(client, db):
    token = csrf_of(client)
    r = client.post(f"/employers/{EMPLOYER}/calls", data={
        "csrf_token": token, "outcome": "appointment", "outcome_date": "2026-03-10",
        "feedback_date": "2026-03-12", "function": FUNCTION, "candidate": CANDIDATE,
        "note": "gesprek bij An"})
    assert r.status_code == 303
    page = client.get(f"/employers/{EMPLOYER}").text
    assert "gesprek bij An" in page and t("appointment") in page
    assert "12/03/2026" in page  # Belgian dates: day first
    audit_rows = db.rows("select * from audit_log where action = 'call.record' and target = ?",
                         [f"employer:{EMPLOYER}"])
    assert audit_rows and audit_rows[-1]["user_name"] == "local"


def test_bad_call_outcome_keeps_what_was_typed(client):
    token = csrf_of(client)
    r = client.post(f"/employers/{EMPLOYER}/calls", data={
        "csrf_token": token, "outcome": "call_back", "outcome_date": "",
        "feedback_date": "volgende week", "note": "terugbellen na de zomer"})
    assert r.status_code == 422
    assert tp("give the date to call back on") in r.text
    assert tp("must be a date written dd/mm/yyyy, got {value!r}", value="volgende week") in r.text
    assert "terugbellen na de zomer" in r.text
    assert 'id="outcome-call_back" checked' in r.text


def test_the_call_sheet_warns_when_the_employer_was_called_about_this_kind_of_function_in_the_last_week(db):
    now = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.timezone.utc)
    emp = "hotel-zeezicht"
    contacts.record_call(db, user="an", employer_id=emp, function_id=f"{emp}/x",
                         function_title="Afwasser / keukenhulp", candidate_id="K-0001",
                         outcome="no", at=now - dt.timedelta(days=3))
    contacts.record_call(db, user="jan", employer_id=emp, function_id=f"{emp}/y",
                         function_title="Kamermeisje", candidate_id="K-0003",
                         outcome="cv_sent", at=now - dt.timedelta(days=2))
    contacts.record_call(db, user="an", employer_id=emp, function_id=f"{emp}/x",
                         function_title="Afwasser / keukenhulp", candidate_id="K-0004",
                         outcome="no", at=now - dt.timedelta(days=9))
    recent = contacts.recent_similar_calls(db, emp, function_id=f"{emp}/z",
                                           function_title="Keukenhulp", now=now)
    assert [r["candidate_id"] for r in recent] == ["K-0001"]  # same kind, within 7 days
    assert contacts.recent_similar_calls(db, emp, function_id=None, function_title="Receptionist",
                                         now=now) == []


def test_the_call_sheet_shows_the_warning(client, db):
    contacts.record_call(db, user="an", employer_id="brasserie-de-kaai", function_id=FUNCTION,
                         function_title="Afwasser / keukenhulp", candidate_id="K-0003",
                         outcome="cv_sent")
    html = client.get(f"/callsheet?candidate={CANDIDATE}&function={FUNCTION}").text
    assert 'id="recent-calls"' in html and "K-0003" in html
    assert t("Talk to your colleague first before you call again.") in html


@pytest.mark.parametrize("a, b, same", [
    ("Afwasser / keukenhulp", "keukenhulp", True),
    ("Heftruckchauffeur", "heftruckchauffeur (nacht)", True),
    ("Afwasser", "Zaalmedewerker", False),
    ("Kamermeisje", "", False),
])
def test_same_kind_of_function(a, b, same):
    assert contacts.same_kind(a, b) is same


# --- team assignment -----------------------------------------------------------------------

def test_team_assignment_runs_in_the_background_with_progress_then_results(client):
    token = csrf_of(client, "/assign")
    r = client.post("/assign", data={"csrf_token": token, "min_score": "0,4"})
    assert r.status_code == 303
    url = r.headers["location"]
    deadline = time.time() + 30
    while True:
        page = client.get(url)
        assert page.status_code == 200
        if 'hx-trigger="every 1s"' not in page.text:  # still running: the page asks again
            break
        assert "<progress" in page.text
        assert time.time() < deadline, "the assignment did not finish in 30 s"
        time.sleep(0.2)
    assert 'class="saved" id="job-status"' in page.text and t("Assignments") in page.text
    assert "/callsheet?candidate=" in page.text
    partial = client.get(url, headers={"HX-Request": "true"}).text
    assert "<html" not in partial and 'id="assign-job"' in partial


def test_team_assignment_bad_input_is_shown_next_to_the_fields(client):
    token = csrf_of(client, "/assign")
    r = client.post("/assign", data={"csrf_token": token, "min_score": "2",
                                     "candidates": "K-0001 K-9999"})
    assert r.status_code == 422
    assert tp("must be a number from 0 to 1, got {value!r}", value="2") in r.text
    assert tp("unknown candidate id(s): {ids}", ids="K-9999") in r.text
    assert "K-0001 K-9999" in r.text
