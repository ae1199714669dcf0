"""Alerts for staff about a ticket: a notification in the workspace (the bell), and by email if asked. Written by
escalations (opsdesk/sla) and, later, by automation rules; each names the timeline event it is about."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from opsdesk.core import outbox
from opsdesk.tickets import events, timeline
from opsdesk.tickets.models import Notification, Ticket, TicketEvent

if TYPE_CHECKING:
    from opsdesk.accounts.models import User


class Sentence:
    """The event's timeline sentence, in the language active when it is shown (each recipient's own)."""

    def __init__(self, event: TicketEvent) -> None:
        self.event = event

    def __str__(self) -> str:
        return events.render(self.event.kind, self.event.data, timeline.names_for([self.event]))


@transaction.atomic
def notify_staff(
    ticket: Ticket, users: Iterable[User], *, event: TicketEvent, data: dict[str, Any], by_email: bool = False
) -> list[Notification]:
    """One notification per active staff member (once each), and a mail in their language when `by_email`."""
    now = timezone.now()
    people = {u.pk: u for u in users if u.is_active and u.is_agent_side}
    made = Notification.objects.bulk_create(
        [
            Notification(user=user, ticket=ticket, kind=event.kind, event=event, data=data, created_at=now)
            for user in people.values()
        ]
    )
    if by_email:
        for user in people.values():
            if user.email:
                outbox.queue_templated(
                    "tickets/emails/staff_alert",
                    kind="tickets.staff_alert",
                    to=[user.email],
                    language=user.language,
                    context={"ticket": ticket, "user": user, "sentence": Sentence(event)},
                    ticket_id=ticket.pk,
                    headers={"Auto-Submitted": "auto-generated"},
                )
    return made


@transaction.atomic
def mark_notifications_read(user: User, *, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (these ids, or all); returns how many."""
    query = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        query = query.filter(pk__in=list(ids))
    return query.update(read_at=timezone.now())
