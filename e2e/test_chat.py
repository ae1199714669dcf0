"""Live chat as a website owner deploys it: a plain HTML page on ANOTHER origin (its own little HTTP server) with
the widget's script tag pasted in, OpsDesk served by uvicorn. A visitor chats from that page while an agent in the
workspace (a second browser context) is alerted, takes the chat and answers; both see each other's messages and
typing live, and the visitor asks for the transcript."""

from __future__ import annotations

import functools
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from opsdesk.tests.demo_server import demo_env, opsdesk, running_demo

from .conftest import block_outside, sign_in

AGENT = "agent.en@opsdesk.example"
SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="module")
def website(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Another origin: http://localhost:<port>, serving whatever page the test writes into its folder."""
    root = tmp_path_factory.mktemp("website")
    port = _free_port()
    httpd = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}", root
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, website: tuple[str, Path]) -> Iterator[tuple[str, str]]:
    """OpsDesk under uvicorn on 127.0.0.1 (a different origin), with a chat widget that allows the website."""
    site, root = website
    # A chat nobody takes for 8 seconds tells its visitor the answer will come by email.
    env = demo_env(tmp_path_factory.mktemp("opsdesk-chat"), OPSDESK_CHAT_UNANSWERED_AFTER="8")
    with running_demo(env, tickets=20) as base:
        code = (
            "from opsdesk.accounts.models import User;"
            "from opsdesk.people.models import Team;"
            "from opsdesk.messaging.actions import chat;"
            f"team = Team.objects.filter(memberships__user__email='{AGENT}').first();"
            "admin = User.objects.filter(role='admin').first();"
            f"w = chat.save_chat_widget(None, name='Web shop', team=team, allowed_origins=['{site}'],"
            " greeting='Hello! Ask us anything.', greeting_translations={'sv': 'Hej! Fråga oss vad som helst.'},"
            " offline_message='We are away.', actor=admin);"
            "print(w.key)"
        )
        key = opsdesk(env, "manage", "shell", "-c", code).strip().splitlines()[-1]
        (root / "index.html").write_text(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Shop</title></head>"
            "<body><h1>A web shop</h1><p>Our products.</p>\n"
            f'<script src="{base}/static/messaging/chat-widget.js" data-widget="{key}" async></script>\n'
            "</body></html>",
            encoding="utf-8",
        )
        yield base, key


def test_a_visitor_on_another_website_chats_with_an_agent_live(
    browser: Any, desk: tuple[str, str], website: tuple[str, Path]
) -> None:
    base, _key = desk
    site, _root = website

    agent_context = browser.new_context()
    agent_blocked = block_outside(agent_context)
    agent = agent_context.new_page()
    sign_in(agent, base, AGENT)
    agent.goto(base + "/chats/")  # the open Chats page makes the agent online
    expect(agent.locator("h1")).to_have_text("Chats")
    expect(agent.locator("[data-chat-queue][data-live]")).to_have_count(1)  # its stream is open: online

    visitor_context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 800})
    visitor_blocked = block_outside(visitor_context)
    visitor = visitor_context.new_page()
    visitor.goto(site + "/")
    widget = visitor.locator("[data-opsdesk-chat]")
    launcher = widget.locator("button.launcher")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_text("Chatta med oss")
    launcher.click()
    expect(widget.locator(".panel")).to_be_visible()
    expect(widget.locator(".note")).to_have_text("Hej! Fråga oss vad som helst.")
    expect(widget.locator("select#opsdesk-language")).to_have_value("sv")
    widget.get_by_label("Ditt namn").fill("Vera Visitor")
    widget.get_by_label("Din e-postadress").fill("vera@visitor.example")
    # She switches to Finnish and types while the Finnish texts are still on their way: the form is drawn again in
    # Finnish with what is in the fields then, not what was in them when she changed the language.
    held: list[Any] = []
    finnish = lambda url: "config/?lang=fi" in url  # noqa: E731 - a URL matcher
    visitor.route(finnish, lambda route: held.append(route))  # held: not answered yet
    widget.locator("select#opsdesk-language").select_option("fi")
    widget.get_by_label("Hur kan vi hjälpa dig?").fill("Var är min beställning?")
    while not held:
        visitor.wait_for_timeout(50)
    held[0].continue_()
    visitor.unroute(finnish)
    expect(widget.locator("label[for=opsdesk-name]")).to_have_text("Nimesi")
    expect(widget.locator("#opsdesk-message")).to_have_value("Var är min beställning?")
    expect(widget.locator("#opsdesk-email")).to_have_value("vera@visitor.example")
    widget.locator("select#opsdesk-language").select_option("sv")
    expect(widget.locator("label[for=opsdesk-name]")).to_have_text("Ditt namn")
    expect(widget.locator("#opsdesk-message")).to_have_value("Var är min beställning?")
    widget.locator("button[type=submit]").click()
    expect(widget.locator(".log .msg.mine")).to_have_text(["DuVar är min beställning?"])
    expect(widget.locator("p.note[role=status]")).to_have_text("Väntar på en handläggare…")

    # The agent is alerted live and takes the chat.
    row = agent.locator("#chat-queue [data-chat]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Vera Visitor")
    expect(agent.locator("[data-chat-alert]")).to_be_visible()
    expect(agent.locator("[data-chat-nav] [data-chat-count]")).to_have_text("1")
    row.locator("button:has-text('Accept')").click()
    expect(agent.locator("[data-chat-log] .chat-msg.visitor")).to_contain_text("Var är min beställning?")
    expect(agent.locator("[data-chat-conversation][data-live]")).to_have_count(1)
    expect(widget.locator("p.note[role=status]")).to_contain_text("anslöt till chatten")

    # Another visitor's chat that nobody takes: after a while, every tab of it says the answer will come by email.
    other_context = browser.new_context(locale="en-GB")
    block_outside(other_context)
    other = other_context.new_page()
    other.goto(site + "/")
    other_widget = other.locator("[data-opsdesk-chat]")
    other_widget.locator("button.launcher").click()
    other_widget.get_by_label("Your name").fill("Otto Other")
    other_widget.get_by_label("Your email address").fill("otto@visitor.example")
    other_widget.get_by_label("How can we help?").fill("Do you ship to Finland?")
    other_widget.locator("button[type=submit]").click()
    other_status = other_widget.locator("p.note[role=status]")
    expect(other_status).to_have_text("Waiting for an agent…")
    queue = agent_context.new_page()  # the Chats page marks the chat when it turns unanswered, reloading itself
    queue.goto(base + "/chats/")
    waiting = queue.locator("#chat-queue [data-chat]", has_text="Otto Other")
    unanswered = "Nobody has answered yet. We have your message and will answer you by email at the address you gave."
    expect(other_status).to_have_text(unanswered, timeout=20_000)
    expect(waiting).to_have_attribute("data-unanswered", "1", timeout=10_000)
    expect(waiting.locator(".chat-wait")).to_have_text("Nobody has answered yet: Waiting less than a minute")
    queue.screenshot(path=str(SHOTS / "chats-unanswered-en.png"))
    queue.close()
    other.reload()  # the same chat, in a new page: the server says it, so it is said at once
    other_widget.locator("button.launcher").click()
    expect(other_widget.locator("p.note[role=status]")).to_have_text(unanswered)
    expect(other_widget.locator(".log .msg.mine")).to_have_text(["YouDo you ship to Finland?"])
    other_context.close()

    # Both ways, live, with typing.
    composer = agent.locator("#chat-body")
    composer.fill("Hello Vera, let me check.")
    expect(widget.locator(".typing")).to_contain_text("skriver")
    composer.press("Enter")
    expect(widget.locator(".log .msg:not(.mine)")).to_contain_text(["Hello Vera, let me check."])
    box = widget.get_by_label("Ditt meddelande")
    box.fill("<script>alert('x')</script> Tack!")
    expect(agent.locator("[data-chat-typing]")).to_contain_text("Vera Visitor")
    box.press("Enter")
    expect(agent.locator("[data-chat-log] .chat-msg.visitor").last).to_contain_text("<script>alert('x')</script> Tack!")
    expect(widget.locator(".log .msg.mine").last).to_contain_text("<script>alert('x')</script> Tack!")
    assert visitor.evaluate("() => document.querySelectorAll('[data-opsdesk-chat] script').length") == 0

    # The transcript, then the agent ends the chat and the visitor sees it.
    widget.locator("button:has-text('Mejla mig utskriften')").click()
    expect(widget.locator(".log .system")).to_contain_text(["Utskriften är på väg till din inkorg."])
    agent.locator("[data-chat-end] button").click()
    expect(widget.locator("p.note[role=status]")).to_have_text("Chatten har avslutats.")
    expect(widget.get_by_text("Chatten har avslutats.", exact=True)).to_have_count(1)  # said once, not twice
    assert agent_blocked == [] and visitor_blocked == []
