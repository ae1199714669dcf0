"""The one intake: every ticket, from every source, is opened by `create_ticket`, and every message from a customer
on an existing ticket is added by `add_customer_reply`.

The agent's "New ticket" page, the portal, the public contact form and the API call these, and so will the email,
chat, phone and web-form channels. Each runs in one transaction: the rules are checked before anything is written
(lengths and choices too, so PostgreSQL never refuses what SQLite would store), then the customer is found or
created, the ticket, its first message, attachments and events are written, the search document is updated and
notifications are queued. A refused file, field or address leaves nothing behind: no customer, no ticket.

A `submission` key (the one-time token of a form, or an API request's Idempotency-Key) makes a double submit one
ticket or one reply: the second request gets the first one's result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.models import Role
from opsdesk.core.errors import ActionError
from opsdesk.customers import actions as customer_actions
from opsdesk.fields.actions import clean_custom_fields
from opsdesk.fields.models import CustomField
from opsdesk.tickets import notifications, timeline
from opsdesk.tickets.actions import follow
from opsdesk.tickets.actions.common import (
    _add_message,
    _body_html,
    _get_tags,
    _lock,
    _once,
    _set_status,
    check_attachments,
    clean_tags,
    default_status,
)
from opsdesk.tickets.models import Message, Ticket, TicketStatus

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.customers.models import Customer
    from opsdesk.messaging.models import Mailbox
    from opsdesk.people.models import Team

Category = TicketStatus.Category
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)
MAX_SUBJECT = 250
MAX_NAME = 200


def _check_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ActionError("empty_subject", _("Enter a subject."), field="subject", status=422)
    if len(subject) > MAX_SUBJECT:
        raise ActionError(
            "subject_too_long", _("The subject can be at most 250 characters."), field="subject", status=422
        )
    return subject


def _check_choices(*, priority: str, type: str, channel: str, language: str | None) -> None:
    if priority not in Ticket.Priority.values:
        raise ActionError("invalid_priority", _("Choose a valid priority."), field="priority", status=422)
    if type not in Ticket.Type.values:
        raise ActionError("invalid_type", _("Choose a valid type."), field="type", status=422)
    if channel not in Ticket.Channel.values:
        raise ActionError("invalid_channel", _("Choose a valid channel."), field="channel", status=422)
    if language is not None and language not in LANGUAGE_CODES:
        raise ActionError("invalid_language", _("Choose a supported language."), field="language", status=422)


def _check_customer_ticket(
    actor: User,
    requester: Customer | None,
    requester_email: str,
    *,
    staff_only: dict[str, bool],
    custom_fields: dict[str, Any],
) -> Customer:
    """A customer opens tickets as themselves, with the fields the portal shows them, and the required ones."""
    own = actor.customer
    if requester is not None and requester.pk != own.pk:
        raise ActionError("forbidden_field", _("Customers open tickets as themselves."), field="requester", status=403)
    if requester_email and customer_actions.normalise_email(requester_email) not in set(
        own.emails.values_list("address", flat=True)
    ):
        raise ActionError(
            "forbidden_field", _("Customers open tickets as themselves."), field="requester_email", status=403
        )
    refused = [name for name, given in staff_only.items() if given]
    portal = {f.key: f for f in CustomField.objects.filter(target=CustomField.Target.TICKET, visible_in_portal=True)}
    hidden = sorted(set(custom_fields) - set(portal))
    if refused or hidden:
        field = refused[0] if refused else f"custom_fields.{hidden[0]}"
        raise ActionError(
            "forbidden_field", _("Only staff can set %(field)s.") % {"field": field}, field=field, status=403
        )
    for key, definition in portal.items():
        if definition.required_in_portal and custom_fields.get(key) in (None, ""):
            raise ActionError(
                "required_field",
                _("%(label)s is required.") % {"label": str(definition)},
                field=f"custom_fields.{key}",
                status=422,
            )
    return own


@transaction.atomic
def create_ticket(
    *,
    subject: str,
    body: str,
    actor: User | None,
    requester: Customer | None = None,
    requester_email: str = "",
    requester_name: str = "",
    channel: str = Ticket.Channel.EMAIL,
    via: str = "ui",
    is_html: bool = False,
    public: bool = True,
    team: Team | None = None,
    assignee: User | None = None,
    priority: str = Ticket.Priority.NORMAL,
    type: str = Ticket.Type.QUESTION,
    language: str | None = None,
    tags: Iterable[str] = (),
    custom_fields: dict[str, Any] | None = None,
    attachments: Sequence[UploadedFile] = (),
    followup_of: Ticket | None = None,
    submission: str = "",
    mailbox: Mailbox | None = None,
    cc: Sequence[Customer] = (),
    notify: bool = True,
    email_message_id: str = "",
) -> Ticket:
    """Open a ticket with its opening message.

    The requester is a customer already found, or an email address (with a name) to find or create one by. No
    actor means an inbound channel or the public contact form; a customer writes as themselves; staff who may reply
    to customers log a ticket on a customer's behalf, publicly or as an internal note.

    Channels pass the `mailbox` the message came to (replies go from it), the customers it was copied to (`cc`),
    and `notify=False` for an automatic message, which must never get our automatic answer (RFC 3834)."""
    subject = _check_subject(subject)
    body_html = _body_html(body, is_html=is_html)
    check_attachments(attachments)
    tag_names = clean_tags(tags)
    _check_choices(priority=priority, type=type, channel=channel, language=language)
    fields = clean_custom_fields(custom_fields or {})
    requester_name = " ".join((requester_name or "").split())
    if len(requester_name) > MAX_NAME:
        raise ActionError(
            "name_too_long", _("The name can be at most 200 characters."), field="requester_name", status=422
        )
    by_agent = actor is not None and actor.is_agent_side
    if actor is not None and actor.role == Role.CUSTOMER:
        requester = _check_customer_ticket(
            actor,
            requester,
            requester_email,
            staff_only={
                "team_id": team is not None,
                "assignee_id": assignee is not None,
                "tags": bool(tag_names),
                "public": not public,
                "priority": priority != Ticket.Priority.NORMAL,
                "type": type != Ticket.Type.QUESTION,
                "requester_name": bool(requester_name),
            },
            custom_fields=custom_fields or {},
        )
    elif by_agent and actor is not None and not actor.can_reply_publicly:
        raise ActionError("forbidden", _("Your role cannot open tickets for customers."), status=403)
    if assignee is not None and (not assignee.can_reply_publicly or not assignee.is_active):
        raise ActionError("invalid_assignee", _("Tickets can only be assigned to active agents."), field="assignee")
    if requester is None:
        if not requester_email:
            raise ActionError("no_requester", _("Enter the requester's email address."), field="requester_email")
        address = customer_actions.normalise_email(requester_email, field="requester_email")
    elif requester.merged_into_id is not None:
        raise ActionError("requester_merged", _("This customer was merged into another one."), field="requester")

    def create() -> Ticket:
        customer = requester or customer_actions.get_or_create_customer_by_email(
            email=address,
            name=requester_name,
            language=language or "en",
            # staff opening a ticket for a new customer chose its language; a channel or a form only assumes it
            language_confirmed=by_agent and language is not None,
            actor=actor,
        )
        return _open(
            subject=subject,
            body_html=body_html,
            requester=customer,
            actor=actor,
            by_agent=by_agent,
            channel=channel,
            via=via,
            public=public,
            team=team,
            assignee=assignee,
            priority=priority,
            type=type,
            language=language or customer.language,
            tag_names=tag_names,
            fields=fields,
            attachments=attachments,
            followup_of=followup_of,
            mailbox=mailbox,
            cc=cc,
            notify=notify,
            email_message_id=email_message_id,
        )

    return _once(actor, submission, "ticket.create", create)


def _open(
    *,
    subject: str,
    body_html: str,
    requester: Customer,
    actor: User | None,
    by_agent: bool,
    channel: str,
    via: str,
    public: bool,
    team: Team | None,
    assignee: User | None,
    priority: str,
    type: str,
    language: str,
    tag_names: list[str],
    fields: dict[str, Any],
    attachments: Sequence[UploadedFile],
    followup_of: Ticket | None,
    mailbox: Mailbox | None = None,
    cc: Sequence[Customer] = (),
    notify: bool = True,
    email_message_id: str = "",
) -> Ticket:
    now = timezone.now()
    status = default_status(Category.OPEN if by_agent and assignee is not None else Category.NEW)
    ticket = Ticket.objects.create(
        subject=subject,
        requester=requester,
        organization_id=requester.organization_id,
        team=team,
        assignee=assignee,
        status=status,
        status_category=status.category,
        priority=priority,
        type=type,
        channel=channel,
        language=language,
        custom_fields=fields,
        followup_of=followup_of,
        mailbox=mailbox,
        created_at=now,
        updated_at=now,
    )
    role = Message.AuthorRole.AGENT if by_agent else Message.AuthorRole.END_USER
    timeline.record(
        ticket,
        "ticket.created",
        actor=actor,
        at=now,
        role=role,
        data={
            "channel": channel,
            "created_by": role,
            "requester": requester.pk,
            "group": team.pk if team else None,
            "priority": priority,
            "status": status.pk,
            "category": status.category,
            "assignee": assignee.pk if assignee else None,
            "followup_of": followup_of.pk if followup_of else None,
            "split_from": None,
        },
    )
    message = _add_message(
        ticket,
        body_html=body_html,
        author_role=role,
        visibility=Message.Visibility.PUBLIC if public or not by_agent else Message.Visibility.INTERNAL,
        actor=actor,
        customer=None if by_agent else requester,
        channel=channel,
        via=via,
        at=now,
        attachments=attachments,
        email_message_id=email_message_id,
    )
    if tag_names:
        ticket.tags.set(_get_tags(tag_names))
        timeline.record(ticket, "tags.changed", actor=actor, at=now, role=role, data={"old": [], "new": tag_names})
    ticket.save(update_fields=["message_count"])
    _add_cc(ticket, cc)
    if not by_agent:
        if notify:
            follow_link = follow.wants_follow_link(requester)
            mail = notifications.ticket_received(ticket, follow_link=follow_link)
            if mail is not None and follow_link:
                follow.issue_follow_link(ticket, mail=mail)
    elif public:
        notifications.agent_reply(message)
    return ticket


def _add_cc(ticket: Ticket, cc: Sequence[Customer]) -> None:
    """Copied customers join the ticket's CC list (never its requester, never twice)."""
    wanted = {c.pk for c in cc if c.pk != ticket.requester_id}
    if wanted:
        ticket.cc.add(*(wanted - set(ticket.cc.values_list("pk", flat=True))))


@transaction.atomic
def add_customer_reply(
    ticket: Ticket,
    *,
    body: str,
    customer: Customer,
    actor: User | None,
    channel: str = Ticket.Channel.PORTAL,
    is_html: bool = False,
    attachments: Sequence[UploadedFile] = (),
    submission: str = "",
    via: str = "ui",
    cc: Sequence[Customer] = (),
    automatic: bool = False,
    email_message_id: str = "",
    notify_assignee: bool = True,
) -> Message:
    """A public end-user comment, with one rule for every source (METRICS.md §1):

    - on a ticket merged into another, it goes to the ticket it was merged into, when the customer can see that one;
    - on a closed ticket (or a merged one whose target the customer cannot see), it opens a follow-up ticket, so
      the closed one keeps its final metrics;
    - on a pending, on-hold or solved ticket, it reopens it.

    `automatic` (an out-of-office or other auto-reply, RFC 3834): the message is added but reopens nothing, notifies
    nobody and never gets an automatic answer; the email channel does not pass one for a closed ticket.
    `notify_assignee=False`: the assignee is not mailed about it (an agent in a live chat reads it as it comes); a
    follow-up ticket still notifies as usual."""
    if actor is not None and actor.role == Role.CUSTOMER and actor.customer.pk != customer.pk:
        raise ActionError("forbidden", _("Customers reply as themselves."), status=403)
    if actor is not None and actor.is_agent_side:
        raise ActionError("forbidden", _("Staff reply with a public reply or a note."), status=403)
    body_html = _body_html(body, is_html=is_html)
    check_attachments(attachments)
    if channel not in Ticket.Channel.values:
        raise ActionError("invalid_channel", _("Choose a valid channel."), field="channel", status=422)

    def create() -> Message:
        return _reply(
            ticket,
            body_html=body_html,
            customer=customer,
            actor=actor,
            channel=channel,
            attachments=attachments,
            via=via,
            cc=cc,
            automatic=automatic,
            email_message_id=email_message_id,
            notify_assignee=notify_assignee,
        )

    return _once(actor, submission, "ticket.customer_reply", create)


def _reply(
    ticket: Ticket,
    *,
    body_html: str,
    customer: Customer,
    actor: User | None,
    channel: str,
    attachments: Sequence[UploadedFile],
    via: str,
    cc: Sequence[Customer] = (),
    automatic: bool = False,
    email_message_id: str = "",
    notify_assignee: bool = True,
) -> Message:
    ticket = _lock(ticket)
    seen = {ticket.pk}
    while ticket.merged_into_id and ticket.merged_into_id not in seen:
        target = Ticket.objects.select_related("status").get(pk=ticket.merged_into_id)
        if not Ticket.objects.visible_to_customer(customer).filter(pk=target.pk).exists():
            break
        ticket = _lock(target)
        seen.add(ticket.pk)
    if ticket.status_category == Category.CLOSED:
        # Not the customer's choice of fields: the follow-up carries the closed ticket's team, priority and type.
        followup = _open(
            subject=ticket.subject,
            body_html=body_html,
            requester=customer,
            actor=actor,
            by_agent=False,
            channel=channel,
            via="followup",
            public=True,
            team=ticket.team,
            assignee=None,
            priority=ticket.priority,
            type=ticket.type,
            language=ticket.language,
            tag_names=[],
            fields={},
            attachments=attachments,
            followup_of=ticket,
            mailbox=ticket.mailbox,
            cc=cc,
            notify=not automatic,
            email_message_id=email_message_id,
        )
        return followup.messages.get()
    now = timezone.now()
    message = _add_message(
        ticket,
        body_html=body_html,
        author_role=Message.AuthorRole.END_USER,
        visibility=Message.Visibility.PUBLIC,
        actor=actor,
        customer=customer,
        channel=channel,
        via=via,
        at=now,
        attachments=attachments,
        email_message_id=email_message_id,
    )
    if not automatic and ticket.status_category in (Category.PENDING, Category.ON_HOLD, Category.SOLVED):
        _set_status(ticket, default_status(Category.OPEN), actor=actor, at=now, role=Message.AuthorRole.END_USER)
    ticket.updated_at = now
    ticket.save(update_fields=["status", "status_category", "updated_at", "message_count"])
    _add_cc(ticket, cc)
    if not automatic and notify_assignee:
        notifications.customer_reply(message)
    return message
