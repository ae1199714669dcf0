"""Teams (the groups and queues tickets belong to), their members, leads, languages and skills."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsdesk.core.models import TimeStampedModel
from opsdesk.core.translations import Translatable, Translated, translations_field


class Skill(models.Model):
    """Something an agent or team is able to handle (a product, a topic); used for routing."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Team(TimeStampedModel, Translatable):
    """A group of agents that owns a queue of tickets ("group" in METRICS.md). Its name is translatable: `name`
    in the default language (sorted and kept unique by the database), `display_name` in the reader's."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_translations = translations_field(_("name in other languages"))
    email = models.EmailField(_("email"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="teams", verbose_name=_("skills"))
    members: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="team_set", blank=True
    )

    display_name = Translated("name")

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.display_name

    def get_settings_url(self) -> str:
        return reverse("people:team_edit", args=[self.pk])


class TeamMembership(models.Model):
    """A user's place in a team: lead or member, with full or read-and-note access to its queue."""

    class Access(models.TextChoices):
        FULL = "full", _("Full")
        NOTES = "notes", _("Read and internal notes")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(_("team lead"), default=False)
    access = models.CharField(_("access"), max_length=10, choices=Access.choices, default=Access.FULL)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["team", "user"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.team_id}"
