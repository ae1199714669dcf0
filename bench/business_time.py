#!/usr/bin/env python3
"""Business-time speed: mixed `add_business_seconds` and `business_seconds` calls on a realistic calendar
(Europe/Helsinki, Monday–Friday 08:00–12:00 and 13:00–17:00, Finnish public holidays 2026–2028 from the `holidays`
library, a shortened Christmas Eve), starts spread over 2027 at any hour, targets from 15 minutes to 5 business
days. Pure Python, no database. Entry `business_time` in bench/results.json (`per_second`, target ≥ 100,000).

    python bench/business_time.py [--calls 200000] [--runs 3] [--no-write]

Also measured: a bare Python loop on the same machine (`python_loop_per_second`, to compare machines), the cost
of building one segment of the schedule (about a year, done once per calendar version and process), and each
kind of call on its own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENTRY = "business_time"

from opsdesk.sla.business_time import SEGMENT_SECONDS, Schedule  # noqa: E402

TARGET_MINUTES = [15, 30, 60, 120, 240, 480, 960, 1440, 2400]  # up to 5 business days of 8 hours


def calendar() -> Schedule:
    import holidays

    finnish = holidays.country_holidays("FI", years=[2026, 2027, 2028])
    week = [[(480, 720), (780, 1020)]] * 5 + [[], []]
    return Schedule(
        tz="Europe/Helsinki",
        weekly=week,
        holidays=list(finnish),
        exceptions={date(2027, 12, 24): [(480, 720)]},
        key=(1, 1),
    )


def workload(calls: int, seed: int = 7) -> tuple[list[datetime], list[int], list[datetime]]:
    rng = random.Random(seed)
    low = datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    starts = [datetime.fromtimestamp(low + rng.randrange(365 * 86400), UTC) for _ in range(calls)]
    targets = [
        60 * (rng.choice(TARGET_MINUTES) if rng.random() < 0.7 else rng.randrange(15, 2401)) for _ in range(calls)
    ]
    ends = [start + timedelta(seconds=rng.randrange(60, 14 * 86400)) for start in starts]
    return starts, targets, ends


def python_loop_per_second(n: int = 5_000_000) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return n / (time.perf_counter() - started)


def one_run(schedule: Schedule, starts: list[datetime], targets: list[int], ends: list[datetime]) -> dict[str, float]:
    add, measure = schedule.add_business_seconds, schedule.business_seconds
    n = len(starts)
    started = time.perf_counter()
    for i in range(0, n, 2):  # mixed: an add, then a measure
        add(starts[i], targets[i])
        measure(starts[i + 1], ends[i + 1])
    mixed = n / (time.perf_counter() - started)
    started = time.perf_counter()
    for start, seconds in zip(starts, targets, strict=True):
        add(start, seconds)
    adds = n / (time.perf_counter() - started)
    started = time.perf_counter()
    for start, end in zip(starts, ends, strict=True):
        measure(start, end)
    measures = n / (time.perf_counter() - started)
    return {"mixed": mixed, "add": adds, "measure": measures}


def check(schedule: Schedule, starts: list[datetime], targets: list[int]) -> None:
    """The figures are only worth something if the answers are right: round-trip a sample."""
    for start, seconds in list(zip(starts, targets, strict=True))[:2000]:
        assert schedule.business_seconds(start, schedule.add_business_seconds(start, seconds)) == seconds


def run(calls: int = 200_000, runs: int = 3) -> dict[str, Any]:
    calls -= calls % 2
    schedule = calendar()
    starts, targets, ends = workload(calls)
    segment = int(datetime(2027, 6, 1, tzinfo=UTC).timestamp()) // SEGMENT_SECONDS
    cold = Schedule(tz=schedule.tz, weekly=schedule.weekly, holidays=schedule.holidays, exceptions=schedule.exceptions)
    started = time.perf_counter()
    cold.seconds_between(segment * SEGMENT_SECONDS, segment * SEGMENT_SECONDS + 1)
    build_ms = (time.perf_counter() - started) * 1000
    check(schedule, starts, targets)  # also warms the segments, as a long-running process has them
    results = [one_run(schedule, starts, targets, ends) for _ in range(runs)]
    return {
        "name": ENTRY,
        "per_second": round(statistics.median(r["mixed"] for r in results)),
        "runs": [round(r["mixed"]) for r in results],
        "add_per_second": round(statistics.median(r["add"] for r in results)),
        "measure_per_second": round(statistics.median(r["measure"] for r in results)),
        "calls_per_run": calls,
        "segment_build_ms": round(build_ms, 1),
        "python_loop_per_second": round(python_loop_per_second()),
        "calendar": "Europe/Helsinki, Mon-Fri 08-12 and 13-17, FI holidays 2026-2028, one shortened day",
        "targets": "15 min to 5 business days; measured spans 1 min to 14 days; starts over 2027",
        "target_per_second": 100_000,
    }


def write(entry: dict[str, Any]) -> None:
    from bench.results import write_entry

    write_entry(entry)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    entry = run(args.calls, args.runs)
    print(
        f"business time: {entry['per_second']:,} calls/s mixed (add {entry['add_per_second']:,}/s, measure "
        f"{entry['measure_per_second']:,}/s); a segment builds in {entry['segment_build_ms']} ms; "
        f"bare Python loop {entry['python_loop_per_second']:,} iterations/s"
    )
    if not args.no_write:
        write(entry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
