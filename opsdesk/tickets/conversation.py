"""What the ticket page shows of a conversation: all of a short one; of a long one the opening message and the
latest few, with the messages between folded into a count that loads them when asked (they are not rendered
until then, so a ticket of 200 messages costs what one of five does). The page's poll reads only the messages
after the last one it shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Subquery

from opsdesk.tickets.models import Message, Ticket

FOLD_OVER = 6  # a conversation of more messages than this is folded
LATEST = 3  # the latest messages shown below the fold


@dataclass
class Conversation:
    opening: list[Message]  # the first message (all of them when nothing is folded)
    folded: int = 0  # messages between the opening and the latest, not rendered
    latest: list[Message] = field(default_factory=list)

    @property
    def shown(self) -> list[Message]:
        return [*self.opening, *self.latest]

    @property
    def last(self) -> Message | None:
        shown = self.shown
        return shown[-1] if shown else None

    @property
    def fold_after(self) -> int | None:
        """The id of the message before the fold (the opening)."""
        return self.opening[-1].pk if self.folded and self.opening else None

    @property
    def fold_before(self) -> int | None:
        """The id of the message after the fold (the first of the latest)."""
        return self.latest[0].pk if self.folded and self.latest else None


def _messages(ticket: Ticket) -> QuerySet[Message]:
    return ticket.messages.select_related("author_user", "author_customer").prefetch_related("attachments")


def fold(ticket: Ticket) -> Conversation:
    """The messages the page shows: every one up to FOLD_OVER, else the opening and the LATEST latest."""
    messages = _messages(ticket)
    total = ticket.message_count  # kept by every action that adds, moves or merges messages
    if total <= FOLD_OVER:
        return Conversation(opening=list(messages.order_by("created_at", "id")))
    # the opening and the latest in one query (and one for their files)
    first = ticket.messages.order_by("created_at", "id").values("pk")[:1]
    last = ticket.messages.order_by("-created_at", "-id").values("pk")[:LATEST]
    shown = list(messages.filter(Q(pk__in=Subquery(first)) | Q(pk__in=Subquery(last))).order_by("created_at", "id"))
    opening, latest = shown[:1], shown[1:]
    return Conversation(opening=opening, folded=max(0, total - len(opening) - len(latest)), latest=latest)


def _place(ticket: Ticket, message_id: int) -> Message | None:
    return ticket.messages.filter(pk=message_id).only("id", "created_at").first()


def _after(anchor: Message) -> Q:
    return Q(created_at__gt=anchor.created_at) | Q(created_at=anchor.created_at, id__gt=anchor.pk)


def _before(anchor: Message) -> Q:
    return Q(created_at__lt=anchor.created_at) | Q(created_at=anchor.created_at, id__lt=anchor.pk)


def between(ticket: Ticket, after_id: int, before_id: int) -> list[Message]:
    """The folded messages: those after one message of the ticket and before another, oldest first; none when
    either is not this ticket's."""
    after, before = _place(ticket, after_id), _place(ticket, before_id)
    if after is None or before is None:
        return []
    return list(_messages(ticket).filter(_after(after), _before(before)).order_by("created_at", "id"))


def newer(ticket: Ticket, after_id: int) -> list[Message]:
    """The messages after one the page shows (what the poll appends), oldest first; none when it is unknown."""
    after = _place(ticket, after_id)
    if after is None:
        return []
    return list(_messages(ticket).filter(_after(after)).order_by("created_at", "id"))
