"""The batched system changes (tickets/actions/batch.py) write what the single-ticket actions write: the same
columns, tags and timeline events, each with its own cause event; closed tickets refused, unchanged ones skipped."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from opsdesk.core.origin import origin
from opsdesk.tickets import actions
from opsdesk.tickets.actions import batch
from opsdesk.tickets.models import Ticket, TicketEvent, TicketStatus


def last_event(ticket: Ticket, kind: str) -> TicketEvent:
    return TicketEvent.objects.filter(ticket=ticket, kind=kind).latest("id")


def test_batched_tags_match_the_single_action(world: Any) -> None:
    one, two, three = world.ticket(), world.ticket(), world.ticket()
    for ticket in (one, two, three):
        actions.set_tags(ticket, tags=["old", "keep"], actor=world.agent)
    actions.set_tags(one, tags=["new"], actor=None, add=True)
    actions.set_tags(one, tags=["keep", "new"], actor=None)
    closed = TicketStatus.objects.filter(category="closed").first()
    assert closed is not None
    actions.change_status(three, status=closed, actor=world.agent)
    now = timezone.now()
    with origin("automation", cause="rule:7"):
        done = batch.change_tags_many([(two.pk, 101), (three.pk, 102)], add=["new"], remove=["old"], now=now)
    assert done[two.pk] == {"old": ["keep", "old"], "new": ["keep", "new"]}
    assert done[three.pk] == {"error": "This ticket is closed and can no longer be changed.", "code": "ticket_closed"}
    assert sorted(t.name for t in Ticket.objects.get(pk=two.pk).tags.all()) == ["keep", "new"]
    single, batched = last_event(one, "tags.changed"), last_event(two, "tags.changed")
    assert batched.data == {"old": ["keep", "old"], "new": ["keep", "new"]}
    assert (batched.actor_id, batched.actor_role) == (single.actor_id, single.actor_role) == (None, "system")
    assert (batched.source, batched.cause, batched.cause_event) == ("automation", "rule:7", 101)
    assert Ticket.objects.get(pk=two.pk).updated_at == now
    with origin("automation", cause="rule:7"):
        again = batch.change_tags_many([(two.pk, 103)], add=["new"], remove=["old"], now=now)
    assert again == {two.pk: {"skipped": "unchanged"}}


def test_batched_columns_match_the_single_action(world: Any) -> None:
    one, two = world.ticket(), world.ticket(priority="high")
    actions.set_priority(one, priority="urgent", actor=None)
    now = timezone.now()
    with origin("automation", cause="rule:8"):
        done = batch.set_column_many([(two.pk, 5)], column="priority", value="urgent", now=now)
    assert done == {two.pk: {"old": "high", "new": "urgent"}}
    single, batched = last_event(one, "priority.changed"), last_event(two, "priority.changed")
    assert single.data == {"old": "normal", "new": "urgent"}
    assert batched.data == {"old": "high", "new": "urgent"}
    assert (batched.actor_role, batched.cause_event, batched.cause) == ("system", 5, "rule:8")
    assert Ticket.objects.get(pk=two.pk).priority == "urgent"
    with origin("automation", cause="rule:8"):
        assert batch.set_column_many([(two.pk, 6)], column="team_id", value=world.billing.pk, now=now) == {
            two.pk: {"old": world.support.pk, "new": world.billing.pk}
        }
    assert last_event(two, "group.changed").data == {"old": world.support.pk, "new": world.billing.pk}
