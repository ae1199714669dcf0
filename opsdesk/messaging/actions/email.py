"""Receiving email: every transport (IMAP, LMTP, `opsdesk ingest-email`, the API) hands the raw bytes to
`receive_email`, which stores them before anything else reads them. The same bytes twice are one row."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.messaging.models import InboundEmail, Mailbox


def _header(value: object, limit: int) -> str:
    """A header decoded as far as it can be without failing: the raw text when its encoded words are broken."""
    if value is None:
        return ""
    try:
        text = str(make_header(decode_header(str(value))))
    except (UnicodeError, LookupError, ValueError, TypeError):
        text = str(value)
    return " ".join(text.replace("\x00", "").split())[:limit]


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
    except IntegrityError:  # the same bytes arrived at the same moment by another way
        return InboundEmail.objects.get(sha256=digest), False
    return inbound, True
