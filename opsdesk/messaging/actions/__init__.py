"""Every write of the channels: one module per channel, re-exported here so callers import `messaging.actions`."""

from opsdesk.messaging.actions.calls import find_customer, log_call, receive_call
from opsdesk.messaging.actions.chat import accept_chat, end_chat, save_chat_widget, start_chat
from opsdesk.messaging.actions.email import (
    TOO_LARGE,
    discard_email,
    process_email,
    quarantine_email,
    quarantine_too_large,
    receive_email,
    retry_email,
    stalled_email_ids,
)
from opsdesk.messaging.actions.mailboxes import (
    claim_poll,
    create_mailbox,
    record_poll,
    set_mailbox_active,
    update_mailbox,
)
from opsdesk.messaging.actions.outbox import resend_mail
from opsdesk.messaging.actions.telephony import create_provider, rotate_provider_secret, set_provider_active
from opsdesk.messaging.actions.webforms import save_webform, submit_webform

__all__ = [
    "TOO_LARGE",
    "accept_chat",
    "claim_poll",
    "create_mailbox",
    "create_provider",
    "discard_email",
    "end_chat",
    "find_customer",
    "log_call",
    "process_email",
    "quarantine_email",
    "quarantine_too_large",
    "receive_call",
    "receive_email",
    "record_poll",
    "resend_mail",
    "retry_email",
    "rotate_provider_secret",
    "save_chat_widget",
    "save_webform",
    "set_mailbox_active",
    "set_provider_active",
    "stalled_email_ids",
    "start_chat",
    "submit_webform",
    "update_mailbox",
]
