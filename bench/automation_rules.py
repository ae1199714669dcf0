#!/usr/bin/env python3
"""Automation at a million tickets (`make bench`, `python bench/run.py automation`).

On the 1,000,000-ticket database of the HTTP benchmark (built once by bench/serve_bench.py in var/bench-<N>/, or
PostgreSQL with DATABASE_URL), inside one transaction rolled back at the end, so the cached database is left as it
was:

- `rules_200_per_event`: 200 active trigger rules (on "a ticket is updated" and other events, each with conditions
  in the filter language on priority, team, organization, tags, channel, language; none matches the measured
  tickets, so the figure is evaluation alone). A ticket update (the priority action) is made on one of 100 tickets,
  then the automation consumer's handler (`automation.consumers.run_rules`) is timed on the events that update
  wrote: the time it adds to that ticket update. Baseline: the same with no rules. 100 updates each.
- `time_rules_10000_due`: one time rule ("unanswered for 7 days → tag"), 10,000 unsolved tickets created over a week
  ago scheduled through the real `timing.schedule` (each gets its TimeCheck, due now), then `timing.run_due(now)`
  timed: every one of the 10,000 fires (its `automation.fired` event, the tag through the ticket action, its run
  logged) and is scheduled again; each run inside a savepoint rolled back, the first a warm-up.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_EVENT_ENTRY = "rules_200_per_event"
DUE_ENTRY = "time_rules_10000_due"
RULES = 200
DUE = 10_000


def pct(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return round(ordered[min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1)], 2)


def summary(name: str, times: list[float], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": pct(times, 95),
        "p99_ms": pct(times, 99),
        "runs": len(times),
        **extra,
    }


def trigger_rules(count: int) -> list[dict[str, Any]]:
    """Varied realistic triggers whose conditions the measured tickets do not meet."""
    events = [["ticket_updated"], ["priority_changed", "status_changed"], ["ticket_updated", "customer_message"]]
    found = []
    for n in range(count):
        conditions = [
            {"field": "tags", "op": "contains", "value": f"campaign-{n}"},
            {"field": "priority", "op": "in", "value": ["high", "urgent"]},
            {"field": "channel", "op": "in", "value": ["email", "web", "chat"]},
        ]
        if n % 3 == 0:
            conditions.append({"field": "language", "op": "in", "value": ["fi", "sv"]})
        found.append(
            {
                "events": events[n % len(events)],
                "conditions": {"match": "all", "conditions": conditions},
                "actions": [
                    {"type": "add_tags", "tags": [f"rule-{n}"]},
                    {"type": "set_priority", "priority": "urgent"},
                ],
            }
        )
    return found


def measure(*, updates: int, due_runs: int) -> dict[str, Any]:
    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from opsdesk.accounts.models import User
    from opsdesk.automation import actions
    from opsdesk.automation.actions import timing
    from opsdesk.automation.actions.rules import RuleInput
    from opsdesk.automation.consumers import run_rules
    from opsdesk.automation.models import Rule, RuleRun, TimeCheck
    from opsdesk.tickets import actions as ticket_actions
    from opsdesk.tickets import categories
    from opsdesk.tickets.models import Ticket, TicketEvent

    now = timezone.now()
    report: dict[str, Any] = {"database": connection.vendor, "tickets": Ticket.objects.count()}
    with transaction.atomic():
        admin = User.objects.get(email="admin@opsdesk.example")
        Rule.objects.all().delete()  # the lifecycle defaults too: each figure is its own rules' work
        tickets = list(
            Ticket.objects.filter(status_category__in=categories.UNSOLVED, priority__in=["low", "normal"])
            .exclude(tags__name__startswith="campaign-")
            .order_by("-pk")[:updates]
        )

        def per_event(label: str) -> tuple[list[float], int]:
            times: list[float] = []
            queries = 0
            for n, ticket in enumerate(tickets):
                last = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                point = transaction.savepoint()
                ticket_actions.set_priority(
                    ticket, priority="low" if ticket.priority == "normal" else "normal", actor=admin
                )
                rows = list(TicketEvent.objects.filter(pk__gt=last).order_by("pk"))
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    run_rules(rows)
                    times.append((time.perf_counter() - began) * 1000)
                queries = len(captured)
                assert not RuleRun.objects.exists(), "a measured rule matched"
                transaction.savepoint_rollback(point)
                if n == 0:
                    times.clear()  # warm-up
            print(f"  {label}: p50 {statistics.median(times):.2f} ms, {queries} queries", flush=True)
            return times, queries

        baseline, base_queries = per_event("no rules")
        for n, rule in enumerate(trigger_rules(RULES)):
            data = RuleInput(name=f"Campaign {n}", kind=Rule.Kind.TRIGGER, **rule)
            actions.save_rule(None, data=data, actor=admin)
        with_rules, rule_queries = per_event(f"{RULES} rules")
        added = [max(0.0, a - b) for a, b in zip(sorted(with_rules), sorted(baseline), strict=False)]
        report["per_event"] = summary(
            PER_EVENT_ENTRY,
            with_rules,
            rules=RULES,
            queries=rule_queries,
            baseline_p50_ms=round(statistics.median(baseline), 2),
            baseline_p95_ms=pct(baseline, 95),
            baseline_queries=base_queries,
            added_p95_ms=pct(added, 95),
            updates=len(with_rules),
            target_ms=5,
        )
        Rule.objects.all().delete()

        time_rule = RuleInput(
            name="Unanswered for a week",
            kind=Rule.Kind.TIME,
            anchor=Rule.Anchor.CREATED,
            after_seconds=7 * 86400,
            agent_replied=Rule.Replied.ANY,
            conditions={
                "match": "all",
                "conditions": [
                    {"field": "status_category", "op": "in", "value": ["new", "open", "pending", "on_hold"]}
                ],
            },
            actions=[{"type": "add_tags", "tags": ["stale"]}],
        )
        actions.save_rule(None, data=time_rule, actor=admin)
        TimeCheck.objects.all().delete()
        ids = list(
            Ticket.objects.filter(status_category__in=categories.UNSOLVED, created_at__lte=now - timedelta(days=7))
            .exclude(tags__name="stale")
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:DUE]
        )
        began = time.perf_counter()
        for start in range(0, len(ids), 1000):
            timing.schedule(ids[start : start + 1000], now=now)
        report["schedule_seconds"] = round(time.perf_counter() - began, 1)
        due = TimeCheck.objects.filter(due_at__lte=now).count()
        assert due == len(ids) == DUE, (due, len(ids))
        report["plan"] = str(TimeCheck.objects.filter(due_at__lte=now).order_by("due_at", "ticket_id")[:500].explain())
        times, cpu = [], []
        for run in range(due_runs + 1):
            point = transaction.savepoint()
            with CaptureQueriesContext(connection) as captured:
                began, began_cpu = time.perf_counter(), time.process_time()
                done = timing.run_due(now=now)
                elapsed = (time.perf_counter() - began) * 1000
                spent = (time.process_time() - began_cpu) * 1000
            assert done == {"tickets": DUE, "fired": DUE}, done
            print(
                f"  10,000 due, run {run}: {elapsed:,.0f} ms ({spent:,.0f} ms CPU), {len(captured)} queries", flush=True
            )
            if run:
                times.append(elapsed)
                cpu.append(spent)
            queries = len(captured)
            transaction.savepoint_rollback(point)
        report["due"] = summary(
            DUE_ENTRY,
            times,
            cpu_p50_ms=round(statistics.median(cpu)),
            queries=queries,
            due=DUE,
            plan=report["plan"],
            target_ms=10_000,
        )
        transaction.set_rollback(True)
    return report


def run(tickets: int | None = None, *, updates: int = 100, due_runs: int = 3, write: bool = True) -> dict[str, Any]:
    from bench.results import PATH, write_entry
    from bench.serve_bench import bench_env, ensure_database
    from bench.serve_bench import run as run_python
    from bench.sla_scan import machine

    tickets = tickets or int(os.environ.get("BENCH_TICKETS", "1000000"))
    data = Path(os.environ.get("BENCH_DATA", ROOT / "var" / f"bench-{tickets}"))
    env = bench_env(data)
    ensure_database(tickets, data, env)
    run_python(env, "-m", "opsdesk.cli", "migrate", "-v0")
    started_on = machine()
    child = subprocess.run(
        [sys.executable, __file__, "--measure", str(updates), str(due_runs)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        timeout=3600,
    )
    lines = child.stdout.strip().splitlines()
    print("\n".join(lines[:-1]))
    report = json.loads(lines[-1])
    for key in ("per_event", "due"):
        entry = report[key]
        entry.update(
            {
                "database": report["database"],
                "tickets": report["tickets"],
                "machine": started_on,
                "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            }
        )
        if write:
            path = PATH.with_name("results.postgresql.json") if report["database"] == "postgresql" else PATH
            write_entry(entry, path)
    per, due = report["per_event"], report["due"]
    print(
        f"Automation at {report['tickets']:,} tickets ({report['database']}): {RULES} triggers per ticket update p95 "
        f"{per['p95_ms']} ms (added p95 {per['added_p95_ms']} ms; no rules p95 {per['baseline_p95_ms']} ms); "
        f"10,000 time rules due p50 {due['p50_ms']:,} ms (p95 {due['p95_ms']:,}, {due['queries']} queries)"
    )
    return report


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        report = measure(updates=int(sys.argv[2]), due_runs=int(sys.argv[3]))
        print(json.dumps(report, default=str))
        return 0
    run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
