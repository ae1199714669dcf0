"""Event consumers of the analytics app; each runs inside the consumer's transaction (tickets.consumers)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC

from django.db.models import F

from opsdesk.analytics import rollups
from opsdesk.analytics.models import EventCount
from opsdesk.tickets.models import TicketEvent


def count_events(events: list[TicketEvent]) -> None:
    """Add a batch of events to the daily counts per kind and source."""
    counts = Counter((e.at.astimezone(UTC).date(), e.kind, e.source) for e in events)
    for (day, kind, source), n in counts.items():
        updated = EventCount.objects.filter(day=day, kind=kind, source=source).update(count=F("count") + n)
        if not updated:
            EventCount.objects.create(day=day, kind=kind, source=source, count=n)


def update_kpis(events: list[TicketEvent]) -> None:
    """The KPI facts of every ticket with a new event, and the rollups of the days they count on
    (analytics/rollups.py)."""
    rollups.on_events(events)
