"""The Channels hub: every channel's settings page in one place, reached from the navigation and from Settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    ("/settings/mailboxes/", "Mailboxes"),
    ("/settings/inbound-mail/", "Inbound mail"),
    ("/chats/widgets/", "Chat widgets"),
    ("/settings/channels/forms/", "Web forms"),
    ("/settings/channels/telephony/", "Telephony"),
]


def test_the_hub_lists_every_channel_page_and_the_navigation_points_to_it(client: Client, world: Any) -> None:
    assert reverse("channel_settings:channel_index") == "/settings/channels/"
    client.force_login(world.admin)
    page = client.get("/settings/channels/").content.decode()
    for url, name in PAGES:
        assert f'<li><a href="{url}">{name}</a>' in page
    assert '<li><a href="/settings/channels/" aria-current="page">Channels</a></li>' in page
    assert ">Mailboxes</a></li>" not in page.split("</nav>")[0]  # folded into the hub: a shorter top bar
    mailboxes = client.get("/settings/mailboxes/").content.decode()
    assert '<a href="/settings/channels/" aria-current="page">Channels</a>' in mailboxes
    settings_page = client.get(reverse("ticket_settings:settings_index")).content.decode()
    assert '<a href="/settings/channels/">Channels</a>' in settings_page
    for url, name in PAGES:
        assert f'<a href="{url}">{name}</a>' in settings_page


@pytest.mark.parametrize("language", ["fi", "sv", "ru", "el"])
def test_the_hub_is_translated(client: Client, world: Any, language: str) -> None:
    world.admin.language = language
    world.admin.save(update_fields=["language"])
    client.force_login(world.admin)
    page = client.get("/settings/channels/").content.decode()
    assert "The ways customers reach you" not in page and "Every message received" not in page


def test_managers_without_the_capability_get_403(client: Client, world: Any) -> None:
    client.force_login(world.manager)
    assert client.get("/settings/channels/").status_code == 403
