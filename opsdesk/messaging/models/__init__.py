"""The channels' models, one module per channel (HOUSE_STYLE.md: channels live in `messaging`)."""

from opsdesk.messaging.models.chat import ChatAgent, ChatSession, ChatWidget
from opsdesk.messaging.models.email import InboundEmail, Mailbox
from opsdesk.messaging.models.phone import CallRecord, TelephonyProvider
from opsdesk.messaging.models.webforms import WebForm

__all__ = [
    "CallRecord",
    "ChatAgent",
    "ChatSession",
    "ChatWidget",
    "InboundEmail",
    "Mailbox",
    "TelephonyProvider",
    "WebForm",
]
