"""Receiving email: every transport (IMAP, LMTP, `opsdesk ingest-email`, the API) hands the raw bytes to
`receive_email`, which stores them before anything else reads them (the same bytes twice are one row) and queues
`process_email` when the row commits.

`process_email` turns a stored message into what it means, in ONE transaction with the row locked: a new ticket or
a customer's reply through the one intake (tickets.actions), the customer, the CC'd customers and followers, the
attachments, the `email.received` event and the row's outcome. A crash part-way leaves nothing, and running it
again (a retry, the sweep, a second copy) does it exactly once. ADR 0015 says how automatic mail, bounces,
duplicates and the per-sender limit are treated."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Sequence
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit
from opsdesk.core import origin, outbox
from opsdesk.core.errors import ActionError
from opsdesk.core.html import text_to_html
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.core.models import OutgoingMail
from opsdesk.core.replytokens import base_address
from opsdesk.customers import actions as customer_actions
from opsdesk.customers.models import Customer, CustomerEmail
from opsdesk.messaging import language as detection
from opsdesk.messaging.email.parse import (
    ParsedEmail,
    UnparseableEmail,
    automatic_reasons,
    decode_header_value,
    parse_email,
)
from opsdesk.messaging.email.threading import find_ticket
from opsdesk.messaging.models import InboundEmail, Mailbox
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import timeline
from opsdesk.tickets.models import Message, Ticket

PROCESS_JOB = "opsdesk.messaging.tasks.process_email"
State = InboundEmail.State
TOO_LARGE = "too_large"  # the reason of a header-only row: the message itself is still on the IMAP server
log = logging.getLogger(__name__)


def _header(value: object, limit: int) -> str:
    """A header decoded as far as it can be without failing (broken encoded words, unknown charsets and raw 8-bit
    bytes included: parse.decode_header_value never raises)."""
    return decode_header_value(value, limit)


def _summary(raw: bytes) -> tuple[str, str, str]:
    """Message-ID, sender address and subject from the header block: only what the quarantine list shows.

    compat32 never raises on a malformed header; whatever is unreadable stays empty."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    message_id = _header(headers.get("Message-ID"), 250)
    sender = parseaddr(_header(headers.get("From"), 998))[1][:254]
    return message_id, sender, _header(headers.get("Subject"), 250)


def receive_email(
    raw: bytes,
    *,
    via: str,
    mailbox: Mailbox | None = None,
    recipients: Sequence[str] = (),
) -> tuple[InboundEmail, bool]:
    """Store one raw message (the first step, before any parsing); (the row, whether it is new).

    Refused only when empty or larger than OPSDESK_MAX_EMAIL_BYTES, so a transport can answer at once (SMTP 552)
    and the sender learns of it; anything else is kept, even if it turns out to be unreadable."""
    if via not in InboundEmail.Via.values:
        raise ValueError(f"unknown transport {via!r}")
    if not raw.strip():
        raise ActionError("empty_message", _("The message is empty."), status=422)
    limit = settings.OPSDESK_MAX_EMAIL_BYTES
    if len(raw) > limit:
        raise ActionError(
            "message_too_large",
            _("The message is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)},
            status=413,
        )
    digest = hashlib.sha256(raw).hexdigest()
    existing = InboundEmail.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    message_id, sender, subject = _summary(raw)
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                mailbox=mailbox,
                via=via,
                raw=raw,
                size=len(raw),
                sha256=digest,
                message_id=message_id,
                sender=sender,
                subject=subject,
                recipients=[str(r)[:254] for r in recipients][:100],
                received_at=timezone.now(),
            )
            enqueue_on_commit(PROCESS_JOB, inbound.pk)
    except IntegrityError:  # the same bytes arrived at the same moment by another way
        return InboundEmail.objects.get(sha256=digest), False
    return inbound, True


MAX_HEADER_BYTES = 256 * 1024  # of a too-large message's header block kept


def quarantine_too_large(
    header: bytes, *, size: int, mailbox: Mailbox, folder: str, uid: str
) -> tuple[InboundEmail, bool]:
    """A message over OPSDESK_MAX_EMAIL_BYTES that an IMAP pass leaves on the server: its header block (who sent
    what, when) is stored quarantined with reason `too_large`, its whole size and where it lies (folder, UID), so it
    waits on the inbound mail page instead of vanishing. The same header block and size twice are one row."""
    header = header[:MAX_HEADER_BYTES]
    digest = hashlib.sha256(header + b"\0too_large:%d" % size).hexdigest()
    existing = InboundEmail.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    message_id, sender, subject = _summary(header)
    now = timezone.now()
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                mailbox=mailbox,
                via=InboundEmail.Via.IMAP,
                raw=header,
                size=size,
                sha256=digest,
                message_id=message_id,
                sender=sender,
                subject=subject,
                state=State.QUARANTINED,
                reason=TOO_LARGE,
                server_folder=folder[:200],
                server_uid=uid[:20],
                received_at=now,
                processed_at=now,
            )
    except IntegrityError:  # another pass stored it at the same moment
        return InboundEmail.objects.get(sha256=digest), False
    log.warning(
        "message %s in %s of mailbox %s is %d bytes, over the limit: left on the server, its headers quarantined (%s)",
        uid,
        folder,
        mailbox.address,
        size,
        inbound.pk,
    )
    return inbound, True


# --- processing ----------------------------------------------------------------------------------------------------

MAX_COPIED = 20  # CC'd addresses that join a ticket from one message; the rest stay in the raw message
STALLED_AFTER = timedelta(minutes=3)
RETRYABLE = (State.QUARANTINED, State.IGNORED)
TOO_LARGE_RETRY = gettext_lazy(
    "Only this message's headers were stored, so there is nothing to process: the message itself is still on the "
    "IMAP server. To take it in, raise the size limit, then mark it unread on the server; the next poll fetches it "
    "whole. Then discard this row."
)


def process_email(inbound: InboundEmail, *, force: bool = False) -> InboundEmail:
    """Turn a RECEIVED row into a ticket, a reply, or an ignored or quarantined row; a row already done is returned
    as it is. `force` (an admin's retry) processes an ignored or quarantined row again and lets an automatic
    message open a ticket; a duplicate stays a duplicate."""
    with origin.origin(source="email", cause=f"inbound_email:{inbound.pk}"):
        return _process(inbound.pk, force=force)


@transaction.atomic
def _process(pk: int, *, force: bool) -> InboundEmail:
    # Every copy of one Message-ID from one sender is locked, in id order, before any is read: two workers with two
    # copies take turns, and the second finds the first one's outcome (PostgreSQL; SQLite's writers take turns).
    key = InboundEmail.objects.filter(pk=pk).values_list("message_id", "sender").first()
    copies: list[tuple[int, str, int | None]] = []
    if key and key[0] and key[1]:
        copies = list(
            InboundEmail.objects.select_for_update()
            .filter(message_id=key[0], sender=key[1])
            .order_by("pk")
            .values_list("pk", "state", "ticket_id")
        )
    row = InboundEmail.objects.select_for_update(of=("self",)).select_related("mailbox").get(pk=pk)
    if not (row.state == State.RECEIVED or (force and row.state in RETRYABLE)) or row.reason == TOO_LARGE:
        return row  # a too-large row holds headers only: there is no message to process
    row.attempts = min(row.attempts + 1, 32767)
    try:
        parsed = parse_email(bytes(row.raw), max_attachment_bytes=settings.OPSDESK_MAX_ATTACHMENT_BYTES)
    except UnparseableEmail as error:
        return _finish(row, State.QUARANTINED, reason="unparseable", error=str(error))
    try:
        with transaction.atomic():  # a refusal by the intake leaves nothing of this message behind
            return _apply(row, parsed, force=force, copies=copies)
    except ActionError as error:
        return _finish(row, State.QUARANTINED, reason="refused", error=f"{error.code}: {error.message}")


def _finish(
    row: InboundEmail,
    state: str,
    *,
    reason: str = "",
    error: str = "",
    ticket: Ticket | None = None,
    comment: Message | None = None,
    thread_reason: str = "",
) -> InboundEmail:
    """The row's outcome, written last in the same transaction as everything the message produced."""
    row.state = state
    row.reason = reason
    row.error = error[:2000]
    row.ticket = ticket
    row.comment = comment
    row.thread_reason = thread_reason
    row.processed_at = timezone.now()
    row.save(
        update_fields=["state", "reason", "error", "ticket", "comment", "thread_reason", "processed_at", "attempts"]
    )
    return row


def find_mailbox(row: InboundEmail, parsed: ParsedEmail, mailboxes: list[Mailbox]) -> Mailbox | None:
    """The row's own mailbox (the transport's), else the first active mailbox among the recipients: the envelope's,
    then Delivered-To, To and Cc (plus-addresses count as their base address)."""
    if row.mailbox is not None and row.mailbox.active:
        return row.mailbox
    found = [*row.recipients, *parsed.delivered_to, *parsed.to, *parsed.cc]
    boxes = {m.address.lower(): m for m in mailboxes if m.active}
    return next((boxes[c] for c in (base_address(a) for a in found if "@" in a) if c in boxes), None)


def _detect(parsed: ParsedEmail) -> detection.Detection | None:
    """The message's language, when this process is the worker, which holds the detector: then the receipt mail
    goes out in it and the detection is recorded with the message, from the customer's own words (not the
    placeholder an empty message gets). A web process never builds the detector: there the `messaging.language`
    consumer detects it later, and a new customer starts with the mailbox's default language."""
    if not detection.preloaded():
        return None
    return detection.detect(f"{parsed.subject}. {parsed.new_text or parsed.text}", raw=True)


def _new_customer_language(found: detection.Detection | None, mailbox: Mailbox | None) -> str | None:
    if found is not None and found.language in {code for code, _name in settings.LANGUAGES}:
        return found.language
    return mailbox.language if mailbox is not None else None


def _rate_limited(row: InboundEmail) -> bool:
    limit = settings.OPSDESK_EMAIL_SENDER_RATE_LIMIT
    if not limit or not row.sender:
        return False
    earlier = InboundEmail.objects.filter(
        sender=row.sender, received_at__gte=row.received_at - timedelta(hours=1), pk__lt=row.pk
    )
    return earlier.count() >= limit


def _apply(
    row: InboundEmail, parsed: ParsedEmail, *, force: bool, copies: list[tuple[int, str, int | None]]
) -> InboundEmail:
    # `copies`: every row of this Message-ID from this sender, read under their locks (so current)
    first = next((c for c in copies if c[0] != row.pk and c[1] in (State.PROCESSED, State.IGNORED)), None)
    if first is not None:
        return _finish(row, State.IGNORED, reason="duplicate", ticket=_ticket_or_none(first[2]))
    if parsed.bounce is not None:
        return _record_bounce(row, parsed)
    mailboxes = list(Mailbox.objects.select_related("team"))  # a handful; read once for both uses
    mailbox = find_mailbox(row, parsed, mailboxes)
    if base_address(parsed.from_address) in _own_addresses(mailboxes):
        # our own mail come back (a customer's forward to the mailbox, a misrouted copy): never a customer's message
        return _finish(row, State.IGNORED, reason="loop")
    automatic = automatic_reasons(parsed)
    if _rate_limited(row) and not force:
        automatic.append("rate_limit")
    ticket, thread_reason = find_ticket(parsed, recipients=row.recipients)
    if "mailer-daemon" in automatic and ticket is not None and not force:
        # a mail server's report without a DSN's structure (it quotes our mail, so it threads): a note, never a
        # message from a "customer" called mailer-daemon
        with translation.override(settings.LANGUAGE_CODE):
            body = _("A mail server reported a delivery problem (%(subject)s); the report is on the inbound mail page.")
        note = ticket_actions.add_note(ticket, body=body % {"subject": parsed.subject or "—"}, actor=None, via="email")
        return _finish(row, State.IGNORED, reason="bounce", ticket=ticket, comment=note, thread_reason=thread_reason)
    if automatic and not force and (ticket is None or ticket.status_category == "closed"):
        # kept aside: an admin may still turn it into a ticket from the inbound mail page (a forced retry)
        return _finish(row, State.IGNORED, reason=automatic[0], ticket=ticket, thread_reason=thread_reason)
    sender = parsed.from_address
    copied, followers = _copied(parsed, mailbox, sender, mailboxes)
    uploads, blocked = _uploads(parsed)
    body = _body(parsed, mailbox)
    found = _detect(parsed)
    if ticket is None:
        known = CustomerEmail.objects.filter(address=sender).exists()
        ticket = ticket_actions.create_ticket(
            subject=parsed.subject or _subject_placeholder(mailbox),
            body=body,
            is_html=True,
            actor=None,
            requester_email=sender,
            requester_name=parsed.from_name[:200],
            channel=Ticket.Channel.EMAIL,
            via="email",
            team=mailbox.team if mailbox else None,
            language=None if known else _new_customer_language(found, mailbox),
            attachments=uploads,
            mailbox=mailbox,
            cc=copied,
            notify=not automatic,
            email_message_id=outbox.clean_message_id(parsed.message_id),
        )
        message = ticket.messages.order_by("pk").first()
    else:
        customer = customer_actions.get_or_create_customer_by_email(
            email=sender, name=parsed.from_name[:200], language=mailbox.language if mailbox else "en", actor=None
        )
        message = ticket_actions.add_customer_reply(
            ticket,
            body=body,
            customer=customer,
            actor=None,
            channel=Ticket.Channel.EMAIL,
            via="email",
            is_html=True,
            attachments=uploads,
            cc=copied,
            automatic=bool(automatic),
            email_message_id=outbox.clean_message_id(parsed.message_id),
        )
        ticket = message.ticket  # a merged ticket's target, or a follow-up of a closed one
    assert message is not None
    if found is not None and not automatic:
        ticket_actions.record_detected_language(
            message, language=found.language, confidence=found.confidence, reason=found.reason
        )
    for user in followers:
        ticket_actions.set_following(ticket, user=user, following=True, actor=None)
    timeline.record(
        ticket,
        "email.received",
        actor=None,
        role="end_user",
        data={
            "comment": message.pk,
            "inbound": row.pk,
            "mailbox": mailbox.address if mailbox else "",
            "thread_reason": thread_reason,
            "message_id": parsed.message_id,
            "automatic": automatic,
            "blocked": blocked,
            "cc": sorted(c.pk for c in copied if c.pk != ticket.requester_id),
        },
    )
    return _finish(row, State.PROCESSED, ticket=ticket, comment=message, thread_reason=thread_reason)


def _ticket_or_none(pk: int | None) -> Ticket | None:
    return Ticket.objects.filter(pk=pk).first() if pk else None


def _own_addresses(mailboxes: list[Mailbox]) -> set[str]:
    own = {m.address.lower() for m in mailboxes}
    own.add(base_address(settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">")))
    return own


def _copied(
    parsed: ParsedEmail, mailbox: Mailbox | None, sender: str, mailboxes: list[Mailbox]
) -> tuple[list[Customer], list[User]]:
    """The people the message was also addressed to (To and Cc, not our own addresses, not the sender): staff
    become followers, everyone else a CC'd customer (found or created)."""
    own = _own_addresses(mailboxes)
    addresses = [
        a for a in dict.fromkeys((*parsed.to, *parsed.cc)) if base_address(a) not in own and a != sender.lower()
    ][:MAX_COPIED]
    if not addresses:
        return [], []
    staff = {
        u.email.lower(): u
        for u in User.objects.filter(email__in=addresses, is_active=True).exclude(role="customer")
        if u.is_agent_side
    }
    customers = []
    for address in addresses:
        if address in staff:
            continue
        try:
            customers.append(
                customer_actions.get_or_create_customer_by_email(
                    email=address, language=mailbox.language if mailbox else "en", actor=None
                )
            )
        except ActionError:  # an address Django does not accept as valid stays in the raw message only
            continue
    return customers, list(staff.values())


def _uploads(parsed: ParsedEmail) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The attachments the intake will accept (the allowed types, judged as it judges them: by the file name's
    extension first), and "name (reason)" for every part not kept."""
    uploads = []
    blocked = [f"{b.filename} ({b.reason})" for b in parsed.blocked]
    for attachment in parsed.attachments:
        guessed = (mimetypes.guess_type(attachment.filename)[0] or attachment.content_type).lower()
        if guessed not in settings.OPSDESK_ATTACHMENT_TYPES:
            blocked.append(f"{attachment.filename} (type)")
            continue
        uploads.append(SimpleUploadedFile(attachment.filename, attachment.data, content_type=attachment.content_type))
    return uploads, blocked


def _body(parsed: ParsedEmail, mailbox: Mailbox | None) -> str:
    """The message as stored: the new text, then the signature and quoted text collapsed under a "…" summary. The
    whole message stays in the raw row, so a body cut to the size limit loses nothing."""
    new = parsed.new_text.strip()
    if not new:
        with translation.override(mailbox.language if mailbox else settings.LANGUAGE_CODE):
            new = _("(This message has no text.)")
    body = text_to_html(new[: ticket_actions.MAX_BODY_CHARS // 2])
    rest = "\n\n".join(part for part in (parsed.signature, parsed.quoted_text) if part)
    if rest:
        collapsed = "<details><summary>…</summary>" + text_to_html(rest) + "</details>"
        if len(body) + len(collapsed) <= ticket_actions.MAX_BODY_CHARS:
            body += collapsed
    return body


def _subject_placeholder(mailbox: Mailbox | None) -> str:
    with translation.override(mailbox.language if mailbox else settings.LANGUAGE_CODE):
        return _("(no subject)")


def _record_bounce(row: InboundEmail, parsed: ParsedEmail) -> InboundEmail:
    """A delivery status notification: each failed address is flagged on its customer, and the ticket whose mail
    bounced (found by the original Message-ID: ours is signed, else the outbox knows it) gets an internal note."""
    bounce = parsed.bounce
    assert bounce is not None
    for address in bounce.recipients:
        customer_actions.flag_bounced_email(address, reason=parsed.subject or "bounce", actor=None)
    ticket = None
    if bounce.original_message_id:
        ours = outbox.parse_message_id(bounce.original_message_id)
        ticket_id = ours.ticket_id if ours is not None else None
        if ticket_id is None:
            ticket_id = (
                OutgoingMail.objects.filter(message_id=bounce.original_message_id)
                .values_list("ticket_id", flat=True)
                .first()
            )
        ticket = _ticket_or_none(ticket_id)
    note = None
    if ticket is not None:
        with translation.override(settings.LANGUAGE_CODE):
            body = _("Mail to %(addresses)s could not be delivered (%(subject)s).") % {
                "addresses": ", ".join(bounce.recipients),
                "subject": parsed.subject or "—",
            }
        note = ticket_actions.add_note(ticket, body=body, actor=None, via="email")
    return _finish(row, State.IGNORED, reason="bounce", ticket=ticket, comment=note)


# --- after the last try, and the admins' actions -------------------------------------------------------------------


@transaction.atomic
def quarantine_email(inbound: InboundEmail, *, error: str) -> InboundEmail:
    """The job gave up on a message (an error its retries did not cure): it waits on the inbound mail page."""
    row = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if row.state != State.RECEIVED:
        return row
    row.attempts = min(row.attempts + 1, 32767)
    return _finish(row, State.QUARANTINED, reason="failed", error=error)


def stalled_email_ids(limit: int = 200) -> list[int]:
    """RECEIVED rows older than a few minutes: their job was lost (a worker died, the queue was flushed)."""
    cutoff = timezone.now() - STALLED_AFTER
    rows = InboundEmail.objects.filter(state=State.RECEIVED, received_at__lt=cutoff).order_by("pk")
    return list(rows.values_list("pk", flat=True)[:limit])


def _audit_data(row: InboundEmail) -> dict[str, Any]:
    return {"state": row.state, "reason": row.reason, "sender": row.sender, "subject": row.subject}


@transaction.atomic
def retry_email(inbound: InboundEmail, *, actor: User) -> InboundEmail:
    """An admin processes an ignored or quarantined message again (an automatic one then opens its ticket)."""
    require(actor, Capability.MANAGE_CHANNELS)
    row = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if row.state not in RETRYABLE:
        raise ActionError("not_retryable", _("Only ignored or quarantined mail can be processed again."), status=409)
    if row.reason == TOO_LARGE:
        raise ActionError("headers_only", str(TOO_LARGE_RETRY), status=409)
    before = _audit_data(row)
    row = process_email(row, force=True)
    audit.record(actor=actor, verb="inbound_email.retried", target=row, data={"before": before, **_audit_data(row)})
    return row


@transaction.atomic
def discard_email(inbound: InboundEmail, *, actor: User) -> InboundEmail:
    """An admin decides a message needs nothing; it stays stored, marked discarded."""
    require(actor, Capability.MANAGE_CHANNELS)
    row = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if row.state not in (*RETRYABLE, State.RECEIVED):
        raise ActionError("not_discardable", _("This message was already processed."), status=409)
    before = _audit_data(row)
    row.state = State.DISCARDED
    row.processed_at = timezone.now()
    row.save(update_fields=["state", "processed_at"])
    audit.record(actor=actor, verb="inbound_email.discarded", target=row, data={"before": before})
    return row
