#!/usr/bin/env python3
"""The minutely SLA due check at a million tickets (`make bench`, `python bench/run.py sla`).

On the 1,000,000-ticket database of the HTTP benchmark (built once by bench/serve_bench.py in var/bench-<N>/, or
PostgreSQL with DATABASE_URL), inside one transaction that is rolled back at the end, so the cached database is
left as it was:

1. the demo's SLA set-up through the actions (opsdesk/sla/demo.py: the Helsinki office calendar with Finnish
   holidays, targets per priority on "Standard", the "VIP" policy), without escalation rules, so the figure is the
   clocks' own work;
2. 10,000 unsolved tickets, the newest created at least a week ago (open, on hold and pending ones), get the SLA
   state production writes: the real `tracking.update_clocks` run as the consumer runs it just after their
   creation (tickets created within ten minutes of each other together, at the last one's creation plus a
   second), which writes `sla.policy_applied` and `sla.activated` and sets `sla_due_at`, now in the past;
3. `tracking.check_due(now)` is timed with all 10,000 due (entry `sla_scan_10000_due`, target < 10 s) and with
   nothing due (`sla_scan_nothing_due`, target < 100 ms), each run inside a savepoint rolled back afterwards, so
   every run does the same work. The first run of each is a warm-up and not counted.

The entries (p50/p95/p99 ms, queries, events written) go to bench/results.json (bench/results.postgresql.json on
PostgreSQL) through bench/results.py.
"""

from __future__ import annotations

import argparse
import hashlib
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

DUE_ENTRY = "sla_scan_10000_due"
IDLE_ENTRY = "sla_scan_nothing_due"
CLOCKS = 10_000
GROUP_SECONDS = 600  # tickets created this close together get their first clocks in one consumer run


def pct(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return round(ordered[min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1)], 1)


def summary(name: str, times: list[float], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": pct(times, 95),
        "p99_ms": pct(times, 99),
        "runs": len(times),
        "runs_ms": [round(t, 1) for t in times],
        **extra,
    }


def measure(*, clocks: int, due_runs: int, idle_runs: int) -> dict[str, Any]:
    """In a process set up for the benchmark database: build the state, time the runs, roll everything back."""
    import django

    django.setup()
    from datetime import datetime, timedelta

    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from opsdesk.accounts.models import User
    from opsdesk.sla import demo as sla_demo
    from opsdesk.sla.actions import tracking
    from opsdesk.sla.models import Escalation
    from opsdesk.tickets import categories
    from opsdesk.tickets.models import Ticket, TicketEvent

    # BENCH_SLA_NOW (ISO 8601) fixes "now", so two versions of the code can be compared by the digest of what the
    # first due run wrote (events and columns): the same digest, the same behaviour on these 10,000 tickets.
    fixed = os.environ.get("BENCH_SLA_NOW")
    now = datetime.fromisoformat(fixed) if fixed else timezone.now()
    report: dict[str, Any] = {"database": connection.vendor, "tickets": Ticket.objects.count()}
    with transaction.atomic():
        admin = User.objects.get(email="admin@opsdesk.example")
        started = time.perf_counter()
        sla_demo.seed_sla(actor=admin)
        Escalation.objects.all().delete()  # rolled back with the rest: the clocks' work alone is measured
        Ticket.objects.filter(sla_due_at__isnull=False).update(sla_due_at=None)  # none but ours due
        chosen = list(
            Ticket.objects.filter(status_category__in=categories.UNSOLVED, created_at__lte=now - timedelta(days=7))
            .order_by("-created_at", "-pk")
            .values_list("pk", "created_at")[:clocks]
        )
        chosen.sort(key=lambda row: row[1])
        groups: list[list[tuple[int, Any]]] = []
        for row in chosen:
            if groups and (row[1] - groups[-1][0][1]).total_seconds() <= GROUP_SECONDS:
                groups[-1].append(row)
            else:
                groups.append([row])
        for group in groups:
            tracking.update_clocks(
                [pk for pk, _at in group],
                now=group[-1][1] + timedelta(seconds=1),
                rematch=dict(group),
            )
        ids = [pk for pk, _at in chosen]
        state = Ticket.objects.filter(pk__in=ids)
        report["setup_seconds"] = round(time.perf_counter() - started, 1)
        report["setup_groups"] = len(groups)
        report["clocks"] = state.filter(sla_due_at__lte=now).count()
        report["categories"] = dict(
            sorted(state.values_list("status_category").annotate(n=Count("pk")).values_list("status_category", "n"))
        )
        report["setup_events"] = dict(
            sorted(
                (kind, TicketEvent.objects.filter(ticket_id__in=ids, kind=kind).count())
                for kind in ("sla.policy_applied", "sla.activated", "sla.warned", "sla.breached", "sla.fulfilled")
            )
        )
        assert report["clocks"] == len(ids) == clocks, report
        earliest = state.order_by("sla_due_at").values_list("sla_due_at", flat=True).first()
        assert earliest is not None
        report["plan"] = tracking.due_query(now).explain()  # the partial index ticket_sla_due, at full size
        print(f"  the due query's plan: {report['plan']}", flush=True)

        last_event = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        def digest() -> str:
            written = TicketEvent.objects.filter(pk__gt=last_event).values_list("ticket_id", "kind", "at", "data")
            found = sorted(
                (t, k, at.isoformat(), json.dumps(data, sort_keys=True)) for t, k, at, data in written.iterator()
            )
            columns = list(
                state.order_by("pk").values_list("pk", "sla_due_at", "sla_deadline_at", "sla_policy_id", "priority")
            )
            return hashlib.sha256(repr((found, columns)).encode()).hexdigest()[:16]

        def timed(at: Any, expect_tickets: int) -> tuple[float, float, int, tracking.Result]:
            point = transaction.savepoint()
            try:
                with CaptureQueriesContext(connection) as queries:
                    began, began_cpu = time.perf_counter(), time.process_time()
                    result = tracking.check_due(at)
                    cpu = (time.process_time() - began_cpu) * 1000
                    elapsed = (time.perf_counter() - began) * 1000
                assert result.tickets == expect_tickets, (result, expect_tickets)
                if "digest" not in report and expect_tickets:
                    report["digest"] = digest()
                    print(f"  digest of what the first run wrote: {report['digest']}", flush=True)
                return elapsed, cpu, len(queries), result
            finally:
                transaction.savepoint_rollback(point)

        due_times, due_cpu, due_queries = [], [], 0
        for run in range(due_runs + 1):
            elapsed, cpu, count, result = timed(now, clocks)
            print(
                f"  10,000 due, run {run}: {elapsed:,.0f} ms ({cpu:,.0f} ms CPU in this process), {count} queries, "
                f"{result.events} events",
                flush=True,
            )
            if run:
                due_times.append(elapsed)
                due_cpu.append(cpu)
            due_queries, events, kinds = count, result.events, dict(sorted(result.kinds.items()))
        idle_times, idle_cpu, idle_queries = [], [], 0
        quiet = earliest - timedelta(seconds=1)
        for run in range(idle_runs + 1):
            elapsed, cpu, idle_queries, _result = timed(quiet, 0)
            if run:
                idle_times.append(elapsed)
                idle_cpu.append(cpu)
        transaction.set_rollback(True)
    report["due"] = summary(
        DUE_ENTRY,
        due_times,
        cpu_p50_ms=round(statistics.median(due_cpu), 1),
        queries=due_queries,
        events=events,
        kinds=kinds,
        clocks=clocks,
        plan=report["plan"],
        target_ms=10_000,
    )
    report["idle"] = summary(
        IDLE_ENTRY,
        idle_times,
        cpu_p50_ms=round(statistics.median(idle_cpu), 2),
        queries=idle_queries,
        clocks=clocks,
        target_ms=100,
    )
    return report


def machine() -> str:
    cpus = os.cpu_count() or 0
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = round(int(line.split()[1]) / 1024 / 1024)
    load = os.getloadavg()[0]
    return f"{cpus} cores, {memory} GB, Python {sys.version.split()[0]}, load {load:.1f} at the start"


def run(tickets: int | None = None, *, due_runs: int = 5, idle_runs: int = 30, write: bool = True) -> dict[str, Any]:
    """Build (once) or reuse the benchmark database, measure in a child process, write the two entries."""
    from bench.results import PATH, write_entry
    from bench.serve_bench import bench_env, ensure_database
    from bench.serve_bench import run as run_python

    tickets = tickets or int(os.environ.get("BENCH_TICKETS", "1000000"))
    data = Path(os.environ.get("BENCH_DATA", ROOT / "var" / f"bench-{tickets}"))
    env = bench_env(data)
    ensure_database(tickets, data, env)
    run_python(env, "-m", "opsdesk.cli", "migrate", "-v0")  # a database cached before the latest migrations
    started_on = machine()
    child = subprocess.run(
        [sys.executable, __file__, "--measure", "--due-runs", str(due_runs), "--idle-runs", str(idle_runs)],
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
    for key in ("due", "idle"):
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
    print(
        f"SLA due check at {report['tickets']:,} tickets ({report['database']}): 10,000 due p50 "
        f"{report['due']['p50_ms']:,} ms (p95 {report['due']['p95_ms']:,}, {report['due']['queries']} queries, "
        f"{report['due']['events']:,} events); nothing due p50 {report['idle']['p50_ms']} ms "
        f"(p95 {report['idle']['p95_ms']}, {report['idle']['queries']} queries). Set-up {report['setup_seconds']} s "
        f"in {report['setup_groups']} consumer runs; tickets {report['categories']}; events {report['setup_events']}"
    )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--due-runs", type=int, default=5)
    parser.add_argument("--idle-runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.measure:
        report = measure(clocks=CLOCKS, due_runs=args.due_runs, idle_runs=args.idle_runs)
        print(json.dumps(report, default=str))
        return 0
    run(due_runs=args.due_runs, idle_runs=args.idle_runs, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
