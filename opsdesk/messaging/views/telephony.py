"""The telephony webhook (`POST /hooks/telephony/<key>/calls/`, signed; docs/telephony.md) and the administrators'
page of telephony systems (add one, rotate its secret, switch it off; the secret is shown once)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import InvalidParameter, parse_bool, parse_int, parse_moment
from opsdesk.core.site import absolute_url
from opsdesk.messaging import actions
from opsdesk.messaging.actions.telephony import provider_secret
from opsdesk.messaging.forms import TelephonyProviderForm
from opsdesk.messaging.models import CallRecord, TelephonyProvider
from opsdesk.messaging.phone import signing
from opsdesk.people.models import Team
from opsdesk.tickets.models import Ticket

MAX_BODY = 64 * 1024
TEXT_FIELDS = {  # payload key -> (CallData name, the most characters taken)
    "direction": ("direction", 10),
    "from": ("from_number", 40),
    "to": ("to_number", 40),
    "outcome": ("outcome", 10),
    "queue": ("queue", 100),
    "recording_url": ("recording_url", 500),
    "notes": ("notes", 10_000),
}
TIME_FIELDS = {"offered_at": "offered_at", "answered_at": "answered_at", "ended_at": "ended_at"}
SECONDS_FIELDS = {"hold_seconds": "hold_seconds", "wait_seconds": "wait_seconds", "talk_seconds": "talk_seconds"}
OTHER_FIELDS = {"call_id", "agent_email", "team_id", "ticket_id", "create_ticket"}
KNOWN = set(TEXT_FIELDS) | set(TIME_FIELDS) | set(SECONDS_FIELDS) | OTHER_FIELDS


def _json_error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": field}, status=status)


def _refuse_hook(request: HttpRequest) -> HttpResponse:
    return _json_error("rate_limited", _("Too many requests. Wait and try again."), 429)


class PayloadError(Exception):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_payload(payload: Any) -> dict[str, Any]:
    """The webhook's JSON as keyword arguments of `receive_call`; a PayloadError names the field at fault."""
    if not isinstance(payload, dict):
        raise PayloadError(None, _("Send a JSON object."))
    unknown = sorted(set(payload) - KNOWN)
    if unknown:
        raise PayloadError(unknown[0][:50], _("Unknown field."))
    given: dict[str, Any] = {}
    for key, (name, limit) in TEXT_FIELDS.items():
        if key not in payload:
            continue
        value = payload[key]
        if value is None and key in ("outcome", "queue", "recording_url", "notes"):
            value = ""
        if not isinstance(value, str) or "\x00" in value or len(value) > limit:
            raise PayloadError(key, _("Enter text of at most %(n)d characters.") % {"n": limit})
        given[name] = value
    try:
        for key, name in TIME_FIELDS.items():
            if key in payload:
                raw = payload[key]
                given[name] = None if raw is None else parse_moment(raw, field=key, label=key)
        for key, name in SECONDS_FIELDS.items():
            if key in payload and payload[key] is not None:
                given[name] = parse_int(payload[key], field=key, label=key, minimum=0, maximum=86_400)
        create = parse_bool(payload.get("create_ticket", False), field="create_ticket", label="create_ticket")
        team_id = payload.get("team_id")
        ticket_id = payload.get("ticket_id")
        team_pk = None if team_id is None else parse_int(team_id, field="team_id", label="team_id")
        ticket_pk = None if ticket_id is None else parse_int(ticket_id, field="ticket_id", label="ticket_id")
    except InvalidParameter as error:
        raise PayloadError(error.field, error.message) from None
    if team_pk is not None:
        team = Team.objects.filter(pk=team_pk).first()
        if team is None:
            raise PayloadError("team_id", _("No team has this id."))
        given["team"] = team
    ticket = None
    if ticket_pk is not None:
        ticket = Ticket.objects.filter(pk=ticket_pk).first()
        if ticket is None:
            raise PayloadError("ticket_id", _("No ticket has this id."))
    call_id, agent_email = payload.get("call_id"), payload.get("agent_email", "")
    if not isinstance(call_id, str | int) or isinstance(call_id, bool):
        raise PayloadError("call_id", _("Send the call's id, at most 100 characters."))
    if not isinstance(agent_email, str) or len(agent_email) > 254:
        raise PayloadError("agent_email", _("Enter an email address."))
    return {
        "external_id": str(call_id),
        "given": given,
        "ticket": ticket,
        "new_ticket": create,
        "agent_email": agent_email or "",
    }


def _call_json(call: CallRecord, created: bool) -> dict[str, Any]:
    return {
        "id": call.pk,
        "call_id": call.external_id,
        "created": created,
        "direction": call.direction,
        "from": call.from_number,
        "to": call.to_number,
        "outcome": call.outcome or None,
        "offered_at": call.offered_at.isoformat(),
        "answered_at": call.answered_at.isoformat() if call.answered_at else None,
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
        "customer": call.customer_id,
        "agent": call.agent_id,
        "ticket": call.ticket_id,
    }


@ratelimit.guard(
    "telephony",
    limit=lambda: int(settings.OPSDESK_TELEPHONY_RATE_LIMIT),
    window_seconds=60,
    counts_every_request=True,
    refuse=_refuse_hook,
)
@csrf_exempt
def telephony_calls(request: HttpRequest, slug: str) -> HttpResponse:
    """A call posted by a telephony system: 201 created, 200 updated (the same call_id again), 401 for a bad or
    stale signature, 404 for an unknown or switched-off system, 422 naming the field at fault."""
    if request.method != "POST":
        response = _json_error("method_not_allowed", _("This address does not take that method."), 405)
        response["Allow"] = "POST"
        return response
    provider = TelephonyProvider.objects.filter(slug=slug, active=True).select_related("team").first()
    if provider is None:
        return _json_error("not_found", _("Nothing is here."), 404)
    if len(request.body) > MAX_BODY:
        return _json_error("request_too_large", _("The request is larger than 64 KB."), 413)
    failure = signing.verify(
        provider_secret(provider),
        timestamp=request.headers.get("X-OpsDesk-Timestamp", ""),
        signature=request.headers.get("X-OpsDesk-Signature", ""),
        body=request.body,
        now=timezone.now().timestamp(),
    )
    if failure == "timestamp":
        return _json_error("stale_timestamp", _("The timestamp is missing or more than 5 minutes off."), 401)
    if failure is not None:
        return _json_error("bad_signature", _("The signature does not match."), 401)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _json_error("invalid_json", _("The body is not valid JSON."), 400)
    try:
        arguments = parse_payload(payload)
        call, created = actions.receive_call(provider, **arguments)
    except PayloadError as error:
        return _json_error("invalid", error.message, 422, error.field)
    except ActionError as error:
        return _json_error(error.code, error.message, error.status, error.field)
    return JsonResponse(_call_json(call, created), status=201 if created else 200)


@capability_required(Capability.MANAGE_CHANNELS)
@require_http_methods(["GET", "POST"])
def telephony_list(request: AuthedRequest) -> HttpResponse:
    """The telephony systems, and the form to add one (POST: the new secret is shown on the answer, once)."""
    form = TelephonyProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider, secret = actions.create_provider(actor=request.user, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            return _show_secret(request, provider, secret)
    context = {
        "providers": TelephonyProvider.objects.select_related("team"),
        "form": form,
        "example_hook": absolute_url("/hooks/telephony/KEY/calls/"),
    }
    return render(request, "messaging/telephony_list.html", context, status=400 if request.method == "POST" else 200)


def _show_secret(request: AuthedRequest, provider: TelephonyProvider, secret: str) -> HttpResponse:
    hook = absolute_url(reverse("hooks:telephony_calls", args=[provider.slug]))
    response = render(
        request, "messaging/telephony_secret.html", {"provider": provider, "secret": secret, "hook": hook}
    )
    response["Cache-Control"] = "no-store"
    return response


@capability_required(Capability.MANAGE_CHANNELS)
@require_POST
def telephony_rotate(request: AuthedRequest, provider_id: int) -> HttpResponse:
    provider = get_object_or_404(TelephonyProvider, pk=provider_id)
    secret = actions.rotate_provider_secret(provider, actor=request.user)
    provider.refresh_from_db()
    return _show_secret(request, provider, secret)


@capability_required(Capability.MANAGE_CHANNELS)
@require_POST
def telephony_toggle(request: AuthedRequest, provider_id: int) -> HttpResponse:
    provider = get_object_or_404(TelephonyProvider, pk=provider_id)
    active = request.POST.get("active") == "1"
    actions.set_provider_active(provider, active=active, actor=request.user)
    messages.success(request, _("Switched on.") if active else _("Switched off."))
    return redirect("channel_settings:telephony_list")
