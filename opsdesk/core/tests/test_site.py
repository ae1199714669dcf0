"""The site's address in absolute links (core/site.py): configured, the request's, the served one, the default."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from opsdesk.core import site
from opsdesk.core.models import OutgoingMail


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8501, "http://127.0.0.1:8501"),
        ("localhost", 8000, "http://localhost:8000"),
        ("0.0.0.0", 8502, "http://127.0.0.1:8502"),
        ("::", 8503, "http://[::1]:8503"),
        ("::1", 8504, "http://[::1]:8504"),
        ("", 8505, "http://127.0.0.1:8505"),
    ],
)
def test_served_url_is_an_address_a_browser_on_this_machine_can_open(host: str, port: int, url: str) -> None:
    assert site.served_url(host, port) == url


def test_outside_a_request_links_use_the_default_address() -> None:
    assert site.site_url() == "http://127.0.0.1:8000"
    assert site.absolute_url("/portal/tickets/4/") == "http://127.0.0.1:8000/portal/tickets/4/"


def test_outside_a_request_links_use_the_address_served_on(monkeypatch: Any) -> None:
    monkeypatch.delenv(site.SERVED_URL_VARIABLE, raising=False)
    site.serve_at("http://127.0.0.1:8517/")
    assert site.site_url() == "http://127.0.0.1:8517"
    assert site.absolute_url("portal/") == "http://127.0.0.1:8517/portal/"
    assert site.absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_a_configured_site_url_comes_before_the_served_address(settings: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv(site.SERVED_URL_VARIABLE, "http://127.0.0.1:8517")
    settings.SITE_URL = "https://support.example.com/"
    assert site.absolute_url("/contact/") == "https://support.example.com/contact/"


def test_the_middleware_gives_links_the_address_the_request_came_to(monkeypatch: Any) -> None:
    monkeypatch.setenv(site.SERVED_URL_VARIABLE, "http://127.0.0.1:8517")
    seen: list[str] = []

    def view(request: Any) -> Any:
        seen.append(site.absolute_url("/portal/"))
        return None

    middleware = site.SiteAddressMiddleware(view)
    middleware(RequestFactory().get("/", HTTP_HOST="localhost:8520"))
    middleware(RequestFactory().get("/", HTTP_HOST="evil.example"))  # not in ALLOWED_HOSTS: not trusted
    assert seen == ["http://localhost:8520/portal/", "http://127.0.0.1:8517/portal/"]
    assert site.site_url() == "http://127.0.0.1:8517"  # the request's address ends with it


def test_a_password_reset_mail_links_to_the_host_it_was_asked_on(world: Any) -> None:
    """The web process renders the mail: its link names the address the person used, not a default port."""
    client = Client(HTTP_HOST="localhost:8531")
    response = client.post(reverse("accounts:password_reset"), {"email": world.agent.email})
    assert response.status_code == 302
    row = OutgoingMail.objects.get(kind="accounts.password_reset")
    links = re.findall(r"https?://[^\s\"<>]+", row.body_text + row.body_html)
    assert {link.split("/accounts/")[0] for link in links} == {"http://localhost:8531"}
    assert len(links) == 3  # the text part's link, and the HTML part's href and text
