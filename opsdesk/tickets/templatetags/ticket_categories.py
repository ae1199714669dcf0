"""Status category badges, with the labels from `tickets/categories.py` (the one definition of the categories)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from opsdesk.tickets import categories

register = template.Library()


@register.simple_tag
def category_badge(category: str) -> SafeString:
    return format_html('<span class="badge cat-{}">{}</span>', category, categories.label(category))


@register.simple_tag
def customer_category_badge(category: str) -> SafeString:
    """The badge a customer sees: "on hold" shows as "open" (categories.for_customer)."""
    return category_badge(categories.for_customer(category))
