"""The inbound hook: signature, payload checks, tickets opened and updated through the ticket actions, idempotency."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from opsdesk.integrations import actions
from opsdesk.integrations.models import InboundHook, InboundRequest
from opsdesk.messaging.phone import signing
from opsdesk.tickets.models import Message, Ticket, TicketEvent

CREATE = {
    "subject": "Order 1042 not delivered",
    "body": "Tracking shows no movement since Monday.",
    "requester": {"email": "ann@shop.example", "name": "Ann Buyer"},
    "priority": "high",
    "tags": ["Order Late"],
}


@pytest.fixture
def hook(world: Any) -> InboundHook:
    return actions.save_inbound_hook(
        None,
        name="Shop",
        slug="shop",
        team=world.support,
        priority="low",
        tags=["shop"],
        active=True,
        actor=world.manager,
    )


def send(
    client: Client,
    hook: InboundHook,
    payload: Any,
    *,
    key: str = "",
    secret: str | None = None,
    stamp: int | None = None,
    raw: bytes | None = None,
    signature: str | None = None,
) -> Any:
    body = raw if raw is not None else json.dumps(payload).encode()
    stamp = int(time.time()) if stamp is None else stamp
    headers: dict[str, Any] = {
        "HTTP_X_OPSDESK_TIMESTAMP": str(stamp),
        "HTTP_X_OPSDESK_SIGNATURE": signature or signing.sign(secret or hook.secret, stamp, body),
    }
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    url = reverse("integration_hooks:inbound_hook_receive", args=[hook.slug])
    return client.post(url, data=body, content_type="application/json", **headers)


def test_a_signed_post_opens_a_ticket_through_the_intake(client: Client, hook: InboundHook, world: Any) -> None:
    response = send(client, hook, CREATE, key="a-1")
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response.json() == {
        "ticket": ticket.pk,
        "created": True,
        "status_category": "new",
        "priority": "high",
        "url": f"http://testserver/tickets/{ticket.pk}/",  # the address the hook was called on
    }
    assert (ticket.subject, ticket.channel, ticket.team, ticket.priority, ticket.type) == (
        "Order 1042 not delivered",
        "api",
        world.support,
        "high",
        "incident",
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["order-late", "shop"]
    assert ticket.requester.emails.get().address == "ann@shop.example"
    created = TicketEvent.objects.get(ticket=ticket, kind="ticket.created")
    assert (created.source, created.cause, created.actor) == ("api", f"inbound_hook:{hook.pk}", None)
    row = InboundRequest.objects.get()
    assert (row.key, row.status_code, row.ticket, bytes(row.body)) == (
        "key:a-1",
        201,
        ticket,
        json.dumps(CREATE).encode(),
    )
    assert row.headers["Idempotency-Key"] == "a-1"


def test_a_retry_with_the_same_key_gets_the_first_answer(client: Client, hook: InboundHook) -> None:
    first = send(client, hook, CREATE, key="a-1")
    again = send(client, hook, CREATE, key="a-1")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert Ticket.objects.count() == 1
    other_body = send(client, hook, {**CREATE, "subject": "Else"}, key="a-1")
    assert (other_body.status_code, other_body.json()["code"]) == (409, "idempotency_key_reused")
    assert Ticket.objects.count() == 1


def test_external_id_makes_a_repeat_one_ticket(client: Client, hook: InboundHook) -> None:
    first = send(client, hook, {**CREATE, "external_id": "order-1042"})
    again = send(client, hook, {**CREATE, "external_id": "order-1042", "body": "Still nothing."}, key="other")
    assert again.json() == first.json()
    assert Ticket.objects.count() == 1
    assert InboundRequest.objects.get().key == "external_id:order-1042"


def test_an_update_comments_and_changes_the_ticket(client: Client, hook: InboundHook) -> None:
    number = send(client, hook, CREATE).json()["ticket"]
    update = {
        "ticket": number,
        "comment": {"body": "Carrier says: lost.", "public": False},
        "priority": "urgent",
        "status": "pending",
        "tags_add": ["carrier"],
    }
    response = send(client, hook, update)
    assert response.status_code == 200
    assert response.json()["created"] is False
    ticket = Ticket.objects.get(pk=number)
    assert (ticket.priority, ticket.status_category) == ("urgent", "pending")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["carrier", "order-late", "shop"]
    note = ticket.messages.order_by("-pk")[0]
    assert (note.visibility, note.author_role) == (Message.Visibility.INTERNAL, "system")
    kinds = list(
        TicketEvent.objects.filter(ticket=ticket, cause=f"inbound_hook:{hook.pk}").values_list("kind", flat=True)
    )
    assert kinds == [
        *("ticket.created", "comment.added", "tags.changed"),  # the intake
        *("comment.added", "priority.changed", "tags.changed", "status.changed"),  # the update, in this order
    ]


def test_an_update_reaches_only_tickets_the_hook_opened(client: Client, hook: InboundHook, world: Any) -> None:
    other = world.ticket()
    response = send(client, hook, {"ticket": other.pk, "priority": "urgent"})
    assert (response.status_code, response.json()) == (
        404,
        {"code": "unknown_ticket", "message": "This hook opened no ticket with this number.", "field": "ticket"},
    )
    other.refresh_from_db()
    assert other.priority != "urgent"


def test_bad_and_stale_signatures_are_401_and_store_nothing(client: Client, hook: InboundHook) -> None:
    assert send(client, hook, CREATE, secret="whsec_wrong").json()["code"] == "bad_signature"
    assert send(client, hook, CREATE, signature="v1=abc").status_code == 401
    stale = send(client, hook, CREATE, stamp=int(time.time()) - 301)
    assert (stale.status_code, stale.json()["code"]) == (401, "stale_timestamp")
    assert InboundRequest.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_unknown_or_switched_off_hooks_are_404(client: Client, hook: InboundHook, world: Any) -> None:
    actions.save_inbound_hook(
        hook, name="Shop", slug="shop", team=None, priority="low", tags=[], active=False, actor=world.manager
    )
    assert send(client, hook, CREATE).status_code == 404
    assert client.get(reverse("integration_hooks:inbound_hook_receive", args=["shop"])).status_code == 405


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**CREATE, "colour": "red"}, "colour"),
        ({**CREATE, "priority": "asap"}, "priority"),
        ({**CREATE, "type": "bug"}, "type"),
        ({**CREATE, "subject": "x" * 251}, "subject"),
        ({**CREATE, "subject": "a\x00b"}, "subject"),
        ({**CREATE, "subject": "   "}, "subject"),
        ({**CREATE, "body": 5}, "body"),
        ({**CREATE, "requester": "ann@shop.example"}, "requester"),
        ({**CREATE, "requester": {"email": "ann"}}, "requester.email"),
        ({**CREATE, "requester": {"email": "a@b.example", "phone": "1"}}, "requester.phone"),
        ({**CREATE, "tags": ["x"] * 51}, "tags"),
        ({**CREATE, "tags": "vip"}, "tags"),
        ({**CREATE, "external_id": "has space"}, "external_id"),
        ({"ticket": 2**63}, "ticket"),
        ({"ticket": True, "priority": "high"}, "ticket"),
        ({"ticket": "12", "priority": "high"}, "ticket"),
        ({"ticket": 1, "status": "closed"}, "status"),
        ({"ticket": 1, "comment": {"body": "x", "public": "yes"}}, "comment.public"),
        ({"ticket": 1, "comment": {"text": "x"}}, "comment.text"),
        ({"ticket": 1}, None),
        ({**CREATE, "sub\u0000ject": "x"}, "subject"),
        ({**CREATE, "\ud800": "x"}, "?"),
        ({**CREATE, "subject": "lone \ud800 surrogate"}, "subject"),
        ({**CREATE, "requester": {"email": "a@b.example", "name": "\udfff"}}, "requester.name"),
        ({**CREATE, "tags": ["ok", "\ud800"]}, "tags"),
        ([1, 2], None),
    ],
)
def test_bad_payloads_are_400_naming_the_field(
    client: Client, hook: InboundHook, payload: Any, field: str | None
) -> None:
    response = send(client, hook, payload)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert set(response.json()) == {"code", "message", "field"}
    assert Ticket.objects.count() == 0


def test_bad_json_and_bad_keys_and_size(client: Client, hook: InboundHook) -> None:
    response = send(client, hook, None, raw=b"{not json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_json")
    response = send(client, hook, None, raw=b"\xff\xfe")
    assert response.status_code == 400
    response = send(client, hook, CREATE, key="with space")
    assert (response.status_code, response.json()["field"]) == (400, "Idempotency-Key")
    response = send(client, hook, None, raw=b" " * (1024 * 1024 + 1))
    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")
    assert Ticket.objects.count() == 0


def test_over_the_rate_limit_is_429(client: Client, hook: InboundHook, settings: Any) -> None:
    settings.OPSDESK_INBOUND_HOOK_RATE_LIMIT = 2
    assert [send(client, hook, CREATE, key=f"k{n}").status_code for n in range(3)] == [201, 201, 429]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_make_one_ticket(world: Any) -> None:
    hook = actions.save_inbound_hook(
        None, name="Shop", slug="shop", team=None, priority="low", tags=[], active=True, actor=world.manager
    )
    barrier = threading.Barrier(4)
    answers: list[tuple[int, Any]] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            barrier.wait(10)
            response = send(Client(), hook, CREATE, key="same")
            answers.append((response.status_code, response.json()))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert Ticket.objects.count() == 1
    number = Ticket.objects.get().pk
    assert answers == [(201, answers[0][1])] * 4
    assert answers[0][1]["ticket"] == number
    assert InboundRequest.objects.count() == 1
