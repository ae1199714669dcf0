"""Public replies and internal notes (a customer's own messages come through the intake)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.tickets import notifications
from opsdesk.tickets.models import (
    Message,
    Ticket,
    TicketStatus,
)

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

from opsdesk.tickets.actions.common import (
    _add_message,
    _agent_touch,
    _body_html,
    _check_not_closed,
    _lock,
    _lock_for_edit,
    _once,
    _set_status,
    check_attachments,
)

Category = TicketStatus.Category

# --- comments ------------------------------------------------------------------------------------------------------


@transaction.atomic
def reply_to_ticket(
    ticket: Ticket,
    *,
    body: str,
    actor: User | None,
    is_html: bool = False,
    attachments: Sequence[UploadedFile] = (),
    via: str = "ui",
    status: TicketStatus | None = None,
    submission: str = "",
    notify: bool = True,
) -> Message:
    """A public agent reply (it fulfils reply clocks, METRICS.md §2.3); optionally sets a status with it. With no
    actor it is the system's (an automation rule's) reply: automated, by no person.

    `notify=False` does not mail the reply to the requester: live chat passes it while the visitor has the chat open
    and reads the reply there (docs/adr/0017-live-chat.md)."""
    if actor is not None and not actor.can_reply_publicly:
        raise ActionError("forbidden", _("Your role cannot reply to customers."), status=403)
    body_html = _body_html(body, is_html=is_html)
    check_attachments(attachments)
    if status is not None and status.category == Category.NEW:
        raise ActionError("invalid_transition", _("A ticket cannot move back to New."), field="status")

    def create() -> Message:
        return _reply(
            ticket, body_html=body_html, actor=actor, attachments=attachments, via=via, status=status, notify=notify
        )

    return _once(actor, submission, "ticket.reply", create)


def _reply(
    ticket: Ticket,
    *,
    body_html: str,
    actor: User | None,
    attachments: Sequence[UploadedFile],
    via: str,
    status: TicketStatus | None,
    notify: bool,
) -> Message:
    ticket = _lock_for_edit(ticket, actor)
    _check_not_closed(ticket)
    if ticket.merged_into_id:
        raise ActionError("ticket_merged", _("This ticket was merged into another ticket."))
    now = timezone.now()
    message = _staff_message(ticket, Message.Visibility.PUBLIC, body_html, actor, via, attachments, now)
    if status is not None:
        _set_status(ticket, status, actor=actor, at=now)
    else:
        _agent_touch(ticket, actor=actor, at=now)
    ticket.updated_at = now
    ticket.save(update_fields=["status", "status_category", "solved_at", "closed_at", "updated_at", "message_count"])
    if notify:
        notifications.agent_reply(message)
    return message


@transaction.atomic
def add_note(
    ticket: Ticket,
    *,
    body: str,
    actor: User | None,
    is_html: bool = False,
    attachments: Sequence[UploadedFile] = (),
    via: str = "ui",
    submission: str = "",
) -> Message:
    """An internal note: seen by staff only, never a reply. With no actor it is the system's."""
    if actor is not None and not actor.is_agent_side:
        raise ActionError("forbidden", _("Only staff can add internal notes."), status=403)
    body_html = _body_html(body, is_html=is_html)
    check_attachments(attachments)

    def create() -> Message:
        return _note(ticket, body_html=body_html, actor=actor, attachments=attachments, via=via)

    return _once(actor, submission, "ticket.note", create)


def _note(
    ticket: Ticket, *, body_html: str, actor: User | None, attachments: Sequence[UploadedFile], via: str
) -> Message:
    ticket = _lock(ticket)
    now = timezone.now()
    message = _staff_message(ticket, Message.Visibility.INTERNAL, body_html, actor, via, attachments, now)
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at", "message_count"])
    return message


def _staff_message(
    ticket: Ticket,
    visibility: str,
    body_html: str,
    actor: User | None,
    via: str,
    attachments: Sequence[UploadedFile],
    at: datetime,
) -> Message:
    """A reply or note by staff, or by the system (no actor): then automated and by no person."""
    return _add_message(
        ticket,
        body_html=body_html,
        author_role=Message.AuthorRole.AGENT if actor is not None else Message.AuthorRole.SYSTEM,
        visibility=visibility,
        actor=actor,
        channel=ticket.channel,
        via=via,
        is_automated=actor is None,
        at=at,
        attachments=attachments,
    )
