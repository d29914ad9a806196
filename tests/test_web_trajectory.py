"""Trajectories and the agenda in the web app (issue 14): the traject page and its forms (plan
from a gap, place with an instrument, phases, actions), the stale-revision 409, CSRF, the agenda
on the start page and ``/agenda``, the printable PDP, all in Dutch with Belgian dates."""
from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("starlette")

from dateutil.relativedelta import relativedelta  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from matchcore.model.trajectory import Action  # noqa: E402
from matchcore.store import Store  # noqa: E402
from matchcore.store import trajectories as tr  # noqa: E402
from matchcore.store.io import import_paths  # noqa: E402
from matchcore.web import accounts  # noqa: E402
from matchcore.web.app import create_app  # noqa: E402

from .test_trajectory import CANDIDATE_YAML, EMPLOYER_YAML, FN, TWE_STEP_DAYS  # noqa: E402
from .test_web import assert_clean, csrf_of  # noqa: E402
from .test_web_i18n import _ENGLISH, visible_text  # noqa: E402

CID = "K-0900"
TRAJECT = f"/candidates/{CID}/traject"
TODAY = dt.date.today()
# placed 20 days ago: the TWE steps (start, +7, +15 days; seed 004, VDAB partner manual 1.2.1 and
# 1.3) and the first aftercare contact (+1 week, matchcore's default) are due by today
START = TODAY - dt.timedelta(days=20)
# aftercare "zonder" (seed 001, 3.5): the candidate after 1 week, 1 and 3 months, and the six-month
# check of the seed (the same table as tests/test_agenda.py)
ZONDER = [relativedelta(weeks=1), relativedelta(months=1), relativedelta(months=3), relativedelta(months=6)]


def short(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def web(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "emp.yaml").write_text(EMPLOYER_YAML, encoding="utf-8")
    (tmp_path / "in" / "cands.yaml").write_text(CANDIDATE_YAML, encoding="utf-8")
    path = tmp_path / "traject.db"
    store = Store.open(path)
    import_paths(store, [tmp_path / "in"])
    store.close()
    return str(path)


@pytest.fixture
def client(web):
    with TestClient(create_app(web), follow_redirects=False) as c:
        yield c


@pytest.fixture
def db(web):
    s = Store.open(web)
    yield s
    s.close()


def revision(db) -> int:
    traj = tr.get(db, CID)
    return traj.revision if traj else 0


def post(client, db, form: str, **data):
    data = {"csrf_token": csrf_of(client, TRAJECT), "revision": str(revision(db)), **data}
    return client.post(f"{TRAJECT}/{form}", data=data)


def start(client, db, coach="an"):
    r = post(client, db, "phase", phase="intake", date=short(START - dt.timedelta(days=60)), coach=coach)
    assert r.status_code == 303, r.text[:2000]


def plan(client, db, on: dt.date):
    r = post(client, db, "plan", function=FN, on=short(on))
    assert r.status_code == 200, r.text[:2000]
    return r


def place(client, db, **extra):
    data = {"function": FN, "instrument": "TWE", "start": short(START), "aftercare": "zonder",
            "on": short(START - dt.timedelta(days=30)), **extra}
    r = post(client, db, "place", **data)
    assert r.status_code == 200, r.text[:2000]
    return r


def agenda_rows(html: str) -> list[tuple[str, str, str]]:
    """(kind, due date ISO, reference) of every agenda row on a page."""
    return [(k, d, ref) for d, k, ref in re.findall(
        r'data-due="([^"]+)" data-kind="([^"]+)" data-ref="([^"]+)"', html)]


# --- the page and the forms ------------------------------------------------------------------

def test_a_candidate_without_a_trajectory_gets_the_start_form(client, db):
    r = client.get(TRAJECT)
    assert r.status_code == 200 and 'id="traject-none"' in r.text and 'id="phase-form"' in r.text
    assert_clean(r)
    start(client, db)
    traj = tr.get(db, CID)
    assert traj.phase == "intake" and traj.coach == "an" and traj.phases[0].date == START - dt.timedelta(days=60)
    page = client.get(TRAJECT).text
    assert 'id="traject-none"' not in page and 'id="traject-phases"' in page


def test_plan_from_the_gap_through_the_form_adds_the_cli_actions(client, db):
    start(client, db)
    on = START - dt.timedelta(days=40)
    r = plan(client, db, on)
    traj = tr.get(db, CID)
    by_source = {}
    for a in traj.actions:
        by_source.setdefault(a.source, []).append(a)
    # missing required competence and one held too low -> training; licence and Dutch -> actions
    gap = " | ".join(a.what for a in by_source["gap"])
    assert len(by_source["gap"]) == 2 and "heftruck besturen" in gap and "laden en lossen" in gap
    assert len(by_source["exclusion"]) == 2
    assert {a.due for a in traj.actions} == {on + dt.timedelta(days=28)}  # the default term
    assert traj.phase == "plan"
    # the page says what was added and what stays a limit of the person (lifting 15 kg)
    assert 'id="plan-added"' in r.text and r.text.count("<li data-text=\"engine\">") >= 4
    assert "15" in re.search(r'class="kept">([^<]+)<', r.text).group(1)
    # the actions are overdue now (due 12 days ago): flagged in the table
    page = client.get(TRAJECT).text
    assert page.count('class="tag overdue-flag"') == 4 and 'id="actions-overdue"' in page


def test_place_with_an_instrument_makes_dated_steps_aftercare_and_reminders(client, db):
    start(client, db)
    r = place(client, db)
    assert 'id="place-steps"' in r.text and 'id="place-aftercare"' in r.text
    traj = tr.get(db, CID)
    assert traj.placement.instrument == "TWE" and traj.placement.start == START
    assert traj.phase == "instrument"
    steps = sorted(a.due for a in traj.actions if a.source == "instrument" and a.due)
    # the steps counted from the start (a later one, the end of the longest term, aside)
    assert steps[:3] == [START + dt.timedelta(days=d) for d in TWE_STEP_DAYS] and steps[3:] > [TODAY + relativedelta(years=1)]
    care = [a.due for a in traj.actions if a.source == "aftercare"]
    assert care == [START + d for d in ZONDER]
    page = client.get(TRAJECT).text
    assert 'id="placement-facts"' in page and 'id="aftercare-schedule"' in page
    assert traj.placement.reminders and 'id="placement-reminders"' in page
    for day in care:
        assert short(day) in page


def test_an_unknown_instrument_or_function_is_the_cli_message_next_to_the_field(client, db):
    start(client, db)
    before = revision(db)
    r = post(client, db, "place", function=FN, instrument="TEW", start=short(START))
    assert r.status_code == 422
    assert "TWE" in re.search(r'id="err-place-instrument"[^>]*>([^<]*)<', r.text).group(1)
    r = post(client, db, "plan", function="transport-test/chaufeur")
    assert r.status_code == 422
    assert "transport-test/chauffeur" in re.search(r'id="err-plan-function"[^>]*>([^<]*)<', r.text).group(1)
    r = post(client, db, "place", function=FN, start="31/02/2026")
    assert r.status_code == 422 and 'id="err-place-start"' in r.text and "31/02/2026" in r.text
    assert revision(db) == before and tr.get(db, CID).placement is None


def test_add_mark_done_and_edit_an_action(client, db):
    start(client, db)
    r = post(client, db, "add", what="CV bijwerken", who="kandidaat", due="15/01/2026")
    assert r.status_code == 303
    (a,) = tr.get(db, CID).actions
    assert (a.id, a.what, a.who, a.due, a.source) == ("a01", "CV bijwerken", "kandidaat", dt.date(2026, 1, 15), "manual")
    r = post(client, db, "add", what="  ")
    assert r.status_code == 422 and "what" not in re.search(r'id="err-add-what"[^>]*>([^<]*)<', r.text).group(1)
    assert re.search(r'id="err-add-what"[^>]*>([^<]+)<', r.text)  # the model's message, by the field
    assert post(client, db, "done", action="a01").status_code == 303
    a = tr.get(db, CID).action("a01")
    assert a.status == "done" and a.done_on == TODAY
    r = post(client, db, "done", action="a1")
    assert r.status_code == 422 and "a01" in r.text  # did you mean
    r = post(client, db, "edit", action="a01", what="CV en brief", who="", due="1/2/2026", note="met coach",
             reopen="on")
    assert r.status_code == 303
    a = tr.get(db, CID).action("a01")
    assert (a.what, a.who, a.due, a.note, a.status, a.done_on) == (
        "CV en brief", None, dt.date(2026, 2, 1), "met coach", "open", None)


def test_a_stale_form_gets_409_and_the_other_coachs_version_is_kept(client, db):
    start(client, db)
    stale = revision(db)
    token = csrf_of(client, TRAJECT)
    # another coach adds an action meanwhile (the CLI, another browser: the same store function)
    tr.change(db, CID, lambda t: t.actions.append(Action(id="a01", what="Bellen met VDAB")), by="jan")
    r = client.post(f"{TRAJECT}/add", data={"csrf_token": token, "revision": str(stale),
                                            "what": "CV bijwerken"})
    assert r.status_code == 409
    assert 'id="traject-conflict"' in r.text and "jan" in r.text
    assert "Bellen met VDAB" in r.text  # the page shows their version ...
    assert 'value="CV bijwerken"' in r.text  # ... and keeps what was typed
    assert [a.what for a in tr.get(db, CID).actions] == ["Bellen met VDAB"]  # nothing overwritten
    # sending it again from the page now shown is a deliberate choice and is saved
    revisions = set(re.findall(r'name="revision" value="(\d+)"', r.text))
    assert revisions == {str(revision(db))}
    new_rev = revisions.pop()
    r = client.post(f"{TRAJECT}/add", data={"csrf_token": token, "revision": new_rev, "what": "CV bijwerken"})
    assert r.status_code == 303
    assert [a.what for a in tr.get(db, CID).actions] == ["Bellen met VDAB", "CV bijwerken"]


def test_a_form_sent_twice_is_saved_once_and_says_so(client, db):
    start(client, db)
    data = {"csrf_token": csrf_of(client, TRAJECT), "revision": str(revision(db)), "what": "CV bijwerken"}
    assert client.post(f"{TRAJECT}/add", data=data).status_code == 303
    again = client.post(f"{TRAJECT}/add", data=data)  # the back button, a double click
    assert again.status_code == 409
    assert "by you" in re.search(r'id="traject-conflict"[^>]*>([^<]*)<', again.text).group(1)
    assert [a.what for a in tr.get(db, CID).actions] == ["CV bijwerken"]


def test_a_form_without_its_revision_is_refused(client, db):
    r = client.post(f"{TRAJECT}/phase", data={"csrf_token": csrf_of(client, TRAJECT), "phase": "intake"})
    assert r.status_code == 422 and tr.get(db, CID) is None


def test_every_trajectory_form_needs_the_csrf_token(client, db):
    client.get(TRAJECT)
    for form in ("phase", "add", "done", "edit", "plan", "place"):
        r = client.post(f"{TRAJECT}/{form}", data={"revision": "0", "phase": "intake", "what": "x"})
        assert r.status_code == 403, form
        r = client.post(f"{TRAJECT}/{form}", data={"csrf_token": "forged", "revision": "0", "phase": "intake"})
        assert r.status_code == 403, form
    assert tr.get(db, CID) is None


def test_changes_are_in_the_audit_log_without_the_texts(client, db):
    start(client, db)
    post(client, db, "add", what="Gesprek over gezondheid")
    rows = db.rows("select action, target, detail from audit_log where target = ? order by id", [f"trajectory:{CID}"])
    assert [r["action"] for r in rows] == ["trajectory.phase", "trajectory.add"]
    assert "gezondheid" not in " ".join(r["detail"] or "" for r in rows)


def test_an_unknown_candidate_is_404(client):
    assert client.get("/candidates/K-9999/traject").status_code == 404


def test_the_pdp_is_printable_html_from_the_trajectory(client, db, dutch):
    start(client, db)
    post(client, db, "add", what="CV bijwerken", due="15/01/2026")
    r = client.get(f"/candidates/{CID}/pdp")
    assert r.status_code == 200 and '<html lang="nl">' in r.text
    assert "CV bijwerken" in r.text and "15 januari 2026" in r.text
    assert f'href="/candidates/{CID}/pdp"' in client.get(TRAJECT).text
    assert client.get("/candidates/K-0901/pdp").status_code == 200  # no trajectory: the empty form


# --- the agenda ------------------------------------------------------------------------------

def test_the_start_page_shows_todays_instrument_steps_and_aftercare_on_their_dates(client, db):
    start(client, db)
    plan(client, db, START - dt.timedelta(days=40))  # due 12 days before the start
    place(client, db)
    home = client.get("/")
    assert home.status_code == 200
    assert home.text.index('id="home-agenda"') < home.text.index('id="home-counts"')
    rows = agenda_rows(home.text)
    steps = [(k, d) for k, d, _ref in rows if k != "action"]
    assert steps == sorted([("instrument_step", (START + dt.timedelta(days=d)).isoformat()) for d in TWE_STEP_DAYS]
                           + [("aftercare", (START + ZONDER[0]).isoformat())], key=lambda x: (x[1], x[0] != "instrument_step"))
    assert [k for k, _d, _r in rows].count("action") == 4  # the PDP actions, overdue
    assert all(d <= TODAY.isoformat() for _k, d, _r in rows)
    # each item links to the candidate's traject page; the overdue ones are flagged
    assert f'href="{TRAJECT}#action-' in home.text
    overdue = sum(1 for _k, d, _r in rows if d < TODAY.isoformat())
    assert home.text.count('class="tag overdue-flag"') == overdue


def test_the_agenda_page_lists_everything_up_to_the_date_with_belgian_dates(client, db):
    start(client, db)
    place(client, db)
    later = START + relativedelta(months=7)
    r = client.get(f"/agenda?on={short(later)}&coach=an")
    assert r.status_code == 200
    rows = agenda_rows(r.text)
    care = [d for k, d, _r in rows if k == "aftercare"]
    assert care == [(START + d).isoformat() for d in ZONDER]
    assert [d for k, d, _r in rows if k == "instrument_step"] == [
        (START + dt.timedelta(days=d)).isoformat() for d in TWE_STEP_DAYS]
    assert short(START + ZONDER[-1]) in r.text
    # another coach's agenda is empty; a date that is none is named, not a crash
    assert agenda_rows(client.get(f"/agenda?on={short(later)}&coach=jan").text) == []
    bad = client.get("/agenda?on=32/13/2026")
    assert bad.status_code == 422 and "32/13/2026" in bad.text
    assert agenda_rows(client.get(f"/agenda?on={START.isoformat()}").text) == [
        ("instrument_step", START.isoformat(), "a01")]


def test_the_start_page_agenda_is_the_coachs_from_the_settings(client, db, tmp_path, monkeypatch):
    start(client, db, coach="an")
    place(client, db)
    assert agenda_rows(client.get("/").text)  # no coach name set: everything
    config = tmp_path / "coach.yaml"
    config.write_text("coach:\n  name: jan\n", encoding="utf-8")
    monkeypatch.setenv("MATCHCORE_CONFIG", str(config))
    assert agenda_rows(client.get("/").text) == []
    config.write_text("coach:\n  name: An\n", encoding="utf-8")  # names compare case-insensitively
    assert agenda_rows(client.get("/").text)


def test_with_accounts_the_start_page_agenda_is_the_signed_in_coachs(web, db):
    accounts.add_user(db, "an.peeters", "correct horse battery")
    with db.write(bump=False):
        db.db.execute("update users set display_name = 'An Peeters' where name = 'an.peeters'")
    with TestClient(create_app(web), follow_redirects=False) as c:
        token = csrf_of(c, "/login")
        assert c.post("/login", data={"csrf_token": token, "name": "an.peeters",
                                      "password": "correct horse battery"}).status_code == 303
        start(c, db, coach="An Peeters")  # written with the display name
        place(c, db)
        home = c.get("/").text
        assert agenda_rows(home) and "an.peeters / An Peeters" in home
        # the full agenda linked from there is the same coach's, under both names
        assert 'href="/agenda?coach=an.peeters"' in home
        later = short(START + relativedelta(months=7))
        assert len(agenda_rows(c.get(f"/agenda?on={later}&coach=an.peeters").text)) == 7  # 3 steps, 4 contacts
        assert agenda_rows(c.get(f"/agenda?on={later}&coach=An Peeters").text) == agenda_rows(
            c.get(f"/agenda?on={later}&coach=an.peeters").text)
    tr.change(db, CID, lambda t: setattr(t, "coach", "jan"))
    with TestClient(create_app(web), follow_redirects=False) as c:
        token = csrf_of(c, "/login")
        c.post("/login", data={"csrf_token": token, "name": "an.peeters", "password": "correct horse battery"})
        assert agenda_rows(c.get("/").text) == []


# --- Dutch -----------------------------------------------------------------------------------

def test_the_new_pages_are_dutch_without_english_words(client, db, dutch):
    start(client, db)
    plan_page = plan(client, db, START - dt.timedelta(days=40)).text
    place_page = place(client, db).text
    pages = {"traject": client.get(TRAJECT).text, "plan": plan_page, "place": place_page,
             "agenda": client.get(f"/agenda?on={short(START + relativedelta(months=7))}").text,
             "home": client.get("/").text, "empty": client.get("/candidates/K-0901/traject").text,
             "conflict": client.post(f"{TRAJECT}/add", data={
                 "csrf_token": csrf_of(client, TRAJECT), "revision": "1", "what": "x"}).text}
    for name, html in pages.items():
        assert '<html lang="nl">' in html, name
        found = sorted(set(_ENGLISH.findall(visible_text(html, web_only=True))))
        assert not found, f"{name}: English on a Dutch page: {found}"
    assert "te laat" in visible_text(pages["agenda"]).lower()
    assert short(START) in visible_text(pages["traject"])  # dd/mm/jjjj in the tables
