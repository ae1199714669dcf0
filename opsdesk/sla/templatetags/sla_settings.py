"""Durations on the SLA settings pages, in the notation the forms read ("1d 4h")."""

from __future__ import annotations

from django import template

from opsdesk.sla.durations import format_duration

register = template.Library()


@register.filter
def sla_duration(seconds: int | None) -> str:
    return "—" if seconds is None else format_duration(seconds)
