"""The week heatmap of a staffing plan: agents per interval (rows: time of day; columns: the seven days of a week) in
the viewer's time zone, from a plan laid on its queue's local grid (series.slot_start). When two of the plan's
intervals fall into one cell (the viewer's zone repeats an hour), the cell shows the larger need."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta

from opsdesk.workforce import series

SHADES = 6


@dataclass(frozen=True)
class Cell:
    value: int | None
    shade: int


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


def week_grid(
    values: list[int],
    *,
    first_day: date,
    interval_minutes: int,
    plan_zone: str,
    viewer_zone: str,
    week_start: date,
) -> list[Row]:
    per_day = 24 * 60 // interval_minutes
    viewer = zoneinfo.ZoneInfo(viewer_zone)
    found: dict[tuple[int, int], int] = {}
    for index, value in enumerate(values):
        local = series.slot_start(first_day, index, interval_minutes, plan_zone).astimezone(viewer)
        day = (local.date() - week_start).days
        if not 0 <= day < 7:
            continue
        slot = (local.hour * 60 + local.minute) // interval_minutes
        key = (slot, day)
        found[key] = max(found.get(key, 0), value)
    peak = max(found.values(), default=0)
    rows = []
    for slot in range(per_day):
        minutes = slot * interval_minutes
        cells = []
        for day in range(7):
            need = found.get((slot, day))
            shade = 0 if not need or not peak else min(SHADES - 1, 1 + (need * (SHADES - 2)) // peak)
            cells.append(Cell(need, shade))
        rows.append(Row(f"{minutes // 60:02d}:{minutes % 60:02d}", cells))
    return rows


def weeks(first_day: date, days: int) -> list[date]:
    """The Mondays of the weeks a plan touches."""
    start = first_day - timedelta(days=first_day.weekday())
    last = first_day + timedelta(days=days - 1)
    found = []
    while start <= last:
        found.append(start)
        start += timedelta(days=7)
    return found
