"""Channel jobs: processing stored inbound email, the sweep that finds messages whose job was lost, and polling the
IMAP mailboxes. Huey discovers only modules named `tasks`, so every channel's jobs live here."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsdesk.messaging import actions
from opsdesk.messaging.email import imap
from opsdesk.messaging.models import InboundEmail

RETRIES = 3


@db_task(retries=RETRIES, retry_delay=30, context=True)
def process_email(inbound_id: int, task: Any = None) -> None:
    """Process one stored message; safe to run twice (a done row is left alone). An error is retried; after the
    last try the message is quarantined, so an admin sees it instead of it being lost."""
    inbound = InboundEmail.objects.filter(pk=inbound_id, state=InboundEmail.State.RECEIVED).first()
    if inbound is None:
        return
    try:
        actions.process_email(inbound)
    except Exception as error:
        if task is not None and task.retries > 0:
            raise
        actions.quarantine_email(inbound, error=f"{type(error).__name__}: {error}")


@db_periodic_task(crontab(minute="*"))
def requeue_stalled_email() -> None:
    """Messages still waiting a few minutes after they arrived lost their job: queue them again."""
    for inbound_id in actions.stalled_email_ids():
        process_email(inbound_id)


@db_periodic_task(crontab(minute="*"))
def poll_mailboxes() -> None:
    """Fetch IMAP mail every minute, for deployments that do not run `opsdesk poll-mail`. A mailbox that the
    long-running poller (or another worker) polled in the last 45 seconds is left alone."""
    imap.poll_due_mailboxes()
