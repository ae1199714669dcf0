"""The durable outbox against a real SMTP server (aiosmtpd): retries, the sweep, a killed worker, Message-IDs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail as django_mail
from django.db import connection, transaction
from django.utils import timezone

from opsdesk.core import outbox, tasks
from opsdesk.core.errors import ActionError
from opsdesk.core.models import OutgoingMail, OutgoingMailFile
from opsdesk.core.tests.jobs import run_due_jobs

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
BUSY = "451 4.3.0 Try again later"


def queue(**kwargs: Any) -> OutgoingMail:
    fields: dict[str, Any] = {
        "kind": "test.hello",
        "to": ["Carl@Acme.example "],
        "language": "en",
        "subject": "Hello\n  there",
        "body_text": "Hi Carl",
        "body_html": "<p>Hi Carl</p>",
    }
    with transaction.atomic():
        return outbox.queue_mail(**{**fields, **kwargs})


def row(mail: OutgoingMail) -> tuple[str, int, str]:
    mail.refresh_from_db()
    return mail.state, mail.attempts, mail.last_error


def text(message: Any, subtype: str) -> str:
    return str(message.get_body((subtype,)).get_content()).replace("\r\n", "\n").strip()


def later(**delta: float) -> Any:
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def test_a_mail_is_a_row_sent_after_commit_with_our_message_id(
    smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail = queue(headers={"Auto-Submitted": "auto-generated"})
    assert (mail.recipients, mail.subject, mail.state, mail.attempts) == (
        ["carl@acme.example"],
        "Hello there",
        "queued",
        0,
    )
    assert smtp_server.received == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    [received] = smtp_server.received
    assert (str(received["To"]), str(received["Subject"]), str(received["Message-ID"]).strip()) == (
        "carl@acme.example",
        "Hello there",
        mail.message_id,
    )
    assert str(received["Auto-Submitted"]) == "auto-generated"
    # when it was written, with a real offset (found in the click-through: "-0000", a zone unknown)
    assert received["Date"].datetime == mail.created_at.replace(microsecond=0)
    assert str(received["Date"]).endswith("+0000")
    assert (text(received, "plain"), text(received, "html")) == ("Hi Carl", "<p>Hi Carl</p>")
    mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.last_error, mail.next_attempt_at) == ("sent", 1, "", None)
    assert mail.sent_at is not None


def test_a_rolled_back_change_leaves_no_mail_and_no_job(
    smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        outbox.queue_mail(kind="test.hello", to=["a@b.example"], language="en", subject="S", body_text="B")
        _ = 1 / 0
    assert (OutgoingMail.objects.count(), callbacks, smtp_server.attempts) == (0, [], 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_queue_mail_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        outbox.queue_mail(kind="test.hello", to=["a@b.example"], language="en", subject="S", body_text="B")


def test_refused_once_then_accepted_delivers_exactly_once(
    smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_server.refusals = [BUSY]
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        mail = queue()
    assert row(mail) == ("queued", 1, BUSY)
    assert mail.next_attempt_at == start + timedelta(seconds=30)
    with later(seconds=29):
        assert (run_due_jobs(), outbox.sweep()) == (0, 0)  # not before its time
    with later(seconds=31):
        assert run_due_jobs() == 1  # the retry huey held for 30 s
        assert outbox.sweep() == 0
    with later(hours=3):
        assert outbox.sweep() == 0
    assert (smtp_server.attempts, smtp_server.message_ids()) == (2, [mail.message_id])
    assert row(mail) == ("sent", 2, "")


def test_the_sweep_sends_a_mail_whose_job_was_lost(smtp_server: Any) -> None:
    mail = queue()  # the test's transaction never commits, so the mail's own job never runs: as if it were lost
    with later(seconds=119):
        tasks.minutely.call_local()
    assert smtp_server.received == []  # the job has two minutes before the sweep steps in
    with later(seconds=121):
        tasks.minutely.call_local()
        tasks.minutely.call_local()  # the second sweep finds nothing due
    assert smtp_server.message_ids() == [mail.message_id]
    assert row(mail) == ("sent", 1, "")


def test_two_jobs_for_the_same_attempt_send_once(smtp_server: Any) -> None:
    mail = queue()
    tasks.deliver_mail.call_local(mail.pk, 0)
    tasks.deliver_mail.call_local(mail.pk, 0)  # the mail's own job and the sweep's, both for attempt 0
    tasks.deliver_mail.call_local(mail.pk, 1)  # and one that comes after it was sent
    assert smtp_server.message_ids() == [mail.message_id]


def test_a_permanent_refusal_fails_at_once(smtp_server: Any, django_capture_on_commit_callbacks: Any) -> None:
    smtp_server.refusals = ["550 5.7.1 Relaying denied"]
    with django_capture_on_commit_callbacks(execute=True):
        mail = queue()
    assert row(mail) == ("failed", 1, "550 5.7.1 Relaying denied")
    assert mail.next_attempt_at is None
    with later(days=1):
        assert (outbox.sweep(), run_due_jobs()) == (0, 0)


def test_an_unreachable_server_is_retried_with_backoff_then_given_up(settings: Any, db: None) -> None:
    from opsdesk.core.tests.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2  # nobody listens
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        mail = queue()
        tasks.deliver_mail.call_local(mail.pk, 0)
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        mail.refresh_from_db()
        assert mail.next_attempt_at is not None
        waits.append(int((mail.next_attempt_at - now).total_seconds()))
        now = mail.next_attempt_at
        with time_machine.travel(now, tick=False):
            outbox.sweep()
    assert waits == [30, 120, 480, 1920, 3600]
    state, attempts, error = row(mail)
    assert (state, attempts, mail.next_attempt_at) == ("failed", 6, None)
    assert error.startswith("ConnectionRefusedError: ")


class WorkerKilled(BaseException):
    """What a SIGKILL does to the worker, as far as the database can tell: nothing after this point commits."""


def test_a_worker_killed_after_the_accept_sends_again_with_the_same_message_id(
    smtp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(mail: OutgoingMail) -> None:
        raise WorkerKilled

    mail = queue()
    monkeypatch.setattr(outbox, "_record_sent", killed)
    start = timezone.now()
    with time_machine.travel(start, tick=False), pytest.raises(WorkerKilled):
        outbox.deliver(mail.pk, 0)
    monkeypatch.undo()
    assert row(mail) == ("queued", 1, "")  # the claim committed, "sent" did not
    assert mail.next_attempt_at == start + outbox.LEASE
    with later(minutes=4):
        assert outbox.sweep() == 0  # no second copy while the claim may still be sending
    with later(minutes=6):
        assert outbox.sweep() == 1
    assert smtp_server.message_ids() == [mail.message_id, mail.message_id]  # at least once; clients de-duplicate
    assert row(mail) == ("sent", 2, "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_killed_between_accept_and_commit(smtp_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "deliver_mail", lambda *args: None)  # the worker process below delivers it
    mail = queue()
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:  # the test database is a file (settings: TEST NAME), so another process meets it
        url = f"sqlite:///{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OPSDESK_SMTP_HOST": "127.0.0.1",
        "OPSDESK_SMTP_PORT": str(smtp_server.port),
    }
    code = "import django, sys; django.setup(); from opsdesk.core import outbox; outbox.deliver(int(sys.argv[1]), 0)"
    worker = subprocess.Popen([sys.executable, "-c", code, str(mail.pk)], env=env, cwd=ROOT)
    # Django's SMTP backend says QUIT after the server accepted the message and waits for the answer: kill it there.
    smtp_server.on_quit = lambda: os.kill(worker.pid, signal.SIGKILL)
    assert worker.wait(timeout=60) == -signal.SIGKILL
    assert smtp_server.message_ids() == [mail.message_id]
    assert row(mail)[:2] == ("queued", 1)
    monkeypatch.undo()
    smtp_server.on_quit = None
    with later(minutes=6):
        assert outbox.sweep() == 1
    assert smtp_server.message_ids() == [mail.message_id, mail.message_id]
    assert row(mail) == ("sent", 2, "")


def test_a_mail_past_its_use_is_not_sent(smtp_server: Any) -> None:
    mail = queue(discard_after=timezone.now() + timedelta(minutes=30))
    smtp_server.refusals = [BUSY]
    tasks.deliver_mail.call_local(mail.pk, 0)
    with later(minutes=31):
        assert outbox.sweep() == 1
    assert row(mail) == ("failed", 1, "Expired before it could be delivered.")
    assert smtp_server.received == []
    with later(minutes=31), pytest.raises(ActionError) as refused:
        outbox.requeue(mail)
    assert refused.value.code == "mail_expired"


def test_a_failed_mail_can_be_queued_again(smtp_server: Any, django_capture_on_commit_callbacks: Any) -> None:
    smtp_server.refusals = ["554 5.0.0 No"]
    with django_capture_on_commit_callbacks(execute=True):
        mail = queue()
    assert row(mail)[0] == "failed"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox.requeue(mail)
    assert smtp_server.message_ids() == [mail.message_id]
    assert row(mail) == ("sent", 1, "")
    with pytest.raises(ActionError) as refused:
        outbox.requeue(mail)
    assert refused.value.code == "mail_not_failed"


def test_a_secret_is_filled_in_at_send_time_and_never_stored(smtp_server: Any) -> None:
    mail = queue(body_text=f"Open /x/{outbox.SECRET_PLACEHOLDER}/", body_html="", has_secret=True)
    secret = outbox.mail_secret(mail)
    assert len(secret) == 43
    tasks.deliver_mail.call_local(mail.pk, 0)
    assert text(smtp_server.received[0], "plain") == f"Open /x/{secret}/"
    stored = str(list(OutgoingMail.objects.values_list()))
    assert secret not in stored
    assert outbox.SECRET_PLACEHOLDER in stored


def test_a_file_made_for_a_mail_is_stored_with_it_and_attached_when_sent(
    smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    spreadsheet = b"PK\x03\x04 not really a spreadsheet"
    with django_capture_on_commit_callbacks(execute=True):
        mail = queue(files=[("report.xlsx", spreadsheet, "application/vnd.ms-excel")])
    assert mail.file_count == 1
    assert list(OutgoingMailFile.objects.values_list("mail_id", "filename", "content_type")) == [
        (mail.pk, "report.xlsx", "application/vnd.ms-excel")
    ]
    [received] = smtp_server.received
    [attached] = list(received.iter_attachments())
    assert (attached.get_filename(), attached.get_content_type(), attached.get_content()) == (
        "report.xlsx",
        "application/vnd.ms-excel",
        spreadsheet,
    )
    assert row(mail)[0] == "sent"
    OutgoingMail.objects.filter(pk=mail.pk).delete()
    assert not OutgoingMailFile.objects.exists()  # the file goes with its mail


def test_a_rolled_back_change_leaves_no_file_and_files_have_a_size_limit(db: None) -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.queue_mail(
            kind="t", to=["a@b.example"], language="en", subject="S", body_text="B", files=[("a.bin", b"1", "x/y")]
        )
        _ = 1 / 0
    assert (OutgoingMail.objects.count(), OutgoingMailFile.objects.count()) == (0, 0)
    too_big = [("a.bin", b"1" * (outbox.MAX_FILE_BYTES + 1), "x/y")]
    with pytest.raises(ValueError, match="10 MB"):
        queue(files=too_big)
    assert OutgoingMail.objects.count() == 0


def test_message_ids_name_the_ticket_and_are_signed(settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "OpsDesk <help@desk.example>"
    ours = outbox.make_message_id(42)
    assert ours.startswith("<t42.") and ours.endswith("@desk.example>")
    assert outbox.parse_message_id(ours) == outbox.OurMessageId(ticket_id=42)
    assert outbox.parse_message_id(f"  {ours}\n") == outbox.OurMessageId(ticket_id=42)
    assert outbox.parse_message_id(outbox.make_message_id(None)) == outbox.OurMessageId(ticket_id=None)
    assert outbox.parse_message_id(ours.replace("<t42.", "<t43.")) is None  # another ticket: the signature breaks
    assert outbox.parse_message_id("<CAF=abc@mail.example>") is None
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert outbox.parse_message_id(ours) == outbox.OurMessageId(ticket_id=42)  # a rotated key keeps threads
    settings.SECRET_KEY_FALLBACKS = []
    assert outbox.parse_message_id(ours) is None


def test_a_tickets_mail_threads_on_its_previous_mail_to_the_same_people(db: None) -> None:
    first = queue(ticket_id=7)
    other = queue(ticket_id=7, to=["agent@example.com"])
    second = queue(ticket_id=7)
    third = queue(ticket_id=7)
    unrelated = queue(ticket_id=8)
    assert first.headers == {} and other.headers == {} and unrelated.headers == {}
    assert second.headers == {"In-Reply-To": first.message_id, "References": first.message_id}
    assert third.headers == {
        "In-Reply-To": second.message_id,
        "References": f"{first.message_id} {second.message_id}",
    }
    chain = [first, second, third] + [queue(ticket_id=7) for _ in range(10)]
    references = chain[-1].headers["References"].split()
    assert references == [first.message_id] + [m.message_id for m in chain[-10:-1]]  # the first and the latest nine


def test_health_shows_the_outbox_backlog(client: Any, smtp_server: Any) -> None:
    queue()
    smtp_server.refusals = ["550 5.1.1 No such user"]
    tasks.deliver_mail.call_local(queue().pk, 0)
    assert client.get("/health/").json()["mail"] == {"overdue": 0, "failed_last_day": 1}
    with later(minutes=8):
        assert client.get("/health/").json()["mail"] == {"overdue": 1, "failed_last_day": 1}


def test_the_locmem_backend_sees_the_same_mail(django_capture_on_commit_callbacks: Any) -> None:
    """The test suite's default backend: every other test reads mail from django.core.mail.outbox."""
    with django_capture_on_commit_callbacks(execute=True):
        mail = queue()
    assert [(m.to, m.subject, m.extra_headers["Message-ID"]) for m in django_mail.outbox] == [
        (["carl@acme.example"], "Hello there", mail.message_id)
    ]
