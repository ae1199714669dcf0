"""Ticket notifications, sent after commit; each takes ids and is safe to run twice."""

from __future__ import annotations

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsdesk.core.mail import send_templated
from opsdesk.tickets import consumers, search
from opsdesk.tickets.models import Message, Ticket


def _once(key: str) -> bool:
    """True the first time `key` is seen in a day, so a retried or doubled job sends one mail."""
    return bool(cache.add(f"mail-sent:{key}", 1, timeout=86400))


@db_task(retries=3, retry_delay=30)
def send_ticket_received(ticket_id: int) -> None:
    ticket = Ticket.objects.select_related("requester").get(pk=ticket_id)
    to = ticket.requester.primary_email
    if to and _once(f"received:{ticket_id}"):
        send_templated(
            "tickets/emails/ticket_received", to=to, language=ticket.requester.language, context={"ticket": ticket}
        )


@db_task(retries=3, retry_delay=30)
def send_reply_notification(message_id: int) -> None:
    message = Message.objects.select_related("ticket__requester", "author_user").get(pk=message_id)
    to = message.ticket.requester.primary_email
    if message.is_public and to and _once(f"reply:{message_id}"):
        send_templated(
            "tickets/emails/agent_reply",
            to=to,
            language=message.ticket.requester.language,
            context={"ticket": message.ticket, "message": message},
            headers={"Message-ID": f"<opsdesk-message-{message.pk}@opsdesk>"},
        )


@db_task(retries=3, retry_delay=30)
def send_customer_reply_notification(message_id: int) -> None:
    message = Message.objects.select_related("ticket__assignee", "ticket__requester").get(pk=message_id)
    assignee = message.ticket.assignee
    if assignee is not None and assignee.is_active and _once(f"customer-reply:{message_id}"):
        send_templated(
            "tickets/emails/customer_reply",
            to=assignee.email,
            language=assignee.language,
            context={"ticket": message.ticket, "message": message},
        )


@db_task()
def run_event_consumers(attempt: int = 0) -> None:
    """Every configured event consumer reads what was committed since its position (tickets.consumers). When an
    older transaction still holds committed events back (PostgreSQL), look again in two seconds, for up to a
    minute; the minutely run covers the rest."""
    consumers.run_all()
    if attempt < 30 and consumers.held_back():
        run_event_consumers.schedule(args=(attempt + 1,), delay=2)


@db_periodic_task(crontab(minute="*"))
def run_event_consumers_minutely() -> None:
    consumers.run_all()


@db_task(retries=3, retry_delay=30)
def reindex_customer_tickets(customer_id: int) -> None:
    """Rebuild the search documents of a customer's tickets after a rename, an address change or a merge."""
    search.reindex(Ticket.objects.filter(requester_id=customer_id).values_list("pk", flat=True))
