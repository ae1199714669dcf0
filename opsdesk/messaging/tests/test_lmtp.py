"""The LMTP/SMTP receiver over a real socket: who is accepted, what is answered when, and what is stored."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from opsdesk.core.replytokens import reply_address
from opsdesk.core.tests.smtp import free_port
from opsdesk.messaging.email.lmtp import receiver
from opsdesk.messaging.models import InboundEmail, Mailbox

RAW = (
    b"From: Customer <c@example.org>\r\n"
    b"To: support@opsdesk.example\r\n"
    b"Subject: Hello\r\n"
    b"Message-ID: <lmtp-1@example.org>\r\n"
    b"\r\n"
    b"Body\r\n"
)

# The receiver's thread writes with its own connection, so the test cannot hold the data in one transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def support() -> Mailbox:
    return Mailbox.objects.create(name="Support", address="support@opsdesk.example")


@pytest.fixture
def lmtp_port() -> Iterator[int]:
    port = free_port()
    server = receiver(lmtp=True, host="127.0.0.1", port=port)
    server.start()
    try:
        yield port
    finally:
        server.stop()


@pytest.fixture
def smtp_port() -> Iterator[int]:
    port = free_port()
    server = receiver(lmtp=False, host="127.0.0.1", port=port)
    server.start()
    try:
        yield port
    finally:
        server.stop()


def test_lmtp_answers_each_recipient_and_stores_the_message_once(support: Mailbox, lmtp_port: int) -> None:
    Mailbox.objects.create(name="Off", address="old@opsdesk.example", active=False)
    reply_to = reply_address("support@opsdesk.example", 42)
    with smtplib.LMTP("127.0.0.1", lmtp_port) as client:
        assert client.ehlo("mta.example")[0] == 250
        assert client.mail("c@example.org")[0] == 250
        assert client.rcpt("Support@OpsDesk.example") == (250, b"2.1.5 OK")
        assert client.rcpt("nobody@opsdesk.example") == (550, b"5.1.1 No such mailbox here")
        assert client.rcpt("old@opsdesk.example")[0] == 550  # deactivated
        assert client.rcpt(reply_to) == (250, b"2.1.5 OK")  # a reply to ticket 42's mail
        assert client.data(RAW) == (250, b"2.0.0 Stored")
        assert client.getreply() == (250, b"2.0.0 Stored")  # the second accepted recipient's reply
        assert client.noop()[0] == 250  # and nothing more was owed
    row = InboundEmail.objects.get()
    assert (bytes(row.raw), row.via, row.mailbox_id) == (RAW, "lmtp", support.pk)
    assert row.recipients == ["Support@OpsDesk.example", reply_to]


def test_a_second_delivery_of_the_same_bytes_is_accepted_and_stored_once(support: Mailbox, lmtp_port: int) -> None:
    for _attempt in range(2):
        with smtplib.LMTP("127.0.0.1", lmtp_port) as client:
            client.ehlo("mta.example")
            assert client.sendmail("c@example.org", ["support@opsdesk.example"], RAW) == {}
    assert InboundEmail.objects.count() == 1


def test_smtp_mode_refuses_unknown_recipients_and_stores_the_rest(support: Mailbox, smtp_port: int) -> None:
    with smtplib.SMTP("127.0.0.1", smtp_port) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("c@example.org", ["stranger@example.com"], RAW)
        assert refused.value.recipients == {"stranger@example.com": (550, b"5.1.1 No such mailbox here")}
        assert client.sendmail("c@example.org", ["support@opsdesk.example", "x@example.com"], RAW) == {
            "x@example.com": (550, b"5.1.1 No such mailbox here")
        }
    row = InboundEmail.objects.get()
    assert (row.via, row.mailbox_id, row.recipients) == ("lmtp", support.pk, ["support@opsdesk.example"])


def test_a_message_over_the_limit_is_refused_with_552(support: Mailbox, settings: Any, caplog: Any) -> None:
    settings.OPSDESK_MAX_EMAIL_BYTES = 200  # read when the receiver starts
    port = free_port()
    server = receiver(lmtp=True, host="127.0.0.1", port=port)
    server.start()
    large = RAW + b"x" * 300 + b"\r\n"
    try:
        with smtplib.LMTP("127.0.0.1", port) as client:
            client.ehlo("mta.example")
            # Announced with SIZE: refused at MAIL, before a byte of it is sent.
            assert client.mail("c@example.org", [f"SIZE={len(large)}"])[0] == 552
            client.rset()
            # Not announced: read to the end, then refused once per recipient.
            client.mail("c@example.org")
            client.rcpt("support@opsdesk.example")
            client.rcpt("support+x@opsdesk.example")
            assert client.data(large) == (552, b"5.3.4 Message too large")
            assert client.getreply() == (552, b"5.3.4 Message too large")
            assert client.noop()[0] == 250
    finally:
        server.stop()
    assert InboundEmail.objects.count() == 0
    # Nothing is stored, so the refusals are logged: the sender's server bounces it, and the log says so here too.
    refusals = [r.getMessage() for r in caplog.records if r.name == "opsdesk.messaging.email.lmtp"]
    assert len(refusals) == 2, refusals
    assert refusals[0].startswith("refused a message over the size limit (200 bytes) from ? to ? (peer ('127.0.0.1'")
    assert refusals[0].endswith("552 Error: message size exceeds fixed maximum message size")
    assert "from c@example.org to support@opsdesk.example, support+x@opsdesk.example" in refusals[1]
    assert refusals[1].endswith("552 Error: Too much mail data")


def test_a_database_failure_answers_451_and_the_retry_is_stored(support: Mailbox, lmtp_port: int) -> None:
    table = InboundEmail._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")  # the database fails the write, for real
    try:
        with smtplib.LMTP("127.0.0.1", lmtp_port) as client:
            client.ehlo("mta.example")
            client.mail("c@example.org")
            client.rcpt("support@opsdesk.example")
            assert client.data(RAW) == (451, b"4.3.0 Temporary failure, please try again later")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_away RENAME TO {table}")
    assert InboundEmail.objects.count() == 0
    with smtplib.LMTP("127.0.0.1", lmtp_port) as client:  # the MTA tries again later
        client.ehlo("mta.example")
        assert client.sendmail("c@example.org", ["support@opsdesk.example"], RAW) == {}
    assert [bytes(r.raw) for r in InboundEmail.objects.all()] == [RAW]
