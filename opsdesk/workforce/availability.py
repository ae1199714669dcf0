"""Whether agents are on shift now, for routing (issue 15): an agent with published shifts around now (within 16
hours either side) is offered work only inside the work of a shift (not in a break, lunch, meeting or training, not in
approved time off). Agents without published shifts near now are not scheduled, and routing treats them as before."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from opsdesk.workforce import roster, schedule

AROUND = timedelta(hours=16)


def off_shift(user_ids: Iterable[int], now: datetime) -> set[int]:
    ids = list(user_ids)
    if not ids:
        return set()
    data = roster.load(ids, now - AROUND, now + AROUND, published_only=True)
    found = set()
    for agent_id, shifts in data.shifts.items():
        working = any(
            block.activity == schedule.WORK and block.start <= now < block.end
            for shift in shifts
            for block in data.blocks(shift)
        )
        away = any(off.start <= now < off.end for off in data.time_off.get(agent_id, []))
        if not working or away:
            found.add(agent_id)
    return found
