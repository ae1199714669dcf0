"""Every write of the channels: one module per channel, re-exported here so callers import `messaging.actions`."""

from opsdesk.messaging.actions.email import receive_email
from opsdesk.messaging.actions.outbox import resend_mail

__all__ = ["receive_email", "resend_mail"]
