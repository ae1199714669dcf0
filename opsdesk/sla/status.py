"""What a ticket's SLA clocks are now, for the pages that show them: the agent's SLA panel and the customer's
"we aim to reply by". Read-only: the same replay as the writer (opsdesk/sla/actions/tracking.py), over the
ticket's events, with the breaches already written kept final.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from opsdesk.sla import clocks, facts, policies
from opsdesk.sla import events as sla_events
from opsdesk.sla.actions import tracking

RUNNING, PAUSED = "running", "paused"
ACHIEVED, BREACHED, CANCELLED = clocks.ACHIEVED, clocks.BREACHED, clocks.CANCELLED


class EventLike(facts.EventLike, Protocol):
    """A stored ticket event: what the facts read, and its id for the link to the history."""

    @property
    def pk(self) -> Any: ...


@dataclass(frozen=True)
class Clock:
    """One clock as a reader sees it."""

    metric: str
    instance: int
    state: str  # running, paused, achieved, breached, cancelled
    counting: bool  # still counting: running, or breached and not yet stopped
    due_at: datetime | None  # the deadline while running; the breach instant once breached
    left_seconds: int | None  # paused: what is left of the target, on its basis
    ended_at: datetime | None  # achieved or cancelled: when
    event_id: int | None  # its latest event on the timeline, if written yet

    @property
    def name(self) -> str:
        return sla_events.metric_name(self.metric)


@dataclass(frozen=True)
class Status:
    policy: str  # the name of the policy in force when it applied
    clocks: list[Clock]


def clocks_for(ticket_id: int, events: Iterable[EventLike], *, now: datetime) -> Status | None:
    """The ticket's clocks at `now` from its events (all of them, in timeline order): each one still counting or
    paused, and the latest of each metric once settled. None when no SLA policy ever applied."""
    rows = [tracking.Row(int(e.pk or 0), ticket_id, e.kind, e.at, dict(e.data)) for e in events]
    applied = [r for r in rows if r.kind == sla_events.POLICY_APPLIED]
    if not applied:
        return None
    state = tracking.replay_rows(ticket_id, rows, applied, now=now, calendars=policies.Calendars())
    stored = [r for r in rows if r.kind in sla_events.CLOCK_KINDS]
    breaches = tracking.keep_breaches(state, stored)
    latest_event = {(str(r.data.get("metric")), int(r.data.get("instance", 0))): r.id for r in stored}
    ends = {(e.metric, e.instance): e.at for e in state.events if e.type in (clocks.FULFILLED, clocks.CANCELLED)}
    reported = {(e.metric, e.instance) for e in state.events} | set(latest_event)

    found: list[Clock] = []
    for instance in state.instances:
        key = (instance.metric, instance.number)
        if key not in reported:
            continue  # never had a target: nothing was measured
        due = tracking.display_deadline(state, instance, breaches)
        if instance.outcome == BREACHED:
            word = BREACHED
            due = due or tracking.breach_at(state, instance, breaches)
        elif instance.outcome in (ACHIEVED, CANCELLED):
            word = instance.outcome
        elif instance.running:
            word = RUNNING
        else:
            word = PAUSED
        left = None
        if word == PAUSED and state.rule is not None and instance.metric in state.rule.targets:
            left = max(0, state.rule.targets[instance.metric].seconds - instance.elapsed(state.rule, now))
        found.append(
            Clock(
                metric=instance.metric,
                instance=instance.number,
                state=word,
                counting=not instance.ended and word in (RUNNING, BREACHED),
                due_at=due,
                left_seconds=left,
                ended_at=ends.get(key) if instance.ended else None,
                event_id=latest_event.get(key),
            )
        )
    return Status(policy=str(applied[-1].data.get("name", "")), clocks=_shown(found))


def _shown(found: Sequence[Clock]) -> list[Clock]:
    """Every clock still counting or paused, and the latest settled one of each metric that has none of those, in
    the order of METRICS.md §2.2."""
    live = {c.metric for c in found if c.counting or c.state == PAUSED}
    latest: dict[str, Clock] = {}
    for clock in found:
        if not (clock.counting or clock.state == PAUSED) and clock.metric not in live:
            latest[clock.metric] = clock
    order = {metric: index for index, metric in enumerate(clocks.METRICS)}
    shown = [c for c in found if c.counting or c.state == PAUSED] + list(latest.values())
    return sorted(shown, key=lambda c: (order.get(c.metric, 99), c.instance))


def reply_due(status: Status | None) -> tuple[datetime | None, bool]:
    """For the customer: the earliest deadline of a reply clock (first or next reply) counting on time, and whether
    a reply clock is counting but already late (then no time is promised)."""
    if status is None:
        return None, False
    replies = [c for c in status.clocks if c.metric in clocks.REPLY_METRICS and c.counting]
    on_time = [c.due_at for c in replies if c.state == RUNNING and c.due_at is not None]
    if on_time:
        return min(on_time), False
    return None, bool(replies)
