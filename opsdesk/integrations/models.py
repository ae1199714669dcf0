"""Integrations: outbound webhooks, Slack and Microsoft Teams channels, inbound webhooks, and their deliveries
(docs/webhooks.md, docs/adr/0025-webhooks-and-chat-notifications.md)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsdesk.core.models import TimeStampedModel
from opsdesk.core.secrets import SealedField
from opsdesk.tickets.models import Ticket

ALL_EVENTS = "*"


class Webhook(TimeStampedModel):
    """An outbound subscription: every ticket event of the kinds it wants (optionally of one team's tickets) is
    posted to its URL as signed JSON, one `Delivery` per event."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(default=list)  # event kinds, or ["*"] for every kind
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    active = models.BooleanField(_("active"), default=True)
    secret = SealedField(blank=True, default="")
    disabled_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, kind: str) -> bool:
        return ALL_EVENTS in self.events or kind in self.events


class ChatChannel(TimeStampedModel):
    """A Slack or Microsoft Teams channel reached through its incoming-webhook (or Teams workflow) URL. Rules post
    to it (`actions.post_to_channel`); the URL is a credential, so it is sealed at rest and shown masked."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    url = SealedField()
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Delivery(TimeStampedModel):
    """One outbound HTTP call, with its retries: to a webhook or a chat channel, with the JSON body exactly as sent.

    `key` is unique per target, so a repeated cause ("event:123:webhook:4", "rule:7:event:123") never makes a
    second one, while one rule may post the same event to two channels under one key."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    # (webhook, -id) and (channel, -id) below serve the foreign keys too
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    channel = models.ForeignKey(
        ChatChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.CharField(max_length=40)  # what it says: an event kind, "ping", "test", or a rule's own word
    ticket_event_id = models.BigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-id"]
        indexes: ClassVar = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(state="queued", next_attempt_at__isnull=False),
            ),
            models.Index(fields=["webhook", "-id"], name="delivery_webhook"),
            models.Index(fields=["channel", "-id"], name="delivery_channel"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["webhook", "key"], condition=Q(webhook__isnull=False), name="delivery_webhook_key"
            ),
            models.UniqueConstraint(
                fields=["channel", "key"], condition=Q(channel__isnull=False), name="delivery_channel_key"
            ),
            models.CheckConstraint(
                condition=Q(webhook__isnull=False, channel__isnull=True)
                | Q(webhook__isnull=True, channel__isnull=False),
                name="delivery_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class InboundHook(TimeStampedModel):
    """A signed address other systems (a shop, monitoring) post to, to open or update tickets."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("key"), max_length=50, unique=True)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team")
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Ticket.Priority.choices, default="normal")
    tags = models.JSONField(default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    secret = SealedField(blank=True, default="")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class InboundRequest(TimeStampedModel):
    """One request to an inbound hook, stored (raw body and headers) before it is processed; its answer is kept so
    a retry with the same idempotency key gets the first answer and never a second ticket."""

    hook = models.ForeignKey(InboundHook, on_delete=models.CASCADE, related_name="requests", db_index=False)
    key = models.CharField(max_length=200, blank=True, default="")
    body = models.BinaryField()
    body_sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=dict)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["hook", "key"], condition=~Q(key=""), name="inbound_request_key"),
        ]
        indexes: ClassVar = [models.Index(fields=["hook", "-id"], name="inbound_request_hook")]

    def __str__(self) -> str:
        return f"{self.hook_id}:{self.key or self.pk}"
