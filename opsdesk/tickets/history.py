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

from opsdesk.tickets.models import Ticket

SHOWN = 20  # the latest changes shown; the rest load when asked
MESSAGE_KINDS = ("comment.added",)  # in the conversation, not in the history


@dataclass(frozen=True)
class Row:
    """One event as the history and the SLA replay read it (opsdesk/sla/status.py): no model object."""

    pk: int
    kind: str
    at: datetime
    data: dict[str, Any]
    source: str
    actor_name: str | None


COLUMNS = ("pk", "kind", "at", "data", "source", "actor__name")


@dataclass
class History:
    rows: list[Row]  # every event of the ticket, in timeline order
    shown: list[Row]  # the latest SHOWN changes, oldest first
    earlier: int  # the changes before them, not shown


def _rows(events: Any) -> list[Row]:
    return [Row(*values) for values in events.order_by("at", "id").values_list(*COLUMNS)]


def of(ticket: Ticket) -> History:
    """One query: every event, with its actor's name."""
    rows = _rows(ticket.events.all())
    changes = [row for row in rows if row.kind not in MESSAGE_KINDS]
    shown = changes[-SHOWN:]
    return History(rows=rows, shown=shown, earlier=len(changes) - len(shown))


def before(ticket: Ticket, event_id: int) -> list[Row]:
    """The changes before one of the ticket's events, oldest first; none when the event is not this ticket's."""
    anchor = ticket.events.filter(pk=event_id).only("id", "at").first()
    if anchor is None:
        return []
    earlier = ticket.events.exclude(kind__in=MESSAGE_KINDS)
    return _rows(earlier.filter(Q(at__lt=anchor.at) | Q(at=anchor.at, id__lt=anchor.pk)))
