"""The demo seeder writes in bulk; this holds its rows and events to the shape the actions write."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from opsdesk.core.html import text_to_html
from opsdesk.core.models import OutgoingMail
from opsdesk.core.origin import origin
from opsdesk.customers.models import Customer
from opsdesk.tickets import actions, search, seeding
from opsdesk.tickets.models import Message, Ticket, TicketEvent, TicketStatus
from opsdesk.tickets.tests.test_search import index_rows


def shape(ticket: Ticket) -> list[tuple[Any, ...]]:
    return [
        (
            e.kind,
            e.actor_role,
            list(e.data),  # the registry's order of keys
            [type(e.data[k]) for k in e.data if e.data[k] is not None],
            (e.source, e.cause, e.cause_event),
        )
        for e in TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")
    ]


def message_shape(ticket: Ticket) -> list[tuple[Any, ...]]:
    return [
        (m.author_role, m.visibility, m.is_automated, m.via, m.body_html == text_to_html(m.body_text))
        for m in Message.objects.filter(ticket=ticket).order_by("created_at", "id")
    ]


def test_a_seeded_closed_ticket_has_the_rows_and_events_the_actions_write(db: None) -> None:
    ref = seeding.seed_reference_data()
    rng = random.Random(7)
    customers = seeding.seed_customers(20, rng=rng, orgs=ref["orgs"])
    seeding.seed_tickets(300, customers=customers, agents=ref["agents"], teams=ref["teams"], rng=rng)
    seeded = next(
        t
        for t in Ticket.objects.filter(status_category="closed").order_by("pk")
        if not t.events.filter(kind="tags.changed").exists()
    )

    agent = ref["agents"]["en"][0]
    requester = Customer.objects.get(pk=customers[0][0])
    status = {c: TicketStatus.objects.get(category=c, is_default=True) for c in TicketStatus.Category.values}
    with origin("import"):
        driven = actions.create_ticket(
            subject="Where is my order?",
            body="Hi",
            requester=requester,
            actor=None,
            team=ref["teams"]["en"],
            custom_fields={"order_number": "123"},
        )
        actions.assign_ticket(driven, assignee=agent, actor=agent)
        actions.reply_to_ticket(driven, body="Checking", actor=agent, status=status["pending"])
        actions.add_customer_reply(driven, body="Thanks", customer=requester, actor=None, channel="email")
        actions.reply_to_ticket(driven, body="Done", actor=agent, status=status["solved"])
        actions.change_status(driven, status=status["closed"], actor=None)
    driven.refresh_from_db()

    assert shape(seeded) == shape(driven)
    assert message_shape(seeded) == message_shape(driven)
    for field in (
        "status_id",
        "status_category",
        "message_count",
        "organization_id",
        "followup_of_id",
        "merged_into_id",
    ):
        assert (getattr(seeded, field) is None) == (getattr(driven, field) is None), field
    assert (seeded.status_category, seeded.message_count) == (driven.status_category, driven.message_count)
    assert seeded.organization_id == seeded.requester.organization_id
    assert seeded.solved_at is not None and seeded.closed_at is not None
    assert seeded.created_at <= seeded.solved_at <= seeded.closed_at == seeded.updated_at
    times = [e.at for e in seeded.events.order_by("id")]
    assert times == sorted(times)


def test_seed_demo_command_counts_and_refuses_to_seed_twice(db: None, capsys: Any) -> None:
    call_command("seed_demo", tickets=40)
    assert Ticket.objects.count() == 40
    # Demo logins get their password from the seeder: no "choose your password" mail to @opsdesk.example.
    assert not OutgoingMail.objects.filter(recipients__icontains="@opsdesk.example").exists()
    assert Ticket.objects.filter(requester__emails__address="customer@opsdesk.example").count() == 6
    assert Message.objects.count() == sum(Ticket.objects.values_list("message_count", flat=True))
    call_command("seed_demo", tickets=40, if_empty=True)
    assert Ticket.objects.count() == 40
    call_command("seed_demo", tickets=10, add=True)
    assert Ticket.objects.count() == 50
    assert len(set(Ticket.objects.values_list("language", flat=True))) == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_parallel_load_writes_the_same_rows_as_the_serial_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above PARALLEL_FROM tickets, forked processes generate shards that are copied in with INSERT ... SELECT."""
    monkeypatch.setattr(seeding, "PARALLEL_FROM", 10)
    ref = seeding.seed_reference_data()
    rng = random.Random(3)
    customers = seeding.seed_customers(30, rng=rng, orgs=ref["orgs"])
    result = seeding.seed_tickets(400, customers=customers, agents=ref["agents"], teams=ref["teams"], rng=rng)
    assert Ticket.objects.count() == 400
    assert (result.messages, result.events) == (Message.objects.count(), TicketEvent.objects.count())
    assert Message.objects.count() == sum(Ticket.objects.values_list("message_count", flat=True))
    assert not Message.objects.exclude(ticket__in=Ticket.objects.all()).exists()
    closed_tickets = [
        t
        for t in Ticket.objects.filter(status_category="closed").order_by("pk")
        if not t.events.filter(kind="tags.changed").exists()
    ]
    # a third are answered and solved in one reply (one-touch), the others after the customer wrote back
    quick = next(t for t in closed_tickets if t.message_count == 2)
    assert [row[0] for row in shape(quick)] == [
        "ticket.created",
        "comment.added",
        "assignee.changed",
        "status.changed",
        "comment.added",
        "status.changed",
        "status.changed",
    ]
    closed = next(t for t in closed_tickets if t.message_count == 4)
    assert [row[0] for row in shape(closed)] == [
        "ticket.created",
        "comment.added",
        "assignee.changed",
        "status.changed",
        "comment.added",
        "status.changed",
        "comment.added",
        "status.changed",
        "comment.added",
        "status.changed",
        "status.changed",
    ]
    # the search documents built by the forked processes are the ones the actions' code writes
    seeded = index_rows()
    assert [row[0] for row in seeded] == list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    if connection.vendor == "sqlite":
        # the planner's statistics were taken after the index was filled (stale ones, "2 rows", made FTS5's own
        # range deletes scan the whole table at a million tickets)
        with connection.cursor() as cursor:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'tickets_search_data'")
            stat = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM tickets_search_data")
            assert stat is not None and int(stat[0].split()[0]) == cursor.fetchone()[0]
    search.rebuild()
    assert index_rows() == seeded
    # a write after the load gets a fresh id, not one inside a shard's range
    requester = Customer.objects.order_by("pk").first()
    assert requester is not None
    extra = actions.create_ticket(subject="After", body="x", requester=requester, actor=None)
    assert extra.pk > max(Ticket.objects.exclude(pk=extra.pk).values_list("pk", flat=True))
