"""The only writer of TicketEvent rows: every change to a ticket is recorded here, inside the action's transaction.

The payload is checked against the event registry (tickets.events); the event also records where the change came
from and what caused it (core.origin), and on PostgreSQL the id of its transaction, which event consumers need to
read in a safe order (tickets.consumers).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from opsdesk.core import origin
from opsdesk.tickets import consumers, events
from opsdesk.tickets.models import TicketEvent

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.tickets.models import Ticket

KINDS = frozenset(events.KINDS)


def actor_role(actor: User | None) -> str:
    if actor is None:
        return "system"
    if actor.role == "customer":
        return "end_user"
    return "agent"


def current_xid() -> Any:
    """The value stored in TicketEvent.xid: this transaction's id on PostgreSQL, else None."""
    if connection.vendor == "postgresql":
        return RawSQL("pg_current_xact_id()::text::bigint", ())
    return None


def record(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    data: dict[str, Any],
    at: datetime | None = None,
    role: str | None = None,
) -> TicketEvent:
    payload = events.build(kind, data)
    now = origin.current()
    consumers.wake_on_commit()
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_role=role or actor_role(actor),
        at=at or timezone.now(),
        data=payload,
        source=now.source,
        cause_event=now.cause_event,
        cause=now.cause,
        xid=current_xid(),
    )
