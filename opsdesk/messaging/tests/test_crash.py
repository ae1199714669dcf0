"""Exactly once, with nothing lost: a real worker process killed with SIGKILL in the middle of processing (after the
ticket and its message were written, before the transaction committed), then the job run again; and the same
message arriving twice, as the same bytes and as other bytes with the same Message-ID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from opsdesk.messaging import actions, tasks
from opsdesk.messaging.models import InboundEmail, Mailbox
from opsdesk.tickets.models import Message, Ticket

ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(__file__).parent / "corpus"

WORKER = """
import sys, time, django
django.setup()
from opsdesk.messaging.actions import email
from opsdesk.messaging.models import InboundEmail
from opsdesk.tickets.models import Ticket

def written_then_stalled(row, state, **kwargs):
    # inside process_email's transaction: the ticket, its message and event are written, the row not yet marked
    print(f"written {Ticket.objects.count()}", flush=True)
    time.sleep(300)

email._finish = written_then_stalled
email.process_email(InboundEmail.objects.get(pk=int(sys.argv[1])))
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"  # the test database is a file (settings: TEST NAME), so another process meets it


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_transaction_leaves_nothing_and_the_rerun_makes_one_ticket(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Mailbox.objects.create(name="Support", address="support@opsdesk.example", team=world.support)
    raw = (CORPUS / "rfc2231_attachments.eml").read_bytes()
    monkeypatch.setattr(tasks, "process_email", lambda *args: None)  # the worker process below processes it
    row, created = actions.receive_email(raw, via="lmtp")  # committed
    monkeypatch.undo()
    env = {**os.environ, "DATABASE_URL": _database_url(), "OPSDESK_MEDIA_DIR": str(tmp_path / "media")}
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(row.pk)], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert worker.stdout is not None
    line = worker.stdout.readline()
    assert line == "written 1\n", line  # the worker sees its own ticket, uncommitted
    os.kill(worker.pid, signal.SIGKILL)
    assert worker.wait(timeout=60) == -signal.SIGKILL
    worker.stdout.close()

    row.refresh_from_db()
    assert (row.state, row.attempts, row.ticket_id) == ("received", 0, None)
    assert (Ticket.objects.count(), Message.objects.count()) == (0, 0)

    tasks.process_email.call_local(row.pk)  # the retry (or the sweep) runs it again
    tasks.process_email.call_local(row.pk)  # and once more: a done row is left alone
    row.refresh_from_db()
    assert (row.state, row.attempts, row.thread_reason) == ("processed", 1, "new")
    ticket = Ticket.objects.get()
    message = Message.objects.get()
    assert (row.ticket_id, row.comment_id, message.ticket_id) == (ticket.pk, message.pk, ticket.pk)
    assert message.attachments.count() == 3

    again, created_again = actions.receive_email(raw, via="imap")  # the same bytes by another way
    other = b"Received: from backup-mx.opsdesk.example\r\n" + raw  # the same Message-ID, other bytes
    copy, created_copy = actions.receive_email(other, via="imap")
    assert (created, created_again, again.pk, created_copy) == (True, False, row.pk, True)
    tasks.process_email.call_local(copy.pk)
    copy.refresh_from_db()
    assert (copy.state, copy.reason, copy.ticket_id) == ("ignored", "duplicate", ticket.pk)
    assert (Ticket.objects.count(), Message.objects.count()) == (1, 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_with_two_copies_at_once_make_one_ticket(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two copies of one message (same Message-ID and sender, other bytes) processed at the same moment by two
    workers: the copies' rows are locked together, so the second waits and finds the first one's ticket."""
    import threading
    import time

    from django.db import connections

    from opsdesk.messaging.actions import email

    raw = (CORPUS / "multipart_alternative.eml").read_bytes()
    monkeypatch.setattr(tasks, "process_email", lambda *args: None)
    rows = [actions.receive_email(prefix + raw, via="imap")[0] for prefix in (b"", b"X-Copy: 2\r\n")]
    slow_find = email.find_ticket

    def find_slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # a wide window in which the other worker would open its own ticket
        return slow_find(*args, **kwargs)

    monkeypatch.setattr(email, "find_ticket", find_slowly)
    errors: list[BaseException] = []

    def work(pk: int) -> None:
        try:
            actions.process_email(InboundEmail.objects.get(pk=pk))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(row.pk,)) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    outcomes = sorted(InboundEmail.objects.values_list("state", "reason"))
    assert outcomes == [("ignored", "duplicate"), ("processed", "")]
    assert (Ticket.objects.count(), Message.objects.count()) == (1, 1)
