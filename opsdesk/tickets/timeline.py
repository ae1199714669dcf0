"""The only writer of TicketEvent rows: every change to a ticket is recorded here, inside the action's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from opsdesk.tickets.models import TicketEvent

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.tickets.models import Ticket

# Event kinds, named as METRICS.md §0.1 names them; the extras follow the same `<noun>.<past tense>` pattern.
KINDS = frozenset(
    {
        "ticket.created",
        "comment.added",
        "status.changed",
        "priority.changed",
        "group.changed",
        "assignee.changed",
        "tags.changed",
        "ticket.merged",
        "type.changed",
        "subject.changed",
        "fields.changed",
        "followers.changed",
        "ticket.linked",
        "ticket.split",
        "attachment.added",
        "requester.changed",
    }
)


def actor_role(actor: User | None) -> str:
    if actor is None:
        return "system"
    if actor.role == "customer":
        return "end_user"
    return "agent"


def record(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    data: dict[str, Any],
    at: datetime | None = None,
    role: str | None = None,
) -> TicketEvent:
    if kind not in KINDS:
        raise ValueError(f"Unknown ticket event kind {kind!r}")
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_role=role or actor_role(actor),
        at=at or timezone.now(),
        data=data,
    )
