"""The web app in a real headless Chromium: a consultant enters a Quick Scan with three tasks and
runs the carving; a jobhunter opens a candidate's matches and prints a call sheet, then records
the call. Screenshots go to tests/e2e/screenshots/ (look at them: they are the pages as a coach
sees them). The browser asks for Dutch (nl-BE), as a Flemish coach's does; texts are checked
through the catalogue (:func:`nl`), elements found by id."""
from __future__ import annotations

import re

import pytest

from matchcore.i18n import _, use_language
from matchcore.web import callsheet

pytestmark = pytest.mark.e2e


def nl(msgid: str, **fields) -> str:
    """A text as the Dutch page shows it (as far as the catalogue has it)."""
    with use_language("nl"):
        text = _(msgid)
    return text.format(**fields) if fields else text

TASKS = [
    ("Lege kartonnen dozen plooien en naar de perscontainer brengen", "6", "day", "20",
     ["karton plooien", "afval sorteren"]),
    ("Folie en plastic van paletten verzamelen en sorteren", "4", "day", "25",
     ["afval sorteren", "palletten stapelen"]),
    ("Lege paletten sorteren en stapelen in de paletzone", "3", "day", "30",
     ["palletten stapelen", "afval sorteren"]),
]


def test_consultant_enters_a_scan_with_three_tasks_and_runs_the_carving(live_server, page, shots):
    base = live_server["url"]
    page.goto(f"{base}/scans/new")
    page.select_option("#f-employer", "magazijn-de-kempen")
    assert page.get_attribute("html", "lang") == "nl"
    assert page.get_attribute("#f-date", "type") == "text"  # not the browser's mm/dd/yyyy
    page.fill("#f-date", "2/3/2026")  # day first, as a Belgian writes it
    page.fill("#f-id", "e2e-magazijn")
    page.fill("#f-consultant", "Jan De Smet")
    page.fill("#f-role_title", "Magazijnier")
    page.fill("#f-role_hourly_cost_eur", "38,50")  # a decimal comma
    page.fill("#f-role_headcount", "12")
    page.screenshot(path=shots / "01_new_scan.png", full_page=True)
    page.click("#create-scan")
    page.wait_for_url(re.compile(r"/scans/e2e-magazijn$"))
    assert page.inner_text("#scan-title") == nl("Quick Scan {id}", id="e2e-magazijn")
    assert "2 " in page.inner_text("p.lead")  # the date in words: "2 maart 2026"

    # validation while typing: a bad number gets a message next to its field, nothing is lost
    page.fill("#f-description", TASKS[0][0])
    page.fill("#f-minutes", "twintigjes")
    page.locator("#err-minutes").filter(has_text="twintigjes").wait_for(timeout=5000)
    # a suggestion for a misspelt competence
    page.fill("#f-competence-0", "afval sorteeren")
    hint = "|".join(map(re.escape, [nl("did you mean:"), nl("known"), nl("counts as “{label}”", label="").rstrip("“”")]))
    page.locator("#hint-competence-0").filter(has_text=re.compile(hint)).wait_for(timeout=5000)
    page.screenshot(path=shots / "02_task_validation.png", full_page=True)
    assert page.input_value("#f-description") == TASKS[0][0]

    for n, (description, times, per, minutes, competences) in enumerate(TASKS, start=1):
        page.fill("#f-description", description)
        page.fill("#f-times", times)
        page.select_option("#f-per", per)
        page.fill("#f-minutes", minutes)
        page.check("input[name=complexity][value='1']")
        for i, c in enumerate(competences):
            page.fill(f"#f-competence-{i}", c)
        page.fill("#f-zone", "magazijn")
        page.click("#task-form button[type=submit]")
        # saved at once: the row appears and the form is empty again for the next task
        page.locator(f"#tasks tbody tr:has-text('t{n:02d}')").wait_for(timeout=5000)
        page.locator("#task-saved", has_text=nl("Task {id} saved.", id=f"t{n:02d}")).wait_for(timeout=5000)
        # app.js then says "Saved at HH:MM" next to the button and puts the cursor back in the
        # description; a person starts the next task after that, so the test does too
        page.locator("#task-form p.save-status.saved").wait_for(timeout=5000)
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
        assert page.input_value("#f-description") == ""
    assert page.locator("#tasks tbody tr").count() == 3
    page.screenshot(path=shots / "03_scan_with_three_tasks.png", full_page=True)

    page.click("#run-carving")
    page.wait_for_url(re.compile(r"/carve"))
    page.select_option("#f-max_complexity", "2")
    page.click("#carve-form #run-carving")
    page.wait_for_load_state()
    page.locator("section.carved").first.wait_for(timeout=10000)
    text = page.inner_text("main")
    assert nl("Hours freed per role") in text and nl("Yearly saving") in text
    assert re.search(r"€\s?\d{1,3}(\.\d{3})*,\d{2}", text)  # Belgian amounts
    for n in (1, 2, 3):
        assert f"t0{n}" in text
    page.screenshot(path=shots / "04_carving.png", full_page=True)

    # the advice document opens from the carving page (printable HTML)
    with page.expect_navigation():
        page.click("#advice-link")
    page.screenshot(path=shots / "05_advice.png", full_page=True)


def test_what_is_typed_while_a_task_is_being_saved_is_not_lost(live_server, page):
    """The save's answer replaces the task form. Text typed into the old form while the request
    was on its way was lost (about 40 ms on a tablet, longer on a slow network). The fields are
    now disabled for that time, so a person (and Playwright, which waits until a field is
    editable) types into the new form instead."""
    base = live_server["url"]
    page.goto(f"{base}/scans/new")
    page.select_option("#f-employer", "magazijn-de-kempen")
    page.fill("#f-date", "2/3/2026")
    page.fill("#f-id", "e2e-race")
    page.fill("#f-consultant", "Jan De Smet")
    page.fill("#f-role_title", "Magazijnier")
    page.fill("#f-role_hourly_cost_eur", "38,50")
    page.fill("#f-role_headcount", "12")
    page.click("#create-scan")
    page.wait_for_url(re.compile(r"/scans/e2e-race$"))
    # a slow network: every request leaves half a second late (htmx sends through XMLHttpRequest)
    page.evaluate("""() => { const send = XMLHttpRequest.prototype.send;
        XMLHttpRequest.prototype.send = function (body) { setTimeout(() => send.call(this, body), 500); }; }""")
    description, times, per, minutes, _competences = TASKS[0]
    page.fill("#f-description", description)
    page.fill("#f-times", times)
    page.select_option("#f-per", per)
    page.fill("#f-minutes", minutes)
    page.check("input[name=complexity][value='1']")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.click("#task-form button[type=submit]")
    page.fill("#f-description", "Rolcontainers naar de laadkade duwen")   # at once: the next task
    page.locator("#task-saved", has_text=nl("Task {id} saved.", id="t01")).wait_for(timeout=10000)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert page.locator("#tasks tbody tr:has-text('t01')").count() == 1
    assert page.input_value("#f-description") == "Rolcontainers naar de laadkade duwen"


def test_jobhunter_opens_matches_and_prints_a_call_sheet(live_server, page, shots):
    base = live_server["url"]
    page.goto(f"{base}/candidates")
    page.fill("#q", "heftruck")
    page.locator("#candidate-rows td a", has_text="K-0002").wait_for(timeout=5000)
    page.click("#candidate-rows a:has-text('K-0002')")
    page.wait_for_url(re.compile(r"/candidates/K-0002"))
    page.locator("ol.matches li.match").first.wait_for(timeout=10000)
    assert page.locator("li.match .bar").count() >= 1
    assert page.locator("table.components").count() >= 1
    page.screenshot(path=shots / "06_candidate_matches.png", full_page=True)

    page.locator("li.match a.callsheet-link").first.click()
    page.wait_for_url(re.compile(r"/callsheet\?"))
    assert page.get_attribute("html", "lang") == "nl"
    sheet = page.inner_text("article.sheet")
    assert nl(callsheet.STEPS[0]) in sheet
    assert nl("Strengths (in the employer's words)") in sheet and nl("Questions to ask") in sheet
    assert page.locator("#baseline").count() == 1  # the normal hire, as the comparison
    assert page.locator("ol.steps > li").count() == 10
    page.emulate_media(media="print")
    page.screenshot(path=shots / "07_call_sheet_print.png", full_page=True)
    page.pdf(path=str(shots / "07_call_sheet.pdf"), format="A4")
    page.emulate_media(media="screen")

    # record the outcome; the next call sheet for this employer and function warns
    page.fill("#f-feedback_date", "9/3/2026")
    page.check("#outcome-call_back")
    page.fill("#outcome #f-outcome_date", "5/3/2026")
    page.click("#save-call")
    page.locator("#call-saved").wait_for(timeout=5000)
    page.reload()
    assert nl("Talk to your colleague first before you call again.") in page.inner_text("#recent-calls")
    assert "05/03/2026" in page.inner_text("#outcome")  # the contact log, day first
    page.screenshot(path=shots / "08_call_sheet_warning.png", full_page=True)


def test_pages_read_without_javascript(live_server, browser, shots):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server["url"]
    page.goto(f"{base}/candidates?q=afwas")
    assert page.locator("#candidate-rows tbody tr").count() >= 1
    page.goto(f"{base}/candidates/K-0001")
    assert page.locator("li.match").count() >= 1
    page.goto(f"{base}/scans/haven-2025-03")
    assert page.locator("#tasks tbody tr").count() >= 3
    page.screenshot(path=shots / "09_scan_without_js.png", full_page=True)
    context.close()
