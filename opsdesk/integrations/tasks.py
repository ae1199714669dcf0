"""Integration jobs: one attempt of a delivery, and the minutely sweep of due ones."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsdesk.integrations.actions import deliveries


@db_task()
def deliver(delivery_id: int, attempt: int) -> None:
    """One attempt of a webhook or chat delivery; retries are the delivery's own (its backoff and the sweep)."""
    deliveries.deliver(delivery_id, attempt)


@db_periodic_task(crontab(minute="*"))
def sweep_deliveries() -> None:
    deliveries.sweep()
