"""A customer answers a survey from its mail, in Swedish: the manager sends the CSAT survey at once after solving,
an agent solves a Swedish contact-form request, the worker sends the survey (read from the outbox it delivered to),
one click on "5" records the answer without signing in, a comment is added on the page, and the agent sees both on
the ticket's history."""

from __future__ import annotations

import email
import re
import time
import uuid
from email import policy
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in


def survey_texts(outbox: Path, address: str) -> list[str]:
    """The plain text of each survey mail the file backend wrote for `address`, parsed from bytes: the body is 8-bit
    UTF-8, which parsing the file's text would mangle."""
    found = []
    for path in sorted(outbox.glob("*.log")) if outbox.exists() else []:
        for part in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not part.strip():
                continue
            message = email.message_from_bytes(part.strip() + b"\n", policy=policy.default)
            if address in str(message.get("To", "")):
                plain = message.get_body(preferencelist=("plain",))
                text = plain.get_content() if plain is not None else ""
                if "/survey/" in text:
                    found.append(text)
    return found


def test_a_customer_answers_the_survey_from_the_mail_in_swedish_and_the_agent_sees_it(
    browser: Any, server: str, server_env: dict[str, str], page: Any, outside_requests: list[str]
) -> None:
    manager = browser.new_context().new_page()
    sign_in(manager, server, "manager@opsdesk.example")
    manager.goto(server + "/settings/surveys/")
    manager.click("text=Satisfaction after solving")
    manager.fill("input[name=delay_minutes]", "0")
    manager.click("form.panel button[type=submit]")
    expect(manager.locator(".messages")).to_be_visible()
    expect(manager.locator("input[name=delay_minutes]")).to_have_value("0")

    address = f"astrid.{uuid.uuid4().hex[:8]}@kund.example"
    subject = f"Leveransen saknas {uuid.uuid4().hex[:4]}"
    page.goto(server + "/contact/?lang=sv")
    page.fill("input[name=name]", "Astrid Kund")
    page.fill("input[name=email]", address)
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=body]", "Mitt paket har inte kommit fram.")
    page.click("button:has-text('Skicka')")
    expect(page.locator("h1")).to_have_text("Tack")

    agent = browser.new_context().new_page()
    sign_in(agent, server, "admin@opsdesk.example")
    agent.goto(server + "/tickets/?view=recent")
    agent.fill("input[name=q]", subject)
    agent.click("button:has-text('Filter')")
    agent.locator("[data-ticket-row] a").first.click()
    expect(agent.locator("h1")).to_contain_text(subject)
    agent.fill("#composer-reply textarea[name=body]", "Paketet kommer i morgon. Vänliga hälsningar!")
    agent.select_option("#composer-reply select[name=status]", label="Solved")
    agent.click("button:has-text('Send reply')")
    expect(agent.locator("h1 .badge")).to_have_text("Solved")
    number = re.search(r"#(\d+)", agent.locator("h1").inner_text())
    assert number is not None

    outbox = Path(server_env["OPSDESK_DATA_DIR"]) / "outbox"
    deadline = time.monotonic() + 60
    surveys: list[str] = []
    while not surveys and time.monotonic() < deadline:
        surveys = survey_texts(outbox, address)
        time.sleep(0.3)
    assert len(surveys) == 1, "the survey mail did not arrive"
    body = surveys[0]
    assert "Hur nöjd är du med hjälpen du fick?" in body  # the question in the customer's language
    five = re.search(r"5 \([^)]*\): (https?://\S+/survey/\S+/)", body)
    assert five is not None and five.group(1).startswith(server + "/survey/")

    customer = browser.new_context(locale="sv-SE").new_page()  # no cookie, no session
    customer.goto(five.group(1))
    expect(customer.locator("html")).to_have_attribute("lang", "sv")
    expect(customer.locator(".messages")).to_contain_text("Tack")
    expect(customer.locator("input[name=rating][value='5']")).to_be_checked()
    customer.fill("textarea[name=comment]", "Snabbt och vänligt!")
    customer.click("form button.primary")
    expect(customer.locator("textarea[name=comment]")).to_have_value("Snabbt och vänligt!")

    customer.goto(five.group(1))  # the link again: nothing new recorded
    expect(customer.locator("input[name=rating][value='5']")).to_be_checked()

    agent.goto(server + f"/tickets/{number.group(1)}/")
    history = agent.locator(".timeline")
    expect(history).to_contain_text("The customer answered the CSAT survey: 5 / 5")
    expect(history).to_contain_text("The customer changed the CSAT answer: 5 / 5, “Snabbt och vänligt!”")
    expect(history).to_contain_text(f"CSAT survey sent to {address}")
    assert outside_requests == []
