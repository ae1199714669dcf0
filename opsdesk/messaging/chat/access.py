"""Who reaches a chat: the chats of tickets the user may see (tickets.querysets.visible_to), for those who may answer
chats (ANSWER_CHATS). An invisible chat is a 404, like an invisible ticket."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from opsdesk.accounts.models import User
from opsdesk.messaging.models import ChatSession
from opsdesk.tickets.models import Ticket


def chats_visible_to(user: User) -> QuerySet[ChatSession]:
    return ChatSession.objects.filter(ticket__in=Ticket.objects.visible_to(user).values("pk"))


def get_chat_for_user(user: User, pk: int) -> ChatSession:
    return get_object_or_404(
        chats_visible_to(user).select_related("widget", "agent", "ticket__requester"),
        pk=pk,
    )
