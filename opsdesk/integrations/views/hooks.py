"""The inbound hook (`POST /hooks/inbound/<key>/`, signed; docs/webhooks.md): opens or updates tickets for another
system. Rate-limited per address before the body is read, CSRF-exempt (the signature is the credential), JSON errors
`{"code", "message", "field"}`."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from opsdesk.core import ratelimit
from opsdesk.integrations import inbound
from opsdesk.integrations.actions import inbound as inbound_actions
from opsdesk.integrations.models import InboundHook
from opsdesk.messaging.phone import signing

MAX_BODY = 1024 * 1024


def _json(status: int, body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return _json(*inbound_actions.error(code, message, status, field))


def _refuse(request: HttpRequest) -> HttpResponse:
    return _error("rate_limited", _("Too many requests. Wait and try again."), 429)


def _key(request: HttpRequest) -> tuple[str, bool]:
    """The idempotency key: a create's external_id, else the Idempotency-Key header; whether it is the header."""
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if isinstance(payload, dict) and "ticket" not in payload:
        try:
            external = inbound.external_id(payload)
        except inbound.PayloadError:
            external = ""
        if external:
            return f"external_id:{external}", False
    header = inbound.idempotency_key(request.headers.get("Idempotency-Key", "").strip())
    return (f"key:{header}", True) if header else ("", False)


@ratelimit.guard(
    "inbound_hook",
    limit=lambda: int(settings.OPSDESK_INBOUND_HOOK_RATE_LIMIT),
    window_seconds=60,
    counts_every_request=True,
    refuse=_refuse,
)
@csrf_exempt
def inbound_hook_receive(request: HttpRequest, hook_key: str) -> HttpResponse:
    """201 with a new ticket, 200 with an updated one (or a retry's first answer), 400 for a bad payload naming the
    field, 401 for a bad or stale signature, 404 for an unknown or switched-off hook, 409 for a reused key, 413 over
    1 MB, 429 over the rate limit."""
    if request.method != "POST":
        response = _error("method_not_allowed", _("This address does not take that method."), 405)
        response["Allow"] = "POST"
        return response
    hook = InboundHook.objects.filter(slug=hook_key, active=True).first()
    if hook is None:
        return _error("not_found", _("Nothing is here."), 404)
    if len(request.body) > MAX_BODY:
        return _error("request_too_large", _("The request is larger than 1 MB."), 413)
    failure = signing.verify(
        hook.secret,
        timestamp=request.headers.get("X-OpsDesk-Timestamp", ""),
        signature=request.headers.get("X-OpsDesk-Signature", ""),
        body=request.body,
        now=timezone.now().timestamp(),
    )
    if failure == "timestamp":
        return _error("stale_timestamp", _("The timestamp is missing or more than 5 minutes off."), 401)
    if failure is not None or not hook.secret:
        return _error("bad_signature", _("The signature does not match."), 401)
    try:
        key, header_key = _key(request)
    except inbound.PayloadError as refused:
        return _error("invalid", refused.message, 400, refused.field)
    status, body = inbound_actions.receive(
        hook,
        body=request.body,
        headers=inbound_actions.kept_headers(request.headers),
        key=key,
        header_key=header_key,
    )
    return _json(status, body)
