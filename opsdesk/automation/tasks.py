"""Automation jobs: time rules every minute (only the tickets due, through their index; no cap), and scheduling
every ticket again after a time rule changed."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from opsdesk.automation.actions import timing
from opsdesk.core.models import Heartbeat

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def run_time_rules() -> None:
    try:
        with HUEY.lock_task("automation-time-rules"):
            done = timing.run_due(now=timezone.now())
    except TaskLockedException:
        return  # a run is under way; it, or the next minute's, covers this
    Heartbeat.objects.update_or_create(name="automation.time_rules", defaults={"at": timezone.now()})
    if done["fired"]:
        logger.info("Time rules fired %d times on %d tickets", done["fired"], done["tickets"])


@db_task()
def reschedule_time_rules() -> None:
    timing.reschedule_all(now=timezone.now())
