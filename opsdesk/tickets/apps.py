from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _empty_index_for_no_tickets(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """`flush` (and so every transactional test) empties the tickets but knows nothing of the search table, which is
    not a Django model: after a flush or migrate that leaves no tickets, no search document may be left either."""
    from opsdesk.tickets import search

    search.clear_if_no_tickets(using)


class TicketsConfig(AppConfig):
    name = "opsdesk.tickets"
    label = "tickets"

    def ready(self) -> None:
        post_migrate.connect(_empty_index_for_no_tickets, sender=self)
