"""A stored calendar as a `business_time.Schedule`: read once (two queries), kept per process by id and version.

Any edit bumps `BusinessCalendar.version` (opsdesk.sla.actions), so a cached schedule of an older version is never
returned for a newer calendar row; callers that hold a schedule compare `schedule.key` with `(id, version)`."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from datetime import date

from opsdesk.sla.business_time import Schedule, Window
from opsdesk.sla.models import BusinessCalendar, CalendarHoliday, CalendarWindow

_CACHE_SIZE = 64
_cache: OrderedDict[tuple[int, int, float], Schedule] = OrderedDict()
_lock = threading.Lock()


def build_schedule(calendar: BusinessCalendar) -> Schedule:
    """A new schedule from the database rows of `calendar` as they are now."""
    weekly: list[list[Window]] = [[] for _ in range(7)]
    exceptions: defaultdict[date, list[Window]] = defaultdict(list)
    rows = CalendarWindow.objects.filter(calendar=calendar).select_related("exception")
    for row in rows.order_by("start_minute"):
        window = (row.start_minute, row.end_minute)
        if row.exception is not None:
            exceptions[row.exception.day].append(window)
        elif row.weekday is not None:
            weekly[row.weekday].append(window)
    holidays = CalendarHoliday.objects.filter(calendar=calendar).values_list("day", flat=True)
    return Schedule(
        tz=calendar.time_zone,
        weekly=weekly,
        holidays=list(holidays),
        exceptions=exceptions,
        always_open=calendar.always_open,
        key=(calendar.pk, calendar.version),
    )


def schedule_for(calendar: BusinessCalendar) -> Schedule:
    """The schedule of `calendar` at its version, built on first use and then shared by the process."""
    # The row's last change is part of the key too: a calendar id can come back after a delete (SQLite reuses the
    # highest id), and a test database is rolled back, with version 1 again.
    key = (calendar.pk, calendar.version, calendar.updated_at.timestamp() if calendar.updated_at else 0.0)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    schedule = build_schedule(calendar)
    with _lock:
        _cache[key] = schedule
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return schedule


def default_calendar() -> BusinessCalendar | None:
    return BusinessCalendar.objects.filter(is_default=True).first()
