#!/usr/bin/env python3
"""Analytics at a million tickets (`make bench`, `python bench/run.py analytics`).

On the HTTP benchmark's 1,000,000-ticket database (built once by bench/serve_bench.py in var/bench-<N>/, or
BENCH_DATA; PostgreSQL with DATABASE_URL):

- `rollup_rebuild` (seconds, target ≤ 300): `opsdesk analytics-rebuild` without a range, as a command in its own
  process: every ticket's KPI facts from its timeline, then every reporting day summed. It replaces derived data
  only and its result depends on the tickets alone, so it runs for real (not rolled back): the benchmark checks that
  the rollups afterwards are the same rows as before (a digest of the table), when there were any. Its phases (read
  and compute the facts, write them, sum the days) are timed by wrapping rollups' functions in the same process.
- `rollup_incremental_1000_events` (p50/p95/p99 ms, target ≤ 1,000): the KPI consumer's handler
  (`analytics.consumers.update_kpis`) on 1,000 new events written through the ticket actions: a live desk's mix of
  new tickets, agent replies (some setting pending), customer replies (which reopen pending tickets), notes,
  assignments, solves and a few reopens of tickets solved in the last week, on tickets the desk works on now
  (unsolved ones created in the last 30 days). The first 1,000 events in id order are handed over, as the consumer
  reads them. Each run inside a savepoint rolled back afterwards (the whole in one transaction rolled back), other
  tickets each run; the first run is a warm-up.
- `dashboard_90_days` (target p95 ≤ 200 ms) and `drilldown` (≤ 100 ms): GETs of the manager dashboard over 90 days
  (`/analytics/?period=90d`) and of the first-response-time drill-down (`/analytics/drill/frt/?period=90d`) from
  the production server, signed in as manager@opsdesk.example, with the serve_bench pattern; measured only when the
  pages exist (skipped with a note otherwise). The entry also holds first views of a cut (`first_view_*`: 90 days
  ending a day earlier each request) and of the exact figure the page loads after it shows (`exact_first_view_*`,
  none cached).

Entries go to bench/results.json (bench/results.postgresql.json on PostgreSQL) through bench/results.py.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REBUILD_ENTRY = "rollup_rebuild"
INCREMENTAL_ENTRY = "rollup_incremental_1000_events"
DASHBOARD_ENTRY = "dashboard_90_days"
DRILL_ENTRY = "drilldown"
DASHBOARD_URL = "/analytics/?period=90d"
DRILL_URL = "/analytics/drill/frt/?period=90d"
EVENTS = 1_000
# What a live desk does, by share of actions (the events per action vary: a new ticket writes several).
MIX = (
    ("new_ticket", 10),
    ("agent_reply", 25),
    ("reply_pending", 12),
    ("customer_reply", 15),
    ("note", 6),
    ("assign", 10),
    ("status_on_hold", 4),
    ("solve", 10),
    ("reply_solve", 6),
    ("reopen", 2),
)


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


class Phases:
    """Wall time spent in named module functions, by wrapping them in place (rollups calls its own helpers through
    module globals, so a wrapper sees every call); `calls` counts them, `args` keeps the first arguments."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: Counter[str] = Counter()
        self.args: dict[str, list[Any]] = {}

    def wrap(self, module: Any, name: str, keep_args: bool = False) -> None:
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - began
                self.calls[name] += 1
                if keep_args:
                    self.args.setdefault(name, []).append(args)

        setattr(module, name, timed)

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()
        self.args.clear()


def rollup_digest() -> tuple[int, str]:
    """(rows, a digest of analytics_rollup in key order): two rebuilds of the same tickets give the same."""
    import hashlib

    from django.db import connection

    found = hashlib.sha256()
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT day, measure, dim, "key", n, total, sketch FROM analytics_rollup ORDER BY dim, "key", measure, day'
        )
        while chunk := cursor.fetchmany(10_000):
            for day, measure, dim, key, n, total, sketch in chunk:
                text = (
                    sketch if isinstance(sketch, str) or sketch is None else json.dumps(sketch, separators=(",", ":"))
                )
                if isinstance(text, str):
                    text = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
                found.update(repr((str(day), measure, dim, key, int(n), int(total), text)).encode())
                rows += 1
    return rows, found.hexdigest()[:16]


# --- the rebuild, in its own process ------------------------------------------------------------------------------


def measure_rebuild() -> dict[str, Any]:
    """`analytics-rebuild` as the command runs it, with its phases timed; the digests before and after."""
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from opsdesk.analytics import rollups
    from opsdesk.tickets.models import Ticket

    before = rollup_digest()
    phases = Phases()
    for name in ("_compute", "_store", "sum_days"):
        phases.wrap(rollups, name)
    out = StringIO()
    began, began_cpu = time.perf_counter(), time.process_time()
    call_command("analytics_rebuild", stdout=out)
    seconds = time.perf_counter() - began
    cpu = time.process_time() - began_cpu
    after = rollup_digest()
    return {
        "database": connection.vendor,
        "tickets": Ticket.objects.count(),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "phases_seconds": {
            "compute_facts": round(phases.seconds.get("_compute", 0.0), 1),
            "store_facts": round(phases.seconds.get("_store", 0.0), 1),
            "sum_days": round(phases.seconds.get("sum_days", 0.0), 1),
        },
        "sum_days_calls": phases.calls["sum_days"],
        "output": out.getvalue().strip(),
        "rollup_rows": after[0],
        "digest": after[1],
        "digest_before": before[1] if before[0] else None,
        "same_rows_as_before": (before == after) if before[0] else None,
    }


# --- the incremental update -------------------------------------------------------------------------------------


class Desk:
    """Writes a live desk's mix of actions through tickets.actions on the tickets an agent works on now."""

    def __init__(self, seed: int) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from opsdesk.accounts.models import Role, User
        from opsdesk.customers.models import Customer
        from opsdesk.people.models import Team, TeamMembership
        from opsdesk.tickets import actions
        from opsdesk.tickets.models import Ticket

        self.rng = random.Random(seed)
        self.actions = actions
        self.Ticket = Ticket
        now = timezone.now()
        self.statuses = {c: actions.default_status(c) for c in ("open", "pending", "on_hold", "solved")}
        self.teams = list(Team.objects.order_by("pk"))
        self.agents: dict[int | None, list[User]] = {}
        for membership in TeamMembership.objects.filter(
            access=TeamMembership.Access.FULL, user__role__in=[Role.AGENT, Role.TEAM_LEAD], user__is_active=True
        ).select_related("user"):
            self.agents.setdefault(membership.team_id, []).append(membership.user)
        self.agents[None] = [a for team in self.agents.values() for a in team]
        self.customers = list(Customer.objects.filter(merged_into__isnull=True).order_by("pk")[:5000])
        recent = Ticket.objects.filter(merged_into__isnull=True, created_at__gte=now - timedelta(days=30))
        pick = self.rng.sample

        def ids(query: Any, count: int) -> list[int]:
            found = list(query.values_list("pk", flat=True))
            return pick(found, min(count, len(found)))

        self.pools: dict[str, list[int]] = {
            "unanswered": ids(recent.filter(status_category__in=["new", "open"]), 600),
            "pending": ids(recent.filter(status_category="pending"), 300),
            "working": ids(recent.filter(status_category__in=["new", "open", "on_hold"]), 600),
            "solved": ids(Ticket.objects.filter(status_category="solved", solved_at__gte=now - timedelta(days=7)), 100),
        }
        self.counts: Counter[str] = Counter()

    def _ticket(self, pool: str) -> Any:
        tickets = self.pools[pool]
        if not tickets:
            return None
        return self.Ticket.objects.select_related("status", "requester").get(pk=tickets.pop())

    def _agent(self, ticket: Any) -> Any:
        return self.rng.choice(self.agents.get(ticket.team_id) or self.agents[None])

    def act(self) -> None:
        from opsdesk.core.errors import ActionError

        a, rng = self.actions, self.rng
        kind = rng.choices([k for k, _w in MIX], weights=[w for _k, w in MIX])[0]
        text = f"Benchmark {kind} {rng.randrange(10**6)}: please check the order and the invoice again."
        try:
            if kind == "new_ticket":
                team = rng.choice(self.teams)
                a.create_ticket(
                    subject="Where is my order?",
                    body=text,
                    actor=None,
                    requester=rng.choice(self.customers),
                    channel=rng.choice(["email", "email", "web", "chat", "portal"]),
                    team=team,
                    priority=rng.choice(["normal", "normal", "normal", "high", "low"]),
                )
            elif kind in ("agent_reply", "reply_pending", "reply_solve"):
                ticket = self._ticket("unanswered" if kind != "reply_solve" else "working")
                if ticket is None:
                    return
                status = {"reply_pending": "pending", "reply_solve": "solved"}.get(kind)
                a.reply_to_ticket(
                    ticket, body=text, actor=self._agent(ticket), status=self.statuses[status] if status else None
                )
            elif kind == "customer_reply":
                ticket = self._ticket("pending")
                if ticket is None:
                    return
                a.add_customer_reply(ticket, body=text, customer=ticket.requester, actor=None, channel="email")
            elif kind == "note":
                ticket = self._ticket("working")
                if ticket is None:
                    return
                a.add_note(ticket, body=text, actor=self._agent(ticket))
            elif kind == "assign":
                ticket = self._ticket("unanswered")
                if ticket is None:
                    return
                a.assign_ticket(ticket, assignee=self._agent(ticket), actor=self._agent(ticket))
            elif kind in ("status_on_hold", "solve"):
                ticket = self._ticket("working")
                if ticket is None:
                    return
                target = self.statuses["on_hold" if kind == "status_on_hold" else "solved"]
                a.change_status(ticket, status=target, actor=self._agent(ticket))
            elif kind == "reopen":
                ticket = self._ticket("solved")
                if ticket is None:
                    return
                a.add_customer_reply(ticket, body=text, customer=ticket.requester, actor=None, channel="email")
        except ActionError:  # a ticket another step already moved on: no event, nothing counted
            return
        self.counts[kind] += 1


def measure_incremental(runs: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from opsdesk.analytics import rollups
    from opsdesk.analytics.consumers import update_kpis
    from opsdesk.analytics.models import DirtyDay
    from opsdesk.tickets.models import Ticket, TicketEvent

    report: dict[str, Any] = {"database": connection.vendor, "tickets": Ticket.objects.count()}
    phases = Phases()
    phases.wrap(rollups, "_refresh")
    phases.wrap(rollups, "sum_measures", keep_args=True)
    phases.wrap(rollups, "sum_dirty")
    times: list[float] = []
    cpu: list[float] = []
    details: list[dict[str, Any]] = []
    with transaction.atomic():
        assert not DirtyDay.objects.exists(), "the KPI consumer is behind: run analytics-rebuild first"
        for run in range(runs + 1):
            point = transaction.savepoint()
            last = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            desk = Desk(seed=run)
            written = time.perf_counter()
            while TicketEvent.objects.filter(pk__gt=last).count() < EVENTS:
                for _ in range(20):
                    desk.act()
            written = time.perf_counter() - written
            events = list(TicketEvent.objects.filter(pk__gt=last).order_by("pk")[:EVENTS])
            phases.reset()
            with CaptureQueriesContext(connection) as queries:
                began, began_cpu = time.perf_counter(), time.process_time()
                update_kpis(events)
                spent = (time.process_time() - began_cpu) * 1000
                elapsed = (time.perf_counter() - began) * 1000
            assert not DirtyDay.objects.exists()
            if run in (0, runs):
                report["checked_days"] = same_as_summed_again(31)
            changed: dict[Any, set[str]] = {}
            for (found,) in phases.args.get("sum_measures", []):
                for day, measures in found.items():
                    changed.setdefault(day, set()).update(measures)
            days = len(changed)
            detail = {
                "ms": round(elapsed, 1),
                "cpu_ms": round(spent, 1),
                "queries": len(queries),
                "tickets": len({e.ticket_id for e in events}),
                "refresh_ms": round(phases.seconds.get("_refresh", 0.0) * 1000, 1),
                "sums_ms": round(
                    (phases.seconds.get("sum_measures", 0.0) + phases.seconds.get("sum_dirty", 0.0)) * 1000, 1
                ),
                "changed_days": days,
                "changed_day_measures": sum(len(m) for m in changed.values()),
                "kinds": dict(Counter(e.kind for e in events).most_common()),
                "actions": dict(desk.counts.most_common()),
                "writing_s": round(written, 1),
            }
            print(
                f"  run {run}: {elapsed:,.0f} ms ({spent:,.0f} ms CPU), {len(queries)} queries, "
                f"{detail['tickets']} tickets, refresh {detail['refresh_ms']:,.0f} ms, "
                f"sums {detail['sums_ms']:,.0f} ms of {detail['changed_day_measures']} measures on {days} days "
                f"(writing the events took {written:.1f} s)",
                flush=True,
            )
            if run:
                times.append(elapsed)
                cpu.append(spent)
                details.append(detail)
            transaction.savepoint_rollback(point)
        transaction.set_rollback(True)
    last_run = details[-1]
    report["entry"] = summary(
        INCREMENTAL_ENTRY,
        times,
        cpu_p50_ms=round(statistics.median(cpu), 1),
        queries=max(d["queries"] for d in details),
        events=EVENTS,
        tickets_p50=statistics.median(d["tickets"] for d in details),
        refresh_p50_ms=round(statistics.median(d["refresh_ms"] for d in details), 1),
        sums_p50_ms=round(statistics.median(d["sums_ms"] for d in details), 1),
        changed_days_p50=statistics.median(d["changed_days"] for d in details),
        changed_day_measures_p50=statistics.median(d["changed_day_measures"] for d in details),
        checked_rollup_rows=report.pop("checked_days"),
        kinds_last_run=last_run["kinds"],
        actions_last_run=last_run["actions"],
        target_ms=1_000,
    )
    return report


def same_as_summed_again(days: int) -> int:
    """After an update: the stored rollups of the last `days` reporting days are the rows summing those days from
    the facts again gives (what a rebuild stores); returns the rows compared."""
    from datetime import timedelta

    from opsdesk.analytics import periods, rollups
    from opsdesk.analytics.models import Rollup

    end = periods.today()
    start = end - timedelta(days=days - 1)

    def normal(day: Any, measure: str, dim: str, key: str, n: int, total: int, sketch: Any) -> tuple[Any, ...]:
        loaded = json.loads(sketch) if isinstance(sketch, str) else sketch
        return (str(day), measure, dim, key, int(n), int(total), json.dumps(loaded, sort_keys=True))

    stored = sorted(
        normal(*row)
        for row in Rollup.objects.filter(day__range=(start, end)).values_list(
            "day", "measure", "dim", "key", "n", "total", "sketch"
        )
    )
    fresh = sorted(normal(*row) for row in rollups.collect(start, end).rows())
    assert stored == fresh, "the consumer's rollups differ from the days summed again"
    return len(stored)


# --- over HTTP ----------------------------------------------------------------------------------------------------


def measure_pages(env: dict[str, str], requests_per: int) -> dict[str, Any]:
    """The dashboard and the drill-down from the production server, signed in as the manager; `skipped` when the
    pages are not there yet (a 404 on the dashboard)."""
    from datetime import UTC, datetime, timedelta

    import requests

    from bench.serve_bench import free_port, measure, peak_rss_mb, sign_in

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "opsdesk.cli", "serve", "--port", str(port)], env=env, cwd=ROOT)
    try:
        for _ in range(600):
            try:
                requests.get(base + "/health/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        manager = sign_in(base, "manager@opsdesk.example")
        probe = manager.get(base + DASHBOARD_URL, timeout=120)
        if probe.status_code == 404:
            return {"skipped": f"{DASHBOARD_URL} answers 404: the dashboard is not in this branch yet"}

        def get(url: str) -> Callable[[int], requests.Response]:
            return lambda _i: manager.get(base + url, timeout=120)

        found: dict[str, Any] = {
            "dashboard": measure(DASHBOARD_ENTRY, get(DASHBOARD_URL), count=requests_per),
            "drill": measure(DRILL_ENTRY, get(DRILL_URL), count=requests_per),
        }
        # First views of a cut (none cached): the same 90 days, a day earlier each time. The page shows the
        # tickets at once and loads the exact median/p90/mean after it (analytics:drill_exact, kept a minute per
        # cut), so both are measured: the page, and the exact figure of a cut asked for the first time.
        last = datetime.now(UTC).date() - timedelta(days=1)

        def span(i: int, offset: int) -> str:
            end = last - timedelta(days=i + offset if i >= 0 else -i)
            return f"start={end - timedelta(days=89)}&end={end}"

        def first_view(i: int) -> requests.Response:
            return manager.get(f"{base}/analytics/drill/frt/?{span(i, 10)}", timeout=120)

        def first_exact(i: int) -> requests.Response:
            return manager.get(f"{base}/analytics/drill/frt/exact/?{span(i, 200)}", timeout=120)

        count = max(10, requests_per // 4)
        first = measure(DRILL_ENTRY + "_first_view", first_view, count=count)
        exact = measure(DRILL_ENTRY + "_exact_first_view", first_exact, count=count)
        found["dashboard"].update(url=DASHBOARD_URL, target_p95_ms=200)
        found["drill"].update(
            url=DRILL_URL,
            target_p95_ms=100,
            first_view_p50_ms=first["p50_ms"],
            first_view_p95_ms=first["p95_ms"],
            first_view_p99_ms=first["p99_ms"],
            first_view_requests=first["requests"],
            exact_first_view_p50_ms=exact["p50_ms"],
            exact_first_view_p95_ms=exact["p95_ms"],
            exact_first_view_p99_ms=exact["p99_ms"],
        )
        found["server_peak_rss_mb"] = peak_rss_mb(server.pid)
        return found
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


# --- the whole benchmark ------------------------------------------------------------------------------------------


def _child(env: dict[str, str], *args: str) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        timeout=7200,
    )
    lines = child.stdout.strip().splitlines()
    if lines[:-1]:
        print("\n".join(lines[:-1]), flush=True)
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def run(
    tickets: int | None = None,
    *,
    runs: int = 20,
    requests_per: int = 100,
    parts: tuple[str, ...] = ("rebuild", "incremental", "pages"),
    write: bool = True,
) -> dict[str, dict[str, Any]]:
    """Build (once) or reuse the benchmark database, measure each part in a child process, write the entries."""
    from bench.results import PATH, write_entry
    from bench.serve_bench import bench_env, ensure_database
    from bench.serve_bench import run as run_python
    from bench.sla_scan import machine

    tickets = tickets or int(os.environ.get("BENCH_TICKETS", "1000000"))
    data = Path(os.environ.get("BENCH_DATA", ROOT / "var" / f"bench-{tickets}"))
    env = bench_env(data)
    ensure_database(tickets, data, env)
    run_python(env, "-m", "opsdesk.cli", "migrate", "-v0")
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    path = PATH.with_name("results.postgresql.json") if database == "postgresql" else PATH
    entries: dict[str, dict[str, Any]] = {}

    def stamp(entry: dict[str, Any], count: int, started_on: str) -> dict[str, Any]:
        entry.update(
            {
                "database": database,
                "tickets": count,
                "machine": started_on,
                "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            }
        )
        if write:
            write_entry(entry, path)
        entries[entry["name"]] = entry
        return entry

    if "rebuild" in parts:
        started_on = machine()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        report = _child(env, "--rebuild")
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        entry = {
            "name": REBUILD_ENTRY,
            "seconds": round(wall, 1),
            "seconds_in_rebuild": report["seconds"],
            "cpu_seconds": report["cpu_seconds"],
            "process_cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
            "phases_seconds": report["phases_seconds"],
            "sum_days_calls": report["sum_days_calls"],
            "rollup_rows": report["rollup_rows"],
            "digest": report["digest"],
            "same_rows_as_before": report["same_rows_as_before"],
            "output": report["output"],
            "target_seconds": 300,
        }
        stamp(entry, report["tickets"], started_on)
        print(
            f"analytics-rebuild at {report['tickets']:,} tickets ({database}): {wall:,.1f} s (the rebuild itself "
            f"{report['seconds']:,.1f} s, {report['cpu_seconds']:,.1f} s CPU; phases {report['phases_seconds']}); "
            f"{report['rollup_rows']:,} rollup rows, same as before: {report['same_rows_as_before']}",
            flush=True,
        )
    if "incremental" in parts:
        started_on = machine()
        report = _child(env, "--incremental", str(runs))
        entry = stamp(report["entry"], report["tickets"], started_on)
        print(
            f"KPI consumer on {EVENTS:,} events at {report['tickets']:,} tickets ({database}): p50 {entry['p50_ms']:,} "
            f"ms, p95 {entry['p95_ms']:,}, p99 {entry['p99_ms']:,} ({entry['queries']} queries; refresh p50 "
            f"{entry['refresh_p50_ms']:,} ms, sums p50 {entry['sums_p50_ms']:,} ms of "
            f"{entry['changed_day_measures_p50']} measures on {entry['changed_days_p50']} days)",
            flush=True,
        )
    if "pages" in parts:
        # the pages' scripts (Chart.js) may be newer than the database's collected static files
        run_python(env, "-m", "opsdesk.cli", "collectstatic")
        started_on = machine()
        found = measure_pages(env, requests_per)
        if "skipped" in found:
            print(f"dashboard and drill-down not measured: {found['skipped']}", flush=True)
        else:
            count = int(run_python(env, "-c", COUNT).strip().splitlines()[-1])
            for key in ("dashboard", "drill"):
                found[key]["server_peak_rss_mb"] = found["server_peak_rss_mb"]
                stamp(found[key], count, started_on)
    return entries


COUNT = "import django; django.setup(); from opsdesk.tickets.models import Ticket; print(Ticket.objects.count())"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--incremental", type=int, metavar="RUNS", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of the incremental update (default 20)")
    parser.add_argument("--requests", type=int, default=100, help="requests per page (default 100)")
    parser.add_argument(
        "--only", choices=["rebuild", "incremental", "pages"], action="append", help="measure only these parts"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.rebuild:
        print(json.dumps(measure_rebuild(), default=str))
        return 0
    if args.incremental is not None:
        print(json.dumps(measure_incremental(args.incremental), default=str))
        return 0
    parts = tuple(args.only) if args.only else ("rebuild", "incremental", "pages")
    run(runs=args.runs, requests_per=args.requests, parts=parts, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
