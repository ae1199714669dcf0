"""A manager, from the top bar's "SLA and rules" link, sets up a calendar with two windows a day and Finnish holidays,
then a policy with a target per priority on it (a bad duration is shown on its own cell first), adds an escalation
and moves the policy; the list and the form in English and Finnish at laptop and phone widths."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in
from .test_translated_settings import no_sideways_scroll, set_language

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
TARGETS = {
    "urgent": {"first_reply": "30m", "next_reply": "1h", "requester_wait": "4h", "agent_work": "2h"},
    "high": {"first_reply": "1h", "next_reply": "2h", "requester_wait": "1d", "agent_work": "6h"},
    "normal": {"first_reply": "4h", "next_reply": "8h", "requester_wait": "2d", "agent_work": "1d"},
    "low": {"first_reply": "1d", "next_reply": "1d", "requester_wait": "5d", "agent_work": "3d"},
}


def test_a_manager_sets_up_a_calendar_and_a_policy_per_priority(
    server: str, page: Any, outside_requests: list[str]
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    suffix = uuid.uuid4().hex[:6]
    calendar, policy = f"Helsinki {suffix}", f"Finland {suffix}"
    sign_in(page, server, "manager@opsdesk.example")
    set_language(page, server, "en")  # the demo manager reads Finnish
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server + "/")
    page.click("nav >> text=SLA and rules")
    page.click("main >> text=SLA policies")
    expect(page.locator("h1")).to_have_text("SLA policies")
    expect(page.locator("header nav a[aria-current=page]")).to_have_attribute("href", "/settings/automation/")
    expect(page.locator("main nav a[aria-current=page]")).to_have_attribute("href", "/settings/sla/")
    page.click("main >> text=Business calendars")
    page.click("text=New calendar")
    page.fill("input[name=name]", calendar)
    page.select_option("select[name=time_zone]", "Europe/Helsinki")
    for day in range(5):
        page.fill(f"input[name=weekday_{day}]", "8-12, 13-17")
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text(calendar)
    page.select_option("select[name=country]", "FI")
    page.fill("input[name=year]", "2027")
    page.click("text=Add the holidays")
    expect(page.locator("#holidays")).to_contain_text("Independence Day")
    page.goto(server + "/settings/calendars/")
    page.click("main >> text=SLA policies")
    page.click("text=New policy")
    page.fill("input[name=name]", policy)
    page.check("input[name=priority][value=urgent]")
    page.check("input[name=priority][value=high]")
    page.fill("input[name=tags]", "vip, finland")
    page.select_option("select[name=calendar]", label=calendar)
    page.check("input[name=pause_categories][value=pending]")
    for priority, cells in TARGETS.items():
        for metric, time in cells.items():
            page.fill(f"input[name=target_{priority}_{metric}]", time)
    page.uncheck("input[name=business_urgent_first_reply]")
    page.fill("input[name=target_normal_periodic_update]", "2 hours")
    page.click("button[type=submit].primary")
    cell = page.locator("td.has-error")
    expect(cell).to_contain_text("Write a time such as 30m, 2h or 1d 4h; a number alone is minutes.")
    expect(cell.locator("input.duration")).to_have_attribute("name", "target_normal_periodic_update")
    expect(page.locator("input[name=target_urgent_first_reply]")).to_have_value("30m")  # what was typed stays
    expect(page.get_by_role("checkbox", name="Urgent: First reply: Business hours")).not_to_be_checked()
    page.screenshot(path=str(SHOTS / "sla-policy-form-error-en-1366.png"), full_page=True)
    page.fill("input[name=target_normal_periodic_update]", "")
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text(f"Edit {policy}")
    expect(page.locator("input[name=target_normal_requester_wait]")).to_have_value("2d")
    page.fill("input[name=level]", "1")
    page.check("input[name=notify][value=team_leads]")
    page.fill("input[name=delay]", "30m")
    page.click("#escalations button[type=submit]:has-text('Add')")
    expect(page.locator("#escalations tbody")).to_contain_text("Breach of any metric, after 30m")
    page.screenshot(path=str(SHOTS / "sla-policy-form-en-1366.png"), full_page=True)
    page.click("text=← SLA policies")
    row = page.locator(".policy-row", has_text=policy)
    expect(row).to_contain_text("Priority: High, Urgent; Tags: vip, finland")
    expect(row).to_contain_text(f"{calendar}")
    expect(row).to_contain_text("Urgent: First reply 30m (24/7) · Next reply 1h · Requester wait time 4h")
    ranks = page.locator(".policy-row h2 a").all_inner_texts()
    assert ranks[-1] == "Standard" and policy in ranks
    if ranks.index(policy) > 0:
        row.locator("button:has-text('Up')").click()
        expect(page.locator(".policy-row h2 a").nth(ranks.index(policy) - 1)).to_have_text(policy)
    page.screenshot(path=str(SHOTS / "sla-policy-list-en-1366.png"), full_page=True)
    no_sideways_scroll(page)
    page.set_viewport_size({"width": 390, "height": 844})
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "sla-policy-list-en-390.png"), full_page=True)
    page.locator(".policy-row", has_text=policy).locator("a.button").click()
    expect(page.locator("h1")).to_have_text(f"Edit {policy}")
    page.wait_for_load_state()
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "sla-policy-form-en-390.png"), full_page=True)
    set_language(page, server, "fi")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(server + "/settings/sla/")
        expect(page.locator("h1")).to_have_text("SLA-käytännöt")
        no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"sla-policy-list-fi-{width}.png"), full_page=True)
        page.locator(".policy-row", has_text=policy).locator("a.button").click()
        expect(page.locator("h1")).to_have_text(f"Muokkaa: {policy}")
        page.wait_for_load_state()
        no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"sla-policy-form-fi-{width}.png"), full_page=True)
    assert outside_requests == []
