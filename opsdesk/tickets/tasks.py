"""Ticket jobs: the event consumers and re-indexing. (Ticket mail goes through the outbox: tickets/notifications.py
and core/outbox.py.)"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from opsdesk.tickets import consumers, search
from opsdesk.tickets.models import Ticket

LOCK = "event-consumers"


def _run_alone() -> bool:
    """Run the consumers unless another run is under way in any worker (False then). Two runs side by side only
    took turns at SQLite's write lock batch by batch, and the one that lost each turn gave up after its busy
    timeout ("database is locked"); the run under way reads to the end, and a skipped one looks again shortly."""
    try:
        with HUEY.lock_task(LOCK):
            consumers.run_all()
    except TaskLockedException:
        return False
    return True


@db_task()
def run_event_consumers(attempt: int = 0) -> None:
    """Every configured event consumer reads what was committed since its position (tickets.consumers). When an
    older transaction still holds committed events back (PostgreSQL), or another run was under way, look again in
    two seconds, for up to a minute; the minutely run covers the rest."""
    ran = _run_alone()
    if attempt < 30 and (not ran or consumers.held_back()):
        run_event_consumers.schedule(args=(attempt + 1,), delay=2)


@db_periodic_task(crontab(minute="*"))
def run_event_consumers_minutely() -> None:
    _run_alone()


@db_task(retries=3, retry_delay=30)
def reindex_customer_tickets(customer_id: int) -> None:
    """Rebuild the search documents of a customer's tickets after a rename, an address change or a merge."""
    search.reindex(Ticket.objects.filter(requester_id=customer_id).values_list("pk", flat=True))
