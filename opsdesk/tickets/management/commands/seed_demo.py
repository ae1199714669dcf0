"""Generate multilingual demo data: reference data through the actions, tickets in bulk."""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsdesk.analytics import demo as analytics_demo
from opsdesk.automation import demo as automation_demo
from opsdesk.customers.models import Customer
from opsdesk.quality import demo as quality_demo
from opsdesk.routing import demo as routing_demo
from opsdesk.sla import demo as sla_demo
from opsdesk.tickets import seeding
from opsdesk.tickets.models import Ticket
from opsdesk.workforce import demo as workforce_demo


class Command(BaseCommand):
    help = "Generate demo data in five languages: teams, staff, organizations, customers and tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=5000, help="How many tickets (default 5000).")
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            help="How many customers (default: a quarter of the tickets, at least 50).",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has tickets (for `make demo`).",
        )
        parser.add_argument(
            "--add", action="store_true", help="Add tickets to a database that already has demo reference data."
        )
        parser.add_argument(
            "--no-sla-clocks",
            action="store_true",
            help="Do not give the unsolved tickets their SLA clocks (opsdesk sla-backfill does it later).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["tickets"]
        if count < 0:
            raise CommandError("--tickets must be zero or more.")
        has_tickets = Ticket.objects.exists()
        if options["if_empty"] and has_tickets:
            self.stdout.write("The database already has tickets: keeping them.")
            return
        from opsdesk.accounts.models import User

        has_reference = User.objects.filter(email="admin@opsdesk.example").exists()
        if has_reference and not options["add"]:
            raise CommandError(
                "Demo data exists already. Use --add to add more tickets, or start from an empty database."
            )
        rng = random.Random(options["seed"])
        started = time.perf_counter()
        ref = seeding.load_reference_data() if has_reference else seeding.seed_reference_data()
        if not has_reference:
            sla_demo.seed_sla(actor=ref["admin"])  # calendar, policies, escalation: before the tickets
            automation_demo.seed_automation(actor=ref["admin"])  # rules and macros
            routing_demo.seed_routing(actor=ref["admin"])  # languages, skills, capacity; one team round robin
            analytics_demo.seed_goals(actor=ref["admin"])  # the quarter's goals on the dashboard
            quality_demo.seed_surveys(actor=ref["admin"])  # CSAT after solving; NPS and CES ready to switch on
            quality_demo.seed_scorecard(actor=ref["admin"])  # the QA scorecard a lead reviews with
        n_customers = options["customers"] or max(50, count // 4)
        customers = seeding.seed_customers(n_customers, rng=rng, orgs=ref["orgs"])
        demo = ref["demo_customer"]
        pinned = [] if has_reference else [(demo.pk, demo.name, demo.language, demo.organization_id)] * 6
        routed = () if has_reference else routing_demo.ROUTED_TICKETS[: min(count, 3)]
        result = seeding.seed_tickets(
            count - len(routed),
            customers=customers,
            agents=ref["agents"],
            teams=ref["teams"],
            rng=rng,
            first_customers=pinned,
        )
        # written and routed through the actions: decisions on the timeline, one ticket waiting on the board
        routing_demo.seed_decisions(customer_id=customers[0][0], tickets=routed)
        if not has_reference:  # survey answers and QA reviews of the solved tickets, through the actions
            from opsdesk.accounts.models import User

            leads = list(User.objects.filter(email__in=["lead.fi@opsdesk.example", "manager@opsdesk.example"]))
            quality_demo.seed_feedback(reviewers=leads, rng=rng, tickets=min(240, count // 20))
            workforce_demo.seed_workforce(actor=ref["admin"], rng=rng)  # phone lines, 12 weeks of calls, queues
        elapsed = time.perf_counter() - started
        rate = count / elapsed if elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.tickets + len(routed)} tickets, {result.messages} messages, {result.events} events "
                f"and {len(customers)} customers in {elapsed:.1f} s ({rate:,.0f} tickets/s). "
                f"Customers in total: {Customer.objects.count()}."
            )
        )
        if not options["no_sla_clocks"]:
            call_command("sla_backfill", stdout=self.stdout)
        call_command("analytics_rebuild", stdout=self.stdout)  # the KPI facts and rollups of what was seeded
