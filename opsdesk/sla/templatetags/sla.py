"""SLA on the ticket pages, for templates of other apps (tickets never imports sla): the agent's SLA panel, the
inbox's "next due" badge, the customer's "we aim to reply by", and the words and script of the live countdown.

State is written in words as well as colour; times are exact in the reader's time zone on hover or beside, and
the remaining time counts on in the browser (static/sla/countdown.js) with the same words as here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils import formats, timezone
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from opsdesk.sla import status
from opsdesk.sla.durations import spoken_duration, spoken_words
from opsdesk.tickets.models import TicketEvent

register = template.Library()

SOON_SECONDS = 3600
NOTHING_DUE = SafeString('<span class="muted">—</span>')  # the inbox shows a clock due within the hour in amber

STATES = {
    status.RUNNING: gettext_lazy("Running"),
    status.PAUSED: gettext_lazy("Paused"),
    status.ACHIEVED: gettext_lazy("Achieved"),
    status.BREACHED: gettext_lazy("Breached"),
    status.CANCELLED: gettext_lazy("Cancelled"),
}


def relative(due: datetime, now: datetime) -> str:
    """'35 min left' or 'overdue by 12 min'."""
    words = spoken_words()
    left = (due - now).total_seconds()
    if left >= 0:
        return words["left"] % {"time": spoken_duration(left, words)}
    return words["overdue"] % {"time": spoken_duration(-left, words)}


def urgency(due: datetime, now: datetime) -> str:
    """The CSS class of a due time: overdue (red), soon (amber, within the hour) or nothing."""
    left = (due - now).total_seconds()
    return "sla-overdue" if left < 0 else "sla-soon" if left <= SOON_SECONDS else ""


def exact(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@register.simple_tag
def sla_script() -> SafeString:
    """The countdown's words (JSON, never executed) and its script: once per page that shows due times."""
    return format_html(
        '{}<script src="{}" defer></script>',
        json_script(spoken_words(), "sla-words"),
        static("sla/countdown.js"),
    )


@register.simple_tag
def sla_due(ticket: Any) -> SafeString:
    """The inbox cell: the ticket's next SLA due time, relative, exact on hover; '—' when nothing counts."""
    due = ticket.sla_deadline_at
    if due is None:
        return NOTHING_DUE
    now = timezone.now()
    return format_html(
        '<time class="sla-due {}" datetime="{}" title="{}" data-sla-due="{}">{}</time>',
        urgency(due, now),
        due.isoformat(),
        exact(due),
        due.isoformat(),
        relative(due, now),
    )


@register.inclusion_tag("sla/partials/sla_panel.html", takes_context=True)
def sla_panel(context: Any, ticket: Any, events: Any) -> dict[str, Any]:
    """The ticket page's SLA panel, from the events the page already read."""
    now = timezone.now()
    found = status.clocks_for(ticket.pk, events, now=now)
    rows = []
    for clock in found.clocks if found else []:
        rows.append(
            {
                "clock": clock,
                "state": STATES[clock.state],
                "due": clock.due_at,
                "relative": relative(clock.due_at, now) if clock.counting and clock.due_at else "",
                "urgency": urgency(clock.due_at, now) if clock.counting and clock.due_at else "",
                "left": spoken_duration(clock.left_seconds) if clock.left_seconds is not None else "",
            }
        )
    return {"status": found, "rows": rows, "ticket": ticket}


@register.inclusion_tag("sla/partials/reply_promise.html")
def sla_reply_promise(ticket: Any) -> dict[str, Any]:
    """The customer's line: when we aim to reply, while a reply clock counts on time (one query: the events)."""
    if ticket.sla_deadline_at is None:
        return {"due": None, "late": False}  # nothing counting: no need to replay
    events = (
        TicketEvent.objects.filter(ticket_id=ticket.pk).order_by("at", "id").only("ticket_id", "kind", "at", "data")
    )
    due, late = status.reply_due(status.clocks_for(ticket.pk, events, now=timezone.now()))
    return {"due": due, "late": late}
