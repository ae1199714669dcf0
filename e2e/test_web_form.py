"""A web form as a website owner uses it: configured by the admin, pasted as one script tag on a page served from
another origin, filled in and sent inside the iframe (no CSRF cookie crosses sites), and the ticket seen by staff.
A website not in the form's list cannot frame it. Screenshots at phone width in Finnish and Greek."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Website:
    """A plain website on its own port (another origin than OpsDesk's): it serves whatever page it is given."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.page = b""
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(site.page)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def show(self, snippet: str, *, lang: str = "") -> None:
        tag = snippet.replace("<script ", f'<script data-lang="{lang}" ') if lang else snippet
        self.page = (
            "<!doctype html><html><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>Shop</title></head>"
            f"<body><h1>Our shop</h1><p>Questions? Write to us.</p>{tag}<footer>Shop footer</footer></body></html>"
        ).encode()


@pytest.fixture
def website() -> Iterator[Website]:
    site = Website()
    yield site
    site.server.shutdown()


def _configure(page: Any, server: str, origin: str) -> str:
    sign_in(page, server, "admin@opsdesk.example")
    page.goto(server + "/settings/channels/forms/new/")
    page.fill("input[name=name]", "Shop contact")
    page.fill("input[name=title]", "Contact the shop")
    page.fill("input[name=title_fi]", "Ota yhteyttä kauppaan")
    page.fill("input[name=title_el]", "Επικοινωνία με το κατάστημα")
    page.fill("textarea[name=success_message]", "Thank you! We answer within a day.")
    page.fill("textarea[name=success_message_fi]", "Kiitos! Vastaamme vuorokauden sisällä.")
    page.fill("textarea[name=allowed_origins]", origin)
    page.select_option("select[name=use_product_area]", "required")
    page.select_option("select[name=use_order_number]", "optional")
    page.click("form.panel button[type=submit].primary")
    expect(page.locator("#embed-snippet")).to_be_visible()
    expect(page.frame_locator("iframe.webform-preview").locator("h1")).to_have_text("Contact the shop")
    return str(page.locator("#embed-snippet").input_value())


def test_a_visitor_sends_the_embedded_form_from_another_website(
    browser: Any, server: str, page: Any, website: Website, outside_requests: list[str]
) -> None:
    snippet = _configure(page, server, website.origin)
    assert snippet.startswith(f'<script src="{server}/forms/') and snippet.endswith('/embed.js" async></script>')
    website.show(snippet, lang="fi")

    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="fi-FI")
    shop = visitor.new_page()
    shop.goto(website.origin + "/")
    form = shop.frame_locator("iframe")
    expect(form.locator("h1")).to_have_text("Ota yhteyttä kauppaan")
    expect(form.locator("html")).to_have_attribute("lang", "fi")
    # the iframe takes the form's height (posted by the form's page), so nothing scrolls inside it
    shop.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 700")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shop.screenshot(path=str(SHOTS / "webform-fi-phone.png"), full_page=True)
    overflow = shop.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1

    form.locator("input[name=name]").fill("Veera Verkko")
    form.locator("input[name=email]").fill("veera@example.fi")
    form.locator("input[name=subject]").fill("Tulostin jumittaa e2e")
    form.locator("textarea[name=description]").fill("Paperi juuttuu joka kerta.")
    form.locator("button[type=submit]").click()
    # a required field left empty: shown in the form, in Finnish, nothing sent
    expect(form.locator(".field.has-error")).to_contain_text("Tämä kenttä on pakollinen.")
    form.locator("select[name=cf_product_area]").select_option(index=1)
    form.locator("input[name=cf_order_number]").fill("A-1001")
    form.locator("button[type=submit]").click()
    expect(form.locator("main")).to_contain_text("Kiitos! Vastaamme vuorokauden sisällä.")
    assert visitor.cookies() == []  # no session or CSRF cookie was needed, or set, to send it
    visitor.close()

    page.goto(server + "/tickets/?q=jumittaa")
    row = page.locator("[data-ticket-row]", has_text="Tulostin jumittaa e2e")
    expect(row).to_have_count(1)
    row.locator("a").first.click()
    expect(page.locator("body")).to_contain_text("Paperi juuttuu joka kerta.")
    expect(page.locator("input[name=cf_order_number]")).to_have_value("A-1001")
    assert outside_requests == []


def test_a_website_not_allowed_cannot_frame_the_form(browser: Any, server: str, page: Any, website: Website) -> None:
    snippet = _configure(page, server, "https://shop.example")
    website.show(snippet, lang="el")
    visitor = browser.new_context()
    shop = visitor.new_page()
    refused: list[str] = []
    shop.on("console", lambda message: refused.append(message.text) if "frame-ancestors" in message.text else None)
    shop.goto(website.origin + "/")
    shop.wait_for_timeout(500)
    frame = next(f for f in shop.frames if f != shop.main_frame)
    assert frame.locator("form").count() == 0
    assert any("frame-ancestors" in text for text in refused)
    visitor.close()


def test_the_form_in_greek_at_phone_width(browser: Any, server: str, page: Any, website: Website) -> None:
    snippet = _configure(page, server, website.origin)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "webform-settings-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    website.show(snippet, lang="el")
    visitor = browser.new_context(viewport={"width": 390, "height": 844})
    shop = visitor.new_page()
    shop.goto(website.origin + "/")
    form = shop.frame_locator("iframe")
    expect(form.locator("h1")).to_have_text("Επικοινωνία με το κατάστημα")
    expect(form.locator("button[type=submit]")).to_have_text("Αποστολή")
    shop.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 700")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shop.screenshot(path=str(SHOTS / "webform-el-phone.png"), full_page=True)
    visitor.close()
