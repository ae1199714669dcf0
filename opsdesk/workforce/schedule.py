"""Schedule arithmetic (METRICS §6.5), on plain values: a shift's activity blocks, local times resolved in an agent's
zone (refusing a wall-clock time a DST change skips or repeats where a person typed it), and coverage — productive
agents per interval — by a sweep over the shifts, their activities and approved time off."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _

from opsdesk.core.errors import invalid_input

WORK = "work"
INSIDE = ("break", "lunch", "meeting", "training")  # activities a template places inside a shift
# the agent states each activity expects (§6.5); adherence counts the seconds spent in them
EXPECTED: dict[str, frozenset[str]] = {
    "work": frozenset({"available", "on_contact", "acw"}),
    "break": frozenset({"break"}),
    "lunch": frozenset({"lunch"}),
    "meeting": frozenset({"meeting"}),
    "training": frozenset({"training"}),
    "off": frozenset({"offline"}),
}
PRODUCTIVE_STATES = EXPECTED["work"]


@dataclass(frozen=True)
class Block:
    activity: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def check_activities(minutes: int, activities: Sequence[dict[str, Any]], *, field: str = "activities") -> list[dict]:
    """A template's activities, sorted: each one of INSIDE, inside the shift, none overlapping another."""
    found = []
    for item in activities:
        activity = item.get("activity")
        offset, length = item.get("offset"), item.get("minutes")
        if activity not in INSIDE:
            raise invalid_input(field, _("Choose break, lunch, meeting or training."))
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length <= 0:
            raise invalid_input(field, _("Give each activity a start and a length in whole minutes."))
        if offset + length > minutes:
            raise invalid_input(field, _("Each activity must end by the end of the shift."))
        found.append({"activity": activity, "offset": offset, "minutes": length})
    found.sort(key=lambda a: a["offset"])
    for before, after in zip(found, found[1:], strict=False):
        if before["offset"] + before["minutes"] > after["offset"]:
            raise invalid_input(field, _("Activities may not overlap."))
    return found


def blocks(start: datetime, end: datetime, inside: Iterable[tuple[str, datetime, datetime]]) -> list[Block]:
    """A shift as consecutive blocks: its activities and work in the gaps between them."""
    found = []
    cursor = start
    for activity, a_start, a_end in sorted(inside, key=lambda a: a[1]):
        if a_start > cursor:
            found.append(Block(WORK, cursor, a_start))
        found.append(Block(activity, a_start, a_end))
        cursor = max(cursor, a_end)
    if cursor < end:
        found.append(Block(WORK, cursor, end))
    return found


def shift_at(day: date, start_minute: int, zone: str) -> datetime:
    """A template's start on a local day (fold = 0 where the day's clock repeats or skips that minute)."""
    local = datetime.combine(day, time(start_minute // 60, start_minute % 60), tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(UTC)


def typed_local(value: datetime, zone: str, *, field: str) -> datetime:
    """A wall-clock time a person typed, in `zone`, as a UTC instant. A time the clocks skip (spring forward) or pass
    twice (autumn) is refused naming the field: nobody can tell which instant was meant."""
    tz = zoneinfo.ZoneInfo(zone)
    naive = value.replace(tzinfo=None)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise invalid_input(field, _("This time does not exist here: the clocks skip it when summer time starts."))
    if first.utcoffset() != second.utcoffset():
        raise invalid_input(field, _("This time happens twice here when summer time ends; choose another."))
    return first.astimezone(UTC)


def coverage(
    work: Iterable[tuple[datetime, datetime]],
    gaps: Iterable[tuple[datetime, datetime]],
    *,
    start: datetime,
    intervals: int,
    interval_minutes: int,
) -> list[float]:
    """Productive agents per interval from `start`: the share of each interval covered by each work span, summed,
    less the share of each gap (an activity or approved time off inside work). A sweep: each span touches only the
    intervals it covers."""
    length = interval_minutes * 60
    totals = [0.0] * intervals
    origin = start.timestamp()

    def add(span_start: datetime, span_end: datetime, sign: float) -> None:
        a = max(0.0, span_start.timestamp() - origin)
        b = min(intervals * length, span_end.timestamp() - origin)
        while a < b:
            index = int(a // length)
            edge = min(b, (index + 1) * length)
            totals[index] += sign * (edge - a) / length
            a = edge

    for span_start, span_end in work:
        add(span_start, span_end, 1.0)
    for span_start, span_end in gaps:
        add(span_start, span_end, -1.0)
    return [round(v, 6) for v in totals]


def overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> tuple[datetime, datetime] | None:
    start, end = max(a_start, b_start), min(a_end, b_end)
    return (start, end) if start < end else None


def adherence(
    planned: Sequence[Block], states: Sequence[tuple[str, datetime, datetime]], *, grace_seconds: int = 60
) -> tuple[float | None, float | None]:
    """Adherence and conformance (§6.5) of one agent over the planned blocks.

    Adherence = seconds whose actual state is one the block's activity expects ÷ scheduled seconds; within
    `grace_seconds` after each boundary between blocks (a shift's start, a break's start and end) any state counts
    as adhering. Conformance = actual productive seconds ÷ scheduled productive seconds, whatever the timing (it may
    exceed 100 %); `states` are those of the period measured (a day, a week), clipped to it by the caller. None where
    nothing is scheduled."""
    scheduled = sum(b.seconds for b in planned)
    productive_planned = sum(b.seconds for b in planned if b.activity == WORK)
    adhering = 0.0
    for block in planned:
        expected = EXPECTED.get(block.activity, frozenset())
        graced_until = block.start + timedelta(seconds=grace_seconds)
        grace = overlap(block.start, min(graced_until, block.end), block.start, block.end)
        if grace:
            adhering += (grace[1] - grace[0]).total_seconds()
        rest_start = min(graced_until, block.end)
        for state, s_start, s_end in states:
            if state not in expected:
                continue
            span = overlap(rest_start, block.end, s_start, s_end)
            if span:
                adhering += (span[1] - span[0]).total_seconds()
    productive_actual = sum((e - s).total_seconds() for state, s, e in states if state in PRODUCTIVE_STATES)
    return (
        adhering / scheduled if scheduled else None,
        productive_actual / productive_planned if productive_planned else None,
    )
