"""An administrator sets up a business calendar with two windows a day and Finnish holidays, and checks a due time
with the check tool (an htmx swap read out by screen readers); the page in Finnish at phone width."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in
from .test_translated_settings import no_sideways_scroll, set_language

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def test_an_admin_sets_up_a_calendar_and_checks_a_due_time(server: str, page: Any, outside_requests: list[str]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = f"Helsinki {uuid.uuid4().hex[:6]}"
    sign_in(page, server, "admin@opsdesk.example")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "/settings/")
    page.click("main >> text=Business calendars")
    page.click("text=New calendar")
    page.fill("input[name=name]", name)
    page.select_option("select[name=time_zone]", "Europe/Helsinki")
    for day in range(5):
        page.fill(f"input[name=weekday_{day}]", "8-12, 13-17")
    page.fill("input[name=weekday_2]", "8-12, 11-13")
    page.click("button[type=submit].primary")
    error = page.locator(".field.has-error")
    expect(error).to_contain_text("Windows may not overlap. (08:00–12:00, 11:00–13:00)")
    expect(error.locator("input")).to_have_attribute("name", "weekday_2")
    page.fill("input[name=weekday_2]", "08:00–12:00, 13:00–17:00")
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text(name)
    page.select_option("select[name=country]", "FI")
    page.fill("input[name=year]", "2027")
    page.click("text=Add the holidays")
    expect(page.locator("#holidays")).to_contain_text("Independence Day")
    page.fill("input[name=start]", "2027-01-08T16:30")
    page.fill("input[name=minutes]", "120")
    page.click("text=Show the due time")
    result = page.locator("#check-result")
    expect(result).to_have_attribute("aria-live", "polite")
    expect(result).to_contain_text("Due: Monday")
    expect(result).to_contain_text("30 minutes")
    expect(result).to_contain_text("90 minutes")
    page.screenshot(path=str(SHOTS / "calendar-en-desktop.png"), full_page=True)
    set_language(page, server, "fi")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/settings/calendars/")
    expect(page.locator("h1")).to_have_text("Aukiolokalenterit")
    no_sideways_scroll(page)
    page.click(f"text={name}")
    expect(page.locator("#holidays-title")).to_have_text("Pyhäpäivät")
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "calendar-fi-phone.png"), full_page=True)
    page.click("text=Muokkaa aikoja")
    expect(page.locator("label[for=id_weekday_0]")).to_have_text("Maanantai")
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "calendar-form-fi-phone.png"), full_page=True)
    set_language(page, server, "en")
    assert outside_requests == []
