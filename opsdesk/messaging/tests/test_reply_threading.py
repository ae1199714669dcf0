"""Our answers to a customer's email reply to it: In-Reply-To and References name the customer's own Message-IDs,
so their mail client shows one conversation from the message they sent (and a forged Message-ID is never repeated)."""

from __future__ import annotations

from typing import Any

import pytest

from opsdesk.core import replytokens
from opsdesk.core.models import OutgoingMail
from opsdesk.messaging import actions
from opsdesk.messaging.models import InboundEmail, Mailbox
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import Message, Ticket, TicketEvent

SUPPORT = "support@opsdesk.example"


def mail(message_id: str, *, to: str = SUPPORT, in_reply_to: str = "", body: str = "Hello") -> bytes:
    head = f"From: Anna <anna@example.fi>\r\nTo: {to}\r\nSubject: Printer\r\nMessage-ID: {message_id}\r\n"
    if in_reply_to:
        head += f"In-Reply-To: {in_reply_to}\r\nReferences: {in_reply_to}\r\n"
    return (head + f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body} — the printer is broken again.\r\n").encode()


def deliver(data: bytes) -> InboundEmail:
    row, _created = actions.receive_email(data, via="command")
    actions.process_email(row)
    row.refresh_from_db()
    return row


def customer_mail(ticket: Ticket) -> list[OutgoingMail]:
    mails = OutgoingMail.objects.filter(ticket_id=ticket.pk).order_by("pk")
    return [m for m in mails if m.recipients[:1] == ["anna@example.fi"]]


@pytest.mark.django_db
def test_answers_reply_to_the_customers_mail_and_keep_one_thread(world: Any) -> None:
    Mailbox.objects.create(name="Support", address=SUPPORT, team=world.support, language="en")
    first = deliver(mail("<m0@example.fi>"))
    assert first.state == "processed"
    assert first.ticket_id is not None and first.comment_id is not None
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert Message.objects.get(pk=first.comment_id).email_message_id == "<m0@example.fi>"
    received = customer_mail(ticket)[0]
    assert received.kind == "tickets.ticket_received"
    assert (received.headers["In-Reply-To"], received.headers["References"]) == ("<m0@example.fi>", "<m0@example.fi>")

    ticket_actions.reply_to_ticket(ticket, body="Which model is it?", actor=world.agent)
    answer = customer_mail(ticket)[1]
    # the newest mail in the conversation is our receipt: reply to it, and reference the customer's first mail
    assert answer.headers["In-Reply-To"] == received.message_id
    assert answer.headers["References"] == f"<m0@example.fi> {received.message_id}"

    second = deliver(
        mail("<m3@example.fi>", to=replytokens.reply_address(SUPPORT, ticket.pk), in_reply_to=answer.message_id)
    )
    assert (second.ticket_id, second.thread_reason) == (ticket.pk, "message_id")
    ticket_actions.reply_to_ticket(ticket, body="Thanks, a technician is on the way.", actor=world.agent)
    last = customer_mail(ticket)[-1]
    assert last.headers["In-Reply-To"] == "<m3@example.fi>"
    assert last.headers["References"] == f"<m0@example.fi> {received.message_id} {answer.message_id} <m3@example.fi>"


@pytest.mark.django_db
def test_a_message_id_that_is_not_one_is_never_repeated_in_our_headers(world: Any) -> None:
    Mailbox.objects.create(name="Support", address=SUPPORT, team=world.support, language="en")
    row = deliver(mail("not-a-message-id Bcc: victim@example.com"))
    assert row.ticket_id is not None and row.comment_id is not None
    ticket = Ticket.objects.get(pk=row.ticket_id)
    assert Message.objects.get(pk=row.comment_id).email_message_id == ""
    received = customer_mail(ticket)[0]
    assert "In-Reply-To" not in received.headers and "References" not in received.headers


@pytest.mark.django_db
def test_the_receipt_goes_out_in_the_language_the_customer_wrote_in_when_the_worker_detects(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in the click-through: an English mail to the Greek mailbox got a Greek receipt (detection came later)."""
    from opsdesk.messaging import language

    Mailbox.objects.create(name="Υποστήριξη", address=SUPPORT, team=world.support, language="el")
    english = (
        b"From: Pat O'Brien <pat@example.ie>\r\nTo: support@opsdesk.example\r\nSubject: Cannot log in\r\n"
        b"Message-ID: <pat1@example.ie>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Hello, I cannot log in to my account since yesterday evening. Could you reset my password, please?\r\n"
    )
    outside_the_worker = Ticket.objects.get(pk=deliver(english).ticket_id or 0)
    assert outside_the_worker.language == "el"  # a web process never builds the detector: the mailbox's default
    monkeypatch.setattr(language, "_preloaded", True)  # as in the worker, which preloads the models at start
    second = deliver(english.replace(b"pat1@", b"pat2@").replace(b"pat@", b"pat2@"))
    ticket = Ticket.objects.get(pk=second.ticket_id or 0)
    assert (ticket.language, ticket.requester.language) == ("en", "en")
    assert (
        customer_mail_to(ticket, "pat2@example.ie")[0].subject
        == f"[#{ticket.pk}] We received your request: Cannot log in"
    )


@pytest.mark.django_db
def test_an_empty_message_is_not_detected_from_the_placeholder_it_gets(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in the click-through: an empty mail was "detected" as Greek (100 %) from the Greek placeholder text."""
    from opsdesk.messaging import language

    Mailbox.objects.create(name="Υποστήριξη", address=SUPPORT, team=world.support, language="el")
    monkeypatch.setattr(language, "_preloaded", True)
    empty = b"From: anna@example.fi\r\nTo: support@opsdesk.example\r\nMessage-ID: <e1@example.fi>\r\n\r\n"
    ticket = Ticket.objects.get(pk=deliver(empty).ticket_id or 0)
    detected = ticket.events.get(kind="language.detected").data
    assert (detected["language"], detected["fallback"], detected["mailbox_language"]) == (None, "short", "el")


def customer_mail_to(ticket: Ticket, address: str) -> list[OutgoingMail]:
    return [m for m in OutgoingMail.objects.filter(ticket_id=ticket.pk).order_by("pk") if m.recipients[:1] == [address]]


@pytest.mark.django_db
def test_the_consumer_does_not_detect_again_what_the_worker_detected(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opsdesk.messaging import consumers, language

    Mailbox.objects.create(name="Support", address=SUPPORT, team=world.support, language="en")
    monkeypatch.setattr(language, "_preloaded", True)
    row = deliver(mail("<m9@example.fi>", body="Hyvää päivää, tulostin ei vieläkään toimi toimistollamme"))
    events = list(TicketEvent.objects.filter(ticket_id=row.ticket_id or 0).order_by("pk"))

    def no_second_detection(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("detected twice")

    monkeypatch.setattr(language, "detect", no_second_detection)
    consumers.detect_languages(events)
    assert TicketEvent.objects.filter(ticket_id=row.ticket_id or 0, kind="language.detected").count() == 1
