"""Workforce planning end to end, the manager in Finnish: forecast the Greek phone queue's next month from the demo's
calls (the worker fits the models; the page waits for it), read the backtest, make a staffing plan at 80/20 and see
the agents needed per half hour; move a Greek agent's shift by dragging it in the schedule editor and see the coverage
against the plan; the what-if answers as an input changes; a budget is built from the plan, actuals imported and the
XLSX downloaded. The Greek agent reads their week at phone width in Greek."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import sign_in
from .test_translated_settings import set_language

SAMPLE = Path(__file__).resolve().parent.parent / "docs" / "samples" / "budget-actuals-2027.csv"


def test_a_manager_forecasts_staffs_schedules_and_budgets(
    browser: Any, server: str, outside_requests: list[str]
) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    sign_in(page, server, "manager@opsdesk.example")
    set_language(page, server, "fi")  # other tests of the run may have changed it
    page.goto(server + "/workforce/")
    page.locator("a", has_text="Greek phone").click()
    page.locator("form[action$='/forecast/'] button[type=submit]").click()
    expect(page.locator("#accuracy-title")).to_be_visible(timeout=180_000)  # the page refreshes itself until ready
    expect(page.locator("tr.chosen .badge")).to_be_visible()
    assert page.locator("#accuracy-title ~ div table tbody tr").count() >= 2
    page.fill("#id_name", "Joulukuu 80/20")
    page.fill("#id_service_level", "80")
    page.fill("#id_target_seconds", "20")
    page.locator("form[action$='/plan/'] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Joulukuu 80/20")
    cells = page.locator("table.wf-heat td").all_inner_texts()
    assert max(int(c) for c in cells if c.strip().isdigit()) >= 1  # agents needed in the busy half hours

    # the schedule editor: the Greek team's week of 30 Nov (the demo's rotation is published for four weeks)
    page.goto(server + "/workforce/schedule/")
    team = page.locator("select[name=team] option", has_text="Kreikankielinen").get_attribute("value")
    first_week = page.url
    page.goto(f"{server}/workforce/schedule/?team={team}&week=2026-11-30")
    if page.locator(".wf-shift").count() == 0:  # the demo's weeks start on the Monday of the day it was seeded
        page.goto(first_week)
    row = page.locator("table.wf-week tbody tr").first
    chip = row.locator("td.wf-day .wf-shift").first
    saturday = row.locator("td.wf-day").nth(5)
    before = chip.inner_text().split("\n")[0]
    chip.drag_to(saturday)
    page.wait_for_load_state("networkidle")
    row = page.locator("table.wf-week tbody tr").first
    expect(row.locator("td.wf-day").nth(5).locator(".wf-shift")).to_contain_text(before)
    expect(row.locator("td.wf-day").nth(5).locator(".wf-shift.draft")).to_be_visible()  # moved: a draft again
    expect(page.locator("#coverage-title")).to_be_visible()

    # the what-if answers at once
    page.goto(server + "/workforce/what-if/")
    needed = page.locator("[data-testid=agents-needed]")
    expect(needed).to_have_text("26")  # 135 contacts of 280 s in 30 minutes at 80/20
    page.fill("#id_aht_seconds", "560")
    expect(needed).to_have_text(re.compile(r"^(4[5-9]|5\d)$"))

    # the budget from the plan, the sample actuals, the XLSX
    page.goto(server + "/workforce/budgets/")
    page.locator("summary", has_text="Uusi budjettiversio").click()
    page.select_option("#id_budget-plan", label="Joulukuu 80/20")
    page.fill("#id_budget-year", "2027")
    page.fill("#id_budget-name", "Asiakaspalvelu 2027")
    page.locator("form:has(#id_budget-year) button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Asiakaspalvelu 2027")
    budget_url = page.url
    page.goto(server + "/workforce/budgets/")
    page.set_input_files("#id_actuals-file", str(SAMPLE))
    page.locator("form[action$='/actuals/'] button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Toteumat tuotu")
    page.goto(budget_url)
    expect(page.locator("#drivers-title ~ div table tbody tr")).to_have_count(2)  # January and February
    with page.expect_download() as download:
        page.locator("a[href$='budget.xlsx']").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.worksheets[0]["F2"].value == "=D2+E2"
    assert outside_requests == []


def test_the_greek_agent_reads_their_week_at_phone_width(browser: Any, server: str) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, server, "agent.el@opsdesk.example")
    set_language(page, server, "el")  # other tests of the run may have changed it
    page.goto(server + "/workforce/my-schedule/")
    expect(page.locator("h1")).to_have_text("Το πρόγραμμα βαρδιών μου")
    expect(page.locator("main")).to_contain_text("Europe/Athens")
    assert page.locator("#shifts-title ~ ul li").count() >= 5
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
