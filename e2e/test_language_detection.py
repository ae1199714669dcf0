"""A Greek message through the public contact form: the worker detects its language, the agent finds the ticket
with the detected-language filter and reads the detection on its history, in Finnish and at phone width."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
GREEK = (
    "Καλησπέρα σας, παρήγγειλα ένα ζευγάρι παπούτσια πριν από δέκα μέρες και ακόμα δεν έχουν φτάσει. "
    "Μπορείτε να ελέγξετε πού βρίσκεται το δέμα;"
)


def test_a_greek_message_is_detected_by_the_worker(browser: Any, server: str, outside_requests: list[str]) -> None:
    visitor = browser.new_page()
    visitor.goto(server + "/contact/")
    visitor.fill("input[name=name]", "Ελένη Παπαδοπούλου")
    visitor.fill("input[name=email]", "eleni.language@example.gr")
    visitor.fill("input[name=subject]", "Η παραγγελία μου δεν έφτασε")
    visitor.fill("textarea[name=body]", GREEK)
    visitor.click("button:has-text('Send')")
    expect(visitor.locator("h1")).to_have_text("Thank you")

    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    sign_in(page, server, "manager@opsdesk.example")  # sees every ticket; reads Finnish
    rows = page.locator("[data-ticket-row]", has_text="Η παραγγελία μου δεν έφτασε")
    deadline = time.monotonic() + 60  # the worker picks the run queued on commit up within a second or two
    while True:
        page.goto(server + "/tickets/?view=recent&detected_language=el")
        if rows.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(rows).to_have_count(1)
    rows.locator("a").first.click()
    history = page.locator("body")
    expect(history).to_contain_text("Kieli tunnistettu: kreikka (100 %); tiketin kieli on nyt kreikka")
    expect(history).to_contain_text("Tunnistettu kieli: kreikka")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "language-detected-fi-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    # In English on a desktop: the ticket's detected language links to the inbox filtered by it.
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, server, "admin@opsdesk.example")
    desk.goto(page.url)
    expect(desk.locator("body")).to_contain_text("Language detected: Greek (100 %); the ticket's language is now Greek")
    desk.click("a:has-text('Greek')")
    expect(desk.locator("[data-ticket-row]", has_text="Η παραγγελία μου δεν έφτασε")).to_have_count(1)
    expect(desk.locator("#f-detected-language")).to_have_value("el")
    desk.select_option("#f-detected-language", "de")
    desk.click("button:has-text('Filter')")
    expect(desk.locator("[data-ticket-row]", has_text="Η παραγγελία μου δεν έφτασε")).to_have_count(0)
    desk.select_option("#f-detected-language", "el")
    desk.click("button:has-text('Filter')")
    desk.screenshot(path=str(SHOTS / "inbox-detected-greek-en.png"), full_page=True)
    assert outside_requests == []
