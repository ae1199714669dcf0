"""What the routing pages read (no writes): each team's agents with presence and load per channel group, and its
waiting tickets with why they wait; the agents' routing settings. A fixed number of queries for any number of
teams, agents and waiting tickets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count

from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.accounts.models import User
from opsdesk.core import languages
from opsdesk.people.models import Team, TeamMembership
from opsdesk.routing import events as E
from opsdesk.routing.models import (
    CHANNEL_GROUPS,
    AgentCapacity,
    AgentProfile,
    ChannelGroup,
    RoutingWait,
    TeamRouting,
)
from opsdesk.tickets.categories import UNSOLVED
from opsdesk.tickets.models import Ticket

WAITING_SHOWN = 20
WAITING_READ = 500


@dataclass
class Load:
    group: str
    label: str
    load: int
    capacity: int

    @property
    def full(self) -> bool:
        return self.load >= self.capacity


@dataclass
class AgentRow:
    user: User
    presence: str
    presence_label: str
    changed_at: datetime | None
    languages: list[str]
    loads: list[Load]


@dataclass
class WaitRow:
    wait: RoutingWait
    why: str


@dataclass
class TeamBoard:
    team: Team
    config: TeamRouting | None
    agents: list[AgentRow] = field(default_factory=list)
    waiting: list[WaitRow] = field(default_factory=list)
    waiting_total: int = 0


def _defaults(config: TeamRouting | None, group: str) -> int:
    value = (config.capacity if config else {}).get(group)
    return value if isinstance(value, int) else int(settings.OPSDESK_ROUTING_CAPACITY.get(group, 0))


def team_boards(teams: list[Team]) -> list[TeamBoard]:
    configs = {c.team_id: c for c in TeamRouting.objects.filter(team__in=teams)}
    boards = {team.pk: TeamBoard(team, configs.get(team.pk)) for team in teams}
    memberships = list(
        TeamMembership.objects.filter(
            team__in=teams,
            access=TeamMembership.Access.FULL,
            user__is_active=True,
            user__role__in=roles_with(Capability.BE_ASSIGNED),
        )
        .select_related("user", "user__routing_profile")
        .order_by("user__name", "user_id")
    )
    user_ids = {m.user_id for m in memberships}
    held: dict[tuple[int, str], int] = defaultdict(int)
    for row in (
        Ticket.objects.filter(assignee_id__in=user_ids, status_category__in=UNSOLVED)
        .values("assignee_id", "channel")
        .annotate(n=Count("id"))
        .order_by()
    ):
        held[(row["assignee_id"], CHANNEL_GROUPS.get(row["channel"], ChannelGroup.TICKETS))] += row["n"]
    own = {(c.user_id, c.channel_group): c.limit for c in AgentCapacity.objects.filter(user_id__in=user_ids)}
    offline = AgentProfile.Presence.OFFLINE
    labels = dict(AgentProfile.Presence.choices)
    for membership in memberships:
        board = boards[membership.team_id]
        profile: AgentProfile | None = getattr(membership.user, "routing_profile", None)
        presence = profile.presence if profile else offline
        board.agents.append(
            AgentRow(
                user=membership.user,
                presence=presence,
                presence_label=str(labels[presence]),
                changed_at=profile.presence_changed_at if profile else None,
                languages=[languages.name(code) for code in (profile.languages if profile else [])],
                loads=[
                    Load(
                        group,
                        str(label),
                        held[(membership.user_id, group)],
                        own.get((membership.user_id, group), _defaults(board.config, group)),
                    )
                    for group, label in ChannelGroup.choices
                ],
            )
        )
    counts = dict(
        RoutingWait.objects.filter(team__in=teams)
        .values("team_id")
        .annotate(n=Count("ticket"))
        .values_list("team_id", "n")
    )
    for wait in (
        RoutingWait.objects.filter(team__in=teams)
        .select_related("ticket")
        .order_by("team_id", "waiting_since", "ticket_id")[:WAITING_READ]
    ):
        board = boards[wait.team_id]
        if len(board.waiting) < WAITING_SHOWN:
            board.waiting.append(WaitRow(wait, E.why_text(wait.reason, wait.language or None)))
    for team_id, n in counts.items():
        boards[team_id].waiting_total = n
    return [boards[team.pk] for team in teams]


@dataclass
class AgentSettingsRow:
    user: User
    teams: list[str]
    presence_label: str
    languages: list[str]
    skills: list[tuple[str, int]]
    capacity: list[tuple[str, int]]


def agent_rows() -> list[AgentSettingsRow]:
    users = list(
        User.objects.filter(is_active=True, role__in=roles_with(Capability.BE_ASSIGNED))
        .select_related("routing_profile")
        .prefetch_related("routing_skills__skill", "routing_capacities", "memberships__team")
        .order_by("name", "id")
    )
    labels = dict(AgentProfile.Presence.choices)
    group_labels = dict(ChannelGroup.choices)
    order = list(ChannelGroup.values)
    rows = []
    for user in users:
        profile: Any = getattr(user, "routing_profile", None)
        rows.append(
            AgentSettingsRow(
                user=user,
                teams=sorted(m.team.display_name for m in user.memberships.all()),
                presence_label=str(labels[profile.presence if profile else AgentProfile.Presence.OFFLINE]),
                languages=[languages.name(code) for code in (profile.languages if profile else [])],
                skills=sorted((s.skill.name, s.level) for s in user.routing_skills.all()),
                capacity=[
                    (str(group_labels[c.channel_group]), c.limit)
                    for c in sorted(user.routing_capacities.all(), key=lambda c: order.index(c.channel_group))
                ],
            )
        )
    return rows
