"""Receiving mail from an MTA over LMTP (RFC 2033) or SMTP, with aiosmtpd.

The MTA (Postfix, Exim) keeps a message until we answer 250, and tries again later after a 4xx. So we answer 250
only once `receive_email` has committed the raw bytes, 451 when the database fails (the MTA retries, and a retry of
bytes already stored is the same row), 550 at RCPT for an address that is no active mailbox (plus-addressed replies,
`support+t42-…@`, belong to `support@`), and 552 for a message over OPSDESK_MAX_EMAIL_BYTES. LMTP answers DATA once
per accepted recipient; the message is stored once for all of them. See docs/adr/0016-email-transports.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, AnyStr

from aiosmtpd.controller import Controller, UnixSocketController
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections

from opsdesk.core.errors import ActionError
from opsdesk.core.replytokens import base_address
from opsdesk.messaging.actions import receive_email
from opsdesk.messaging.models import Mailbox

log = logging.getLogger(__name__)

ACCEPTED_RCPT = "250 2.1.5 OK"
STORED = "250 2.0.0 Stored"
UNKNOWN = "550 5.1.1 No such mailbox here"
TOO_LARGE = "552 5.3.4 Message too large"
EMPTY = "554 5.6.0 Empty message"
TRY_LATER = "451 4.3.0 Temporary failure, please try again later"


def mailbox_for(address: str) -> int | None:
    """The active mailbox an envelope address delivers to, plus part and case ignored."""
    close_old_connections()
    try:
        found = (
            Mailbox.objects.filter(address__iexact=base_address(address), active=True)
            .values_list("pk", flat=True)
            .first()
        )
    finally:
        connections.close_all()  # this worker thread's; aiosmtpd's executor threads outlive a stopped server
    return found


def store(raw: bytes, *, mailbox_id: int | None, recipients: Sequence[str], via: str) -> str:
    """Store the message and say what to answer; 250 only after the row committed (receive_email's own
    transaction, outside any other)."""
    close_old_connections()
    try:
        mailbox = Mailbox.objects.filter(pk=mailbox_id).first() if mailbox_id else None
        receive_email(raw, via=via, mailbox=mailbox, recipients=recipients)
    except ActionError as refused:
        return TOO_LARGE if refused.code == "message_too_large" else EMPTY
    except DatabaseError:
        log.exception("could not store an inbound message")
        return TRY_LATER
    finally:
        connections.close_all()
    return STORED


class InboundHandler:
    """aiosmtpd's handler: recipients checked at RCPT, the message stored at the end of DATA."""

    def __init__(self, *, lmtp: bool) -> None:
        self.lmtp = lmtp

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's name)
        self, server: SMTP, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            mailbox_id = await sync_to_async(mailbox_for, thread_sensitive=False)(address)
        except DatabaseError:
            log.exception("could not look up a recipient")
            return TRY_LATER
        if mailbox_id is None:
            return UNKNOWN
        envelope.rcpt_tos.append(address)
        if getattr(envelope, "opsdesk_mailbox_id", None) is None:
            envelope.opsdesk_mailbox_id = mailbox_id  # the first recipient's mailbox owns the message
        return ACCEPTED_RCPT

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        status = await sync_to_async(store, thread_sensitive=False)(
            bytes(raw),
            mailbox_id=getattr(envelope, "opsdesk_mailbox_id", None),
            recipients=[str(r) for r in envelope.rcpt_tos],
            via="lmtp",
        )
        if self.lmtp:  # one reply per accepted recipient, in order (RFC 2033 §4.2)
            return "\r\n".join([status] * len(envelope.rcpt_tos))
        return status


AIOSMTPD_TOO_LARGE = "552 Error: Too much mail data"


def log_too_large(server: SMTP, status: str) -> None:
    """A refused message is bounced by the sender's server, not lost; the log says whom it was refused to and why
    (at MAIL, announced with SIZE, or after DATA), since nothing of it is stored."""
    envelope = server.envelope
    log.warning(
        "refused a message over the size limit (%s bytes) from %s to %s (peer %s): %s",
        settings.OPSDESK_MAX_EMAIL_BYTES,
        getattr(envelope, "mail_from", None) or "?",
        ", ".join(str(r) for r in getattr(envelope, "rcpt_tos", None) or []) or "?",
        getattr(server.session, "peer", None),
        status,
    )


class _Lmtp(LMTP):
    """aiosmtpd answers a message over the size limit with one 552 itself; LMTP owes one reply per recipient."""

    async def push(self, status: AnyStr) -> None:
        if isinstance(status, str) and status.startswith("552"):
            log_too_large(self, status)
        if isinstance(status, str) and status.startswith(AIOSMTPD_TOO_LARGE):
            recipients = len(self.envelope.rcpt_tos) if self.envelope is not None else 1
            await super().push("\r\n".join([TOO_LARGE] * max(1, recipients)))
            return
        await super().push(status)


class _Smtp(SMTP):
    async def push(self, status: AnyStr) -> None:
        if isinstance(status, str) and status.startswith("552"):
            log_too_large(self, status)
        if isinstance(status, str) and status.startswith(AIOSMTPD_TOO_LARGE):
            await super().push(TOO_LARGE)
            return
        await super().push(status)


class _LmtpController(Controller):
    def factory(self) -> SMTP:
        return _Lmtp(self.handler, **self.SMTP_kwargs)


class _SmtpController(Controller):
    def factory(self) -> SMTP:
        return _Smtp(self.handler, **self.SMTP_kwargs)


class _LmtpUnixController(UnixSocketController):
    def factory(self) -> SMTP:
        return _Lmtp(self.handler, **self.SMTP_kwargs)


class _SmtpUnixController(UnixSocketController):
    def factory(self) -> SMTP:
        return _Smtp(self.handler, **self.SMTP_kwargs)


def receiver(
    *, lmtp: bool, host: str = "127.0.0.1", port: int = 24, unix_socket: str = ""
) -> Controller | UnixSocketController:
    """A controller (start() / stop()) serving in a thread of its own, on TCP or on a Unix socket."""
    handler = InboundHandler(lmtp=lmtp)
    options: dict[str, Any] = {
        "data_size_limit": settings.OPSDESK_MAX_EMAIL_BYTES,
        "enable_SMTPUTF8": True,
        "ident": "OpsDesk",
    }
    if unix_socket:
        unix_class = _LmtpUnixController if lmtp else _SmtpUnixController
        return unix_class(handler, unix_socket=unix_socket, **options)
    tcp_class = _LmtpController if lmtp else _SmtpController
    return tcp_class(handler, hostname=host, port=port, **options)
