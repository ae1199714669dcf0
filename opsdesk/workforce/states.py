"""Agents' actual states over a period (METRICS §6.5), composed from three sources: the recorded spans (presence and
chosen states: `AgentState`), the contacts they handled (a chat from acceptance to its end, a call from answer to
hang-up: on_contact) and after-contact work (after each contact, OPSDESK_ACW_SECONDS while they were otherwise
available). Time with no record is offline. Read-only; three queries for any number of agents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from opsdesk.messaging.models import CallRecord, ChatSession
from opsdesk.workforce.models import AgentState
from opsdesk.workforce.roster import merge

Span = tuple[str, datetime, datetime]


def timelines(agent_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, list[Span]]:
    ids = list(agent_ids)
    recorded: dict[int, list[Span]] = defaultdict(list)
    rows = AgentState.objects.filter(agent_id__in=ids, start__lt=end).filter(Q(end__isnull=True) | Q(end__gt=start))
    for row in rows.order_by("start", "id"):
        recorded[row.agent_id].append((row.state, max(row.start, start), min(row.end or end, end)))
    contacts: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    chats = ChatSession.objects.filter(agent_id__in=ids, accepted_at__isnull=False, accepted_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )
    for agent_id, accepted, ended in chats.values_list("agent_id", "accepted_at", "ended_at"):
        if accepted is not None:
            contacts[agent_id].append((accepted, ended or end))
    calls = CallRecord.objects.filter(agent_id__in=ids, answered_at__isnull=False, answered_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )
    for agent_id, answered, ended in calls.values_list("agent_id", "answered_at", "ended_at"):
        if answered is not None:
            contacts[agent_id].append((answered, ended or end))
    return {agent_id: compose(recorded.get(agent_id, []), contacts.get(agent_id, []), start, end) for agent_id in ids}


def compose(
    recorded: list[Span], contacts: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[Span]:
    """One agent's timeline from `start` to `end`: contacts over anything, after-contact work over available time,
    the recorded state elsewhere, offline where nothing was recorded."""
    acw = timedelta(seconds=settings.OPSDESK_ACW_SECONDS)
    busy = [(max(s, start), min(e, end)) for s, e in merge(contacts) if s < end and e > start]
    after = []
    for index, (_s, e) in enumerate(busy):
        limit = busy[index + 1][0] if index + 1 < len(busy) else end
        if acw and e < limit:
            after.append((e, min(e + acw, limit)))
    cuts = {start, end}
    for _state, s, e in recorded:
        cuts.update((s, e))
    for s, e in busy + after:
        cuts.update((s, e))
    points = sorted(c for c in cuts if start <= c <= end)
    found: list[Span] = []
    for a, b in zip(points, points[1:], strict=False):
        if a >= b:
            continue
        base: str = next((state for state, s, e in reversed(recorded) if s <= a and e >= b), AgentState.State.OFFLINE)
        state: str
        if any(s <= a and e >= b for s, e in busy):
            state = AgentState.State.ON_CONTACT
        elif base == AgentState.State.AVAILABLE and any(s <= a and e >= b for s, e in after):
            state = AgentState.State.ACW
        else:
            state = base
        if found and found[-1][0] == state and found[-1][2] == a:
            found[-1] = (state, found[-1][1], b)
        else:
            found.append((state, a, b))
    return found
