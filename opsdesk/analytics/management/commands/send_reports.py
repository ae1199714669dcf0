"""Queue every scheduled report whose period has ended and was not sent: `opsdesk send-reports` (what the hourly
job does; safe to run again, a period is never sent twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from opsdesk.analytics.actions import reports
from opsdesk.analytics.models import ReportSubscription


class Command(BaseCommand):
    help = "Queue the scheduled reports whose period has ended (the hourly job, now). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = 0
        ids = ReportSubscription.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
        for pk in ids:
            if reports.send_due(pk) is not None:
                queued += 1
        self.stdout.write(f"Queued {queued} reports of {len(ids)} active subscriptions.")
