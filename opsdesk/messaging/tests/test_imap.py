"""IMAP polling against a real Dovecot (tests/dovecot.py): stored, moved, never twice, even after a crash."""

from __future__ import annotations

import imaplib
import threading
import time
from typing import Any

import pytest

from opsdesk.messaging.email import imap
from opsdesk.messaging.models import InboundEmail, Mailbox
from opsdesk.messaging.tests.dovecot import PASSWORD, Dovecot


def message(n: int, *, subject: str = "Printer on fire") -> bytes:
    return (
        f"From: Customer {n} <c{n}@example.org>\r\n"
        f"To: support@opsdesk.example\r\n"
        f"Subject: {subject} {n}\r\n"
        f"Message-ID: <m{n}.{time.monotonic_ns()}@example.org>\r\n"
        f"\r\n"
        f"Body {n}\r\n"
    ).encode()


def make_mailbox(dovecot: Dovecot, *, processed: str = "Processed", security: str = "none", **extra: Any) -> Mailbox:
    user = dovecot.add_user()
    port = dovecot.ssl_port if security == "ssl" else dovecot.port
    return Mailbox.objects.create(
        name="Support",
        address=f"{user}@opsdesk.example",
        imap_host="127.0.0.1",
        imap_port=port,
        imap_security=security,
        imap_username=user,
        imap_password=PASSWORD,
        imap_processed_folder=processed,
        **extra,
    )


def deliver(dovecot: Dovecot, mailbox: Mailbox, *raws: bytes, folder: str = "INBOX") -> None:
    conn = dovecot.client(mailbox.imap_username)
    try:
        for raw in raws:
            reply = conn.append(imap.encode_folder(folder), None, None, raw)  # type: ignore[arg-type]
            assert reply[0] == "OK", reply
    finally:
        conn.logout()


def folder_contents(dovecot: Dovecot, mailbox: Mailbox, folder: str) -> list[tuple[bytes, bool]]:
    """(bytes, seen) of every message in a folder, in order; [] when the folder does not exist."""
    conn = dovecot.client(mailbox.imap_username)
    try:
        typ, _data = conn.select(imap.encode_folder(folder), readonly=True)
        if typ != "OK":
            return []
        _typ, data = conn.uid("SEARCH", "ALL")
        found = []
        for uid in (data[0] or b"").split():
            _typ, fetched = conn.uid("FETCH", uid.decode(), "(FLAGS BODY.PEEK[])")
            if not fetched or not isinstance(fetched[0], tuple):
                continue  # moved away by the poller between SEARCH and FETCH (the IDLE test's race): not there
            head, raw = fetched[0]
            found.append((raw, b"\\Seen" in head))
        return found
    finally:
        conn.logout()


@pytest.mark.django_db
def test_a_poll_stores_each_message_and_moves_it_to_the_processed_folder(dovecot: Dovecot) -> None:
    mailbox = make_mailbox(dovecot)
    raws = [message(1), message(2)]
    deliver(dovecot, mailbox, *raws)
    result = imap.poll_mailbox(mailbox.pk)
    assert (result.stored, result.already, result.error) == (2, 0, "")
    rows = list(InboundEmail.objects.order_by("pk"))
    assert [(bytes(r.raw), r.via, r.mailbox_id) for r in rows] == [(raw, "imap", mailbox.pk) for raw in raws]
    assert folder_contents(dovecot, mailbox, "INBOX") == []
    assert [raw for raw, _seen in folder_contents(dovecot, mailbox, "Processed")] == raws
    mailbox.refresh_from_db()
    assert mailbox.last_error == "" and mailbox.last_polled_at is not None
    again = imap.poll_mailbox(mailbox.pk)
    assert (again.stored, again.already, InboundEmail.objects.count()) == (0, 0, 2)


@pytest.mark.django_db
def test_without_a_processed_folder_the_message_is_flagged_seen_and_not_fetched_again(dovecot: Dovecot) -> None:
    mailbox = make_mailbox(dovecot, processed="")
    raw = message(3)
    deliver(dovecot, mailbox, raw)
    assert imap.poll_mailbox(mailbox.pk).stored == 1
    assert folder_contents(dovecot, mailbox, "INBOX") == [(raw, True)]
    assert imap.poll_mailbox(mailbox.pk).stored == 0
    assert InboundEmail.objects.count() == 1


class Crash(BaseException):
    """The process dies: not an error any handler catches."""


@pytest.mark.django_db
def test_a_crash_between_storing_and_moving_stores_nothing_twice(dovecot: Dovecot, monkeypatch: Any) -> None:
    mailbox = make_mailbox(dovecot)
    raw = message(4)
    deliver(dovecot, mailbox, raw)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(imap, "file_away", crash)
        with pytest.raises(Crash):
            imap.poll_mailbox(mailbox.pk)
    assert [bytes(r.raw) for r in InboundEmail.objects.all()] == [raw]  # stored (committed) before the crash
    assert folder_contents(dovecot, mailbox, "INBOX") == [(raw, False)]  # still there, still unseen
    result = imap.poll_mailbox(mailbox.pk)
    assert (result.stored, result.already) == (0, 1)
    assert InboundEmail.objects.count() == 1
    assert folder_contents(dovecot, mailbox, "INBOX") == []
    assert [r for r, _seen in folder_contents(dovecot, mailbox, "Processed")] == [raw]


@pytest.mark.django_db
def test_without_move_it_copies_flags_deleted_and_expunges_only_that_message(dovecot: Dovecot) -> None:
    mailbox = make_mailbox(dovecot, processed="Käsitelty & valmis")
    kept, filed = message(5), message(6)
    deliver(dovecot, mailbox, kept, filed)
    conn = imap.connect(mailbox)
    try:
        conn.select("INBOX")
        # A person flagged the first one \Deleted in their own client: our EXPUNGE must not remove it.
        conn.uid("STORE", "1", "+FLAGS.SILENT", "(\\Deleted \\Seen)")
        result = imap.poll(mailbox, conn, {"UIDPLUS"})  # the server's MOVE left out: the fallback path
    finally:
        conn.logout()
    assert (result.stored, result.error) == (1, "")
    assert [r for r, _seen in folder_contents(dovecot, mailbox, "INBOX")] == [kept]
    assert [r for r, _seen in folder_contents(dovecot, mailbox, "Käsitelty & valmis")] == [filed]


@pytest.mark.django_db
def test_a_message_over_the_limit_stays_on_the_server_flagged_read(dovecot: Dovecot, settings: Any) -> None:
    settings.OPSDESK_MAX_EMAIL_BYTES = 300
    mailbox = make_mailbox(dovecot)
    small, large = message(7), message(8) + b"x" * 400 + b"\r\n"
    deliver(dovecot, mailbox, small, large)
    result = imap.poll_mailbox(mailbox.pk)
    assert result.stored == 1
    assert result.error == "Left on the server, flagged as read: message 2 is larger than the limit"
    assert folder_contents(dovecot, mailbox, "INBOX") == [(large, True)]
    mailbox.refresh_from_db()
    assert mailbox.last_error == result.error
    # Durable, not one poll cycle's error: its header block waits quarantined, saying where the message lies.
    kept = InboundEmail.objects.get(reason="too_large")
    header = large.split(b"\r\n\r\n")[0] + b"\r\n\r\n"
    assert (kept.state, bytes(kept.raw), kept.size) == ("quarantined", header, len(large))
    assert (kept.server_folder, kept.server_uid, kept.mailbox_id, kept.via) == ("INBOX", "2", mailbox.pk, "imap")
    assert kept.sender == "c8@example.org" and kept.subject == "Printer on fire 8"
    # The next poll finds nothing unseen and clears the mailbox's error; the row stays, and is never added twice.
    assert imap.poll_mailbox(mailbox.pk).error == ""
    set_unseen(dovecot, mailbox, "2")  # someone marks it unread: fetched again, still one row
    assert imap.poll_mailbox(mailbox.pk).error == result.error
    assert InboundEmail.objects.filter(reason="too_large").count() == 1
    assert InboundEmail.objects.count() == 2


def set_unseen(dovecot: Dovecot, mailbox: Mailbox, uid: str) -> None:
    conn = dovecot.client(mailbox.imap_username)
    try:
        conn.select("INBOX")
        assert conn.uid("STORE", uid, "-FLAGS.SILENT", "(\\Seen)")[0] == "OK"
    finally:
        conn.logout()


@pytest.mark.django_db
def test_errors_are_recorded_on_the_mailbox_and_cleared_by_a_good_poll(dovecot: Dovecot) -> None:
    mailbox = make_mailbox(dovecot)
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password="wrong")
    result = imap.poll_mailbox(mailbox.pk)
    assert result.error == "The IMAP server answered: [AUTHENTICATIONFAILED] Authentication failed."
    mailbox.refresh_from_db()
    assert mailbox.last_error == result.error
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=PASSWORD, imap_folder="Nowhere")
    assert imap.poll_mailbox(mailbox.pk).error.startswith("The IMAP server refused the folder Nowhere: ")
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_folder="INBOX")
    assert imap.poll_mailbox(mailbox.pk).error == ""
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_port=1)  # nothing listens there
    assert imap.poll_mailbox(mailbox.pk).error.startswith("Could not connect to the IMAP server: ")


@pytest.mark.django_db
@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_connections_verify_the_certificate(dovecot: Dovecot, imap_ca: None, security: str, settings: Any) -> None:
    mailbox = make_mailbox(dovecot, security=security)
    raw = message(9)
    deliver(dovecot, mailbox, raw)
    assert imap.check_connection(mailbox) == 1
    assert imap.poll_mailbox(mailbox.pk).stored == 1
    settings.OPSDESK_IMAP_CA_FILE = ""  # the self-signed certificate is no longer trusted
    assert imap.poll_mailbox(mailbox.pk).error == "TLS failed: self-signed certificate"


@pytest.mark.django_db
def test_check_connection_counts_the_folder_or_raises_the_servers_reply(dovecot: Dovecot) -> None:
    mailbox = make_mailbox(dovecot)
    deliver(dovecot, mailbox, message(10), message(11))
    assert imap.check_connection(mailbox) == 2
    assert [seen for _raw, seen in folder_contents(dovecot, mailbox, "INBOX")] == [False, False]  # read-only
    mailbox.imap_password = "wrong"
    with pytest.raises(imaplib.IMAP4.error):
        imap.check_connection(mailbox)


@pytest.mark.django_db
def test_the_periodic_pass_skips_a_mailbox_polled_moments_ago(dovecot: Dovecot) -> None:
    mailbox = make_mailbox(dovecot)
    Mailbox.objects.create(name="Inactive", address="off@opsdesk.example", imap_host="127.0.0.1", active=False)
    deliver(dovecot, mailbox, message(12))
    assert {pk: r.stored for pk, r in imap.poll_due_mailboxes().items()} == {mailbox.pk: 1}
    deliver(dovecot, mailbox, message(13))
    assert imap.poll_due_mailboxes() == {}  # polled less than 45 s ago (by the long-running poller, say)
    assert {pk: r.stored for pk, r in imap.poll_due_mailboxes(min_gap_seconds=0).items()} == {mailbox.pk: 1}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_long_running_poller_wakes_on_new_mail_with_idle(dovecot: Dovecot, monkeypatch: Any) -> None:
    mailbox = make_mailbox(dovecot)
    idling = threading.Event()
    original = imap.idle

    def idle(conn: imaplib.IMAP4, seconds: float, waker: imap.Waker) -> bool:
        idling.set()
        return original(conn, seconds, waker)

    monkeypatch.setattr(imap, "idle", idle)
    stop = threading.Event()
    runner = threading.Thread(target=imap.run_forever, kwargs={"interval": 120, "stop": stop})
    runner.start()
    try:
        # Mail delivered before the server has the IDLE is only seen at Dovecot's next mailbox check (30 s):
        # deliver once the poller is in IDLE, however slow the machine
        assert idling.wait(15)
        time.sleep(0.5)
        raw = message(14)
        started = time.monotonic()
        deliver(dovecot, mailbox, raw)
        _wait_for(lambda: InboundEmail.objects.filter(mailbox=mailbox).exists())
        assert time.monotonic() - started < 10  # long before the 120 s interval: IDLE woke it
        _wait_for(lambda: folder_contents(dovecot, mailbox, "INBOX") == [])
        assert [r for r, _seen in folder_contents(dovecot, mailbox, "Processed")] == [raw]
    finally:
        stop.set()
        runner.join(timeout=20)
    assert not runner.is_alive()  # the stop ends IDLE at once


def _wait_for(condition: Any, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.django_db
def test_the_minutely_job_polls_the_due_mailboxes(dovecot: Dovecot) -> None:
    from opsdesk.messaging.tasks import poll_mailboxes

    mailbox = make_mailbox(dovecot)
    deliver(dovecot, mailbox, message(15))
    poll_mailboxes.call_local()
    assert InboundEmail.objects.filter(mailbox=mailbox).count() == 1
    assert folder_contents(dovecot, mailbox, "INBOX") == []


@pytest.mark.django_db
def test_a_backlog_larger_than_one_pass_is_drained_in_passes(dovecot: Dovecot, monkeypatch: Any) -> None:
    monkeypatch.setattr(imap, "BATCH", 2)
    mailbox = make_mailbox(dovecot)
    raws = [message(20 + n) for n in range(5)]
    deliver(dovecot, mailbox, *raws)
    conn = imap.connect(mailbox)
    try:
        first = imap.poll(mailbox, conn, imap.capabilities(conn))
    finally:
        conn.logout()
    assert (first.stored, first.more) == (2, True)
    result = imap.poll_mailbox(mailbox.pk)
    assert (result.stored, result.more, result.error) == (3, False, "")
    assert sorted(bytes(r.raw) for r in InboundEmail.objects.all()) == sorted(raws)
    assert folder_contents(dovecot, mailbox, "INBOX") == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_long_running_poller_records_an_error_and_carries_on(dovecot: Dovecot) -> None:
    mailbox = make_mailbox(dovecot)
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password="wrong")
    raw = message(30)
    deliver(dovecot, mailbox, raw)
    stop = threading.Event()
    runner = threading.Thread(target=imap.run_forever, kwargs={"interval": 1, "stop": stop})
    runner.start()
    try:
        _wait_for(lambda: "AUTHENTICATIONFAILED" in Mailbox.objects.get(pk=mailbox.pk).last_error)
        assert runner.is_alive() and not InboundEmail.objects.exists()
        Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=PASSWORD)  # the admin fixes it
        _wait_for(lambda: InboundEmail.objects.filter(mailbox=mailbox).exists())
        _wait_for(lambda: Mailbox.objects.get(pk=mailbox.pk).last_error == "")
    finally:
        stop.set()
        runner.join(timeout=20)
    assert not runner.is_alive()
    assert [bytes(r.raw) for r in InboundEmail.objects.all()] == [raw]
