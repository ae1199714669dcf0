"""A customer opens a ticket with an attachment in the portal; an agent finds it, replies and sets it pending; the
customer sees the reply."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in


def test_portal_ticket_agent_reply_and_customer_sees_it(
    browser: Any, server: str, tmp_path: Path, outside_requests: list[str], page: Any
) -> None:
    subject = f"Lamp flickers {uuid.uuid4().hex[:6]}"
    photo = tmp_path / "lamp.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    sign_in(page, server, "customer@opsdesk.example")
    page.click("text=New request")
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=body]", "The lamp flickers every evening.")
    page.set_input_files("input[name=attachments]", str(photo))
    page.click("button:has-text('Send request')")
    expect(page.locator("h1")).to_contain_text(subject)
    expect(page.locator(".attachments")).to_contain_text("lamp.png")
    number = page.url.rstrip("/").split("/")[-1]

    agent = browser.new_context().new_page()
    sign_in(agent, server, "agent.en@opsdesk.example")
    agent.goto(server + "/tickets/?view=unassigned")
    agent.fill("input[name=q]", subject)
    agent.select_option("#f-status", "new")
    agent.click("button:has-text('Filter')")
    rows = agent.locator("[data-ticket-row]")
    expect(rows).to_have_count(1)
    rows.first.locator("a").click()
    expect(agent.locator("h1")).to_contain_text(f"#{number}")
    agent.fill("#composer-reply textarea[name=body]", "Please try a new bulb; we are sending one.")
    agent.select_option("#composer-reply select[name=status]", label="Pending")
    agent.click("button:has-text('Send reply')")
    expect(agent.locator("h1 .badge")).to_have_text("Pending")
    # the page lands on the reply; the history lists changes, not messages
    assert "#message-" in agent.url
    expect(agent.locator("#conversation")).to_contain_text("Please try a new bulb; we are sending one.")
    expect(agent.locator(".timeline")).to_contain_text("Status: New → Pending")

    page.goto(server + f"/portal/tickets/{number}/")
    expect(page.locator(".conversation")).to_contain_text("Please try a new bulb; we are sending one.")
    assert outside_requests == []


def test_public_contact_form(server: str, page: Any, outside_requests: list[str]) -> None:
    page.goto(server + "/contact/")
    page.fill("input[name=name]", "Walter Visitor")
    page.fill("input[name=email]", "walter@visitor.example")
    page.fill("input[name=subject]", "Opening hours")
    page.fill("textarea[name=body]", "When are you open?")
    page.click("button:has-text('Send')")
    expect(page.locator("h1")).to_have_text("Thank you")
    assert outside_requests == []


def test_inbox_shows_more_with_a_keyset_cursor(server: str, page: Any, outside_requests: list[str]) -> None:
    sign_in(page, server, "admin@opsdesk.example")
    page.goto(server + "/tickets/?view=recent")
    rows = page.locator("[data-ticket-row]")
    expect(rows).to_have_count(50)
    page.click("text=Show more")
    expect(rows).to_have_count(100)
    numbers = [int(n) for n in rows.locator("td:nth-child(2)").all_inner_texts()]
    assert len(set(numbers)) == 100
    assert outside_requests == []
