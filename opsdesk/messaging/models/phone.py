"""Phone: every call, logged by an agent or posted by a telephony system, and the systems allowed to post them.

A call keeps the moments the workforce and analytics modules need (METRICS.md §3, `contact.*`): when it was
offered (rang, or entered the queue), answered and ended, and the seconds derived from them, so abandonment, ASA
and service level are computed from rows, never re-derived from free text.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsdesk.messaging.querysets import CallRecordQuerySet


class TelephonyProvider(models.Model):
    """A telephony system that posts calls to the webhook, with the salt its shared secret is derived from
    (phone.signing.derive_secret: the secret is HMAC(SECRET_KEY, salt), so the database alone cannot sign)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("key"), max_length=40, unique=True)
    salt = models.CharField(max_length=64)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team")
    )
    active = models.BooleanField(_("active"), default=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        verbose_name = _("telephony system")
        verbose_name_plural = _("telephony systems")

    def __str__(self) -> str:
        return self.name


class CallRecord(models.Model):
    """One phone call. `offered_at` is when it rang (inbound: entered the queue; outbound: dialled); `answered_at`
    when a person picked up; `ended_at` when it ended. `wait_seconds` runs from offered to answered (or, unanswered,
    to the end: the time to abandon), `talk_seconds` from answered to ended less hold. An unfinished call (posted
    while ringing) has no outcome and no end yet; the same (provider, external_id) posted again updates it."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        MISSED = "missed", _("Missed")
        ABANDONED = "abandoned", _("Abandoned")
        VOICEMAIL = "voicemail", _("Voicemail")

    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    from_number = models.CharField(_("calling number"), max_length=16, blank=True)  # normalised (phone.numbers)
    to_number = models.CharField(_("called number"), max_length=16, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    agent = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    queue = models.CharField(_("queue"), max_length=100, blank=True)
    offered_at = models.DateTimeField(_("started at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    recording_url = models.URLField(_("recording address"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    provider = models.ForeignKey(
        TelephonyProvider, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    external_id = models.CharField(max_length=100, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    event_recorded = models.BooleanField(default=False)  # `call.logged` is on the ticket (once, when it ended)
    logged_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallRecordQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-offered_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["provider", "external_id"], condition=~Q(external_id=""), name="call_external_id_once"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=models.F("offered_at")),
                name="call_answered_after_offered",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("offered_at")),
                name="call_ended_after_offered",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["-offered_at", "-id"], name="call_offered"),
            models.Index(fields=["outcome", "-offered_at"], name="call_outcome"),
        ]

    def __str__(self) -> str:
        return f"call {self.pk} {self.direction} {self.from_number} → {self.to_number}"

    @property
    def customer_number(self) -> str:
        """The customer's side of the call: the caller of an inbound call, the number dialled of an outbound one."""
        return self.from_number if self.direction == self.Direction.INBOUND else self.to_number
