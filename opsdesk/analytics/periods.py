"""Reporting days (METRICS.md §0): periods are cut in the organisation's reporting time zone
(settings.OPSDESK_REPORTING_TIME_ZONE), which is separate from any SLA calendar's zone and from the viewer's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone(settings.OPSDESK_REPORTING_TIME_ZONE)


def zone_name() -> str:
    return str(settings.OPSDESK_REPORTING_TIME_ZONE)


def local(moment: datetime) -> datetime:
    return moment.astimezone(zone())


def day_of(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def today() -> date:
    return day_of(timezone.now())


def start_of(day: date) -> datetime:
    """The UTC instant the reporting day begins (00:00 local; the first valid instant on a DST gap)."""
    return datetime.combine(day, time(0), tzinfo=zone()).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """Whole reporting days, both ends included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before: the default comparison."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end_month = first_month + 2
    end = (date(day.year + (end_month == 12), end_month % 12 + 1, 1)) - timedelta(days=1)
    return Period(start, end)


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    end = date(day.year + (day.month == 12), day.month % 12 + 1, 1) - timedelta(days=1)
    return Period(start, end)


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period(start, start + timedelta(days=6))
