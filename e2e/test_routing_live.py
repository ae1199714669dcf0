"""The issue's routing half of "Done when", live: a manager sets a team to round robin by language, an agent who
speaks the ticket's language is online, and a new ticket for the team is assigned by the running worker with the
decision and its reasons on the ticket's history; a ticket in a language nobody online speaks waits, and says why."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in
from .test_translated_settings import set_language


def open_ticket(page: Any, server: str, *, subject: str, team: str, language: str) -> str:
    page.goto(server + "/tickets/new/")
    page.fill("input[name=requester_email]", f"{uuid.uuid4().hex[:8]}@example.com")
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=body]", "Please help.")
    page.uncheck("input[name=public]")
    page.select_option("select[name=team]", label=team)
    page.select_option("select[name=language]", language)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_contain_text(subject)
    return str(page.url)


def history_until(page: Any, url: str, pattern: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        text = page.locator(".timeline").inner_text()
        if re.search(pattern, text) or time.monotonic() > deadline:
            return str(text)
        time.sleep(2)


def test_round_robin_by_language_assigns_and_says_why(server: str, page: Any, outside_requests: list[str]) -> None:
    suffix = uuid.uuid4().hex[:6]
    sign_in(page, server, "manager@opsdesk.example")
    set_language(page, server, "en")
    try:
        page.goto(server + "/settings/routing/")
        page.click("a[aria-label='Edit routing of Swedish Support']")
        page.select_option("select[name=strategy]", "round_robin")
        page.check("input[name=use_language]")
        page.fill("input[name=fallback_minutes]", "30")
        page.click("button[type=submit].primary")
        expect(page.locator("tr", has_text="Swedish Support").first).to_contain_text("Round robin")

        # the demo's Swedish team has agents online who speak Swedish, and none who speaks Greek
        swedish = open_ticket(page, server, subject=f"Fakturan {suffix}", team="Swedish Support", language="sv")
        text = history_until(page, swedish, r"Assigned to .+: language: Swedish, load \d+/\d+, round-robin turn")
        assert re.search(r"Assigned to .+: language: Swedish, load \d+/\d+, round-robin turn", text), text

        greek = open_ticket(page, server, subject=f"Λογαριασμός {suffix}", team="Swedish Support", language="el")
        text = history_until(page, greek, r"Waiting for an agent")
        reasons = (
            "Waiting for an agent: no online agent with capacity speaks the language: Greek",
            "Waiting for an agent: every online agent is at capacity",  # the Swedish ticket took the last place
        )
        assert any(reason in text for reason in reasons), text
        assert "Assigned to" not in text
        assert outside_requests == []
    finally:
        set_language(page, server, "fi")  # the demo manager reads Finnish; later tests expect it
