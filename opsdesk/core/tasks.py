"""Core jobs: mail delivery from the outbox, the minutely sweep and heartbeat, SQLite upkeep."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsdesk.core import outbox
from opsdesk.core.models import Heartbeat


@db_task()
def beat(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


@db_task()
def deliver_mail(mail_id: int, attempt: int) -> None:
    """Send one outbox mail; retries are the outbox's own (its backoff and the sweep), not huey's."""
    outbox.deliver(mail_id, attempt)


@db_periodic_task(crontab(minute="*"))
def minutely() -> None:
    Heartbeat.objects.update_or_create(name="minutely", defaults={"at": timezone.now()})
    outbox.sweep()


@db_periodic_task(crontab(minute="7"))
def optimize_database() -> None:
    """Keep SQLite's planner statistics fresh, so list queries keep using their keyset indexes.

    PostgreSQL's autovacuum does the same there."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit=2000")
            cursor.execute("PRAGMA optimize=0x10002")  # analyse every table that may benefit, not only recent ones


@db_periodic_task(crontab(minute="*/10"))
def prune_rate_limits() -> None:
    """Delete rate-limit counters of finished windows (database store; Redis expires its own keys)."""
    from opsdesk.core import ratelimit

    ratelimit.prune()
