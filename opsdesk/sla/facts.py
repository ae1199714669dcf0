"""A ticket's timeline read as the facts SLA clocks are replayed from (opsdesk/sla/clocks.py): the one place that
says which ticket events move a clock (METRICS.md §2.2–2.3).

Only the ticket's own events are read; the rules applied to it (`clocks.Applied`) are stored by the SLA consumer and
added by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from opsdesk.sla import clocks


class EventLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def at(self) -> datetime: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


KINDS = ("ticket.created", "comment.added", "status.changed", "ticket.merged")


def from_events(ticket_id: int, events: Iterable[EventLike]) -> list[clocks.Fact]:
    """The facts of these events of ticket `ticket_id`, in their order. An agent's public opening comment means
    nothing is owed yet, and is no reply itself."""
    found: list[clocks.Fact] = []
    created: clocks.Created | None = None
    opening_checked = False
    for event in events:
        data = event.data
        if event.kind == "ticket.created":
            created = clocks.Created(event.at, str(data.get("category") or clocks.NEW))
            found.append(created)
            opening_checked = data.get("created_by") != "agent"
        elif event.kind == "comment.added":
            comment = clocks.Comment(
                event.at,
                int(data["comment"]),
                str(data.get("author_role", "")),
                public=data.get("visibility") == "public",
                automated=bool(data.get("is_automated")),
            )
            if not opening_checked and created is not None and event.at == created.at:
                opening_checked = True
                if comment.public and comment.author_role == "agent":
                    found[found.index(created)] = clocks.Created(created.at, created.category, by_agent_publicly=True)
                    continue
            found.append(comment)
        elif event.kind == "status.changed":
            found.append(clocks.StatusChanged(event.at, str(data["to_category"])))
        elif event.kind == "ticket.merged" and data.get("source") == ticket_id:
            found.append(clocks.Merged(event.at))
    return found
