"""What the ticket page shows of its history: the changes (the messages are in the conversation beside it), the latest
SHOWN of them, with the earlier ones folded into a count that loads them when asked; and every event as a plain row
for the SLA panel's replay (no model objects: a ticket of 200 messages has some 600 events).

A link to a folded change (a notification, the SLA panel's "In the history") unfolds it in the browser (opsdesk.js).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from opsdesk.tickets.models import Ticket, TicketEvent

SHOWN = 20  # the latest changes shown; the rest load when asked
MESSAGE_KINDS = ("comment.added",)  # in the conversation, not in the history


@dataclass(frozen=True)
class Row:
    """One event as the SLA replay reads it (opsdesk/sla/status.py)."""

    pk: int
    kind: str
    at: datetime
    data: dict[str, Any]


@dataclass
class History:
    rows: list[Row]  # every event of the ticket, in timeline order
    shown: list[TicketEvent]  # the latest SHOWN changes, oldest first
    earlier: int  # the changes before them, not read

    @property
    def first_shown(self) -> int | None:
        return self.shown[0].pk if self.shown else None


def _changes(ticket: Ticket) -> Any:
    return ticket.events.exclude(kind__in=MESSAGE_KINDS).select_related("actor").order_by("at", "id")


def of(ticket: Ticket) -> History:
    """Two queries: every event as a row, and the latest SHOWN changes with their actors."""
    rows = [Row(*values) for values in ticket.events.order_by("at", "id").values_list("pk", "kind", "at", "data")]
    changes = [row.pk for row in rows if row.kind not in MESSAGE_KINDS]
    latest = changes[-SHOWN:]
    shown = list(_changes(ticket).filter(pk__in=latest)) if latest else []
    return History(rows=rows, shown=shown, earlier=len(changes) - len(latest))


def before(ticket: Ticket, event_id: int) -> list[TicketEvent]:
    """The changes before one of the ticket's events, oldest first; none when the event is not this ticket's."""
    anchor = ticket.events.filter(pk=event_id).only("id", "at").first()
    if anchor is None:
        return []
    return list(_changes(ticket).filter(Q(at__lt=anchor.at) | Q(at=anchor.at, id__lt=anchor.pk)))
