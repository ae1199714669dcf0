"""Inbound hook requests: stored first (raw body and headers), then processed once, the answer kept with them.

`receive` writes the `InboundRequest` in its own short transaction; a second request with the same key finds that
row (the unique (hook, key) constraint). Processing locks the row, so concurrent retries wait for the first and
then return its answer: one ticket, however many retries. Tickets are opened through the one intake and changed
through the ticket actions, as the system, with the origin `api` and the cause `inbound_hook:<id>`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.core.origin import origin
from opsdesk.core.site import absolute_url
from opsdesk.integrations import inbound
from opsdesk.integrations.models import InboundHook, InboundRequest
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import Ticket

Answer = tuple[int, dict[str, Any]]
KEPT_HEADERS = ("Content-Type", "User-Agent", "Idempotency-Key", "X-OpsDesk-Timestamp", "X-OpsDesk-Signature")


def error(code: str, message: str, status: int, field: str | None = None) -> Answer:
    return status, {"code": code, "message": message, "field": field}


def kept_headers(headers: Any) -> dict[str, str]:
    return {name: str(headers.get(name, ""))[:300].replace("\x00", "") for name in KEPT_HEADERS if headers.get(name)}


def receive(hook: InboundHook, *, body: bytes, headers: dict[str, str], key: str, header_key: bool) -> Answer:
    """Store the request, then process it once; a repeated key gets the first answer."""
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            row = InboundRequest.objects.create(hook=hook, key=key, body=body, body_sha256=digest, headers=headers)
            InboundHook.objects.filter(pk=hook.pk).update(last_used_at=timezone.now())
    except IntegrityError:  # the same key came before (or is being processed right now)
        row = InboundRequest.objects.get(hook=hook, key=key)
        if header_key and row.body_sha256 != digest:
            message = _("This Idempotency-Key was used for another request.")
            return error("idempotency_key_reused", message, 409, "Idempotency-Key")
    return _process(row.pk)


@transaction.atomic
def _process(row_id: int) -> Answer:
    row = InboundRequest.objects.select_for_update(of=("self",)).select_related("hook", "hook__team").get(pk=row_id)
    if row.processed_at is not None and row.status_code is not None:
        return row.status_code, row.response or {}
    try:
        with transaction.atomic():
            status, response, ticket = _apply(row.hook, bytes(row.body))
    except ActionError as refused:
        status, response, ticket = (
            refused.status,
            {"code": refused.code, "message": refused.message, "field": refused.field},
            None,
        )
    row.status_code, row.response, row.ticket, row.processed_at = status, response, ticket, timezone.now()
    row.save(update_fields=["status_code", "response", "ticket", "processed_at", "updated_at"])
    return status, response


def _apply(hook: InboundHook, body: bytes) -> tuple[int, dict[str, Any], Ticket | None]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return (*error("invalid_json", _("The body is not valid JSON."), 400), None)
    try:
        parsed = inbound.parse(payload)
    except inbound.PayloadError as refused:
        return (*error(refused.code, refused.message, 400, refused.field), None)
    with origin("api", cause=f"inbound_hook:{hook.pk}"):
        if isinstance(parsed, inbound.Create):
            ticket = _create(hook, parsed)
            return 201, ticket_json(ticket, created=True), ticket
        ticket = _update(hook, parsed)
        return 200, ticket_json(ticket, created=False), ticket


def _create(hook: InboundHook, given: inbound.Create) -> Ticket:
    return ticket_actions.create_ticket(
        subject=given.subject,
        body=given.body,
        actor=None,
        requester_email=given.email,
        requester_name=given.name,
        channel=Ticket.Channel.API,
        via="api",
        team=hook.team,
        priority=given.priority or hook.priority,
        type=given.type,
        tags=[*hook.tags, *given.tags],
    )


def _update(hook: InboundHook, given: inbound.Update) -> Ticket:
    ticket = Ticket.objects.filter(pk=given.ticket).first()
    opened_here = InboundRequest.objects.filter(hook=hook, ticket_id=given.ticket, status_code=201).exists()
    if ticket is None or not opened_here:
        raise ActionError(
            "unknown_ticket", _("This hook opened no ticket with this number."), field="ticket", status=404
        )
    if given.comment and given.public:
        ticket_actions.reply_to_ticket(ticket, body=given.comment, actor=None, via="api")
    elif given.comment:
        ticket_actions.add_note(ticket, body=given.comment, actor=None, via="api")
    if given.priority:
        ticket_actions.set_priority(ticket, priority=given.priority, actor=None)
    if given.tags_add:
        ticket_actions.set_tags(ticket, tags=given.tags_add, actor=None, add=True)
    if given.status:
        ticket_actions.change_status(ticket, status=ticket_actions.default_status(given.status), actor=None)
    return Ticket.objects.select_related("status").get(pk=ticket.pk)


def ticket_json(ticket: Ticket, *, created: bool) -> dict[str, Any]:
    return {
        "ticket": ticket.pk,
        "created": created,
        "status_category": ticket.status_category,
        "priority": ticket.priority,
        "url": absolute_url(ticket.get_absolute_url()),
    }
