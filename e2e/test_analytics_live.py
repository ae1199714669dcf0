"""The analytics issue's "Done when", live: a manager opens OpsDesk in the morning, sees yesterday against goals
in Finnish, clicks the SLA attainment figure down to the breached tickets and their events, and receives the
weekly report by e-mail with an XLSX that opens in a spreadsheet."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in
from .test_translated_settings import no_sideways_scroll, set_language


def test_the_morning_dashboard_in_finnish_down_to_a_breached_tickets_events(
    server: str, page: Any, outside_requests: list[str]
) -> None:
    sign_in(page, server, "manager@opsdesk.example")
    set_language(page, server, "fi")
    page.locator("header nav a", has_text="Raportit").click()
    expect(page.locator("h1")).to_contain_text("Koontinäyttö")
    expect(page.locator("select[name=period]")).to_have_value("yesterday")  # yesterday, unasked
    expect(page.locator("main")).to_contain_text("Europe/Helsinki")
    # the quarter's goals beside yesterday's figures
    goals = page.locator(".kpi-card .goal")
    expect(goals.first).to_contain_text("Tavoite:")
    assert goals.count() >= 4
    # the charts are drawn, each with its table
    expect(page.locator("canvas[data-chart=volume]")).to_be_visible()
    assert page.evaluate("document.querySelector('canvas[data-chart=volume]').width") > 100
    expect(page.locator("details summary").first).to_be_visible()

    # SLA attainment over the last 90 days, down to the breached tickets
    page.select_option("select[name=period]", "90d")
    page.locator("form.analytics-filters button").click()
    card = page.locator(".kpi-card", has=page.locator("h3", has_text="SLA-tavoitteiden saavutus"))
    card.locator(".kpi-value a").click()
    expect(page.locator("h1")).to_contain_text("SLA-tavoitteiden saavutus")
    page.locator("nav.state-tabs a", has_text="Ylittynyt").click()
    rows = page.locator("main tbody tr")
    expect(rows.first.locator("td").first).to_contain_text("#")
    assert rows.count() >= 1
    number = rows.first.locator("td").first.inner_text().strip()
    rows.first.locator("a", has_text="Tapahtumat").click()
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator("main")).to_contain_text("Taustalla olevat tapahtumat")
    expect(page.locator(".explain-steps")).to_contain_text("SLA ylittyi")

    # at phone width the dashboard reads without sideways scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/analytics/")
    expect(page.locator(".kpi-card").first).to_be_visible()
    no_sideways_scroll(page)
    assert outside_requests == []
