"""Every write of the channels: one module per channel, re-exported here so callers import `messaging.actions`."""

from opsdesk.messaging.actions.chat import accept_chat, end_chat, save_chat_widget, start_chat
from opsdesk.messaging.actions.email import (
    discard_email,
    process_email,
    quarantine_email,
    receive_email,
    retry_email,
    stalled_email_ids,
)
from opsdesk.messaging.actions.outbox import resend_mail

__all__ = [
    "accept_chat",
    "discard_email",
    "end_chat",
    "process_email",
    "quarantine_email",
    "receive_email",
    "resend_mail",
    "retry_email",
    "save_chat_widget",
    "stalled_email_ids",
    "start_chat",
]
