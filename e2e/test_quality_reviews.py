"""QA end to end in Finnish: an agent answers a ticket; the team lead writes a scorecard (the preview shows the
arithmetic as they type), draws last week's sample, reviews the agent's conversation beside it with a comment on the
reply and shares the review; the agent reads it and disputes one item; the manager accepts and the agent sees the
new score; the manager's quality dashboard and its drill-down open."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in

SOURCE = "Vastaus [paino 2]\n- Oikea ratkaisu [5 pistettä, paino 3, kriittinen]\n- Kohtelias sävy [binäärinen]"


def test_a_lead_reviews_an_agent_who_disputes_and_sees_the_outcome(
    browser: Any, server: str, outside_requests: list[str]
) -> None:
    agent = browser.new_context().new_page()
    sign_in(agent, server, "agent.fi@opsdesk.example")
    agent_name = agent.locator("a[href^='/accounts/preferences/']").first.inner_text().split(" · ")[0]
    agent.goto(server + "/tickets/?view=open")
    agent.locator("[data-ticket-row] a").first.click()
    number = re.search(r"/tickets/(\d+)/", agent.url)
    assert number is not None
    agent.fill("#composer-reply textarea[name=body]", "Hyvitys on nyt maksettu tilillesi.")
    agent.click("#composer-reply button.primary")
    expect(agent.locator("#conversation")).to_contain_text("Hyvitys on nyt maksettu tilillesi.")

    lead = browser.new_context().new_page()
    sign_in(lead, server, "lead.fi@opsdesk.example")
    name = f"Sähköposti {uuid.uuid4().hex[:4]}"
    lead.goto(server + "/quality/scorecards/new/")
    lead.fill("input[name=name]", name)
    lead.fill("textarea[name=source]", SOURCE)
    expect(lead.locator("#scorecard-preview")).to_contain_text(
        "75,0 %"
    )  # the binary item's share of its section: 1 of 4
    lead.click("#scorecard-form button.primary")
    expect(lead.locator(".messages")).to_be_visible()

    lead.goto(server + "/quality/")
    lead.locator("details summary", has_text="Arvo otos").click()
    lead.select_option("select[name=scorecard]", label=name)
    lead.locator("select[name=reviewers]").select_option(label="Mikko Manageri")
    lead.locator("details form button.primary").click()
    expect(lead.locator("h1")).to_contain_text(name)
    expect(lead.locator("table")).to_be_visible()

    lead.goto(server + f"/quality/tickets/{number.group(1)}/review/")
    lead.select_option("#scorecard-choice", label=name)
    lead.locator("form.inline button").click()
    lead.select_option("select[name=reviewee]", label=agent_name)
    lead.locator("label.survey-choice", has=lead.locator("input[name=item_oikea-ratkaisu][value='4']")).click()
    lead.locator("label.survey-choice", has=lead.locator("input[name=item_kohtelias-sävy][value='2']")).click()
    reply = lead.locator(".message", has_text="Hyvitys on nyt maksettu tilillesi.")
    reply.locator("summary").click()
    reply.locator("textarea").fill("Selkeä ja nopea.")
    lead.check("input[name=share]")
    lead.click("form.qa-review button.primary")
    expect(lead.locator("h1 .qa-score")).to_have_text("81,3")  # (75 × 3 + 100) / 4 = 81.25
    review_url = lead.url

    agent.goto(server + "/quality/")
    agent.locator("a", has_text=f"#{number.group(1)}").first.click()
    expect(agent.locator("main")).to_contain_text("Selkeä ja nopea.")
    agent.locator("details summary", has_text="Kiistä tämä arviointi").click()
    agent.fill("details textarea[name=comment]", "Ratkaisu oli täydellinen.")
    agent.select_option("details select[name=item_oikea-ratkaisu]", "5")
    agent.locator("details button[type=submit]").click()
    expect(agent.locator(".qa-dispute")).to_contain_text("Ratkaisu oli täydellinen.")

    manager = browser.new_context().new_page()
    sign_in(manager, server, "manager@opsdesk.example")
    manager.goto(review_url)
    manager.check("input[name=state][value=accepted]")
    manager.fill("textarea[name=resolution]", "Totta, ratkaisu oli täydellinen.")
    manager.locator("aside form button.primary").click()
    expect(manager.locator("h1 .qa-score")).to_have_text("100,0")

    agent.goto(review_url)
    expect(agent.locator("h1 .qa-score")).to_have_text("100,0")
    expect(agent.locator(".qa-dispute")).to_contain_text("Totta, ratkaisu oli täydellinen.")
    agent.goto(server + f"/tickets/{number.group(1)}/")
    expect(agent.locator(".timeline")).to_contain_text("81,25")  # the score before stays in the history

    manager.goto(server + "/quality/dashboard/?days=90")
    expect(manager.locator(".qa-cards")).to_contain_text("CSAT")
    manager.locator(".qa-cards a", has_text="IQS").click()
    expect(manager.locator("table tbody tr").first).to_be_visible()
    assert outside_requests == []
