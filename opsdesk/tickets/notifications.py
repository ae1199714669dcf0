"""Ticket notifications: rendered in the recipient's language inside the action's transaction and written to the
outbox (core/outbox.py), which sends them after commit. Actions call these; nothing here sends mail itself.

Mail to the customer goes from the ticket's mailbox (its name and address; DEFAULT_FROM_EMAIL when it has none),
with the signed reply address of core/replytokens.py as its Reply-To and the signed body token in small grey text
at its foot, so a reply finds its ticket even when a mail client drops In-Reply-To and References. Every mail that
no person wrote carries Auto-Submitted (RFC 3834), so auto-responders do not answer it."""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse

from opsdesk.core import outbox, replytokens
from opsdesk.tickets.models import Attachment, Message, Ticket

if TYPE_CHECKING:
    from opsdesk.core.models import OutgoingMail


def customer_mail(ticket: Ticket) -> dict[str, Any]:
    """From, Reply-To and the template context that every mail to the ticket's customers shares."""
    mailbox = ticket.mailbox if ticket.mailbox_id and ticket.mailbox and ticket.mailbox.active else None
    if mailbox is not None:
        from_email, address, signature = formataddr((mailbox.name, mailbox.address)), mailbox.address, mailbox.signature
    else:
        from_email, signature = settings.DEFAULT_FROM_EMAIL, ""
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return {
        "from_email": from_email,
        "headers": {"Reply-To": replytokens.reply_address(address, ticket.pk)} if address else {},
        "context": {"signature": signature, "reply_token": replytokens.body_token(ticket.pk)},
    }


def _answering(ticket: Ticket) -> list[tuple[str, Any]]:
    """The customer's emails on the ticket (Message-ID and time), the first and the newest, for threading headers."""
    emails = list(
        Message.objects.filter(ticket=ticket, author_role=Message.AuthorRole.END_USER)
        .exclude(email_message_id="")
        .order_by("created_at", "id")
        .values_list("email_message_id", "created_at")
    )
    return emails[:1] + emails[1:][-1:]


def ticket_received(ticket: Ticket, *, follow_link: bool = False) -> OutgoingMail | None:
    """Tell the requester their request arrived (an automatic answer to their message, RFC 3834).

    With `follow_link` (a requester without a portal login) the mail carries the link to follow and answer the
    request without signing in instead of the portal's address; its token is the mail's secret, filled in when it
    is sent, and the caller stores its hash (actions/follow.py)."""
    to = ticket.requester.primary_email
    if not to:
        return None
    mail = customer_mail(ticket)
    follow_path = reverse("follow_request", args=[outbox.SECRET_PLACEHOLDER]) if follow_link else ""
    return outbox.queue_templated(
        "tickets/emails/ticket_received",
        kind="tickets.ticket_received",
        to=[to],
        language=ticket.requester.language,
        context={
            "ticket": ticket,
            "follow_path": follow_path,
            "follow_days": settings.OPSDESK_FOLLOW_LINK_DAYS,
            **mail["context"],
        },
        ticket_id=ticket.pk,
        headers={**mail["headers"], "Auto-Submitted": "auto-replied"},
        from_email=mail["from_email"],
        answering=_answering(ticket),
        has_secret=follow_link,
    )


def agent_reply(message: Message) -> None:
    """Send a public agent reply to the requester and the customers copied on the ticket, with its files.

    An automation rule's reply (no author) is automatic mail and says so; a person's is not. A requester without a
    portal login gets a follow link in place of the portal's address (ADR 0029), in a mail of their own: the link
    answers as the requester, so it never goes to the people copied, who get theirs without it."""
    from opsdesk.tickets.actions import follow  # the actions import this module

    ticket = message.ticket
    to = ticket.requester.primary_email
    if not (message.is_public and to):
        return
    copied = [c.primary_email for c in ticket.cc.prefetch_related("emails").exclude(pk=ticket.requester_id)]
    copied = sorted({address.lower() for address in copied if address and address.lower() != to.lower()})
    mail = customer_mail(ticket)
    headers = dict(mail["headers"])
    if copied:
        headers["Cc"] = ", ".join(copied)
    if message.is_automated or message.author_user_id is None:
        headers["Auto-Submitted"] = "auto-replied"
    attachment_ids = list(message.attachments.order_by("pk").values_list("pk", flat=True))
    answering = _answering(ticket)  # read once: the requester's mail and the copied people's answer the same thread
    follow_link = follow.wants_follow_link(ticket.requester)

    def send(recipients: list[str], *, with_link: bool) -> OutgoingMail:
        return outbox.queue_templated(
            "tickets/emails/agent_reply",
            kind="tickets.agent_reply",
            to=recipients,
            language=ticket.requester.language,
            context={
                "ticket": ticket,
                "message": message,
                "follow_path": reverse("follow_request", args=[outbox.SECRET_PLACEHOLDER]) if with_link else "",
                "follow_days": settings.OPSDESK_FOLLOW_LINK_DAYS,
                **mail["context"],
            },
            ticket_id=ticket.pk,
            headers=headers,
            from_email=mail["from_email"],
            attachment_ids=attachment_ids,
            answering=answering,
            has_secret=with_link,
        )

    if not follow_link:
        send([to, *copied], with_link=False)
        return
    follow.issue_follow_link(ticket, mail=send([to], with_link=True))
    if copied:
        send(copied, with_link=False)


def customer_reply(message: Message) -> None:
    """Tell the assignee, if any, that the customer replied."""
    ticket = message.ticket
    assignee = ticket.assignee
    if assignee is not None and assignee.is_active:
        outbox.queue_templated(
            "tickets/emails/customer_reply",
            kind="tickets.customer_reply",
            to=[assignee.email],
            language=assignee.language,
            context={"ticket": ticket, "message": message},
            ticket_id=ticket.pk,
            headers={"Auto-Submitted": "auto-generated"},
        )


def attachment_files(ids: Sequence[int]) -> list[tuple[str, bytes, str]]:
    """The outbox's loader (OPSDESK_MAIL_ATTACHMENTS): each attachment's name, bytes and type, read from storage
    when the mail is sent. One removed since is left out; a storage failure raises OSError, and the outbox tries
    the mail again later."""
    files = []
    for attachment in Attachment.objects.filter(pk__in=ids).order_by("pk"):
        with attachment.file.open("rb") as handle:
            files.append((attachment.filename, handle.read(), attachment.content_type))
    return files
