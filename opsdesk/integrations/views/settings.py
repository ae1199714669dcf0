"""Settings → Integrations (`/settings/integrations/`, capability `manage_integrations`): webhooks, Slack and Teams
channels and inbound hooks; each one's page with its delivery log and "Send again"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import parse_int
from opsdesk.core.site import absolute_url
from opsdesk.integrations import actions
from opsdesk.integrations.actions.config import mask
from opsdesk.integrations.forms import ChannelForm, InboundHookForm, WebhookForm
from opsdesk.integrations.models import ChatChannel, Delivery, InboundHook, InboundRequest, Webhook

LOG_ROWS = 50
manage = capability_required(Capability.MANAGE_INTEGRATIONS)


@manage
def integration_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "webhooks": Webhook.objects.select_related("team"),
        "channels": ChatChannel.objects.select_related("team"),
        "hooks": InboundHook.objects.select_related("team"),
    }
    return render(request, "integrations/integration_list.html", context)


def _log(request: AuthedRequest, deliveries: QuerySet[Delivery]) -> dict[str, Any]:
    """The newest deliveries, LOG_ROWS at a time, keyset by id (`?before=<id>`)."""
    raw = request.GET.get("before")
    if raw is not None:  # a value that cannot be used is the 400 page (core.params.InvalidParameterMiddleware)
        deliveries = deliveries.filter(pk__lt=parse_int(raw, field="before", label="before"))
    rows = list(deliveries.order_by("-id")[: LOG_ROWS + 1])
    older = rows[LOG_ROWS - 1].pk if len(rows) > LOG_ROWS else None
    return {"deliveries": rows[:LOG_ROWS], "older": older}


def _form_page(request: AuthedRequest, template: str, form: Any, **context: Any) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)


# --- webhooks ------------------------------------------------------------------------------------------------------


@manage
@require_http_methods(["GET", "POST"])
def webhook_edit(request: AuthedRequest, webhook_id: int | None = None) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=webhook_id) if webhook_id is not None else None
    initial = (
        {
            "name": webhook.name,
            "url": webhook.url,
            "events": webhook.events,
            "team": webhook.team_id,
            "active": webhook.active,
        }
        if webhook
        else None
    )
    form = WebhookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.apply(actions.save_webhook, webhook, actor=request.user)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("integrations:webhook_detail", saved.pk)
    title = _("Edit webhook") if webhook else _("New webhook")
    return _form_page(request, "integrations/form.html", form, title=title, back=_back(webhook))


def _back(obj: Webhook | ChatChannel | InboundHook | None) -> str:
    if isinstance(obj, Webhook):
        return reverse("integrations:webhook_detail", args=[obj.pk])
    if isinstance(obj, ChatChannel):
        return reverse("integrations:channel_detail", args=[obj.pk])
    if isinstance(obj, InboundHook):
        return reverse("integrations:inbound_detail", args=[obj.pk])
    return reverse("integrations:integration_list")


@manage
def webhook_detail(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook.objects.select_related("team"), pk=webhook_id)
    context = {"webhook": webhook, **_log(request, Delivery.objects.filter(webhook=webhook))}
    response = render(request, "integrations/webhook_detail.html", context)
    response["Cache-Control"] = "no-store"  # it shows the signing secret
    return response


@manage
@require_POST
def webhook_rotate(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    actions.rotate_webhook_secret(get_object_or_404(Webhook, pk=webhook_id), actor=request.user)
    messages.success(request, _("A new secret was made; the old one no longer signs."))
    return redirect("integrations:webhook_detail", webhook_id)


@manage
@require_POST
def webhook_ping(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    actions.ping_webhook(get_object_or_404(Webhook, pk=webhook_id), actor=request.user)
    messages.success(request, _("A ping was queued; its result appears in the log below."))
    return redirect("integrations:webhook_detail", webhook_id)


@manage
@require_POST
def webhook_delete(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    actions.delete_webhook(get_object_or_404(Webhook, pk=webhook_id), actor=request.user)
    messages.success(request, _("Deleted."))
    return redirect("integrations:integration_list")


# --- chat channels -------------------------------------------------------------------------------------------------


@manage
@require_http_methods(["GET", "POST"])
def channel_edit(request: AuthedRequest, channel_id: int | None = None) -> HttpResponse:
    channel = get_object_or_404(ChatChannel, pk=channel_id) if channel_id is not None else None
    initial = (
        {"kind": channel.kind, "name": channel.name, "team": channel.team_id, "active": channel.active}
        if channel
        else None
    )
    form = ChannelForm(request.POST or None, initial=initial)
    if channel is not None:
        form.fields["url"].help_text = _("Stored: %(url)s. Leave empty to keep it.") % {"url": mask(channel.url)}
    if request.method == "POST" and form.is_valid():
        saved = form.apply(actions.save_channel, channel, actor=request.user)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("integrations:channel_detail", saved.pk)
    title = _("Edit chat channel") if channel else _("New chat channel")
    return _form_page(request, "integrations/form.html", form, title=title, back=_back(channel))


@manage
def channel_detail(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = get_object_or_404(ChatChannel.objects.select_related("team"), pk=channel_id)
    context = {
        "channel": channel,
        "masked": mask(channel.url),
        **_log(request, Delivery.objects.filter(channel=channel)),
    }
    return render(request, "integrations/channel_detail.html", context)


@manage
@require_POST
def channel_test(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = get_object_or_404(ChatChannel, pk=channel_id)
    url = absolute_url(reverse("integrations:channel_detail", args=[channel.pk]))
    actions.test_channel(channel, url=url, actor=request.user)
    messages.success(request, _("A test message was queued; its result appears in the log below."))
    return redirect("integrations:channel_detail", channel_id)


@manage
@require_POST
def channel_delete(request: AuthedRequest, channel_id: int) -> HttpResponse:
    actions.delete_channel(get_object_or_404(ChatChannel, pk=channel_id), actor=request.user)
    messages.success(request, _("Deleted."))
    return redirect("integrations:integration_list")


# --- deliveries ----------------------------------------------------------------------------------------------------


@manage
@require_POST
def delivery_resend(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=delivery_id)
    try:
        actions.redeliver(delivery, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Queued to be sent again."))
    if delivery.webhook_id is not None:
        return redirect("integrations:webhook_detail", delivery.webhook_id)
    return redirect("integrations:channel_detail", delivery.channel_id)


# --- inbound hooks -------------------------------------------------------------------------------------------------


@manage
@require_http_methods(["GET", "POST"])
def inbound_edit(request: AuthedRequest, hook_id: int | None = None) -> HttpResponse:
    hook = get_object_or_404(InboundHook, pk=hook_id) if hook_id is not None else None
    initial = (
        {
            "name": hook.name,
            "slug": hook.slug,
            "team": hook.team_id,
            "priority": hook.priority,
            "tags": ", ".join(hook.tags),
            "active": hook.active,
        }
        if hook
        else None
    )
    form = InboundHookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.apply(actions.save_inbound_hook, hook, actor=request.user)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("integrations:inbound_detail", saved.pk)
    title = _("Edit inbound hook") if hook else _("New inbound hook")
    return _form_page(request, "integrations/form.html", form, title=title, back=_back(hook))


@manage
def inbound_detail(request: AuthedRequest, hook_id: int) -> HttpResponse:
    hook = get_object_or_404(InboundHook.objects.select_related("team"), pk=hook_id)
    address = absolute_url(reverse("integration_hooks:inbound_hook_receive", args=[hook.slug]))
    recent = InboundRequest.objects.filter(hook=hook).defer("body").order_by("-id")[:LOG_ROWS]
    context = {"hook": hook, "address": address, "recent": recent}
    response = render(request, "integrations/inbound_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@manage
@require_POST
def inbound_rotate(request: AuthedRequest, hook_id: int) -> HttpResponse:
    actions.rotate_inbound_secret(get_object_or_404(InboundHook, pk=hook_id), actor=request.user)
    messages.success(request, _("A new secret was made; requests signed with the old one are refused."))
    return redirect("integrations:inbound_detail", hook_id)


@manage
@require_POST
def inbound_delete(request: AuthedRequest, hook_id: int) -> HttpResponse:
    actions.delete_inbound_hook(get_object_or_404(InboundHook, pk=hook_id), actor=request.user)
    messages.success(request, _("Deleted."))
    return redirect("integrations:integration_list")
