"""The ticket page's collision warning: who else has the ticket open and who is replying, told live over the
ticket's stream in each reader's language; pages that vanish without closing stop counting; bad input is a 400."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from opsdesk.messaging import presence


async def told(stream: Any) -> dict[str, Any]:
    """The next `presence` event of a stream (comments skipped)."""
    while True:
        chunk = await asyncio.wait_for(stream.__anext__(), 5)
        if chunk.startswith("event: presence"):
            return json.loads(chunk.split("data: ", 1)[1])


def test_each_reader_hears_who_else_is_there_and_who_is_replying(world: Any) -> None:
    ticket = world.ticket()

    async def main() -> list[dict[str, Any]]:
        alice = presence.ticket_stream(
            ticket.pk, conn="alice-tab-1", user_id=world.agent.pk, name="Alice Agent", language="en"
        )
        heard = [await told(alice)]  # alone
        leo = presence.ticket_stream(
            ticket.pk, conn="leo-tab-01", user_id=world.lead.pk, name="Leo Lead", language="fi"
        )
        heard.append(await told(leo))  # Leo is told, in Finnish, that Alice is there
        heard.append(await told(alice))  # and Alice that Leo came
        # what the reply box's report does (the view is tested below): the streams read no database
        assert presence.mark(ticket.pk, conn="leo-tab-01", user_id=world.lead.pk, name="Leo Lead", state="replying")
        presence.announce(ticket.pk)
        heard.append(await told(alice))
        await leo.aclose()  # Leo closes the page
        heard.append(await told(alice))
        await alice.aclose()
        return heard

    heard = asyncio.run(main())
    assert heard == [
        {"text": "", "level": ""},
        {"text": "Katsomassa myös: Alice Agent", "level": "viewing"},
        {"text": "Also viewing: Leo Lead", "level": "viewing"},
        {"text": "Replying now: Leo Lead", "level": "replying"},
        {"text": "", "level": ""},
    ]
    assert presence.others(ticket.pk, world.agent.pk) == {"text": "", "level": ""}  # everyone left


def test_two_tabs_of_one_person_count_once_and_a_vanished_page_stops_counting(world: Any) -> None:
    ticket = world.ticket()
    assert presence.mark(ticket.pk, conn="tab-one-123", user_id=world.lead.pk, name="Leo Lead") is True
    assert presence.mark(ticket.pk, conn="tab-two-456", user_id=world.lead.pk, name="Leo Lead") is False
    assert presence.mark(ticket.pk, conn="tab-two-456", user_id=world.lead.pk, name="Leo Lead", state="replying")
    assert presence.others(ticket.pk, world.agent.pk) == {"text": "Replying now: Leo Lead", "level": "replying"}
    assert presence.leave(ticket.pk, conn="tab-two-456") is True  # the replying tab closed; the other is viewing
    assert presence.others(ticket.pk, world.agent.pk) == {"text": "Also viewing: Leo Lead", "level": "viewing"}
    assert presence.others(ticket.pk, world.lead.pk) == {"text": "", "level": ""}  # nobody is told about themself
    entries = cache.get(f"presence:ticket:{ticket.pk}")
    entries["tab-one-123"]["seen"] = time.time() - presence.STALE - 1  # its stream died without saying goodbye
    cache.set(f"presence:ticket:{ticket.pk}", entries)
    assert presence.others(ticket.pk, world.agent.pk) == {"text": "", "level": ""}


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"conn": "short", "state": "replying"}, 400),
        ({"conn": "good-connection-1", "state": "shouting"}, 400),
        ({"state": "replying"}, 400),
        ({"conn": "good-connection-1", "state": "replying"}, 204),
    ],
)
def test_the_replying_report_checks_its_input(client: Client, world: Any, data: dict[str, str], status: int) -> None:
    ticket = world.ticket()
    client.force_login(world.agent)
    assert client.post(f"/tickets/{ticket.pk}/presence/", data).status_code == status


def test_only_staff_who_see_the_ticket_take_part(client: Client, world: Any) -> None:
    hidden = world.ticket(team=world.billing)
    client.force_login(world.agent)
    assert (
        client.post(f"/tickets/{hidden.pk}/presence/", {"conn": "good-connection-1", "state": "viewing"}).status_code
        == 404
    )
    assert client.get(f"/tickets/{hidden.pk}/presence/events/?conn=good-connection-1").status_code == 404
    client.force_login(world.customer.user)
    ticket = world.ticket()
    assert (
        client.post(f"/tickets/{ticket.pk}/presence/", {"conn": "good-connection-1", "state": "viewing"}).status_code
        == 403
    )
    assert presence.others(ticket.pk, 0) == {"text": "", "level": ""}
