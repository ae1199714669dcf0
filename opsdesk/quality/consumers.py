"""The `quality.surveys` event consumer: a ticket solved schedules its surveys, and a chat that ended those sent
after a chat; a ticket reopened before they are due cancels them (METRICS.md §4). Sending happens when they are due
(quality.tasks), with every rule checked then."""

from __future__ import annotations

from opsdesk.core.origin import origin
from opsdesk.quality import actions
from opsdesk.tickets import categories
from opsdesk.tickets.models import TicketEvent

NAME = "quality.surveys"


def schedule_surveys(events: list[TicketEvent]) -> None:
    for event in events:
        if event.kind == "chat.ended":
            with origin("system", cause_event=event.pk, cause=f"consumer:{NAME}"):
                actions.schedule_after_chat(event.ticket_id, cause_event=event.pk, ended_at=event.at)
            continue
        if event.kind != "status.changed":
            continue
        before, after = event.data.get("from_category"), event.data.get("to_category")
        with origin("system", cause_event=event.pk, cause=f"consumer:{NAME}"):
            if after == categories.Category.SOLVED and before != categories.Category.SOLVED:
                actions.schedule_after_solve(event.ticket_id, cause_event=event.pk, solved_at=event.at)
            elif before in categories.DONE and after in categories.UNSOLVED:
                actions.cancel_scheduled(event.ticket_id)
