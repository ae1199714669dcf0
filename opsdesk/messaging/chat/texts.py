"""Every text the chat widget shows, translated here (the widget script holds none of its own): the widget asks for
them in the visitor's language with its configuration, so the five catalogues cover the widget too."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WIDGET: dict[str, Promise] = {
    "open": _("Chat with us"),
    "close": _("Close the chat"),
    "title": _("Chat"),
    "name": _("Your name"),
    "email": _("Your email address"),
    "language": _("Language"),
    "message": _("How can we help?"),
    "start": _("Start the chat"),
    "send": pgettext_lazy("chat", "Send"),
    "offline_send": _("Send by email"),
    "composer": _("Your message"),
    "waiting": _("Waiting for an agent…"),
    "unanswered": _(
        "Nobody has answered yet. We have your message and will answer you by email at the address you gave."
    ),
    "joined": _("%(name)s joined the chat."),
    "ended": _("The chat has ended."),
    "typing": _("%(name)s is typing…"),
    "agent": pgettext_lazy("chat author", "Agent"),
    "you": pgettext_lazy("chat author", "You"),
    "end": _("End the chat"),
    "transcript": _("Email me the transcript"),
    "transcript_sent": _("The transcript is on its way to your inbox."),
    "offline_sent": _("Thank you. We have received your message and will answer you by email."),
    "reconnecting": _("Connection lost. Reconnecting…"),
    "error": _("Something went wrong. Please try again."),
    "messages": _("Messages"),
}

ERRORS: dict[str, Promise] = {
    "rate_limited": _("Too many messages. Please wait a moment."),
    "not_found": _("This chat is not available."),
    "origin_not_allowed": _("This website may not use this chat."),
    "method_not_allowed": _("This method is not allowed here."),
    "too_large": _("The message is too long."),
    "invalid_token": _("This chat has expired. Please start a new one."),
    "invalid_json": _("The request could not be read."),
    "invalid_value": _("Enter text."),
}


def text(key: str) -> Promise:
    return ERRORS[key]


def widget_texts() -> dict[str, str]:
    return {key: str(value) for key, value in WIDGET.items()}
