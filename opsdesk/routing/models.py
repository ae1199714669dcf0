"""Routing: agents' presence, capacity and skills, and each team's way of handing out tickets (ADR 0024).

Capacity and load are counted per channel group (tickets/channels.py), not per channel."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsdesk.people.models import Skill, Team
from opsdesk.tickets.channels import CHANNEL_GROUPS, ChannelGroup, channels_of
from opsdesk.tickets.models import Ticket

__all__ = ["CHANNEL_GROUPS", "ChannelGroup", "channels_of"]


MAX_CAPACITY = 200
MAX_FALLBACK_SECONDS = 7 * 86400


class AgentProfile(models.Model):
    """An assignable staff user's routing state: presence (set by hand or by activity), the languages they answer in
    and when routing last gave them a ticket (round robin's order: longest since the last routed assignment)."""

    class Presence(models.TextChoices):
        ONLINE = "online", _("Online")
        AWAY = "away", _("Away")
        OFFLINE = "offline", _("Offline")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="routing_profile"
    )
    presence = models.CharField(_("presence"), max_length=10, choices=Presence.choices, default=Presence.OFFLINE)
    presence_by_hand = models.BooleanField(_("set by hand"), default=False)
    presence_changed_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)

    class Meta:
        indexes: ClassVar = [
            # the minutely idle check: online or away agents by their last activity
            models.Index(fields=["last_active_at"], name="routing_profile_idle", condition=~Q(presence="offline")),
        ]

    def __str__(self) -> str:
        return f"routing profile of {self.user_id}"


class AgentCapacity(models.Model):
    """How many unsolved tickets of a channel group an agent may hold at once through routing (their own limit;
    without it the team's default applies, then settings.OPSDESK_ROUTING_CAPACITY)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_capacities")
    channel_group = models.CharField(max_length=10, choices=ChannelGroup.choices)
    limit = models.PositiveSmallIntegerField(validators=[MaxValueValidator(MAX_CAPACITY)])

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "channel_group"], name="routing_capacity_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.channel_group}={self.limit}"


class AgentSkill(models.Model):
    """A skill an agent has, at a level from 1 (basic) to 5 (expert)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="agent_levels")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "skill"], name="routing_skill_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.skill_id}={self.level}"


class TeamRouting(models.Model):
    """A team's way of handing out its unassigned tickets. Without a row a team is routed by hand (manual)."""

    class Strategy(models.TextChoices):
        MANUAL = "manual", _("Manual")
        ROUND_ROBIN = "round_robin", _("Round robin")
        LEAST_LOADED = "least_loaded", _("Least loaded")
        SKILLS = "skills", _("Best skill match")

    team = models.OneToOneField(Team, primary_key=True, on_delete=models.CASCADE, related_name="routing")
    strategy = models.CharField(_("strategy"), max_length=20, choices=Strategy.choices, default=Strategy.MANUAL)
    use_language = models.BooleanField(_("match the ticket's language"), default=False)
    skill_min_level = models.PositiveSmallIntegerField(
        _("minimum skill level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fallback_seconds = models.PositiveIntegerField(
        _("fallback after"), default=600, validators=[MaxValueValidator(MAX_FALLBACK_SECONDS)]
    )
    # channel group -> default limit for the team's agents without their own
    capacity = models.JSONField(_("default capacity"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"routing of team {self.team_id}: {self.strategy}"


class TicketRequirement(models.Model):
    """What routing must match for one ticket beyond its team: skills, and a language that overrides the detected
    or the customer's one."""

    ticket = models.OneToOneField(
        Ticket, primary_key=True, on_delete=models.CASCADE, related_name="routing_requirement"
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    language = models.CharField(_("language"), max_length=8, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"requirement of ticket {self.ticket_id}"


class RoutingWait(models.Model):
    """An unassigned ticket routing could not place yet: retried in the order it began waiting, and once its
    fallback time has passed, offered to the whole team without the language and skill requirements."""

    ticket = models.OneToOneField(Ticket, primary_key=True, on_delete=models.CASCADE, related_name="routing_wait")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="routing_waits")
    waiting_since = models.DateTimeField()
    fallback_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=30)
    language = models.CharField(max_length=8, blank=True)
    tried_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["team", "waiting_since", "ticket"], name="routing_wait_order"),
        ]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id} waiting in team {self.team_id}"
