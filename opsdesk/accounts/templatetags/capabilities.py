"""`{% load capabilities %}{% if user|can:"edit_customers" %}`: templates ask the capability map, never a role."""

from __future__ import annotations

from typing import Any

from django import template

from opsdesk.accounts import capabilities

register = template.Library()


@register.filter(name="can")
def can(user: Any, capability: str) -> bool:
    return capabilities.can(user, capability)
