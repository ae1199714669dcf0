"""The durable mail outbox (docs/adr/0014-durable-mail-outbox.md).

`queue_mail` writes the mail as an `OutgoingMail` row inside the caller's transaction and queues its delivery job
on commit, with the row's id only. `deliver` claims the row, sends it over SMTP outside any transaction, and records
"sent" only after the server accepted it; a refusal or a broken connection is retried with backoff, a permanent
refusal (5xx) fails at once. `sweep`, run every minute, queues the job again for any due row whose job was lost,
so a restarted worker or a dropped queue message loses no mail.

Delivery is at least once: a worker killed after the server accepted a mail and before "sent" committed leaves the
row claimed; once the claim's lease runs out the sweep sends it again with the same Message-ID, which mail clients
de-duplicate. Each try carries the attempt number it expects (`deliver(mail_id, attempt)`), so two jobs for the
same attempt (the mail's own job and the sweep's) send it once.

Our Message-IDs name the ticket and carry an HMAC of SECRET_KEY, so inbound mail threading can trust a reference to
one of them (`parse_message_id`). A mail may carry a secret (a sign-in link's token) that is never stored nor
queued: its bodies hold `SECRET_PLACEHOLDER`, filled at send time with `mail_secret(mail)`, which is derived from
SECRET_KEY and the mail's own random Message-ID.
"""

from __future__ import annotations

import re
import secrets
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, getaddresses, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.core.mail import render_templated
from opsdesk.core.models import OutgoingMail, OutgoingMailFile

DELIVER_JOB = "opsdesk.core.tasks.deliver_mail"
MAX_ATTEMPTS = 6  # 30 s, 2 min, 8 min, 32 min, 1 h between them: given up after about 1 h 43 min
LEASE = timedelta(minutes=5)  # a claimed mail is not tried again before this (longer than an SMTP timeout)
SWEEP_AFTER = timedelta(minutes=2)  # a new mail's own job has this long before the sweep queues another
SWEEP_BATCH = 500
SECRET_PLACEHOLDER = "OPSDESK-MAIL-SECRET"  # URL-safe, so it survives reverse() and HTML escaping unchanged
REFERENCES_KEPT = 10  # RFC 5322 allows trimming References: we keep the first and the latest ones
MAX_FILE_BYTES = 10 * 1024 * 1024  # files made for one mail, together: stored in its row's table until it goes
_MESSAGE_ID_SALT = "opsdesk.core.outbox.message-id"
_SECRET_SALT = "opsdesk.core.outbox.mail-secret"
_MESSAGE_ID = re.compile(r"<(?P<scope>t[1-9][0-9]{0,18}|m)\.(?P<nonce>[0-9a-f]{16})\.(?P<sig>[0-9a-f]{24})@[^<>@\s]+>")

# Errors OpsDesk writes itself are stored in English (like a server's SMTP answer) and translated where they are
# shown (`mail_error`); a server's own text is shown as it came.
EXPIRED = gettext_noop("Expired before it could be delivered.")


def mail_error(text: str) -> str:
    """A stored last error as the reader should see it: ours translated, a server's as it is."""
    return gettext(text) if text == EXPIRED else text


# --- Message-IDs ---------------------------------------------------------------------------------------------------


def _signature(value: str, secret: str | None = None) -> str:
    return salted_hmac(_MESSAGE_ID_SALT, value, secret=secret, algorithm="sha256").hexdigest()[:24]


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "opsdesk.localhost"


def make_message_id(ticket_id: int | None) -> str:
    """`<t42.<random>.<hmac>@domain>` for a ticket's mail, `<m.<random>.<hmac>@domain>` for any other."""
    left = f"{'t' + str(ticket_id) if ticket_id is not None else 'm'}.{secrets.token_hex(8)}"
    return f"<{left}.{_signature(left)}@{_domain()}>"


@dataclass(frozen=True)
class OurMessageId:
    """A Message-ID that OpsDesk generated and signed; `ticket_id` is None for mail about no ticket."""

    ticket_id: int | None


def parse_message_id(value: str) -> OurMessageId | None:
    """Verify one Message-ID (as found in In-Reply-To or References); None when it is not ours or is forged.

    The signature is checked against SECRET_KEY and SECRET_KEY_FALLBACKS, so rotating the key keeps threads."""
    match = _MESSAGE_ID.fullmatch(value.strip())
    if match is None:
        return None
    left = f"{match['scope']}.{match['nonce']}"
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(match["sig"], _signature(left, key)) for key in keys):
        return None
    return OurMessageId(ticket_id=int(match["scope"][1:]) if match["scope"] != "m" else None)


_ANY_MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,246}@[!-;=?-~]{1,246}>")  # printable, no <, >, space or line break


def clean_message_id(value: str) -> str:
    """A Message-ID someone else wrote, fit to be repeated in our In-Reply-To and References; "" when it is not one
    (a header can carry anything, and a line break in it would inject headers)."""
    value = (value or "").strip()
    return value if len(value) <= 250 and _ANY_MESSAGE_ID.fullmatch(value) else ""


def mail_secret(mail: OutgoingMail) -> str:
    """The secret of one mail: derived from SECRET_KEY and the mail's random Message-ID, never stored."""
    return urlsafe_base64_encode(salted_hmac(_SECRET_SALT, mail.message_id, algorithm="sha256").digest())


# --- queueing ------------------------------------------------------------------------------------------------------


def _thread_headers(
    ticket_id: int, recipients: list[str], answering: Sequence[tuple[str, datetime]] = ()
) -> dict[str, str]:
    """In-Reply-To and References pointing at the ticket's previous mail to the same first recipient, and at the
    customer's own mail (`answering`: the Message-IDs and times of their emails on the ticket, oldest first).

    A ticket's mail goes to two audiences (the requester, with whoever is copied; the assignee), and each reads its
    own thread; the first recipient names the audience, so a change of who is copied keeps the thread. An answer to
    a customer's email replies to the newest mail in the conversation, theirs or ours, and references their first
    one, so their mail client shows a single thread from the message they sent."""
    earlier = OutgoingMail.objects.filter(ticket_id=ticket_id).order_by("-id")
    rows = earlier.values("recipients", "message_id", "headers", "created_at")[:50]
    parent = next((row for row in rows if row["recipients"][:1] == recipients[:1]), None)
    chain = [*str(parent["headers"].get("References", "")).split(), parent["message_id"]] if parent else []
    in_reply_to = parent["message_id"] if parent else ""
    if answering:
        first, (latest, latest_at) = answering[0][0], answering[-1]
        if first not in chain:
            chain.insert(0, first)
        if parent is None or latest_at > parent["created_at"]:
            if latest not in chain:
                chain.append(latest)
            in_reply_to = latest
    if not in_reply_to:
        return {}
    if len(chain) > REFERENCES_KEPT:
        chain = [chain[0], *chain[-(REFERENCES_KEPT - 1) :]]
    return {"In-Reply-To": in_reply_to, "References": " ".join(chain)}


def queue_mail(
    *,
    kind: str,
    to: Sequence[str],
    language: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    ticket_id: int | None = None,
    headers: dict[str, str] | None = None,
    has_secret: bool = False,
    discard_after: datetime | None = None,
    from_email: str = "",
    attachment_ids: Sequence[int] = (),
    answering: Sequence[tuple[str, datetime]] = (),
    files: Sequence[tuple[str, bytes, str]] = (),
) -> OutgoingMail:
    """Write one mail to the outbox in the current transaction; its delivery job is queued when that commits.

    `from_email` defaults to DEFAULT_FROM_EMAIL; a "Cc" in `headers` names which of `to` are copied. `files`
    (name, bytes, type) are made for this mail and stored with it (`OutgoingMailFile`), in the same transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("queue_mail() belongs inside the transaction of the change that causes the mail")
    recipients = [address.strip().lower() for address in to if address and address.strip()]
    if not recipients:
        raise ValueError("a mail needs at least one recipient")
    if sum(len(content) for _name, content, _type in files) > MAX_FILE_BYTES:
        raise ValueError("the files of a mail are at most 10 MB together")
    threading = _thread_headers(ticket_id, recipients, answering) if ticket_id is not None else {}
    mail_headers = {**(headers or {}), **threading}
    mail = OutgoingMail.objects.create(
        kind=kind,
        ticket_id=ticket_id,
        recipients=recipients,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        language=language,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        headers=mail_headers,
        message_id=make_message_id(ticket_id),
        has_secret=has_secret,
        next_attempt_at=timezone.now() + SWEEP_AFTER,
        discard_after=discard_after,
        attachment_ids=[int(pk) for pk in attachment_ids],
        file_count=len(files),
    )
    OutgoingMailFile.objects.bulk_create(
        OutgoingMailFile(mail=mail, filename=name, content=content, content_type=content_type)
        for name, content, content_type in files
    )
    enqueue_on_commit(DELIVER_JOB, mail.pk, 0)
    return mail


def requeue(mail: OutgoingMail) -> OutgoingMail:
    """Send a failed mail again (the caller's action records who asked, in its own transaction)."""
    mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
    if mail.state != OutgoingMail.State.FAILED:
        raise ActionError("mail_not_failed", _("Only a mail that could not be delivered can be sent again."))
    if mail.discard_after is not None and mail.discard_after <= timezone.now():
        raise ActionError("mail_expired", _("This mail has expired; it cannot be sent again."))
    mail.state, mail.attempts, mail.next_attempt_at = OutgoingMail.State.QUEUED, 0, timezone.now() + SWEEP_AFTER
    mail.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
    enqueue_on_commit(DELIVER_JOB, mail.pk, 0)
    return mail


# --- delivery ------------------------------------------------------------------------------------------------------


def retry_delay(failed_attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 30 s, then four times longer each time, at most an hour."""
    return min(timedelta(seconds=30 * 4 ** (failed_attempts - 1)), timedelta(hours=1))


def deliver(mail_id: int, attempt: int) -> None:
    """Try to send one mail, if it is still queued and no one made this attempt yet; safe to run twice."""
    mail = _claim(mail_id, attempt)
    if mail is None:
        return
    try:
        build_message(mail).send()
    except (smtplib.SMTPException, OSError, ValueError) as error:  # ValueError: a header Django refuses
        _record_failure(mail, error)
        return
    _record_sent(mail)


@transaction.atomic
def _claim(mail_id: int, attempt: int) -> OutgoingMail | None:
    mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
    if mail is None or mail.state != OutgoingMail.State.QUEUED or mail.attempts != attempt:
        return None  # sent, failed, or this attempt was taken by another job
    now = timezone.now()
    if mail.discard_after is not None and mail.discard_after <= now:
        mail.state, mail.next_attempt_at = OutgoingMail.State.FAILED, None
        mail.last_error = EXPIRED
        mail.save(update_fields=["state", "next_attempt_at", "last_error", "updated_at"])
        return None
    mail.attempts, mail.next_attempt_at = attempt + 1, now + LEASE
    mail.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return mail


def build_message(mail: OutgoingMail) -> EmailMultiAlternatives:
    text, html = mail.body_text, mail.body_html
    if mail.has_secret:
        secret = mail_secret(mail)
        text, html = text.replace(SECRET_PLACEHOLDER, secret), html.replace(SECRET_PLACEHOLDER, secret)
    # Date: when the mail was written, in UTC with its offset (Django's default "-0000" means "zone unknown")
    headers = {**mail.headers, "Message-ID": mail.message_id, "Date": format_datetime(mail.created_at)}
    copied = {address.lower() for _name, address in getaddresses([headers.pop("Cc", "")]) if address}
    to = [address for address in mail.recipients if address not in copied]
    cc = [address for address in mail.recipients if address in copied]
    message = EmailMultiAlternatives(mail.subject, text, mail.from_email, to, cc=cc, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    if mail.attachment_ids:
        for filename, content, content_type in import_string(settings.OPSDESK_MAIL_ATTACHMENTS)(mail.attachment_ids):
            message.attach(filename, content, content_type)
    if mail.file_count:  # read only for a mail that has some: most have none, and this runs for every mail sent
        for made in OutgoingMailFile.objects.filter(mail_id=mail.pk).order_by("pk"):
            message.attach(made.filename, bytes(made.content), made.content_type)
    return message


def _is_permanent(error: Exception) -> bool:
    """A 5xx reply (or a mail Django cannot build) will not succeed on a retry; a 4xx or a lost connection may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, ValueError)


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {message}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {message.decode(errors='replace')}"
            for address, (code, message) in error.recipients.items()
        )
    return f"{type(error).__name__}: {error}"


@transaction.atomic
def _record_failure(claimed: OutgoingMail, error: Exception) -> None:
    mail = OutgoingMail.objects.select_for_update().get(pk=claimed.pk)
    if mail.state != OutgoingMail.State.QUEUED or mail.attempts != claimed.attempts:
        return  # a later attempt or a resend moved it on meanwhile
    mail.last_error = _describe(error)[:2000]
    if _is_permanent(error) or mail.attempts >= MAX_ATTEMPTS:
        mail.state, mail.next_attempt_at = OutgoingMail.State.FAILED, None
    else:
        delay = retry_delay(mail.attempts)
        mail.next_attempt_at = timezone.now() + delay
        task, args = import_string(DELIVER_JOB), (mail.pk, mail.attempts)
        transaction.on_commit(lambda: task.schedule(args=args, delay=int(delay.total_seconds())), robust=True)
    mail.save(update_fields=["state", "next_attempt_at", "last_error", "updated_at"])


@transaction.atomic
def _record_sent(claimed: OutgoingMail) -> None:
    # The server accepted it: "sent" even if the lease ran out and another attempt is under way.
    OutgoingMail.objects.filter(pk=claimed.pk).update(
        state=OutgoingMail.State.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        updated_at=timezone.now(),
    )


def sweep(limit: int = SWEEP_BATCH) -> int:
    """Queue a delivery job for every queued mail that is due (its job was lost, or a retry's time has come).

    Each row swept waits a lease before the next sweep takes it again, so a slow queue is not flooded."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            OutgoingMail.objects.filter(state=OutgoingMail.State.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", "attempts")[:limit]
        )
        OutgoingMail.objects.filter(pk__in=[pk for pk, _attempts in due]).update(next_attempt_at=now + LEASE)
    task = import_string(DELIVER_JOB)
    for pk, attempts in due:
        task(pk, attempts)
    return len(due)


def backlog() -> dict[str, int]:
    """For /health/: queued mail overdue by more than five minutes, and mail that failed in the last day."""
    now = timezone.now()
    return {
        "overdue": OutgoingMail.objects.filter(
            state=OutgoingMail.State.QUEUED, next_attempt_at__lt=now - timedelta(minutes=5)
        ).count(),
        "failed_last_day": OutgoingMail.objects.filter(
            state=OutgoingMail.State.FAILED, updated_at__gte=now - timedelta(days=1)
        ).count(),
    }


def queue_templated(
    template_prefix: str,
    *,
    kind: str,
    to: Sequence[str],
    language: str,
    context: dict[str, Any],
    ticket_id: int | None = None,
    headers: dict[str, str] | None = None,
    has_secret: bool = False,
    discard_after: datetime | None = None,
    from_email: str = "",
    attachment_ids: Sequence[int] = (),
    answering: Sequence[tuple[str, datetime]] = (),
    files: Sequence[tuple[str, bytes, str]] = (),
) -> OutgoingMail:
    """Render `<prefix>_subject.txt`, `_body.txt` and `_body.html` in `language`, then `queue_mail` the result."""
    rendered = render_templated(template_prefix, language=language, context=context)
    return queue_mail(
        kind=kind,
        to=to,
        language=language,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        ticket_id=ticket_id,
        headers=headers,
        has_secret=has_secret,
        discard_after=discard_after,
        from_email=from_email,
        attachment_ids=attachment_ids,
        answering=answering,
        files=files,
    )
