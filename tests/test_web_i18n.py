"""The web app in Dutch first: <html lang>, no English words on the pages, Belgian numbers and
dates, the language per user (account, switch, Accept-Language), Dutch input in the forms."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

from matchcore.i18n import _, use_language  # noqa: E402
from matchcore.web import accounts  # noqa: E402
from matchcore.web.labels import enum_code, normal_number, parse_date, yes_no  # noqa: E402
from matchcore.web.security import accept_language  # noqa: E402

from .test_web import (CANDIDATE, EMPLOYER, FUNCTION, PAGES, SCAN, app, client, csrf_of,  # noqa: F401
                       db, t, tp, web_db)
from .test_web_security import PASSWORD, _login, team_app, team_db, team_template  # noqa: F401

# The pages in the app's own default language, Dutch (the suite runs in English otherwise).
pytestmark = pytest.mark.usefixtures("dutch")

# Words of the web app's own English that a Dutch page must not show (record data, plugin
# texts and codes aside): the labels, buttons and headings of the templates.
ENGLISH_UI_WORDS = [
    "Candidates", "Functions", "Employers", "Team assignment", "Audit log", "Search", "Save",
    "Cancel", "Print", "Apply", "Log in", "log out", "Home", "Record the outcome", "Outcome",
    "Note", "When", "Who", "What", "Matched", "Constraints", "Verdict", "Why",
    "Missing", "required", "excluded", "eligible", "unknown", "Tasks", "Role", "Complexity",
    "Hours", "shown", "Nothing", "Choose", "Add", "Remove", "edit", "remove", "Show all",
    "Yearly saving", "Contact log", "Call sheet", "h/week", "a month", "Run the", "Back to",
    "No calls", "Latest calls", "Consultant", "Strengths", "Gap", "Questions to ask",
    "normal hire", "Feasibility", "openings", "Date", "Employer", "Candidate", "per month",
    "mm/dd/yyyy", "local user", "Lives in", "Job targets", "Commute", "Licences",
]
_ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH_UI_WORDS)) + r")(?![\w-])")


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Visible(HTMLParser):
    """The text a person sees: text nodes outside script/style, plus placeholders and aria
    labels. With ``web_only``, the texts the engines and plugins write (marked
    ``data-text="engine"`` in the templates: reasons, explanations, instrument names) are left
    out: they are translated in their own modules, this checks the web app's own words."""

    def __init__(self, web_only: bool):
        super().__init__()
        self.parts: list[str] = []
        self.web_only = web_only
        self._skip = 0  # inside script/style
        self._engine = 0  # open elements inside a data-text="engine" element

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            if not self._engine:
                self.parts += [v for k, v in attrs if k in ("placeholder", "aria-label") and v]
            return
        if self._engine:
            self._engine += 1
            return
        if self.web_only and ("data-text", "engine") in attrs:
            self._engine = 1
            return
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("placeholder", "aria-label") and v]

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self._engine:
            self._engine -= 1
            return
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and not self._engine:
            self.parts.append(data)


def visible_text(html: str, web_only: bool = False) -> str:
    parser = _Visible(web_only)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _dutch_catalogue_has_the_web() -> bool:
    with use_language("nl"):
        return _("Record the outcome") != "Record the outcome" and _("Candidates") != "Candidates"


needs_catalogue = pytest.mark.skipif(
    not _dutch_catalogue_has_the_web(),
    reason="the Dutch catalogue does not have the web app's messages yet "
           "(tools/i18n.py merge /tmp/briefs/web_msgids_nl.po)")


# --- Dutch by default ------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_dutch_by_default(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert '<html lang="nl">' in r.text


@needs_catalogue
@pytest.mark.parametrize("path", PAGES + [f"/candidates/{CANDIDATE}?include_excluded=on&top=20",
                                          f"/functions/{FUNCTION}?include_excluded=on"])
def test_no_english_ui_words_on_a_dutch_page(client, path):
    text = visible_text(client.get(path).text, web_only=False)
    found = sorted(set(_ENGLISH.findall(text)))
    assert not found, f"{path}: English on a Dutch page: {found}"


def test_the_visible_text_check_finds_english():
    """The check itself: it sees English in text and in a placeholder, not in scripts or ids."""
    assert _ENGLISH.findall(visible_text('<p id="Save">Opslaan</p><script>Save()</script>')) == []
    assert _ENGLISH.findall(visible_text("<p>Save the call</p>")) == ["Save"]
    assert _ENGLISH.findall(visible_text('<input placeholder="mm/dd/yyyy">')) == ["mm/dd/yyyy"]
    engine = '<li data-text="engine">missing, <b>required</b></li><li>Save</li>'
    assert _ENGLISH.findall(visible_text(engine, web_only=True)) == ["Save"]
    assert _ENGLISH.findall(visible_text(engine)) == ["required", "Save"]


def test_amounts_and_dates_are_belgian(client, db):
    html = client.get(f"/candidates/{CANDIDATE}?top=5").text
    text = visible_text(html)
    assert re.search(r"€\s?\d{1,3}(\.\d{3})*,\d{2}\b", text)      # € 1.570,84
    assert not re.search(r"€\s?\d{1,3}(,\d{3})+\.\d{2}\b", text)  # never € 1,570.84
    assert re.search(r"\d+%", text)  # the score
    # a date in words, with the Dutch month name, and the short form day first
    scan = db.scan(SCAN)
    page = visible_text(client.get(f"/scans/{SCAN}").text)
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"]
    assert f"{scan.date.day} {months[scan.date.month - 1]} {scan.date.year}" in page
    listing = visible_text(client.get("/scans").text)
    assert scan.date.strftime("%d/%m/%Y") in listing
    # the date fields are text with the Belgian order, not the browser's own type=date
    form = client.get("/scans/new").text
    assert 'type="date"' not in form
    assert f'placeholder="{t("dd/mm/yyyy")}"' in form


# --- the language per request ------------------------------------------------------------------

@pytest.mark.parametrize("header, lang", [
    (None, "nl"), ("nl-BE,nl;q=0.9,en;q=0.5", "nl"), ("en-GB,en;q=0.9", "en"),
    ("fr-BE,fr;q=0.9", "nl"), ("fr-BE, en;q=0.4, nl;q=0.8", "nl"), ("de, en;q=0.3", "en"),
])
def test_accept_language_for_anonymous_loopback_use(client, header, lang):
    headers = {"Accept-Language": header} if header else {}
    r = client.get("/candidates", headers=headers)
    assert f'<html lang="{lang}">' in r.text
    assert f"<h1>{t('Candidates', lang=lang)}</h1>" in r.text


def test_accept_language_parsing():
    assert accept_language("en-US,en;q=0.9,nl;q=0.8") == "en"
    assert accept_language("nl;q=0.2, en;q=0.1") == "nl"
    assert accept_language("en;q=0, nl") == "nl"      # q=0 means "not this one"
    assert accept_language("fr, de") is None
    assert accept_language("") is None and accept_language(None) is None


def test_the_switch_in_the_header_sets_english_with_a_cookie(client):
    page = client.get("/candidates").text
    assert 'id="language-switch"' in page and 'id="lang-en"' in page
    token = csrf_of(client, "/candidates")
    r = client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/candidates?q=K"})
    assert r.status_code == 303 and r.headers["location"] == "/candidates?q=K"
    assert "matchcore_lang=en" in r.headers["set-cookie"]
    english = client.get("/candidates").text
    assert '<html lang="en">' in english and "<h1>Candidates</h1>" in english
    # it beats the browser's Accept-Language
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "nl-BE"}).text
    # messages made in the worker threads (run_in_threadpool) follow the request's language too
    r = client.post(f"/employers/{EMPLOYER}/calls", data={
        "csrf_token": token, "outcome": "call_back", "outcome_date": "morgen"})
    assert r.status_code == 422 and '<html lang="en">' in r.text
    assert tp("must be a date written dd/mm/yyyy, got {value!r}", lang="en", value="morgen") in r.text
    dutch = tp("must be a date written dd/mm/yyyy, got {value!r}", value="morgen")
    if dutch != tp("must be a date written dd/mm/yyyy, got {value!r}", lang="en", value="morgen"):
        assert dutch not in r.text
    client.post("/language", data={"csrf_token": token, "lang": "nl", "next": "/"})
    assert '<html lang="nl">' in client.get("/").text


def test_the_switch_never_redirects_to_another_site(client):
    token = csrf_of(client)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        r = client.post("/language", data={"csrf_token": token, "lang": "en", "next": target})
        assert r.headers["location"] == "/"
    r = client.post("/language", data={"csrf_token": token, "lang": "klingon", "next": "/scans"})
    assert r.headers["location"] == "/scans" and "set-cookie" not in r.headers


def test_a_team_member_keeps_their_language_with_the_account(team_app, team_db):
    from matchcore.store.db import Store

    with TestClient(team_app, follow_redirects=False) as c:
        assert _login(c).status_code == 303
        assert '<html lang="nl">' in c.get("/").text
        r = c.post("/language", data={"csrf_token": csrf_of(c), "lang": "en", "next": "/"})
        assert r.status_code == 303, r.text[-600:]
    store = Store.open(team_db)
    try:
        assert store.db.execute("select language from users where name = 'an.peeters'").fetchone()[0] == "en"
    finally:
        store.close()
    # another browser, no cookie, a Dutch browser: the account's choice wins after the login
    with TestClient(team_app, follow_redirects=False) as other:
        assert '<html lang="nl">' in other.get("/login", headers={"Accept-Language": "nl"}).text
        _login(other)
        assert '<html lang="en">' in other.get("/", headers={"Accept-Language": "nl"}).text
        # the login page switches too, before a login (a cookie only)
    with TestClient(team_app, follow_redirects=False) as anon:
        token = csrf_of(anon, "/login")
        r = anon.post("/language", data={"csrf_token": token, "lang": "en", "next": "/login"})
        assert r.status_code == 303, r.text[-800:]
        assert '<html lang="en">' in anon.get("/login").text


def test_the_language_column_is_a_migration_of_the_web_schema(tmp_path):
    from matchcore.store.db import Store

    store = Store.open(tmp_path / "m.db")
    try:
        import matchcore.web.schema  # noqa: F401  (registers the web's migrations)

        store.close()
        store = Store.open(tmp_path / "m.db")
        cols = store.db["users"].columns_dict
        assert "language" in cols and "display_name" in cols
        accounts.add_user(store, "jan", PASSWORD)
        accounts.set_language(store, "jan", "en")
        assert store.rows("select language from users")[0]["language"] == "en"
    finally:
        store.close()


# --- Dutch input -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, typed, code", [
    ("when", "op afroep", "on_call"), ("when", "Voormiddag", "morning"), ("when", "namiddag", "afternoon"),
    ("when", "continu", "continuous"), ("when", "nacht", "night"), ("per", "dag", "day"),
    ("per", "week", "week"), ("strain", "vuil", "dirty"), ("strain", "zwaar", "heavy"),
    ("shift", "avond", "evening"), ("shift", "weekend", "weekend"), ("when", "on_call", "on_call"),
])
def test_dutch_words_for_the_choices(kind, typed, code):
    assert enum_code(kind, typed) == code


@pytest.mark.parametrize("typed, number", [
    ("7,5", "7.5"), ("1.165,30", "1165.3"), ("€ 12,50", "12.5"), ("12.5", "12.5"),
    ("zestien", "16"), ("2.500", "2500"), ("geen getal", "geen getal"),
])
def test_numbers_as_typed_in_flanders(typed, number):
    assert normal_number(typed) == number


def test_yes_no_and_dates():
    assert yes_no("ja") is True and yes_no("Nee") is False and yes_no("misschien") is None
    assert parse_date("1/12/2026").isoformat() == "2026-12-01"
    assert parse_date("01-12-2026").isoformat() == "2026-12-01"
    assert parse_date("2026-12-01").isoformat() == "2026-12-01"
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("31/02/2026")


def test_a_task_typed_in_dutch_is_stored_with_its_codes(client, db):
    token = csrf_of(client, "/scans/new")
    r = client.post("/scans", data={"csrf_token": token, "employer": "magazijn-de-kempen",
                                    "date": "2/3/2026", "id": "nl-scan", "full_time_hours": "37,5",
                                    "shifts_per_day": "twee", "role_title": "Magazijnier",
                                    "role_hourly_cost_eur": "38,50"})
    assert r.status_code == 303, r.text[:2000]
    scan = db.scan("nl-scan")
    assert scan.date.isoformat() == "2026-03-02" and scan.full_time_hours == 37.5
    assert scan.shifts_per_day == 2 and scan.roles[0].hourly_cost_eur == 38.5
    r = client.post("/scans/nl-scan/tasks", data={
        "csrf_token": csrf_of(client, "/scans/nl-scan"), "description": "Paletten inpakken",
        "role": "magazijnier", "volume": "frequency", "times": "zes", "per": "dag",
        "minutes": "7,5", "complexity": "1", "when": "op afroep", "strain": ["zwaar", "vuil"],
        "core": "ja"})
    assert r.status_code == 303, r.text[:2000]
    task = db.scan("nl-scan").tasks[0]
    assert task.frequency.times == 6 and task.frequency.per == "day" and task.minutes == 7.5
    assert task.when == "on_call" and task.strain == ["heavy", "dirty"] and task.core is True
    # the edit form shows the stored numbers the Dutch way again
    edit = client.get("/scans/nl-scan/tasks/t01/edit").text
    assert 'id="f-minutes" name="minutes" value="7,5"' in edit


def test_a_word_that_is_no_choice_gets_a_did_you_mean(client):
    token = csrf_of(client, "/scans/new")
    client.post("/scans", data={"csrf_token": token, "employer": "magazijn-de-kempen",
                                "date": "2026-03-02", "id": "nl-scan-2", "role_title": "Magazijnier"})
    r = client.post("/scans/nl-scan-2/tasks", data={
        "csrf_token": csrf_of(client, "/scans/nl-scan-2"), "description": "Vegen",
        "role": "magazijnier", "volume": "frequency", "times": "1", "per": "dag", "minutes": "10",
        "when": "voormidag"})
    assert r.status_code == 422
    assert re.search(r'id="err-when"[^>]*>[^<]*voormiddag', r.text)


def test_a_call_date_typed_day_first_is_stored_as_iso(client, db):
    r = client.post(f"/employers/{EMPLOYER}/calls", data={
        "csrf_token": csrf_of(client), "outcome": "call_back", "outcome_date": "24/12/2026",
        "note": "na de feestdagen"})
    assert r.status_code == 303
    row = db.rows("select outcome_date from contact_log where note = 'na de feestdagen'")
    assert row == [{"outcome_date": "2026-12-24"}]
    assert "24/12/2026" in client.get(f"/employers/{EMPLOYER}").text


# --- the call sheet's coach ----------------------------------------------------------------------

def test_the_call_sheet_introduces_the_coach_from_the_settings(client, monkeypatch, tmp_path):
    from matchcore import settings

    settings.save_setting("coach.name", "Lies Vermeulen")
    settings.save_setting("coach.organisation", "Werkwinkel Gent")
    html = client.get(f"/callsheet?candidate={CANDIDATE}&function={FUNCTION}").text
    intro = re.search(r'id="introduction">(.*?)</p>', html, re.S).group(1)
    assert "Lies Vermeulen" in intro and "Werkwinkel Gent" in intro
    assert 'id="no-coach"' not in html


def test_without_settings_the_call_sheet_leaves_a_line_not_the_login_name(team_app):
    with TestClient(team_app, follow_redirects=False) as c:
        _login(c)
        html = c.get(f"/callsheet?candidate={CANDIDATE}&function={FUNCTION}").text
    intro = re.search(r'id="introduction">(.*?)</p>', html, re.S).group(1)
    assert "an.peeters" not in intro and "____" in intro
    assert 'id="no-coach"' in html


def test_the_account_display_name_is_the_fallback(team_app, team_db):
    from matchcore.store.db import Store

    store = Store.open(team_db)
    with store.write(bump=False):
        store.db.execute("update users set display_name = 'An Peeters' where name = 'an.peeters'")
    store.close()
    with TestClient(team_app, follow_redirects=False) as c:
        _login(c)
        html = c.get(f"/callsheet?candidate={CANDIDATE}&function={FUNCTION}").text
    intro = re.search(r'id="introduction">(.*?)</p>', html, re.S).group(1)
    assert "An Peeters" in intro and "an.peeters" not in intro
