"""Every write of live chat: widget settings, starting a chat (or, with nobody to answer, an email ticket), the
visitor's and the agent's messages, taking and ending a chat, the transcript, and the presence bookkeeping of the
streams. Messages go through the tickets' own writers (the intake for the visitor, the staff reply for the agent),
so a chat's messages are its ticket's messages with their events; each action publishes what changed to the live
streams after it commits (`chat.pubsub.publish_on_commit`)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require, roles_with
from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit
from opsdesk.core import outbox, translations
from opsdesk.core.errors import ActionError
from opsdesk.core.origin import origin
from opsdesk.customers import actions as customer_actions
from opsdesk.messaging.actions.origins import clean_origins
from opsdesk.messaging.chat import pubsub
from opsdesk.messaging.models import ChatAgent, ChatSession, ChatWidget
from opsdesk.messaging.models.chat import AGENT_GONE_AFTER, hash_token
from opsdesk.people.models import TeamMembership
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import timeline
from opsdesk.tickets.models import Message, Ticket

if TYPE_CHECKING:
    from opsdesk.people.models import Team

MAX_CHAT_MESSAGE = 4000  # characters of one chat message
MAX_NAME = 200
MAX_TRANSCRIPTS = 3  # per chat: the transcript mail cannot be used to flood an inbox
LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
State = ChatSession.State


# --- widget settings --------------------------------------------------------------------------------------------


def _widget_snapshot(widget: ChatWidget) -> dict[str, Any]:
    return {
        "name": widget.name,
        "team": widget.team_id,
        "allowed_origins": widget.allowed_origins,
        "greeting": widget.greeting,
        "greeting_translations": widget.greeting_translations,
        "offline_message": widget.offline_message,
        "offline_message_translations": widget.offline_message_translations,
        "agent_limit": widget.agent_limit,
        "active": widget.active,
    }


@transaction.atomic
def save_chat_widget(
    widget: ChatWidget | None,
    *,
    name: str,
    team: Team | None,
    allowed_origins: Iterable[str],
    greeting: str,
    greeting_translations: Mapping[str, str] | None = None,
    offline_message: str,
    offline_message_translations: Mapping[str, str] | None = None,
    agent_limit: int = 3,
    active: bool = True,
    actor: User,
) -> ChatWidget:
    """Create or change a chat widget (administrators: MANAGE_CHANNELS); an audit row keeps before and after."""
    require(actor, Capability.MANAGE_CHANNELS)
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if len(name) > 100:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 100}, field="name", status=422)
    texts: dict[str, str] = {}
    for field, raw in (("greeting", greeting), ("offline_message", offline_message)):
        value = " ".join((raw or "").split())
        if not value:
            raise ActionError("empty_text", _("Enter the text."), field=field, status=422)
        if len(value) > 300:
            raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 300}, field=field, status=422)
        texts[field] = value
    if not 1 <= agent_limit <= 20:
        raise ActionError("invalid_limit", _("Choose a number from 1 to 20."), field="agent_limit", status=422)
    values = {
        "name": name,
        "team": team,
        "allowed_origins": clean_origins(allowed_origins),
        "greeting": texts["greeting"],
        "greeting_translations": translations.clean(greeting_translations, field="greeting", max_length=300),
        "offline_message": texts["offline_message"],
        "offline_message_translations": translations.clean(
            offline_message_translations, field="offline_message", max_length=300
        ),
        "agent_limit": agent_limit,
        "active": active,
    }
    before: dict[str, Any] = {}
    if widget is None:
        widget = ChatWidget.objects.create(**values)
    else:
        widget = ChatWidget.objects.select_for_update().get(pk=widget.pk)
        before = _widget_snapshot(widget)
        for key, new in values.items():
            setattr(widget, key, new)
        widget.save(update_fields=[*values, "updated_at"])
    audit.record(
        actor=actor, verb="chat_widget.saved", target=widget, data={"before": before, "after": _widget_snapshot(widget)}
    )
    return widget


# --- who can answer -----------------------------------------------------------------------------------------------


def _answering_agents(widget: ChatWidget, now: datetime) -> Any:
    """Active agents who may answer chats, have their Chats page open now, and are in the widget's team (if any)."""
    agents = User.objects.filter(
        is_active=True,
        role__in=roles_with(Capability.ANSWER_CHATS),
        chat_presence__seen_at__gte=now - AGENT_GONE_AFTER,
    )
    if widget.team_id is not None:
        agents = agents.filter(memberships__team=widget.team_id, memberships__access=TeamMembership.Access.FULL)
    return agents


def agents_available(widget: ChatWidget, *, now: datetime | None = None) -> bool:
    """Whether some agent of the widget is online with room for one more chat (below the widget's limit)."""
    now = now or timezone.now()
    busy = Count("chat_sessions", filter=Q(chat_sessions__state=State.ACTIVE))
    return _answering_agents(widget, now).annotate(busy=busy).filter(busy__lt=widget.agent_limit).exists()


# --- starting a chat ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """What `start_chat` made: a live chat (session and the visitor's token, shown once) or, with nobody online,
    an email ticket."""

    ticket: Ticket
    session: ChatSession | None
    token: str = ""

    @property
    def offline(self) -> bool:
        return self.session is None


def _check_visitor(name: str, email: str, language: str, message: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter your name."), field="name", status=422)
    if len(name) > MAX_NAME:
        raise ActionError("name_too_long", _("The name can be at most 200 characters."), field="name", status=422)
    address = customer_actions.normalise_email(email or "", field="email")
    if language not in LANGUAGES:
        raise ActionError("invalid_language", _("Choose a supported language."), field="language", status=422)
    return name, address, check_message(message)


def check_message(body: str) -> str:
    """A chat message: text, not empty, at most MAX_CHAT_MESSAGE characters (stored escaped, never as HTML)."""
    body = (body or "").replace("\x00", "")
    if not body.strip():
        raise ActionError("empty_body", _("Write a message first."), field="body", status=422)
    if len(body) > MAX_CHAT_MESSAGE:
        raise ActionError(
            "body_too_long",
            _("A chat message can be at most %(n)d characters.") % {"n": MAX_CHAT_MESSAGE},
            field="body",
            status=422,
        )
    return body


def _subject(message: str) -> str:
    first = " ".join(message.split())
    return first if len(first) <= 80 else first[:79] + "…"


@transaction.atomic
def start_chat(widget: ChatWidget, *, name: str, email: str, language: str, message: str) -> Started:
    """A visitor's first message. With an agent online who has room, it opens a chat ticket (channel `chat`) and a
    waiting session, and returns the visitor's token; with nobody to answer, the message becomes an email ticket
    (channel `email`), answered by mail like any other. Both through the one intake, with source `chat`."""
    if not widget.active:
        raise ActionError("widget_inactive", _("This chat is switched off."), status=404)
    name, address, body = _check_visitor(name, email, language, message)
    with origin("chat"):
        online = agents_available(widget)  # nobody with room: the message becomes an email ticket
        ticket = ticket_actions.create_ticket(
            subject=_subject(body),
            body=body,
            actor=None,
            requester_email=address,
            requester_name=name,
            channel=Ticket.Channel.CHAT if online else Ticket.Channel.EMAIL,
            via="widget" if online else "chat_offline",
            team=widget.team,
            language=language,
        )
        if not online:
            return Started(ticket=ticket, session=None)
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        session = ChatSession.objects.create(
            widget=widget,
            ticket=ticket,
            token_hash=hash_token(token),
            language=language,
            started_at=now,
            visitor_seen_at=now,
        )
        timeline.record(
            ticket,
            "chat.started",
            actor=None,
            at=now,
            role=Message.AuthorRole.END_USER,
            data={"session": session.pk, "widget": widget.pk, "language": language},
        )
    pubsub.publish_on_commit(pubsub.QUEUE_CHANNEL, {"type": "queue", "session": session.pk, "state": State.WAITING})
    return Started(ticket=ticket, session=session, token=token)


def session_for_token(token: str) -> ChatSession | None:
    """The chat a visitor's bearer token opens, or None."""
    if not token or len(token) > 200:
        return None
    return ChatSession.objects.select_related("widget", "ticket").filter(token_hash=hash_token(token)).first()


# --- messages -----------------------------------------------------------------------------------------------------


def message_event(message: Message, *, author_name: str) -> dict[str, Any]:
    """A message as the streams send it: plain text (the widget and the agents' page insert it as text)."""
    return {
        "type": "message",
        "id": message.pk,
        "author": "visitor" if message.author_role == Message.AuthorRole.END_USER else "agent",
        "name": author_name,
        "text": message.body_text,
        "at": message.created_at.isoformat(),
    }


def _lock(session: ChatSession) -> ChatSession:
    return ChatSession.objects.select_for_update(of=("self",)).select_related("widget", "ticket").get(pk=session.pk)


@transaction.atomic
def send_visitor_message(session: ChatSession, *, body: str) -> Message:
    """The visitor's message: a customer reply on the chat's ticket (the one intake, channel `chat`). While an agent
    has the chat, they read it live, so the ticket's assignee is not mailed about it."""
    body = check_message(body)
    session = _lock(session)
    if session.state == State.ENDED:
        raise ActionError("chat_ended", _("This chat has ended."), status=409)
    with origin("chat"):
        message = ticket_actions.add_customer_reply(
            session.ticket,
            body=body,
            customer=session.ticket.requester,
            actor=None,
            channel="chat",
            via="widget",
            notify_assignee=session.state != State.ACTIVE,
        )
    session.visitor_seen_at = timezone.now()
    session.save(update_fields=["visitor_seen_at"])
    event = message_event(message, author_name=session.ticket.requester.name)
    pubsub.publish_on_commit(pubsub.session_channel(session.pk), event)
    return message


@transaction.atomic
def send_agent_message(session: ChatSession, *, body: str, actor: User) -> Message:
    """The agent's message: a public reply on the chat's ticket (the staff reply action, via `chat`). It is not
    mailed while the visitor has the chat open, who reads it live; once they have left, it is mailed as a reply."""
    require(actor, Capability.ANSWER_CHATS)
    body = check_message(body)
    session = _lock(session)
    if session.state != State.ACTIVE or session.agent_id != actor.pk:
        raise ActionError("not_your_chat", _("Take the chat before answering it."), status=409)
    now = timezone.now()
    with origin("chat"):
        message = ticket_actions.reply_to_ticket(
            session.ticket, body=body, actor=actor, via="chat", notify=not session.visitor_present(now)
        )
    session.agent_seen_at = now
    session.save(update_fields=["agent_seen_at"])
    pubsub.publish_on_commit(pubsub.session_channel(session.pk), message_event(message, author_name=actor.name))
    return message


def typing(session: ChatSession, *, side: str) -> None:
    """Tell the other side someone is typing: nothing is stored, so it is published at once."""
    pubsub.publish(pubsub.session_channel(session.pk), {"type": "typing", "author": side})


# --- taking and ending --------------------------------------------------------------------------------------------


@transaction.atomic
def accept_chat(session: ChatSession, *, actor: User) -> ChatSession:
    """An agent takes a waiting chat: it becomes theirs and its ticket is assigned to them. Two agents cannot both
    take it (the session row is locked, the second finds it taken), and an agent cannot hold more chats at once than
    the widget allows (their presence row is locked, so two tabs cannot both take the last place)."""
    require(actor, Capability.ANSWER_CHATS)
    presence, _created = ChatAgent.objects.get_or_create(user=actor)
    ChatAgent.objects.select_for_update().get(pk=presence.pk)
    session = _lock(session)
    if session.state != State.WAITING:
        if session.agent_id == actor.pk and session.state == State.ACTIVE:
            return session  # a double click
        raise ActionError("chat_taken", _("Another agent has already taken this chat."), status=409)
    if not Ticket.objects.visible_to(actor).filter(pk=session.ticket_id).exists():
        raise ActionError("forbidden", _("This chat is for another team."), status=403)
    held = ChatSession.objects.filter(agent=actor, state=State.ACTIVE).count()
    if held >= session.widget.agent_limit:
        raise ActionError(
            "chat_limit",
            _("You already have %(n)d chats open; end one first.") % {"n": held},
            status=409,
        )
    now = timezone.now()
    with origin("chat"):
        ticket_actions.assign_ticket(session.ticket, assignee=actor, actor=actor)
        session.state = State.ACTIVE
        session.agent = actor
        session.accepted_at = now
        session.agent_seen_at = now
        session.save(update_fields=["state", "agent", "accepted_at", "agent_seen_at"])
        timeline.record(
            session.ticket,
            "chat.accepted",
            actor=actor,
            at=now,
            data={
                "session": session.pk,
                "agent": actor.pk,
                "wait_seconds": int((now - session.started_at).total_seconds()),
            },
        )
    event = {"type": "state", "state": State.ACTIVE, "agent": actor.name}
    pubsub.publish_on_commit(pubsub.session_channel(session.pk), event)
    pubsub.publish_on_commit(pubsub.QUEUE_CHANNEL, {"type": "queue", "session": session.pk, "state": State.ACTIVE})
    return session


@transaction.atomic
def end_chat(session: ChatSession, *, ended_by: str, actor: User | None = None) -> ChatSession:
    """End a chat (the visitor, its agent, or the system). Its ticket stays as it is, to be solved like any other;
    later replies on it are mailed. Ending twice changes nothing."""
    if ended_by == "agent":
        if actor is None:
            raise ActionError("forbidden", _("Your role does not allow this."), status=403)
        require(actor, Capability.ANSWER_CHATS)
    session = _lock(session)
    if session.state == State.ENDED:
        return session
    if ended_by == "agent" and actor is not None and session.agent_id != actor.pk:
        raise ActionError("not_your_chat", _("Take the chat before answering it."), status=409)
    now = timezone.now()
    session.state = State.ENDED
    session.ended_at = now
    session.ended_by = ended_by
    session.save(update_fields=["state", "ended_at", "ended_by"])
    with origin("chat"):
        timeline.record(
            session.ticket,
            "chat.ended",
            actor=actor,
            at=now,
            role=Message.AuthorRole.END_USER if ended_by == "visitor" else None,
            data={
                "session": session.pk,
                "ended_by": ended_by,
                "duration_seconds": int((now - session.started_at).total_seconds()),
            },
        )
    pubsub.publish_on_commit(pubsub.session_channel(session.pk), {"type": "state", "state": State.ENDED})
    pubsub.publish_on_commit(pubsub.QUEUE_CHANNEL, {"type": "queue", "session": session.pk, "state": State.ENDED})
    return session


@transaction.atomic
def send_transcript(session: ChatSession) -> None:
    """Mail the chat's public messages to the visitor, in their language, through the durable outbox (at most
    MAX_TRANSCRIPTS times a chat)."""
    session = _lock(session)
    if session.transcripts_sent >= MAX_TRANSCRIPTS:
        raise ActionError("transcript_limit", _("The transcript has already been sent."), status=429)
    ticket = session.ticket
    to = ticket.requester.primary_email
    if not to:
        raise ActionError("no_email", _("There is no address to send the transcript to."), status=409)
    messages = list(
        ticket.messages.filter(visibility=Message.Visibility.PUBLIC)
        .select_related("author_user", "author_customer")
        .order_by("created_at", "pk")
    )
    mail = outbox.queue_templated(
        "messaging/emails/chat_transcript",
        kind="messaging.chat_transcript",
        to=[to],
        language=session.language,
        context={"ticket": ticket, "session": session, "messages": messages},
        ticket_id=ticket.pk,
        headers={"Auto-Submitted": "auto-generated"},
    )
    session.transcripts_sent += 1
    session.save(update_fields=["transcripts_sent"])
    with origin("chat"):
        timeline.record(
            ticket,
            "chat.transcript_sent",
            actor=None,
            role=Message.AuthorRole.END_USER,
            data={"session": session.pk, "mail": mail.pk},
        )


# --- presence (the streams' bookkeeping; no events) ---------------------------------------------------------------


def visitor_connected(session_id: int) -> None:
    ChatSession.objects.filter(pk=session_id).update(
        visitor_streams=F("visitor_streams") + 1, visitor_seen_at=timezone.now()
    )


def visitor_refreshed(session_id: int) -> None:
    """A long-open stream says it is still there (every VISITOR_REFRESH)."""
    ChatSession.objects.filter(pk=session_id).update(visitor_seen_at=timezone.now())


def visitor_disconnected(session_id: int) -> None:
    ChatSession.objects.filter(pk=session_id, visitor_streams__gt=0).update(
        visitor_streams=F("visitor_streams") - 1, visitor_seen_at=timezone.now()
    )


def agent_seen(user: User) -> None:
    """The agent's Chats page is open (its stream calls this every heartbeat): they count as online."""
    ChatAgent.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})
