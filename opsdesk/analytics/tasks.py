"""Analytics jobs: the hourly sending of scheduled reports."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsdesk.analytics.actions import reports
from opsdesk.analytics.models import ReportSubscription

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="5"))
def send_scheduled_reports() -> None:
    """Every active subscription whose period ended (an hour ago at least) and was not sent yet gets its report.

    Each is sent on its own (`send_due` is safe to run twice), so one that fails is tried again the next hour
    without holding back the others."""
    for pk in ReportSubscription.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True):
        try:
            reports.send_due(pk)
        except Exception:
            log.exception("scheduled report %s could not be sent", pk)
