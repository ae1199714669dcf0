#!/usr/bin/env python3
"""Workforce arithmetic speed (METRICS §6; issue 15), pure Python and numpy, no database:

- `erlang_week_20_queues`: the required agents by Erlang C for a week of 30-minute intervals (336) in 20 queues
  (6,720 searches), volumes from a realistic intraday and weekday shape, 40 to 2,000 contacts an interval; target
  ≤ 100 ms.
- `holt_winters_fit_2y`: a Holt-Winters fit (additive, damped trend, weekly season m = 168) on two years of hourly
  counts of one queue, as the worker fits it (forecasting.predict), with a month's forecast; target ≤ 5 s.

    python bench/workforce.py [--runs 20] [--fits 5] [--no-write]

The first import of statsmodels (once per worker process) is measured apart (`statsmodels_import_ms`).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.settings")

from bench.analytics import summary  # noqa: E402
from bench.results import write_entry  # noqa: E402

ERLANG_ENTRY = "erlang_week_20_queues"
HOLT_WINTERS_ENTRY = "holt_winters_fit_2y"
HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 11, 12, 13, 12, 10, 8, 6, 5, 4, 3, 2, 1]
DAYS = [1.3, 1.2, 1.1, 1.05, 1.0, 0.55, 0.45]


def week_volumes(peak: float) -> list[float]:
    """336 half-hour volumes with `peak` contacts at the busiest half hour."""
    top = max(HOURS) * max(DAYS)
    return [peak * HOURS[(t % 48) // 2] * DAYS[t // 48] / top for t in range(336)]


def erlang_week(runs: int) -> dict[str, Any]:
    import django

    django.setup()
    from opsdesk.workforce import erlang

    rng = random.Random(15)
    queues = [(week_volumes(rng.uniform(40, 2000)), rng.choice([180, 240, 300, 420])) for _ in range(20)]
    target = erlang.Target(0.80, 20)
    times = []
    agents = 0
    for _ in range(runs):
        started = time.perf_counter()
        agents = 0
        for volumes, aht in queues:
            agents += sum(erlang.required_series(volumes, interval_seconds=1800, aht=aht, target=target))
        times.append((time.perf_counter() - started) * 1000)
    return summary(ERLANG_ENTRY, times, intervals=336 * 20, agent_intervals=agents, target_ms=100)


def holt_winters(fits: int) -> dict[str, Any]:
    import django

    django.setup()
    from opsdesk.workforce import forecasting

    rng = random.Random(2)
    hours = 2 * 365 * 24
    history = []
    for t in range(hours):
        mean = 3.0 * HOURS[t % 24] * DAYS[(t // 24) % 7] * (1 + 0.4 * t / hours)
        history.append(float(_poisson(rng, mean)))
    grid = forecasting.Grid(per_day=24)
    started = time.perf_counter()
    import statsmodels.tsa.holtwinters  # noqa: F401 - loaded once per worker process; measured apart

    imported = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(fits):
        started = time.perf_counter()
        forecast = forecasting.predict(forecasting.HOLT_WINTERS, history, grid, 31 * 24)
        times.append((time.perf_counter() - started) * 1000)
    assert len(forecast) == 31 * 24 and min(forecast) >= 0
    return summary(
        HOLT_WINTERS_ENTRY,
        times,
        history_hours=hours,
        horizon_hours=31 * 24,
        statsmodels_import_ms=round(imported, 1),
        target_ms=5000,
    )


def _poisson(rng: random.Random, mean: float) -> int:
    # normal approximation above 30, inversion below (enough for a benchmark's input)
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, k, p = 2.718281828459045**-mean, 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def run(*, runs: int = 20, fits: int = 5, write: bool = True) -> dict[str, dict[str, Any]]:
    entries = {ERLANG_ENTRY: erlang_week(runs), HOLT_WINTERS_ENTRY: holt_winters(fits)}
    for entry in entries.values():
        print(f"{entry['name']}: p50 {entry['p50_ms']:,} ms, p95 {entry['p95_ms']:,} ms, p99 {entry['p99_ms']:,} ms")
        if write:
            write_entry(entry)
    return entries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fits", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    run(runs=args.runs, fits=args.fits, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
