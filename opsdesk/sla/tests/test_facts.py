"""Ticket events written by the real actions, read as SLA facts and replayed (opsdesk/sla/facts.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from opsdesk.sla import clocks, facts
from opsdesk.sla.clocks import Applied, Rule, Target
from opsdesk.tickets import actions
from opsdesk.tickets.models import TicketEvent, TicketStatus

RULE = Rule("1@1", "normal", {"first_reply": Target(3600), "requester_wait": Target(4 * 3600)})


def replayed(ticket: Any, until: Any) -> list[tuple[str, str, int]]:
    events = TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")
    found = facts.from_events(ticket.pk, events)
    created = next(f for f in found if isinstance(f, clocks.Created))
    state = clocks.replay([Applied(created.at, RULE), *found], until=until)
    return [(e.type, e.metric, e.elapsed) for e in state.events]


def test_a_customers_ticket_answered_then_solved(world: Any) -> None:
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        ticket = actions.create_ticket(
            subject="Printer", body="It is on fire", actor=None, requester_email="eve@example.com", via="web"
        )
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        actions.add_note(ticket, body="Looking", actor=world.agent)
        actions.reply_to_ticket(ticket, body="On our way", actor=world.agent)
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        actions.change_status(ticket, status=TicketStatus.objects.get(name="Solved"), actor=world.agent)
    assert replayed(ticket, start + timedelta(hours=5)) == [
        ("activated", "first_reply", 0),
        ("activated", "requester_wait", 0),
        ("fulfilled", "first_reply", 1200),
        ("fulfilled", "requester_wait", 3000),
    ]


def test_an_agents_public_opening_comment_owes_nothing_and_is_no_reply(world: Any) -> None:
    ticket = actions.create_ticket(
        subject="Your order", body="It shipped", actor=world.agent, requester_email="eve@example.com", public=True
    )
    found = facts.from_events(ticket.pk, TicketEvent.objects.filter(ticket=ticket).order_by("at", "id"))
    assert isinstance(found[0], clocks.Created) and found[0].by_agent_publicly
    assert not any(isinstance(f, clocks.Comment) for f in found)


def test_an_internal_opening_note_still_owes_the_first_reply(world: Any) -> None:
    ticket = actions.create_ticket(
        subject="Call log", body="Customer called", actor=world.agent, requester_email="eve@example.com", public=False
    )
    found = facts.from_events(ticket.pk, TicketEvent.objects.filter(ticket=ticket).order_by("at", "id"))
    assert isinstance(found[0], clocks.Created) and not found[0].by_agent_publicly
    assert any(isinstance(f, clocks.Comment) and not f.public for f in found)
