"""One plain change to many tickets at once, for the system (automation's time rules fire thousands a minute): the
same rules and records as the single-ticket actions (fields.set_priority, set_type, set_team, set_tags), in a few
statements for all. Each ticket's event names its own cause event. Closed and merged tickets are left as they are
(a closed ticket never changes); a ticket whose value is already the one wanted writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from opsdesk.core.errors import ActionError
from opsdesk.tickets import timeline
from opsdesk.tickets.actions.common import _get_tags, clean_tags, closed_error
from opsdesk.tickets.categories import Category
from opsdesk.tickets.models import Tag, Ticket

Changed = dict[int, dict[str, Any]]  # ticket id -> {"old": ..., "new": ...} or {"skipped": ...} or {"error": ...}
COLUMNS = {"priority": "priority.changed", "type": "type.changed", "team_id": "group.changed"}


def _refused(error: ActionError) -> dict[str, Any]:
    return {"error": str(error.message), "code": error.code}


def _open(ids: Sequence[int]) -> Any:
    return Ticket.objects.select_for_update().filter(pk__in=ids).exclude(Q(status_category=Category.CLOSED))


@transaction.atomic
def set_column_many(items: Sequence[tuple[int, int | None]], *, column: str, value: Any, now: datetime) -> Changed:
    """Set `column` (priority, type or team_id) on each (ticket id, cause event) as the system."""
    if column not in COLUMNS:
        raise ValueError(f"Not a column set in batches: {column}")
    causes = dict(items)
    current = dict(_open(list(causes)).values_list("pk", column))
    result: Changed = {pk: _refused(closed_error()) for pk in causes if pk not in current}
    changing = [pk for pk, old in current.items() if old != value]
    result.update({pk: {"skipped": "unchanged"} for pk, old in current.items() if old == value})
    if changing:
        Ticket.objects.filter(pk__in=changing).update(**{column: value, "updated_at": now})
        timeline.record_many(
            [(pk, COLUMNS[column], {"old": current[pk], "new": value}, now) for pk in changing],
            cause_events=[causes[pk] for pk in changing],
        )
        result.update({pk: {"old": current[pk], "new": value} for pk in changing})
    return result


@transaction.atomic
def change_tags_many(
    items: Sequence[tuple[int, int | None]], *, add: Sequence[str] = (), remove: Sequence[str] = (), now: datetime
) -> Changed:
    """Add and remove tags on each (ticket id, cause event) as the system, as set_tags would one by one."""
    causes = dict(items)
    open_ids = set(_open(list(causes)).values_list("pk", flat=True))
    result: Changed = {pk: _refused(closed_error()) for pk in causes if pk not in open_ids}
    through = Ticket.tags.through
    old: dict[int, list[str]] = {pk: [] for pk in open_ids}
    for ticket_id, name in through.objects.filter(ticket_id__in=open_ids).values_list("ticket_id", "tag__name"):
        old[ticket_id].append(name)
    wanted, dropped = set(clean_tags(add)), set(clean_tags(remove))
    new: dict[int, list[str]] = {}
    for pk, names in old.items():
        try:
            new[pk] = clean_tags((set(names) | wanted) - dropped)
        except ActionError as error:  # over the most tags a ticket may have
            result[pk] = _refused(error)
    changing = [pk for pk in sorted(new) if sorted(old[pk]) != new[pk]]
    result.update({pk: {"skipped": "unchanged"} for pk in new if pk not in changing})
    if not changing:
        return result
    tags = {t.name: t.pk for t in _get_tags(sorted(wanted))} if wanted else {}
    if dropped:
        gone = Tag.objects.filter(name__in=dropped).values_list("pk", flat=True)
        through.objects.filter(ticket_id__in=changing, tag_id__in=list(gone)).delete()
    rows = [through(ticket_id=pk, tag_id=tags[name]) for pk in changing for name in wanted if name not in old[pk]]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    Ticket.objects.filter(pk__in=changing).update(updated_at=now)
    timeline.record_many(
        [(pk, "tags.changed", {"old": sorted(old[pk]), "new": new[pk]}, now) for pk in changing],
        cause_events=[causes[pk] for pk in changing],
    )
    result.update({pk: {"old": sorted(old[pk]), "new": new[pk]} for pk in changing})
    return result
