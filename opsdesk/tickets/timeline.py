"""The only writer of TicketEvent rows: every change to a ticket is recorded here, inside the action's transaction.

The payload is checked against the event registry (tickets.events); the event also records where the change came
from and what caused it (core.origin), and on PostgreSQL the id of its transaction, which event consumers need to
read in a safe order (tickets.consumers).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from opsdesk.core import origin
from opsdesk.tickets import consumers, events
from opsdesk.tickets.models import TicketEvent, TicketStatus

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.tickets.models import Ticket

MANY_BATCH = 500


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


class Recorded(NamedTuple):
    """An event `record_many` wrote."""

    pk: int
    ticket_id: int
    kind: str
    at: datetime
    data: dict[str, Any]


def record_many(
    entries: Sequence[tuple[int, str, dict[str, Any], datetime]],
    *,
    cause_events: Sequence[int | None] | None = None,
    actors: Sequence[tuple[int | None, str]] | None = None,
) -> list[Recorded]:
    """Append many system events at once (ticket id, kind, payload, at), checked as `record` checks one: the SLA
    clocks write thousands a minute. Actor: none; role: system; origin as `record`.

    One multi-row INSERT per 500 events, the values adapted by the model's own fields, instead of `bulk_create`,
    whose query compilation was a third of a 10,000-ticket SLA due check (docs/performance.md); the transaction id
    is taken in the same statement on PostgreSQL. Ids come back with RETURNING, in insertion order once sorted (one
    statement takes increasing ids for its rows in order, on both databases). `cause_events`, one per entry, gives
    each its own cause event (an automation rule's change names the rule's firing on that ticket); `actors`, one
    (actor id, role) per entry, names who did each (the bulk demo seeder's survey answers and QA reviews)."""
    now = origin.current()
    consumers.wake_on_commit()
    if not entries:
        return []
    payloads = [events.build(kind, data) for _ticket, kind, data, _at in entries]
    at_field, data_field = TicketEvent._meta.get_field("at"), TicketEvent._meta.get_field("data")
    params = [
        (
            ticket_id,
            kind,
            None if actors is None else actors[n][0],
            "system" if actors is None else actors[n][1],
            at_field.get_db_prep_value(at, connection),
            data_field.get_db_prep_value(payload, connection),
            now.source,
            now.cause_event if cause_events is None else cause_events[n],
            now.cause,
        )
        for n, ((ticket_id, kind, _data, at), payload) in enumerate(zip(entries, payloads, strict=True))
    ]
    xid = "pg_current_xact_id()::text::bigint" if connection.vendor == "postgresql" else "NULL"
    row = f"(%s, %s, %s, %s, %s, %s, %s, %s, %s, {xid})"
    columns = "ticket_id, kind, actor_id, actor_role, at, data, source, cause_event, cause, xid"
    per = MANY_BATCH
    if connection.vendor == "sqlite":  # a build may allow fewer than 3,500 parameters in a statement
        per = max(1, min(per, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(params[0])))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(params), per):
            batch = params[start : start + per]
            cursor.execute(
                f"INSERT INTO {TicketEvent._meta.db_table} ({columns}) VALUES {', '.join([row] * len(batch))} "
                "RETURNING id",
                [value for values in batch for value in values],
            )
            ids.extend(sorted(int(found[0]) for found in cursor.fetchall()))
    return [
        Recorded(pk, ticket_id, kind, at, payload)
        for pk, (ticket_id, kind, _data, at), payload in zip(ids, entries, payloads, strict=True)
    ]


def names_for(rows: Sequence[Any], *, statuses: Sequence[TicketStatus] | None = None) -> events.Names:
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
