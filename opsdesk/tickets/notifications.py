"""Ticket notifications: rendered in the recipient's language inside the action's transaction and written to the
outbox (core/outbox.py), which sends them after commit. Actions call these; nothing here sends mail itself."""

from __future__ import annotations

from opsdesk.core import outbox
from opsdesk.tickets.models import Message, Ticket


def ticket_received(ticket: Ticket) -> None:
    """Tell the requester their request arrived (an automatic answer to their message, RFC 3834)."""
    to = ticket.requester.primary_email
    if to:
        outbox.queue_templated(
            "tickets/emails/ticket_received",
            kind="tickets.ticket_received",
            to=[to],
            language=ticket.requester.language,
            context={"ticket": ticket},
            ticket_id=ticket.pk,
            headers={"Auto-Submitted": "auto-replied"},
        )


def agent_reply(message: Message) -> None:
    """Send a public agent reply to the requester."""
    ticket = message.ticket
    to = ticket.requester.primary_email
    if message.is_public and to:
        outbox.queue_templated(
            "tickets/emails/agent_reply",
            kind="tickets.agent_reply",
            to=[to],
            language=ticket.requester.language,
            context={"ticket": ticket, "message": message},
            ticket_id=ticket.pk,
        )


def customer_reply(message: Message) -> None:
    """Tell the assignee, if any, that the customer replied."""
    ticket = message.ticket
    assignee = ticket.assignee
    if assignee is not None and assignee.is_active:
        outbox.queue_templated(
            "tickets/emails/customer_reply",
            kind="tickets.customer_reply",
            to=[assignee.email],
            language=assignee.language,
            context={"ticket": ticket, "message": message},
            ticket_id=ticket.pk,
            headers={"Auto-Submitted": "auto-generated"},
        )
