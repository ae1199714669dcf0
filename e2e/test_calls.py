"""Logging a call from a ticket at phone width, in Finnish, and the call list in Greek."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def _fits(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1


def test_an_agent_logs_a_call_on_a_ticket_from_a_phone(browser: Any, server: str, outside_requests: list[str]) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    sign_in(page, server, "agent.fi@opsdesk.example")
    page.goto(server + "/tickets/?view=open")
    page.locator("[data-ticket-row] a").first.click()
    page.get_by_role("link", name="Kirjaa puhelu").click()
    expect(page.locator("h1")).to_have_text("Kirjaa puhelu")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "call-form-fi-phone.png"), full_page=True)
    _fits(page)
    page.fill("input[name=number]", "+358 40 765 4321")
    page.fill("input[name=duration]", "4:12")
    page.fill("textarea[name=notes]", "Asiakas haluaa hyvityksen.")
    page.click("form.panel button[type=submit].primary")
    expect(page.locator(".calls-panel")).to_contain_text("Saapuva puhelu numerosta +358407654321, vastasi")
    expect(page.locator(".calls-panel")).to_contain_text("4 min 12 sek")
    expect(page.locator(".timeline")).to_contain_text("Saapuva puhelu numerosta +358407654321")
    page.locator(".calls-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "ticket-call-fi-phone.png"), full_page=True)
    _fits(page)
    page.goto(server + "/calls/?outcome=answered")
    expect(page.locator(".call-table tbody tr").first).to_contain_text("+358407654321")
    page.screenshot(path=str(SHOTS / "call-list-fi-phone.png"), full_page=True)
    _fits(page)
    context.close()


def test_the_call_list_in_greek(server: str, page: Any, outside_requests: list[str]) -> None:
    sign_in(page, server, "agent.el@opsdesk.example")
    page.goto(server + "/calls/")
    expect(page.locator("h1")).to_have_text("Κλήσεις")
    expect(page.locator("label[for=c-outcome]")).to_have_text("Αποτέλεσμα")
    page.goto(server + "/calls/?outcome=lost")
    expect(page.locator("main")).to_contain_text("lost")
    page.goto(server + "/calls/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "call-list-el.png"), full_page=True)
    assert outside_requests == []
