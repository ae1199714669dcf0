"""The integrations.webhooks consumer: one delivery per event and matching webhook, with the documented payload.

Events are handed to the handler directly, as tickets.consumers does after commit (that transport is tested in
tickets/tests/test_consumers.py; a test's transaction never commits)."""

from __future__ import annotations

import json
from typing import Any

from opsdesk.integrations import actions
from opsdesk.integrations.consumers import send_webhooks
from opsdesk.integrations.models import Delivery
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import consumers
from opsdesk.tickets.models import TicketEvent


def test_the_consumer_is_configured() -> None:
    assert consumers.handlers()["integrations.webhooks"] is send_webhooks


def hook(world: Any, name: str, events: list[str], **values: Any) -> Any:
    values = {"team": None, "active": True, **values}
    return actions.save_webhook(
        None, name=name, url=f"https://{name}.example/in", events=events, actor=world.manager, **values
    )


def test_matching_webhooks_get_one_delivery_per_event(world: Any) -> None:
    everything = hook(world, "all", ["*"])
    billing_status = hook(world, "billing", ["status.changed"], team=world.billing)
    support_status = hook(world, "support", ["status.changed"], team=world.support)
    hook(world, "off", ["*"], active=False)
    ticket = world.ticket(tags=["vip"])
    ticket_actions.change_status(ticket, status=ticket_actions.default_status("pending"), actor=world.agent)
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("id"))
    send_webhooks(events)
    send_webhooks(events)  # a repeated batch (a crash before the position moved) makes nothing twice
    status_event = next(e for e in events if e.kind == "status.changed")
    keys = set(Delivery.objects.values_list("key", flat=True))
    assert keys == {f"event:{e.pk}:webhook:{everything.pk}" for e in events} | {
        f"event:{status_event.pk}:webhook:{support_status.pk}"
    }
    assert not Delivery.objects.filter(webhook=billing_status).exists()
    delivery = Delivery.objects.get(webhook=support_status)
    assert (delivery.event, delivery.ticket_event_id, delivery.state) == ("status.changed", status_event.pk, "queued")
    assert json.loads(delivery.body) == {
        "id": f"event:{status_event.pk}:webhook:{support_status.pk}",
        "type": "status.changed",
        "event": {
            "id": status_event.pk,
            "kind": "status.changed",
            "at": status_event.at.isoformat(),
            "ticket": ticket.pk,
            "actor": world.agent.pk,
            "actor_role": "agent",
            "source": "system",
            "cause_event": None,
            "cause": "",
            "data": status_event.data,
        },
        "ticket": {
            "number": ticket.pk,
            "subject": "Printer on fire",
            "status_category": "pending",
            "priority": "normal",
            "type": "question",
            "team": world.support.pk,
            "assignee": None,
            "requester": world.customer.pk,
            "tags": ["vip"],
            "url": f"http://127.0.0.1:8000/tickets/{ticket.pk}/",
        },
    }
    assert set(status_event.data) == {"from_status", "to_status", "from_category", "to_category"}


def test_no_webhooks_no_queries(world: Any, django_assert_num_queries: Any) -> None:
    ticket = world.ticket()
    events = list(TicketEvent.objects.filter(ticket=ticket))
    with django_assert_num_queries(1):
        send_webhooks(events)
    assert Delivery.objects.count() == 0
