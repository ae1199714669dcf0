"""The `routing.assign` consumer, handed the events the real actions wrote (as tickets.consumers does after commit;
that transport is tested in tickets/tests/test_consumers.py, and a test's transaction never commits)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from opsdesk.routing.consumers import assign
from opsdesk.routing.models import RoutingWait
from opsdesk.routing.tests.factories import agent, team_routing
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import consumers
from opsdesk.tickets.models import TicketEvent, TicketStatus

_position = {"id": 0}


@pytest.fixture(autouse=True)
def _start(db: None) -> None:
    _position["id"] = 0


def consume() -> list[TicketEvent]:
    rows = list(TicketEvent.objects.filter(id__gt=_position["id"]).order_by("id"))
    if rows:
        _position["id"] = rows[-1].pk
        assign(rows)
    return rows


def test_the_routing_consumer_is_configured() -> None:
    assert consumers.handlers()["routing.assign"] is assign


def test_a_new_ticket_is_routed_with_its_creation_as_the_cause(world: Any) -> None:
    team_routing(world.support, world.admin)
    anna = agent("anna@example.com", "Anna", world.support, world.admin)
    ticket = world.ticket()
    created = TicketEvent.objects.get(ticket=ticket, kind="ticket.created")
    consume()
    ticket.refresh_from_db()
    assert ticket.assignee == anna
    decided = TicketEvent.objects.get(ticket=ticket, kind="routing.assigned")
    assert (decided.cause_event, decided.cause, decided.source) == (
        created.pk,
        f"routing:{world.support.pk}",
        "automation",
    )
    assert [e.kind for e in consume()] == ["assignee.changed", "routing.assigned"]
    assert TicketEvent.objects.filter(kind="routing.assigned").count() == 1  # its own events cause nothing


def test_a_ticket_moved_to_a_routed_team_or_unassigned_is_routed(world: Any) -> None:
    team_routing(world.support, world.admin)
    anna = agent("anna@example.com", "Anna", world.support, world.admin)
    ticket = world.ticket(team=world.billing)  # manual
    consume()
    ticket.refresh_from_db()
    assert ticket.assignee is None
    ticket_actions.set_team(ticket, team=world.support, actor=world.admin)
    consume()
    ticket.refresh_from_db()
    assert ticket.assignee == anna
    ticket_actions.assign_ticket(ticket, assignee=None, actor=world.admin)
    consume()
    ticket.refresh_from_db()
    assert ticket.assignee == anna
    assert TicketEvent.objects.filter(ticket=ticket, kind="routing.assigned").count() == 2


def test_a_reopened_ticket_is_routed_again(world: Any) -> None:
    team_routing(world.support, world.admin)
    anna = agent("anna@example.com", "Anna", world.support, world.admin)
    ticket = world.ticket(assignee=world.agent)
    ticket_actions.change_status(ticket, status=TicketStatus.objects.get(name="Solved"), actor=world.admin)
    ticket_actions.assign_ticket(ticket, assignee=None, actor=world.admin)
    consume()  # solved: nothing to route
    assert TicketEvent.objects.filter(ticket=ticket, kind__startswith="routing.").count() == 0
    ticket_actions.change_status(ticket, status=TicketStatus.objects.get(name="Open"), actor=world.admin)
    consume()
    ticket.refresh_from_db()
    assert ticket.assignee == anna


def test_solving_a_ticket_frees_a_place_for_the_oldest_waiting_ticket(world: Any) -> None:
    team_routing(world.support, world.admin)
    anna = agent("anna@example.com", "Anna", world.support, world.admin, capacity={"tickets": 1})
    first, second, third = (world.ticket(subject=s) for s in ("First", "Second", "Third"))
    consume()
    first.refresh_from_db()
    assert first.assignee == anna
    assert list(RoutingWait.objects.order_by("waiting_since", "ticket_id").values_list("ticket_id", "reason")) == [
        (second.pk, "all_full"),
        (third.pk, "all_full"),
    ]
    ticket_actions.change_status(first, status=TicketStatus.objects.get(name="Solved"), actor=anna)
    consume()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.assignee, third.assignee) == (anna, None)
    solved = TicketEvent.objects.get(ticket=first, kind="status.changed")
    assert TicketEvent.objects.get(ticket=second, kind="routing.assigned").cause_event == solved.pk


def test_a_waiting_ticket_moved_to_another_routed_team_waits_there_from_the_move(world: Any) -> None:
    import time_machine

    from opsdesk.routing.tests.test_assign import START

    team_routing(world.support, world.admin, use_language=True, fallback_seconds=600)
    team_routing(world.billing, world.admin, use_language=True, fallback_seconds=1200)
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
        consume()
    assert RoutingWait.objects.get(ticket=ticket).team == world.support
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        ticket_actions.set_team(ticket, team=world.billing, actor=world.admin)
        consume()
    wait = RoutingWait.objects.get(ticket=ticket)
    assert (wait.team, wait.waiting_since, wait.reason) == (world.billing, START + timedelta(minutes=5), "all_offline")
    assert wait.fallback_at == START + timedelta(minutes=25)


def test_a_changed_requirement_routes_the_ticket_again(world: Any) -> None:
    from opsdesk.people.models import Skill
    from opsdesk.routing import actions

    team_routing(world.support, world.admin, "skills", fallback_seconds=3600)
    agent("anna@example.com", "Anna", world.support, world.admin, skills={"billing": 2})
    ticket = world.ticket()
    actions.set_ticket_requirement(ticket, skills=[Skill.objects.create(name="legal")], language="", actor=world.agent)
    consume()
    assert RoutingWait.objects.get(ticket=ticket).reason == "no_skills"
    actions.set_ticket_requirement(ticket, skills=[Skill.objects.get(name="billing")], language="", actor=world.agent)
    consume()
    ticket.refresh_from_db()
    assert ticket.assignee is not None
    decided = TicketEvent.objects.get(ticket=ticket, kind="routing.assigned")
    changed = TicketEvent.objects.filter(ticket=ticket, kind="routing.requirement_changed").latest("id")
    assert (decided.cause_event, decided.data["skills"]) == (changed.pk, {"billing": 2})
