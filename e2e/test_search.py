"""Search in the browser: an agent finds a customer's Finnish ticket typing without accents, highlighted; the
customer finds it in the portal but never the agent's internal note."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in

SHOTS = Path(__file__).resolve().parent.parent / "test-results"


def test_agent_and_customer_search(browser: Any, server: str, outside_requests: list[str], page: Any) -> None:
    code = uuid.uuid4().hex[:8]
    sign_in(page, server, "customer@opsdesk.example")
    page.click("text=New request")
    page.fill("input[name=subject]", f"Kahvinkeitin vuotaa {code}")
    page.fill("textarea[name=body]", "Tämä kahvinkeitin vuotaa vettä pöydälle joka aamu.")
    page.click("button:has-text('Send request')")
    number = page.url.rstrip("/").split("/")[-1]

    agent = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(agent, server, "admin@opsdesk.example")
    agent.goto(server + f"/tickets/{number}/")
    agent.click("button[data-composer-tab=note]")
    agent.fill("#composer-note textarea[name=body]", f"Varaosa tilattu, sisäinen {code}x")
    agent.click("button:has-text('Add note')")
    agent.goto(server + "/tickets/?view=recent")
    agent.fill("input[name=q]", f"tama POYDALLE {code}")
    agent.click("button:has-text('Filter')")
    hits = agent.locator(".hit")
    expect(hits).to_have_count(1)
    expect(hits.first.locator(".hit-title mark")).to_have_text(code)
    expect(hits.first.locator(".hit-snippet mark").first).to_have_text("Tämä")
    SHOTS.mkdir(exist_ok=True)
    agent.screenshot(path=str(SHOTS / "search-agent-en.png"), full_page=True)
    # change the found ticket from the results, as from the inbox
    hits.first.locator("input[name=ticket]").check()
    agent.select_option("#bulk-status", label="Pending")
    agent.click(".bulkbar button[type=submit]")
    expect(agent.locator(".hit .badge").first).to_have_text("Pending")
    hits.first.locator("a").click()
    expect(agent.locator("h1")).to_contain_text(f"#{number}")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/portal/?q=" + f"kahvinkeitin {code}")
    expect(page.locator(".hit")).to_have_count(1)
    expect(page.locator(".hit-snippet")).to_contain_text("vettä pöydälle")
    page.screenshot(path=str(SHOTS / "search-portal-phone.png"), full_page=True)
    page.goto(server + "/portal/?q=" + f"{code}x")
    expect(page.locator(".hit")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("None of your requests match")
    assert outside_requests == []
