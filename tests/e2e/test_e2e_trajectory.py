"""A job coach's trajectory in a real headless Chromium (issue 14): start it, plan from a function,
place the candidate with an instrument, and find the steps and aftercare contacts on the start
page's agenda, each linking back to the trajectory. Screenshots go to tests/e2e/screenshots/."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from .test_e2e_web import nl

pytestmark = pytest.mark.e2e

CID = "K-0001"
FUNCTION = "brasserie-de-kaai/afwasser"


def short(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_coach_plans_and_places_and_sees_it_on_the_agenda(live_server, page, shots):
    base = live_server["url"]
    today = dt.date.today()
    start = today - dt.timedelta(days=10)
    page.goto(f"{base}/candidates/{CID}/traject")
    assert page.get_attribute("html", "lang") == "nl"
    page.fill("#f-phase-date", short(start - dt.timedelta(days=30)))
    page.fill("#f-phase-coach", "an")
    page.click("#phase-button")
    page.wait_for_selector("#traject-saved")
    assert page.inner_text("#traject-coach") == "an"

    page.click("#plan-form-box summary")
    page.select_option("#f-plan-function", FUNCTION)
    page.fill("#f-plan-on", short(start - dt.timedelta(days=20)))
    page.click("#plan-button")
    page.wait_for_selector("#traject-result")
    assert FUNCTION in page.inner_text("#traject-result")

    page.click("#place-form-box summary")
    page.select_option("#f-place-function", FUNCTION)
    page.select_option("#f-place-instrument", "IBO")
    page.fill("#f-place-start", short(start))
    page.check("input[name=aftercare][value=vrijblijvend]")
    page.click("#place-button")
    page.wait_for_selector("#place-aftercare")
    page.screenshot(path=shots / "20_traject_placed.png", full_page=True)
    assert page.inner_text("#placement-instrument") == "IBO"
    assert short(start + dt.timedelta(weeks=1)) in page.inner_text("#aftercare-schedule")

    page.goto(base + "/")
    rows = page.locator("#home-agenda tr.agenda-item")
    kinds = {rows.nth(i).get_attribute("data-kind") for i in range(rows.count())}
    assert "aftercare" in kinds and "instrument_step" in kinds
    assert page.locator("#home-agenda tr.agenda-item.overdue .overdue-flag").count() >= 1
    page.screenshot(path=shots / "21_home_agenda.png", full_page=True)
    page.locator(f'#home-agenda tr.agenda-item[data-kind="aftercare"] a[href^="/candidates/{CID}/traject"]').first.click()
    page.wait_for_url(re.compile(rf"/candidates/{CID}/traject#action-a\d+$"))
    # the printable plan opens from the trajectory, in Dutch
    page.goto(f"{base}/candidates/{CID}/pdp")
    assert page.get_attribute("html", "lang") == "nl"
    assert nl("Personal transition plan (PDP)") in page.inner_text("h1")
