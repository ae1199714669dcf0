"""The demo seeder writes in bulk; this holds its rows and events to the shape the actions write."""

from __future__ import annotations

import hashlib
import random
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, models

from opsdesk.core.html import text_to_html
from opsdesk.core.models import OutgoingMail
from opsdesk.core.origin import origin
from opsdesk.customers.models import Customer
from opsdesk.tickets import actions, demo_scripts, search, seeding, seeding_rows
from opsdesk.tickets.models import Attachment, Message, Ticket, TicketEvent, TicketStatus
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
    return message_shapes(Message.objects.filter(ticket=ticket).order_by("created_at", "id"))


def plain(tickets: Any) -> list[Ticket]:
    """Tickets with no tags, notes, attachments or merges: the shape of the plain life."""
    return [
        t
        for t in tickets.filter(merged_into=None).order_by("pk")
        if not t.events.filter(kind__in=["tags.changed", "attachment.added", "ticket.merged"]).exists()
        and not t.messages.filter(visibility="internal").exists()
    ]


def test_a_seeded_closed_ticket_has_the_rows_and_events_the_actions_write(db: None) -> None:
    ref = seeding.seed_reference_data()
    rng = random.Random(7)
    customers = seeding.seed_customers(20, rng=rng, orgs=ref["orgs"])
    seeding.seed_tickets(300, customers=customers, agents=ref["agents"], teams=ref["teams"], rng=rng)
    seeded = next(t for t in plain(Ticket.objects.filter(status_category="closed", message_count=4)))

    agent = ref["agents"]["en"][0]
    requester = seeded.requester  # with an organization or not, as the seeded ticket's
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
    # The search index is no Django model: the flush after another test's transaction leaves its documents there
    # (on PostgreSQL their ids are not reused by this load's id ranges). Start from an empty index.
    search.rebuild()
    assert index_rows() == []
    ref = seeding.seed_reference_data()
    rng = random.Random(3)
    customers = seeding.seed_customers(30, rng=rng, orgs=ref["orgs"])
    result = seeding.seed_tickets(400, customers=customers, agents=ref["agents"], teams=ref["teams"], rng=rng)
    assert Ticket.objects.count() == 400
    assert (result.messages, result.events) == (Message.objects.count(), TicketEvent.objects.count())
    assert result.attachments == Attachment.objects.count() > 0
    assert not Attachment.objects.exclude(message__ticket_id=models.F("ticket_id")).exists()
    # the long conversations of the shards (every LONG_EVERY-th ticket id)
    long = Ticket.objects.filter(message_count__gte=20)
    assert sorted(long.values_list("pk", flat=True)) == [
        pk for pk in Ticket.objects.order_by("pk").values_list("pk", flat=True) if pk % seeding_rows.LONG_EVERY == 0
    ]
    assert Message.objects.count() == sum(Ticket.objects.values_list("message_count", flat=True))
    assert not Message.objects.exclude(ticket__in=Ticket.objects.all()).exists()
    closed_tickets = plain(Ticket.objects.filter(status_category="closed"))
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


# --- the conversations make sense --------------------------------------------------------------------------------


def _pattern(text: str) -> re.Pattern[str]:
    """A template's text as a regular expression: each placeholder matches a value."""
    return re.compile(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(text)))


def _patterns(pieces: tuple[demo_scripts.Gendered, ...]) -> list[re.Pattern[str]]:
    return [_pattern(gendered[i][0]) for gendered in pieces for i in (0, 1)]


def _matches(text: str, pieces: tuple[demo_scripts.Gendered, ...]) -> bool:
    return any(p.search(text) for p in _patterns(pieces))


def test_every_reply_answers_the_question_asked_in_the_tickets_language(db: None) -> None:
    """The agent's first reply belongs to the topic of the customer's opening (a quick answer, or a question of one
    of its threads); the customer's answer and the agent's last reply belong to that same thread."""
    ref = seeding.seed_reference_data()
    rng = random.Random(11)
    customers = seeding.seed_customers(40, rng=rng, orgs=ref["orgs"])
    seeding.seed_tickets(400, customers=customers, agents=ref["agents"], teams=ref["teams"], rng=rng)
    checked = 0
    for ticket in Ticket.objects.filter(message_count__lt=20).order_by("pk"):
        script = demo_scripts.compile_language(ticket.language)
        public = [m.body_text for m in ticket.messages.filter(visibility="public").order_by("created_at", "id")]
        assert not any("{" in text or "[[" in text for text in public), ticket.pk
        topics = [t for t in script.topics if _matches(public[0], t.openings)]
        assert len(topics) == 1, (ticket.pk, public[0])
        topic = topics[0]
        assert ticket.subject in [
            s.replace("{order}", ticket.custom_fields.get("order_number", "")) for s in topic.subjects
        ]
        if len(public) == 1:
            continue
        if _matches(public[1], topic.quick):
            assert len(public) == 2, ticket.pk
        else:
            threads = [th for th in topic.threads if _matches(public[1], (th[0],))]
            assert len(threads) == 1, (ticket.pk, public[1])
            ask, answer, settle = threads[0]
            if len(public) > 2:
                assert _matches(public[2], (answer,)), (ticket.pk, public[2])
                assert _matches(public[3], (settle,)), (ticket.pk, public[3])
        checked += 1
    assert checked > 250
    # the long conversations too: every message is one of the story's, in its language
    for ticket in Ticket.objects.filter(message_count__gte=20):
        story = demo_scripts.compile_language(ticket.language).long
        pieces = (
            story.opening,
            story.note_stuck,
            story.escalate,
            story.log,
            story.note_expert,
            story.handover,
            story.fix,
            story.fixed,
            story.closing,
            *(step for pair in story.steps for step in pair),
        )
        for message in ticket.messages.all():
            assert _matches(message.body_text, pieces), (ticket.pk, message.body_text)


def test_long_conversations_notes_attachments_and_merges_have_the_rows_the_actions_write(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seeding_rows, "MERGE_RATE", 0.2)
    monkeypatch.setattr(seeding_rows, "NOTE_RATE", 0.5)
    ref = seeding.seed_reference_data()
    rng = random.Random(5)
    customers = seeding.seed_customers(30, rng=rng, orgs=ref["orgs"])
    demo = seeding.seed_customers(1, rng=rng, orgs=ref["orgs"])
    result = seeding.seed_tickets(
        300, customers=customers, agents=ref["agents"], teams=ref["teams"], rng=rng, first_customers=demo
    )
    assert Ticket.objects.count() == 300
    assert Message.objects.count() == result.messages == sum(Ticket.objects.values_list("message_count", flat=True))

    # Driven through the actions: a ticket with a file, an internal note, a reply with a file, and a merge.
    agent = ref["agents"]["en"][0]
    requester = Customer.objects.get(pk=customers[0][0])
    status = {c: TicketStatus.objects.get(category=c, is_default=True) for c in TicketStatus.Category.values}
    with origin("import"):
        driven = actions.create_ticket(
            subject="Damaged",
            body="Broken",
            requester=requester,
            actor=None,
            team=ref["teams"]["en"],
            attachments=[SimpleUploadedFile("photo.png", b"\x89PNG demo", content_type="image/png")],
        )
        duplicate = actions.create_ticket(
            subject="Damaged", body="Again", requester=requester, actor=None, team=ref["teams"]["en"], channel="web"
        )
        actions.assign_ticket(driven, assignee=agent, actor=agent)
        actions.merge_tickets(duplicate, target=driven, actor=agent)
        actions.reply_to_ticket(driven, body="Which one?", actor=agent, status=status["pending"])
        actions.add_customer_reply(driven, body="This", customer=requester, actor=None, channel="email")
        actions.add_note(driven, body="Checked", actor=agent)
        actions.reply_to_ticket(
            driven,
            body="Invoice",
            actor=agent,
            status=status["solved"],
            attachments=[SimpleUploadedFile("invoice.pdf", b"%PDF demo", content_type="application/pdf")],
        )
        actions.change_status(driven, status=status["closed"], actor=None)
    # Every event and message the seeder wrote has a shape the actions write.
    driven_events = shapes(TicketEvent.objects.filter(ticket__in=[driven, duplicate]))
    assert shapes(TicketEvent.objects.exclude(kind="tags.changed")) - driven_events == {
        # the long conversations' second assignment, from one agent to another (the first test has the first)
        ("assignee.changed", "agent", (("new", int), ("old", int))),
    }
    assert set(message_shapes(Message.objects.all())) <= set(message_shape(driven)) | set(message_shape(duplicate))

    # Internal notes, by staff, and seen by no customer.
    notes = Message.objects.filter(visibility="internal", via="ui")
    assert notes.count() > 10
    assert set(notes.values_list("author_role", "is_automated")) == {("agent", False)}

    # Attachments: rows on the few stored files, each with its event right after its message's.
    attachments = Attachment.objects.exclude(ticket=driven).select_related("message")
    assert attachments.count() == result.attachments > 20
    assert all(a.message is not None and a.message.ticket_id == a.ticket_id for a in attachments)
    assert len({a.file.name for a in attachments}) <= len(seeding.DEMO_FILE_NAMES)
    for attachment in attachments[:50]:
        with attachment.file.open("rb") as handle:
            data = handle.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (attachment.size, attachment.sha256)
        event = TicketEvent.objects.get(kind="attachment.added", data__attachment=attachment.pk)
        comment = TicketEvent.objects.get(kind="comment.added", data__comment=attachment.message_id)
        assert (event.pk, event.at, event.data["filename"]) == (comment.pk + 1, comment.at, attachment.filename)

    # Merges: the duplicate is closed into the target, with the events and notes the merge action writes.
    merged = list(Ticket.objects.exclude(merged_into=None))
    assert len(merged) >= 3
    source_kinds = [row[0] for row in shape(duplicate)]
    for source in merged:
        target = source.merged_into
        assert target is not None
        assert [row[0] for row in shape(source)] == source_kinds
        assert (source.requester_id, source.subject, source.language) == (
            target.requester_id,
            target.subject,
            target.language,
        )
        assert source.status_category == "closed" and source.message_count == 2
        assert source.closed_at is not None and source.created_at < source.closed_at
        assert source.closed_at == source.solved_at == source.updated_at
        on_target = [e.kind for e in target.events.filter(at=source.closed_at).order_by("id")]
        assert on_target[-2:] == ["ticket.merged", "comment.added"]
        note = target.messages.get(via="merge")
        assert f"#{source.pk}" in note.body_text and note.visibility == "internal"

    # Long conversations: 20 to 40 messages, notes between, and the pinned customer's one still in progress.
    long = list(Ticket.objects.filter(message_count__gte=20).order_by("pk"))
    pinned = Ticket.objects.filter(requester_id=demo[0][0]).order_by("pk").first()
    assert pinned is not None and pinned.message_count >= 20 and pinned.status_category == "open"
    every = Ticket.objects.filter(merged_into=None).order_by("pk").values_list("pk", flat=True)
    # every LONG_EVERY-th ticket id, unless that id went to a duplicate written with the ticket before it
    assert [t.pk for t in long] == [pinned.pk] + [pk for pk in every if pk % seeding_rows.LONG_EVERY == 0]
    for ticket in long:
        assert 20 <= ticket.message_count <= 40
        assert ticket.messages.count() == ticket.message_count
        assert ticket.messages.filter(visibility="internal").count() >= 2
        times = [e.at for e in ticket.events.order_by("id")]
        assert times == sorted(times)


def shapes(events: Any) -> set[tuple[Any, ...]]:
    """Kind, role, and payload keys with their value types (sorted: PostgreSQL's jsonb keeps no order)."""
    return {
        (e.kind, e.actor_role, tuple(sorted((k, type(v) if v is not None else None) for k, v in e.data.items())))
        for e in events
    }


def message_shapes(messages: Any) -> list[tuple[Any, ...]]:
    return [
        (m.author_role, m.visibility, m.is_automated, m.via, m.body_html == text_to_html(m.body_text)) for m in messages
    ]
