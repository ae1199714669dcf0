"""The SLA event consumer (tickets.consumers): the clocks of every ticket with new events, in the same transaction
as the consumer's position. Its own events (sla.*) move no clock; every other event may have changed a field a
policy looks at, so the ticket's policy is matched again at that event's time."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from opsdesk.sla import tasks
from opsdesk.sla.actions import tracking
from opsdesk.sla.events import ALL_KINDS
from opsdesk.tickets.models import TicketEvent

LOOKAHEAD = tasks.LOOKAHEAD


def track(events: list[TicketEvent]) -> None:
    changed: dict[int, datetime] = {}
    for event in events:
        if event.kind in ALL_KINDS:
            continue
        if event.ticket_id not in changed or event.at > changed[event.ticket_id]:
            changed[event.ticket_id] = event.at
    if changed:
        now = timezone.now()
        done = tracking.update_clocks(changed, rematch=changed, now=now)
        if done.earliest_due is not None and done.earliest_due - now <= LOOKAHEAD:
            # due before the next minutely run: look at that instant, not up to a minute after it
            delay = max(0.0, (done.earliest_due - now).total_seconds()) + 0.5
            transaction.on_commit(lambda: tasks.check_sla_at.schedule(delay=delay), robust=True)
