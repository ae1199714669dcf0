"""Template tags for ticket events: the timeline sentence comes from the event registry."""

from __future__ import annotations

from typing import Any

from django import template

from opsdesk.tickets import events

register = template.Library()


@register.simple_tag
def event_text(event: Any, names: dict[str, dict[Any, Any]]) -> str:
    """One translated sentence for a timeline row."""
    return events.render(event.kind, event.data, names)


@register.simple_tag
def event_source(event: Any) -> str:
    """Where the change came from, when it tells the reader something: not for the agent page, the system or an
    import (every demo event is one)."""
    return "" if event.source in ("ui", "system", "import") else events.source_label(event.source)
