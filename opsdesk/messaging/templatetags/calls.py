"""Calls on pages: their lengths as people say them, one line per call, and the calls panel of the ticket and
customer pages (with "Log a call" for those who may), scoped by `CallRecord.objects.visible_to`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.messaging.actions.calls import summary
from opsdesk.messaging.models import CallRecord
from opsdesk.tickets.events import duration_text

register = template.Library()
PANEL_CALLS = 10


@register.filter
def call_duration(seconds: int | None) -> str:
    return "—" if seconds is None else duration_text(seconds)


@register.simple_tag
def call_direction(call: CallRecord) -> str:
    number = call.customer_number or "—"
    if call.direction == CallRecord.Direction.INBOUND:
        return _("From %(number)s") % {"number": number}
    return _("To %(number)s") % {"number": number}


@register.simple_tag
def call_summary(call: CallRecord) -> str:
    return summary(call)


@register.inclusion_tag("messaging/partials/calls_panel.html", takes_context=True)
def calls_panel(context: Any, *, ticket: Any = None, customer: Any = None) -> dict[str, Any]:
    """The latest calls of a ticket or a customer the reader may see, and the link to log one."""
    user = context["request"].user
    calls = CallRecord.objects.visible_to(user).select_related("agent")
    if ticket is not None:
        calls, query = calls.filter(ticket=ticket), {"ticket": ticket.pk}
    else:
        calls, query = calls.filter(customer=customer), {"customer": customer.pk}
    return {
        "calls": list(calls.order_by("-offered_at", "-id")[:PANEL_CALLS]),
        "can_log": can(user, Capability.LOG_CALLS),
        "log_query": urlencode(query),
        "show_ticket": ticket is None,
    }
