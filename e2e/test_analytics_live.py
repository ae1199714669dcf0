"""The analytics issue's "Done when", live: a manager opens OpsDesk in the morning, sees yesterday against goals
in Finnish, clicks the SLA attainment figure down to the breached tickets and their events, and receives the
weekly report by e-mail with an XLSX that opens in a spreadsheet."""

from __future__ import annotations

import email
import io
import time
from email import policy
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from opsdesk.tests.demo_server import opsdesk

from .conftest import sign_in
from .test_translated_settings import no_sideways_scroll, set_language


def mails_to(outbox: Path, address: str) -> list[Any]:
    """The messages Django's file backend wrote for `address` (one file per connection, messages between rules)."""
    found = []
    for path in sorted(outbox.glob("*.log")) if outbox.exists() else []:
        for part in path.read_text(encoding="utf-8").split("\n" + "-" * 79 + "\n"):
            if part.strip():
                message = email.message_from_string(part.strip() + "\n", policy=policy.default)
                if address in str(message.get("To", "")):
                    found.append(message)
    return found


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


def test_the_weekly_report_arrives_by_email_with_a_spreadsheet(
    server: str, server_env: dict[str, str], page: Any, outside_requests: list[str]
) -> None:
    address = "manager@opsdesk.example"
    outbox = Path(server_env["OPSDESK_DATA_DIR"]) / "outbox"
    sign_in(page, server, address)
    set_language(page, server, "fi")
    page.goto(server + "/analytics/")
    page.locator("nav.sla-links a[href='/analytics/reports/']").click()
    form = page.locator("form[action='/analytics/reports/preview/']")
    form.locator("select[name=user]").select_option(label="Mikko Manageri")
    form.locator("select[name=frequency]").select_option("weekly")
    form.locator("button.primary").click()
    # the preview is the e-mail that will be sent: its subject and its attachment, before subscribing
    expect(page.locator("iframe")).to_be_visible()
    expect(page.locator("main dl.facts")).to_contain_text(".xlsx")
    # the button stands above the e-mail, without scrolling (below the frame, a click right after Playwright's
    # scroll was sometimes delivered to the sandboxed frame, which Chromium runs in a process of its own)
    button = page.locator("form[method=post] button.primary")
    assert button.bounding_box()["y"] < page.locator("iframe").bounding_box()["y"]
    with page.expect_navigation():
        button.click()
    expect(page.locator("main table")).to_contain_text("Mikko Manageri", timeout=20_000)

    # the hourly job, run now; the worker delivers the mail
    assert "Queued 1 reports" in opsdesk(server_env, "send-reports")
    deadline = time.monotonic() + 90
    while not mails_to(outbox, address) and time.monotonic() < deadline:
        time.sleep(1)
    sent = mails_to(outbox, address)
    assert len(sent) == 1, sent
    message = sent[0]
    assert "Viikkoraportti" in str(message["Subject"])
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Ensivasteaika" in html  # in Finnish, the manager's language
    attachments = [part for part in message.iter_attachments() if part.get_filename().endswith(".xlsx")]
    assert len(attachments) == 1
    workbook = load_workbook(io.BytesIO(attachments[0].get_content()))
    assert {"Summary", "Daily"} <= set(workbook.sheetnames) or len(workbook.sheetnames) >= 2
    formulas = [
        cell.value for row in workbook.worksheets[1].iter_rows() for cell in row if str(cell.value).startswith("=")
    ]
    assert formulas, "the daily sheet's totals are spreadsheet formulas"
    # sending again sends nothing: a period goes out once
    assert "Queued 0 reports" in opsdesk(server_env, "send-reports")
    assert outside_requests == []
