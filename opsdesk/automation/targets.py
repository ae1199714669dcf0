"""What rules reach outside the ticket app: the team's routing (opsdesk.routing), webhooks and Slack or Teams
channels (opsdesk.integrations), by id, for the step vocabulary (automation/steps.py), its forms and its runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError

if TYPE_CHECKING:
    from opsdesk.tickets.models import Ticket, TicketEvent


def webhooks() -> dict[int, Any]:
    return {}


def channels() -> dict[int, Any]:
    return {}


def webhook_name(pk: Any) -> str:
    return str(webhooks().get(pk, "?"))


def channel_name(pk: Any) -> str:
    return str(channels().get(pk, "?"))


def route(ticket: Ticket) -> dict[str, Any]:
    raise ActionError("routing_unavailable", _("Routing is not set up."))


def call_webhook(pk: int, *, ticket: Ticket, event: TicketEvent, key: str) -> int:
    raise ActionError("webhook_missing", _("The webhook no longer exists."))


def post_to_channel(pk: int, *, ticket: Ticket, text: str, event: TicketEvent, key: str) -> int:
    raise ActionError("channel_missing", _("The Slack or Teams channel no longer exists."))
