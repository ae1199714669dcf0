"""Fetch one ticket (or attachment) for a user, or fail: 404 when invisible, 403 when read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.accounts.models import Role
from opsdesk.tickets.models import Attachment, Ticket
from opsdesk.tickets.querysets import TicketQuerySet, visibility_branches

if TYPE_CHECKING:
    from opsdesk.accounts.models import User


def can_edit(user: User, ticket: Ticket) -> bool:
    """May `user` change fields of, or reply publicly on, this (visible) ticket?"""
    if not can(user, Capability.EDIT_TICKETS):
        return False
    if can(user, Capability.SEE_ALL_TICKETS):
        return True
    if ticket.assignee_id == user.pk or ticket.team_id is None:
        return True
    return ticket.team_id in user.writable_team_ids()


def can_add_note(user: User, ticket: Ticket) -> bool:
    """Every staff member who sees a ticket may leave an internal note on it (light agents included)."""
    return user.is_agent_side


def can_reply_as_customer(user: User, ticket: Ticket) -> bool:
    """A customer may write on any ticket they see; where the message lands (a merged ticket's target, a closed
    ticket's follow-up) is the intake's rule (tickets.actions.intake.add_customer_reply)."""
    return user.role == Role.CUSTOMER


def get_ticket_for_user(user: User, pk: int, *, write: bool = False) -> Ticket:
    ticket = get_object_or_404(
        Ticket.objects.visible_to(user).select_related("status", "requester", "organization", "team", "assignee"),
        pk=pk,
    )
    if write and not can_edit(user, ticket):
        raise PermissionDenied
    return ticket


def hidden_from(user: User, tickets: TicketQuerySet) -> int:
    """How many of `tickets` exist but are outside what `user` may see (other teams' tickets): staff are told that
    much, never what they are; for customers it is always 0 (a ticket they cannot see does not exist for them)."""
    if user.role == Role.CUSTOMER or visibility_branches(user) is None:
        return 0
    return tickets.count() - tickets.visible_to(user).count()


def get_attachment_for_user(user: User, pk: int) -> Attachment:
    attachment = get_object_or_404(
        Attachment.objects.select_related("message").filter(ticket__in=Ticket.objects.visible_to(user).values("pk")),
        pk=pk,
    )
    if user.role == Role.CUSTOMER and (attachment.message is None or not attachment.message.is_public):
        raise PermissionDenied
    return attachment


def file_response(attachment: Attachment) -> FileResponse:
    """The file with headers that keep the browser from running it (no sniffing, sandboxed, never cached)."""
    inline = attachment.content_type.startswith("image/") and attachment.content_type != "image/svg+xml"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response
