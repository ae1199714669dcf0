"""Ticket notifications through the outbox, delivered to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from opsdesk.core import tasks as core_tasks
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
