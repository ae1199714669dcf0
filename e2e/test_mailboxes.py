"""An administrator adds a mailbox that reads a real IMAP server (a private Dovecot), tests the connection (an htmx
swap read out by screen readers), and sees the page in Finnish at phone width without sideways scrolling."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from opsdesk.messaging.tests.dovecot import PASSWORD, Dovecot, DovecotUnavailable, running_dovecot

from .conftest import sign_in
from .test_translated_settings import no_sideways_scroll, set_language

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    try:
        with running_dovecot() as server:
            yield server
    except DovecotUnavailable as error:
        pytest.fail(str(error), pytrace=False)


def test_an_admin_adds_a_mailbox_and_tests_its_connection(
    server: str, page: Any, outside_requests: list[str], dovecot: Dovecot
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    user = dovecot.add_user()
    conn = dovecot.client(user)
    for n in range(2):
        conn.append("INBOX", None, None, f"From: c{n}@example.org\r\nSubject: Hi {n}\r\n\r\nHello\r\n".encode())  # type: ignore[arg-type]
    conn.logout()
    address = f"support-{uuid.uuid4().hex[:6]}@opsdesk.example"
    sign_in(page, server, "admin@opsdesk.example")
    page.goto(server + "/")
    page.click("nav >> text=Channels")
    page.click("main >> text=Mailboxes")
    page.click("text=New mailbox")
    page.fill("input[name=name]", "Support")
    page.fill("input[name=address]", address)
    page.fill("input[name=imap_host]", "127.0.0.1")
    page.fill("input[name=imap_port]", str(dovecot.port))
    page.select_option("select[name=imap_security]", "none")
    page.fill("input[name=imap_username]", user)
    page.fill("input[name=imap_password]", PASSWORD)
    page.fill("input[name=imap_processed_folder]", "Processed")
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text(address)
    expect(page.locator("input[name=imap_password]")).to_have_value("")  # never sent back
    page.click("text=Test connection")
    result = page.locator("#mailbox-test-result")
    expect(result).to_have_attribute("aria-live", "polite")
    expect(result).to_have_text("Connected. The folder INBOX holds 2 messages.")
    set_language(page, server, "fi")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/settings/mailboxes/")
    expect(page.locator("h1")).to_have_text("Postilaatikot")
    page.click(f"text={address}")
    page.click("text=Testaa yhteys")
    # The server's minutely mail fetch may have emptied the folder since the first test: the count is 2 or 0.
    finnish = re.compile(r"^\s*Yhteys toimii\. Kansiossa INBOX on [02] viestiä\.\s*$")  # the text ends in a newline
    expect(page.locator("#mailbox-test-result")).to_have_text(finnish)
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "mailbox-fi-phone.png"), full_page=True)
    set_language(page, server, "en")
    assert outside_requests == []


@pytest.mark.parametrize("width", [1280, 1366])
def test_an_admins_top_bar_stays_on_one_row_in_every_language(
    server: str, page: Any, outside_requests: list[str], width: int
) -> None:
    """Every link, the user's name and Sign out share one row at laptop widths (the name may be shortened with
    "…", never to nothing); at phone width the bar is one row whose menu button opens the links and Sign out,
    without sideways scrolling."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, server, "admin@opsdesk.example")
    for language in ("en", "el", "fi", "sv", "ru"):
        set_language(page, server, language)
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(server + "/settings/channels/")
        bar = page.evaluate(
            "[...document.querySelectorAll('header .brand, header nav li, header .me a, header .me .sign-out')]"
            ".map(e => { const r = e.getBoundingClientRect();"
            " return {text: e.textContent.trim(), middle: Math.round(r.top + r.height / 2), width: r.width}; })"
        )
        page.screenshot(path=str(SHOTS / f"topbar-{language}-{width}.png"))
        edges = page.evaluate(
            "({links: Math.max(...[...document.querySelectorAll('header nav li')]"
            ".map(e => e.getBoundingClientRect().right)),"
            " menu: Math.min(...[...document.querySelectorAll('header .me > *:not([data-nav-toggle])')]"
            ".map(e => e.getBoundingClientRect().left))})"
        )
        # the links never run under the user's menu
        assert edges["links"] <= edges["menu"], (language, width, edges)
        middles = [part["middle"] for part in bar]
        assert len(bar) == 16, (language, bar)  # the brand, 12 links, the bell, the user's name and Sign out
        assert max(middles) - min(middles) <= 4, (language, width, bar)  # one row
        name = bar[-2]
        assert name["text"].startswith("Ada Admin") and name["width"] >= 40, (language, width, name)
        expect(page.locator("nav a[aria-current=page]")).to_have_attribute("href", "/settings/channels/")
        no_sideways_scroll(page)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(server + "/settings/channels/")
        # a phone: one row (the brand, the bell and the menu button); the links and Sign out open from the menu
        expect(page.locator("header nav")).to_be_hidden()
        expect(page.locator("header .sign-out")).to_be_hidden()
        assert page.evaluate("document.querySelector('header').getBoundingClientRect().height") < 60
        toggle = page.locator("[data-nav-toggle]")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.locator("header nav a[aria-current=page]")).to_be_visible()
        expect(page.locator("header .sign-out")).to_be_visible()
        no_sideways_scroll(page)
    set_language(page, server, "en")
