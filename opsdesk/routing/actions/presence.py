"""Agents' presence: set by hand in the workspace or the API, kept by activity (routing.middleware), and moved to
away, then offline, by the minutely job when an agent has been idle. Coming online routes the waiting tickets of
the agent's teams (after commit, by a job)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.routing.models import AgentProfile
from opsdesk.workforce.actions import states as agent_states

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

Presence = AgentProfile.Presence
ROUTE_FOR_AGENT = "opsdesk.routing.tasks.route_for_agent"


def profile_for(user: User) -> AgentProfile:
    """The user's profile row, locked (created offline the first time)."""
    AgentProfile.objects.get_or_create(user=user)
    return AgentProfile.objects.select_for_update().get(user=user)


def _check_assignable(user: User) -> None:
    if not can(user, Capability.BE_ASSIGNED):
        raise ActionError("not_assignable", _("Only agents who can be assigned tickets have a presence."), status=403)


@transaction.atomic
def set_presence(user: User, *, presence: str, actor: User) -> AgentProfile:
    """By hand: the agent themself, or a routing manager for them. Online starts routing their teams' waiting
    tickets to them; away and offline stay until they set it again (activity does not undo them)."""
    if actor.pk != user.pk:
        require(actor, Capability.MANAGE_ROUTING)
    _check_assignable(user)
    if presence not in Presence.values:
        raise ActionError("invalid_presence", _("Choose online, away or offline."), field="presence", status=422)
    profile = profile_for(user)
    now = timezone.now()
    fields = ["presence_by_hand", "last_active_at"]
    profile.presence_by_hand = True
    profile.last_active_at = now  # the idle check counts from here
    if profile.presence != presence:
        profile.presence, profile.presence_changed_at = presence, now
        fields += ["presence", "presence_changed_at"]
        if presence == Presence.ONLINE:
            enqueue_on_commit(ROUTE_FOR_AGENT, user.pk)
        agent_states.presence_changed([user.pk], presence, at=now)
    profile.save(update_fields=fields)
    return profile


def record_activity(user: User, *, now: datetime | None = None) -> None:
    """The agent did something in the workspace: one UPDATE while online; otherwise they come online, unless they
    set away or offline by hand."""
    now = now or timezone.now()
    if AgentProfile.objects.filter(user_id=user.pk, presence=Presence.ONLINE).update(last_active_at=now):
        return
    if not can(user, Capability.BE_ASSIGNED):
        return
    with transaction.atomic():
        profile = profile_for(user)
        profile.last_active_at = now
        fields = ["last_active_at"]
        if profile.presence != Presence.ONLINE and not profile.presence_by_hand:
            profile.presence, profile.presence_changed_at = Presence.ONLINE, now
            fields += ["presence", "presence_changed_at"]
            enqueue_on_commit(ROUTE_FOR_AGENT, user.pk)
            agent_states.presence_changed([user.pk], Presence.ONLINE, at=now)
        profile.save(update_fields=fields)


@transaction.atomic
def expire_idle(*, now: datetime | None = None) -> tuple[int, int]:
    """The minutely job: online agents idle for OPSDESK_ROUTING_AWAY_SECONDS go away, and agents idle for
    OPSDESK_ROUTING_OFFLINE_SECONDS go offline (also those who set away by hand). Returns (away, offline)."""
    now = now or timezone.now()
    offline_before = now - timedelta(seconds=settings.OPSDESK_ROUTING_OFFLINE_SECONDS)
    away_before = now - timedelta(seconds=settings.OPSDESK_ROUTING_AWAY_SECONDS)
    going = list(
        AgentProfile.objects.exclude(presence=Presence.OFFLINE)
        .filter(last_active_at__lt=offline_before)
        .values_list("user_id", flat=True)
    )
    offline = AgentProfile.objects.filter(user_id__in=going).update(
        presence=Presence.OFFLINE, presence_by_hand=False, presence_changed_at=now
    )
    idle = list(
        AgentProfile.objects.filter(presence=Presence.ONLINE, last_active_at__lt=away_before).values_list(
            "user_id", flat=True
        )
    )
    away = AgentProfile.objects.filter(user_id__in=idle).update(
        presence=Presence.AWAY, presence_by_hand=False, presence_changed_at=now
    )
    agent_states.presence_changed(going, Presence.OFFLINE, at=now)  # the agents' state spans (workforce)
    agent_states.presence_changed(idle, Presence.AWAY, at=now)
    return away, offline
