"""Escalations (issue 10): what a policy does when one of its clocks warns or breaches, at levels with their own
delays. Which are due is worked out in the replay of the ticket's clocks (opsdesk.sla.actions.tracking), so a
delayed level is one more instant in the ticket's `sla_due_at`, and each level fires once per clock.

Firing records `sla.escalated` on the timeline, then does the work through the ticket actions with that event as
the cause (source `sla`): notifications, a raised priority, another team, a tag.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db.models import Q

from opsdesk.accounts.models import Role, User
from opsdesk.core.origin import origin
from opsdesk.people.models import Team, TeamMembership
from opsdesk.sla.events import ESCALATED
from opsdesk.sla.models import Escalation
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import timeline
from opsdesk.tickets.models import Ticket

PRIORITY_ORDER = ("low", "normal", "high", "urgent")


@dataclass(frozen=True)
class Rule:
    id: int
    policy_id: int
    level: int
    trigger: str
    metric: str  # empty: every metric
    delay: int
    notify: tuple[str, ...]
    by_email: bool
    raise_priority: bool
    team_id: int | None
    tag: str


class Trigger(NamedTuple):
    type: str  # warned, breached
    metric: str
    instance: int
    at: datetime
    event_id: int | None  # the stored event, if written already


class Due(NamedTuple):
    rule: Rule
    trigger: Trigger


def load() -> dict[int, list[Rule]]:
    """Every escalation rule by policy id, in level order (one query)."""
    found: dict[int, list[Rule]] = {}
    for row in Escalation.objects.order_by("policy_id", "level", "delay", "id"):
        found.setdefault(row.policy_id, []).append(
            Rule(
                id=row.pk,
                policy_id=row.policy_id,
                level=row.level,
                trigger=row.trigger,
                metric=row.metric,
                delay=row.delay,
                notify=tuple(row.notify or ()),
                by_email=row.by_email,
                raise_priority=row.raise_priority,
                team_id=row.move_to_team_id,
                tag=row.add_tag,
            )
        )
    return found


def due(
    rules: Sequence[Rule],
    triggers: Iterable[Trigger],
    *,
    running: set[tuple[str, int]],
    fired: set[tuple[int, str, int]],
    now: datetime,
) -> tuple[list[Due], datetime | None]:
    """The escalations to fire now, and the earliest one still to come. Only a clock still counting escalates: a
    reply or a solve ends what an escalation would push for."""
    ready: list[Due] = []
    later: datetime | None = None
    for trigger in triggers:
        if (trigger.metric, trigger.instance) not in running:
            continue
        for rule in rules:
            if rule.trigger != trigger.type or (rule.metric and rule.metric != trigger.metric):
                continue
            if (rule.id, trigger.metric, trigger.instance) in fired:
                continue
            at = trigger.at + timedelta(seconds=rule.delay)
            if at <= now:
                ready.append(Due(rule, trigger))
            elif later is None or at < later:
                later = at
    ready.sort(key=lambda d: (d.trigger.at + timedelta(seconds=d.rule.delay), d.rule.level, d.rule.id))
    return ready, later


def recipients(ticket: Ticket, notify: Iterable[str]) -> list[User]:
    """The active staff to notify: the assignee, the leads of the ticket's team, the managers."""
    wanted = set(notify)
    query = Q(pk__in=[])
    if Escalation.Notify.ASSIGNEE in wanted and ticket.assignee_id:
        query |= Q(pk=ticket.assignee_id)
    if Escalation.Notify.TEAM_LEADS in wanted and ticket.team_id:
        leads = TeamMembership.objects.filter(team_id=ticket.team_id, is_lead=True).values("user_id")
        query |= Q(pk__in=leads)
    if Escalation.Notify.MANAGERS in wanted:
        query |= Q(role=Role.MANAGER)
    return list(User.objects.filter(query, is_active=True).order_by("pk"))


def _raised(priority: str) -> str | None:
    index = PRIORITY_ORDER.index(priority) if priority in PRIORITY_ORDER else 1
    return PRIORITY_ORDER[index + 1] if index + 1 < len(PRIORITY_ORDER) else None


def fire(ticket_id: int, item: Due, *, cause_event: int | None, now: datetime) -> None:
    """Record the escalation and do what it says, as the SLA with the clock event as the cause."""
    rule, trigger = item
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    people = recipients(ticket, rule.notify)
    priority = _raised(ticket.priority) if rule.raise_priority else None
    team = rule.team_id if rule.team_id and rule.team_id != ticket.team_id else None
    tag = rule.tag if rule.tag and not ticket.tags.filter(name=rule.tag).exists() else ""
    data = {
        "escalation": rule.id,
        "level": rule.level,
        "trigger": trigger.type,
        "metric": trigger.metric,
        "instance": trigger.instance,
        "notified": [u.pk for u in people],
        "priority": priority,
        "team": team,
        "tag": tag,
    }
    with origin("sla", cause_event=cause_event, cause=f"escalation:{rule.id}"):
        event = timeline.record(ticket, ESCALATED, actor=None, data=data, at=now)
    with origin("sla", cause_event=event.pk, cause=f"escalation:{rule.id}"):
        if people:
            ticket_actions.notify_staff(
                ticket,
                people,
                event=event,
                data={"metric": trigger.metric, "level": rule.level, "trigger": trigger.type},
                by_email=rule.by_email,
            )
        if priority:
            ticket = ticket_actions.set_priority(ticket, priority=priority, actor=None)
        if team:
            ticket = ticket_actions.set_team(ticket, team=Team.objects.get(pk=team), actor=None)
        if tag:
            ticket_actions.set_tags(ticket, tags=[tag], actor=None, add=True)
