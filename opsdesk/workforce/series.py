"""A queue's history as interval counts on its calendar's local wall-clock grid (METRICS §6.1), and the conversion of
grid positions to instants.

Contacts offered: for the phone group the inbound calls (offered_at), for the others the tickets created in the
group's channels (a chat is its ticket). Counted as the planner sees them (`visible_to`), for one team or all.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings

from opsdesk.messaging.models import CallRecord
from opsdesk.sla import schedules
from opsdesk.sla.models import BusinessCalendar, CalendarHoliday
from opsdesk.tickets.channels import ChannelGroup, channels_of
from opsdesk.tickets.models import Ticket

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.workforce.models import PlanningQueue


def calendar_of(queue: PlanningQueue) -> BusinessCalendar | None:
    return queue.calendar or schedules.default_calendar()


def time_zone_of(queue: PlanningQueue) -> str:
    calendar = calendar_of(queue)
    return calendar.time_zone if calendar else settings.OPSDESK_DEFAULT_TIME_ZONE


def local_midnight(day: date, zone: str) -> datetime:
    """The instant a local day begins (00:00 exists on every day in the zones the desk uses; an ambiguous or missing
    midnight resolves by zoneinfo's fold=0)."""
    return datetime.combine(day, time(0), tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)


def slot_start(first_day: date, index: int, interval_minutes: int, zone: str) -> datetime:
    """The instant (UTC) position `index` of a grid starting on `first_day` begins: the local wall-clock time
    first_day 00:00 + index · interval, resolved by fold=0."""
    per_day = 24 * 60 // interval_minutes
    day = first_day + timedelta(days=index // per_day)
    minutes = (index % per_day) * interval_minutes
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(UTC)


def bucket(instants: Iterable[datetime], first_day: date, days: int, interval_minutes: int, zone: str) -> list[float]:
    """Counts per local interval of `days` days from `first_day`; instants outside are ignored."""
    per_day = 24 * 60 // interval_minutes
    counts = [0.0] * (days * per_day)
    tz = zoneinfo.ZoneInfo(zone)
    for instant in instants:
        local = instant.astimezone(tz)
        offset = (local.date() - first_day).days
        if 0 <= offset < days:
            counts[offset * per_day + (local.hour * 60 + local.minute) // interval_minutes] += 1
    return counts


def contacts(queue: PlanningQueue, reader: User, first_day: date, days: int) -> list[float]:
    """Contacts offered to the queue per local interval over `days` days from `first_day`."""
    zone = time_zone_of(queue)
    start = local_midnight(first_day, zone)
    end = local_midnight(first_day + timedelta(days=days), zone)
    if queue.channel_group == ChannelGroup.PHONE:
        calls = CallRecord.objects.visible_to(reader).filter(
            direction=CallRecord.Direction.INBOUND, offered_at__gte=start, offered_at__lt=end
        )
        if queue.team_id:
            calls = calls.filter(team_id=queue.team_id)
        instants: Iterable[datetime] = calls.values_list("offered_at", flat=True).order_by().iterator(5000)
    else:
        tickets = Ticket.objects.visible_to(reader).filter(
            created_at__gte=start, created_at__lt=end, channel__in=channels_of(queue.channel_group)
        )
        if queue.team_id:
            tickets = tickets.filter(team_id=queue.team_id)
        instants = tickets.values_list("created_at", flat=True).order_by().iterator(5000)
    return bucket(instants, first_day, days, queue.interval_minutes, zone)


def holidays(queue: PlanningQueue, first_day: date, last_day: date) -> list[date]:
    calendar = calendar_of(queue)
    if calendar is None:
        return []
    return list(
        CalendarHoliday.objects.filter(calendar=calendar, day__gte=first_day, day__lte=last_day)
        .order_by("day")
        .values_list("day", flat=True)
    )
