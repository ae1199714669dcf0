"""Routing configuration (manage routing): a team's strategy and options, an agent's languages, skills and
capacities; and a ticket's routing requirement (agents who may edit the ticket). Each in one transaction, with an
audit row (configuration) or a timeline event (the ticket)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.audit.actions import record as audit_record
from opsdesk.core import languages as language_names
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.people.models import Skill, Team
from opsdesk.routing.events import REQUIREMENT_CHANGED
from opsdesk.routing.models import (
    MAX_CAPACITY,
    MAX_FALLBACK_SECONDS,
    AgentCapacity,
    AgentSkill,
    ChannelGroup,
    TeamRouting,
    TicketRequirement,
)
from opsdesk.tickets import timeline
from opsdesk.tickets.access import can_edit
from opsdesk.tickets.models import Ticket, TicketStatus

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

ROUTE_BACKLOG = "opsdesk.routing.tasks.route_team_backlog"


def language_codes() -> list[str]:
    """The languages an agent may speak and a ticket may require: the interface's and the detectable ones."""
    from django.conf import settings

    return list(dict.fromkeys([code for code, _name in settings.LANGUAGES] + language_names.detectable()))


def _clean_languages(codes: Sequence[str], field: str) -> list[str]:
    allowed = language_codes()
    cleaned = list(dict.fromkeys(code.strip().lower() for code in codes if code and code.strip()))
    unknown = [code for code in cleaned if code not in allowed]
    if unknown:
        raise ActionError(
            "invalid_language",
            _("Unknown language: %(code)s.") % {"code": ", ".join(unknown)[:40]},
            field=field,
            status=422,
        )
    return cleaned


def _clean_capacity(values: Mapping[str, int | None], field_prefix: str) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for group, limit in values.items():
        if group not in ChannelGroup.values:
            raise ActionError("invalid_channel_group", _("Unknown channel group."), field=field_prefix, status=422)
        if limit is None:
            continue
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_CAPACITY:
            raise ActionError(
                "invalid_capacity",
                _("Capacity is a whole number from 0 to %(max)d.") % {"max": MAX_CAPACITY},
                field=f"{field_prefix}_{group}",
                status=422,
            )
        cleaned[group] = limit
    return cleaned


def _team_state(config: TeamRouting) -> dict[str, Any]:
    return {
        "strategy": config.strategy,
        "use_language": config.use_language,
        "skill_min_level": config.skill_min_level,
        "fallback_seconds": config.fallback_seconds,
        "capacity": config.capacity,
    }


@transaction.atomic
def save_team_routing(
    team: Team,
    *,
    strategy: str,
    use_language: bool,
    skill_min_level: int,
    fallback_seconds: int,
    capacity: Mapping[str, int | None],
    actor: User,
) -> TeamRouting:
    require(actor, Capability.MANAGE_ROUTING)
    if strategy not in TeamRouting.Strategy.values:
        raise ActionError("invalid_strategy", _("Choose a routing strategy."), field="strategy", status=422)
    if isinstance(skill_min_level, bool) or not 1 <= skill_min_level <= 5:
        raise ActionError("invalid_level", _("A skill level is from 1 to 5."), field="skill_min_level", status=422)
    if isinstance(fallback_seconds, bool) or not 0 <= fallback_seconds <= MAX_FALLBACK_SECONDS:
        raise ActionError(
            "invalid_fallback",
            _("The fallback time is from 0 to 7 days."),
            field="fallback_seconds",
            status=422,
        )
    cleaned_capacity = _clean_capacity(capacity, "capacity")
    TeamRouting.objects.get_or_create(team=team)
    config = TeamRouting.objects.select_for_update().get(team=team)
    before = _team_state(config)
    was_manual = config.strategy == TeamRouting.Strategy.MANUAL
    config.strategy, config.use_language = strategy, bool(use_language)
    config.skill_min_level, config.fallback_seconds, config.capacity = (
        skill_min_level,
        fallback_seconds,
        cleaned_capacity,
    )
    after = _team_state(config)
    if before == after:
        return config
    config.save(update_fields=[*after, "updated_at"])
    audit_record(actor=actor, verb="routing.team_updated", target=team, data={"before": before, "after": after})
    if strategy != TeamRouting.Strategy.MANUAL:
        # turned on, or changed: the team's unassigned tickets are routed by the new rules (oldest first, by a job)
        enqueue_on_commit(ROUTE_BACKLOG, team.pk)
    elif not was_manual:
        from opsdesk.routing.models import RoutingWait

        RoutingWait.objects.filter(team=team).delete()  # by hand now: nothing waits for routing
    return config


def _agent_state(user: User) -> dict[str, Any]:
    from opsdesk.routing.models import AgentProfile

    profile = AgentProfile.objects.filter(user=user).first()
    return {
        "languages": list(profile.languages) if profile else [],
        "skills": dict(
            AgentSkill.objects.filter(user=user).order_by("skill__name").values_list("skill__name", "level")
        ),
        "capacity": dict(
            AgentCapacity.objects.filter(user=user).order_by("channel_group").values_list("channel_group", "limit")
        ),
    }


@transaction.atomic
def save_agent_routing(
    user: User,
    *,
    languages: Sequence[str],
    skills: Mapping[Skill, int | None],
    capacity: Mapping[str, int | None],
    actor: User,
) -> dict[str, Any]:
    """An agent's languages, skill levels (None or 0 removes the skill) and own capacities (None: the default)."""
    from opsdesk.routing.actions.presence import profile_for

    require(actor, Capability.MANAGE_ROUTING)
    if not can(user, Capability.BE_ASSIGNED):
        raise ActionError("not_assignable", _("This user cannot be assigned tickets."), status=422)
    cleaned_languages = _clean_languages(languages, "languages")
    for skill, level in skills.items():
        if level is not None and (isinstance(level, bool) or not 0 <= level <= 5):
            raise ActionError(
                "invalid_level", _("A skill level is from 1 to 5."), field=f"skill_{skill.pk}", status=422
            )
    cleaned_capacity = _clean_capacity(capacity, "capacity")
    profile = profile_for(user)  # locks the agent's routing rows against a concurrent edit
    before = _agent_state(user)
    profile.languages = cleaned_languages
    profile.save(update_fields=["languages"])
    for skill, level in skills.items():
        if level:
            AgentSkill.objects.update_or_create(user=user, skill=skill, defaults={"level": level})
        else:
            AgentSkill.objects.filter(user=user, skill=skill).delete()
    for group in ChannelGroup.values:
        if group in cleaned_capacity:
            AgentCapacity.objects.update_or_create(
                user=user, channel_group=group, defaults={"limit": cleaned_capacity[group]}
            )
        elif group in capacity:
            AgentCapacity.objects.filter(user=user, channel_group=group).delete()
    after = _agent_state(user)
    if before != after:
        audit_record(actor=actor, verb="routing.agent_updated", target=user, data={"before": before, "after": after})
    return after


@transaction.atomic
def set_ticket_requirement(
    ticket: Ticket, *, skills: Sequence[Skill], language: str, actor: User | None
) -> TicketRequirement | None:
    """What routing must match for this ticket: skills, and a language instead of the detected or customer's one
    (empty: none). Recorded on the timeline; an unassigned ticket is routed again by the consumer."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if actor is not None and not can_edit(actor, locked):
        raise ActionError("forbidden", _("You cannot change this ticket."), status=403)
    if locked.status_category == TicketStatus.Category.CLOSED:
        raise ActionError("ticket_closed", _("This ticket is closed and can no longer be changed."))
    cleaned = _clean_languages([language], "language") if language else []
    requirement = TicketRequirement.objects.filter(ticket=locked).first()
    old_skills = sorted(requirement.skills.values_list("name", flat=True)) if requirement else []
    old_language = requirement.language if requirement else ""
    new_skills = sorted({s.name for s in skills})
    new_language = cleaned[0] if cleaned else ""
    if (old_skills, old_language) == (new_skills, new_language):
        return requirement
    if requirement is None:
        requirement = TicketRequirement.objects.create(ticket=locked, language=new_language)
    else:
        requirement.language = new_language
        requirement.save(update_fields=["language", "updated_at"])
    requirement.skills.set(list(skills))
    timeline.record(
        locked,
        REQUIREMENT_CHANGED,
        actor=actor,
        data={"skills": new_skills, "language": new_language or None},
    )
    return requirement
