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

COVERAGE_ENTRY = "coverage_heatmap_300_agents"
ERLANG_ENTRY = "erlang_week_20_queues"
HOLT_WINTERS_ENTRY = "holt_winters_fit_2y"
HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 11, 12, 13, 12, 10, 8, 6, 5, 4, 3, 2, 1]
DAYS = [1.3, 1.2, 1.1, 1.05, 1.0, 0.55, 0.45]


def week_volumes(peak: float) -> list[float]:
    """336 half-hour volumes with `peak` contacts at the busiest half hour."""
    top = max(HOURS) * max(DAYS)
    return [peak * HOURS[(t % 48) // 2] * DAYS[t // 48] / top for t in range(336)]


def erlang_week(runs: int) -> dict[str, Any]:
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


def coverage_heatmap(runs: int, agents: int = 300) -> dict[str, Any]:
    """A week's coverage of one team of `agents` against a staffing plan: the schedule read (shifts, activities, time
    off) and the heatmap computed, as the schedule page does; on a fresh SQLite database set up through the actions.
    The whole editor page (300 rows of seven days) is measured beside it."""
    import tempfile

    data = tempfile.mkdtemp(prefix="opsdesk-bench-wf-")
    os.environ["OPSDESK_DATA_DIR"] = data
    os.environ["OPSDESK_FAST_HASHER"] = "1"
    import django

    django.setup()
    from datetime import UTC, date, datetime, timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from opsdesk.accounts import actions as accounts
    from opsdesk.people import actions as people
    from opsdesk.workforce import coverage, roster, schedule_views
    from opsdesk.workforce.actions import forecasts, plans, schedules
    from opsdesk.workforce.models import Forecast

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the page's manifest of static files
    setup_test_environment()
    admin = accounts.create_user(
        email="admin@bench.example", name="Admin", role="admin", password="bench-pass-1", actor=None
    )
    team = people.save_team(None, name="Phones", languages=["fi"], actor=admin)
    members = []
    for n in range(agents):
        user = accounts.create_user(
            email=f"agent{n}@bench.example", name=f"Agent {n:03d}", role="agent", password=None, actor=admin
        )
        people.set_membership(team, user=user, member=True, actor=admin)
        members.append(user)
    shapes = []
    for n, (start, _name) in enumerate([(420, "A"), (480, "B"), (540, "C"), (600, "D"), (720, "E")]):
        shapes.append(
            schedules.save_template(
                None,
                name=f"Shift {n}",
                start_minute=start,
                minutes=480,
                activities=[
                    {"activity": "break", "offset": 120, "minutes": 15},
                    {"activity": "lunch", "offset": 240, "minutes": 30},
                    {"activity": "break", "offset": 360, "minutes": 15},
                ],
                actor=admin,
            )
        )
    monday = date(2026, 11, 30)
    for n, user in enumerate(members):
        rotation_days = [shapes[(n + d) % len(shapes)].pk for d in range(5)] + [None, None]
        rotation = schedules.save_rotation(name=f"R{n}", weeks=[rotation_days], actor=admin)
        schedules.apply_rotation(rotation, agents=[user], first_monday=monday, weeks=1, actor=admin)
    queue = forecasts.create_queue(
        name="Phones", team=team, channel_group="phone", calendar=None, interval_minutes=30, actor=admin
    )
    forecast = Forecast.objects.create(  # a ready forecast as the worker leaves it (no history in this database)
        queue=queue,
        number=1,
        state="ready",
        time_zone="Europe/Helsinki",
        interval_minutes=30,
        first_day=monday,
        days=7,
        history_weeks=8,
        model="seasonal_naive",
        values=[week_volumes(2400)[t] for t in range(336)],
        created_by=admin,
    )
    plan = plans.create(
        forecast,
        name="Plan",
        method="erlang_c",
        aht_seconds=300,
        service_level=Decimal(80),
        target_seconds=20,
        shrinkage=Decimal(30),
        actor=admin,
    )
    required = coverage.plan_requirements(plan.required, first_day=monday, interval_minutes=30, zone="Europe/Helsinki")
    ids = [u.pk for u in members]
    week_start = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    import gc

    gc.collect()
    gc.freeze()  # as the web process does once loaded (opsdesk/asgi.py): the collector stops walking startup objects
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        data_ = roster.load(ids, week_start - timedelta(days=1), week_start + timedelta(days=8))
        work, gaps = data_.work_and_gaps()
        found = coverage.team_week(
            required=required,
            work=work,
            gaps=gaps,
            week_start=monday,
            viewer_zone="Europe/Helsinki",
            interval_minutes=30,
        )
        times.append((time.perf_counter() - began) * 1000)
    assert found.rows and found.under_hours >= 0
    client = Client()
    client.force_login(admin)
    url = f"/workforce/schedule/?team={team.pk}&week={monday.isoformat()}&plan={plan.pk}"
    pages = []
    for _ in range(max(5, runs // 4)):
        began = time.perf_counter()
        response = client.get(url)
        pages.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    assert schedule_views  # the page measured is schedule_views.schedule_week
    page = summary("page", pages)
    return summary(
        COVERAGE_ENTRY,
        times,
        agents=agents,
        shifts=agents * 5,
        editor_page_p50_ms=page["p50_ms"],
        editor_page_p95_ms=page["p95_ms"],
        target_ms=200,
    )


def run(*, runs: int = 20, fits: int = 5, write: bool = True) -> dict[str, dict[str, Any]]:
    entries = {
        ERLANG_ENTRY: erlang_week(runs),
        HOLT_WINTERS_ENTRY: holt_winters(fits),
        COVERAGE_ENTRY: coverage_heatmap(runs),
    }
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
