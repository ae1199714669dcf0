"""`opsdesk ingest-email`, `opsdesk poll-mail --once` and `opsdesk receive-mail`'s refusals."""

from __future__ import annotations

import io
import mailbox
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opsdesk.messaging.models import InboundEmail, Mailbox
from opsdesk.messaging.tests.dovecot import Dovecot
from opsdesk.messaging.tests.test_imap import deliver, folder_contents, make_mailbox, message


def raw(n: int) -> bytes:
    headers = f"From: c{n}@example.org\nTo: support@opsdesk.example\nSubject: S{n}\nMessage-ID: <i{n}@x>\n"
    return f"{headers}\nBody {n}\n".encode()


def run(*args: str, stdin: bytes | None = None, monkeypatch: Any = None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_ingest_from_stdin_stores_once_and_names_the_row(monkeypatch: Any) -> None:
    support = Mailbox.objects.create(name="Support", address="support@opsdesk.example")
    out = run("ingest_email", "--mailbox", "Support@opsdesk.example", stdin=raw(1), monkeypatch=monkeypatch)
    row = InboundEmail.objects.get()
    assert out == f"1 stored new, 0 already there (inbound email {row.pk}).\n"
    assert (bytes(row.raw), row.via, row.mailbox_id) == (raw(1), "command", support.pk)
    again = run("ingest_email", stdin=raw(1), monkeypatch=monkeypatch)
    assert again == f"0 stored new, 1 already there (inbound email {row.pk}).\n"


@pytest.mark.django_db
def test_ingest_refuses_clearly_and_stores_nothing(monkeypatch: Any, settings: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^The message is empty\. Nothing stored\.$"):
        run("ingest_email", stdin=b"", monkeypatch=monkeypatch)
    settings.OPSDESK_MAX_EMAIL_BYTES = 20
    with pytest.raises(CommandError, match=r"larger than OPSDESK_MAX_EMAIL_BYTES \(20 bytes\); nothing stored"):
        run("ingest_email", stdin=raw(2), monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match=r"^No mailbox has the address sales@x\.example\.$"):
        run("ingest_email", "--mailbox", "sales@x.example", stdin=raw(2), monkeypatch=monkeypatch)
    missing = tmp_path / "missing"
    with pytest.raises(CommandError, match=rf"^Cannot read {missing}: no such file or directory\. 0 stored"):
        run("ingest_email", "--maildir", str(missing))
    with pytest.raises(CommandError, match=r"not a Maildir \(it needs cur/ and new/\)"):
        run("ingest_email", "--maildir", str(tmp_path))
    with pytest.raises(CommandError, match=r"a directory, not an mbox file"):
        run("ingest_email", "--mbox", str(tmp_path))
    assert InboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_ingest_a_maildir_and_an_mbox_counting_new_and_known(tmp_path: Path, settings: Any) -> None:
    folder = mailbox.Maildir(tmp_path / "Maildir", create=True)
    for n in (1, 2):
        folder.add(raw(n))
    out = run("ingest_email", "--maildir", str(tmp_path / "Maildir"))
    assert out == "2 stored new, 0 already there.\n"
    box = mailbox.mbox(tmp_path / "archive.mbox", create=True)
    for n in (2, 3):
        box.add(raw(n))
    box.flush()
    assert run("ingest_email", "--mbox", str(tmp_path / "archive.mbox")) == "1 stored new, 1 already there.\n"
    assert sorted(bytes(r.raw) for r in InboundEmail.objects.all()) == [raw(1), raw(2), raw(3)]
    settings.OPSDESK_MAX_EMAIL_BYTES = 150
    box.add(raw(4) + b"x" * 200)
    box.flush()
    with pytest.raises(CommandError, match=r"^1 not stored: message 3: The message is larger than 0 MB\.$"):
        run("ingest_email", "--mbox", str(tmp_path / "archive.mbox"))
    assert InboundEmail.objects.count() == 3


@pytest.mark.django_db
def test_poll_mail_once_reports_each_mailbox_and_fails_if_one_failed(dovecot: Dovecot) -> None:
    good = make_mailbox(dovecot)
    deliver(dovecot, good, message(1), message(2))
    assert run("poll_mail", "--once") == f"{good.address}: 2 stored new, 0 already there\n"
    assert folder_contents(dovecot, good, "INBOX") == []
    bad = make_mailbox(dovecot)
    Mailbox.objects.filter(pk=bad.pk).update(imap_password="wrong")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 mailbox\(es\) failed"):
        call_command("poll_mail", "--once", stdout=out)
    assert f"{bad.address}: 0 stored new, 0 already there; error: The IMAP server answered: " in out.getvalue()
    with pytest.raises(CommandError, match=r"^No active mailbox with an IMAP server has the address x@y\.z\.$"):
        run("poll_mail", "--once", "--mailbox", "x@y.z")


def test_receive_mail_refuses_a_bad_port() -> None:
    with pytest.raises(CommandError, match=r"^--port must be between 1 and 65535\.$"):
        run("receive_mail", "--port", "70000")


@pytest.mark.django_db
def test_ingest_with_process_turns_the_messages_into_tickets_here_and_now(world: Any, tmp_path: Path) -> None:
    from opsdesk.tickets.models import Ticket

    support = Mailbox.objects.create(name="Support", address="support@opsdesk.example", team=world.support)
    folder = mailbox.Maildir(tmp_path / "Maildir", create=True)
    for n in (1, 2):
        folder.add(raw(n))
    out = run("ingest_email", "--maildir", str(tmp_path / "Maildir"), "--mailbox", support.address, "--process")
    assert out == "2 stored new, 0 already there.\nProcessed: 2 processed.\n"
    rows = list(InboundEmail.objects.order_by("pk"))
    assert [(r.state, r.ticket.subject if r.ticket else None) for r in rows] == [
        ("processed", "S1"),
        ("processed", "S2"),
    ]
    assert Ticket.objects.filter(mailbox=support).count() == 2
    again = run("ingest_email", "--maildir", str(tmp_path / "Maildir"), "--process")
    assert again == "0 stored new, 2 already there.\nProcessed: 2 processed.\n"  # done rows are left as they are
    assert Ticket.objects.filter(mailbox=support).count() == 2
