"""The same change to many tickets, one transaction each, through the single-ticket actions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.core.errors import ActionError
from opsdesk.tickets.models import (
    Ticket,
    TicketStatus,
)

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.people.models import Team

from opsdesk.tickets.actions.common import clean_tags
from opsdesk.tickets.actions.fields import assign_ticket, change_status, set_priority, set_tags, set_team

Category = TicketStatus.Category

# --- bulk ----------------------------------------------------------------------------------------------------------

UNSET: Any = object()


def bulk_update(
    tickets: Sequence[Ticket],
    *,
    actor: User,
    assignee: User | None = UNSET,
    status: TicketStatus | None = None,
    add_tags: Iterable[str] = (),
    priority: str = "",
    team: Team | None = UNSET,
) -> tuple[int, list[tuple[int, str]]]:
    """Apply the same change to many tickets, one transaction each, through the single-ticket actions.

    Returns how many tickets changed and, for those refused, (ticket id, message)."""
    require(actor, Capability.BULK_UPDATE)
    changed = 0
    refused: list[tuple[int, str]] = []
    tags = clean_tags(add_tags)
    for ticket in tickets:
        try:
            with transaction.atomic():
                if assignee is not UNSET:
                    assign_ticket(ticket, assignee=assignee, actor=actor)
                if status is not None:
                    change_status(ticket, status=status, actor=actor)
                if tags:
                    set_tags(ticket, tags=tags, actor=actor, add=True)
                if priority:
                    set_priority(ticket, priority=priority, actor=actor)
                if team is not UNSET:
                    set_team(ticket, team=team, actor=actor)
            changed += 1
        except ActionError as error:
            refused.append((ticket.pk, error.message))
    if changed:
        from opsdesk.tickets.inbox import forget_counts

        forget_counts(actor.pk)
    return changed, refused
