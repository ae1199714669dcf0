"""Adherence and conformance (METRICS §6.5) of agents from their published shifts and their actual states: live for
a lead ("who is out of adherence now") and per day for a manager's week. Time off approved counts as planned "off"
(expected state offline) inside a shift; outside shifts nothing is planned and nothing is measured."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from opsdesk.workforce import roster, schedule, series, states
from opsdesk.workforce.schedule import Block


def grace() -> int:
    return settings.OPSDESK_ADHERENCE_GRACE_SECONDS


def planned(data: roster.Roster, agent_id: int, start: datetime, end: datetime) -> list[Block]:
    """The agent's planned blocks clipped to [start, end), approved time off replacing what it covers with "off"."""
    found: list[Block] = []
    offs = [(t.start, t.end) for t in data.time_off.get(agent_id, [])]
    for shift in data.shifts.get(agent_id, []):
        for block in data.blocks(shift):
            span = schedule.overlap(block.start, block.end, start, end)
            if span is None:
                continue
            pieces = [(block.activity, span[0], span[1])]
            for off_start, off_end in offs:
                cut = []
                for activity, s, e in pieces:
                    inside = schedule.overlap(s, e, off_start, off_end)
                    if inside is None:
                        cut.append((activity, s, e))
                        continue
                    if s < inside[0]:
                        cut.append((activity, s, inside[0]))
                    cut.append(("off", inside[0], inside[1]))
                    if inside[1] < e:
                        cut.append((activity, inside[1], e))
                pieces = cut
            found += [Block(activity, s, e) for activity, s, e in pieces]
    return found


@dataclass(frozen=True)
class Live:
    agent_id: int
    planned: str | None  # the activity planned now, None when not on shift
    actual: str
    adhering: bool
    since: datetime  # when the current planned block or actual state began, whichever is later
    adherence: float | None  # today so far
    conformance: float | None


def live(agent_ids: list[int], now: datetime, zone: str) -> list[Live]:
    """Each agent now and their day so far (the day in `zone`)."""
    day_start = series.local_midnight(now.astimezone(zoneinfo.ZoneInfo(zone)).date(), zone)
    data = roster.load(agent_ids, day_start - timedelta(hours=16), now + timedelta(hours=16), published_only=True)
    actual = states.timelines(agent_ids, day_start, now)
    found = []
    for agent_id in agent_ids:
        blocks = planned(data, agent_id, day_start, now + timedelta(seconds=1))
        current = next((b for b in blocks if b.start <= now < b.end), None)
        timeline = actual.get(agent_id, [])
        state, state_start = (timeline[-1][0], timeline[-1][1]) if timeline else ("offline", day_start)
        if current is None:
            adhering, since = True, state_start
        else:
            expected = schedule.EXPECTED.get(current.activity, frozenset())
            graced = (now - current.start).total_seconds() < grace()
            adhering = state in expected or graced
            since = max(current.start, state_start)
        today = planned(data, agent_id, day_start, now)
        adherence, conformance = schedule.adherence(today, timeline, grace_seconds=grace())
        found.append(
            Live(agent_id, current.activity if current else None, state, adhering, since, adherence, conformance)
        )
    return found


Figures = tuple[float | None, float | None]


def week(agent_ids: list[int], week_start: date, zone: str, now: datetime) -> dict[int, list[Figures]]:
    """Adherence and conformance per agent and day of the week (days in `zone`), up to now."""
    start = series.local_midnight(week_start, zone)
    end = min(series.local_midnight(week_start + timedelta(days=7), zone), now)
    data = roster.load(agent_ids, start - timedelta(hours=16), end + timedelta(hours=16), published_only=True)
    actual = states.timelines(agent_ids, start, max(start, end))
    found: dict[int, list[Figures]] = {}
    for agent_id in agent_ids:
        days: list[Figures] = []
        for offset in range(7):
            day_start = series.local_midnight(week_start + timedelta(days=offset), zone)
            day_end = min(series.local_midnight(week_start + timedelta(days=offset + 1), zone), now)
            if day_end <= day_start:
                days.append((None, None))
                continue
            blocks = planned(data, agent_id, day_start, day_end)
            spans = [
                (state, max(s, day_start), min(e, day_end))
                for state, s, e in actual.get(agent_id, [])
                if s < day_end and e > day_start
            ]
            days.append(schedule.adherence(blocks, spans, grace_seconds=grace()))
        found[agent_id] = days
    return found
