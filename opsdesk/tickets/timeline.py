"""The only writer of TicketEvent rows: every change to a ticket is recorded here, inside the action's transaction.

The payload is checked against the event registry (tickets.events); the event also records where the change came
from and what caused it (core.origin), and on PostgreSQL the id of its transaction, which event consumers need to
read in a safe order (tickets.consumers).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from opsdesk.core import origin
from opsdesk.tickets import consumers, events
from opsdesk.tickets.models import TicketEvent, TicketStatus

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.tickets.models import Ticket


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


def record_many(entries: Sequence[tuple[int, str, dict[str, Any], datetime]]) -> list[TicketEvent]:
    """Append many system events at once (ticket id, kind, payload, at), checked as `record` checks one: the SLA
    clocks write thousands a minute. Actor: none; role: system; origin as `record`."""
    now = origin.current()
    consumers.wake_on_commit()
    xid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()::text::bigint")
            xid = int(cursor.fetchone()[0])
    rows = [
        TicketEvent(
            ticket_id=ticket_id,
            kind=kind,
            actor=None,
            actor_role="system",
            at=at,
            data=events.build(kind, data),
            source=now.source,
            cause_event=now.cause_event,
            cause=now.cause,
            xid=xid,
        )
        for ticket_id, kind, data, at in entries
    ]
    return TicketEvent.objects.bulk_create(rows, batch_size=500)


def names_for(rows: Sequence[TicketEvent], *, statuses: Sequence[TicketStatus] | None = None) -> events.Names:
    """The names a timeline's sentences need (users, teams, customers, statuses, choices), read at once."""
    from opsdesk.accounts.models import User
    from opsdesk.core import languages
    from opsdesk.core.templatetags.opsdesk import status_label
    from opsdesk.customers.models import Customer, CustomerOrganization
    from opsdesk.people.models import Team
    from opsdesk.tickets.models import Ticket

    ids = events.referenced_ids(rows)
    return {
        "user": dict(User.objects.filter(pk__in=ids.get("user", ())).values_list("pk", "name")),
        "team": {team.pk: team.display_name for team in Team.objects.filter(pk__in=ids.get("team", ()))},
        "customer": dict(Customer.objects.filter(pk__in=ids.get("customer", ())).values_list("pk", "name")),
        "organization": dict(
            CustomerOrganization.objects.filter(pk__in=ids.get("organization", ())).values_list("pk", "name")
        ),
        "status": {s.pk: status_label(s) for s in (statuses if statuses is not None else TicketStatus.objects.all())},
        "priority": dict(Ticket.Priority.choices),
        "type": dict(Ticket.Type.choices),
        "channel": dict(Ticket.Channel.choices),
        "detected_language": languages.choices(),
    }
