#!/usr/bin/env python3
"""OpsDesk benchmarks (`make bench`): not part of `make test`; figures go to bench/results.json.

Today: the demo seeder on a fresh SQLite database, `--tickets N` (default 1,000,000; BENCH_TICKETS overrides),
run three times at a smaller size for a spread, once at N.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from opsdesk.tests.demo_server import demo_env, opsdesk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
OUT = ROOT / "bench" / "out"


def seed_once(tickets: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="opsdesk-bench-") as data:
        env = demo_env(Path(data))
        env.pop("OPSDESK_FAST_HASHER")  # measure the real password hashing of the demo logins too
        opsdesk(env, "migrate", "-v0")
        started = time.perf_counter()
        output = opsdesk(env, "seed-demo", "--tickets", str(tickets))
        wall = time.perf_counter() - started
        found = re.search(r"Seeded (\d+) tickets, (\d+) messages, (\d+) events", output)
        assert found, output
        size = sum(p.stat().st_size for p in Path(data).glob("opsdesk.sqlite3*"))
        return {
            "seconds": wall,
            "tickets": int(found[1]),
            "messages": int(found[2]),
            "events": int(found[3]),
            "db_mb": size / 1e6,
        }


def main() -> int:
    tickets = int(os.environ.get("BENCH_TICKETS", "1000000"))
    small = min(tickets, 100_000)
    runs = [seed_once(small) for _ in range(3)]
    big = seed_once(tickets) if tickets != small else runs[-1]
    rates = sorted(r["tickets"] / r["seconds"] for r in runs)
    entry = {
        "name": "seed_demo_tickets_per_second",
        "tickets_per_second_median": round(statistics.median(rates)),
        "runs_at": small,
        "runs": [round(r) for r in rates],
        "tickets_per_second_at_full_size": round(big["tickets"] / big["seconds"]),
        "full_size": big["tickets"],
        "messages": big["messages"],
        "events": big["events"],
        "seconds_at_full_size": round(big["seconds"], 1),
        "database_mb": round(big["db_mb"]),
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update({"database": "sqlite", "tickets": big["tickets"]})
    others = [r for r in results.get("results", []) if r.get("name") != entry["name"]]
    results["results"] = [*others, entry]
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    OUT.mkdir(exist_ok=True)
    table = (
        "| benchmark | tickets | tickets/s (median of 3) | full size | s | messages | events | DB MB |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"| seed-demo | {small:,} | {entry['tickets_per_second_median']:,} | {big['tickets']:,} | "
        f"{entry['seconds_at_full_size']} | {big['messages']:,} | {big['events']:,} | {entry['database_mb']} |\n"
    )
    (OUT / "seed.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
