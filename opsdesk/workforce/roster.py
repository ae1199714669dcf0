"""Reading schedules: the shifts of a set of agents in a period with their activities, the approved time off, and
from them the work spans and the gaps (activities and time off inside shifts, merged so nothing is taken away
twice) that coverage counts. Read-only; two queries whatever the number of agents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from opsdesk.workforce import schedule
from opsdesk.workforce.models import Shift, ShiftActivity, TimeOff


class ShiftRow(NamedTuple):
    """A shift as read for a schedule (tuples, not model instances: a team's week is thousands of rows)."""

    pk: int
    agent_id: int
    start: datetime
    end: datetime
    published_at: datetime | None


class ActivityRow(NamedTuple):
    shift_id: int
    activity: str
    start: datetime
    end: datetime


class OffRow(NamedTuple):
    agent_id: int
    start: datetime
    end: datetime


@dataclass
class Roster:
    shifts: dict[int, list[ShiftRow]] = field(default_factory=lambda: defaultdict(list))
    activities: dict[int, list[ActivityRow]] = field(default_factory=lambda: defaultdict(list))
    time_off: dict[int, list[OffRow]] = field(default_factory=lambda: defaultdict(list))

    def work_and_gaps(self) -> tuple[list[tuple[datetime, datetime]], list[tuple[datetime, datetime]]]:
        work, gaps = [], []
        for agent_id, shifts in self.shifts.items():
            off = [(t.start, t.end) for t in self.time_off.get(agent_id, [])]
            for shift in shifts:
                work.append((shift.start, shift.end))
                inside = [(a.start, a.end) for a in self.activities.get(shift.pk, [])]
                inside += [span for s, e in off if (span := schedule.overlap(shift.start, shift.end, s, e))]
                gaps += merge(inside)
        return work, gaps

    def blocks(self, shift: ShiftRow) -> list[schedule.Block]:
        return schedule.blocks(
            shift.start, shift.end, [(a.activity, a.start, a.end) for a in self.activities.get(shift.pk, [])]
        )


def merge(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    found: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if found and start <= found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], end))
        else:
            found.append((start, end))
    return found


def load(agent_ids: Iterable[int], start: datetime, end: datetime, *, published_only: bool = False) -> Roster:
    ids = list(agent_ids)
    roster = Roster()
    shifts = Shift.objects.filter(agent_id__in=ids, start__lt=end, end__gt=start).order_by("start")
    if published_only:
        shifts = shifts.filter(published_at__isnull=False)
    kept = set()
    for values in shifts.values_list("pk", "agent_id", "start", "end", "published_at"):
        shift = ShiftRow(*values)
        roster.shifts[shift.agent_id].append(shift)
        kept.add(shift.pk)
    if not kept:  # nobody is scheduled then (routing asks this for every ticket): activities and time off are moot
        return roster
    activities = ShiftActivity.objects.filter(shift__agent_id__in=ids, shift__start__lt=end, shift__end__gt=start)
    for inside in activities.order_by("start").values_list("shift_id", "activity", "start", "end"):
        if inside[0] in kept:  # not a draft's, when only published shifts are read
            roster.activities[inside[0]].append(ActivityRow(*inside))
    approved = TimeOff.objects.filter(agent_id__in=ids, state=TimeOff.State.APPROVED, start__lt=end, end__gt=start)
    for off in approved.order_by("start").values_list("agent_id", "start", "end"):
        roster.time_off[off[0]].append(OffRow(*off))
    return roster
