"""Core jobs: the heartbeat the demo smoke test and health checks use to see the worker is alive."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsdesk.core.models import Heartbeat


@db_task()
def beat(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


@db_periodic_task(crontab(minute="*"))
def minutely() -> None:
    Heartbeat.objects.update_or_create(name="minutely", defaults={"at": timezone.now()})
