"""Helpers every ticket action shares: locking, message bodies and files, the message and status writers, tags
and custom field values, one-time submissions."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from opsdesk.accounts.models import Role
from opsdesk.core.errors import ActionError
from opsdesk.core.html import clean_html, html_to_text, text_to_html
from opsdesk.core.idempotency import run_once
from opsdesk.tickets import search, timeline
from opsdesk.tickets.access import can_edit
from opsdesk.tickets.models import Attachment, Message, Tag, Ticket, TicketStatus

Category = TicketStatus.Category

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.customers.models import Customer


MAX_BODY_CHARS = 200_000
M = TypeVar("M", Ticket, Message)

# --- helpers -------------------------------------------------------------------------------------------------------


def default_status(category: str) -> TicketStatus:
    status = TicketStatus.objects.filter(category=category, is_active=True).order_by("-is_default", "position").first()
    if status is None:
        raise ActionError("no_status", _("No active status exists for this category."), field="status")
    return status


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("status").get(pk=ticket.pk)


def _lock_for_edit(ticket: Ticket, actor: User | None) -> Ticket:
    """The ticket, locked, once `actor` may change it (tickets.access.can_edit: the `edit_tickets` capability and
    the team's write access). None, the system actor, may change any ticket."""
    locked = _lock(ticket)
    if actor is not None and not can_edit(actor, locked):
        raise ActionError("forbidden", _("You cannot change this ticket."), status=403)
    return locked


def _body_html(body: str, *, is_html: bool) -> str:
    if not body or not body.strip():
        raise ActionError("empty_body", _("Write a message first."), field="body", status=422)
    if len(body) > MAX_BODY_CHARS:
        raise ActionError("body_too_long", _("The message is too long."), field="body", status=422)
    cleaned = clean_html(body) if is_html else text_to_html(body)
    if not html_to_text(cleaned).strip():
        raise ActionError("empty_body", _("Write a message first."), field="body", status=422)
    return cleaned


def check_attachments(files: Sequence[UploadedFile]) -> None:
    """Refuse files over the size limit or of a type not allowed, before anything is written."""
    for upload in files:
        if upload.size is not None and upload.size > settings.OPSDESK_MAX_ATTACHMENT_BYTES:
            raise ActionError(
                "attachment_too_large",
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": upload.name, "mb": settings.OPSDESK_MAX_ATTACHMENT_BYTES // (1024 * 1024)},
                field="attachments",
                status=422,
            )
        content_type = _content_type(upload)
        if content_type not in settings.OPSDESK_ATTACHMENT_TYPES:
            raise ActionError(
                "attachment_type",
                _("Files of type %(type)s cannot be attached.") % {"type": content_type},
                field="attachments",
                status=422,
            )


def _content_type(upload: UploadedFile) -> str:
    guessed, _encoding = mimetypes.guess_type(upload.name or "")
    # The browser's claim is not trusted on its own: the extension must agree with an allowed type.
    return (guessed or upload.content_type or "application/octet-stream").lower()


def _store_attachments(ticket: Ticket, message: Message, files: Sequence[UploadedFile], actor: User | None) -> None:
    for upload in files:
        data = upload.read()
        digest = hashlib.sha256(data).hexdigest()
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=(upload.name or "file")[-255:],
            content_type=_content_type(upload),
            size=len(data),
            sha256=digest,
        )
        attachment.file.save(digest, ContentFile(data), save=False)
        attachment.save()
        timeline.record(
            ticket,
            "attachment.added",
            actor=actor,
            at=message.created_at,
            data={
                "attachment": attachment.pk,
                "comment": message.pk,
                "filename": attachment.filename,
                "size": attachment.size,
            },
        )


def _add_message(
    ticket: Ticket,
    *,
    body_html: str,
    author_role: str,
    visibility: str,
    actor: User | None,
    customer: Customer | None = None,
    channel: str,
    via: str,
    is_automated: bool = False,
    at: datetime,
    attachments: Sequence[UploadedFile] = (),
    email_message_id: str = "",
) -> Message:
    message = Message.objects.create(
        ticket=ticket,
        author_user=actor if actor is not None and actor.role != Role.CUSTOMER else None,
        author_customer=customer,
        author_role=author_role,
        visibility=visibility,
        is_automated=is_automated,
        channel=channel,
        via=via,
        body_html=body_html,
        body_text=html_to_text(body_html),
        email_message_id=email_message_id[:250],
        created_at=at,
    )
    timeline.record(
        ticket,
        "comment.added",
        actor=actor,
        at=at,
        role=author_role,
        data={
            "comment": message.pk,
            "author": message.author_user_id,
            "author_role": author_role,
            "visibility": visibility,
            "is_automated": is_automated,
            "channel": channel,
            "via": via,
        },
    )
    _store_attachments(ticket, message, attachments, actor)
    ticket.message_count += 1
    search.reindex([ticket.pk])
    return message


def _set_status(
    ticket: Ticket, status: TicketStatus, *, actor: User | None, at: datetime, role: str | None = None
) -> None:
    """Move `ticket` (locked) to `status`, stamp solved/closed times and record the event; no rule checks."""
    old = ticket.status
    if old.pk == status.pk:
        return
    ticket.status = status
    ticket.status_category = status.category
    if status.category == Category.SOLVED:
        ticket.solved_at = at
    elif status.category == Category.CLOSED:
        ticket.closed_at = at
        ticket.solved_at = ticket.solved_at or at
    timeline.record(
        ticket,
        "status.changed",
        actor=actor,
        at=at,
        role=role,
        data={
            "from_status": old.pk,
            "to_status": status.pk,
            "from_category": old.category,
            "to_category": status.category,
        },
    )


def _agent_touch(ticket: Ticket, *, actor: User | None, at: datetime) -> None:
    """The first agent action moves a new ticket on to open (METRICS.md §1)."""
    if ticket.status_category == Category.NEW and actor is not None and actor.is_agent_side:
        _set_status(ticket, default_status(Category.OPEN), actor=actor, at=at)


def closed_error() -> ActionError:
    return ActionError("ticket_closed", _("This ticket is closed and can no longer be changed."))


def _check_not_closed(ticket: Ticket) -> None:
    if ticket.status_category == Category.CLOSED:
        raise closed_error()


MAX_TAGS = 50


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Lower-case, spaces as hyphens, at most 60 characters each and MAX_TAGS on one ticket."""
    cleaned = sorted({" ".join(t.split()).lower().replace(" ", "-")[:60] for t in tags if t and t.strip()})
    if len(cleaned) > MAX_TAGS:
        raise ActionError(
            "too_many_tags", _("A ticket can have at most %(n)d tags.") % {"n": MAX_TAGS}, field="tags", status=422
        )
    return cleaned


def _get_tags(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    return list(existing.values())


def _once(actor: User | None, submission: str, scope: str, create: Callable[[], M]) -> M:
    """Run `create` once per submission key and return what it made; a repeat returns what the first one made (read
    again, by the id the first one stored)."""
    if not submission:
        return create()
    made: list[M] = []

    def run() -> tuple[int, dict[str, Any]]:
        made.append(create())
        return 201, {"id": made[0].pk}

    status, body = run_once(actor.pk if actor is not None else 0, submission, scope, run)
    if status == 409 or body is None:
        raise ActionError(
            "submission_reused", _("This form was already used for something else. Reload the page."), status=409
        )
    if made:
        return made[0]
    found: M = _ONCE_MODELS[scope]._default_manager.get(pk=int(body["id"]))
    return found


# What each submission scope makes (a repeated submission is answered with the first one's row).
_ONCE_MODELS: dict[str, type[Any]] = {
    "ticket.create": Ticket,
    "ticket.customer_reply": Message,
    "ticket.reply": Message,
    "ticket.note": Message,
}
