"""Recompute the KPI facts and daily rollups: `opsdesk analytics-rebuild [--from DAY] [--to DAY]`."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsdesk.analytics import periods, rollups


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date; write it as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = (
        "Recompute the KPI facts of every ticket from its timeline and sum the daily rollups again (after an "
        "import, or a change of the reporting time zone). With --from/--to: the tickets with an event in those "
        "reporting days, and those days. The result is the same as the minutely update's. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=_day, help="First reporting day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", type=_day, help="Last reporting day (YYYY-MM-DD), default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = options["start"], options["end"]
        if start and end and end < start:
            raise CommandError("--to must not be before --from.")
        if end and not start:
            raise CommandError("--to needs --from (without both, everything is rebuilt).")
        began = time.perf_counter()
        result = rollups.rebuild(start, end)
        self.stdout.write(
            f"Rebuilt the KPI facts of {result['tickets']} tickets and {result['rollups']} rollup rows in "
            f"{time.perf_counter() - began:.1f} s (reporting days in {periods.zone_name()})."
        )
