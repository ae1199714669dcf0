"""Give tickets the SLA consumer never saw (seeded demo data, an import) their clocks: `opsdesk sla-backfill`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsdesk.sla.actions import tracking
from opsdesk.tickets.models import Ticket

MAX_CHUNK = 5000


class Command(BaseCommand):
    help = (
        "Apply the SLA policies to unsolved tickets from their creation and write their clock events (activated, "
        "breached, ...), a chunk at a time. Safe to run again: a second run writes nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk", type=int, default=tracking.CHUNK, help=f"Tickets per transaction (default {tracking.CHUNK})."
        )
        parser.add_argument(
            "--ticket",
            type=int,
            action="append",
            dest="tickets",
            metavar="ID",
            help="Only this ticket (repeatable; solved tickets too). Default: every unsolved ticket.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chunk = options["chunk"]
        if not 1 <= chunk <= MAX_CHUNK:
            raise CommandError(f"--chunk must be between 1 and {MAX_CHUNK}, not {chunk}.")
        wanted = options["tickets"]
        if wanted is not None:
            missing = sorted(set(wanted) - set(Ticket.objects.filter(pk__in=wanted).values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"No ticket with id {', '.join(map(str, missing))}.")
        started = time.perf_counter()
        result = tracking.backfill(wanted, chunk=chunk)
        seconds = time.perf_counter() - started
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(result.kinds.items()))
        self.stdout.write(
            f"SLA clocks of {result.tickets} tickets: {result.events} events"
            f"{f' ({kinds})' if kinds else ''}, {result.escalations} escalations, in {seconds:.1f} s."
        )
