"""Processing stored inbound email: the corpus end to end through receive_email + process_email, with exact
outcomes (ticket or reply, threading reason, state, attachments, CC, events, mail sent or not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from opsdesk.audit.models import AuditEvent
from opsdesk.core import outbox, replytokens
from opsdesk.core.errors import ActionError
from opsdesk.core.models import OutgoingMail
from opsdesk.customers import actions as customer_actions
from opsdesk.customers.models import Customer, CustomerEmail
from opsdesk.messaging import actions, tasks
from opsdesk.messaging.models import InboundEmail, Mailbox
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import Message, Ticket, TicketEvent

CORPUS = Path(__file__).parent / "corpus"
SUPPORT = "support@opsdesk.example"


@pytest.fixture
def mailbox(world: Any) -> Mailbox:
    return Mailbox.objects.create(name="Support", address=SUPPORT, team=world.support, language="en")


def raw(name: str, **subs: object) -> bytes:
    data = (CORPUS / name).read_bytes()
    for key, value in subs.items():
        data = data.replace(f"@@{key}@@".encode(), str(value).encode())
    return data


def deliver(data: bytes, **kwargs: Any) -> InboundEmail:
    row, _created = actions.receive_email(data, via="command", **kwargs)
    actions.process_email(row)
    row.refresh_from_db()
    return row


def ticket_of(row: InboundEmail) -> Ticket:
    assert row.ticket_id is not None
    return Ticket.objects.get(pk=row.ticket_id)


def comment_of(row: InboundEmail) -> Message:
    assert row.comment_id is not None
    return Message.objects.get(pk=row.comment_id)


def mails_to(address: str) -> list[str]:
    return [m.kind for m in OutgoingMail.objects.order_by("pk") if address in m.recipients]


def signed(ticket: Ticket) -> dict[str, object]:
    sig = replytokens.body_token(ticket.pk).split("-")[1].rstrip("]")
    return {"TICKET": ticket.pk, "SIG": sig, "REPLYTO": SUPPORT, "MSGID": "x@y.example"}


def test_a_new_message_opens_a_ticket_in_the_mailbox_team_with_its_event(world: Any, mailbox: Mailbox) -> None:
    row = deliver(raw("multipart_alternative.eml"))
    ticket = ticket_of(row)
    assert (row.state, row.thread_reason, row.reason, row.attempts, row.comment_id) == (
        "processed",
        "new",
        "",
        1,
        ticket.messages.get().pk,
    )
    assert (ticket.subject, ticket.requester, ticket.team, ticket.mailbox, ticket.channel) == (
        "Invoice 2026-114 shows the wrong VAT",
        world.customer,
        world.support,
        mailbox,
        "email",
    )
    message = ticket.messages.get()
    assert (message.author_customer, message.channel, message.via, message.author_role) == (
        world.customer,
        "email",
        "email",
        "end_user",
    )
    assert message.body_text.startswith("Hello,\n\nInvoice 2026-114 charges 24 % VAT")
    event = TicketEvent.objects.get(ticket=ticket, kind="email.received")
    assert (event.source, event.cause, event.actor_role) == ("email", f"inbound_email:{row.pk}", "end_user")
    assert event.data == {
        "comment": message.pk,
        "inbound": row.pk,
        "mailbox": SUPPORT,
        "thread_reason": "new",
        "message_id": "<CAB4x1=invoice114@mail.acme.example>",
        "automatic": [],
        "blocked": [],
        "cc": [],
    }
    assert TicketEvent.objects.get(ticket=ticket, kind="ticket.created").source == "email"
    assert mails_to("carl@acme.example") == ["tickets.ticket_received"]


def test_the_mailbox_is_found_from_a_plus_address_and_sets_a_new_customers_language(world: Any) -> None:
    greek = Mailbox.objects.create(name="Hellas", address="hellas@opsdesk.example", team=world.billing, language="el")
    data = raw("greek_iso8859_7.eml").replace(b"To: support@opsdesk.example", b"To: hellas+web@opsdesk.example")
    row = deliver(data)
    ticket = ticket_of(row)
    assert (ticket.mailbox, ticket.team, ticket.language, ticket.requester.language) == (
        greek,
        world.billing,
        "el",
        "el",
    )
    assert ticket.requester.name == "Ελένη Παπαδοπούλου"
    assert ticket.subject == "Η εφαρμογή δεν ανοίγει"
    assert "«Σφάλμα 42»" in ticket.messages.get().body_text


def test_no_mailbox_matching_still_opens_a_ticket(world: Any) -> None:
    row = deliver(raw("russian_koi8r.eml"))
    ticket = ticket_of(row)
    assert (ticket.mailbox, ticket.team, ticket.subject) == (None, None, "Не могу войти")
    event = TicketEvent.objects.get(ticket=ticket, kind="email.received")
    assert event.data["mailbox"] == ""


@pytest.mark.parametrize("how", ["message_id", "reply_address", "body_token", "subject"])
def test_replies_thread_by_the_most_reliable_reference(world: Any, mailbox: Mailbox, how: str) -> None:
    ticket = world.ticket(mailbox=mailbox)
    subs = signed(ticket)
    if how == "message_id":
        data = raw("outlook_reply.eml", MSGID=outbox.make_message_id(ticket.pk).strip("<>"), TICKET=ticket.pk)
        data = data.replace(b"pekka@virtanen.example", b"carl@acme.example")
    elif how == "reply_address":
        data = raw("gmail_reply_en.eml", **{**subs, "REPLYTO": replytokens.reply_address(SUPPORT, ticket.pk)})
        data = data.replace(b"[ref:", b"[nope:")
    elif how == "body_token":
        data = raw("gmail_reply_en.eml", **subs)
    else:
        data = raw("gmail_reply_en.eml", **{**subs, "SIG": "000000000000"})
    row = deliver(data)
    assert (row.state, row.ticket_id, row.thread_reason) == ("processed", ticket.pk, how)
    assert ticket.messages.count() == 2
    event = TicketEvent.objects.get(ticket=ticket, kind="email.received")
    assert event.data["thread_reason"] == how


def test_a_ticket_number_from_a_stranger_opens_a_new_ticket(world: Any, mailbox: Mailbox) -> None:
    ticket = world.ticket(mailbox=mailbox)
    data = raw("gmail_reply_en.eml", **{**signed(ticket), "SIG": "000000000000"})
    row = deliver(data.replace(b"carl@acme.example", b"mallory@evil.example"))
    assert row.thread_reason == "new" and row.ticket_id != ticket.pk
    assert ticket.messages.count() == 1


def test_a_cc_d_customer_may_thread_by_subject_and_cc_joins_the_ticket(world: Any, mailbox: Mailbox) -> None:
    data = raw("encoded_words.eml").replace(
        b"Cc: ", b"Cc: Alice Agent <agent@example.com>, Support <support+x@opsdesk.example>, "
    )
    row = deliver(data)
    ticket = ticket_of(row)
    jorg = Customer.objects.get(emails__address="jorg@muller.example")
    jane = Customer.objects.get(emails__address="jane@smith.example")
    assert (jorg.name, jane.name) == ("jorg", "jane")
    assert set(ticket.cc.all()) == {jorg, jane}
    assert list(ticket.followers.all()) == [world.agent]
    assert TicketEvent.objects.get(ticket=ticket, kind="email.received").data["cc"] == sorted([jorg.pk, jane.pk])
    reply = (
        f"From: jorg@muller.example\r\nTo: {SUPPORT}\r\nSubject: Re: [#{ticket.pk}] report\r\n"
        "Message-ID: <jorg.1@muller.example>\r\n\r\nThe March numbers are wrong.\r\n"
    ).encode()
    row = deliver(reply)
    assert (row.ticket_id, row.thread_reason) == (ticket.pk, "subject")


def test_attachments_kept_and_blocked(world: Any, mailbox: Mailbox) -> None:
    row = deliver(raw("rfc2231_attachments.eml"))
    message = comment_of(row)
    assert sorted((a.filename, a.content_type, a.size) for a in message.attachments.all()) == [
        ("Räkning för månad 11.txt", "text/plain", 8),
        ("passwd_.png", "image/png", 70),
        ("Договор №5.pdf", "application/pdf", 17),
    ]
    event = TicketEvent.objects.get(ticket=ticket_of(row), kind="email.received")
    assert event.data["blocked"] == ["invoice.pdf.exe (dangerous)"]


@pytest.mark.parametrize(
    ("name", "files", "blocked"),
    [
        ("inline_image_cid.eml", [("error.png", "image/png")], []),
        ("winmail_dat.eml", [], ["winmail.dat (tnef)"]),
        ("forwarded_rfc822.eml", [("Your invoice 88.eml", "message/rfc822")], []),
        ("broken_missing_boundary.eml", [("report.csv", "text/csv")], []),
        ("broken_base64.eml", [("shot.png", "image/png")], []),
    ],
)
def test_corpus_files_become_tickets_with_exactly_these_files(
    world: Any, mailbox: Mailbox, name: str, files: list[tuple[str, str]], blocked: list[str]
) -> None:
    row = deliver(raw(name))
    assert row.state == "processed"
    assert [(a.filename, a.content_type) for a in comment_of(row).attachments.all()] == files
    assert TicketEvent.objects.get(ticket=ticket_of(row), kind="email.received").data["blocked"] == blocked


def test_a_type_the_intake_does_not_take_is_blocked_not_refused(world: Any, mailbox: Mailbox, settings: Any) -> None:
    settings.OPSDESK_ATTACHMENT_TYPES = ["image/png"]
    row = deliver(raw("rfc2231_attachments.eml"))
    assert row.state == "processed"
    assert TicketEvent.objects.get(ticket=ticket_of(row), kind="email.received").data["blocked"] == [
        "invoice.pdf.exe (dangerous)",
        "Договор №5.pdf (type)",
        "Räkning för månad 11.txt (type)",
    ]


def test_quoted_text_is_stored_collapsed_after_the_new_text(world: Any, mailbox: Mailbox) -> None:
    row = deliver(raw("finnish_latin1.eml"))
    body = comment_of(row).body_html
    assert body.startswith("<p>Hei,</p><p>Tilauksemme 7781 laskussa on väärä osoite.")
    assert "<details><summary>…</summary><p>-- <br>Meikäläinen Oy" in body
    assert body.endswith("kirjoitti:<br>&gt; Kiitos viestistäsi.</p></details>")


def test_huge_headers_and_html_only_are_processed(world: Any, mailbox: Mailbox) -> None:
    assert deliver(raw("huge_headers.eml")).state == "processed"
    row = deliver(raw("html_only.eml"))
    assert comment_of(row).body_text == "My order #991 arrived damaged.\n\nPhotos: here and order page"


def test_unparseable_mail_is_quarantined_and_can_be_discarded(world: Any, mailbox: Mailbox) -> None:
    row = deliver(raw("no_from.eml"))
    assert (row.state, row.reason, row.error, row.ticket_id) == (
        "quarantined",
        "unparseable",
        "no sender address",
        None,
    )
    again = actions.retry_email(row, actor=world.admin)
    assert (again.state, again.attempts) == ("quarantined", 2)
    with pytest.raises(ActionError) as refused:
        actions.discard_email(row, actor=world.agent)
    assert refused.value.code == "forbidden"
    actions.discard_email(row, actor=world.admin)
    row.refresh_from_db()
    assert row.state == "discarded" and bytes(row.raw) == raw("no_from.eml")
    assert list(
        AuditEvent.objects.filter(verb__startswith="inbound_email.").values_list("verb", flat=True).order_by("pk")
    ) == [
        "inbound_email.retried",
        "inbound_email.discarded",
    ]
    assert Ticket.objects.count() == 0


def test_same_message_id_from_the_same_sender_is_a_duplicate(world: Any, mailbox: Mailbox) -> None:
    first = deliver(raw("multipart_alternative.eml"))
    same, created = actions.receive_email(raw("multipart_alternative.eml"), via="imap")
    assert (created, same.pk) == (False, first.pk)
    other_copy = deliver(b"X-Copy: via a second MX\r\n" + raw("multipart_alternative.eml"))
    assert (other_copy.state, other_copy.reason, other_copy.ticket_id) == ("ignored", "duplicate", first.ticket_id)
    assert (Ticket.objects.count(), Message.objects.count()) == (1, 1)
    assert mails_to("carl@acme.example") == ["tickets.ticket_received"]


def test_a_bounce_flags_the_address_and_notes_the_ticket(world: Any, mailbox: Mailbox) -> None:
    gone = customer_actions.create_customer(name="Gone", emails=["gone@acme.example"], actor=None)
    ticket = world.ticket(requester=gone, mailbox=mailbox)
    sent = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.ticket_received")
    row = deliver(raw("dsn_bounce.eml", MSGID=sent.message_id.strip("<>"), TICKET=ticket.pk))
    assert (row.state, row.reason, row.ticket_id) == ("ignored", "bounce", ticket.pk)
    note = comment_of(row)
    assert (note.visibility, note.author_role, note.body_text) == (
        "internal",
        "system",
        "Mail to gone@acme.example could not be delivered (Undelivered Mail Returned to Sender).",
    )
    address = CustomerEmail.objects.get(address="gone@acme.example")
    assert address.bounced_at is not None and address.bounce_reason == "Undelivered Mail Returned to Sender"
    assert OutgoingMail.objects.filter(ticket_id=ticket.pk).count() == 1


@pytest.mark.parametrize(("name", "reason"), [("auto_reply.eml", "auto-submitted"), ("list_mail.eml", "precedence")])
def test_automatic_mail_never_opens_a_ticket_but_an_admin_can(
    world: Any, mailbox: Mailbox, name: str, reason: str
) -> None:
    before = OutgoingMail.objects.count()
    row = deliver(raw(name))
    assert (row.state, row.reason, row.ticket_id) == ("ignored", reason, None)
    assert (Ticket.objects.count(), OutgoingMail.objects.count()) == (0, before)
    row = actions.retry_email(row, actor=world.admin)
    assert (row.state, row.reason, row.thread_reason) == ("processed", "", "new")
    assert list(OutgoingMail.objects.values_list("kind", "recipients")) == []  # never our auto-answer to it
    assert AuditEvent.objects.get(verb="inbound_email.retried").data["before"]["reason"] == reason


def test_an_automatic_reply_on_a_ticket_is_added_quietly(world: Any, mailbox: Mailbox) -> None:
    ticket = world.ticket(mailbox=mailbox, assignee=world.agent)
    ticket_actions.change_status(ticket, status=ticket_actions.default_status("solved"), actor=world.agent)
    before = OutgoingMail.objects.count()
    data = raw("auto_reply.eml").replace(b"dora@else.example", b"carl@acme.example")
    data = data.replace(b"Subject: Automatic reply: Your request", f"Subject: Re: [#{ticket.pk}] hi".encode())
    row = deliver(data)
    ticket.refresh_from_db()
    assert (row.state, row.ticket_id, row.thread_reason) == ("processed", ticket.pk, "subject")
    assert ticket.status_category == "solved"  # an out-of-office reply reopens nothing
    assert OutgoingMail.objects.count() == before
    data = TicketEvent.objects.get(ticket=ticket, kind="email.received").data
    assert data["automatic"] == ["auto-submitted", "x-autoreply", "auto-response-suppress"]


def test_two_auto_responders_exchange_one_mail_at_most(world: Any, mailbox: Mailbox) -> None:
    """A person writes; we answer automatically; their auto-responder answers that (round one); our answer to it
    would be round two, and it never comes: nothing more goes out, however many rounds are run."""
    before = OutgoingMail.objects.count()
    deliver(raw("multipart_alternative.eml"))
    [ours] = OutgoingMail.objects.filter(recipients=["carl@acme.example"])
    assert ours.headers["Auto-Submitted"] == "auto-replied"
    for round_number in range(2):
        oof = (
            f"From: Carl Customer <carl@acme.example>\r\nTo: {SUPPORT}\r\n"
            f"Subject: Out of office (round {round_number})\r\n"
            f"Message-ID: <oof.{round_number}@acme.example>\r\nIn-Reply-To: {ours.message_id}\r\n"
            "Auto-Submitted: auto-replied\r\n\r\nI am away.\r\n"
        ).encode()
        row = deliver(oof)
        assert (row.state, row.thread_reason) == ("processed", "message_id")
        assert OutgoingMail.objects.count() == before + 1
    # an auto-responder that says nothing of itself and starts new threads is stopped by the per-sender limit
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(25):
            deliver(
                f"From: bot@loop.example\r\nTo: {SUPPORT}\r\nSubject: Thanks {n}\r\nMessage-ID: <{n}@loop.example>"
                "\r\n\r\nThanks for your mail.\r\n".encode()
            )
    states = list(InboundEmail.objects.filter(sender="bot@loop.example").order_by("pk").values_list("state", "reason"))
    assert states == [("processed", "")] * 20 + [("ignored", "rate_limit")] * 5
    assert len(mails_to("bot@loop.example")) == 20


def test_the_job_is_queued_on_commit_and_the_sweep_finds_lost_ones(
    world: Any, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row, created = actions.receive_email(raw("multipart_alternative.eml"), via="lmtp")
    row.refresh_from_db()
    assert (created, row.state) == (True, "processed")
    lost, _ = actions.receive_email(raw("swedish_utf8.eml"), via="lmtp")  # no commit callback: its job is lost
    tasks.requeue_stalled_email.call_local()
    lost.refresh_from_db()
    assert lost.state == "received"  # not yet: it may still be on its way
    with time_machine.travel(timezone.now() + actions_stalled()):
        tasks.requeue_stalled_email.call_local()
    lost.refresh_from_db()
    assert lost.state == "processed"


def actions_stalled() -> Any:
    from datetime import timedelta

    from opsdesk.messaging.actions.email import STALLED_AFTER

    return STALLED_AFTER + timedelta(seconds=1)


def test_an_error_is_retried_then_quarantined(world: Any, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    row, _ = actions.receive_email(raw("multipart_alternative.eml"), via="api")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("opsdesk.messaging.actions.email._apply", broken)
    with pytest.raises(RuntimeError):
        tasks.process_email.call_local(row.pk, task=type("T", (), {"retries": 2})())
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("received", 0)  # rolled back whole; huey runs it again
    tasks.process_email.call_local(row.pk, task=type("T", (), {"retries": 0})())
    row.refresh_from_db()
    assert (row.state, row.reason, row.error) == ("quarantined", "failed", "RuntimeError: disk on fire")
    assert Ticket.objects.count() == 0


def test_the_timeline_says_how_it_was_threaded_in_the_readers_language(
    client: Any, world: Any, mailbox: Mailbox
) -> None:
    from django.utils import translation

    from opsdesk.tickets import events

    ticket = world.ticket(mailbox=mailbox)
    data = raw("gmail_reply_en.eml", **{**signed(ticket), "REPLYTO": replytokens.reply_address(SUPPORT, ticket.pk)})
    deliver(data)
    event = TicketEvent.objects.get(ticket=ticket, kind="email.received")
    sentence = "Received by email to support@opsdesk.example; threaded by the reply address"
    assert events.render(event.kind, event.data, {}) == sentence
    with translation.override("fi"):
        assert events.render(event.kind, event.data, {}) != sentence
    client.force_login(world.agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert sentence in page


def test_a_reply_to_a_merged_ticket_lands_on_its_target_and_a_closed_one_gets_a_follow_up(
    world: Any, mailbox: Mailbox
) -> None:
    source = world.ticket(mailbox=mailbox, subject="First")
    target = world.ticket(mailbox=mailbox, subject="Second")
    ticket_actions.merge_tickets(source, target=target, actor=world.admin)
    data = raw("gmail_reply_en.eml", **signed(source))
    row = deliver(data)
    assert (row.state, row.thread_reason, row.ticket_id) == ("processed", "body_token", target.pk)
    ticket_actions.change_status(target, status=ticket_actions.default_status("closed"), actor=world.admin)
    again = deliver(data.replace(b"CAJ4x9_gmailreply0001", b"CAJ4x9_gmailreply0002"))
    followup = ticket_of(again)
    assert (again.thread_reason, followup.followup_of_id, followup.mailbox) == ("body_token", target.pk, mailbox)


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Re: [#42] Printer", 42),
        ("RE: Ticket #42 printer", 42),
        ("Vs: Tiketti #42", 42),
        ("SV: Ärende 42", 42),
        ("Re: Заявка №42", 42),
        ("Απ: Αίτημα #42", 42),
        ("Question about #42", 42),
        ("Order 42 is late", None),
        ("Invoice A#42", None),
    ],
)
def test_ticket_numbers_in_subjects(subject: str, number: int | None) -> None:
    from opsdesk.messaging.email.threading import subject_number

    assert subject_number(subject) == number


def test_a_message_the_intake_refuses_is_quarantined_with_nothing_written(world: Any, mailbox: Mailbox) -> None:
    before = (Ticket.objects.count(), Customer.objects.count(), TicketEvent.objects.count())
    row = deliver(
        b"From: Someone <someone@nodot>\r\nTo: support@opsdesk.example\r\nCc: new.person@else.example\r\n"
        b"Subject: Hello\r\nMessage-ID: <refused.1@nodot>\r\n\r\nHello there.\r\n"
    )
    assert (row.state, row.reason, row.error, row.ticket_id) == (
        "quarantined",
        "refused",
        "invalid_email: Enter a valid email address.",
        None,
    )
    assert (Ticket.objects.count(), Customer.objects.count(), TicketEvent.objects.count()) == before


def test_damaged_mail_always_ends_in_a_state_and_never_raises(world: Any, mailbox: Mailbox) -> None:
    """Corpus messages with bytes flipped at random (a fixed seed), NUL bytes included, through the whole
    processing on this database: each ends processed, ignored or quarantined."""
    import random

    rng = random.Random(15)
    names = sorted(p.name for p in CORPUS.glob("*.eml") if p.name != "huge_headers.eml")
    for n in range(60):
        data = bytearray(raw(names[n % len(names)]))
        for _flip in range(rng.randrange(1, 12)):
            data[rng.randrange(len(data))] = rng.choice([0, rng.randrange(256), ord(";"), ord("="), 10])
        row, _created = actions.receive_email(bytes(data) + f"\r\n{n}".encode(), via="api")
        actions.process_email(row)
        row.refresh_from_db()
        assert row.state in ("processed", "ignored", "quarantined"), (n, row.state)


def test_our_own_mail_coming_back_is_ignored(world: Any, mailbox: Mailbox, settings: Any) -> None:
    before = OutgoingMail.objects.count()
    for n, sender in enumerate(
        ["support@opsdesk.example", "Support+t9-abc@opsdesk.example", settings.DEFAULT_FROM_EMAIL]
    ):
        row = deliver(
            f"From: OpsDesk <{sender}>\r\nTo: {SUPPORT}\r\nSubject: We received your request\r\n"
            f"Message-ID: <loop.{n}@opsdesk.example>\r\n\r\nThank you.\r\n".encode()
        )
        assert (row.state, row.reason, row.ticket_id) == ("ignored", "loop", None)
    assert (Ticket.objects.count(), OutgoingMail.objects.count()) == (0, before)


def test_a_plain_bounce_that_quotes_our_mail_becomes_a_note_not_a_customer(world: Any, mailbox: Mailbox) -> None:
    ticket = world.ticket(mailbox=mailbox)
    customers = Customer.objects.count()
    row = deliver(
        f"From: MAILER-DAEMON@old-mta.example\r\nTo: {SUPPORT}\r\nSubject: Returned mail: User unknown\r\n"
        f"Message-ID: <plain.bounce@old-mta.example>\r\n\r\n   ----- Transcript of session follows -----\r\n"
        f"550 carl@acme.example... User unknown\r\n\r\n{replytokens.body_token(ticket.pk)}\r\n".encode()
    )
    assert (row.state, row.reason, row.ticket_id, row.thread_reason) == ("ignored", "bounce", ticket.pk, "body_token")
    assert comment_of(row).body_text == (
        "A mail server reported a delivery problem (Returned mail: User unknown); "
        "the report is on the inbound mail page."
    )
    assert (comment_of(row).visibility, Customer.objects.count()) == ("internal", customers)
