"""Surveys (METRICS.md §4): the configured survey, each decision to send it about a ticket and the customer's answer,
and the customers who asked not to be surveyed. QA scorecards and reviews come in later slices (issue 14).

A `SurveyRequest` is written when a ticket is solved (the `quality.surveys` consumer), sent or skipped when it is due
(every rule is checked at send time, and a skip keeps its reason), and holds the latest answer: the one-click link
records the rating once, the landing page may change it or add a comment until the answer window ends, and each of
these is an event on the ticket's timeline.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsdesk.core.translations import Translatable, Translated, translations_field


class Survey(Translatable):
    """A survey the desk sends after a ticket is solved: what it asks, on which scale, when and how often."""

    class Kind(models.TextChoices):
        CSAT = "csat", _("Customer satisfaction (CSAT)")
        NPS = "nps", _("Net Promoter Score (NPS)")
        CES = "ces", _("Customer effort (CES)")

    class Style(models.TextChoices):
        NUMBERS = "numbers", _("Numbers")
        FACES = "faces", _("Faces")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    # CSAT 2 (binary: 1 bad, 2 good), 3, 4, 5 or 7 points; NPS 0–10 (11); CES 1–7 (7)
    scale = models.PositiveSmallIntegerField(_("scale"))
    style = models.CharField(_("answer buttons"), max_length=8, choices=Style.choices, default=Style.NUMBERS)
    question = models.CharField(_("question"), max_length=300)
    question_translations = translations_field(_("question in other languages"))
    delay_minutes = models.PositiveIntegerField(_("delay after solving (minutes)"), default=1440)
    cooldown_days = models.PositiveSmallIntegerField(_("at most once per (days)"), null=True, blank=True)
    sample_every = models.PositiveSmallIntegerField(_("send to one in"), default=1)
    excluded_tags = models.JSONField(_("never for tickets tagged"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    display_question = Translated("question")

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(sample_every__gte=1), name="survey_sample_every_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_settings_url(self) -> str:
        return reverse("quality:survey_edit", args=[self.pk])

    @property
    def lowest(self) -> int:
        return 0 if self.kind == self.Kind.NPS else 1

    @property
    def highest(self) -> int:
        return 10 if self.kind == self.Kind.NPS else self.scale


class SurveyRequest(models.Model):
    """One survey about one ticket (one solve cycle) to its requester: scheduled, then sent or skipped, then
    answered. The agent and team are those at solve time (METRICS.md §4 attribution)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        CANCELLED = "cancelled", _("Cancelled")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="requests")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="survey_requests")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="survey_requests")
    # the solve that caused it (a ticket event id): a repeated consumer batch finds it there and adds none
    cause_event = models.BigIntegerField()
    kind = models.CharField(max_length=4, choices=Survey.Kind.choices)
    scale = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    skip_reason = models.CharField(max_length=20, blank=True, default="")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, default="")
    address = models.EmailField(blank=True, default="")
    mail = models.ForeignKey("core.OutgoingMail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.SmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=20, blank=True, default="")
    comment = models.TextField(blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)  # the first answer
    changed_at = models.DateTimeField(null=True, blank=True)  # the latest answer or comment
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "cause_event"], name="survey_request_once_per_cause"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "due_at"], name="survey_request_due"),
            models.Index(fields=["customer", "sent_at"], name="survey_request_customer"),
            models.Index(fields=["kind", "sent_at"], name="survey_request_kind_sent"),
            models.Index(fields=["ticket", "-id"], name="survey_request_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class SurveyOptOut(models.Model):
    """A customer who asked not to be surveyed again: honoured by every survey, on every channel."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="survey_opt_out")
    at = models.DateTimeField()
    source = models.CharField(max_length=10)  # "link" (the survey page) or "agent"

    def __str__(self) -> str:
        return f"{self.customer_id} opted out"
