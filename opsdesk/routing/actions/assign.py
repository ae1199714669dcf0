"""Routing one ticket, and the waiting tickets of a team, by the team's strategy.

Safe under concurrency (docs/adr/0024-routing.md): the ticket is locked first and checked to be still unassigned,
then every assignable member's profile row, in user id order (one order for every worker, so no deadlock); the
load is counted inside those locks, so two workers never give the same ticket twice nor the last place of an
agent's capacity to two tickets. On SQLite every write transaction holds the database's write lock, which
serialises the same steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.core import origin
from opsdesk.core.errors import ActionError
from opsdesk.people.models import Skill, TeamMembership
from opsdesk.routing import events as E
from opsdesk.routing import strategies
from opsdesk.routing.models import (
    CHANNEL_GROUPS,
    AgentCapacity,
    AgentProfile,
    AgentSkill,
    ChannelGroup,
    RoutingWait,
    TeamRouting,
    TicketRequirement,
    channels_of,
)
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import events as ticket_events
from opsdesk.tickets import timeline
from opsdesk.tickets.categories import UNSOLVED
from opsdesk.tickets.models import Ticket
from opsdesk.workforce import availability

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

# Live chats are taken by agents from the chat queue (messaging.actions.chat.accept_chat, with the widget's limit);
# routing leaves them there.
NOT_ROUTED_CHANNELS = frozenset({Ticket.Channel.CHAT})
WAITING_BATCH = 100


@dataclass(frozen=True)
class Decision:
    """What routing did with one ticket: the agent it assigned (None when it did not), the reason codes
    (events.*: an assignment's reasons, or one wait reason, `manual` or `not_routable`) and the sentence the
    timeline shows, in the active language (empty when nothing was recorded)."""

    assignee: User | None
    reasons: list[str] = field(default_factory=list)
    text: str = ""


def ticket_language(ticket: Ticket, requirement: TicketRequirement | None) -> str:
    """The language routing matches: the requirement's override, else the detected one, else the ticket's."""
    if requirement is not None and requirement.language:
        return requirement.language
    return ticket.detected_language or ticket.language


def default_capacity(config: TeamRouting | None, group: str) -> int:
    team_default = (config.capacity if config else {}).get(group)
    if isinstance(team_default, int):
        return team_default
    return int(settings.OPSDESK_ROUTING_CAPACITY.get(group, 0))


def assignable_member_ids(team_id: int) -> list[int]:
    return list(
        TeamMembership.objects.filter(
            team_id=team_id,
            access=TeamMembership.Access.FULL,
            user__is_active=True,
            user__role__in=roles_with(Capability.BE_ASSIGNED),
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def loads(user_ids: Iterable[int], group: str) -> dict[int, int]:
    """Each agent's unsolved assigned tickets in a channel group (through the ticket_mine index)."""
    rows = (
        Ticket.objects.filter(
            assignee_id__in=list(user_ids), status_category__in=UNSOLVED, channel__in=channels_of(group)
        )
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def capacities(user_ids: Iterable[int], group: str, config: TeamRouting | None) -> dict[int, int]:
    ids = list(user_ids)
    own = dict(AgentCapacity.objects.filter(user_id__in=ids, channel_group=group).values_list("user_id", "limit"))
    fallback = default_capacity(config, group)
    return {pk: own.get(pk, fallback) for pk in ids}


def _candidates(
    members: list[int],
    profiles: list[AgentProfile],
    group: str,
    config: TeamRouting,
    skill_ids: list[int],
    now: datetime,
) -> list[strategies.Candidate]:
    """Every assignable member; one without a profile has never been online, one off shift by their published
    schedule (workforce.availability) counts as offline."""
    ids = [p.user_id for p in profiles]
    off = availability.off_shift([p.user_id for p in profiles if p.presence == AgentProfile.Presence.ONLINE], now)
    load = loads(ids, group)
    capacity = capacities(ids, group, config)
    levels: dict[int, dict[int, int]] = {}
    if skill_ids:
        for user_id, skill_id, level in AgentSkill.objects.filter(user_id__in=ids, skill_id__in=skill_ids).values_list(
            "user_id", "skill_id", "level"
        ):
            levels.setdefault(user_id, {})[skill_id] = level
    return [
        strategies.Candidate(
            user_id=p.user_id,
            presence=AgentProfile.Presence.OFFLINE if p.user_id in off else p.presence,
            languages=tuple(p.languages or ()),
            skills=levels.get(p.user_id, {}),
            load=load.get(p.user_id, 0),
            capacity=capacity[p.user_id],
            last_assigned_at=p.last_assigned_at,
        )
        for p in profiles
    ] + [
        strategies.Candidate(pk, AgentProfile.Presence.OFFLINE, (), {}, 0, 0, None)
        for pk in members
        if pk not in capacity
    ]


def _render(kind: str, data: dict[str, Any], names: dict[str, dict[Any, Any]]) -> str:
    return ticket_events.render(kind, data, names)


def _not_routed(ticket: Ticket, reason: str) -> Decision:
    RoutingWait.objects.filter(ticket_id=ticket.pk).delete()
    return Decision(None, [reason], "")


def routable(ticket: Ticket) -> bool:
    return (
        ticket.assignee_id is None
        and ticket.team_id is not None
        and ticket.status_category in UNSOLVED
        and ticket.merged_into_id is None
        and ticket.channel not in NOT_ROUTED_CHANNELS
    )


@transaction.atomic
def route_ticket(ticket: Ticket, *, now: datetime | None = None) -> Decision:
    """Route one ticket by its team's strategy now: assign it (`routing.assigned` on the timeline with the reasons)
    or leave it waiting (`routing.waiting`, when it starts waiting or the reason changes). Keeps the caller's origin
    cause (an automation rule) if one is set, else records `routing:<team id>`; the source is `automation`."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not routable(ticket):
        return _not_routed(ticket, E.NOT_ROUTABLE)
    assert ticket.team_id is not None
    config = TeamRouting.objects.filter(team_id=ticket.team_id).first()
    if config is None or config.strategy == TeamRouting.Strategy.MANUAL:
        return _not_routed(ticket, E.MANUAL)
    requirement = TicketRequirement.objects.filter(ticket_id=ticket.pk).first()
    skill_ids = sorted(requirement.skills.values_list("id", flat=True)) if requirement else []
    language = ticket_language(ticket, requirement) if config.use_language else None
    need = strategies.Need(language=language, skills=tuple(skill_ids), min_level=config.skill_min_level)
    group = CHANNEL_GROUPS.get(ticket.channel, ChannelGroup.TICKETS)

    members = assignable_member_ids(ticket.team_id)
    profiles = list(
        AgentProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user_id__in=members)
        .order_by("user_id")
    )
    candidates = _candidates(members, profiles, group, config, skill_ids, now)
    wait = RoutingWait.objects.filter(ticket_id=ticket.pk).first()
    if wait is not None and wait.team_id != ticket.team_id:  # moved to another team: it waits there from now
        wait.delete()
        wait = None
    fallback_at = wait.fallback_at if wait else now + timedelta(seconds=config.fallback_seconds)
    choice = strategies.choose(config.strategy, candidates, need)
    fallback_due = fallback_at is not None and now >= fallback_at
    if choice.candidate is None and choice.reasons[0] in (E.NO_LANGUAGE, E.NO_SKILLS) and fallback_due:
        choice = strategies.choose(config.strategy, candidates, need, fallback=True)
    cause = None if origin.current().cause else f"routing:{ticket.team_id}"
    with origin.origin("automation", cause=cause):
        if choice.candidate is None:
            return _wait(ticket, config, wait, choice.reasons[0], language, fallback_at, now)
        return _assign(ticket, config, profiles, choice, need, skill_ids, group, now)


def _wait(
    ticket: Ticket,
    config: TeamRouting,
    wait: RoutingWait | None,
    why: str,
    language: str | None,
    fallback_at: datetime | None,
    now: datetime,
) -> Decision:
    has_fallback = why in (E.NO_LANGUAGE, E.NO_SKILLS)
    data = {
        "team": config.team_id,
        "strategy": config.strategy,
        "why": why,
        "language": language,
        "fallback_at": fallback_at.isoformat() if has_fallback and fallback_at else None,
    }
    text = _render(E.WAITING, data, {})
    assert ticket.team_id is not None
    if wait is None:
        RoutingWait.objects.create(
            ticket=ticket,
            team_id=ticket.team_id,
            waiting_since=now,
            fallback_at=fallback_at,
            reason=why,
            language=language or "",
            tried_at=now,
        )
    elif wait.reason != why or wait.language != (language or ""):
        wait.reason, wait.language, wait.tried_at = why, language or "", now
        wait.save(update_fields=["reason", "language", "tried_at"])
    else:
        wait.tried_at = now
        wait.save(update_fields=["tried_at"])
        return Decision(None, [why], text)  # the same reason as before: the timeline says it already
    timeline.record(ticket, E.WAITING, actor=None, at=now, data=data)
    return Decision(None, [why], text)


def _assign(
    ticket: Ticket,
    config: TeamRouting,
    profiles: list[AgentProfile],
    choice: strategies.Choice,
    need: strategies.Need,
    skill_ids: list[int],
    group: str,
    now: datetime,
) -> Decision:
    picked = choice.candidate
    assert picked is not None
    profile = next(p for p in profiles if p.user_id == picked.user_id)
    assignee = profile.user
    try:
        assigned = ticket_actions.assign_ticket(ticket, assignee=assignee, actor=None)
    except ActionError:
        return _not_routed(ticket, E.NOT_ROUTABLE)
    skill_names = dict(Skill.objects.filter(pk__in=skill_ids).values_list("pk", "name")) if skill_ids else {}
    fallback = E.FALLBACK in choice.reasons
    data = {
        "assignee": assignee.pk,
        "team": config.team_id,
        "strategy": config.strategy,
        "reasons": choice.reasons,
        "language": None if fallback else need.language,
        "skills": {} if fallback else {skill_names[s]: picked.skills.get(s, 0) for s in skill_ids},
        "channel_group": group,
        "load": picked.load,
        "capacity": picked.capacity,
        "fallback": fallback,
    }
    # at the assignment's own instant, so the timeline reads the change and then its reason
    timeline.record(ticket, E.ASSIGNED, actor=None, at=max(now, assigned.updated_at), data=data)
    profile.last_assigned_at = now
    profile.save(update_fields=["last_assigned_at"])
    RoutingWait.objects.filter(ticket_id=ticket.pk).delete()
    return Decision(assignee, list(choice.reasons), _render(E.ASSIGNED, data, {"user": {assignee.pk: assignee.name}}))


# Nobody in the team can take anything now: later tickets of the queue need not be tried.
TEAM_BLOCKED = frozenset({E.NO_AGENTS, E.ALL_OFFLINE, E.ALL_FULL})


def route_waiting(team_id: int, *, now: datetime | None = None, limit: int = WAITING_BATCH) -> int:
    """Try a team's waiting tickets in the order they began waiting (each in its own transaction), until one finds
    the whole team unavailable; returns how many were assigned."""
    assigned = 0
    ids = list(
        RoutingWait.objects.filter(team_id=team_id)
        .order_by("waiting_since", "ticket_id")
        .values_list("ticket_id", flat=True)[:limit]
    )
    for ticket_id in ids:
        try:
            decision = route_ticket(Ticket(pk=ticket_id), now=now)
        except Ticket.DoesNotExist:
            continue
        if decision.assignee is not None:
            assigned += 1
        elif decision.reasons and decision.reasons[0] in TEAM_BLOCKED:
            break
    return assigned


def route_waiting_for_agent(user_id: int, *, now: datetime | None = None) -> int:
    """An agent came online or freed capacity: the waiting tickets of each of their teams."""
    team_ids = (
        TeamMembership.objects.filter(user_id=user_id, access=TeamMembership.Access.FULL)
        .order_by("team_id")
        .values_list("team_id", flat=True)
    )
    waiting = set(RoutingWait.objects.filter(team_id__in=list(team_ids)).values_list("team_id", flat=True).distinct())
    return sum(route_waiting(team_id, now=now) for team_id in sorted(waiting))


def route_all_waiting(*, now: datetime | None = None) -> int:
    """The minutely retry: every team with waiting tickets (fallbacks fall due here)."""
    team_ids = sorted(set(RoutingWait.objects.values_list("team_id", flat=True).distinct()))
    return sum(route_waiting(team_id, now=now) for team_id in team_ids)


def route_backlog(team_id: int, *, now: datetime | None = None, limit: int = 500) -> int:
    """A team just turned routing on: its unassigned unsolved tickets, oldest first (the ticket_team index)."""
    ids = list(
        Ticket.objects.filter(team_id=team_id, status_category__in=UNSOLVED, assignee__isnull=True, merged_into=None)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    assigned = 0
    for ticket_id in ids:
        decision = route_ticket(Ticket(pk=ticket_id), now=now)
        if decision.assignee is not None:
            assigned += 1
        elif decision.reasons and decision.reasons[0] in TEAM_BLOCKED:
            break
    return assigned
