"""Live chat: the widgets website owners paste on their pages, and each conversation a visitor starts there.

A chat is a ticket with channel `chat`: its messages are the ticket's messages, written through the one intake
(the visitor's) and the staff reply action (the agent's). `ChatSession` adds only what a live conversation needs on
top of the ticket: who answers it, its state, when each side was last there, and the visitor's token (its hash)."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsdesk.core.translations import Translatable, Translated, translations_field

# A visitor is "there" while one of their streams is open; a stream refreshes `visitor_seen_at` this often, so a
# process that died with streams open stops counting them after VISITOR_GONE_AFTER.
VISITOR_REFRESH = timedelta(minutes=4)
VISITOR_GONE_AFTER = timedelta(minutes=5)
# An agent is online while their Chats page is open: its stream refreshes `ChatAgent.seen_at` every heartbeat.
AGENT_GONE_AFTER = timedelta(seconds=60)


def new_widget_key() -> str:
    return secrets.token_urlsafe(16)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ChatWait:
    """How long a waiting chat has waited (from its start), and whether nobody answering it yet makes it
    `unanswered`: OPSDESK_CHAT_UNANSWERED_AFTER seconds after it started. `unanswered_in`: the seconds until it
    does (0 once it has)."""

    seconds: int
    unanswered: bool
    unanswered_in: int

    @property
    def minutes(self) -> int:
        return self.seconds // 60


class ChatWidget(Translatable):
    """One embeddable chat widget: the team its chats go to, the websites (origins) allowed to use it, the texts it
    greets visitors with and shows when nobody can answer, and how many chats of it an agent holds at once."""

    key = models.CharField(_("key"), max_length=40, unique=True, default=new_widget_key)
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team")
    )
    allowed_origins = models.JSONField(_("allowed websites"), default=list, blank=True)
    greeting = models.CharField(_("greeting"), max_length=300)
    greeting_translations = translations_field()
    offline_message = models.CharField(_("offline text"), max_length=300)
    offline_message_translations = translations_field()
    agent_limit = models.PositiveSmallIntegerField(_("chats per agent at once"), default=3)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    display_greeting = Translated("greeting")
    display_offline_message = Translated("offline_message")

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("chat widget")
        verbose_name_plural = _("chat widgets")

    def __str__(self) -> str:
        return self.name

    def get_settings_url(self) -> str:
        return reverse("chat:widget_edit", args=[self.pk])

    def allows_origin(self, origin: str) -> bool:
        return origin.rstrip("/").lower() in {o.rstrip("/").lower() for o in self.allowed_origins}


class ChatSession(models.Model):
    """One live conversation on a widget, and the ticket it is (channel `chat`)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    widget = models.ForeignKey(ChatWidget, on_delete=models.PROTECT, related_name="sessions")
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="chat_session")
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the visitor's bearer token
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_sessions"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    started_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=10, blank=True)  # visitor, agent or system
    visitor_streams = models.IntegerField(default=0)  # the visitor's open streams (tabs), across processes
    visitor_seen_at = models.DateTimeField(null=True, blank=True)
    agent_seen_at = models.DateTimeField(null=True, blank=True)
    transcripts_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["state", "widget"], name="chat_session_state"),
            models.Index(fields=["agent", "state"], name="chat_session_agent_state"),
        ]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.state})"

    def unanswered_at(self) -> datetime | None:
        """When a waiting chat counts as unanswered (OPSDESK_CHAT_UNANSWERED_AFTER after it started); None when it
        is not waiting. One rule on the server, so every stream of the chat tells the visitor the same."""
        if self.state != self.State.WAITING:
            return None
        return self.started_at + timedelta(seconds=settings.OPSDESK_CHAT_UNANSWERED_AFTER)

    def wait(self, now: datetime) -> ChatWait | None:
        """How long the chat has waited for an agent, and whether it is unanswered; None when it is not waiting
        (an agent took it, and only that agent answers it, or it ended). The one rule behind the visitor's "nobody
        has answered yet" notice and the agents' "Waiting N min" on the Chats page."""
        due = self.unanswered_at()
        if due is None:
            return None
        left = (due - now).total_seconds()
        return ChatWait(
            seconds=max(0, int((now - self.started_at).total_seconds())),
            unanswered=left <= 0,
            unanswered_in=max(0, math.ceil(left)),
        )

    def visitor_present(self, now: datetime) -> bool:
        """Whether the visitor has the chat open now: a message sent while they do is read live, not emailed."""
        return (
            self.state != self.State.ENDED
            and self.visitor_streams > 0
            and self.visitor_seen_at is not None
            and now - self.visitor_seen_at < VISITOR_GONE_AFTER
        )


class ChatAgent(models.Model):
    """An agent's live-chat presence: online while their Chats page is open (its stream refreshes `seen_at`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="chat_presence"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chat presence of {self.user_id}"
