"""Every write of the channels: one module per channel, re-exported here so callers import `messaging.actions`."""

from opsdesk.messaging.actions.chat import accept_chat, end_chat, save_chat_widget, start_chat
from opsdesk.messaging.actions.email import receive_email
from opsdesk.messaging.actions.outbox import resend_mail

__all__ = ["accept_chat", "end_chat", "receive_email", "resend_mail", "save_chat_widget", "start_chat"]
