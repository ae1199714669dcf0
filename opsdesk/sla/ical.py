"""Reading holidays from an iCalendar (.ics) file: its all-day events (METRICS §2.4), with the `icalendar` library.

Pure: bytes in, {date: name} out. An all-day event spanning several days closes each of them (DTEND is exclusive);
a yearly or other RRULE is expanded up to the year asked for. Timed events, cancelled events and events outside
the years are left out."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import icalendar
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

MAX_DAYS_PER_EVENT = 31  # a longer "holiday" is more likely a mistake (a season, a term) than a closure
MAX_OCCURRENCES = 500


class NotICalendar(ValueError):
    """The bytes are not an iCalendar file."""


def all_day_dates(
    content: bytes, *, first_year: int, last_year: int, repeat_until_year: int | None = None
) -> dict[date, str]:
    """{date: event name} of the all-day events between the years; repeating events up to `repeat_until_year`."""
    try:
        calendar = icalendar.Calendar.from_ical(content)
    except (ValueError, TypeError, UnicodeDecodeError, IndexError, KeyError) as error:
        raise NotICalendar(str(error)) from error
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise NotICalendar("no VCALENDAR")
    found: dict[date, str] = {}
    for event in calendar.walk("VEVENT"):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = _date(event.get("DTSTART"))
        if start is None:
            continue  # a timed event (or none): not a whole-day closure
        end = _date(event.get("DTEND")) or start + timedelta(days=1)
        length = min(max((end - start).days, 1), MAX_DAYS_PER_EVENT)
        name = " ".join(str(event.get("SUMMARY", "")).split()) or "Holiday"
        until = min(last_year, repeat_until_year or last_year)
        for first in _occurrences(event, start, first_year=first_year, last_year=until):
            for offset in range(length):
                day = first + timedelta(days=offset)
                if first_year <= day.year <= last_year:
                    found.setdefault(day, name)
    return found


def _date(prop: Any) -> date | None:
    value = getattr(prop, "dt", None)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return None


def _occurrences(event: Any, start: date, *, first_year: int, last_year: int) -> list[date]:
    rule = event.get("RRULE")
    if rule is None:
        return [start]
    try:
        text = rule.to_ical().decode()
        expanded = rrulestr(text, dtstart=datetime(start.year, start.month, start.day))  # noqa: DTZ001 (a date)
    except (ValueError, TypeError, AttributeError):
        return [start]
    days: list[date] = []
    for moment in expanded:
        if moment.year > last_year or len(days) >= MAX_OCCURRENCES:
            break
        if moment.year >= first_year:
            days.append(moment.date())
    excluded = set()
    for exdate in _as_list(event.get("EXDATE")):
        for item in getattr(exdate, "dts", []):
            value = item.dt
            excluded.add(value.date() if isinstance(value, datetime) else value)
    return [day for day in days if day not in excluded]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
