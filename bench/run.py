#!/usr/bin/env python3
"""OpsDesk benchmarks (`make bench`): not part of `make test`; figures go to bench/results.json and bench/out/.

    python bench/run.py [all|seed|http|chat|business_time|sla|automation|analytics]

- seed: the demo seeder on a fresh SQLite database, three runs of 100,000 tickets (tickets per second).
- http: the production server on a database of BENCH_TICKETS tickets (default 1,000,000), built once with the seeder
  in var/bench-<N>/ (BENCH_DATA overrides) and reused, driven over HTTP from this process (bench/serve_bench.py).
  With DATABASE_URL set, the same runs on PostgreSQL and writes bench/results.postgresql.json.
- chat: live chat delivery with 1,000 idle widget streams held by one server process (bench/chat_delivery.py),
  entry `chat_delivery` (p50/p95/p99 ms, connections, the server's peak RSS); always on SQLite.
- business_time: mixed business-time calls on a calendar with Finnish holidays (bench/business_time.py), entry
  `business_time` (`per_second`); no database.
- sla: the minutely SLA due check on the http benchmark's database (bench/sla_scan.py): 10,000 clocks due and nothing
  due, entries `sla_scan_10000_due` and `sla_scan_nothing_due` (p50/p95/p99 ms); PostgreSQL with DATABASE_URL.
- automation: 200 trigger rules per ticket update and 10,000 time rules due on the http benchmark's database
  (bench/automation_rules.py), entries `rules_200_per_event` and `time_rules_10000_due`.
- analytics: on the http benchmark's database (bench/analytics.py): the full `opsdesk analytics-rebuild`
  (`rollup_rebuild`, seconds), the KPI consumer on 1,000 events written through the ticket actions
  (`rollup_incremental_1000_events`), and over HTTP the manager's dashboard over 90 days (`dashboard_90_days`) and a
  drill-down (`drilldown`); PostgreSQL with DATABASE_URL.
- quality: on the http benchmark's database with 300,000 survey answers and 50,000 QA reviews added by
  `opsdesk seed-feedback` (bench/quality.py): the quality dashboard as a lead and as the manager (`qa_dashboard`,
  `survey_dashboard`) and a week's QA sample for 200 agents (`qa_sample_week_200_agents`); PostgreSQL with
  DATABASE_URL.
- workforce: no database (bench/workforce.py): Erlang C for a week of half hours in 20 queues
  (`erlang_week_20_queues`) and a Holt-Winters fit on two years of hourly data (`holt_winters_fit_2y`).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import analytics, automation_rules, business_time, chat_delivery, quality, sla_scan, workforce  # noqa: E402
from bench.serve_bench import http_benchmark, table  # noqa: E402
from opsdesk.tests.demo_server import demo_env, opsdesk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SEED_ENTRY = "seed_demo_tickets_per_second"


def seed_once(tickets: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="opsdesk-bench-") as data:
        env = demo_env(Path(data))
        env.pop("OPSDESK_FAST_HASHER")  # measure the real password hashing of the demo logins too
        opsdesk(env, "migrate", "-v0")
        started = time.perf_counter()
        output = opsdesk(env, "seed-demo", "--tickets", str(tickets), "--no-sla-clocks")  # the seeder alone
        wall = time.perf_counter() - started
        found = re.search(r"Seeded (\d+) tickets, (\d+) messages, (\d+) events", output)
        assert found, output
        size = sum(p.stat().st_size for p in Path(data).glob("opsdesk.sqlite3*"))
        return {"seconds": wall, "tickets": int(found[1]), "db_mb": size / 1e6}


def seed_entry(previous: dict[str, Any] | None, small: int) -> dict[str, Any]:
    runs = [seed_once(small) for _ in range(3)]
    rates = sorted(r["tickets"] / r["seconds"] for r in runs)
    entry = dict(previous or {})
    entry.update(
        {
            "name": SEED_ENTRY,
            "tickets_per_second_median": round(statistics.median(rates)),
            "runs_at": small,
            "runs": [round(r) for r in rates],
            "database_mb_at_runs": round(statistics.median(r["db_mb"] for r in runs)),
        }
    )
    return entry


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else "all"
    known = ("all", "seed", "http", "chat", "business_time", "sla", "automation", "analytics", "quality", "workforce")
    if mode not in known:
        modes = "|".join(known)
        print(f"usage: bench/run.py [{modes}]", file=sys.stderr)
        return 2
    tickets = int(os.environ.get("BENCH_TICKETS", "1000000"))
    requests_per = int(os.environ.get("BENCH_REQUESTS", "200"))
    postgres = bool(os.environ.get("DATABASE_URL"))
    path = ROOT / "bench" / ("results.postgresql.json" if postgres else "results.json")
    results = json.loads(path.read_text()) if path.exists() else {}
    entries = {r["name"]: r for r in results.get("results", [])}
    OUT.mkdir(exist_ok=True)
    if mode in ("all", "seed") and not postgres:
        entries[SEED_ENTRY] = seed_entry(entries.get(SEED_ENTRY), min(tickets, 100_000))
        print(f"seed-demo: {entries[SEED_ENTRY]['tickets_per_second_median']:,} tickets/s (median of 3 at 100k)")
    if mode in ("all", "http"):
        report = http_benchmark(tickets, requests_per=requests_per)
        seeded = report.pop("seeded")
        if seeded and seeded["match"]:
            made, messages, events = (int(x) for x in seeded["match"])
            entries.setdefault(SEED_ENTRY, {"name": SEED_ENTRY}).update(
                {
                    "tickets_per_second_at_full_size": round(made / seeded["seconds"]),
                    "full_size": made,
                    "messages": messages,
                    "events": events,
                    "seconds_at_full_size": round(seeded["seconds"], 1),
                }
            )
        for entry in report["results"]:
            entries[entry["name"]] = entry
        results.update(
            {
                "database": report["database"],
                "tickets": report["tickets"],
                "server_peak_rss_mb": report["server_peak_rss_mb"],
                "load_average": report["load_average"],
            }
        )
        markdown = table(report)
        (OUT / f"http-{report['database']}.md").write_text(markdown)
        (OUT / f"http-{report['database']}.json").write_text(json.dumps(report, indent=2) + "\n")
        print(markdown)
    if mode in ("all", "chat") and not postgres:
        entries["chat_delivery"] = chat_delivery.run()
        chat = entries["chat_delivery"]
        print(f"chat delivery: p95 {chat['p95_ms']} ms with {chat['connections']} streams, {chat['peak_rss_mb']} MB")
    if mode in ("all", "business_time") and not postgres:
        entries[business_time.ENTRY] = business_time.run()
        print(f"business time: {entries[business_time.ENTRY]['per_second']:,} calls/s")
    if mode in ("all", "sla"):
        report = sla_scan.run(tickets, write=False)
        entries[sla_scan.DUE_ENTRY], entries[sla_scan.IDLE_ENTRY] = report["due"], report["idle"]
    if mode in ("all", "automation"):
        report = automation_rules.run(tickets, write=False)
        entries[automation_rules.PER_EVENT_ENTRY] = report["per_event"]
        entries[automation_rules.DUE_ENTRY] = report["due"]
    if mode in ("all", "analytics"):
        # each entry is written as soon as it is measured (a rebuild takes minutes), then kept here too
        entries.update(analytics.run(tickets, requests_per=requests_per))
    if mode in ("all", "quality"):
        entries.update(quality.run(tickets, requests_per=requests_per))
    if mode in ("all", "workforce") and not postgres:  # no database: the arithmetic and the fit alone
        entries.update(workforce.run(write=False))
    results.setdefault("database", "postgresql" if postgres else "sqlite")
    results["results"] = list(entries.values())
    path.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
