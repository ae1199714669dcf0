"""The interface in Greek and Russian, and the agent pages at phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def test_greek_and_russian_pages_are_translated(server: str, page: Any, outside_requests: list[str]) -> None:
    sign_in(page, server, "agent.el@opsdesk.example")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(page.locator("nav")).to_contain_text("Εισερχόμενα")
    expect(page.locator("button:has-text('Αποσύνδεση')")).to_be_visible()
    page.goto(server + "/tickets/?view=open")
    page.locator("[data-ticket-row] a").first.click()
    expect(page.locator("#properties-title")).to_have_text("Ιδιότητες")
    page.goto(server + "/accounts/preferences/")
    page.select_option("select[name=language]", "ru")
    page.click("button[type=submit].primary")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.goto(server + "/tickets/")
    expect(page.locator("nav")).to_contain_text("Входящие")
    expect(page.locator("button:has-text('Выйти')")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "inbox-ru.png"), full_page=True)
    assert outside_requests == []


def test_agent_pages_fit_a_phone_screen(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    sign_in(page, server, "agent.fi@opsdesk.example")
    page.goto(server + "/tickets/?view=open")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "inbox-fi-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    page.locator("[data-ticket-row] a").first.click()
    page.screenshot(path=str(SHOTS / "ticket-fi-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1


def test_api_docs_load_with_nothing_from_outside(server: str, page: Any, outside_requests: list[str]) -> None:
    page.goto(server + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("OpsDesk API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert outside_requests == []
