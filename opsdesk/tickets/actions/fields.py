"""Status, assignment, team, priority, type, tags, custom fields and followers; the sidebar's one "Update"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.core.errors import ActionError
from opsdesk.tickets import timeline
from opsdesk.tickets.models import (
    Ticket,
    TicketStatus,
)

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.people.models import Team

from opsdesk.fields.actions import clean_custom_fields
from opsdesk.tickets.actions.common import (
    _agent_touch,
    _check_not_closed,
    _get_tags,
    _lock,
    _lock_for_edit,
    _set_status,
    clean_tags,
)

Category = TicketStatus.Category

# --- fields --------------------------------------------------------------------------------------------------------


@transaction.atomic
def change_status(ticket: Ticket, *, status: TicketStatus, actor: User | None) -> Ticket:
    ticket = _lock_for_edit(ticket, actor)
    if ticket.status_id == status.pk:
        return ticket  # a double click changes nothing
    _check_not_closed(ticket)
    if status.category == Category.NEW:
        raise ActionError("invalid_transition", _("A ticket cannot move back to New."), field="status")
    if not status.is_active:
        raise ActionError("inactive_status", _("This status is no longer in use."), field="status")
    if ticket.merged_into_id:
        raise ActionError("ticket_merged", _("This ticket was merged into another ticket."))
    now = timezone.now()
    _set_status(ticket, status, actor=actor, at=now)
    ticket.updated_at = now
    ticket.save(update_fields=["status", "status_category", "solved_at", "closed_at", "updated_at"])
    return ticket


@transaction.atomic
def solve_as_customer(ticket: Ticket, *, actor: User) -> Ticket:
    """A customer marks a request they see as solved (the portal's "Mark as solved"): the default solved status,
    recorded with the customer as actor. Already solved: nothing changes (a double click, a resent form); closed or
    merged: refused."""
    from opsdesk.accounts.models import Role
    from opsdesk.tickets.actions.common import default_status
    from opsdesk.tickets.categories import UNSOLVED

    if actor.role != Role.CUSTOMER or not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise ActionError("forbidden", _("You cannot change this ticket."), status=403)
    ticket = _lock(ticket)
    if ticket.merged_into_id:
        raise ActionError("ticket_merged", _("This ticket was merged into another ticket."))
    _check_not_closed(ticket)
    if ticket.status_category not in UNSOLVED:
        return ticket
    now = timezone.now()
    _set_status(ticket, default_status(Category.SOLVED), actor=actor, at=now)
    ticket.updated_at = now
    ticket.save(update_fields=["status", "status_category", "solved_at", "closed_at", "updated_at"])
    return ticket


@transaction.atomic
def assign_ticket(ticket: Ticket, *, assignee: User | None, actor: User | None) -> Ticket:
    ticket = _lock_for_edit(ticket, actor)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    _check_not_closed(ticket)
    if assignee is not None and (not can(assignee, Capability.BE_ASSIGNED) or not assignee.is_active):
        raise ActionError("invalid_assignee", _("Tickets can only be assigned to active agents."), field="assignee")
    now = timezone.now()
    old = ticket.assignee_id
    ticket.assignee = assignee
    timeline.record(
        ticket, "assignee.changed", actor=actor, at=now, data={"old": old, "new": assignee.pk if assignee else None}
    )
    if assignee is not None:
        _agent_touch(ticket, actor=actor, at=now)
    ticket.updated_at = now
    ticket.save(update_fields=["assignee", "status", "status_category", "updated_at"])
    return ticket


def _change_column(ticket: Ticket, column: str, value: Any, *, kind: str, actor: User | None) -> Ticket:
    """Set one plain column of a (not closed) ticket and record `kind` with the old and new values."""
    ticket = _lock_for_edit(ticket, actor)
    old = getattr(ticket, column)
    if old == value:
        return ticket  # a double click changes nothing
    _check_not_closed(ticket)
    now = timezone.now()
    setattr(ticket, column, value)
    timeline.record(ticket, kind, actor=actor, at=now, data={"old": old, "new": value})
    ticket.updated_at = now
    ticket.save(update_fields=[column.removesuffix("_id"), "updated_at"])
    return ticket


@transaction.atomic
def set_team(ticket: Ticket, *, team: Team | None, actor: User | None) -> Ticket:
    return _change_column(ticket, "team_id", team.pk if team else None, kind="group.changed", actor=actor)


@transaction.atomic
def set_priority(ticket: Ticket, *, priority: str, actor: User | None) -> Ticket:
    if priority not in Ticket.Priority.values:
        raise ActionError("invalid_priority", _("Choose a valid priority."), field="priority", status=422)
    return _change_column(ticket, "priority", priority, kind="priority.changed", actor=actor)


@transaction.atomic
def set_type(ticket: Ticket, *, type: str, actor: User | None) -> Ticket:
    if type not in Ticket.Type.values:
        raise ActionError("invalid_type", _("Choose a valid type."), field="type", status=422)
    return _change_column(ticket, "type", type, kind="type.changed", actor=actor)


@transaction.atomic
def set_tags(ticket: Ticket, *, tags: Iterable[str], actor: User | None, add: bool = False) -> Ticket:
    """Set the tags, or with `add` add these to the ticket's, read under the lock (a bulk change never drops a tag
    set in between)."""
    ticket = _lock_for_edit(ticket, actor)
    old = sorted(ticket.tags.values_list("name", flat=True))
    new = clean_tags([*old, *tags] if add else tags)
    if old == new:
        return ticket
    _check_not_closed(ticket)
    now = timezone.now()
    ticket.tags.set(_get_tags(new) if new else [])
    timeline.record(ticket, "tags.changed", actor=actor, at=now, data={"old": old, "new": new})
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    return ticket


@transaction.atomic
def set_custom_fields(ticket: Ticket, *, values: dict[str, Any], actor: User | None) -> Ticket:
    ticket = _lock_for_edit(ticket, actor)
    _check_not_closed(ticket)
    cleaned = clean_custom_fields(values)
    merged = {**ticket.custom_fields, **cleaned}
    for key, value in values.items():
        if value in (None, ""):
            merged.pop(key, None)
    if merged == ticket.custom_fields:
        return ticket
    now = timezone.now()
    timeline.record(ticket, "fields.changed", actor=actor, at=now, data={"old": ticket.custom_fields, "new": merged})
    ticket.custom_fields = merged
    ticket.updated_at = now
    ticket.save(update_fields=["custom_fields", "updated_at"])
    return ticket


@transaction.atomic
def set_following(ticket: Ticket, *, user: User, following: bool, actor: User | None) -> Ticket:
    ticket = _lock(ticket)
    is_following = ticket.followers.filter(pk=user.pk).exists()
    if is_following == following:
        return ticket
    if following:
        ticket.followers.add(user)
    else:
        ticket.followers.remove(user)
    timeline.record(
        ticket,
        "followers.changed",
        actor=actor,
        data={"added": [user.pk] if following else [], "removed": [] if following else [user.pk]},
    )
    return ticket


@transaction.atomic
def update_properties(
    ticket: Ticket,
    *,
    status: TicketStatus,
    assignee: User | None,
    team: Team | None,
    priority: str,
    type: str,
    tags: Iterable[str],
    custom_fields: dict[str, Any] | None = None,
    actor: User,
) -> Ticket:
    """The ticket sidebar's one "Update": every changed property in one transaction, each through its own
    action (so each change leaves its own timeline event); the status last, so a ticket is solved with its final
    values. Unchanged properties write nothing."""
    set_team(ticket, team=team, actor=actor)
    assign_ticket(ticket, assignee=assignee, actor=actor)
    set_priority(ticket, priority=priority, actor=actor)
    set_type(ticket, type=type, actor=actor)
    set_tags(ticket, tags=tags, actor=actor)
    if custom_fields:
        set_custom_fields(ticket, values=custom_fields, actor=actor)
    if status.category != Category.NEW or ticket.status_category != Category.NEW:
        change_status(ticket, status=status, actor=actor)
    return Ticket.objects.get(pk=ticket.pk)
