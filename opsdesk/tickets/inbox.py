"""The agent inbox: saved views, filters, sorting, keyset pagination and cached counters.

Pages never use OFFSET and never COUNT all tickets on render: a page is "the next N rows after this cursor" on an
index that matches the view's filter and order, and the per-view counters are cached for a minute.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from opsdesk.tickets.models import SavedView, Ticket
from opsdesk.tickets.querysets import UNSOLVED

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from opsdesk.accounts.models import User

PAGE_SIZE = 50
COUNT_TTL_SECONDS = 60

BUILTIN_VIEWS: dict[str, Promise] = {
    "mine": _("My open tickets"),
    "unassigned": _("Unassigned"),
    "my_teams": _("My teams"),
    "open": _("All open"),
    "recent": _("Recently updated"),
}

# sort key -> (field, descending)
SORTS: dict[str, tuple[str, bool]] = {
    "-updated": ("updated_at", True),
    "-created": ("created_at", True),
    "created": ("created_at", False),
}
SORT_LABELS: dict[str, Promise] = {
    "-updated": _("Last updated"),
    "-created": _("Newest first"),
    "created": _("Oldest first"),
}
FILTER_KEYS = ("status", "priority", "channel", "language", "team", "assignee", "tag", "q")


@dataclass
class Page:
    tickets: list[Ticket]
    next_cursor: str | None


def builtin_filter(view: str, user: User) -> Q:
    if view == "mine":
        return Q(assignee=user, status_category__in=UNSOLVED)
    if view == "unassigned":
        return Q(assignee__isnull=True, status_category__in=UNSOLVED)
    if view == "my_teams":
        return Q(team__in=user.team_ids(), status_category__in=UNSOLVED)
    if view == "open":
        return Q(status_category__in=UNSOLVED)
    return Q()


def filters_to_q(filters: dict[str, Any], user: User) -> Q:
    """Turn the saved-view / query-string filters into one Q. Unknown or malformed values are ignored."""
    q = Q()
    if status := filters.get("status"):
        values = status if isinstance(status, list) else [status]
        if values == ["unsolved"]:
            q &= Q(status_category__in=UNSOLVED)
        else:
            q &= Q(status_category__in=[v for v in values if v])
    for key in ("priority", "channel", "language"):
        if value := filters.get(key):
            q &= Q(**{key: value})
    if (team := filters.get("team")) and str(team).isdigit():
        q &= Q(team_id=int(team))
    if assignee := filters.get("assignee"):
        if assignee == "me":
            q &= Q(assignee=user)
        elif assignee == "none":
            q &= Q(assignee__isnull=True)
        elif str(assignee).isdigit():
            q &= Q(assignee_id=int(assignee))
    if tag := filters.get("tag"):
        q &= Q(tags__name=str(tag).lower())
    if text := (filters.get("q") or "").strip():
        if text.lstrip("#").isdigit():
            q &= Q(pk=int(text.lstrip("#")))
        else:
            q &= Q(subject__icontains=text)
    return q


def encode_cursor(ticket: Ticket, sort: str) -> str:
    field, _desc = SORTS[sort]
    value: datetime = getattr(ticket, field)
    return base64.urlsafe_b64encode(f"{value.isoformat()}|{ticket.pk}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        stamp, pk = raw.rsplit("|", 1)
        parsed = parse_datetime(stamp)
        return (parsed, int(pk)) if parsed is not None else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def page(queryset: QuerySet[Ticket], *, sort: str, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """One keyset page: rows strictly after the cursor in (field, id) order."""
    field, desc = SORTS.get(sort, SORTS["-updated"])
    sort = sort if sort in SORTS else "-updated"
    if cursor and (decoded := decode_cursor(cursor)) is not None:
        value, pk = decoded
        op = "lt" if desc else "gt"
        queryset = queryset.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
    order = [f"-{field}", "-pk"] if desc else [field, "pk"]
    rows = list(queryset.order_by(*order)[: size + 1])
    next_cursor = encode_cursor(rows[size - 1], sort) if len(rows) > size else None
    return Page(tickets=rows[:size], next_cursor=next_cursor)


def view_queryset(user: User, *, view: str, filters: dict[str, Any]) -> QuerySet[Ticket]:
    qs = Ticket.objects.visible_to(user).live()
    if view.startswith("saved-") and view[6:].isdigit():
        saved = SavedView.objects.filter(Q(owner=user) | Q(owner__isnull=True), pk=int(view[6:])).first()
        if saved is not None:
            qs = qs.filter(filters_to_q(saved.filters, user))
    else:
        qs = qs.filter(builtin_filter(view, user))
    extra = filters_to_q(filters, user)
    if filters.get("tag"):
        qs = qs.distinct()
    return qs.filter(extra)


def cached_counts(user: User, views: list[str]) -> dict[str, int]:
    """Open-ticket counters per view, cached for a minute per user: never an exact COUNT on every render."""
    key = f"inbox-counts:{user.pk}:{','.join(views)}"
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        counts = {}
        for view in views:
            if view == "recent":
                continue
            counts[view] = view_queryset(user, view=view, filters={}).count()
        cache.set(key, counts, COUNT_TTL_SECONDS)
    return counts
