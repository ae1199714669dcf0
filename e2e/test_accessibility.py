"""Every main page of every role passes axe-core (vendored, e2e/vendor/) with no serious or critical violation, in
each of the five languages, and the agent and customer pages also at phone width. One signed-in browser context
per role serves all languages (`?lang=` picks the page's language); a failure lists every page's violations with
the rule, its impact, the element's selector and its HTML."""

from __future__ import annotations

import http.server
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from opsdesk.tests.demo_server import opsdesk

from .axe import describe, install_axe, run_axe
from .conftest import block_outside, sign_in

LANGUAGES = ["en", "fi", "sv", "ru", "el"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ROLES = {
    "admin": "admin@opsdesk.example",
    "agent": "agent.en@opsdesk.example",
    "customer": "customer@opsdesk.example",
}
# A chat widget and a web form of this module's own (the demo seeds none), through the actions, for a website on
# another origin (the `site` fixture).
CHANNELS = """
from opsdesk.accounts.models import User
from opsdesk.messaging.actions.chat import save_chat_widget
from opsdesk.messaging.actions.webforms import save_webform
from opsdesk.people.models import Team
admin = User.objects.get(email="admin@opsdesk.example")
team = Team.objects.order_by("pk").first()
origins = ["{origin}"]
widget = save_chat_widget(None, name="Accessibility check chat", team=team, allowed_origins=origins,
    greeting="Hi! How can we help?", greeting_translations={{"fi": "Hei! Miten voimme auttaa?",
    "sv": "Hej! Hur kan vi hjälpa dig?", "ru": "Здравствуйте! Чем мы можем помочь?",
    "el": "Γεια σας! Πώς μπορούμε να βοηθήσουμε;"}}, offline_message="We answer by email.",
    offline_message_translations={{"fi": "Vastaamme sähköpostitse.", "sv": "Vi svarar per e-post.",
    "ru": "Мы ответим по электронной почте.", "el": "Θα απαντήσουμε με email."}}, actor=admin)
form = save_webform(None, name="Accessibility check form", title="Contact us", title_translations={{
    "fi": "Ota yhteyttä", "sv": "Kontakta oss", "ru": "Свяжитесь с нами", "el": "Επικοινωνήστε μαζί μας"}},
    success_message="Thank you!", success_message_translations={{"fi": "Kiitos!", "sv": "Tack!",
    "ru": "Спасибо!", "el": "Ευχαριστούμε!"}}, team=team, allowed_origins=origins, actor=admin)
print(widget.key, form.key)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Site:
    """A customer's website on another origin with the chat widget's script tag pasted in, and the keys of this
    module's widget and web form."""

    origin: str
    widget_key: str
    form_key: str


@dataclass
class Desk:
    """One signed-in browser page per role (and one signed out), the addresses found on the demo data, and every
    request that tried to leave 127.0.0.1."""

    base: str
    pages: dict[str, Any]
    urls: dict[str, str] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)


def _first_link(page: Any, url: str, pattern: str) -> str:
    """The first link on `url` whose address matches `pattern` (a path like /tickets/123/)."""
    page.goto(url)
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"):
        if re.fullmatch(pattern, href.split("?")[0]):
            return str(href.split("?")[0])
    raise AssertionError(f"no link matching {pattern} on {url}")


@pytest.fixture(scope="module")
def site(server: str, server_env: dict[str, str]) -> Iterator[Site]:
    port = _free_port()
    origin = f"http://localhost:{port}"  # another origin than the desk's 127.0.0.1
    widget_key, form_key = opsdesk(server_env, "manage", "shell", "-c", CHANNELS.format(origin=origin)).split()[-2:]
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>Shop</title></head>"
        "<body><main><h1>A web shop</h1><p>Our products.</p></main>"
        f'<script src="{server}/static/messaging/chat-widget.js" data-widget="{widget_key}" async></script>'
        "</body></html>"
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield Site(origin, widget_key, form_key)
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def desk(browser: Any, server: str) -> Iterator[Desk]:
    outside: list[str] = []
    contexts = []
    pages = {}
    for role in [*ROLES, "visitor"]:
        context = browser.new_context(viewport=DESKTOP)
        install_axe(context)
        block_outside(context, outside)
        contexts.append(context)
        pages[role] = context.new_page()
        if role in ROLES:
            sign_in(pages[role], server, ROLES[role])
    desk = Desk(server, pages, outside=outside)
    agent, admin = pages["agent"], pages["admin"]
    desk.urls["ticket"] = _first_link(agent, server + "/tickets/?view=open", r"/tickets/\d+/")
    desk.urls["customer"] = _first_link(agent, server + "/customers/", r"/customers/\d+/")
    desk.urls["drill"] = (
        "/analytics/drill/frt/?period=30d"  # a week of a 200-ticket demo may have no first reply yesterday
    )
    desk.urls["explain"] = _first_link(admin, server + desk.urls["drill"], r"/analytics/drill/frt/\d+/")
    desk.urls["sla_policy"] = _first_link(admin, server + "/settings/sla/", r"/settings/sla/\d+/")
    desk.urls["team"] = _first_link(admin, server + "/people/teams/", r"/people/teams/\d+/")
    desk.urls["portal_ticket"] = _first_link(pages["customer"], server + "/portal/", r"/portal/tickets/\d+/")
    yield desk
    for context in contexts:
        context.close()


class Checker:
    """Visits pages and collects every serious or critical violation, so that one run reports all of them."""

    def __init__(self, desk: Desk, language: str) -> None:
        self.desk = desk
        self.language = language
        self.problems: list[str] = []

    def visit(self, role: str, path: str, then: Callable[[Any], None] | None = None, *, label: str = "") -> None:
        page = self.desk.pages[role]
        page.goto(f"{self.desk.base}{path}{'&' if '?' in path else '?'}lang={self.language}")
        self.check(page, f"{role} {path}", language=self.language)
        if then is not None:
            then(page)
            self.check(page, f"{role} {path} {label}")

    def check(self, page: Any, where: str, *, language: str = "") -> None:
        lang, violations = run_axe(page)
        if language and lang != language:
            self.problems.append(f"{where} [{self.language}]: the page says lang={lang!r}")
        if violations:
            self.problems.append(describe(violations, where=f"{where} [{self.language}]"))


def _open_note_tab(page: Any) -> None:
    page.click("[data-composer-tab=note]")


def _open_shortcuts(page: Any) -> None:
    page.locator("main h1").click()
    page.keyboard.press("?")
    page.wait_for_selector("#shortcuts[open]")


def _open_menu(page: Any) -> None:
    page.click("[data-nav-toggle]")
    page.wait_for_selector(".topbar.nav-open")


def _submit_empty(page: Any) -> None:
    """Send the page's form empty, past the browser's own checks, to see the server's errors (nothing is made)."""
    form = page.locator("main form:has(button[type=submit].primary)").last
    form.evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        form.locator("button[type=submit].primary").click()
    assert page.locator(".errorlist, .has-error").count() > 0, "the form was not refused"


def _chat_widget(check: Checker, browser: Any, site: Site, language: str, **context: Any) -> None:
    """The chat widget on another website, in the visitor's browser language, opened on its first form."""
    visitor = browser.new_context(locale=language, **context)
    install_axe(visitor)
    block_outside(visitor, check.desk.outside)
    shop = visitor.new_page()
    shop.goto(site.origin + "/")
    shop.locator("[data-opsdesk-chat] .launcher").click()
    shop.wait_for_selector("[data-opsdesk-chat] .panel:not([hidden])")
    check.check(shop, "the chat widget on a website (open)")
    visitor.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_pages_pass_axe(desk: Desk, site: Site, browser: Any, language: str) -> None:
    check = Checker(desk, language)
    urls = desk.urls
    # signed out: sign-in, the public contact form and its thanks, a web form (as a website frames it)
    check.visit("visitor", "/accounts/sign-in/")
    check.visit("visitor", "/contact/")
    check.visit("visitor", "/contact/thanks/")
    check.visit("visitor", f"/forms/{site.form_key}/?language={language}")  # never sent: 5 posts per 10 minutes
    check.visit("visitor", f"/forms/{site.form_key}/thanks/?language={language}")
    _chat_widget(check, browser, site, language)
    # an agent's day: the inbox, a ticket and its composer, a new ticket, a customer, search results
    check.visit("agent", "/tickets/", _open_shortcuts, label="(shortcuts dialog)")
    check.visit("agent", urls["ticket"], _open_note_tab, label="(internal note tab)")
    check.visit("agent", "/tickets/new/", _submit_empty, label="(with errors)")
    check.visit("agent", urls["customer"])
    check.visit("agent", "/tickets/?q=printer")
    # reports with a drill-down to one ticket, the settings and SLA policies, the audit log
    for path in ["/analytics/", urls["drill"], urls["explain"], "/settings/", "/settings/sla/", "/audit/"]:
        check.visit("admin", path)
    # the customer portal: the list, a ticket with its reply form, a new request
    check.visit("customer", "/portal/")
    check.visit("customer", urls["portal_ticket"])
    check.visit("customer", "/portal/new/")
    assert not check.problems, "\n\n".join(check.problems)
    assert desk.outside == []


# The other staff pages, in every language too: a translated label can part from its visible words in one
# language only (ADR 0028).
@pytest.mark.parametrize("language", LANGUAGES)
def test_more_staff_pages_pass_axe(desk: Desk, language: str) -> None:
    check = Checker(desk, language)
    for path in ["/chats/", "/notifications/", "/analytics/me/"]:
        check.visit("agent", path)
    for path in [
        "/analytics/goals/",
        "/analytics/reports/",
        "/customers/organizations/",
        desk.urls["team"],
        "/calls/",
        "/accounts/users/",
        "/accounts/users/new/",
        "/accounts/sign-in-policy/",
        "/accounts/preferences/",
        "/accounts/tokens/",
        "/settings/statuses/new/",
        "/settings/fields/new/",
        desk.urls["sla_policy"],
        "/settings/calendars/",
        "/settings/automation/",
        "/settings/automation/new/trigger/",
        "/macros/",
        "/settings/routing/",
        "/settings/channels/",
        "/settings/channels/forms/new/",
        "/chats/widgets/",
        "/settings/mailboxes/",
        "/settings/integrations/",
        "/outbox/",
        "/sla/risk/",
    ]:
        check.visit("admin", path)
    assert not check.problems, "\n\n".join(check.problems)
    assert desk.outside == []


@pytest.mark.parametrize("language", ["fi", "el"])
def test_pages_at_phone_width_pass_axe(desk: Desk, site: Site, browser: Any, language: str) -> None:
    check = Checker(desk, language)
    for role in ["visitor", "agent", "customer"]:
        desk.pages[role].set_viewport_size(PHONE)
    try:
        check.visit("visitor", "/accounts/sign-in/")
        check.visit("visitor", "/contact/")
        check.visit("agent", "/tickets/", _open_menu, label="(menu open)")
        check.visit("agent", desk.urls["ticket"])
        check.visit("customer", "/portal/")
        check.visit("customer", desk.urls["portal_ticket"])
        _chat_widget(check, browser, site, language, viewport=PHONE)
    finally:
        for role in ["visitor", "agent", "customer"]:
            desk.pages[role].set_viewport_size(DESKTOP)
    assert not check.problems, "\n\n".join(check.problems)


def test_the_check_reports_what_it_finds(page: Any) -> None:
    """The check itself works: a nameless button and a text of 1.6:1 are found and described readably."""
    page.set_content(
        "<!doctype html><html lang='en'><head><title>t</title></head><body><main><h1>Page</h1>"
        "<button id='nameless'></button><p style='color:#ccc'>Faint text</p></main></body></html>"
    )
    lang, violations = run_axe(page)
    assert lang == "en"
    assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations] == [
        ("button-name", "critical", [["#nameless"]]),
        ("color-contrast", "serious", [["p"]]),
    ]
    report = describe(violations, where="a test page")
    assert report.splitlines()[:3] == [
        "2 serious or critical accessibility violation(s) on a test page:",
        "- button-name (critical): Buttons must have discernible text "
        "<https://dequeuniversity.com/rules/axe/4.14/button-name?application=axeAPI>",
        "    at #nameless",
    ]
    assert '       <button id="nameless"></button>' in report.splitlines()
