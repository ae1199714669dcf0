"""A long ticket on a phone: it opens at the latest message with the composer under it, the earlier messages
unfold when asked, and after a reply the page lands on the reply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from opsdesk.tests.demo_server import opsdesk

from .conftest import sign_in

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
LONG_TICKET = """
from opsdesk.accounts.models import User
from opsdesk.customers.models import Customer
from opsdesk.tickets import actions
agent = User.objects.get(email="agent.en@opsdesk.example")
customer = Customer.objects.get(emails__address="customer@opsdesk.example")
ticket = actions.create_ticket(subject="A long conversation", body="Message 0: the export fails.",
    requester=customer, actor=None, team=agent.memberships.first().team)
for n in range(1, 30):
    if n % 2:
        actions.reply_to_ticket(ticket, body=f"Message {n}: please try the next step.", actor=agent)
    else:
        actions.add_customer_reply(ticket, body=f"Message {n}: it still fails.", customer=customer, actor=None)
    ticket.refresh_from_db()
print(ticket.pk)
"""


def in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= -1 and box["y"] + min(box["height"], 80) <= height


def lands_in_view(page: Any, locator: Any, seconds: float = 5.0) -> bool:
    """In view once the page has scrolled to it: the unfolded history is inserted, then scrolled to, a moment apart
    (under a loaded machine, more than one frame)."""
    for _ in range(int(seconds * 10)):
        if in_view(page, locator):
            return True
        page.wait_for_timeout(100)
    return in_view(page, locator)


def test_a_long_ticket_on_a_phone_opens_at_the_latest_message_and_the_composer(
    server: str, server_env: dict[str, str], page: Any, outside_requests: list[str]
) -> None:
    number = opsdesk(server_env, "manage", "shell", "-c", LONG_TICKET).strip().splitlines()[-1]
    sign_in(page, server, "agent.en@opsdesk.example")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/tickets/{number}/")
    messages = page.locator("#conversation > li.message")
    expect(messages).to_have_count(4)  # the opening and the latest three
    latest = messages.last
    expect(latest).to_contain_text("Message 29")
    assert in_view(page, latest)
    assert in_view(page, page.locator("#composer-reply textarea"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "long-ticket-phone.png"))

    page.get_by_role("button", name="Show 26 earlier messages").click()
    expect(messages).to_have_count(30)
    expect(messages.nth(1)).to_contain_text("Message 1:")

    page.fill("#composer-reply textarea", "Message 30: fixed in the next release.")
    page.click("#composer-reply button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "#message-" in page.url
    landed = page.locator(f"#{page.url.rsplit('#', 1)[1]}")
    expect(landed).to_contain_text("Message 30")
    assert in_view(page, landed)
    assert outside_requests == []


LONG_HISTORY = """
from opsdesk.accounts.models import User
from opsdesk.customers.models import Customer
from opsdesk.tickets import actions
agent = User.objects.get(email="agent.en@opsdesk.example")
customer = Customer.objects.get(emails__address="customer@opsdesk.example")
ticket = actions.create_ticket(subject="A ticket of many changes", body="The label printer jams.",
    requester=customer, actor=None, team=agent.memberships.first().team)
for n in range(30):
    actions.set_priority(ticket, priority="high" if n % 2 else "low", actor=agent)
print(ticket.pk, ticket.events.get(kind="ticket.created").pk)
"""


def test_a_link_to_a_folded_change_of_the_history_unfolds_it_and_lands_on_it(
    server: str, server_env: dict[str, str], page: Any, outside_requests: list[str]
) -> None:
    number, created = opsdesk(server_env, "manage", "shell", "-c", LONG_HISTORY).strip().splitlines()[-1].split()
    sign_in(page, server, "agent.en@opsdesk.example")
    page.goto(f"{server}/tickets/{number}/")
    history = page.locator(".timeline > li:not(.folded)")
    expect(history).to_have_count(20)  # the latest twenty changes; the rest are behind a button
    expect(page.locator(".timeline button[data-history-earlier]")).to_contain_text("earlier changes")
    # a notification or the SLA panel links to a change by its anchor: it unfolds and the page lands on it
    page.goto(f"{server}/tickets/{number}/#event-{created}")
    change = page.locator(f"#event-{created}")
    expect(change).to_contain_text("Ticket created")
    assert lands_in_view(page, change)
    expect(page.locator(".timeline button[data-history-earlier]")).to_have_count(0)
    assert outside_requests == []
