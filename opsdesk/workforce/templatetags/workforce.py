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
