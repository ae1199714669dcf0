"""Event consumers: SLA, automation, webhooks, live updates and analytics read new ticket events through this one
mechanism (HOUSE_STYLE §10, ADR 0013).

- A consumer is a name and a handler, `handle(events: list[TicketEvent]) -> None`, listed in
  settings.OPSDESK_EVENT_CONSUMERS by dotted path. Its position (`EventConsumer`) moves in the same transaction as
  the handler's work, so a crash or a kill repeats a batch instead of losing it, and a repeated batch finds its
  work undone (it rolled back with the position): at least once, and in effect once for work in the database.
- Order: events are handed over in commit order. On SQLite every write transaction holds the database's write lock
  (IMMEDIATE), so id order is commit order. On PostgreSQL it is not: a transaction that took id 101 can commit
  after the one that took 102, and a reader that moved past 102 would skip 101 for good. So each event stores its
  transaction id (`xid`) and a consumer reads, in (xid, id) order, only events whose transaction is older than
  every transaction still running (`pg_snapshot_xmin(pg_current_snapshot())`): that set can no longer grow, so
  the position never passes an event that commits later. Per ticket the order holds because every action that
  records a ticket's events locks the ticket first (its transaction id comes no later than that lock).
- Wake-up: the first event of a transaction queues `run_event_consumers` on commit, and the worker also runs it
  every minute, so nothing waits for the next event to be noticed.
- A handler that raises rolls its batch back; the error and the failure count are stored for the admin page, and
  the next run tries the same batch again.
- Slow work outside the lock: a batch's transaction holds SQLite's write lock from its first statement (IMMEDIATE),
  so a handler that spends CPU time on each event (language detection) is a `Staged` one: its `prepare` reads and
  computes before the transaction, and only its `apply` writes inside it. Detecting 50 messages' languages inside
  the transaction held every other writer off for up to 6 s on a fresh demo, and a sign-in failed ("database is
  locked").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from opsdesk.tickets.models import EventConsumer, TicketEvent

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class Staged:
    """A handler in two steps: `prepare(events)` runs before the batch's transaction (reads and CPU time, no writes:
    its result must be safe to throw away), `apply(events, prepared)` inside it. Called directly, it does both."""

    prepare: Callable[[list[TicketEvent]], Any]
    apply: Callable[[list[TicketEvent], Any], None]

    def __call__(self, events: list[TicketEvent]) -> None:
        self.apply(events, self.prepare(events))


Handler = Callable[[list[TicketEvent]], None] | Staged


def handlers() -> dict[str, Handler]:
    return {name: import_string(path) for name, path in settings.OPSDESK_EVENT_CONSUMERS.items()}


def horizon() -> int | None:
    """PostgreSQL: the oldest transaction still running; every event with a smaller xid is final. SQLite: None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return int(cursor.fetchone()[0])


def _after(consumer: EventConsumer, limit: int | None) -> Q:
    if limit is None:
        return Q(id__gt=consumer.position_id)
    xid = consumer.position_xid or 0
    return Q(xid__isnull=False, xid__lt=limit) & (Q(xid__gt=xid) | Q(xid=xid, id__gt=consumer.position_id))


def _order() -> tuple[str, ...]:
    return ("xid", "id") if connection.vendor == "postgresql" else ("id",)


def ensure(name: str) -> EventConsumer:
    """The consumer's row; a new consumer starts after every event already committed (history is for backfills)."""
    found = EventConsumer.objects.filter(name=name).first()
    if found is not None:
        return found
    limit = horizon()
    last = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    consumer, _created = EventConsumer.objects.get_or_create(
        name=name, defaults={"position_id": last, "position_xid": None if limit is None else limit - 1}
    )
    return consumer


def pass_history() -> int:
    """Move every consumer past the events written so far, as a new consumer starts (`ensure`): what a seeder wrote
    back-dated is history, not news to act on (a survey answer of last spring fires no rule today). Returns how many
    consumers moved."""
    limit = horizon()
    last = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return EventConsumer.objects.update(position_id=last, position_xid=None if limit is None else limit - 1)


def _pending(consumer: EventConsumer, batch: int) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(_after(consumer, horizon())).order_by(*_order())[:batch])


def run(name: str, handle: Handler, *, batch: int = BATCH, max_batches: int | None = None) -> int:
    """Hand every readable event after the consumer's position to `handle`, a batch per transaction; returns how
    many it handled. Only one runner per consumer works at a time (its row is locked for the batch). A `Staged`
    handler prepares the batch it reads before the transaction; if the batch read inside it differs (another runner
    moved the position meanwhile), it prepares again there."""
    ensure(name)
    done = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        staged: tuple[list[int], Any] | None = None
        if isinstance(handle, Staged):
            ahead = _pending(EventConsumer.objects.get(name=name), batch)
            if ahead:
                staged = ([event.pk for event in ahead], handle.prepare(ahead))
        try:
            with transaction.atomic():
                consumer = EventConsumer.objects.select_for_update().get(name=name)
                rows = _pending(consumer, batch)
                if not rows:
                    consumer.last_run_at = timezone.now()
                    consumer.save(update_fields=["last_run_at"])
                    break
                if isinstance(handle, Staged):
                    same = staged is not None and staged[0] == [event.pk for event in rows]
                    handle.apply(rows, staged[1] if same and staged is not None else handle.prepare(rows))
                else:
                    handle(rows)
                last = rows[-1]
                consumer.position_id = last.pk
                consumer.position_xid = last.xid
                consumer.processed += len(rows)
                consumer.last_run_at = timezone.now()
                consumer.last_error = ""
                consumer.save(update_fields=["position_id", "position_xid", "processed", "last_run_at", "last_error"])
        except Exception as error:
            logger.exception("Event consumer %s failed", name)
            EventConsumer.objects.filter(name=name).update(
                last_error=f"{type(error).__name__}: {error}"[:2000], failures=F("failures") + 1
            )
            raise
        done += len(rows)
        batches += 1
    return done


def run_all() -> dict[str, int]:
    """Run every configured consumer until it has caught up; a failing one does not stop the others."""
    counts: dict[str, int] = {}
    for name, handle in handlers().items():
        try:
            counts[name] = run(name, handle, batch=settings.OPSDESK_EVENT_CONSUMER_BATCH.get(name, BATCH))
        except Exception:  # noqa: BLE001 - recorded on the consumer's row and logged; the next run retries
            counts[name] = -1
    return counts


def held_back() -> bool:
    """PostgreSQL: are there committed events no consumer may read yet, because an older transaction (in any
    database of the cluster) is still running? Then the run is repeated shortly instead of waiting a minute."""
    limit = horizon()
    return limit is not None and TicketEvent.objects.filter(xid__gte=limit).exists()


def _wake() -> None:
    import_string("opsdesk.tickets.tasks.run_event_consumers")()


def wake_on_commit() -> None:
    """Queue one consumer run after the current transaction commits (once per transaction, however many events)."""
    if not settings.OPSDESK_EVENT_CONSUMERS:
        return
    conn = transaction.get_connection()
    if any(func is _wake for _sids, func, _robust in conn.run_on_commit):
        return
    transaction.on_commit(_wake, robust=True)


# What each consumer is, in words, for the admin page.
LABELS = {
    "analytics.event_counts": gettext_lazy("Daily event counts (analytics)"),
    "analytics.kpis": gettext_lazy("KPI facts and daily rollups (analytics)"),
    "messaging.language": gettext_lazy("Language of customers' messages (messaging)"),
    "automation.rules": gettext_lazy("Trigger rules and time rules' schedule (automation)"),
    "integrations.webhooks": gettext_lazy("Outbound webhooks (integrations)"),
}


@dataclass(frozen=True)
class Lag:
    name: str
    label: str
    position_id: int
    processed: int
    behind: int
    oldest_waiting_at: datetime | None
    last_run_at: datetime | None
    last_error: str
    failures: int


def lags() -> list[Lag]:
    """Each configured consumer's position and how far behind it is, for the admin page."""
    limit = horizon()
    result = []
    for name in settings.OPSDESK_EVENT_CONSUMERS:
        consumer = ensure(name)
        waiting = TicketEvent.objects.filter(_after(consumer, limit))
        oldest = waiting.order_by(*_order()).values_list("at", flat=True).first()
        result.append(
            Lag(
                name=name,
                label=str(LABELS.get(name, name)),
                position_id=consumer.position_id,
                processed=consumer.processed,
                behind=waiting.count(),
                oldest_waiting_at=oldest,
                last_run_at=consumer.last_run_at,
                last_error=consumer.last_error,
                failures=consumer.failures,
            )
        )
    return result
