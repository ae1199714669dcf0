"""Mail to the customer, delivered to a real SMTP server: from the ticket's mailbox, with the signed Reply-To and
body token, the signature, both parts in the customer's language, the reply's files, and the copied customers."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from opsdesk.core import outbox, replytokens
from opsdesk.core.models import OutgoingMail
from opsdesk.customers import actions as customer_actions
from opsdesk.messaging.models import Mailbox
from opsdesk.tickets import actions, notifications
from opsdesk.tickets.models import Ticket

PDF = b"%PDF-1.4\n\x00\xff binary bytes \x01\x02\n%%EOF\n"


def plain(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def header(message: EmailMessage, name: str) -> str:
    """A header's value as written, unfolded (a long one is folded onto its next line)."""
    value = message.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def setup_ticket(world: Any, *, mailbox: Mailbox | None, cc: int = 0) -> Ticket:
    world.customer.language = "fi"
    world.customer.save(update_fields=["language"])
    ticket = world.ticket(subject="Tulostin")
    Ticket.objects.filter(pk=ticket.pk).update(mailbox=mailbox)
    for n in range(cc):
        copied = customer_actions.create_customer(name=f"Copy {n}", emails=[f"Copy{n}@acme.example"], actor=None)
        ticket.cc.add(copied)
    ticket.cc.add(world.customer)  # the requester copied too: mailed once, as the requester
    ticket.refresh_from_db()
    return ticket


def support_mailbox() -> Mailbox:
    return Mailbox.objects.create(
        name="Tuki – Acme", address="tuki@opsdesk.example", signature="Ystävällisin terveisin\nAcmen tuki"
    )


def test_an_agent_reply_goes_from_the_mailbox_to_the_requester_and_cc_with_its_files(
    world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mailbox = support_mailbox()
    ticket = setup_ticket(world, mailbox=mailbox, cc=2)
    received = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.ticket_received")
    files = [
        SimpleUploadedFile("lasku.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("ohje.txt", "Käynnistä uudelleen.\n".encode(), content_type="text/plain"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.reply_to_ticket(
            ticket, body="Selvitämme asiaa & palaamme.", actor=world.agent, attachments=files
        )
    row = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.agent_reply")
    assert row.attachment_ids == list(message.attachments.order_by("pk").values_list("pk", flat=True))
    assert "lasku" not in str(row.headers) and len(row.attachment_ids) == 2  # ids only, not the files
    (mail,) = smtp_server.received
    assert smtp_server.envelopes == [
        ("tuki@opsdesk.example", ["carl@acme.example", "copy0@acme.example", "copy1@acme.example"])
    ]
    assert parseaddr(header(mail, "From")) == ("Tuki – Acme", "tuki@opsdesk.example")
    assert header(mail, "To") == "carl@acme.example"
    assert [a for _n, a in getaddresses([header(mail, "Cc")])] == ["copy0@acme.example", "copy1@acme.example"]
    reply_to = replytokens.reply_address("tuki@opsdesk.example", ticket.pk)
    assert header(mail, "Reply-To") == reply_to
    assert replytokens.parse_reply_address(reply_to) == ticket.pk
    assert header(mail, "Message-ID") == row.message_id
    assert (header(mail, "In-Reply-To"), header(mail, "References")) == (received.message_id, received.message_id)
    assert header(mail, "Auto-Submitted") == ""  # a person wrote it
    assert header(mail, "Subject") == f"[#{ticket.pk}] Uusi vastaus: Tulostin"
    token = replytokens.body_token(ticket.pk)
    text = plain(mail)
    assert text.startswith("Selvitämme asiaa & palaamme.\n")  # not HTML-escaped in the text part
    assert text.endswith(f"\nYstävällisin terveisin\nAcmen tuki\n\n{token}\n")
    assert "Vastaa tähän viestiin tai asiakasportaalissa:" in text
    html = mail.get_body(("html",)).get_content()
    assert "<p>Ystävällisin terveisin<br>Acmen tuki</p>" in html
    assert f'<p style="color:#9aa0a6;font-size:10px;line-height:1.2;margin-top:24px">{token}</p>' in html
    assert replytokens.find_body_token(text) == ticket.pk
    parts = [(p.get_filename(), p.get_content_type(), p.get_content()) for p in mail.iter_attachments()]
    assert parts == [
        ("lasku.pdf", "application/pdf", PDF),
        ("ohje.txt", "text/plain", "Käynnistä uudelleen.\r\n"),  # text travels with CRLF line ends
    ]


def test_the_received_notice_goes_from_the_mailbox_and_is_marked_automatic(
    world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = setup_ticket(world, mailbox=support_mailbox())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notifications.ticket_received(ticket)
    (mail,) = smtp_server.received
    assert parseaddr(header(mail, "From")) == ("Tuki – Acme", "tuki@opsdesk.example")
    assert header(mail, "Reply-To") == replytokens.reply_address("tuki@opsdesk.example", ticket.pk)
    assert header(mail, "Auto-Submitted") == "auto-replied"
    assert outbox.parse_message_id(header(mail, "Message-ID")) == outbox.OurMessageId(ticket_id=ticket.pk)
    text = plain(mail)
    assert text.startswith("Hei Carl Customer,") and replytokens.body_token(ticket.pk) in text
    assert list(mail.iter_attachments()) == []


def test_without_a_mailbox_mail_goes_from_the_default_address(
    world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "OpsDesk <help@opsdesk.example>"
    inactive = support_mailbox()
    Mailbox.objects.filter(pk=inactive.pk).update(active=False)
    for mailbox in (None, inactive):
        smtp_server.received.clear()
        ticket = setup_ticket(world, mailbox=mailbox)
        with django_capture_on_commit_callbacks(execute=True):
            actions.reply_to_ticket(ticket, body="Hello", actor=world.agent)
        (mail,) = smtp_server.received
        assert header(mail, "From") == "OpsDesk <help@opsdesk.example>"
        assert header(mail, "Reply-To") == replytokens.reply_address("help@opsdesk.example", ticket.pk)
        text = plain(mail)
        assert text.endswith(f"\n{replytokens.body_token(ticket.pk)}\n") and "Acmen tuki" not in text


def test_an_automation_reply_is_marked_automatic_and_every_kind_says_what_it_is(
    world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = setup_ticket(world, mailbox=support_mailbox())
    with django_capture_on_commit_callbacks(execute=True):
        actions.assign_ticket(ticket, assignee=world.agent, actor=world.agent)
        actions.reply_to_ticket(ticket, body="Automatic answer", actor=None)  # a rule's reply
        actions.add_customer_reply(ticket, body="Kiitos!", customer=world.customer, actor=world.customer_user)
    kinds = {row.kind: row.headers.get("Auto-Submitted") for row in OutgoingMail.objects.filter(ticket_id=ticket.pk)}
    assert kinds == {
        "tickets.ticket_received": "auto-replied",
        "tickets.agent_reply": "auto-replied",
        "tickets.customer_reply": "auto-generated",  # to the assignee: a notice, not a reply
    }


def test_a_file_removed_before_sending_is_left_out_and_the_mail_still_goes(
    world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = setup_ticket(world, mailbox=support_mailbox())
    smtp_server.received.clear()
    with transaction.atomic():
        files = [SimpleUploadedFile("a.txt", b"A", "text/plain"), SimpleUploadedFile("b.txt", b"B", "text/plain")]
        message = actions.reply_to_ticket(ticket, body="See attached", actor=world.agent, attachments=files)
    message.attachments.order_by("pk")[0].delete()
    row = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.agent_reply")
    outbox.deliver(row.pk, 0)
    (mail,) = smtp_server.received
    assert [p.get_filename() for p in mail.iter_attachments()] == ["b.txt"]
