"""`opsdesk sla-backfill`: clocks for tickets the SLA consumer never saw, and the minutely due check's query plan
and query budget."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, connections

from opsdesk import cli
from opsdesk.sla.actions import policies as policy_actions
from opsdesk.sla.actions import tracking
from opsdesk.sla.actions.policies import TargetInput
from opsdesk.sla.models import SlaPolicy
from opsdesk.tickets import actions, timeline
from opsdesk.tickets.models import EventConsumer, Ticket, TicketEvent, TicketStatus

START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)  # a Wednesday
LATER = START + timedelta(hours=3)
ROUND_THE_CLOCK = (
    TargetInput("normal", "first_reply", 3600, business_hours=False),
    TargetInput("normal", "requester_wait", 8 * 3600, business_hours=False),
    TargetInput("high", "first_reply", 1800, business_hours=False),
    TargetInput("high", "requester_wait", 4 * 3600, business_hours=False),
)


def log(ticket: Ticket) -> list[tuple[str, str, datetime]]:
    rows = TicketEvent.objects.filter(ticket=ticket, kind__startswith="sla.").order_by("at", "id")
    return [(e.kind, e.data.get("metric", e.data.get("reason", "")), e.at) for e in rows]


def backfill(*args: str, at: datetime = LATER) -> str:
    out = io.StringIO()
    with time_machine.travel(at, tick=False):
        call_command("sla_backfill", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def tickets(world: Any) -> dict[str, Ticket]:
    """Three tickets written before the policy had targets and before the consumer existed: one never answered, one
    answered after 30 minutes, one solved."""
    policy = SlaPolicy.objects.get(is_default=True)
    policy_actions.save_policy(
        policy, name=policy.name, conditions={}, calendar=None, pause_categories=["pending"], targets=ROUND_THE_CLOCK,
        actor=world.manager,
    )  # fmt: skip
    found = {}
    with time_machine.travel(START, tick=False):
        found["waiting"] = actions.create_ticket(
            subject="Printer", body="It is on fire", actor=None, requester_email="eve@example.com"
        )
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        found["answered"] = actions.create_ticket(
            subject="VPN", body="Down", actor=None, requester_email="bob@example.com"
        )
    with time_machine.travel(START + timedelta(minutes=40), tick=False):
        actions.reply_to_ticket(found["answered"], body="Try again now", actor=world.agent)
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        found["solved"] = actions.create_ticket(subject="Mail", body="Bounce", actor=None, requester_email="x@e.com")
    with time_machine.travel(START + timedelta(minutes=25), tick=False):
        actions.change_status(found["solved"], status=TicketStatus.objects.get(name="Solved"), actor=world.agent)
    assert not EventConsumer.objects.filter(name="sla.clocks").exists()
    return {name: Ticket.objects.get(pk=t.pk) for name, t in found.items()}


def test_backfill_applies_the_policy_at_creation_and_writes_the_clocks_up_to_now(tickets: dict[str, Ticket]) -> None:
    output = backfill()
    waiting, answered, solved = tickets["waiting"], tickets["answered"], tickets["solved"]
    assert log(waiting) == [
        ("sla.policy_applied", "created", START),
        ("sla.activated", "first_reply", START),
        ("sla.activated", "requester_wait", START),
        ("sla.warned", "first_reply", START + timedelta(minutes=45)),
        ("sla.breached", "first_reply", START + timedelta(hours=1)),
    ]
    opened = START + timedelta(minutes=10)
    assert log(answered) == [
        ("sla.policy_applied", "created", opened),
        ("sla.activated", "first_reply", opened),
        ("sla.activated", "requester_wait", opened),
        ("sla.fulfilled", "first_reply", START + timedelta(minutes=40)),
    ]
    assert log(solved) == []
    applied = TicketEvent.objects.get(ticket=waiting, kind="sla.policy_applied")
    assert (applied.source, applied.actor_id, applied.actor_role) == ("sla", None, "system")
    policy = SlaPolicy.objects.get(is_default=True)
    assert applied.data["targets"] == {
        "first_reply": {"seconds": 3600, "business_hours": False, "warn_before": 900},
        "requester_wait": {"seconds": 8 * 3600, "business_hours": False, "warn_before": 900},
    }
    waiting.refresh_from_db()
    answered.refresh_from_db()
    solved.refresh_from_db()
    # still counting after its breach: the breach instant is what the inbox shows; next due: the wait's warning
    assert (waiting.sla_due_at, waiting.sla_deadline_at, waiting.sla_policy_id) == (
        START + timedelta(hours=7, minutes=45),
        START + timedelta(hours=1),
        policy.pk,
    )
    assert (answered.sla_due_at, answered.sla_deadline_at, answered.sla_policy_id) == (
        opened + timedelta(hours=7, minutes=45),
        opened + timedelta(hours=8),
        policy.pk,
    )
    assert (solved.sla_due_at, solved.sla_deadline_at, solved.sla_policy_id) == (None, None, None)
    assert output.startswith(
        "SLA clocks of 2 tickets: 9 events (sla.activated 4, sla.breached 1, sla.fulfilled 1, "
        "sla.policy_applied 2, sla.warned 1), 0 escalations, in "
    )
    # the consumer starts now, after the history the backfill covered
    consumer = EventConsumer.objects.get(name="sla.clocks")
    first_written = TicketEvent.objects.filter(kind="sla.policy_applied").order_by("id").values_list("pk", flat=True)
    assert consumer.position_id == first_written[0] - 1


def test_a_second_run_writes_nothing(tickets: dict[str, Ticket]) -> None:
    backfill()
    before = list(TicketEvent.objects.order_by("id").values_list("id", "kind", "at"))
    columns = list(Ticket.objects.order_by("pk").values_list("pk", "sla_due_at", "sla_deadline_at", "sla_policy_id"))
    output = backfill(at=LATER + timedelta(minutes=1))
    assert list(TicketEvent.objects.order_by("id").values_list("id", "kind", "at")) == before
    assert list(Ticket.objects.order_by("pk").values_list("pk", "sla_due_at", "sla_deadline_at", "sla_policy_id")) == (
        columns
    )
    assert output.startswith("SLA clocks of 2 tickets: 0 events, 0 escalations, in ")


def test_an_escalation_that_raises_the_priority_is_matched_again_and_a_second_run_writes_nothing(
    tickets: dict[str, Ticket], world: Any
) -> None:
    waiting = tickets["waiting"]
    actions.assign_ticket(waiting, assignee=world.agent, actor=world.agent)
    policy = SlaPolicy.objects.get(is_default=True)
    policy_actions.save_escalation(
        policy, None, level=1, trigger="breached", metric="first_reply", delay=0, notify=["assignee"],
        by_email=False, raise_priority=True, move_to_team=None, add_tag="", actor=world.manager,
    )  # fmt: skip
    output = backfill()
    waiting.refresh_from_db()
    assert waiting.priority == "high"
    changed = TicketEvent.objects.get(ticket=waiting, kind="priority.changed")
    assert (changed.source, changed.data) == ("sla", {"old": "normal", "new": "high"})
    applied = list(
        TicketEvent.objects.filter(ticket=waiting, kind="sla.policy_applied").order_by("id").values_list("at", "data")
    )
    assert [(at, data["priority"], data["reason"]) for at, data in applied] == [
        (START, "normal", "created"),
        (changed.at, "high", "priority_change"),
    ]
    assert "1 escalations" in output
    count = TicketEvent.objects.count()
    assert backfill(at=LATER + timedelta(minutes=1)).startswith("SLA clocks of 2 tickets: 0 events, 0 escalations")
    assert TicketEvent.objects.count() == count


def test_only_the_tickets_named_solved_ones_too(tickets: dict[str, Ticket]) -> None:
    output = backfill("--ticket", str(tickets["solved"].pk), "--ticket", str(tickets["answered"].pk), "--chunk", "1")
    assert output.startswith("SLA clocks of 2 tickets: 9 events")
    created, solved = START + timedelta(minutes=20), START + timedelta(minutes=25)
    assert log(tickets["solved"]) == [
        ("sla.policy_applied", "created", created),
        ("sla.activated", "first_reply", created),
        ("sla.activated", "requester_wait", created),
        ("sla.cancelled", "first_reply", solved),
        ("sla.fulfilled", "requester_wait", solved),
    ]
    assert not TicketEvent.objects.filter(ticket=tickets["waiting"], kind__startswith="sla.").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chunk", "0"], "--chunk must be between 1 and 5000, not 0."),
        (["--chunk", "5001"], "--chunk must be between 1 and 5000, not 5001."),
        (["--ticket", "987654"], "No ticket with id 987654."),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_error(
    tickets: dict[str, Ticket],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the command line closes them; the test needs its
    with pytest.raises(CommandError) as error:
        call_command("sla_backfill", *args)
    assert str(error.value) == message
    with pytest.raises(SystemExit) as stopped:
        cli.main(["sla-backfill", *args])
    assert stopped.value.code == 1
    assert capsys.readouterr().err == f"CommandError: {message}\n"
    assert not TicketEvent.objects.filter(kind__startswith="sla.").exists()


def test_a_chunk_that_is_not_a_number_exits_with_a_usage_error(
    db: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["sla-backfill", "--chunk", "many"])
    assert stopped.value.code == 2
    assert "argument --chunk: invalid int value: 'many'" in capsys.readouterr().err


# --- the minutely due check ----------------------------------------------------------------------------------------


def test_the_due_query_reads_the_partial_index(db: None) -> None:
    query = tracking.due_query(START)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # a near-empty test table is cheapest read whole; at a million tickets the planner picks the index
            # itself (bench/sla_scan.py records the plan there)
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
        assert re.search(r"Index (Only )?Scan (using|on) ticket_sla_due\b", plan), plan
        assert "Index Cond: (sla_due_at <= " in plan, plan
    else:
        plan = query.explain()
        # the index holds the row id too: no table read, and no sort (read in index order)
        assert plan.endswith(
            "SEARCH tickets_ticket USING COVERING INDEX ticket_sla_due (sla_due_at>? AND sla_due_at<?)"
        ), plan
        assert "TEMP B-TREE" not in plan, plan


def test_nothing_due_is_one_query(tickets: dict[str, Ticket], django_assert_max_num_queries: Any) -> None:
    backfill()
    with django_assert_max_num_queries(1):
        result = tracking.check_due(START + timedelta(hours=2))
    assert (result.tickets, result.events) == (0, 0)


def test_record_many_returns_each_event_with_its_id(tickets: dict[str, Ticket]) -> None:
    waiting, answered = tickets["waiting"], tickets["answered"]
    entries = [
        (answered.pk, "sla.escalated", {"escalation": 1, "level": 1, "trigger": "breached", "metric": "first_reply",
                                        "instance": 1, "notified": [], "priority": None, "team": None, "tag": ""},
         START),
        (waiting.pk, "sla.escalated", {"escalation": 2, "level": 1, "trigger": "breached", "metric": "first_reply",
                                       "instance": 1, "notified": [], "priority": None, "team": None, "tag": ""},
         START + timedelta(seconds=1)),
    ]  # fmt: skip
    written = timeline.record_many(entries)
    stored = list(TicketEvent.objects.filter(kind="sla.escalated").order_by("id"))
    assert [(w.pk, w.ticket_id, w.kind, w.at, w.data) for w in written] == [
        (e.pk, e.ticket_id, e.kind, e.at, e.data) for e in stored
    ]
    assert [e.data["escalation"] for e in stored] == [1, 2]
    assert [(e.actor_id, e.actor_role, e.source) for e in stored] == [(None, "system", "system")] * 2
    if connection.vendor == "postgresql":
        assert stored[0].xid is not None and stored[0].xid == stored[1].xid
    else:
        assert stored[0].xid is None


def test_the_replay_reads_the_events_as_the_orm_gives_them(tickets: dict[str, Ticket]) -> None:
    backfill()
    ids = [t.pk for t in tickets.values()]
    orm = (
        TicketEvent.objects.filter(ticket_id__in=ids)
        .order_by("ticket_id", "at", "id")
        .values_list("id", "ticket_id", "kind", "at", "data")
    )
    read = tracking._rows(ids)
    assert [tuple(row) for pk in sorted(ids) for row in read[pk]] == list(orm)
    assert all(row.at.utcoffset() == timedelta(0) for rows in read.values() for row in rows)
    assert sum(len(rows) for rows in read.values()) == len(orm) == 18
