"""A ticket's SLA clocks in the REST API: what the agent's SLA panel shows, computed from the ticket's events (the
`sla.*` events behind each figure are at /tickets/{id}/events). Staff only, within what they may see."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from opsdesk.core.schemas import ERRORS
from opsdesk.sla import status
from opsdesk.tickets.access import get_ticket_for_user

router = Router(tags=["sla"])


class ClockOut(Schema):
    metric: str = Field(..., description="first_reply, next_reply, periodic_update, requester_wait, agent_work, ...")
    instance: int = Field(..., description="The clock's number among the ticket's clocks of that metric, from 1.")
    state: str = Field(..., description="running, paused, achieved, breached or cancelled.")
    counting: bool = Field(..., description="Still counting: running, or breached and not yet stopped.")
    due_at: datetime | None = Field(None, description="The deadline while running; the breach instant once breached.")
    left_seconds: int | None = Field(None, description="Paused: what is left of the target, on its basis.")
    ended_at: datetime | None = Field(None, description="Achieved or cancelled: when.")
    event_id: int | None = Field(None, description="Its latest event on the timeline.")


class SlaOut(Schema):
    policy: str = Field(..., description="The policy in force (its name when it applied); empty when none applies.")
    clocks: list[ClockOut]


@router.get("/{ticket_id}/sla", response={200: SlaOut, **ERRORS}, summary="The ticket's SLA clocks now")
def ticket_sla(request: HttpRequest, ticket_id: int) -> SlaOut:
    ticket = get_ticket_for_user(request.auth, ticket_id)  # type: ignore[attr-defined]
    found = status.clocks_for(ticket.pk, ticket.events.order_by("at", "id"), now=timezone.now())
    if found is None:
        return SlaOut(policy="", clocks=[])
    return SlaOut(
        policy=found.policy,
        clocks=[
            ClockOut(
                metric=c.metric,
                instance=c.instance,
                state=c.state,
                counting=c.counting,
                due_at=c.due_at,
                left_seconds=c.left_seconds,
                ended_at=c.ended_at,
                event_id=c.event_id,
            )
            for c in found.clocks
        ],
    )
