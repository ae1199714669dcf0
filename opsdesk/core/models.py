"""Base classes shared by every app; core has no domain models of its own."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """The last time a named background job ran; /health/ reports it, so a stopped worker is visible."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class IdempotentRequest(models.Model):
    """The response to an API create sent with an Idempotency-Key, kept so a retry returns it again."""

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=100)
    scope = models.CharField(max_length=100)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user_id", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class RateLimitCounter(models.Model):
    """Attempts under one rate-limit key in one fixed window, shared by every process (when there is no Redis).

    `core.ratelimit` increments it with one atomic upsert; the periodic job deletes rows past `expires_at`."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # Unix seconds
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_limit_window_once")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"


class OutgoingMail(models.Model):
    """One outgoing email, written in the same transaction as the change that caused it (the outbox).

    A job delivers it and records "sent" only after the SMTP server accepted it; failures retry with backoff until
    `next_attempt_at`, and the minutely sweep picks up any due row whose job was lost. `ticket_id` is a plain
    integer, not a foreign key, because core imports no app. See docs/adr/0014-durable-mail-outbox.md."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=50)  # what caused it, e.g. "tickets.agent_reply", "accounts.sign_in_link"
    ticket_id = models.BigIntegerField(null=True, blank=True)
    recipients = models.JSONField(default=list)
    from_email = models.CharField(max_length=254)
    language = models.CharField(max_length=8)
    subject = models.TextField()
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)  # extra headers: In-Reply-To, References, Auto-Submitted
    message_id = models.CharField(max_length=250, unique=True)  # with <>; signed and naming the ticket (outbox.py)
    has_secret = models.BooleanField(default=False)  # bodies hold a placeholder filled at send time (outbox.py)
    # Files sent with it, read from storage when it is sent (ids of tickets.Attachment, resolved by the loader
    # that OPSDESK_MAIL_ATTACHMENTS names: core imports no app), never copied into this row.
    attachment_ids = models.JSONField(default=list, blank=True)
    file_count = models.PositiveSmallIntegerField(default=0)  # files made for this mail (OutgoingMailFile rows)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # set while queued: when the sweep takes it
    discard_after = models.DateTimeField(null=True, blank=True)  # not worth sending later (a link that expired)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(state="queued"), name="outgoing_mail_due"
            ),  # the sweep and /health/'s backlog
            models.Index(fields=["state", "-id"], name="outgoing_mail_state"),  # the admin list by state
            models.Index(fields=["ticket_id", "-id"], name="outgoing_mail_ticket"),  # a ticket's mail, threading
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {', '.join(self.recipients)} ({self.state})"


class OutgoingMailFile(models.Model):
    """A file made for one outgoing mail (a scheduled report's spreadsheet), kept in the database beside it.

    It is written in the transaction that queues the mail, so a mail is never queued without its file nor a file
    left without its mail (a file in storage would outlive a rolled-back transaction), and it goes when the mail row
    goes. Files that already live in storage (a ticket's attachments) are referenced by `attachment_ids` instead."""

    mail = models.ForeignKey(OutgoingMail, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.filename} for mail {self.mail_id}"
