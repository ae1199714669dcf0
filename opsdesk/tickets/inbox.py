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
    "updated": ("updated_at", False),  # oldest change first: how sync clients follow `updated_since`
}
SORT_LABELS: dict[str, Promise] = {
    "-updated": _("Last updated"),
    "-created": _("Newest first"),
    "created": _("Oldest first"),
}
SEARCH_SORT_LABELS: dict[str, Promise] = {
    "relevance": _("Best match"),
    "newest": _("Newest first"),
}
FILTER_KEYS = ("status", "priority", "channel", "language", "team", "assignee", "tag", "q")


@dataclass
class Page:
    tickets: list[Ticket]
    next_cursor: str | None


@dataclass
class Scope:
    """What a view shows: a filter, and the status categories it is limited to (None: any category).

    The categories are kept apart from the filter because an index on (status_category, updated_at) can serve
    "category = X ORDER BY updated_at" but not "category IN (...) ORDER BY updated_at": a page over several
    categories is read as one keyset query per category, merged (see `page`)."""

    q: Q
    categories: tuple[str, ...] | None = None

    def narrow(self, other: Scope) -> Scope:
        if other.categories is None:
            categories = self.categories
        elif self.categories is None:
            categories = other.categories
        else:
            categories = tuple(c for c in self.categories if c in other.categories)
        return Scope(self.q & other.q, categories)


ALL_CATEGORIES = ("new", "open", "pending", "on_hold", "solved", "closed")


def builtin_scope(view: str, user: User) -> Scope:
    if view == "mine":
        return Scope(Q(assignee=user), UNSOLVED)
    if view == "unassigned":
        return Scope(Q(assignee__isnull=True), UNSOLVED)
    if view == "my_teams":
        return Scope(Q(team__in=user.team_ids()), UNSOLVED)
    if view == "open":
        return Scope(Q(), UNSOLVED)
    return Scope(Q())


def filters_scope(filters: dict[str, Any], user: User) -> Scope:
    """Turn the saved-view / query-string filters into a scope. Unknown or malformed values are ignored."""
    q = Q()
    categories: tuple[str, ...] | None = None
    if status := filters.get("status"):
        values = status if isinstance(status, list) else [status]
        categories = UNSOLVED if values == ["unsolved"] else tuple(c for c in ALL_CATEGORIES if c in values)
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
    # "q" is not a filter here: the inbox searches it in full text (search.py), a typed ticket number first.
    return Scope(q, categories)


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


def page(
    queryset: QuerySet[Ticket],
    *,
    sort: str,
    cursor: str | None,
    size: int = PAGE_SIZE,
    categories: tuple[str, ...] | None = None,
    branches: list[Q] | None = None,
) -> Page:
    """One keyset page: rows strictly after the cursor in (field, id) order, never OFFSET.

    With several categories, or a scope given as `branches` whose union it is (querysets.visibility_branches), each
    part is read with its own indexed query and the sorted results are merged: a fixed number of queries (one per
    part) that each stop after `size + 1` rows. `branches=[]` is an empty page."""
    field, desc = SORTS.get(sort, SORTS["-updated"])
    sort = sort if sort in SORTS else "-updated"
    if cursor and (decoded := decode_cursor(cursor)) is not None:
        value, pk = decoded
        op = "lt" if desc else "gt"
        queryset = queryset.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
    order = [f"-{field}", "-pk"] if desc else [field, "pk"]
    parts = [queryset] if branches is None else [queryset.filter(branch) for branch in branches]
    if categories is not None:
        parts = [part.filter(status_category=category) for part in parts for category in categories]
    if len(parts) == 1:
        rows = list(parts[0].order_by(*order)[: size + 1])
    else:
        # Each part yields only its sort keys; the page's own rows are then read in one query (building every
        # part's full rows, with their related objects, cost more than all the queries together).
        keys: set[tuple[Any, int]] = set()
        for part in parts:
            keys.update(part.order_by(*order).values_list(field, "pk")[: size + 1])
        wanted = sorted(keys, reverse=desc)[: size + 1]
        by_pk = queryset.filter(pk__in=[pk for _value, pk in wanted]).in_bulk()
        rows = [by_pk[pk] for _value, pk in wanted if pk in by_pk]
    next_cursor = encode_cursor(rows[size - 1], sort) if len(rows) > size else None
    return Page(tickets=rows[:size], next_cursor=next_cursor)


def view_scope(user: User, *, view: str, filters: dict[str, Any]) -> Scope:
    if view.startswith("saved-") and view[6:].isdigit():
        saved = SavedView.objects.filter(Q(owner=user) | Q(owner__isnull=True), pk=int(view[6:])).first()
        scope = filters_scope(saved.filters, user) if saved is not None else Scope(Q())
    else:
        scope = builtin_scope(view, user)
    return scope.narrow(filters_scope(filters, user))


def view_queryset(user: User, *, view: str, filters: dict[str, Any]) -> tuple[QuerySet[Ticket], Scope]:
    """The tickets of a view (visible to `user`), without the category limit, and the view's scope."""
    scope = view_scope(user, view=view, filters=filters)
    qs = Ticket.objects.visible_to(user).filter(scope.q)
    if filters.get("tag"):
        qs = qs.distinct()
    return qs, scope


def cached_counts(user: User, views: list[str]) -> dict[str, int]:
    """Open-ticket counters per view, cached for a minute per user: never an exact COUNT on every render."""
    key = f"inbox-counts:{user.pk}:{','.join(views)}"
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        counts = {}
        for view in views:
            if view == "recent":
                continue
            qs, scope = view_queryset(user, view=view, filters={})
            if scope.categories is not None:
                qs = qs.filter(status_category__in=scope.categories)
            counts[view] = qs.count()
        cache.set(key, counts, COUNT_TTL_SECONDS)
    return counts
