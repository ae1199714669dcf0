"""What a trigger rule waits for: named happenings, each a test on one timeline event (docs/automation.md).

A name stands for kinds of events and, where needed, a test of the payload: "the customer writes" is a
`comment.added` by an end user after the ticket was opened (the first message comes with `ticket.created`). The
list is ordered as the rule form shows it. Kinds another module registers later (a survey answer) are offered once
that module has registered them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opsdesk.tickets import events

UPDATE_KINDS = frozenset(
    {
        "comment.added",
        "status.changed",
        "priority.changed",
        "group.changed",
        "assignee.changed",
        "tags.changed",
        "type.changed",
        "subject.changed",
        "fields.changed",
        "requester.changed",
        "organization.changed",
        "ticket.merged",
        "attachment.added",
    }
)


@dataclass(frozen=True)
class Happening:
    """The event as a trigger sees it: its kind, payload, instant, and when its ticket was opened."""

    kind: str
    data: dict[str, object]
    at: datetime
    ticket_created_at: datetime

    @property
    def after_opening(self) -> bool:
        return self.at > self.ticket_created_at


@dataclass(frozen=True)
class Trigger:
    name: str
    label: str | Promise
    kinds: frozenset[str]
    test: Callable[[Happening], bool] = lambda h: True

    def fires_on(self, happening: Happening) -> bool:
        return happening.kind in self.kinds and self.test(happening)

    def available(self) -> bool:
        return any(kind in events.KINDS for kind in self.kinds)


def _comment(role: str, visibility: str) -> Callable[[Happening], bool]:
    def test(h: Happening) -> bool:
        return (
            h.after_opening
            and h.data.get("author_role") == role
            and h.data.get("visibility") == visibility
            and (role != "agent" or not h.data.get("is_automated"))
        )

    return test


TRIGGERS: dict[str, Trigger] = {
    t.name: t
    for t in (
        Trigger("ticket_created", _("A ticket is created"), frozenset({"ticket.created"})),
        Trigger("ticket_updated", _("A ticket is updated"), UPDATE_KINDS, lambda h: h.after_opening),
        Trigger(
            "customer_message", _("The customer writes"), frozenset({"comment.added"}), _comment("end_user", "public")
        ),
        Trigger(
            "agent_reply",
            _("An agent replies to the customer"),
            frozenset({"comment.added"}),
            _comment("agent", "public"),
        ),
        Trigger(
            "note_added",
            _("An internal note is added"),
            frozenset({"comment.added"}),
            lambda h: h.data.get("visibility") == "internal",
        ),
        Trigger("status_changed", _("The status changes"), frozenset({"status.changed"})),
        Trigger("priority_changed", _("The priority changes"), frozenset({"priority.changed"})),
        Trigger("team_changed", _("The team changes"), frozenset({"group.changed"})),
        Trigger("assignee_changed", _("The assignee changes"), frozenset({"assignee.changed"})),
        Trigger("tags_changed", _("The tags change"), frozenset({"tags.changed"})),
        Trigger("sla_warned", _("An SLA target is about to be missed"), frozenset({"sla.warned"})),
        Trigger("sla_breached", _("An SLA target is missed"), frozenset({"sla.breached"})),
        Trigger("chat_ended", _("A chat ends"), frozenset({"chat.ended"})),
        Trigger("call_logged", _("A call is logged"), frozenset({"call.logged"})),
        Trigger("survey_answered", _("A survey is answered"), frozenset({"survey.answered"})),
        Trigger(
            "survey_answered_negative",
            _("A survey is answered negatively (bad CSAT, NPS detractor, hard CES)"),
            frozenset({"survey.answered"}),
            lambda h: h.data.get("negative") is True,
        ),
    )
}


def choices() -> list[tuple[str, str]]:
    """The triggers a rule may use now, in the form's order."""
    return [(t.name, str(t.label)) for t in TRIGGERS.values() if t.available()]


def kinds_of(names: list[str]) -> frozenset[str]:
    return frozenset(kind for name in names if name in TRIGGERS for kind in TRIGGERS[name].kinds)
