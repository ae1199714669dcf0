"""The six fixed status categories (METRICS.md §1): the one place they are defined.

Every admin-defined status maps to one of them, and logic reads only the category, never a status name. Models,
querysets, the inbox, the filter language, the API schemas and the templates import these names; nothing else lists
the categories. (The CSS classes `cat-<category>` in core/static style them.)
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


ALL: tuple[str, ...] = tuple(str(value) for value in Category.values)
"""Every category, in the order a ticket moves through them."""

UNSOLVED: tuple[str, ...] = (Category.NEW.value, Category.OPEN.value, Category.PENDING.value, Category.ON_HOLD.value)
"""Waiting for someone: what the inbox's "open" views and the counters show."""

DONE: tuple[str, ...] = (Category.SOLVED.value, Category.CLOSED.value)

UNSOLVED_KEYWORD = "unsolved"
"""Filters accept this word for the four unsolved categories."""

# Customers never see "on hold" (a wait on a third party is the desk's own business): it shows as "open".
_SHOWN_TO_CUSTOMERS = {Category.ON_HOLD.value: Category.OPEN.value}


def for_customer(category: str) -> str:
    """The category a customer is shown in the portal and the API."""
    return _SHOWN_TO_CUSTOMERS.get(category, category)


def label(category: str) -> str:
    """The category's translated name (the value itself when unknown)."""
    try:
        return str(Category(category).label)
    except ValueError:
        return category
