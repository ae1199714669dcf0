"""Mail arrives (stored by receive_email, processed by the real worker through the job queue), and an admin works
the inbound mail page: the quarantined and ignored mail first, a message's source shown as text, an auto-reply
turned into a ticket whose timeline says how it came; in English and Finnish, and at phone width."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from opsdesk.tests.demo_server import demo_env, running_demo

from .conftest import sign_in
from .test_translated_settings import SHOTS, no_sideways_scroll, set_language

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "opsdesk" / "messaging" / "tests" / "corpus"
DELIVER = """
import sys, django
django.setup()
from opsdesk.messaging.actions import receive_email
from opsdesk.messaging.models import Mailbox
from opsdesk.people.models import Team
support = {"name": "Support", "team": Team.objects.first()}
Mailbox.objects.get_or_create(address="support@opsdesk.example", defaults=support)
for path in sys.argv[1:]:
    receive_email(open(path, "rb").read(), via="command")
"""


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    env = demo_env(tmp_path_factory.mktemp("opsdesk-e2e-inbound"))
    with running_demo(env, tickets=20) as base:
        yield base, env


def test_an_admin_turns_an_auto_reply_into_a_ticket(
    browser: Any, mail_server: tuple[str, dict[str, str]], page: Any, outside_requests: list[str]
) -> None:
    server, env = mail_server
    names = ["greek_iso8859_7.eml", "auto_reply.eml", "no_from.eml", "rfc2231_attachments.eml"]
    subprocess.run([sys.executable, "-c", DELIVER, *(str(CORPUS / n) for n in names)], env=env, cwd=ROOT, check=True)
    db = sqlite3.connect(Path(env["OPSDESK_DATA_DIR"]) / "opsdesk.sqlite3")
    deadline = time.monotonic() + 60
    while db.execute("SELECT COUNT(*) FROM messaging_inboundemail WHERE state = 'received'").fetchone()[0]:
        assert time.monotonic() < deadline, "the worker did not process the mail"
        time.sleep(0.2)
    states = dict(db.execute("SELECT subject, state FROM messaging_inboundemail").fetchall())
    db.close()
    assert states == {
        "Η εφαρμογή δεν ανοίγει": "processed",
        "Automatic reply: Your request": "ignored",
        "Nobody sent this": "quarantined",
        "Documents": "processed",
    }

    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, server, "admin@opsdesk.example")
    page.goto(server + "/settings/")
    page.click("text=Inbound mail")
    rows = page.locator("table.mail-table tbody tr")
    expect(rows).to_have_count(2)  # what needs a decision
    expect(rows.nth(0)).to_contain_text("Could not be read")
    expect(rows.nth(1)).to_contain_text("Automatic (Auto-Submitted header)")
    page.screenshot(path=str(SHOTS / "inbound-list-en.png"), full_page=True)

    page.click("text=Automatic reply: Your request")
    expect(page.locator("pre.eml-source")).to_contain_text("Auto-Submitted: auto-replied")
    page.screenshot(path=str(SHOTS / "inbound-detail-en.png"), full_page=True)
    page.click("button:has-text('Turn into a ticket')")
    expect(page.locator(".messages")).to_contain_text("Message processed again: processed.")
    page.click("dd a[href^='/tickets/']")
    expect(page.locator("main")).to_contain_text("Received by email to support@opsdesk.example; it opened this ticket")
    expect(page.locator("main")).to_contain_text("I am out of the office until 10 November")

    set_language(page, server, "fi")
    try:
        page.goto(server + "/settings/inbound-mail/?state=all")
        expect(page.locator("h1")).to_have_text("Saapuva posti")
        page.screenshot(path=str(SHOTS / "inbound-list-fi.png"), full_page=True)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1).new_page()
        sign_in(phone, server, "admin@opsdesk.example")
        phone.goto(server + "/settings/inbound-mail/?state=all")
        expect(phone.locator("h1")).to_have_text("Saapuva posti")
        phone.screenshot(path=str(SHOTS / "inbound-list-fi-phone.png"), full_page=True)
        no_sideways_scroll(phone)
        phone.click("text=Nobody sent this")
        expect(phone.locator("h1")).to_have_text("Nobody sent this")
        phone.screenshot(path=str(SHOTS / "inbound-detail-fi-phone.png"), full_page=True)
        no_sideways_scroll(phone)
    finally:
        set_language(page, server, "en")
    assert outside_requests == []
