"""Email: the mailboxes customers write to, and every inbound message exactly as it arrived."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsdesk.core.secrets import SealedField


class Mailbox(models.Model):
    """An address customers write to (support@example.com): the team its new tickets go to, the language assumed
    when a message's own cannot be told, the signature of replies sent from it, and where to fetch its mail (IMAP),
    if it is not delivered to OpsDesk by an MTA (LMTP) or posted to the API."""

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("None (local testing only)")

    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"), unique=True)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team")
    )
    language = models.CharField(_("default language"), max_length=8, choices=settings.LANGUAGES, default="en")
    signature = models.TextField(_("signature"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    imap_host = models.CharField(_("IMAP server"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(_("IMAP security"), max_length=10, choices=Security.choices, default="ssl")
    imap_username = models.CharField(_("IMAP user name"), max_length=200, blank=True)
    imap_password = SealedField(_("IMAP password"), blank=True)  # sealed at rest (core/secrets.py)
    imap_folder = models.CharField(_("folder to read"), max_length=200, default="INBOX")
    imap_processed_folder = models.CharField(_("folder for processed mail"), max_length=200, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundEmail(models.Model):
    """One received message, stored byte for byte before anything else is done with it.

    `sha256` makes receiving idempotent: the same bytes twice are one row, whatever way they came. Processing
    (parsing, threading, the ticket or reply it becomes) happens afterwards in a job and records its outcome here;
    a message that cannot be processed is quarantined, never dropped."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        QUARANTINED = "quarantined", _("Quarantined")
        DISCARDED = "discarded", _("Discarded")

    class Via(models.TextChoices):
        IMAP = "imap", _("IMAP")
        LMTP = "lmtp", _("LMTP")
        COMMAND = "command", _("Command")
        API = "api", _("API")

    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound")
    via = models.CharField(max_length=10, choices=Via.choices)
    raw = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=250, blank=True)  # as it came, with <>; "" when there is none
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    recipients = models.JSONField(default=list, blank=True)  # the envelope's, when a transport knows them
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    comment = models.ForeignKey(  # the message it became (METRICS.md's comment)
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    thread_reason = models.CharField(max_length=20, blank=True)
    # Why it was ignored or quarantined: duplicate, bounce, loop (from our own address), auto-submitted,
    # precedence, list, x-autoreply, auto-response-suppress, mailer-daemon, rate_limit, unparseable, refused (the
    # intake said no), failed (a job error), too_large (over OPSDESK_MAX_EMAIL_BYTES and left on the IMAP server:
    # `raw` then holds its header block only, `size` is the whole message's, and these two say where it is).
    reason = models.CharField(max_length=40, blank=True)
    server_folder = models.CharField(max_length=200, blank=True)
    server_uid = models.CharField(max_length=20, blank=True)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["state", "-id"], name="inbound_email_state"),
            models.Index(fields=["message_id"], name="inbound_email_message_id"),
            models.Index(fields=["sender", "received_at"], name="inbound_email_sender"),  # the per-sender limit
        ]

    def __str__(self) -> str:
        return f"inbound email {self.pk} ({self.state})"
