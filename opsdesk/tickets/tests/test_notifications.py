"""Ticket notifications through the outbox, delivered to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from opsdesk.core import outbox
from opsdesk.core import tasks as core_tasks
from opsdesk.core.models import OutgoingMail
from opsdesk.core.tests.jobs import run_due_jobs
from opsdesk.tickets import actions


def test_a_reply_mail_refused_once_is_delivered_by_the_retry(
    world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Found in review: the job marked the mail sent before sending, so the retry after an SMTP error sent nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = world.ticket()
    smtp_server.received.clear()
    smtp_server.refusals = ["451 4.3.0 Try again later"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply_to_ticket(ticket, body="On it.", actor=world.agent)
    assert (smtp_server.attempts, smtp_server.received) == (2, [])
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        run_due_jobs()
        core_tasks.minutely.call_local()
    assert [str(m["To"]) for m in smtp_server.received] == ["carl@acme.example"]
    assert "On it." in smtp_server.received[0].get_body(("plain",)).get_content()


def test_a_tickets_mail_threads_per_recipient_in_their_language(
    world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.customer.language = "fi"
    world.customer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = world.ticket(subject="Tulostin")
        actions.assign_ticket(ticket, assignee=world.agent, actor=world.agent)
        actions.reply_to_ticket(ticket, body="Selvitämme asiaa.", actor=world.agent)
        actions.add_customer_reply(ticket, body="Kiitos!", customer=world.customer, actor=world.customer_user)
        actions.add_note(ticket, body="Internal only", actor=world.agent)  # no mail for a note
    received, reply, customer_reply = smtp_server.received
    assert [(str(m["To"]), str(m["Subject"]).strip()) for m in smtp_server.received] == [  # strip: folded header
        ("carl@acme.example", f"[#{ticket.pk}] Olemme vastaanottaneet pyyntösi: Tulostin"),
        ("carl@acme.example", f"[#{ticket.pk}] Uusi vastaus: Tulostin"),
        ("agent@example.com", f"[#{ticket.pk}] The customer replied: Tulostin"),
    ]
    assert outbox.parse_message_id(str(received["Message-ID"]).strip()) == outbox.OurMessageId(ticket_id=ticket.pk)
    assert (str(received["Auto-Submitted"]), reply["Auto-Submitted"]) == ("auto-replied", None)
    ours = str(received["Message-ID"]).strip()  # strip: a long header may be folded onto its next line
    assert (str(reply["In-Reply-To"]).strip(), str(reply["References"]).strip()) == (ours, ours)
    assert (customer_reply["In-Reply-To"], str(customer_reply["Auto-Submitted"])) == (None, "auto-generated")
    assert OutgoingMail.objects.filter(ticket_id=ticket.pk, state="sent").count() == 3


def test_subjects_and_text_parts_reach_the_customer_as_written(world: Any) -> None:
    """Found in the click-through: subjects were HTML-escaped (`Can&#x27;t log in &amp; &lt;reset&gt;`)."""
    subject = "Can't log in & \"password\" <reset> isn't working"
    ticket = world.ticket(subject=subject)
    actions.reply_to_ticket(ticket, body="Tom & Jerry's <b>fix</b>", actor=world.agent)
    received, reply = OutgoingMail.objects.filter(ticket_id=ticket.pk).order_by("pk")
    assert received.subject == f"[#{ticket.pk}] We received your request: {subject}"
    assert reply.subject == f"[#{ticket.pk}] New reply: {subject}"
    assert "&amp;" not in received.body_text + reply.body_text
    assert "Tom & Jerry's" in reply.body_text
    assert "Tom &amp; Jerry" in reply.body_html
