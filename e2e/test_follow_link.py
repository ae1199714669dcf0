"""A contact-form sender without an account, in Swedish: the acknowledgement mail (read from the outbox the worker
delivered it to) has a link on the address the site is served on; it opens the request without signing in, and a
reply sent there reaches the agents' conversation."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in
from .test_analytics_live import mails_to


def test_a_sender_without_an_account_follows_and_answers_the_request_from_the_mail(
    browser: Any, server: str, server_env: dict[str, str], page: Any, outside_requests: list[str]
) -> None:
    address = f"sigrid.{uuid.uuid4().hex[:8]}@besokare.example"
    subject = f"Fakturakopia {uuid.uuid4().hex[:4]}"
    page.goto(server + "/contact/?lang=sv")
    page.fill("input[name=name]", "Sigrid Besökare")
    page.fill("input[name=email]", address)
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=body]", "Kan ni skicka en kopia av min faktura?")
    page.click("button:has-text('Skicka')")
    expect(page.locator("h1")).to_have_text("Tack")
    expect(page.locator("main")).to_contain_text("Det innehåller en länk där du kan läsa ditt ärende")

    outbox = Path(server_env["OPSDESK_DATA_DIR"]) / "outbox"
    deadline = time.monotonic() + 30
    while not mails_to(outbox, address) and time.monotonic() < deadline:
        time.sleep(0.2)
    (ack,) = mails_to(outbox, address)
    body = ack.get_body(preferencelist=("plain",)).get_content()
    assert "utan att logga in" in body  # Swedish, as the form was
    links = re.findall(r"https?://[^\s\"<>]+", body)
    follow = [link for link in links if "/follow/" in link]
    assert len(follow) == 1 and re.fullmatch(re.escape(server) + r"/follow/[A-Za-z0-9_-]{43}/", follow[0])
    assert all(link.startswith(server + "/") for link in links)  # every link names the address served on

    visitor = browser.new_context(locale="sv-SE").new_page()  # another browser: no cookie, no session
    visitor.goto(follow[0])
    expect(visitor.locator("html")).to_have_attribute("lang", "sv")
    expect(visitor.locator("h1")).to_contain_text(subject)
    expect(visitor.locator(".conversation")).to_contain_text("Kan ni skicka en kopia av min faktura?")
    visitor.fill("textarea[name=body]", "Gärna även för mars, tack.")
    visitor.click("button:has-text('Skicka')")
    expect(visitor.locator(".messages")).to_contain_text("Ditt svar har skickats.")
    expect(visitor.locator(".conversation")).to_contain_text("Gärna även för mars, tack.")
    number = re.search(r"#(\d+)", visitor.locator("h1").inner_text())
    assert number is not None

    altered = visitor.context.new_page()
    token = follow[0].rstrip("/").rsplit("/", 1)[1]
    altered.goto(f"{server}/follow/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/")
    expect(altered.locator("h1")).to_have_text("Länken är inte giltig")
    expect(altered.locator("main")).not_to_contain_text(subject)

    agent = browser.new_context().new_page()
    sign_in(agent, server, "admin@opsdesk.example")
    agent.goto(server + f"/tickets/{number.group(1)}/")
    expect(agent.locator("#conversation")).to_contain_text("Gärna även för mars, tack.")
    assert outside_requests == []
