"""Every write to tickets: create, reply, note, status, assignment, fields, tags, merge, split, link, bulk.

Each action runs in one transaction, re-reads its row with select_for_update(), checks the rule, saves with
update_fields, and records its TicketEvent (METRICS.md §0.1, lifecycle rules of §1).
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.models import Role
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.core.html import clean_html, html_to_text, text_to_html
from opsdesk.core.idempotency import run_once
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.tickets import notifications, search, timeline
from opsdesk.tickets.models import (
    UNSOLVED_CATEGORIES,
    Attachment,
    CustomField,
    Message,
    SavedView,
    Tag,
    Ticket,
    TicketLink,
    TicketStatus,
)

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.customers.models import Customer
    from opsdesk.people.models import Team

Category = TicketStatus.Category
MAX_BODY_CHARS = 200_000


# --- helpers -------------------------------------------------------------------------------------------------------


def default_status(category: str) -> TicketStatus:
    status = TicketStatus.objects.filter(category=category, is_active=True).order_by("-is_default", "position").first()
    if status is None:
        raise ActionError("no_status", _("No active status exists for this category."), field="status")
    return status


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("status").get(pk=ticket.pk)


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


def _check_not_closed(ticket: Ticket) -> None:
    if ticket.status_category == Category.CLOSED:
        raise ActionError("ticket_closed", _("This ticket is closed and can no longer be changed."))


MAX_TAGS = 50


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Lower-case, spaces as hyphens, at most 60 characters each and MAX_TAGS on one ticket."""
    cleaned = sorted({" ".join(t.split()).lower().replace(" ", "-")[:60] for t in tags if t and t.strip()})
    if len(cleaned) > MAX_TAGS:
        raise ActionError(
            "too_many_tags", _("A ticket can have at most %(n)d tags.") % {"n": MAX_TAGS}, field="tags", status=422
        )
    return cleaned


def clean_custom_fields(values: dict[str, Any], *, target: str = CustomField.Target.TICKET) -> dict[str, Any]:
    """Check values against the typed custom field definitions; unknown keys are an error."""
    definitions = {f.key: f for f in CustomField.objects.filter(target=target)}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        field = definitions.get(key)
        if field is None:
            raise ActionError("unknown_field", _("Unknown field %(key)s.") % {"key": key}, field=key, status=422)
        if value in (None, ""):
            continue
        error = ActionError(
            "invalid_field", _("Enter a valid value for %(label)s.") % {"label": str(field)}, field=key, status=422
        )
        if field.type == CustomField.Type.NUMBER:
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise error from None
            value = int(number) if number.is_integer() else number
        elif field.type == CustomField.Type.DATE:
            try:
                value = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise error from None
        elif field.type == CustomField.Type.CHECKBOX:
            value = value in (True, "true", "on", "1", 1, "yes")
        elif field.type == CustomField.Type.SELECT:
            if str(value) not in [str(c) for c in field.choices]:
                raise error
            value = str(value)
        else:
            value = str(value)[:1000]
        cleaned[key] = value
    return cleaned


def _get_tags(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    return list(existing.values())


def _once(actor: User | None, submission: str, scope: str, create: Any) -> int:
    """Run `create` (returning an id) once per submission key; a repeat returns the first id."""
    if not submission:
        return int(create())
    status, body = run_once(actor.pk if actor is not None else 0, submission, scope, lambda: (201, {"id": create()}))
    if status == 409 or body is None:
        raise ActionError(
            "submission_reused", _("This form was already used for something else. Reload the page."), status=409
        )
    return int(body["id"])


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
) -> Message:
    """A public agent reply (it fulfils reply clocks, METRICS.md §2.3); optionally sets a status with it. With no
    actor it is the system's (an automation rule's) reply: automated, by no person."""
    if actor is not None and not actor.can_reply_publicly:
        raise ActionError("forbidden", _("Your role cannot reply to customers."), status=403)
    body_html = _body_html(body, is_html=is_html)
    check_attachments(attachments)
    if status is not None and status.category == Category.NEW:
        raise ActionError("invalid_transition", _("A ticket cannot move back to New."), field="status")

    def create() -> int:
        return _reply(ticket, body_html=body_html, actor=actor, attachments=attachments, via=via, status=status).pk

    return Message.objects.get(pk=_once(actor, submission, "ticket.reply", create))


def _reply(
    ticket: Ticket,
    *,
    body_html: str,
    actor: User | None,
    attachments: Sequence[UploadedFile],
    via: str,
    status: TicketStatus | None,
) -> Message:
    ticket = _lock(ticket)
    _check_not_closed(ticket)
    if ticket.merged_into_id:
        raise ActionError("ticket_merged", _("This ticket was merged into another ticket."))
    now = timezone.now()
    message = _add_message(
        ticket,
        body_html=body_html,
        author_role=Message.AuthorRole.AGENT if actor is not None else Message.AuthorRole.SYSTEM,
        visibility=Message.Visibility.PUBLIC,
        actor=actor,
        channel=ticket.channel,
        via=via,
        is_automated=actor is None,
        at=now,
        attachments=attachments,
    )
    if status is not None:
        _set_status(ticket, status, actor=actor, at=now)
    else:
        _agent_touch(ticket, actor=actor, at=now)
    ticket.updated_at = now
    ticket.save(update_fields=["status", "status_category", "solved_at", "closed_at", "updated_at", "message_count"])
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

    def create() -> int:
        return _note(ticket, body_html=body_html, actor=actor, attachments=attachments, via=via).pk

    return Message.objects.get(pk=_once(actor, submission, "ticket.note", create))


def _note(
    ticket: Ticket, *, body_html: str, actor: User | None, attachments: Sequence[UploadedFile], via: str
) -> Message:
    ticket = _lock(ticket)
    now = timezone.now()
    message = _add_message(
        ticket,
        body_html=body_html,
        author_role=Message.AuthorRole.AGENT if actor is not None else Message.AuthorRole.SYSTEM,
        visibility=Message.Visibility.INTERNAL,
        actor=actor,
        channel=ticket.channel,
        via=via,
        is_automated=actor is None,
        at=now,
        attachments=attachments,
    )
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at", "message_count"])
    return message


# --- fields --------------------------------------------------------------------------------------------------------


@transaction.atomic
def change_status(ticket: Ticket, *, status: TicketStatus, actor: User | None) -> Ticket:
    ticket = _lock(ticket)
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
def assign_ticket(ticket: Ticket, *, assignee: User | None, actor: User | None) -> Ticket:
    ticket = _lock(ticket)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    _check_not_closed(ticket)
    if assignee is not None and (not assignee.can_reply_publicly or not assignee.is_active):
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
    ticket = _lock(ticket)
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
def set_tags(ticket: Ticket, *, tags: Iterable[str], actor: User | None) -> Ticket:
    ticket = _lock(ticket)
    new = clean_tags(tags)
    old = sorted(ticket.tags.values_list("name", flat=True))
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
    ticket = _lock(ticket)
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
def set_following(ticket: Ticket, *, user: User, following: bool, actor: User) -> Ticket:
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
    if source.merged_into_id:
        raise ActionError("ticket_merged", _("This ticket was already merged."), field="target")
    if target.merged_into_id or target.status_category == Category.CLOSED:
        raise ActionError("merge_target_closed", _("Choose an open ticket to merge into."), field="target")
    now = timezone.now()
    source.merged_into = target
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
    ticket = _lock(ticket)
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
    Message.objects.filter(author_customer_id=source.pk).update(author_customer=target)
    enqueue_on_commit("opsdesk.tickets.tasks.reindex_customer_tickets", target.pk)
    return target


def _move_requester(ticket: Ticket, *, requester: Customer, actor: User | None) -> Ticket:
    ticket = _lock(ticket)
    now = timezone.now()
    old_requester, old_organization = ticket.requester_id, ticket.organization_id
    ticket.requester_id = requester.pk
    ticket.organization_id = requester.organization_id
    timeline.record(ticket, "requester.changed", actor=actor, at=now, data={"old": old_requester, "new": requester.pk})
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


# --- bulk ----------------------------------------------------------------------------------------------------------

UNSET: Any = object()


def bulk_update(
    tickets: Sequence[Ticket],
    *,
    actor: User,
    assignee: User | None = UNSET,
    status: TicketStatus | None = None,
    add_tags: Iterable[str] = (),
) -> tuple[int, list[tuple[int, str]]]:
    """Apply the same change to many tickets, one transaction each, through the single-ticket actions.

    Returns how many tickets changed and, for those refused, (ticket id, message)."""
    changed = 0
    refused: list[tuple[int, str]] = []
    tags = clean_tags(add_tags)
    for ticket in tickets:
        try:
            with transaction.atomic():
                if assignee is not UNSET:
                    assign_ticket(ticket, assignee=assignee, actor=actor)
                if status is not None:
                    change_status(ticket, status=status, actor=actor)
                if tags:
                    current = list(ticket.tags.values_list("name", flat=True))
                    set_tags(ticket, tags=[*current, *tags], actor=actor)
            changed += 1
        except ActionError as error:
            refused.append((ticket.pk, error.message))
    return changed, refused


def categories_unsolved() -> tuple[str, ...]:
    return tuple(str(c) for c in UNSOLVED_CATEGORIES)


# --- saved views ---------------------------------------------------------------------------------------------------


@transaction.atomic
def save_view(*, name: str, filters: dict[str, Any], sort: str, shared: bool, actor: User) -> SavedView:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    view = SavedView.objects.create(name=name[:100], owner=None if shared else actor, filters=filters, sort=sort)
    audit.record(actor=actor, verb="saved_view.created", target=view, data={"filters": filters, "shared": shared})
    return view


@transaction.atomic
def delete_view(view: SavedView, *, actor: User) -> None:
    audit.record(actor=actor, verb="saved_view.deleted", target=view, data={"name": view.name, "filters": view.filters})
    view.delete()


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


# The intake (tickets.intake) opens every ticket and adds every customer message; it builds on the helpers above.
from opsdesk.tickets.intake import add_customer_reply, create_ticket  # noqa: E402

__all__ = ["add_customer_reply", "create_ticket"]
