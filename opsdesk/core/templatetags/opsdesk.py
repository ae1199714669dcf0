"""Presentation helpers: status and priority badges, translated default status names, timeline sentences."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

# Statuses are admin-defined rows; the ones OpsDesk ships with are translated by name.
DEFAULT_STATUS_NAMES = {
    "New": gettext_lazy("New"),
    "Open": gettext_lazy("Open"),
    "Pending": gettext_lazy("Pending"),
    "On hold": gettext_lazy("On hold"),
    "Solved": gettext_lazy("Solved"),
    "Closed": gettext_lazy("Closed"),
    "Waiting for third party": gettext_lazy("Waiting for third party"),
}
CATEGORY_LABELS = {
    "new": gettext_lazy("New"),
    "open": gettext_lazy("Open"),
    "pending": gettext_lazy("Pending"),
    "on_hold": gettext_lazy("On hold"),
    "solved": gettext_lazy("Solved"),
    "closed": gettext_lazy("Closed"),
}


PRIORITY_LABELS = {
    "low": gettext_lazy("Low"),
    "normal": gettext_lazy("Normal"),
    "high": gettext_lazy("High"),
    "urgent": gettext_lazy("Urgent"),
}

CUSTOMER_EVENTS = {
    "customer.created": gettext_lazy("Customer created"),
    "customer.updated": gettext_lazy("Details changed"),
    "customer.imported": gettext_lazy("Imported from a CSV file"),
    "customer.merged": gettext_lazy("Customers merged"),
    "note.added": gettext_lazy("Note added"),
}


@register.filter
def customer_event(kind: str) -> str:
    return str(CUSTOMER_EVENTS.get(kind, kind))


@register.filter
def status_label(status: Any) -> str:
    name = getattr(status, "name", str(status))
    return str(DEFAULT_STATUS_NAMES.get(name, name))


@register.simple_tag
def status_badge(status: Any) -> SafeString:
    # Plain escaping, not format_html: this runs for every row of every list.
    return mark_safe(f'<span class="badge cat-{escape(status.category)}">{escape(status_label(status))}</span>')  # noqa: S308


@register.simple_tag
def category_badge(category: str) -> SafeString:
    return format_html('<span class="badge cat-{}">{}</span>', category, CATEGORY_LABELS.get(category, category))


@register.simple_tag
def priority_text(ticket: Any) -> SafeString:
    label = PRIORITY_LABELS.get(ticket.priority, ticket.priority)
    return mark_safe(f'<span class="prio-{escape(ticket.priority)}">{escape(label)}</span>')  # noqa: S308


def _choice(choices: dict[Any, Any], value: Any) -> str:
    return str(choices.get(value, value))


def _name(names: dict[str, dict[Any, Any]], kind: str, pk: Any) -> str:
    if pk is None:
        return _("nobody") if kind == "user" else _("none")
    return names.get(kind, {}).get(int(pk), f"#{pk}")


@register.simple_tag
def event_text(event: Any, names: dict[str, dict[Any, Any]]) -> str:
    """One translated sentence for a timeline row."""
    data = event.data or {}
    kind = event.kind
    if kind == "ticket.created":
        return _("Ticket created via %(channel)s") % {"channel": _choice(names.get("channel", {}), data.get("channel"))}
    if kind == "comment.added":
        if data.get("visibility") == "internal":
            return _("Internal note added")
        if data.get("author_role") == "end_user":
            return _("Customer wrote")
        return _("Public reply sent")
    if kind == "status.changed":
        return _("Status: %(old)s → %(new)s") % {
            "old": _name(names, "status", data.get("from_status")),
            "new": _name(names, "status", data.get("to_status")),
        }
    if kind == "assignee.changed":
        return _("Assignee: %(old)s → %(new)s") % {
            "old": _name(names, "user", data.get("old")),
            "new": _name(names, "user", data.get("new")),
        }
    if kind == "group.changed":
        return _("Team: %(old)s → %(new)s") % {
            "old": _name(names, "team", data.get("old")),
            "new": _name(names, "team", data.get("new")),
        }
    if kind == "priority.changed":
        return _("Priority: %(old)s → %(new)s") % {
            "old": _choice(names.get("priority", {}), data.get("old")),
            "new": _choice(names.get("priority", {}), data.get("new")),
        }
    if kind == "type.changed":
        return _("Type: %(old)s → %(new)s") % {
            "old": _choice(names.get("type", {}), data.get("old")),
            "new": _choice(names.get("type", {}), data.get("new")),
        }
    if kind == "tags.changed":
        added = sorted(set(data.get("new", [])) - set(data.get("old", [])))
        removed = sorted(set(data.get("old", [])) - set(data.get("new", [])))
        parts = []
        if added:
            parts.append(_("tags added: %(tags)s") % {"tags": ", ".join(added)})
        if removed:
            parts.append(_("tags removed: %(tags)s") % {"tags": ", ".join(removed)})
        return "; ".join(parts) or _("Tags changed")
    if kind == "fields.changed":
        return _("Fields changed")
    if kind == "followers.changed":
        return _("Followers changed")
    if kind == "ticket.merged":
        return _("Merged: #%(source)s into #%(target)s") % {"source": data.get("source"), "target": data.get("target")}
    if kind == "ticket.linked":
        return _("Linked with #%(n)s") % {"n": data.get("other")}
    if kind == "ticket.split":
        return _("A message was split into #%(n)s") % {"n": data.get("new_ticket")}
    if kind == "requester.changed":
        return _("Requester changed (customers merged)")
    if kind == "attachment.added":
        return _("File attached: %(name)s") % {"name": data.get("filename", "")}
    return kind


@register.simple_tag(takes_context=True)
def query_with(context: Any, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (empty value: removed)."""
    params = context["request"].GET.copy()
    params.pop("cursor", None)
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def cleaned(value: str) -> SafeString:
    """Stored message HTML was cleaned on the way in; clean it again on the way out instead of trusting `|safe`."""
    from django.utils.safestring import mark_safe

    from opsdesk.core.html import clean_html

    return mark_safe(clean_html(value or ""))  # noqa: S308 - nh3 output


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """`{{ labels|lookup:key }}`: a dictionary value by key, or the key itself."""
    return mapping.get(key, key) if isinstance(mapping, dict) else key
