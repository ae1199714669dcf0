"""A ticket's KPI facts, computed from its timeline alone (METRICS.md §0–§3): the one place that says when a ticket
was first answered, solved, reopened, how long it waited in which category, and which SLA clocks it met.

`compute` is pure: the ticket's current attributes, its events in order and the business calendar in, one `Facts`
row and its `Activity` rows (solves, reopens, public replies, settled SLA clocks) out. The consumer and the rebuild
both call it, so an incremental update and a rebuild store the same rows. Durations are whole seconds, null when
the end event has not happened (never 0 for "not yet").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from opsdesk.sla.business_time import Schedule
from opsdesk.tickets import categories
from opsdesk.tickets import reopens as reopens_rule

UNSOLVED = frozenset(categories.UNSOLVED)
DONE = frozenset(categories.DONE)
# METRICS.md §3: requester wait counts new, open and on-hold; agent work new and open.
REQUESTER_WAIT = frozenset({"new", "open", "on_hold"})
AGENT_WORK = frozenset({"new", "open"})
WAITING = UNSOLVED - AGENT_WORK  # pending and on hold: one-touch needs a ticket never put there

KINDS = (
    "ticket.created",
    "comment.added",
    "status.changed",
    "assignee.changed",
    "ticket.merged",
    "sla.breached",
    "sla.fulfilled",
    "sla.reactivated",
    "sla.cancelled",
)
"""The event kinds facts are computed from: a ticket whose new events are all of other kinds keeps its facts,
except for its attributes (team, channel, ...), which are read from the ticket row."""


class EventLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def at(self) -> datetime: ...

    @property
    def actor_id(self) -> int | None: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class TicketInfo:
    """The ticket's current attributes: per-dimension cuts use them (ADR 0026)."""

    id: int
    created_at: datetime
    status_category: str
    channel: str
    team_id: int | None
    language: str
    priority: str
    organization_id: int | None
    merged_into_id: int | None


@dataclass(frozen=True)
class Activity:
    """Something that happened to the ticket and is counted on its day: `solved`, `reopened` (detail `trivial`
    when the ticket was solved again without a public agent reply), `reply` (a public agent reply), and
    `sla_achieved` / `sla_breached` (detail = the SLA metric)."""

    kind: str
    at: datetime
    agent_id: int | None = None
    detail: str = ""


@dataclass
class Facts:
    ticket_id: int
    counted: bool
    created_at: datetime
    created_by: str
    team_id: int | None
    channel: str
    language: str
    priority: str
    organization_id: int | None
    calendar: str = ""
    first_reply_at: datetime | None = None
    first_reply_agent_id: int | None = None
    frt: int | None = None
    frt_bh: int | None = None
    first_solved_at: datetime | None = None
    first_solved_agent_id: int | None = None
    first_resolution: int | None = None
    first_resolution_bh: int | None = None
    solved_at: datetime | None = None
    solved_agent_id: int | None = None
    resolution: int | None = None
    resolution_bh: int | None = None
    requester_wait: int | None = None
    requester_wait_bh: int | None = None
    agent_work: int | None = None
    agent_work_bh: int | None = None
    pending_time: int | None = None
    on_hold_time: int | None = None
    public_replies: int = 0
    reopens: int = 0
    one_touch: bool | None = None
    activities: list[Activity] = field(default_factory=list)


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, int(end.timestamp()) - int(start.timestamp()))


def _sla_outcomes(events: list[EventLike], assignee_at: list[tuple[datetime, int | None]]) -> list[Activity]:
    """Settled SLA clocks (METRICS.md §2.5, §2.7): breached is final (settled at the deadline); a fulfilment
    settles achieved unless breached; a reopen's reactivation unsettles an achieved resolution clock; cancelled
    clocks are left out."""
    state: dict[tuple[str, int], tuple[str, datetime] | None] = {}
    for event in events:
        kind = event.kind
        if not kind.startswith("sla."):
            continue
        data = event.data
        key = (str(data.get("metric", "")), int(data.get("instance") or 1))
        current = state.get(key)
        breached = current is not None and current[0] == "breached"
        if kind == "sla.breached" and not breached:
            state[key] = ("breached", event.at)
        elif kind == "sla.fulfilled" and not breached:
            state[key] = ("achieved", event.at)
        elif kind in ("sla.reactivated", "sla.cancelled") and not breached:
            state[key] = None
    found = []
    for (metric, _instance), outcome in sorted(state.items()):
        if outcome is not None:
            found.append(Activity(f"sla_{outcome[0]}", outcome[1], _assignee(assignee_at, outcome[1]), metric))
    return found


def _assignee(history: list[tuple[datetime, int | None]], at: datetime) -> int | None:
    who = None
    for moment, user in history:
        if moment > at:
            break
        who = user
    return who


def compute(ticket: TicketInfo, events: Iterable[EventLike], schedule: Schedule | None, calendar: str = "") -> Facts:
    """The facts of one ticket from its events in timeline order (at, id)."""
    events = list(events)
    created_by = "end_user"
    category = "new"
    created_at = ticket.created_at
    assignee_history: list[tuple[datetime, int | None]] = []
    merged_away = ticket.merged_into_id is not None
    for event in events:
        if event.kind == "ticket.created":
            data = event.data
            created_by = str(data.get("created_by") or "end_user")
            category = str(data.get("category") or "new")
            created_at = event.at
            assignee = data.get("assignee")
            assignee_history.append((event.at, int(assignee) if assignee else None))
            break
    facts = Facts(
        ticket_id=ticket.id,
        counted=True,
        created_at=created_at,
        created_by=created_by,
        team_id=ticket.team_id,
        channel=ticket.channel,
        language=ticket.language,
        priority=ticket.priority,
        organization_id=ticket.organization_id,
        calendar=calendar,
    )
    # Walk the timeline: category intervals, replies, solves and reopens.
    intervals: list[tuple[datetime, datetime | None, str]] = []  # [start, end) in a category
    since = created_at
    solves: list[datetime] = []
    reopens: list[tuple[datetime, bool]] = []  # (at, replied since) — trivial when solved again with no reply
    replies_since_reopen = True
    opening_checked = created_by != "agent"
    opened_publicly = False
    ever_waiting = category in WAITING
    activities: list[Activity] = []
    if category in DONE:  # created solved (an agent logging a call already dealt with): a solve at creation
        solves.append(created_at)
        activities.append(Activity("solved", created_at, _assignee(assignee_history, created_at)))
    for event in events:
        kind = event.kind
        data = event.data
        if kind == "assignee.changed":
            new = data.get("new")
            assignee_history.append((event.at, int(new) if new else None))
        elif kind == "ticket.merged" and data.get("source") == ticket.id:
            merged_away = True
        elif kind == "comment.added":
            is_reply = reopens_rule.is_public_agent_reply(data)
            if not opening_checked:
                opening_checked = True
                if event.at == created_at and is_reply:
                    opened_publicly = True  # METRICS.md §3: FRT is N/A; the opening is no reply itself
                    continue
            if not is_reply:
                continue
            author = data.get("author")
            agent = int(author) if author else event.actor_id
            facts.public_replies += 1
            replies_since_reopen = True
            activities.append(Activity("reply", event.at, agent))
            if facts.first_reply_at is None and not opened_publicly:
                facts.first_reply_at = event.at
                facts.first_reply_agent_id = agent
        elif kind == "status.changed":
            new_category = str(data.get("to_category") or category)
            if new_category == category:
                continue
            intervals.append((since, event.at, category))
            since = event.at
            if new_category in WAITING:
                ever_waiting = True
            if category in UNSOLVED and new_category in DONE:
                solves.append(event.at)
                activities.append(Activity("solved", event.at, _assignee(assignee_history, event.at)))
                if reopens and reopens[-1][1] is False:
                    reopens[-1] = (reopens[-1][0], not replies_since_reopen)  # trivial if no reply since
            elif category == "solved" and new_category in UNSOLVED:
                reopens.append((event.at, False))  # settled at the next solve
                replies_since_reopen = False
            category = new_category
    intervals.append((since, None, category))

    if merged_away:
        facts.counted = False  # METRICS.md §0: merge sources are always excluded
        return facts
    for at, trivial in reopens:
        activities.append(Activity("reopened", at, None, "trivial" if trivial else ""))
    facts.reopens = sum(1 for _at, trivial in reopens if not trivial)
    if facts.first_reply_at is not None:
        facts.frt = _seconds(created_at, facts.first_reply_at)
        facts.frt_bh = schedule.business_seconds(created_at, facts.first_reply_at) if schedule else None
    if solves:
        first = solves[0]
        facts.first_solved_at = first
        facts.first_solved_agent_id = _assignee(assignee_history, first)
        facts.first_resolution = _seconds(created_at, first)
        facts.first_resolution_bh = schedule.business_seconds(created_at, first) if schedule else None
    if category in DONE and solves:
        last = solves[-1]
        facts.solved_at = last
        facts.solved_agent_id = _assignee(assignee_history, last)
        facts.resolution = _seconds(created_at, last)
        facts.resolution_bh = schedule.business_seconds(created_at, last) if schedule else None
        wait = work = pending = hold = 0
        wait_bh = work_bh = 0
        for start, end, cat in intervals:
            end = last if end is None or end > last else end
            if end <= start:
                continue
            span = _seconds(start, end)
            span_bh = schedule.business_seconds(start, end) if schedule and cat in REQUESTER_WAIT else 0
            if cat in REQUESTER_WAIT:
                wait += span
                wait_bh += span_bh
            if cat in AGENT_WORK:
                work += span
                work_bh += span_bh
            if cat == "pending":
                pending += span
            elif cat == "on_hold":
                hold += span
        facts.requester_wait, facts.agent_work = wait, work
        facts.requester_wait_bh = wait_bh if schedule else None
        facts.agent_work_bh = work_bh if schedule else None
        facts.pending_time, facts.on_hold_time = pending, hold
        facts.one_touch = facts.public_replies == 1 and not ever_waiting and facts.reopens == 0
    activities.extend(_sla_outcomes(events, assignee_history))
    activities.sort(key=lambda a: (a.at, a.kind, a.detail))
    facts.activities = activities
    return facts
