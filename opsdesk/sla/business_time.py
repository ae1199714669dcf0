"""Business time: how many seconds of two instants fall inside a calendar's open windows, and when a number of
business seconds after an instant is reached. Pure functions, no ORM (`opsdesk.sla.schedules` builds a `Schedule`
from a stored calendar); the SLA clocks, analytics, routing and workforce use the same object.

Definitions are METRICS.md §2.4:

- a calendar has an IANA time zone, windows per weekday `[start, end)` in local wall-clock minutes (end may be 24:00,
  i.e. 1440), holidays (whole local dates, closed) and exceptions (a date whose windows replace the weekday's);
- a window's length is the real UTC time between its local start and end instants on that date; a local time in the
  spring-forward gap moves forward to the first valid instant, an ambiguous (fall-back) time is its first occurrence;
- `business_seconds(t1, t2)` is the length of [t1, t2) ∩ open windows; `add_business_seconds(t, s)` is the earliest
  instant at which that length reaches `s` (so a deadline that fills a window exactly is the window's end).

Instants are counted in whole seconds (METRICS §0: durations are integer seconds): a sub-second part is dropped.

How it stays fast (≥ 100,000 calls a second, bench/business_time.py): UTC time is cut into fixed segments of 2^25 s
(about 388 days). A segment is built once, on first use, as sorted lists of its open intervals (UTC epoch seconds,
adjacent windows merged) with the running total of open seconds at each interval's start and end. A query is then an
integer division to find the segment, one `bisect` and a subtraction; adding seconds past a segment's end skips whole
segments by their totals. Segments are cached on the schedule (built the same way by any thread, so a race only
builds one twice); a schedule is immutable otherwise, and `key` (calendar id, version) tells a cache when it is stale.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MINUTES_PER_DAY = 1440
SEGMENT_SECONDS = 1 << 25  # about 388 days: a year of windows in a few hundred intervals
EMPTY_SEGMENTS_LIMIT = 3  # adding seconds gives up after this many consecutive segments (~3 years) with no open time

Window = tuple[int, int]  # [start, end) in local minutes after midnight, 0 <= start < end <= 1440


class NoOpenTime(ValueError):
    """The schedule has no open time where it was asked to find some (no windows at all, or years of holidays)."""


class InvalidWindows(ValueError):
    """Windows that cannot form a day: `code` says why (`format`, `range`, `order`, `overlap`)."""

    def __init__(self, code: str, text: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.text = text


# --- windows: checking, parsing, formatting ---------------------------------------------------------------------


def check_windows(windows: Iterable[Sequence[int]]) -> list[Window]:
    """The windows sorted, or InvalidWindows: each inside the day with start < end, none overlapping. Touching windows
    (12:00–13:00 and 13:00–14:00) are allowed and count as one span."""
    result: list[Window] = []
    for pair in windows:
        start, end = int(pair[0]), int(pair[1])
        if not (0 <= start < MINUTES_PER_DAY and 0 < end <= MINUTES_PER_DAY):
            raise InvalidWindows("range", format_window((start, end)) if 0 <= start <= end <= 1440 else "")
        if start >= end:
            raise InvalidWindows("order", format_window((start, end)))
        result.append((start, end))
    result.sort()
    for previous, current in zip(result, result[1:], strict=False):
        if current[0] < previous[1]:
            raise InvalidWindows("overlap", f"{format_window(previous)}, {format_window(current)}")
    return result


_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?"
_WINDOW_RE = re.compile(rf"^\s*{_CLOCK}\s*(?:-|–|—|to)\s*{_CLOCK}\s*$")


def parse_minute(text: str) -> int:
    """'8', '08:00', '8.30', '24:00' → minutes after midnight (0..1440), or InvalidWindows('format')."""
    found = re.fullmatch(_CLOCK, text.strip())
    if not found:
        raise InvalidWindows("format", text.strip())
    return _minute(found[1], found[2], text)


def _minute(hours: str, minutes: str | None, text: str) -> int:
    h, m = int(hours), int(minutes or 0)
    if m > 59 or h > 24 or (h == 24 and m):
        raise InvalidWindows("format", text.strip())
    return h * 60 + m


def parse_windows(text: str) -> list[Window]:
    """One day's windows typed as '08:00–12:00, 13:00–17:00' (also '8-12; 13-17'); empty text is a closed day."""
    windows = []
    for part in re.split(r"[,;\n]", text):
        if not part.strip():
            continue
        found = _WINDOW_RE.match(part)
        if not found:
            raise InvalidWindows("format", part.strip())
        windows.append((_minute(found[1], found[2], part), _minute(found[3], found[4], part)))
    return check_windows(windows)


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_window(window: Sequence[int]) -> str:
    return f"{format_minute(window[0])}–{format_minute(window[1])}"


def format_windows(windows: Iterable[Sequence[int]]) -> str:
    return ", ".join(format_window(w) for w in windows)


# --- time zones and local times -------------------------------------------------------------------------------


def is_valid_time_zone(name: str) -> bool:
    """An IANA zone name zoneinfo knows (not a file path, not an empty string)."""
    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        return False
    if name in available_timezones():
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def local_to_utc(tz: ZoneInfo, naive: datetime) -> datetime:
    """A local wall-clock time in `tz` as an aware UTC instant, by METRICS §2.4: a time in the spring-forward gap
    moves forward to the first valid instant (the end of the gap); an ambiguous fall-back time is its first
    occurrence."""
    naive = naive.replace(tzinfo=None)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if first <= second:  # a normal time (equal) or an ambiguous one (fold=0 is the earlier instant)
        return first
    # In the gap: fold=1 (the later offset) lands before the transition, fold=0 after it. The transition instant,
    # whose local time is the gap's end, is the first second whose offset is the later one: bisect on seconds.
    low, high = math.floor(second.timestamp()), math.floor(first.timestamp())
    after = first.astimezone(tz).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("business time needs aware datetimes")
    return math.floor(moment.timestamp())


class _Segment:
    """Open intervals of one UTC segment [lo, lo + SEGMENT_SECONDS): starts, ends, and the open seconds before each
    interval's start (`before`) and up to its end (`upto`); `total` is the segment's open seconds."""

    __slots__ = ("starts", "ends", "before", "upto", "total")

    def __init__(self, intervals: list[tuple[int, int]]) -> None:
        self.starts = [s for s, _e in intervals]
        self.ends = [e for _s, e in intervals]
        self.before: list[int] = []
        self.upto: list[int] = []
        running = 0
        for start, end in intervals:
            self.before.append(running)
            running += end - start
            self.upto.append(running)
        self.total = running

    def open_before(self, t: int) -> int:
        """Open seconds from the segment's start up to `t` (which lies in the segment)."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.before[i] + (t if t < end else end) - self.starts[i]


class Schedule:
    """A calendar's open time, precomputed for fast questions. Build it with the calendar's time zone, seven lists of
    windows (Monday first), holiday dates and exceptions (date → the windows that replace the weekday's that day; an
    exception wins over a holiday on the same date). `always_open` (24/7) counts every second and ignores the rest.
    `key` identifies what it was built from, e.g. (calendar id, version), so a holder can tell it is out of date."""

    __slots__ = ("tz", "weekly", "holidays", "exceptions", "always_open", "key", "_segments", "_has_windows")

    def __init__(
        self,
        *,
        tz: str | ZoneInfo,
        weekly: Sequence[Iterable[Sequence[int]]] = (),
        holidays: Iterable[date] = (),
        exceptions: Mapping[date, Iterable[Sequence[int]]] | None = None,
        always_open: bool = False,
        key: tuple[int, int] | None = None,
    ) -> None:
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        if len(weekly) not in (0, 7):
            raise ValueError("weekly needs seven lists of windows, Monday first")
        week = [tuple(check_windows(day)) for day in weekly] if weekly else [()] * 7
        self.weekly: tuple[tuple[Window, ...], ...] = tuple(week)
        self.holidays = frozenset(holidays)
        self.exceptions = {day: tuple(check_windows(windows)) for day, windows in (exceptions or {}).items()}
        self.always_open = always_open
        self.key = key
        self._segments: dict[int, _Segment] = {}
        self._has_windows = always_open or any(self.weekly) or any(self.exceptions.values())

    # --- the two questions, on datetimes ---

    def business_seconds(self, start: datetime, end: datetime) -> int:
        """Open seconds in [start, end); 0 when end is not after start."""
        return self.seconds_between(_epoch(start), _epoch(end))

    def add_business_seconds(self, start: datetime, seconds: int) -> datetime:
        """The earliest instant (aware, UTC) at which `seconds` open seconds have passed since `start`. Adding 0
        gives `start` itself; from outside the windows, counting begins when the next window opens."""
        return datetime.fromtimestamp(self.add_seconds(_epoch(start), seconds), UTC)

    # --- the same on epoch seconds, for engines that keep integers ---

    def seconds_between(self, a: int, b: int) -> int:
        if b <= a:
            return 0
        if self.always_open:
            return b - a
        ka, kb = a // SEGMENT_SECONDS, b // SEGMENT_SECONDS
        segments = self._segments
        first = segments.get(ka) or self._build(ka)
        if ka == kb:
            return first.open_before(b) - first.open_before(a)
        total = first.total - first.open_before(a)
        for k in range(ka + 1, kb):
            total += (segments.get(k) or self._build(k)).total
        last = segments.get(kb) or self._build(kb)
        return total + last.open_before(b)

    def add_seconds(self, a: int, seconds: int) -> int:
        if seconds < 0:
            raise ValueError("business seconds to add must not be negative")
        if seconds == 0 or self.always_open:
            return a + seconds
        if not self._has_windows:
            raise NoOpenTime("the calendar has no open windows")
        k = a // SEGMENT_SECONDS
        segment = self._segments.get(k) or self._build(k)
        target = segment.open_before(a) + seconds
        empty = 0
        while target > segment.total:
            target -= segment.total
            empty = empty + 1 if segment.total == 0 else 0
            if empty >= EMPTY_SEGMENTS_LIMIT:
                raise NoOpenTime("no open time in the calendar for years after this instant")
            k += 1
            if k > _LAST_SEGMENT:
                raise NoOpenTime("the deadline would fall after the year 9999")
            segment = self._segments.get(k) or self._build(k)
        i = bisect_left(segment.upto, target)
        return segment.ends[i] - (segment.upto[i] - target)

    # --- more questions others need (analytics, routing, workforce) ---

    def is_open(self, moment: datetime) -> bool:
        """Whether `moment` is inside an open window (a window's end is outside it)."""
        t = _epoch(moment)
        return self.seconds_between(t, t + 1) == 1

    def open_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The open spans inside [start, end), as aware UTC pairs, touching windows merged."""
        a, b = _epoch(start), _epoch(end)
        if b <= a:
            return []
        if self.always_open:
            return [(datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC))]
        spans: list[list[int]] = []
        for k in range(a // SEGMENT_SECONDS, b // SEGMENT_SECONDS + 1):
            segment = self._segments.get(k) or self._build(k)
            for s, e in zip(segment.starts, segment.ends, strict=True):
                s, e = max(s, a), min(e, b)
                if s >= e:
                    continue
                if spans and spans[-1][1] == s:  # a window cut by a segment boundary
                    spans[-1][1] = e
                else:
                    spans.append([s, e])
        return [(datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC)) for s, e in spans]

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The local windows of a date: its exception's, none on a holiday, else its weekday's."""
        if self.always_open:
            return ((0, MINUTES_PER_DAY),)
        if day in self.exceptions:
            return self.exceptions[day]
        if day in self.holidays:
            return ()
        return self.weekly[day.weekday()]

    # --- building a segment ---

    def _build(self, k: int) -> _Segment:
        lo, hi = k * SEGMENT_SECONDS, (k + 1) * SEGMENT_SECONDS
        # Every local date that can have a window inside [lo, hi): a day either side covers any UTC offset.
        day = datetime.fromtimestamp(lo, self.tz).date() - timedelta(days=1)
        last = datetime.fromtimestamp(min(hi, _LAST_INSTANT), self.tz).date() + timedelta(days=1)
        intervals: list[tuple[int, int]] = []
        while day <= last and day < _LAST_DAY:
            for start_minute, end_minute in self.windows_on(day):
                start = max(self._instant(day, start_minute), lo)
                end = min(self._instant(day, end_minute), hi)
                if start >= end:
                    continue  # outside the segment, or a window wholly inside a spring-forward gap
                if intervals and intervals[-1][1] >= start:  # touching windows (or days) form one span
                    intervals[-1] = (intervals[-1][0], max(intervals[-1][1], end))
                else:
                    intervals.append((start, end))
            day += timedelta(days=1)
        segment = _Segment(intervals)
        self._segments[k] = segment
        return segment

    def _instant(self, day: date, minute: int) -> int:
        if minute == MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), 0
        naive = datetime(day.year, day.month, day.day, minute // 60, minute % 60)  # noqa: DTZ001 (local wall time)
        offset = self.tz.utcoffset(naive)
        if offset is not None and offset == self.tz.utcoffset(naive.replace(fold=1)):  # neither a gap nor a fold
            return (day.toordinal() - _EPOCH_ORDINAL) * 86400 + minute * 60 - int(offset.total_seconds())
        return math.floor(local_to_utc(self.tz, naive).timestamp())


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_LAST_DAY = date(9999, 12, 30)  # datetimes end in 9999; the last day's windows could end past them
_LAST_INSTANT = math.floor(datetime(9999, 12, 29, tzinfo=UTC).timestamp())
_LAST_SEGMENT = _LAST_INSTANT // SEGMENT_SECONDS - 1
