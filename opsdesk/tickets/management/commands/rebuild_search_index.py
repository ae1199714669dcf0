"""Rebuild the full-text search index from the tickets (after a restore, an import, or a change of the rules)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from opsdesk.tickets import search


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of every ticket "
        "(in one transaction: searches see the old index until it commits)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        verbose = options["verbosity"] > 1

        def progress(done: int) -> None:
            if verbose:
                self.stdout.write(f"{done:,} tickets indexed")

        with transaction.atomic():
            count = search.rebuild(progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} tickets for search in {elapsed:.1f} s."))
