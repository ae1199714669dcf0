"""Logging calls: numbers, the customer found by number, the times and seconds checked and derived, the ticket the
call is linked to (an existing one gets `call.logged` and a note, a new one comes from the one intake)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import translation

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.customers import actions as customer_actions
from opsdesk.customers.models import Customer
from opsdesk.messaging import actions
from opsdesk.messaging.models import CallRecord
from opsdesk.messaging.phone import numbers
from opsdesk.tickets import events
from opsdesk.tickets.models import Message, TicketEvent

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
T0 = NOW - timedelta(minutes=30)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+358 40 123 4567", "+358401234567"),
        ("+358-40-123.4567", "+358401234567"),
        ("00358 (40) 1234567", "+358401234567"),
        ("040 123 4567", "0401234567"),
        ("112", "112"),
        ("+0 12345678", None),
        ("call me", None),
        ("+358 40 123 4567 ext 2", None),
        ("+" + "1" * 16, None),
        ("", None),
    ],
)
def test_numbers_are_normalised_to_e164_or_refused(raw: str, expected: str | None) -> None:
    assert numbers.normalise(raw) == expected


def test_a_national_number_matches_its_international_form_only() -> None:
    assert numbers.same_number("+358401234567", "0401234567")
    assert numbers.same_number("0401234567", "+358401234567")
    assert not numbers.same_number("+358401234567", "0401234568")
    assert not numbers.same_number("+358401234567", "401234567")  # no trunk 0: not a national form


def _phones(customer: Customer, *phones: str) -> None:
    customer_actions.update_customer(
        customer,
        name=customer.name,
        emails=list(customer.emails.values_list("address", flat=True)),
        phones=list(phones),
        organization=customer.organization,
        language=customer.language,
        time_zone=customer.time_zone,
        actor=None,  # type: ignore[arg-type]
    )


def _inbound(world: Any, **kwargs: Any) -> CallRecord:
    values: dict[str, Any] = {
        "actor": world.agent,
        "direction": "inbound",
        "from_number": "+358 40 123 4567",
        "to_number": "+358 9 100 200",
        "offered_at": T0,
        "answered_at": T0 + timedelta(seconds=20),
        "ended_at": T0 + timedelta(seconds=20 + 252),
        "outcome": "answered",
    }
    values.update(kwargs)
    return actions.log_call(**values)


def test_a_call_finds_its_customer_by_number_whatever_the_formatting(world: Any) -> None:
    _phones(world.customer, "040-123 45 67")
    call = _inbound(world)
    assert (call.from_number, call.to_number, call.customer_id) == ("+358401234567", "+3589100200", world.customer.pk)
    assert (call.wait_seconds, call.talk_seconds, call.agent_id, call.team_id) == (20, 252, world.agent.pk, None)
    assert (call.provider_id, call.external_id, call.ticket_id, call.logged_by_id) == (None, "", None, world.agent.pk)


def test_a_call_from_an_unknown_number_has_no_customer_and_creates_none(world: Any) -> None:
    before = Customer.objects.count()
    call = _inbound(world, from_number="+44 20 7946 0000")
    assert call.customer_id is None
    assert Customer.objects.count() == before


def test_logging_on_a_ticket_records_the_event_and_a_note_with_the_summary(world: Any) -> None:
    ticket = world.ticket()
    call = _inbound(world, ticket=ticket, notes="Wants a refund for order 17.", hold_seconds=12)
    event = TicketEvent.objects.get(ticket=ticket, kind="call.logged")
    assert event.data == {
        "call": call.pk,
        "direction": "inbound",
        "number": "+358401234567",
        "outcome": "answered",
        "agent": world.agent.pk,
        "wait_seconds": 20,
        "talk_seconds": 240,
    }
    assert (event.source, event.actor_id) == ("phone", world.agent.pk)
    note = ticket.messages.order_by("-pk").first()
    assert note is not None and note.visibility == Message.Visibility.INTERNAL
    assert note.body_text == (
        "Inbound call from +358401234567, answered by Alice Agent, 4 min 0 s\n\nWants a refund for order 17."
    )
    assert (call.customer_id, call.team_id, call.event_recorded) == (ticket.requester_id, ticket.team_id, True)


def test_without_notes_the_ticket_gets_the_event_but_no_note(world: Any) -> None:
    ticket = world.ticket()
    messages_before = ticket.messages.count()
    _inbound(world, ticket=ticket)
    assert TicketEvent.objects.filter(ticket=ticket, kind="call.logged").count() == 1
    assert ticket.messages.count() == messages_before


def test_a_new_ticket_comes_from_the_one_intake_with_an_internal_first_message(world: Any, mailoutbox: Any) -> None:
    call = _inbound(world, from_number="+44 20 7946 0000", new_ticket=True, notes="Printer on fire.")
    assert call.ticket is not None and call.customer is not None
    ticket, customer = call.ticket, call.customer
    assert (customer.name, [p.number for p in customer.phones.all()]) == ("+442079460000", ["+442079460000"])
    assert (ticket.subject, ticket.channel, ticket.requester_id, ticket.assignee_id) == (
        "Phone call from +442079460000",
        "phone",
        customer.pk,
        world.agent.pk,
    )
    first = ticket.messages.get()
    assert (first.visibility, first.body_text) == (
        "internal",
        "Inbound call from +442079460000, answered by Alice Agent, 4 min 12 s\n\nPrinter on fire.",
    )
    kinds = list(ticket.events.order_by("pk").values_list("kind", "source"))
    assert kinds[0] == ("ticket.created", "phone")
    assert kinds[-1] == ("call.logged", "phone")
    assert mailoutbox == []


def test_a_repeated_submission_is_one_call_ticket(world: Any) -> None:
    first = _inbound(world, new_ticket=True, submission="call-form-1")
    second = _inbound(world, new_ticket=True, submission="call-form-1")
    assert first.ticket_id == second.ticket_id


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"from_number": "call me"}, "from_number", "invalid_number"),
        ({"from_number": ""}, "from_number", "required"),
        ({"direction": "sideways"}, "direction", "invalid_direction"),
        ({"outcome": "lost"}, "outcome", "invalid_outcome"),
        ({"answered_at": T0 - timedelta(seconds=1)}, "answered_at", "invalid_order"),
        ({"ended_at": T0 + timedelta(seconds=5)}, "ended_at", "invalid_order"),
        ({"ended_at": None}, "ended_at", "required"),
        ({"answered_at": None}, "answered_at", "required"),
        ({"outcome": "missed"}, "answered_at", "invalid_outcome"),
        ({"outcome": "abandoned", "direction": "outbound", "answered_at": None}, "outcome", "invalid_outcome"),
        ({"offered_at": NOW + timedelta(minutes=6)}, "offered_at", "in_future"),
        ({"ended_at": T0 + timedelta(hours=25)}, "ended_at", "too_long"),
        ({"hold_seconds": 300}, "hold_seconds", "invalid_seconds"),
        ({"recording_url": "javascript:alert(1)"}, "recording_url", "invalid_url"),
        ({"recording_url": "ftp://files.example/a.wav"}, "recording_url", "invalid_url"),
        ({"notes": "x" * 10_001}, "notes", "too_long"),
    ],
)
def test_a_bad_call_is_refused_before_anything_is_written(
    world: Any, changes: dict[str, Any], field: str, code: str
) -> None:
    ticket = world.ticket()
    events_before = TicketEvent.objects.count()
    with pytest.raises(ActionError) as refused:
        _inbound(world, ticket=ticket, **{"notes": "n", **changes})
    assert (refused.value.field, refused.value.code, refused.value.status) == (field, code, 422)
    assert CallRecord.objects.count() == 0
    assert TicketEvent.objects.count() == events_before


def test_light_agents_and_customers_cannot_log_calls(world: Any) -> None:
    for user in (world.light_agent, world.customer_user):
        with pytest.raises(ActionError) as refused:
            _inbound(world, actor=user)
        assert refused.value.status == 403
    assert CallRecord.objects.count() == 0


def test_a_ticket_the_agent_cannot_see_is_refused(world: Any) -> None:
    ticket = world.ticket(team=world.billing)
    with pytest.raises(ActionError) as refused:
        _inbound(world, ticket=ticket)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert CallRecord.objects.count() == 0


def test_an_unanswered_call_waits_until_it_ends_and_talks_zero(world: Any) -> None:
    call = _inbound(world, outcome="abandoned", answered_at=None, ended_at=T0 + timedelta(seconds=47))
    assert (call.wait_seconds, call.talk_seconds) == (47, 0)


@pytest.mark.parametrize(
    ("language", "outcome", "direction", "expected"),
    [
        ("en", "answered", "inbound", "Inbound call from +358401234567, answered by Alice Agent, 4 min 12 s"),
        ("fi", "answered", "inbound", "Saapuva puhelu numerosta +358401234567, vastasi Alice Agent, 4 min 12 sek"),
        ("en", "missed", "inbound", "Missed inbound call from +358401234567"),
        ("en", "abandoned", "inbound", "Inbound call from +358401234567, abandoned after 20 s"),
        ("en", "voicemail", "outbound", "Outbound call to +358401234567, voicemail left"),
        ("en", "", "inbound", "Call with +358401234567 in progress"),
    ],
)
def test_the_event_reads_as_a_sentence_in_the_readers_language(
    language: str, outcome: str, direction: str, expected: str
) -> None:
    data = {
        "call": 1,
        "direction": direction,
        "number": "+358401234567",
        "outcome": outcome,
        "agent": 5 if outcome == "answered" else None,
        "wait_seconds": 20,
        "talk_seconds": 252,
    }
    with translation.override(language):
        assert events.render("call.logged", events.build("call.logged", data), {"user": {5: "Alice Agent"}}) == expected


def test_durations_read_as_people_say_them() -> None:
    assert [events.duration_text(s) for s in (0, 45, 252, 3900)] == ["0 s", "45 s", "4 min 12 s", "1 h 5 min"]


def test_calls_are_scoped_like_their_tickets_and_teams(world: Any) -> None:
    own = _inbound(world)
    billing_ticket = world.ticket(team=world.billing)
    theirs = actions.log_call(
        actor=world.other_agent,
        direction="outbound",
        to_number="+358 50 765 4321",
        offered_at=T0,
        ended_at=T0 + timedelta(seconds=30),
        outcome="missed",
        ticket=billing_ticket,
    )
    visible = {
        user: set(CallRecord.objects.visible_to(user).values_list("pk", flat=True))
        for user in (world.agent, world.other_agent, world.manager, world.customer_user)
    }
    assert visible == {
        world.agent: {own.pk},
        world.other_agent: {theirs.pk},
        world.manager: {own.pk, theirs.pk},
        world.customer_user: set(),
    }
    assert AuditEvent.objects.filter(verb__startswith="call").count() == 0
