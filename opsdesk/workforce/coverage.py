"""The week heatmap of a staffing plan: agents per interval (rows: time of day; columns: the seven days of a week) in
the viewer's time zone, from a plan laid on its queue's local grid (series.slot_start). When two of the plan's
intervals fall into one cell (the viewer's zone repeats an hour), the cell shows the larger need."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from opsdesk.workforce import schedule, series

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


# --- Required against scheduled (METRICS §6.5: coverage = scheduled productive agents − required N) -------------


@dataclass(frozen=True)
class GapCell:
    required: int | None
    scheduled: float
    gap: float | None
    tone: str  # "under", "over", "even" or "" (nothing required and nobody scheduled)


@dataclass(frozen=True)
class GapRow:
    label: str
    cells: list[GapCell]


@dataclass(frozen=True)
class Coverage:
    rows: list[GapRow]
    under_hours: float  # Σ of missing agents × interval length
    over_hours: float
    days: list[float]  # Σ|gap| per day (agent-hours)


def team_week(
    *,
    required: dict[datetime, int],
    work: list[tuple[datetime, datetime]],
    gaps: list[tuple[datetime, datetime]],
    week_start: date,
    viewer_zone: str,
    interval_minutes: int,
) -> Coverage:
    """The week of `week_start` in the viewer's zone, interval by interval: the plan's required agents (keyed by
    the instant their interval starts) against the scheduled productive agents (work spans less activities and
    approved time off)."""
    per_day = 24 * 60 // interval_minutes
    start = series.local_midnight(week_start, viewer_zone)
    # the viewer's week is 7 days of wall clock: a DST change adds or removes an hour; the grid follows instants
    end = series.local_midnight(week_start + timedelta(days=7), viewer_zone)
    count = int((end - start).total_seconds() // (interval_minutes * 60))
    scheduled = schedule.coverage(work, gaps, start=start, intervals=count, interval_minutes=interval_minutes)
    viewer = zoneinfo.ZoneInfo(viewer_zone)
    cells: dict[tuple[int, int], GapCell] = {}
    hours = interval_minutes / 60
    under = over = 0.0
    days = [0.0] * 7
    for index in range(count):
        instant = start + timedelta(minutes=index * interval_minutes)
        local = instant.astimezone(viewer)
        day = (local.date() - week_start).days
        slot = (local.hour * 60 + local.minute) // interval_minutes
        need = required.get(instant)
        have = scheduled[index]
        gap = None if need is None else round(have - need, 2)
        if gap is not None:
            under += max(0.0, -gap) * hours
            over += max(0.0, gap) * hours
            if 0 <= day < 7:
                days[day] += abs(gap) * hours
        if need is None or (not need and not have):  # outside the plan, or nothing needed nor scheduled
            tone = ""
        elif gap is not None and gap < 0:
            tone = "under"
        elif gap is not None and gap >= 1:
            tone = "over"
        else:
            tone = "even"
        if 0 <= day < 7:
            cells[(slot, day)] = GapCell(need, round(have, 2), gap, tone)
    rows = []
    for slot in range(per_day):
        minutes = slot * interval_minutes
        row = [cells.get((slot, day), GapCell(None, 0.0, None, "")) for day in range(7)]
        rows.append(GapRow(f"{minutes // 60:02d}:{minutes % 60:02d}", row))
    return Coverage(rows, round(under, 2), round(over, 2), [round(d, 2) for d in days])


def plan_requirements(
    plan_required: list[int], *, first_day: date, interval_minutes: int, zone: str
) -> dict[datetime, int]:
    """A staffing plan's required agents keyed by the instant each interval starts."""
    return {
        series.slot_start(first_day, index, interval_minutes, zone): need for index, need in enumerate(plan_required)
    }
