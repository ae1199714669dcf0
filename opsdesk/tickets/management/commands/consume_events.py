"""Run every configured event consumer until it has caught up (the worker also does this each minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opsdesk.tickets import consumers


class Command(BaseCommand):
    help = "Run the event consumers (SLA, automation, webhooks, analytics) over new ticket events."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = consumers.run_all()
        for name, count in counts.items():
            if count < 0:
                self.stderr.write(f"{name}: failed (see Settings → Event consumers)")
            else:
                self.stdout.write(f"{name}: {count} events")
        if any(count < 0 for count in counts.values()):
            raise CommandError("A consumer failed.")
