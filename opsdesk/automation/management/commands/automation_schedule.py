"""Schedule every ticket's time rules again: `opsdesk automation-schedule` (after an import, or seeded demo data)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from opsdesk.automation.actions import timing
from opsdesk.automation.models import TimeCheck


class Command(BaseCommand):
    help = (
        "Work out, for every ticket an active time rule may reach, when it is next due (what saving a time rule "
        "does in the background). Nothing fires here: the minutely job fires what is due. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        seen = timing.reschedule_all(now=timezone.now())
        due = TimeCheck.objects.filter(due_at__lte=timezone.now()).count()
        self.stdout.write(
            f"Looked at {seen} tickets in {time.perf_counter() - started:.1f} s: {TimeCheck.objects.count()} have a "
            f"time rule to come, {due} of them due now."
        )
