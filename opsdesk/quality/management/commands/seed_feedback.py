"""Survey answers and QA reviews in bulk on a demo database: `opsdesk seed-feedback --answers N --reviews M`."""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsdesk.accounts.models import User
from opsdesk.quality import seeding
from opsdesk.quality.models import Scorecard, Survey
from opsdesk.tickets import consumers


class Command(BaseCommand):
    help = (
        "Add survey answers and QA reviews of the solved demo tickets in bulk, as the actions write them (a "
        "benchmark's million-ticket database: 300,000 answers and 50,000 reviews). Needs the demo data (seed-demo). "
        "The event consumers start after what it writes: it is history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--answers", type=int, default=0, help="Survey answers to add (default 0).")
        parser.add_argument("--reviews", type=int, default=0, help="QA reviews to add (default 0).")
        parser.add_argument("--seed", type=int, default=14, help="Random seed (default 14).")

    def handle(self, *args: Any, **options: Any) -> None:
        answers, reviews = options["answers"], options["reviews"]
        if answers < 0 or reviews < 0:
            raise CommandError("--answers and --reviews must be zero or more.")
        if not Survey.objects.exists() or not Scorecard.objects.filter(name="Support conversations").exists():
            raise CommandError("The demo's surveys and scorecard are missing: run `opsdesk seed-demo` first.")
        reviewers = list(
            User.objects.filter(email__in=["lead.fi@opsdesk.example", "manager@opsdesk.example"]).order_by("pk")
        )
        if reviews and not reviewers:
            raise CommandError("The demo's team lead and manager are missing: run `opsdesk seed-demo` first.")
        rng = random.Random(options["seed"])
        began = time.perf_counter()
        answered = seeding.seed_answers(answers, rng=rng) if answers else 0
        reviewed = seeding.seed_reviews(reviews, reviewers=reviewers, rng=rng) if reviews else 0
        consumers.pass_history()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {answered} survey answers and {reviewed} QA reviews in {time.perf_counter() - began:.1f} s."
            )
        )
