"""Inbound email in the REST API: `POST /api/v1/inbound-email` with the raw message as the body, for a gateway or
a script that has the mail already (a cloud provider's webhook, a migration). The same `receive_email` as every
other transport: the same bytes twice are one row (200 the second time, 202 when new)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from opsdesk.accounts.capabilities import Capability, check
from opsdesk.core.errors import ActionError
from opsdesk.core.schemas import ERRORS, ErrorOut
from opsdesk.messaging.actions import receive_email
from opsdesk.messaging.models import InboundEmail, Mailbox

router = Router(tags=["email"])

CONTENT_TYPE = "message/rfc822"


class InboundEmailOut(Schema):
    id: int
    state: str
    created: bool
    received_at: datetime


RAW_BODY = {
    "requestBody": {
        "required": True,
        "description": "The message exactly as received (RFC 5322), at most OPSDESK_MAX_EMAIL_BYTES.",
        "content": {CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post(
    "/inbound-email",
    response={200: InboundEmailOut, 202: InboundEmailOut, 415: ErrorOut, **ERRORS},
    summary="Store a raw email message (needs the manage channels capability)",
    openapi_extra=RAW_BODY,
)
def inbound_email_create(
    request: HttpRequest,
    mailbox: str | None = Query(None, max_length=254, description="The address of the mailbox it was sent to."),
) -> Status:
    """202 with the new row, 200 with the existing one when the same bytes were stored before."""
    check(request.auth, Capability.MANAGE_CHANNELS)  # type: ignore[attr-defined]
    if (request.content_type or "").lower() != CONTENT_TYPE:
        message = _("Send the message as the body, with Content-Type: message/rfc822.")
        raise ActionError("unsupported_media_type", message, status=415)
    target = None
    if mailbox:
        target = Mailbox.objects.filter(address__iexact=mailbox.strip()).first()
        if target is None:
            raise ActionError("unknown_mailbox", _("No mailbox has this address."), field="mailbox", status=422)
    raw = request.read(settings.OPSDESK_MAX_EMAIL_BYTES + 1)  # read past the limit by a byte at most
    row, created = receive_email(raw, via=InboundEmail.Via.API, mailbox=target)
    out = {"id": row.pk, "state": row.state, "created": created, "received_at": row.received_at}
    return Status(202 if created else 200, out)
