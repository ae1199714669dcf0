"""SLA jobs: the per-minute look at clocks due (warnings, breaches, escalation levels) and the re-application of
an edited policy or calendar to the tickets it governs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from opsdesk.sla.actions import calendars as calendar_actions
from opsdesk.sla.actions import policies as policy_actions
from opsdesk.sla.actions import tracking
from opsdesk.sla.models import BusinessCalendar

LOCK = "sla-due"
LOOKAHEAD = timedelta(seconds=60)


def _check() -> None:
    """Handle everything due by now; if something falls due before the next minutely run, look again then, so a
    warning or a breach is written within seconds of its instant rather than up to a minute later."""
    try:
        with HUEY.lock_task(LOCK):
            tracking.check_due()
    except TaskLockedException:
        return  # a run is under way; it, or the next minute's, covers this
    now = timezone.now()
    upcoming = tracking.next_due_after(now, LOOKAHEAD)
    if upcoming is not None:
        check_sla_at.schedule(delay=max(0.0, (upcoming - now).total_seconds()) + 0.5)


@db_periodic_task(crontab(minute="*"))
def check_sla_due() -> None:
    _check()


@db_task()
def check_sla_at() -> None:
    _check()


@db_task(retries=3, retry_delay=30)
def reapply_policies(policy_ids: str) -> None:
    """Match again, and apply the current version, for the unsolved tickets these policies govern (comma-separated
    ids), after an edit of a policy or of its calendar: a chunk at a time."""
    policy_actions.reapply([int(pk) for pk in policy_ids.split(",") if pk])


@db_task(retries=2, retry_delay=300)
def sync_holiday_feed(calendar_id: int) -> None:
    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is not None:
        calendar_actions.sync_feed(calendar)


@db_periodic_task(crontab(hour="3", minute="17"))
def sync_holiday_feeds() -> None:
    """Every calendar's holiday feed, once a day (METRICS §2.4)."""
    for calendar in BusinessCalendar.objects.exclude(ical_url=""):
        calendar_actions.sync_feed(calendar)
