"""Merge, link and split tickets; move tickets when customers are merged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.core.html import text_to_html
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.tickets import search, timeline
from opsdesk.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketLink,
    TicketStatus,
)

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.customers.models import Customer

from opsdesk.tickets.access import can_edit
from opsdesk.tickets.actions.common import _add_message, _lock, _lock_for_edit, _set_status, default_status
from opsdesk.tickets.actions.follow import revoke_follow_links

Category = TicketStatus.Category

# --- merge, split, link --------------------------------------------------------------------------------------------


@transaction.atomic
def merge_tickets(source: Ticket, *, target: Ticket, actor: User) -> Ticket:
    """Merge `source` into `target`: the source closes with merged_into set and a note on both (METRICS.md §1)."""
    if source.pk == target.pk:
        raise ActionError("merge_self", _("A ticket cannot be merged into itself."), field="target")
    first, second = sorted([source.pk, target.pk])
    rows = Ticket.objects.select_for_update().select_related("status").filter(pk__in=[first, second])
    locked = {t.pk: t for t in rows.order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if actor is not None and not (can_edit(actor, source) and can_edit(actor, target)):
        raise ActionError("forbidden", _("You cannot change this ticket."), status=403)
    if source.merged_into_id:
        raise ActionError("ticket_merged", _("This ticket was already merged."), field="target")
    if target.merged_into_id or target.status_category == Category.CLOSED:
        raise ActionError("merge_target_closed", _("Choose an open ticket to merge into."), field="target")
    now = timezone.now()
    source.merged_into = target
    revoke_follow_links(source)  # a follow link opens its one request only, never the one it was merged into
    _set_status(source, default_status(Category.CLOSED), actor=actor, at=now)
    timeline.record(source, "ticket.merged", actor=actor, at=now, data={"source": source.pk, "target": target.pk})
    timeline.record(target, "ticket.merged", actor=actor, at=now, data={"source": source.pk, "target": target.pk})
    _add_message(
        source,
        body_html=text_to_html(_("Merged into ticket #%(n)s.") % {"n": target.pk}),
        author_role=Message.AuthorRole.SYSTEM,
        visibility=Message.Visibility.INTERNAL,
        actor=actor,
        channel=source.channel,
        via="merge",
        is_automated=True,
        at=now,
    )
    _add_message(
        target,
        body_html=text_to_html(
            _("Ticket #%(n)s (%(subject)s) was merged into this ticket.") % {"n": source.pk, "subject": source.subject}
        ),
        author_role=Message.AuthorRole.SYSTEM,
        visibility=Message.Visibility.INTERNAL,
        actor=actor,
        channel=target.channel,
        via="merge",
        is_automated=True,
        at=now,
    )
    source.updated_at = now
    target.updated_at = now
    source.save(
        update_fields=[
            "merged_into",
            "status",
            "status_category",
            "solved_at",
            "closed_at",
            "updated_at",
            "message_count",
        ]
    )
    target.save(update_fields=["updated_at", "message_count"])
    return target


@transaction.atomic
def link_tickets(ticket: Ticket, *, other: Ticket, actor: User, kind: str = TicketLink.Kind.RELATED) -> TicketLink:
    if ticket.pk == other.pk:
        raise ActionError("link_self", _("A ticket cannot be linked to itself."), field="other")
    if actor is not None and not can_edit(actor, ticket):
        raise ActionError("forbidden", _("You cannot change this ticket."), status=403)
    existing = (
        TicketLink.objects.filter(source=ticket, target=other).first()
        or TicketLink.objects.filter(source=other, target=ticket).first()
    )
    if existing is not None:
        return existing
    link = TicketLink.objects.create(source=ticket, target=other, kind=kind)
    timeline.record(ticket, "ticket.linked", actor=actor, data={"other": other.pk, "kind": kind})
    timeline.record(other, "ticket.linked", actor=actor, data={"other": ticket.pk, "kind": kind})
    return link


@transaction.atomic
def split_ticket(ticket: Ticket, *, message: Message, actor: User) -> Ticket:
    """Move one customer message out into a new ticket of its own, linked to the original."""
    ticket = _lock_for_edit(ticket, actor)
    if message.ticket_id != ticket.pk:
        raise ActionError("wrong_ticket", _("This message belongs to another ticket."), field="message")
    if ticket.message_count <= 1:
        raise ActionError("split_only_message", _("A ticket with one message cannot be split."), field="message")
    now = timezone.now()
    status = default_status(Category.OPEN)
    new = Ticket.objects.create(
        subject=ticket.subject,
        requester=ticket.requester,
        organization_id=ticket.organization_id,
        team=ticket.team,
        assignee=ticket.assignee,
        status=status,
        status_category=status.category,
        priority=ticket.priority,
        type=ticket.type,
        channel=ticket.channel,
        language=ticket.language,
        custom_fields=ticket.custom_fields,
        created_at=now,
        updated_at=now,
        message_count=1,
    )
    timeline.record(
        new,
        "ticket.created",
        actor=actor,
        at=now,
        data={
            "channel": ticket.channel,
            "created_by": "agent",
            "requester": ticket.requester_id,
            "group": ticket.team_id,
            "priority": ticket.priority,
            "status": status.pk,
            "category": status.category,
            "assignee": ticket.assignee_id,
            "followup_of": None,
            "split_from": ticket.pk,
        },
    )
    Message.objects.filter(pk=message.pk).update(ticket=new)
    Attachment.objects.filter(message=message).update(ticket=new)
    timeline.record(
        new,
        "comment.added",
        actor=actor,
        at=now,
        role=message.author_role,
        data={
            "comment": message.pk,
            "author": message.author_user_id,
            "author_role": message.author_role,
            "visibility": message.visibility,
            "is_automated": message.is_automated,
            "channel": message.channel,
            "via": "split",
        },
    )
    timeline.record(ticket, "ticket.split", actor=actor, at=now, data={"comment": message.pk, "new_ticket": new.pk})
    TicketLink.objects.create(source=new, target=ticket, kind=TicketLink.Kind.SPLIT_FROM)
    ticket.message_count -= 1
    ticket.updated_at = now
    ticket.save(update_fields=["message_count", "updated_at"])
    search.reindex([ticket.pk, new.pk])
    return new


# --- customers merged ----------------------------------------------------------------------------------------------


@transaction.atomic
def merge_customers(source: Customer, *, target: Customer, actor: User) -> Customer:
    """Merge two customers: their records (customers.actions.merge_customer_records), then each of the source's
    tickets moves to the target through `_move_requester`, with its event, and with the target's organization,
    which decides who sees an organization's shared tickets. Their search documents are rebuilt by a job."""
    from opsdesk.customers import actions as customer_actions

    target = customer_actions.merge_customer_records(source, target=target, actor=actor)
    for ticket in Ticket.objects.filter(requester_id=source.pk).order_by("pk"):
        _move_requester(ticket, requester=target, actor=actor)
    # The target may have taken the source's organization: its own tickets follow it, as the moved ones did.
    for ticket in (
        Ticket.objects.filter(requester_id=target.pk).exclude(organization_id=target.organization_id).order_by("pk")
    ):
        _move_requester(ticket, requester=target, actor=actor)
    Message.objects.filter(author_customer_id=source.pk).update(author_customer=target)
    enqueue_on_commit("opsdesk.tickets.tasks.reindex_customer_tickets", target.pk)
    return target


def _move_requester(ticket: Ticket, *, requester: Customer, actor: User | None) -> Ticket:
    ticket = _lock(ticket)
    now = timezone.now()
    old_requester, old_organization = ticket.requester_id, ticket.organization_id
    ticket.requester_id = requester.pk
    ticket.organization_id = requester.organization_id
    if old_requester != requester.pk:
        timeline.record(
            ticket, "requester.changed", actor=actor, at=now, data={"old": old_requester, "new": requester.pk}
        )
    if old_organization != ticket.organization_id:
        timeline.record(
            ticket,
            "organization.changed",
            actor=actor,
            at=now,
            data={"old": old_organization, "new": ticket.organization_id},
        )
    ticket.updated_at = now
    ticket.save(update_fields=["requester", "organization", "updated_at"])
    return ticket
