"""Ticket jobs: the event consumers and re-indexing. (Ticket mail goes through the outbox: tickets/notifications.py
and core/outbox.py.)"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsdesk.tickets import consumers, search
from opsdesk.tickets.models import Ticket


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
