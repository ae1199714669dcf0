"""The ticket actions, tested directly: rows, timeline events and refusals, with exact values."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from opsdesk.core.errors import ActionError
from opsdesk.fields.models import CustomField
from opsdesk.tickets import actions
from opsdesk.tickets.models import Attachment, Message, Ticket, TicketEvent, TicketLink, TicketStatus


def status(category: str) -> TicketStatus:
    return TicketStatus.objects.get(category=category, is_default=True)


def events(ticket: Ticket) -> list[tuple[str, str, dict[str, Any]]]:
    return [(e.kind, e.actor_role, e.data) for e in TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")]


def test_customer_ticket_is_new_with_created_and_comment_events(
    world: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.OPSDESK_EVENT_CONSUMERS = {}  # the intake's own events (language detection's: messaging's tests)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = world.ticket(subject="  Printer   on fire ", body="Help <b>now</b>", tags=["Urgent Thing", "vip"])
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.status_category, ticket.message_count) == ("Printer on fire", "new", 1)
    assert ticket.organization_id == world.organization.pk  # joined by the acme.example domain
    message = ticket.messages.get()
    assert message.body_html == "<p>Help &lt;b&gt;now&lt;/b&gt;</p>"
    assert message.body_text == "Help <b>now</b>"
    assert (message.author_role, message.visibility, message.author_customer_id) == (
        "end_user",
        "public",
        world.customer.pk,
    )
    assert events(ticket) == [
        (
            "ticket.created",
            "end_user",
            {
                "channel": "email",
                "created_by": "end_user",
                "requester": world.customer.pk,
                "group": world.support.pk,
                "priority": "normal",
                "status": status("new").pk,
                "category": "new",
                "assignee": None,
                "followup_of": None,
                "split_from": None,
            },
        ),
        (
            "comment.added",
            "end_user",
            {
                "comment": message.pk,
                "author": None,
                "author_role": "end_user",
                "visibility": "public",
                "is_automated": False,
                "channel": "email",
                "via": "ui",
            },
        ),
        ("tags.changed", "end_user", {"old": [], "new": ["urgent-thing", "vip"]}),
    ]
    assert [m.subject for m in mail.outbox] == [f"[#{ticket.pk}] We received your request: Printer on fire"]


def test_html_is_sanitised_before_it_is_stored(world: Any) -> None:
    ticket = world.ticket(
        body='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">l</a></p>', is_html=True
    )
    assert ticket.messages.get().body_html == '<p>Hi <a rel="noopener noreferrer nofollow">l</a></p>'


def test_first_agent_reply_opens_a_new_ticket_and_mails_the_requester(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = world.ticket()
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.reply_to_ticket(ticket, body="On it.", actor=world.agent)
    ticket.refresh_from_db()
    assert ticket.status_category == "open"
    assert events(ticket)[-2:] == [
        (
            "comment.added",
            "agent",
            {
                "comment": message.pk,
                "author": world.agent.pk,
                "author_role": "agent",
                "visibility": "public",
                "is_automated": False,
                "channel": "email",
                "via": "ui",
            },
        ),
        (
            "status.changed",
            "agent",
            {
                "from_status": status("new").pk,
                "to_status": status("open").pk,
                "from_category": "new",
                "to_category": "open",
            },
        ),
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carl@acme.example"]
    assert "On it." in mail.outbox[0].body


def test_reply_with_status_sets_it_and_stamps_solved_at(world: Any) -> None:
    ticket = world.ticket()
    actions.reply_to_ticket(ticket, body="Fixed.", actor=world.agent, status=status("solved"))
    ticket.refresh_from_db()
    assert ticket.status_category == "solved"
    assert ticket.solved_at is not None
    assert [k for k, _r, _d in events(ticket)] == ["ticket.created", "comment.added", "comment.added", "status.changed"]


def test_light_agent_cannot_reply_but_can_note(world: Any) -> None:
    ticket = world.ticket()
    with pytest.raises(ActionError) as error:
        actions.reply_to_ticket(ticket, body="Hi", actor=world.light_agent)
    assert error.value.code == "forbidden"
    note = actions.add_note(ticket, body="FYI", actor=world.light_agent)
    assert (note.visibility, note.author_role) == ("internal", "agent")
    ticket.refresh_from_db()
    assert ticket.status_category == "new"  # a note is not an agent action that opens the ticket
    assert ticket.message_count == 2


def test_empty_reply_is_refused_and_nothing_is_written(world: Any) -> None:
    ticket = world.ticket()
    before = (Message.objects.count(), TicketEvent.objects.count())
    with pytest.raises(ActionError) as error:
        actions.reply_to_ticket(ticket, body="  <p> </p>", is_html=True, actor=world.agent)
    assert (error.value.code, error.value.field) == ("empty_body", "body")
    assert (Message.objects.count(), TicketEvent.objects.count()) == before


def test_customer_reply_reopens_pending_and_solved(world: Any) -> None:
    ticket = world.ticket()
    actions.reply_to_ticket(ticket, body="Which model?", actor=world.agent, status=status("pending"))
    actions.add_customer_reply(ticket, body="Model X", customer=world.customer, actor=world.customer_user)
    ticket.refresh_from_db()
    assert ticket.status_category == "open"
    assert events(ticket)[-1] == (
        "status.changed",
        "end_user",
        {
            "from_status": status("pending").pk,
            "to_status": status("open").pk,
            "from_category": "pending",
            "to_category": "open",
        },
    )
    actions.change_status(ticket, status=status("solved"), actor=world.agent)
    actions.add_customer_reply(ticket, body="Broken again", customer=world.customer, actor=world.customer_user)
    ticket.refresh_from_db()
    assert ticket.status_category == "open"


def test_reply_to_a_closed_ticket_opens_a_linked_followup(world: Any) -> None:
    ticket = world.ticket()
    actions.change_status(ticket, status=status("closed"), actor=world.agent)
    message = actions.add_customer_reply(
        ticket, body="One more thing", customer=world.customer, actor=world.customer_user, channel="portal"
    )
    ticket.refresh_from_db()
    followup = message.ticket
    assert followup.pk != ticket.pk
    assert (followup.followup_of_id, followup.subject, followup.status_category) == (ticket.pk, ticket.subject, "new")
    assert ticket.status_category == "closed"
    assert ticket.message_count == 1


def test_nothing_moves_back_to_new_and_closed_is_read_only(world: Any) -> None:
    ticket = world.ticket()
    actions.change_status(ticket, status=status("open"), actor=world.agent)
    with pytest.raises(ActionError) as error:
        actions.change_status(ticket, status=status("new"), actor=world.agent)
    assert error.value.code == "invalid_transition"
    actions.change_status(ticket, status=status("closed"), actor=world.agent)
    with pytest.raises(ActionError) as error:
        actions.set_priority(ticket, priority="high", actor=world.agent)
    assert error.value.code == "ticket_closed"
    with pytest.raises(ActionError):
        actions.reply_to_ticket(ticket, body="x", actor=world.agent)


def test_same_status_twice_writes_one_event(world: Any) -> None:
    ticket = world.ticket()
    actions.change_status(ticket, status=status("pending"), actor=world.agent)
    actions.change_status(ticket, status=status("pending"), actor=world.agent)
    assert [k for k, _r, _d in events(ticket)].count("status.changed") == 1


def test_assigning_opens_the_ticket_and_records_both_events(world: Any) -> None:
    ticket = world.ticket()
    actions.assign_ticket(ticket, assignee=world.agent, actor=world.lead)
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.status_category) == (world.agent.pk, "open")
    assert events(ticket)[-2:] == [
        ("assignee.changed", "agent", {"old": None, "new": world.agent.pk}),
        (
            "status.changed",
            "agent",
            {
                "from_status": status("new").pk,
                "to_status": status("open").pk,
                "from_category": "new",
                "to_category": "open",
            },
        ),
    ]
    with pytest.raises(ActionError) as error:
        actions.assign_ticket(ticket, assignee=world.light_agent, actor=world.lead)
    assert error.value.code == "invalid_assignee"


def test_team_priority_type_tags_events_hold_old_and_new(world: Any) -> None:
    ticket = world.ticket()
    actions.set_team(ticket, team=world.billing, actor=world.admin)
    actions.set_priority(ticket, priority="urgent", actor=world.admin)
    actions.set_type(ticket, type="incident", actor=world.admin)
    actions.set_tags(ticket, tags=["b", "a", "a"], actor=world.admin)
    assert events(ticket)[-4:] == [
        ("group.changed", "agent", {"old": world.support.pk, "new": world.billing.pk}),
        ("priority.changed", "agent", {"old": "normal", "new": "urgent"}),
        ("type.changed", "agent", {"old": "question", "new": "incident"}),
        ("tags.changed", "agent", {"old": [], "new": ["a", "b"]}),
    ]
    with pytest.raises(ActionError):
        actions.set_priority(ticket, priority="whenever", actor=world.admin)


def test_custom_fields_are_typed(world: Any) -> None:
    CustomField.objects.create(key="order", label="Order", type="number")
    CustomField.objects.create(key="area", label="Area", type="select", choices=["Web", "App"])
    ticket = world.ticket(custom_fields={"order": "12", "area": "Web"})
    assert ticket.custom_fields == {"order": 12, "area": "Web"}
    with pytest.raises(ActionError) as error:
        actions.set_custom_fields(ticket, values={"area": "Fax"}, actor=world.agent)
    assert (error.value.code, error.value.field) == ("invalid_field", "area")
    with pytest.raises(ActionError) as error:
        actions.set_custom_fields(ticket, values={"nope": "1"}, actor=world.agent)
    assert error.value.code == "unknown_field"
    actions.set_custom_fields(ticket, values={"order": "", "area": "App"}, actor=world.agent)
    ticket.refresh_from_db()
    assert ticket.custom_fields == {"area": "App"}


def test_merge_closes_the_source_and_notes_both(world: Any) -> None:
    source, target = world.ticket(subject="Dup"), world.ticket(subject="Main")
    actions.merge_tickets(source, target=target, actor=world.agent)
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.merged_into_id, source.status_category) == (target.pk, "closed")
    assert events(source)[-2][0:3:2] == ("ticket.merged", {"source": source.pk, "target": target.pk})
    assert target.messages.last().body_text == f"Ticket #{source.pk} (Dup) was merged into this ticket."
    with pytest.raises(ActionError) as error:
        actions.merge_tickets(target, target=source, actor=world.agent)
    assert error.value.code == "merge_target_closed"
    with pytest.raises(ActionError):
        actions.merge_tickets(target, target=target, actor=world.agent)


def test_split_moves_a_message_to_a_linked_ticket(world: Any) -> None:
    ticket = world.ticket()
    second = actions.add_customer_reply(
        ticket, body="Also my invoice is wrong", customer=world.customer, actor=world.customer_user
    )
    new = actions.split_ticket(ticket, message=second, actor=world.agent)
    ticket.refresh_from_db()
    assert list(new.messages.values_list("pk", flat=True)) == [second.pk]
    assert ticket.message_count == 1
    assert TicketLink.objects.filter(source=new, target=ticket, kind="split_from").count() == 1
    assert events(ticket)[-1] == ("ticket.split", "agent", {"comment": second.pk, "new_ticket": new.pk})
    with pytest.raises(ActionError) as error:
        actions.split_ticket(ticket, message=ticket.messages.get(), actor=world.agent)
    assert error.value.code == "split_only_message"


def test_link_is_idempotent(world: Any) -> None:
    a, b = world.ticket(), world.ticket()
    first = actions.link_tickets(a, other=b, actor=world.agent)
    assert actions.link_tickets(b, other=a, actor=world.agent).pk == first.pk
    assert TicketLink.objects.count() == 1


def test_attachments_are_stored_by_hash_and_limits_refuse(world: Any, settings: Any) -> None:
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    ticket = world.ticket(attachments=[upload])
    attachment = Attachment.objects.get(ticket=ticket)
    assert (attachment.filename, attachment.size, attachment.content_type) == ("report.pdf", 14, "application/pdf")
    assert attachment.file.read() == b"%PDF-1.4 hello"
    assert events(ticket)[-1][0] == "attachment.added"
    count = Ticket.objects.count()
    with pytest.raises(ActionError) as error:
        world.ticket(attachments=[SimpleUploadedFile("run.exe", b"MZ", content_type="application/pdf")])
    assert error.value.code == "attachment_type"
    settings.OPSDESK_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ActionError) as error:
        world.ticket(attachments=[SimpleUploadedFile("big.txt", b"x" * 11, content_type="text/plain")])
    assert error.value.code == "attachment_too_large"
    assert Ticket.objects.count() == count


def test_bulk_update_applies_per_ticket_and_reports_refusals(world: Any) -> None:
    a, b = world.ticket(), world.ticket()
    actions.change_status(b, status=status("closed"), actor=world.admin)
    changed, refused = actions.bulk_update([a, b], actor=world.admin, assignee=world.agent, add_tags=["x"])
    assert changed == 1
    assert [pk for pk, _m in refused] == [b.pk]
    a.refresh_from_db()
    assert (a.assignee_id, list(a.tags.values_list("name", flat=True))) == (world.agent.pk, ["x"])


def test_timeline_rows_are_append_only(world: Any) -> None:
    event = TicketEvent.objects.filter(ticket=world.ticket()).first()
    assert event is not None
    event.kind = "status.changed"
    with pytest.raises(RuntimeError):
        event.save()
