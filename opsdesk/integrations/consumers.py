"""The `integrations.webhooks` event consumer (tickets.consumers): one delivery per ticket event and active webhook
that wants its kind (and, for a team's webhook, whose ticket is in that team when the batch is handled), written in
the consumer's transaction, so a repeated batch finds its deliveries there (unique keys) and makes none twice."""

from __future__ import annotations

from typing import Any

from opsdesk.core.site import absolute_url
from opsdesk.integrations.actions.deliveries import queue_delivery
from opsdesk.integrations.models import Webhook
from opsdesk.tickets.models import Ticket, TicketEvent


def event_json(event: TicketEvent) -> dict[str, Any]:
    """The event as docs/events.md documents it."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "ticket": event.ticket_id,
        "actor": event.actor_id,
        "actor_role": event.actor_role,
        "source": event.source,
        "cause_event": event.cause_event,
        "cause": event.cause,
        "data": event.data,
    }


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    """A compact snapshot of the ticket when the delivery was written (no message bodies: see docs/webhooks.md)."""
    return {
        "number": ticket.pk,
        "subject": ticket.subject,
        "status_category": ticket.status_category,
        "priority": ticket.priority,
        "type": ticket.type,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
        "requester": ticket.requester_id,
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "url": absolute_url(ticket.get_absolute_url()),
    }


def event_key(event_id: int, webhook_id: int) -> str:
    return f"event:{event_id}:webhook:{webhook_id}"


def send_webhooks(events: list[TicketEvent]) -> None:
    webhooks = [w for w in Webhook.objects.filter(active=True) if w.events]
    if not webhooks:
        return
    wanted = [e for e in events if any(w.wants(e.kind) for w in webhooks)]
    if not wanted:
        return
    tickets = {t.pk: t for t in Ticket.objects.filter(pk__in={e.ticket_id for e in wanted}).prefetch_related("tags")}
    for event in wanted:
        ticket = tickets.get(event.ticket_id)
        if ticket is None:
            continue
        snapshot: dict[str, Any] | None = None
        for webhook in webhooks:
            if not webhook.wants(event.kind) or (webhook.team_id is not None and webhook.team_id != ticket.team_id):
                continue
            snapshot = snapshot or ticket_json(ticket)
            key = event_key(event.pk, webhook.pk)
            payload = {"id": key, "type": event.kind, "event": event_json(event), "ticket": snapshot}
            queue_delivery(key=key, event=event.kind, payload=payload, webhook=webhook, ticket_event_id=event.pk)
