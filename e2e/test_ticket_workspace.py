"""The ticket page as agents work on it: a draft survives a reload, two agents on one ticket see each other (and who
is replying) live, the recently opened tickets are one click away, and the file input speaks the user's language."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from opsdesk.tests.demo_server import opsdesk

from .conftest import sign_in

TWO_TICKETS = """
from opsdesk.accounts.models import User
from opsdesk.customers.models import Customer
from opsdesk.tickets import actions
agent = User.objects.get(email="agent.en@opsdesk.example")
customer = Customer.objects.get(emails__address="customer@opsdesk.example")
team = agent.memberships.first().team
one = actions.create_ticket(subject="Workspace one: the invoice", body="Where is my invoice?", requester=customer,
    actor=None, team=team)
two = actions.create_ticket(subject="Workspace two: the parcel", body="Where is my parcel?", requester=customer,
    actor=None, team=team)
print(one.pk, two.pk, agent.name.replace(" ", "_"))
"""


def test_a_draft_survives_a_reload_and_is_gone_once_sent(server: str, server_env: dict[str, str], page: Any) -> None:
    one, _two, _name = opsdesk(server_env, "manage", "shell", "-c", TWO_TICKETS).strip().splitlines()[-1].split()
    sign_in(page, server, "agent.en@opsdesk.example")
    page.goto(f"{server}/tickets/{one}/")
    page.fill("#composer-reply textarea", "Your invoice is attached; the amount")
    page.wait_for_timeout(500)  # the draft is kept 300 ms after the last key
    page.reload()
    expect(page.locator("#composer-reply textarea")).to_have_value("Your invoice is attached; the amount")
    expect(page.get_by_text("Your unsent text on this ticket was restored.")).to_be_visible()
    page.get_by_role("button", name="Discard it").click()
    expect(page.locator("#composer-reply textarea")).to_have_value("")
    page.reload()
    expect(page.locator("#composer-reply textarea")).to_have_value("")

    page.fill("#composer-reply textarea", "Your invoice is attached.")
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#conversation")).to_contain_text("Your invoice is attached.")
    page.reload()
    expect(page.locator("#composer-reply textarea")).to_have_value("")
    expect(page.get_by_text("Your unsent text on this ticket was restored.")).to_be_hidden()


def test_two_agents_on_one_ticket_see_each_other_live(server: str, server_env: dict[str, str], browser: Any) -> None:
    one, _two, name = opsdesk(server_env, "manage", "shell", "-c", TWO_TICKETS).strip().splitlines()[-1].split()
    agent_name = name.replace("_", " ")
    agent_context, admin_context = browser.new_context(), browser.new_context()
    try:
        agent, admin = agent_context.new_page(), admin_context.new_page()
        sign_in(agent, server, "agent.en@opsdesk.example")
        sign_in(admin, server, "admin@opsdesk.example")
        admin.goto(f"{server}/tickets/{one}/")
        agent.goto(f"{server}/tickets/{one}/")
        warning = admin.locator("#collision")
        expect(warning).to_have_text(f"Also viewing: {agent_name}", timeout=10_000)
        agent.fill("#composer-reply textarea", "Let me check that")
        expect(warning).to_have_text(f"Replying now: {agent_name}", timeout=10_000)
        expect(warning).to_have_class("collision replying")
        agent.close()  # the agent leaves the ticket
        expect(warning).to_be_empty(timeout=10_000)
        expect(warning).to_be_hidden()
    finally:
        agent_context.close()
        admin_context.close()


def test_recent_tickets_and_a_file_input_in_finnish(server: str, server_env: dict[str, str], page: Any) -> None:
    one, two, _name = opsdesk(server_env, "manage", "shell", "-c", TWO_TICKETS).strip().splitlines()[-1].split()
    sign_in(page, server, "manager@opsdesk.example")  # Mikko Manageri reads OpsDesk in Finnish
    page.goto(f"{server}/tickets/{one}/")
    expect(page.locator(".recent-tickets")).to_be_hidden()  # nothing opened before in this browser
    page.goto(f"{server}/tickets/{two}/")
    recent = page.get_by_role("navigation", name="Äskettäin avatut tiketit")
    expect(recent.get_by_role("link")).to_have_text([f"#{one} Workspace one: the invoice"])
    files = page.locator("#composer-reply .file-pick")
    expect(files).to_contain_text("Valitse tiedostot…")
    expect(files).to_contain_text("Tiedostoa ei ole valittu")
    files.locator("input[type=file]").set_input_files(
        [{"name": "kuitti.txt", "mimeType": "text/plain", "buffer": b"Kuitti 42 EUR"}]
    )
    expect(files.locator("[data-file-names]")).to_have_text("kuitti.txt")
    recent.get_by_role("link").first.click()
    expect(page).to_have_url(f"{server}/tickets/{one}/")
    expect(page.get_by_role("navigation", name="Äskettäin avatut tiketit").get_by_role("link")).to_have_text(
        [f"#{two} Workspace two: the parcel"]
    )
