"""Routing set-ups for tests: a team with agents, their presence, languages, skills and capacity, through the actions
where there is one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from opsdesk.accounts.models import Role
from opsdesk.people import actions as people_actions
from opsdesk.people.models import Skill, Team
from opsdesk.routing import actions
from opsdesk.routing.models import AgentProfile, TeamRouting
from opsdesk.tests.factories import make_user


def team_routing(team: Team, actor: Any, strategy: str = "round_robin", **options: Any) -> TeamRouting:
    values: dict[str, Any] = {
        "strategy": strategy,
        "use_language": False,
        "skill_min_level": 1,
        "fallback_seconds": 600,
        "capacity": {},
    }
    values.update(options)
    return actions.save_team_routing(team, actor=actor, **values)


def agent(
    email: str,
    name: str,
    team: Team,
    admin: Any,
    *,
    presence: str = "online",
    languages: tuple[str, ...] = (),
    skills: dict[str, int] | None = None,
    capacity: dict[str, int | None] | None = None,
    last_assigned_at: datetime | None = None,
) -> Any:
    user = make_user(email, Role.AGENT, name)
    people_actions.set_membership(team, user=user, member=True, actor=admin)
    give(user, admin, languages=languages, skills=skills, capacity=capacity)
    actions.set_presence(user, presence=presence, actor=user)
    if last_assigned_at is not None:
        AgentProfile.objects.filter(user=user).update(last_assigned_at=last_assigned_at)
    return user


def give(
    user: Any,
    admin: Any,
    *,
    languages: tuple[str, ...] = (),
    skills: dict[str, int] | None = None,
    capacity: dict[str, int | None] | None = None,
) -> None:
    actions.save_agent_routing(
        user,
        languages=list(languages),
        skills={Skill.objects.get_or_create(name=name)[0]: level for name, level in (skills or {}).items()},
        capacity=capacity or {},
        actor=admin,
    )


def now() -> datetime:
    return timezone.now()
