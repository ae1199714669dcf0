"""The routing event consumer `routing.assign` (tickets.consumers), in the same transaction as its position:

- a ticket that may need an agent (created, moved to another team, its assignee cleared, reopened, its routing
  requirement changed) is routed by its team's strategy, with the event as the cause;
- an agent who freed capacity (a ticket of theirs solved or closed, or given to someone else) gets their teams'
  waiting tickets.

Routing's own events (routing.*) and the assignments it makes cause nothing here, so it never reacts to itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from opsdesk.core import origin
from opsdesk.core.errors import ActionError
from opsdesk.routing import actions
from opsdesk.routing import events as E
from opsdesk.tickets.categories import UNSOLVED
from opsdesk.tickets.models import Ticket, TicketEvent

SOLVED = ("solved", "closed")


def _needs_routing(event: TicketEvent) -> bool:
    data = event.data or {}
    if event.kind in ("ticket.created", "group.changed", E.REQUIREMENT_CHANGED):
        return True
    if event.kind == "assignee.changed":
        return data.get("new") is None
    if event.kind == "status.changed":
        return data.get("from_category") in SOLVED and data.get("to_category") in UNSOLVED
    return False


def _freed(event: TicketEvent, assignees: Mapping[int, int | None]) -> int | None:
    """The agent this event freed a place for, if any."""
    data = event.data or {}
    if event.kind == "assignee.changed" and isinstance(data.get("old"), int):
        return int(data["old"])
    if event.kind == "status.changed" and data.get("to_category") in SOLVED and data.get("from_category") in UNSOLVED:
        return assignees.get(event.ticket_id)
    if event.kind == "ticket.merged" and data.get("source") == event.ticket_id:
        return assignees.get(event.ticket_id)
    return None


def assign(events: list[TicketEvent]) -> None:
    to_route: dict[int, int] = {}  # ticket id -> the latest event that asks for routing
    for event in events:
        if event.kind in E.ALL_KINDS and event.kind != E.REQUIREMENT_CHANGED:
            continue
        if _needs_routing(event):
            to_route[event.ticket_id] = event.pk
    freeing = [e for e in events if e.kind in ("assignee.changed", "status.changed", "ticket.merged")]
    assignees = dict(Ticket.objects.filter(pk__in={e.ticket_id for e in freeing}).values_list("pk", "assignee_id"))
    freed: dict[int, int] = {}
    for event in freeing:
        user_id = _freed(event, assignees)
        if user_id is not None:
            freed[user_id] = event.pk
    now = timezone.now()
    for ticket_id, event_id in sorted(to_route.items()):
        with origin.origin("automation", cause_event=event_id):
            try:
                actions.route_ticket(Ticket(pk=ticket_id), now=now)
            except (ActionError, Ticket.DoesNotExist):
                continue  # closed or gone in between: nothing to route
    for user_id, event_id in sorted(freed.items()):
        with origin.origin("automation", cause_event=event_id):
            actions.route_waiting_for_agent(user_id, now=now)
