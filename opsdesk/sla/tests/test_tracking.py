"""SLA clocks kept from the real ticket actions: the consumer, the minutely job, escalations, recalculation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from opsdesk.core.errors import ActionError
from opsdesk.sla import actions as sla_actions
from opsdesk.sla.actions import policies as policy_actions
from opsdesk.sla.actions import tracking
from opsdesk.sla.actions.policies import TargetInput
from opsdesk.sla.consumers import track
from opsdesk.sla.models import Escalation, SlaPolicy
from opsdesk.tickets import actions, consumers
from opsdesk.tickets.models import Notification, Ticket, TicketEvent, TicketStatus

START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)  # a Wednesday


def sla_log(ticket: Any) -> list[tuple[str, str, datetime]]:
    rows = TicketEvent.objects.filter(ticket=ticket, kind__startswith="sla.").exclude(kind="sla.policy_applied")
    return [(e.kind[4:], e.data.get("metric", ""), e.at) for e in rows.order_by("at", "id")]


_position = {"id": 0}


def start_consuming() -> None:
    """As a new consumer does: start after the events already written."""
    _position["id"] = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def consume(at: datetime) -> None:
    """Hand the SLA consumer what was written since its last run, as tickets.consumers does after commit (that
    transport, with its PostgreSQL visibility horizon, is tested in tickets/tests/test_consumers.py; a test's
    transaction never commits)."""
    rows = list(TicketEvent.objects.filter(id__gt=_position["id"]).order_by("id"))
    if rows:
        _position["id"] = rows[-1].pk
        with time_machine.travel(at, tick=False):
            track(rows)


def test_the_sla_consumer_is_configured() -> None:
    assert consumers.handlers()["sla.clocks"] is track


def standard(manager: Any, *targets: TargetInput, calendar: Any = None, pause: tuple[str, ...] = ("pending",)) -> Any:
    policy = SlaPolicy.objects.get(is_default=True)
    return policy_actions.save_policy(
        policy,
        name=policy.name,
        conditions={},
        calendar=calendar,
        pause_categories=pause,
        targets=targets,
        actor=manager,
    )


@pytest.fixture
def opened(world: Any) -> Any:
    """A customer's ticket opened at START, under a round-the-clock first reply target of one hour."""
    start_consuming()
    standard(world.manager, TargetInput("normal", "first_reply", 3600, business_hours=False))
    with time_machine.travel(START, tick=False):
        ticket = actions.create_ticket(
            subject="Printer", body="It is on fire", actor=None, requester_email="eve@example.com", via="web"
        )
    consume(START + timedelta(seconds=5))
    return Ticket.objects.get(pk=ticket.pk)


def test_the_consumer_applies_the_policy_and_starts_the_clock(opened: Any) -> None:
    applied = TicketEvent.objects.get(ticket=opened, kind="sla.policy_applied")
    assert applied.at == START
    assert applied.source == "sla"
    assert applied.data["targets"] == {"first_reply": {"seconds": 3600, "business_hours": False, "warn_before": 900}}
    assert sla_log(opened) == [("activated", "first_reply", START)]
    assert opened.sla_due_at == START + timedelta(minutes=45)  # the warning
    assert opened.sla_deadline_at == START + timedelta(hours=1)
    assert opened.sla_policy_id == SlaPolicy.objects.get(is_default=True).pk


def test_the_job_writes_warning_and_breach_at_their_instants_once(opened: Any) -> None:
    assert tracking.check_due(START + timedelta(minutes=44)).events == 0
    assert tracking.check_due(START + timedelta(minutes=46)).events == 1
    opened.refresh_from_db()
    assert opened.sla_due_at == START + timedelta(hours=1)
    late = START + timedelta(hours=1, minutes=3)  # the job ran late: the breach is still dated at the deadline
    assert tracking.check_due(late).kinds == {"sla.breached": 1}
    assert tracking.check_due(late + timedelta(minutes=5)).events == 0
    assert sla_log(opened) == [
        ("activated", "first_reply", START),
        ("warned", "first_reply", START + timedelta(minutes=45)),
        ("breached", "first_reply", START + timedelta(hours=1)),
    ]
    opened.refresh_from_db()
    assert opened.sla_due_at is None
    assert opened.sla_deadline_at == START + timedelta(hours=1)  # still counting, late: first in "next due"


def test_a_late_reply_is_fulfilled_late_and_the_breach_stays(opened: Any, world: Any) -> None:
    tracking.check_due(START + timedelta(hours=2))
    with time_machine.travel(START + timedelta(hours=2, minutes=10), tick=False):
        actions.reply_to_ticket(opened, body="Sorry", actor=world.agent)
    consume(START + timedelta(hours=2, minutes=11))
    fulfilled = TicketEvent.objects.get(ticket=opened, kind="sla.fulfilled")
    assert fulfilled.data["late"] is True
    assert fulfilled.data["outcome"] == "breached"
    assert fulfilled.data["elapsed"] == 2 * 3600 + 600
    opened.refresh_from_db()
    assert (opened.sla_due_at, opened.sla_deadline_at) == (None, None)


def test_a_priority_change_recalculates_from_the_original_start(opened: Any, world: Any) -> None:
    standard(
        world.manager,
        TargetInput("normal", "first_reply", 3600, business_hours=False),
        TargetInput("urgent", "first_reply", 1800, business_hours=False),
    )
    consume(START + timedelta(minutes=1))
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        actions.set_priority(opened, priority="urgent", actor=world.agent)
    consume(START + timedelta(minutes=11))
    recalculated = TicketEvent.objects.filter(ticket=opened, kind="sla.recalculated").last()
    assert recalculated is not None
    assert recalculated.data["reason"] == "priority_change"
    assert recalculated.data["deadline"] == (START + timedelta(minutes=30)).isoformat()
    assert recalculated.data["old_deadline"] == (START + timedelta(hours=1)).isoformat()
    opened.refresh_from_db()
    assert opened.sla_deadline_at == START + timedelta(minutes=30)


def test_a_stricter_target_already_past_breaches_at_the_change_never_before(opened: Any, world: Any) -> None:
    standard(
        world.manager,
        TargetInput("normal", "first_reply", 3600, business_hours=False),
        TargetInput("urgent", "first_reply", 600, business_hours=False),
    )
    change = START + timedelta(minutes=20)
    with time_machine.travel(change, tick=False):
        actions.set_priority(opened, priority="urgent", actor=world.agent)
    consume(change + timedelta(seconds=30))
    assert ("breached", "first_reply", change) in sla_log(opened)


def test_pending_pauses_requester_wait_and_the_deadline_moves(world: Any) -> None:
    start_consuming()
    standard(world.manager, TargetInput("normal", "requester_wait", 4 * 3600, business_hours=False))
    with time_machine.travel(START, tick=False):
        ticket = actions.create_ticket(subject="VPN", body="Down", actor=None, requester_email="eve@example.com")
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        actions.change_status(ticket, status=TicketStatus.objects.get(name="Pending"), actor=world.agent)
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        actions.add_customer_reply(ticket, body="Still down", actor=None, customer=ticket.requester)
    consume(START + timedelta(hours=3, seconds=1))
    assert [(t, m) for t, m, _at in sla_log(ticket)] == [
        ("activated", "requester_wait"),
        ("paused", "requester_wait"),
        ("resumed", "requester_wait"),
    ]
    ticket.refresh_from_db()
    assert ticket.sla_deadline_at == START + timedelta(hours=6)  # two hours in pending did not count


def test_escalation_notifies_raises_priority_and_tags_with_the_breach_as_cause(opened: Any, world: Any) -> None:
    policy = SlaPolicy.objects.get(is_default=True)
    actions.assign_ticket(opened, assignee=world.agent, actor=world.agent)
    policy_actions.save_escalation(
        policy,
        None,
        level=1,
        trigger="breached",
        metric="first_reply",
        delay=0,
        notify=["assignee", "managers"],
        by_email=True,
        raise_priority=True,
        move_to_team=None,
        add_tag="late",
        actor=world.manager,
    )
    policy_actions.save_escalation(
        policy,
        None,
        level=2,
        trigger="breached",
        metric="",
        delay=1800,
        notify=["managers"],
        by_email=False,
        raise_priority=False,
        move_to_team=None,
        add_tag="",
        actor=world.manager,
    )
    tracking.check_due(START + timedelta(hours=1, seconds=20))
    escalated = TicketEvent.objects.get(ticket=opened, kind="sla.escalated")
    breach = TicketEvent.objects.get(ticket=opened, kind="sla.breached")
    assert escalated.cause_event == breach.pk
    assert escalated.data["level"] == 1 and escalated.data["priority"] == "high" and escalated.data["tag"] == "late"
    assert set(escalated.data["notified"]) == {world.agent.pk, world.manager.pk}
    priority = TicketEvent.objects.get(ticket=opened, kind="priority.changed")
    assert (priority.source, priority.cause_event, priority.cause) == (
        "sla",
        escalated.pk,
        f"escalation:{escalated.data['escalation']}",
    )
    opened.refresh_from_db()
    assert opened.priority == "high"
    assert list(opened.tags.values_list("name", flat=True)) == ["late"]
    assert Notification.objects.filter(ticket=opened, kind="sla.escalated").count() == 2
    assert opened.sla_due_at == START + timedelta(hours=1, minutes=30)  # level 2 is the next instant
    tracking.check_due(START + timedelta(hours=1, minutes=31))
    assert TicketEvent.objects.filter(ticket=opened, kind="sla.escalated").count() == 2
    tracking.check_due(START + timedelta(hours=3))
    assert TicketEvent.objects.filter(ticket=opened, kind="sla.escalated").count() == 2  # each level once


def test_a_policy_edit_is_applied_to_its_unsolved_tickets_with_a_recalculation(opened: Any, world: Any) -> None:
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        standard(world.manager, TargetInput("normal", "first_reply", 7200, business_hours=False))
        # huey runs immediately in tests, but only after commit; the test's transaction never commits
        policy_actions.reapply([SlaPolicy.objects.get(is_default=True).pk])
    recalculated = TicketEvent.objects.get(ticket=opened, kind="sla.recalculated")
    assert recalculated.data["reason"] == "policy_edit"
    assert recalculated.at == START + timedelta(minutes=5)
    opened.refresh_from_db()
    assert opened.sla_deadline_at == START + timedelta(hours=2)


def test_conditions_pick_the_first_matching_policy(world: Any) -> None:
    start_consuming()
    standard(world.manager, TargetInput("normal", "first_reply", 3600, business_hours=False))
    vip = policy_actions.save_policy(
        None,
        name="VIP",
        conditions={"match": "all", "conditions": [{"field": "tags", "op": "contains", "value": "vip"}]},
        calendar=None,
        pause_categories=["pending"],
        targets=[TargetInput("normal", "first_reply", 900, business_hours=False)],
        actor=world.manager,
    )
    with time_machine.travel(START, tick=False):
        ticket = actions.create_ticket(subject="A", body="B", actor=None, requester_email="eve@example.com")
        actions.set_tags(ticket, tags=["vip"], actor=world.agent)
    consume(START + timedelta(seconds=2))
    ticket.refresh_from_db()
    assert ticket.sla_policy_id == vip.pk
    assert ticket.sla_deadline_at == START + timedelta(minutes=15)


def test_business_hours_with_finnish_holidays_and_two_windows(world: Any) -> None:
    week = [[(8 * 60, 12 * 60), (13 * 60, 17 * 60)]] * 5 + [[], []]
    calendar = sla_actions.save_calendar(
        None, name="Helsinki office", time_zone="Europe/Helsinki", weekly=week, actor=world.manager
    )
    sla_actions.generate_holidays(calendar, country="FI", year=2027, actor=world.manager)
    start_consuming()
    standard(world.manager, TargetInput("normal", "first_reply", 2 * 3600), calendar=calendar)
    friday = datetime(2027, 12, 3, 14, 30, tzinfo=UTC)  # Fri 16:30 in Helsinki; Mon 6 Dec is Independence Day
    with time_machine.travel(friday, tick=False):
        ticket = actions.create_ticket(subject="A", body="B", actor=None, requester_email="eve@example.com")
    consume(friday + timedelta(seconds=1))
    ticket.refresh_from_db()
    # 30 min on Friday, then 90 min from Tuesday 08:00 local: Tue 7 Dec 09:30 in Helsinki = 07:30 UTC
    assert ticket.sla_deadline_at == datetime(2027, 12, 7, 7, 30, tzinfo=UTC)


def test_bad_policy_input_is_a_field_error(world: Any) -> None:
    with pytest.raises(ActionError) as error:
        policy_actions.save_policy(
            None,
            name="X",
            conditions={"match": "all", "conditions": [{"field": "nope", "op": "is", "value": 1}]},
            calendar=None,
            pause_categories=[],
            targets=[],
            actor=world.manager,
        )
    assert error.value.field == "conditions"
    with pytest.raises(ActionError) as error:
        policy_actions.save_policy(
            None, name="X", conditions={}, calendar=None, pause_categories=["solved"], targets=[], actor=world.manager
        )
    assert error.value.field == "pause_categories"
    with pytest.raises(ActionError) as error:
        standard(world.manager, TargetInput("normal", "first_reply", 0))
    assert error.value.field == "target_normal_first_reply"
    with pytest.raises(ActionError):
        policy_actions.delete_policy(SlaPolicy.objects.get(is_default=True), actor=world.manager)
    with pytest.raises(ActionError):
        policy_actions.save_policy(
            None, name="Y", conditions={}, calendar=None, pause_categories=[], targets=[], actor=world.agent
        )
    assert not SlaPolicy.objects.filter(name__in=["X", "Y"]).exists()
    assert Escalation.objects.count() == 0
    assert timezone.now()


def test_the_minutely_task_writes_what_is_due_and_the_reapply_task_takes_ids(opened: Any, world: Any) -> None:
    from opsdesk.sla import tasks

    with time_machine.travel(START + timedelta(minutes=50), tick=False):
        tasks.check_sla_due()
    assert [t for t, _m, _at in sla_log(opened)] == ["activated", "warned"]
    standard(world.manager, TargetInput("normal", "first_reply", 5400, business_hours=False))
    with time_machine.travel(START + timedelta(minutes=52), tick=False):
        tasks.reapply_policies(str(SlaPolicy.objects.get(is_default=True).pk))
    assert [t for t, _m, _at in sla_log(opened)] == ["activated", "warned", "recalculated"]
    opened.refresh_from_db()
    assert opened.sla_deadline_at == START + timedelta(minutes=90)


def test_the_api_shows_a_tickets_clocks_to_staff_who_see_it(opened: Any, world: Any, client: Any) -> None:
    from opsdesk.tickets.tests.test_api import token

    tracking.check_due(START + timedelta(hours=1, minutes=2))
    with time_machine.travel(START + timedelta(hours=1, minutes=5), tick=False):
        found = client.get(f"/api/v1/tickets/{opened.pk}/sla", headers=token(world.agent)).json()
    breach = TicketEvent.objects.get(ticket=opened, kind="sla.breached")
    assert found == {
        "policy": "Standard",
        "clocks": [
            {
                "metric": "first_reply",
                "instance": 1,
                "state": "breached",
                "counting": True,
                "due_at": "2027-03-03T10:00:00Z",
                "left_seconds": None,
                "ended_at": None,
                "event_id": breach.pk,
            }
        ],
    }
    Ticket.objects.filter(pk=opened.pk).update(team=world.support)
    hidden = client.get(f"/api/v1/tickets/{opened.pk}/sla", headers=token(world.other_agent))  # Billing only
    assert hidden.status_code == 404


def test_a_reopen_carries_the_requester_wait_on_and_starts_a_next_reply(world: Any) -> None:
    start_consuming()
    standard(
        world.manager,
        TargetInput("normal", "requester_wait", 4 * 3600, business_hours=False),
        TargetInput("normal", "next_reply", 3600, business_hours=False),
    )
    with time_machine.travel(START, tick=False):
        ticket = actions.create_ticket(subject="VPN", body="Down", actor=None, requester_email="eve@example.com")
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        actions.reply_to_ticket(ticket, body="Fixed", actor=world.agent)
        actions.change_status(ticket, status=TicketStatus.objects.get(name="Solved"), actor=world.agent)
    consume(START + timedelta(hours=1, seconds=1))
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        actions.add_customer_reply(ticket, body="Down again", actor=None, customer=ticket.requester)
    consume(START + timedelta(hours=3, seconds=1))
    assert [(t, m) for t, m, _at in sla_log(ticket)] == [
        ("activated", "requester_wait"),
        ("fulfilled", "requester_wait"),
        ("activated", "next_reply"),  # the same instant as the reopen: activations are written first
        ("reactivated", "requester_wait"),
    ]
    reactivated = TicketEvent.objects.get(ticket=ticket, kind="sla.reactivated")
    assert reactivated.data["elapsed"] == 3600  # the first hour carries over: the customer's whole wait counts
    assert reactivated.data["deadline"] == (START + timedelta(hours=6)).isoformat()
    ticket.refresh_from_db()
    assert ticket.sla_deadline_at == START + timedelta(hours=4)  # the next reply, an hour after the customer wrote
