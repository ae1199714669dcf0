"""Workforce words in templates: an activity or an agent state by its key, in the reader's language."""

from __future__ import annotations

from django import template

from opsdesk.workforce.models import Activity, AgentState

register = template.Library()
_ACTIVITIES = dict(Activity.choices)
_STATES = dict(AgentState.State.choices)


@register.filter
def activity_label(key: str | None) -> str:
    return str(_ACTIVITIES.get(key or "", key or ""))


@register.filter
def agent_state_label(key: str | None) -> str:
    return str(_STATES.get(key or "", key or ""))


@register.filter
def driver_label(key: str) -> str:
    """A labour-cost driver of the variance split (budgeting.DRIVERS)."""
    from django.utils.translation import gettext as _

    return str(
        {
            "volume": _("Volume"),
            "aht": _("Handle time"),
            "occupancy": _("Occupancy"),
            "shrinkage": _("Shrinkage"),
            "rate": _("Rate"),
            "total": _("Labour variance"),
        }.get(key, key)
    )


@register.filter
def lookup_key(mapping: dict, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None
