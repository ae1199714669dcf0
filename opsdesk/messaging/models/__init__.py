"""The channels' models, one module per channel (HOUSE_STYLE.md: channels live in `messaging`)."""

from opsdesk.messaging.models.chat import ChatAgent, ChatSession, ChatWidget
from opsdesk.messaging.models.email import InboundEmail, Mailbox

__all__ = ["ChatAgent", "ChatSession", "ChatWidget", "InboundEmail", "Mailbox"]
