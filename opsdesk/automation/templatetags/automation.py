"""The ticket page's automation panel: the macros the agent may apply (with a preview first) and the link to what
rules and macros did to the ticket."""

from __future__ import annotations

from typing import Any

from django import template

from opsdesk.automation.access import usable_macros
from opsdesk.automation.models import RuleRun

register = template.Library()


@register.inclusion_tag("automation/partials/ticket_panel.html", takes_context=True)
def automation_panel(context: Any, *, ticket: Any, can_edit: bool) -> dict[str, Any]:
    user = context["request"].user
    macros = list(usable_macros(user).order_by("name", "id").values_list("pk", "name")) if can_edit else []
    return {
        "ticket": ticket,
        "macros": macros,
        "can_apply": can_edit and not ticket.is_closed,
        "runs": RuleRun.objects.filter(ticket_id=ticket.pk).count(),
        "csrf_token": context.get("csrf_token"),
    }
