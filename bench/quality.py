#!/usr/bin/env python3
"""Surveys and QA at a million tickets (`make bench`, `python bench/run.py quality`).

On the HTTP benchmark's 1,000,000-ticket database (built once by bench/serve_bench.py in var/bench-<N>/, or
BENCH_DATA; PostgreSQL with DATABASE_URL), with 300,000 survey answers and 50,000 QA reviews added once by
`opsdesk seed-feedback` (quality/seeding.py: the rows and events the actions write; a marker file records it):

- `qa_dashboard` and `survey_dashboard` (target p95 ≤ 200 ms): the quality dashboard is one page with IQS and the
  survey figures (CSAT, NPS, CES, response rate), their eight-week trends, per-agent figures and the rising and
  falling comment topics. `qa_dashboard` is the page a QA lead opens, signed in as the Finnish team's lead
  (lead.fi@: their team's tickets only) over the default 30 days; `survey_dashboard` is the manager's (every
  ticket) over 90 days. GETs from the production server with the serve_bench pattern; the page keeps its figures a
  minute per scope (ADR 0036), so `first_view_*` are measured too: the figures computed afresh in a process of
  their own, the cache cleared before each of 10 runs.
- `qa_sample_week_200_agents` (target ≤ 2 s): `draw_sample` of a week (the random quota of 4 per agent, every
  targeted pool) with the week's public agent replies spread over 200 agents (180 added through the account
  actions), in one transaction rolled back at the end; each of the last 10 complete weeks drawn once inside a
  savepoint rolled back, after a warm-up draw of an eleventh.

Entries go to bench/results.json (bench/results.postgresql.json on PostgreSQL) through bench/results.py.
"""

from __future__ import annotations

import argparse
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
from bench.analytics import pct, summary  # noqa: E402

QA_ENTRY = "qa_dashboard"
SURVEY_ENTRY = "survey_dashboard"
SAMPLE_ENTRY = "qa_sample_week_200_agents"
QA_URL = "/quality/dashboard/"
SURVEY_URL = "/quality/dashboard/?days=90"
ANSWERS, REVIEWS = 300_000, 50_000
AGENTS = 200
WEEKS = 10


def ensure_feedback(env: dict[str, str], data: Path) -> dict[str, Any] | None:
    """Add the answers and reviews once; the figures of the run that added them."""
    from bench.serve_bench import run as run_python

    marker = data / f"feedback-{ANSWERS}-{REVIEWS}"
    if marker.exists():
        return None
    began = time.perf_counter()
    output = run_python(env, "-m", "opsdesk.cli", "seed-feedback", "--answers", str(ANSWERS), "--reviews", str(REVIEWS))
    seconds = time.perf_counter() - began
    marker.write_text(output)
    return {"seconds": round(seconds, 1), "output": output.strip()}


def measure_sample() -> dict[str, Any]:
    """In a process set up for the benchmark database: 200 agents, ten weeks drawn, everything rolled back."""
    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from opsdesk.accounts import actions as account_actions
    from opsdesk.accounts.models import Role, User
    from opsdesk.quality.actions import samples
    from opsdesk.quality.models import SampleItem, Scorecard
    from opsdesk.tickets.models import Message

    card = Scorecard.objects.get(name="Support conversations")
    admin = User.objects.get(email="admin@opsdesk.example")
    reviewers = list(User.objects.filter(email__in=["lead.fi@opsdesk.example", "manager@opsdesk.example"]))
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    weeks = [this_monday - timedelta(weeks=k) for k in range(1, WEEKS + 2)]  # the last one is the warm-up
    times: list[float] = []
    drawn: list[dict[str, Any]] = []
    with transaction.atomic():
        staff = list(User.objects.filter(role__in=[Role.AGENT, Role.TEAM_LEAD]).order_by("pk"))
        for n in range(AGENTS - len(staff)):
            staff.append(
                account_actions.create_user(
                    send_password_link=False,
                    email=f"bench-agent{n}@opsdesk.example",
                    name=f"Bench Agent {n}",
                    role=Role.AGENT,
                    password="bench-agent-password",
                    language="en",
                    time_zone="Europe/Helsinki",
                    actor=admin,
                )
            )
        ids = [user.pk for user in staff[:AGENTS]]
        begin, _end = samples.window(weeks[-1], "Europe/Helsinki")
        # Each ticket's public agent replies become one agent's, spread evenly: 200 agents, each with a week's work.
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE bench_agents (k integer PRIMARY KEY, agent bigint)")
            cursor.executemany("INSERT INTO bench_agents VALUES (%s, %s)", list(enumerate(ids)))
            cursor.execute(
                f"UPDATE {Message._meta.db_table} SET author_user_id = (SELECT agent FROM bench_agents "
                f"WHERE k = {Message._meta.db_table}.ticket_id %% %s) WHERE author_role = 'agent' "
                "AND visibility = 'public' AND author_user_id IS NOT NULL "
                "AND ticket_id IN (SELECT id FROM tickets_ticket WHERE solved_at >= %s)",
                [len(ids), begin - timedelta(days=1)],
            )
            spread = cursor.rowcount
        for k, starts in enumerate(reversed(weeks)):
            sid = transaction.savepoint()
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                cycle = samples.draw_sample(
                    card, starts=starts, actor=reviewers[0], reviewers=reviewers, zone="Europe/Helsinki"
                )
                elapsed = (time.perf_counter() - began) * 1000
            items = list(SampleItem.objects.filter(cycle=cycle).values_list("agent_id", "reason"))
            if k:  # the first is the warm-up
                times.append(elapsed)
                reasons: dict[str, int] = {}
                for _agent, reason in items:
                    reasons[reason] = reasons.get(reason, 0) + 1
                drawn.append(
                    {
                        "week": starts.isoformat(),
                        "ms": round(elapsed, 1),
                        "tickets": len(items),
                        "agents": len({agent for agent, _r in items}),
                        "reasons": reasons,
                        "queries": len(queries),
                    }
                )
            transaction.savepoint_rollback(sid)
        transaction.set_rollback(True)
    return summary(
        SAMPLE_ENTRY,
        times,
        weeks=drawn,
        agents=AGENTS,
        replies_spread=spread,
        target_ms=2000,
    )


def measure_cold(runs: int = 10) -> dict[str, Any]:
    """In a process set up for the benchmark database: the dashboard's figures computed afresh (the cache cleared
    before each run), as the first reader of a scope, period and day meets them."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.utils import timezone

    from opsdesk.accounts.models import User
    from opsdesk.quality import dashboard

    found = {}
    for entry, email, days in (
        (QA_ENTRY, "lead.fi@opsdesk.example", 30),
        (SURVEY_ENTRY, "manager@opsdesk.example", 90),
    ):
        user = User.objects.get(email=email)
        times = []
        for _ in range(runs + 1):
            cache.clear()
            began = time.perf_counter()
            dashboard.page(user, days=days, zone=user.time_zone, today=timezone.localdate())
            times.append((time.perf_counter() - began) * 1000)
        times = times[1:]  # the first is a warm-up
        found[entry] = {
            "first_view_p50_ms": round(statistics.median(times), 1),
            "first_view_p95_ms": pct(times, 95),
            "first_view_runs_ms": [round(t, 1) for t in times],
        }
    return found


def measure_pages(env: dict[str, str], requests_per: int) -> dict[str, Any]:
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
        lead = sign_in(base, "lead.fi@opsdesk.example")
        manager = sign_in(base, "manager@opsdesk.example")
        qa = measure(QA_ENTRY, lambda _i: lead.get(base + QA_URL, timeout=120), count=requests_per)
        survey = measure(SURVEY_ENTRY, lambda _i: manager.get(base + SURVEY_URL, timeout=120), count=requests_per)
        qa.update(url=QA_URL, reader="lead.fi@opsdesk.example", target_p95_ms=200)
        survey.update(url=SURVEY_URL, reader="manager@opsdesk.example", target_p95_ms=200)
        rss = peak_rss_mb(server.pid)
        for entry in (qa, survey):
            entry["server_peak_rss_mb"] = rss
        return {"qa": qa, "survey": survey}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


COUNTS = (
    "import django; django.setup(); import json; from opsdesk.tickets.models import Ticket; "
    "from opsdesk.quality.models import Review, SurveyRequest; print(json.dumps({'tickets': Ticket.objects.count(), "
    "'answers': SurveyRequest.objects.filter(rating__isnull=False).count(), 'reviews': Review.objects.count()}))"
)


def run(
    tickets: int | None = None,
    *,
    requests_per: int = 100,
    parts: tuple[str, ...] = ("pages", "cold", "sample"),
    write: bool = True,
) -> dict[str, dict[str, Any]]:
    from bench.results import PATH, write_entry
    from bench.serve_bench import bench_env, ensure_database
    from bench.serve_bench import run as run_python
    from bench.sla_scan import machine

    tickets = tickets or int(os.environ.get("BENCH_TICKETS", "1000000"))
    data = Path(os.environ.get("BENCH_DATA", ROOT / "var" / f"bench-{tickets}"))
    env = bench_env(data)
    ensure_database(tickets, data, env)
    run_python(env, "-m", "opsdesk.cli", "migrate", "-v0")
    seeded = ensure_feedback(env, data)
    if seeded:
        print(f"seed-feedback: {seeded['output']}", flush=True)
    counts = json.loads(run_python(env, "-c", COUNTS).strip().splitlines()[-1])
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    path = PATH.with_name("results.postgresql.json") if database == "postgresql" else PATH
    entries: dict[str, dict[str, Any]] = {}

    def stamp(entry: dict[str, Any], started_on: str) -> None:
        entry.update(
            {
                "database": database,
                **counts,
                "machine": started_on,
                "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            }
        )
        if seeded:
            entry["seed_feedback_seconds"] = seeded["seconds"]
        if write:
            write_entry(entry, path)
        entries[entry["name"]] = entry
        print(
            f"{entry['name']} ({database}, {counts['tickets']:,} tickets, {counts['answers']:,} answers, "
            f"{counts['reviews']:,} reviews): p50 {entry['p50_ms']:,} ms, p95 {entry['p95_ms']:,}, "
            f"p99 {entry['p99_ms']:,}",
            flush=True,
        )

    if "pages" in parts:
        run_python(env, "-m", "opsdesk.cli", "collectstatic")
        started_on = machine()
        found = measure_pages(env, requests_per)
        stamp(found["qa"], started_on)
        stamp(found["survey"], started_on)
    if "cold" in parts:
        child = subprocess.run(
            [sys.executable, __file__, "--cold"], env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
        )
        cold = json.loads(child.stdout.strip().splitlines()[-1])
        saved = json.loads(path.read_text()) if path.exists() else {}
        known = {r["name"]: r for r in saved.get("results", [])} | entries
        for name, figures in cold.items():
            entry = dict(known.get(name, {"name": name}))
            entry.update(figures)
            if write:
                write_entry(entry, path)
            entries[name] = entry
            print(
                f"{name} first view ({database}): p50 {figures['first_view_p50_ms']:,} ms, p95 "
                f"{figures['first_view_p95_ms']:,}",
                flush=True,
            )
    if "sample" in parts:
        started_on = machine()
        child = subprocess.run(
            [sys.executable, __file__, "--sample"], env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
        )
        stamp(json.loads(child.stdout.strip().splitlines()[-1]), started_on)
    return entries


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sample", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=100, help="requests per page (default 100)")
    parser.add_argument("--only", choices=["pages", "cold", "sample"], action="append", help="measure only these parts")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.sample:
        print(json.dumps(measure_sample(), default=str))
        return 0
    if args.cold:
        print(json.dumps(measure_cold(), default=str))
        return 0
    parts = tuple(args.only) if args.only else ("pages", "cold", "sample")
    run(requests_per=args.requests, parts=parts, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
