"""Tickets, their statuses, messages, attachments, tags, links, saved views and the timeline."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core import languages
from opsdesk.core.translations import Translatable, Translated, translations_field
from opsdesk.tickets import categories
from opsdesk.tickets.querysets import MessageQuerySet, TicketQuerySet


class TicketStatus(Translatable):
    """An admin-defined status; SLA and KPI logic reads only its fixed category (METRICS.md §1). Its name is
    translatable: `name` in the default language, `display_name` in the reader's."""

    Category = categories.Category  # defined once, in tickets/categories.py

    name = models.CharField(_("name"), max_length=60, unique=True)
    name_translations = translations_field(_("name in other languages"))
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    position = models.PositiveSmallIntegerField(default=0)
    is_default = models.BooleanField(
        _("default for its category"),
        default=False,
        help_text=_("The status used when the system moves a ticket into this category."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    display_name = Translated("name")

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")

    def __str__(self) -> str:
        return self.display_name

    def get_settings_url(self) -> str:
        return reverse("ticket_settings:status_edit", args=[self.pk])


UNSOLVED_CATEGORIES = categories.UNSOLVED


class Tag(models.Model):
    """A label on tickets, lower-case, unique."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    def __str__(self) -> str:
        return self.name


@lru_cache(maxsize=8)
def _ticket_url(prefix: str) -> str:
    """The ticket page's URL with a {} for the number: every list row links to one, and reverse() costs 0.1 ms."""
    return reverse("tickets:ticket_detail", args=[987654321]).replace("987654321", "{}")


_SLA_DUE = Q(sla_due_at__isnull=False)
_SLA_POLICY = Q(sla_policy_id__isnull=False)
_DEADLINE = Q(sla_deadline_at__isnull=False)


class Ticket(models.Model):
    """A customer's request and everything done about it; its number is its primary key."""

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Type(models.TextChoices):
        QUESTION = "question", _("Question")
        INCIDENT = "incident", _("Incident")
        PROBLEM = "problem", _("Problem")
        TASK = "task", _("Task")

    class Channel(models.TextChoices):
        # the channel's name, also after "via" and "through" ("Email" as a form label is another word in Greek)
        EMAIL = "email", pgettext_lazy("channel", "Email")
        WEB = "web", pgettext_lazy("channel", "Web form")
        PORTAL = "portal", pgettext_lazy("channel", "Portal")
        CHAT = "chat", pgettext_lazy("channel", "Chat")
        PHONE = "phone", pgettext_lazy("channel", "Phone")
        API = "api", pgettext_lazy("channel", "API")
        AGENT = "agent", pgettext_lazy("channel", "Agent")

    subject = models.CharField(_("subject"), max_length=250)
    requester = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("requester"),
        db_index=False,  # covered by the ticket_requester index
    )
    organization = models.ForeignKey(
        "customers.CustomerOrganization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("organization"),
        db_index=False,  # ticket_organization index
    )
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("team"),
        db_index=False,  # covered by the ticket_team index
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
        db_index=False,  # ticket_mine index
    )
    status = models.ForeignKey(TicketStatus, on_delete=models.PROTECT, related_name="+", verbose_name=_("status"))
    # Denormalised from status.category so every saved view filters on one indexed column.
    status_category = models.CharField(max_length=10, choices=TicketStatus.Category.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.QUESTION)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    # The language the customer last wrote in, as detected (messaging/language.py): any of the configured detected
    # languages (settings.OPSDESK_DETECT_LANGUAGES), also those the interface lacks; null until one was detected.
    detected_language = models.CharField(_("detected language"), max_length=8, null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="followed_tickets", verbose_name=_("followers")
    )
    # Customers copied on the conversation (an email's Cc): they receive the public replies too.
    cc = models.ManyToManyField("customers.Customer", blank=True, related_name="cc_tickets", verbose_name=_("CC"))
    custom_fields = models.JSONField(default=dict, blank=True)
    # The address the customer wrote to (or, for other channels, the team's): replies are sent from it.
    mailbox = models.ForeignKey(
        "messaging.Mailbox",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("mailbox"),
        db_index=False,  # never filtered on; replies read it from the ticket
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        db_index=False,  # "merged_into IS NULL" must not tempt the planner away from the keyset indexes
    )
    followup_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followups")
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    # SLA, kept by opsdesk/sla: the policy in force; the next instant a clock warns, breaches or escalates (the
    # minutely job reads only tickets whose instant has come); the earliest deadline of a clock still counting,
    # breached ones included (the inbox's "next due" order). Null when nothing is counting.
    sla_policy_id = models.PositiveIntegerField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    sla_deadline_at = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [
            # One index per saved view: its filter columns, then the keyset order (updated_at, id).
            models.Index(fields=["assignee", "status_category", "-updated_at", "-id"], name="ticket_mine"),
            models.Index(fields=["team", "status_category", "-updated_at", "-id"], name="ticket_team"),
            models.Index(fields=["status_category", "-updated_at", "-id"], name="ticket_category"),
            models.Index(fields=["status_category", "-created_at", "-id"], name="ticket_category_created"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            # A week's solved tickets (the QA sample's eligible conversations): 4 s a scan of a million without it.
            models.Index(fields=["solved_at"], name="ticket_solved", condition=Q(solved_at__isnull=False)),
            # "Written in Greek", newest first: the inbox's keyset order within one detected language.
            models.Index(fields=["detected_language", "-updated_at", "-id"], name="ticket_detected_language"),
            models.Index(fields=["requester", "-updated_at", "-id"], name="ticket_requester"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="ticket_organization"),
            # SLA: partial, so they hold only tickets with a clock counting (a small share of a large desk).
            models.Index(fields=["sla_due_at"], name="ticket_sla_due", condition=_SLA_DUE),
            models.Index(fields=["sla_policy_id"], name="ticket_sla_policy", condition=_SLA_POLICY),
            models.Index(
                fields=["status_category", "sla_deadline_at", "id"],
                name="ticket_category_deadline",
                condition=_DEADLINE,
            ),
            models.Index(
                fields=["team", "status_category", "sla_deadline_at", "id"],
                name="ticket_team_deadline",
                condition=_DEADLINE,
            ),
            models.Index(
                fields=["assignee", "status_category", "sla_deadline_at", "id"],
                name="ticket_mine_deadline",
                condition=_DEADLINE,
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return _ticket_url(get_script_prefix()).format(self.pk)

    @property
    def detected_language_name(self) -> str:
        """The detected language's name in the reader's language ("Greek", "kreikka"), or ""."""
        return languages.name(self.detected_language)

    @property
    def number(self) -> int:
        return int(self.pk)

    def get_portal_url(self) -> str:
        return reverse("portal:ticket_detail", args=[self.pk])

    @property
    def is_solved_or_closed(self) -> bool:
        return self.status_category in categories.DONE

    @property
    def is_closed(self) -> bool:
        return self.status_category == TicketStatus.Category.CLOSED


class TicketLink(models.Model):
    """A link between two tickets: related, or split from."""

    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        SPLIT_FROM = "split_from", _("Split from")

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RELATED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "target"], name="ticket_link_once"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="ticket_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class Message(models.Model):
    """A comment on a ticket ("comment" in METRICS.md): a public reply or an internal note."""

    class AuthorRole(models.TextChoices):
        END_USER = "end_user", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")
        BOT = "bot", _("Bot")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages", db_index=False)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # per-agent reports read the timeline, not this column
    )
    author_customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    author_role = models.CharField(max_length=10, choices=AuthorRole.choices)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    is_automated = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Ticket.Channel.choices)
    via = models.CharField(max_length=20, default="ui")
    body_html = models.TextField()
    body_text = models.TextField()
    # The Message-ID of the email it came in (with <>), so our answers reply to it and the customer's mail client
    # shows one thread; empty for every other channel.
    email_message_id = models.CharField(max_length=250, blank=True, default="", db_default="")
    created_at = models.DateTimeField()

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_time")]

    def __str__(self) -> str:
        return f"message {self.pk} on ticket {self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def author_name(self) -> str:
        if self.author_user_id and self.author_user is not None:
            return self.author_user.name
        if self.author_customer_id and self.author_customer is not None:
            return self.author_customer.name
        return "OpsDesk"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"tickets/{instance.ticket_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file on a message, stored on disk or object storage and downloaded only through an access check."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("tickets:attachment_download", args=[self.pk])


class TicketEvent(models.Model):
    """One append-only row of a ticket's timeline (METRICS.md §0.1); written only by timeline.record()."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # ten rows per ticket: an index here costs more on every write than it saves
    )
    actor_role = models.CharField(max_length=10, default="system")
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)
    # Where the change came from (core.origin.SOURCES) and, when an event, a rule or a clock led to it, its cause.
    source = models.CharField(max_length=12, default="system")
    cause_event = models.BigIntegerField(null=True, blank=True)
    cause = models.CharField(max_length=60, blank=True, default="")
    # PostgreSQL only: the id of the transaction that wrote the event, so consumers read only what every older
    # transaction has finished with (tickets.consumers). Null on SQLite, where writers are serialised.
    xid = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["ticket", "at", "id"], name="event_ticket_time"),
            models.Index(fields=["kind", "at"], name="event_kind_time"),
            # A ticket's events of some kinds (the QA sample's reopens and SLA breaches for a week's tickets): on
            # `ticket_id IN (…) AND kind = ?` SQLite otherwise reads every event of the kind, or every event of each
            # ticket (1.4 s for 18,500 tickets at a million).
            models.Index(fields=["ticket", "kind"], name="event_ticket_kind"),
            # Consumers on PostgreSQL read in (transaction, id) order; empty (so free) on SQLite.
            models.Index(fields=["xid", "id"], name="event_xid_order", condition=models.Q(xid__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Ticket events are append-only.")
        super().save(*args, **kwargs)


class SavedView(models.Model):
    """A custom inbox filter saved by an agent (owner) or shared with everyone (no owner)."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views"
    )
    filters = models.JSONField(default=dict)
    sort = models.CharField(max_length=20, default="-updated")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CannedResponse(Translatable):
    """A reusable reply text agents insert in the composer: one row per response, its title and text in each
    language. The agent reads the title in their own language; the composer inserts the text in the ticket's."""

    title = models.CharField(_("title"), max_length=100)
    title_translations = translations_field(_("title in other languages"))
    body = models.TextField(_("text"))
    body_translations = translations_field(_("text in other languages"))
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.CASCADE)

    display_title = Translated("title")
    display_body = Translated("body")

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self) -> str:
        return self.display_title

    def get_settings_url(self) -> str:
        return reverse("ticket_settings:canned_response_edit", args=[self.pk])


class EventConsumer(models.Model):
    """A reader of ticket events (SLA, automation, webhooks, live updates, analytics) and how far it has read.

    The position is the last event handled, as (xid, id) on PostgreSQL and (None, id) on SQLite; it moves in the
    same transaction as the consumer's work, so a crash repeats work instead of losing it (tickets.consumers)."""

    name = models.CharField(max_length=60, unique=True)
    position_xid = models.BigIntegerField(null=True, blank=True)
    position_id = models.BigIntegerField(default=0)
    processed = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A message for one staff member in the workspace (the bell): an SLA escalation names the ticket and why.
    Written only by tickets.actions.notify_staff; `read_at` set when the person opens it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)  # the event kind it is about, e.g. sla.breached
    event = models.ForeignKey("TicketEvent", on_delete=models.CASCADE, related_name="+", db_index=False)
    data = models.JSONField(default=dict, blank=True)  # what the sentence needs: metric, level, due time
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user_id} #{self.ticket_id} {self.kind}"


class FollowLink(models.Model):
    """A link in a request's acknowledgement that lets its requester, who has no portal login, read the request's
    public conversation and reply to it without signing in (docs/adr/0029-follow-links-for-senders-without-account.md).

    Only the SHA-256 of its token is stored: the token is the acknowledgement's own mail secret, filled in when the
    mail is sent (core.outbox.mail_secret). It opens this one ticket, until `expires_at`, and never again once
    revoked (the ticket was merged into another); deleting the ticket deletes its links."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="follow_links")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="follow_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"follow link for #{self.ticket_id}"
