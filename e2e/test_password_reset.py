"""A password reset in a real browser: the mailed link names the address the site is served on, and the form it
opens saves the new password (a page sent with `Referrer-Policy: no-referrer` made Chromium post it with
`Origin: null`, which the CSRF check refused with a 403)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .test_analytics_live import mails_to

ADDRESS = "light@opsdesk.example"  # no other browser test signs in as the light agent


def test_a_reset_link_from_the_outbox_sets_a_new_password(
    server: str, server_env: dict[str, str], page: Any, outside_requests: list[str]
) -> None:
    outbox = Path(server_env["OPSDESK_DATA_DIR"]) / "outbox"
    page.goto(server + "/accounts/password-reset/")
    page.fill("input[name=email]", ADDRESS)
    page.click("button[type=submit].primary")
    deadline = time.monotonic() + 30
    while not mails_to(outbox, ADDRESS) and time.monotonic() < deadline:
        time.sleep(0.2)
    (reset,) = mails_to(outbox, ADDRESS)
    links = re.findall(r"https?://[^\s\"<>]+", reset.get_body(preferencelist=("plain",)).get_content())
    assert len(links) == 1 and re.fullmatch(
        re.escape(server) + r"/accounts/password-reset/[A-Za-z0-9_-]{43}/", links[0]
    )

    page.goto(links[0])
    page.fill("input[name=new_password1]", "Lamp-Harbour-2026!")
    page.fill("input[name=new_password2]", "Lamp-Harbour-2026!")
    page.click("button[type=submit].primary")
    expect(page).to_have_url(server + "/accounts/sign-in/")
    expect(page.locator(".messages")).to_contain_text("Your new password is saved.")
    page.fill("input[name=email]", ADDRESS)
    page.fill("input[name=password]", "Lamp-Harbour-2026!")
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).not_to_have_text("Sign in")
    assert outside_requests == []
