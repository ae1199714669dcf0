"""Placeholders in the texts rules and macros write (replies, notes, notifications, chat posts): `{{ticket.number}}`,
`{{requester.first_name}}`, … replaced by the ticket's values, in the ticket's language. Plain substitution, never a
template engine: a manager's text cannot run code or read anything but the values listed here."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opsdesk.core.site import absolute_url
from opsdesk.core.translations import default_language

if TYPE_CHECKING:
    from opsdesk.tickets.models import Ticket

PATTERN = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
MAX_TEXT_CHARS = 10_000


def _first_name(ticket: Ticket) -> str:
    name = (ticket.requester.name or "").strip()
    return name.split()[0] if name else ""


VALUES: dict[str, tuple[str | Promise, Callable[[Ticket], str]]] = {
    "ticket.number": (_("The ticket's number"), lambda t: str(t.pk)),
    "ticket.subject": (_("Its subject"), lambda t: t.subject),
    "ticket.status": (_("Its status"), lambda t: str(t.status.display_name)),
    "ticket.priority": (_("Its priority"), lambda t: str(t.get_priority_display())),
    "ticket.url": (_("The ticket's address for staff"), lambda t: absolute_url(t.get_absolute_url())),
    "ticket.portal_url": (
        _("The request's address in the portal"),
        lambda t: absolute_url(t.get_portal_url()),
    ),
    "requester.name": (_("The customer's name"), lambda t: t.requester.name),
    "requester.first_name": (_("The customer's first name"), _first_name),
    "requester.email": (_("The customer's email address"), lambda t: t.requester.primary_email or ""),
    "assignee.name": (_("The assignee's name"), lambda t: t.assignee.name if t.assignee else ""),
    "team.name": (_("The team's name"), lambda t: str(t.team.display_name) if t.team else ""),
    "organization.name": (_("The customer's organization"), lambda t: t.organization.name if t.organization else ""),
}


def unknown(text: str) -> list[str]:
    """The placeholders in `text` that are not in VALUES."""
    return sorted({name for name in PATTERN.findall(text) if name not in VALUES})


def render(text: str, ticket: Ticket) -> str:
    """`text` with its placeholders replaced, names and labels in the ticket's language."""
    with translation.override(ticket.language or default_language()):
        return PATTERN.sub(lambda m: VALUES[m.group(1)][1](ticket) if m.group(1) in VALUES else m.group(0), text)


def pick(texts: Mapping[str, str], language: str) -> str:
    """The text in `language`, else in the default language."""
    return texts.get(language) or texts.get(default_language()) or ""
