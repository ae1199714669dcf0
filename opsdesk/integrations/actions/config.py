"""Configuration of webhooks, chat channels and inbound hooks: each change checked, saved and audited in one
transaction (capability `manage_integrations`). Secrets are made here, sealed at rest, and never put in the audit log;
chat channel URLs are credentials too, so the log shows them masked."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.integrations import net
from opsdesk.integrations.models import ALL_EVENTS, ChatChannel, InboundHook, Webhook
from opsdesk.tickets import events as event_registry
from opsdesk.tickets.models import Ticket

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.people.models import Team

MAX_NAME = 100
MAX_URL = 500
MAX_TAGS = 20
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?")
SLACK_URL = re.compile(r"https://hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{8,400}")
TEAMS_URL = re.compile(
    r"https://(?:"
    r"[a-z0-9-]+\.webhook\.office\.com/webhookb2/"  # a Teams incoming webhook (Office 365 connector)
    r"|outlook\.office(?:365)?\.com/webhook/"  # the older connector address
    r"|[a-z0-9-]+\.[a-z0-9-]+\.logic\.azure\.com(?::443)?/workflows/"  # a Teams workflow (Power Automate)
    r"|[a-z0-9.-]+\.api\.powerplatform\.com(?::443)?/powerautomate/automations/direct/workflows/"  # its new domain
    r")\S{8,450}"
)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def mask(url: str) -> str:
    """A credential URL as people may see it: scheme, host and the last four characters."""
    try:
        _scheme, host, _port, _path = net.split(url)
    except net.Refused:
        return "…"
    return f"https://{host}/…{url[-4:]}" if len(url) > 12 else "…"


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if len(name) > MAX_NAME or "\x00" in name:
        raise ActionError("name_too_long", _("The name can be at most 100 characters."), field="name", status=422)
    return name


def check_target_url(url: str, *, field: str = "url") -> str:
    """An https address (http only to an allowed host) whose host is not internal. A name that does not resolve
    now is accepted: the delivery checks again, and fails with the reason, if it still does not."""
    url = (url or "").strip()
    if not url:
        raise ActionError("empty_url", _("Enter the address."), field=field, status=422)
    if len(url) > MAX_URL or "\x00" in url or any(c.isspace() for c in url):
        raise ActionError("invalid_url", _("Enter an address of at most 500 characters."), field=field, status=422)
    try:
        net.check_url(url)
    except net.Refused as error:
        if str(error) != _("The host name could not be resolved."):
            raise ActionError("refused_url", str(error), field=field, status=422) from error
    try:
        net.check_scheme(url)
    except net.Refused as error:
        raise ActionError("refused_url", str(error), field=field, status=422) from error
    return url


def _events(kinds: list[str]) -> list[str]:
    known = set(event_registry.KINDS)
    chosen = sorted(set(kinds))
    if not chosen:
        raise ActionError("no_events", _("Choose at least one event."), field="events", status=422)
    if ALL_EVENTS in chosen:
        return [ALL_EVENTS]
    unknown = [kind for kind in chosen if kind not in known]
    if unknown:
        raise ActionError("unknown_event", _("Unknown event: %(kind)s") % {"kind": unknown[0][:40]}, field="events")
    return chosen


def _team_id(team: Team | None) -> int | None:
    return team.pk if team is not None else None


# --- webhooks ------------------------------------------------------------------------------------------------------


@transaction.atomic
def save_webhook(
    webhook: Webhook | None,
    *,
    name: str,
    url: str,
    events: list[str],
    team: Team | None,
    active: bool,
    actor: User | None,
) -> Webhook:
    """Create (with a new secret) or change a webhook."""
    require(actor, Capability.MANAGE_INTEGRATIONS)
    values: dict[str, Any] = {
        "name": _name(name),
        "url": check_target_url(url),
        "events": _events(events),
        "team_id": _team_id(team),
        "active": bool(active),
    }
    if webhook is None:
        webhook = Webhook.objects.create(**values, secret=new_secret())
        audit.record(actor=actor, verb="webhook.created", target=webhook, data=_webhook_data(webhook))
        return webhook
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    before = _webhook_data(webhook)
    for field, value in values.items():
        setattr(webhook, field, value)
    if webhook.active:
        webhook.disabled_reason = ""
    webhook.save(update_fields=[*values.keys(), "disabled_reason", "updated_at"])
    audit.record(
        actor=actor, verb="webhook.updated", target=webhook, data={"before": before, "after": _webhook_data(webhook)}
    )
    return webhook


def _webhook_data(webhook: Webhook) -> dict[str, Any]:
    return {
        "name": webhook.name,
        "url": webhook.url,
        "events": webhook.events,
        "team": webhook.team_id,
        "active": webhook.active,
    }


@transaction.atomic
def rotate_webhook_secret(webhook: Webhook, *, actor: User | None) -> Webhook:
    """A new signing secret; the old one stops signing at once."""
    require(actor, Capability.MANAGE_INTEGRATIONS)
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret", "updated_at"])
    audit.record(actor=actor, verb="webhook.secret_rotated", target=webhook)
    return webhook


@transaction.atomic
def delete_webhook(webhook: Webhook, *, actor: User | None) -> None:
    """Delete a webhook with its delivery log."""
    require(actor, Capability.MANAGE_INTEGRATIONS)
    audit.record(actor=actor, verb="webhook.deleted", target=webhook, data=_webhook_data(webhook))
    Webhook.objects.filter(pk=webhook.pk).delete()


# --- chat channels -------------------------------------------------------------------------------------------------


def check_channel_url(kind: str, url: str) -> str:
    url = check_target_url(url)
    host = net.split(url)[1]
    if net.allowed_host(host):
        return url  # a relay inside your own network (or a test server): its shape is its own
    if kind == ChatChannel.Kind.SLACK and not SLACK_URL.fullmatch(url):
        message = _("Give a Slack incoming webhook address (https://hooks.slack.com/services/…).")
        raise ActionError("invalid_slack_url", message, field="url", status=422)
    if kind == ChatChannel.Kind.TEAMS and not TEAMS_URL.fullmatch(url):
        message = _(
            "Give a Teams workflow or incoming webhook address (…logic.azure.com/workflows/… or …webhook.office.com/…)."
        )
        raise ActionError("invalid_teams_url", message, field="url", status=422)
    return url


@transaction.atomic
def save_channel(
    channel: ChatChannel | None,
    *,
    kind: str,
    name: str,
    url: str,
    team: Team | None,
    active: bool,
    actor: User | None,
) -> ChatChannel:
    """Create or change a Slack or Teams channel; an empty `url` keeps the stored one when changing."""
    require(actor, Capability.MANAGE_INTEGRATIONS)
    if kind not in ChatChannel.Kind.values:
        raise ActionError("invalid_kind", _("Choose Slack or Microsoft Teams."), field="kind", status=422)
    values: dict[str, Any] = {"kind": kind, "name": _name(name), "team_id": _team_id(team), "active": bool(active)}
    if channel is None or (url or "").strip():
        values["url"] = check_channel_url(kind, url)
    if channel is None:
        channel = ChatChannel.objects.create(**values)
        audit.record(actor=actor, verb="chat_channel.created", target=channel, data=_channel_data(channel))
        return channel
    channel = ChatChannel.objects.select_for_update().get(pk=channel.pk)
    if "url" not in values:
        check_channel_url(kind, channel.url)  # the kind changed under the stored address
    before = _channel_data(channel)
    for field, value in values.items():
        setattr(channel, field, value)
    if channel.active:
        channel.disabled_reason = ""
    channel.save(update_fields=[*values.keys(), "disabled_reason", "updated_at"])
    audit.record(
        actor=actor,
        verb="chat_channel.updated",
        target=channel,
        data={"before": before, "after": _channel_data(channel)},
    )
    return channel


def _channel_data(channel: ChatChannel) -> dict[str, Any]:
    return {
        "kind": channel.kind,
        "name": channel.name,
        "url": mask(channel.url),
        "team": channel.team_id,
        "active": channel.active,
    }


@transaction.atomic
def delete_channel(channel: ChatChannel, *, actor: User | None) -> None:
    require(actor, Capability.MANAGE_INTEGRATIONS)
    audit.record(actor=actor, verb="chat_channel.deleted", target=channel, data=_channel_data(channel))
    ChatChannel.objects.filter(pk=channel.pk).delete()


# --- inbound hooks -------------------------------------------------------------------------------------------------


def clean_hook_tags(tags: list[str]) -> list[str]:
    cleaned = sorted({" ".join(t.split()).lower().replace(" ", "-") for t in tags if t and t.strip()})
    if len(cleaned) > MAX_TAGS or any(len(t) > 60 or "\x00" in t for t in cleaned):
        raise ActionError("invalid_tags", _("At most 20 tags of at most 60 characters."), field="tags", status=422)
    return cleaned


@transaction.atomic
def save_inbound_hook(
    hook: InboundHook | None,
    *,
    name: str,
    slug: str,
    team: Team | None,
    priority: str,
    tags: list[str],
    active: bool,
    actor: User | None,
) -> InboundHook:
    """Create (with a new secret) or change an inbound hook: the defaults of the tickets it opens."""
    require(actor, Capability.MANAGE_INTEGRATIONS)
    slug = (slug or "").strip().lower()
    if not SLUG.fullmatch(slug):
        message = _("Use 1 to 50 lower-case letters, digits and dashes.")
        raise ActionError("invalid_slug", message, field="slug", status=422)
    others = InboundHook.objects.filter(slug=slug)
    if hook is not None:
        others = others.exclude(pk=hook.pk)
    if others.exists():
        raise ActionError("slug_taken", _("Another inbound hook has this key."), field="slug", status=422)
    if priority not in Ticket.Priority.values:
        raise ActionError("invalid_priority", _("Choose a valid priority."), field="priority", status=422)
    values: dict[str, Any] = {
        "name": _name(name),
        "slug": slug,
        "team_id": _team_id(team),
        "priority": priority,
        "tags": clean_hook_tags(tags),
        "active": bool(active),
    }
    if hook is None:
        hook = InboundHook.objects.create(**values, secret=new_secret())
        audit.record(actor=actor, verb="inbound_hook.created", target=hook, data=_hook_data(hook))
        return hook
    hook = InboundHook.objects.select_for_update().get(pk=hook.pk)
    before = _hook_data(hook)
    for field, value in values.items():
        setattr(hook, field, value)
    hook.save(update_fields=[*values.keys(), "updated_at"])
    audit.record(
        actor=actor, verb="inbound_hook.updated", target=hook, data={"before": before, "after": _hook_data(hook)}
    )
    return hook


def _hook_data(hook: InboundHook) -> dict[str, Any]:
    return {
        "name": hook.name,
        "slug": hook.slug,
        "team": hook.team_id,
        "priority": hook.priority,
        "tags": hook.tags,
        "active": hook.active,
    }


@transaction.atomic
def rotate_inbound_secret(hook: InboundHook, *, actor: User | None) -> InboundHook:
    require(actor, Capability.MANAGE_INTEGRATIONS)
    hook = InboundHook.objects.select_for_update().get(pk=hook.pk)
    hook.secret = new_secret()
    hook.save(update_fields=["secret", "updated_at"])
    audit.record(actor=actor, verb="inbound_hook.secret_rotated", target=hook)
    return hook


@transaction.atomic
def delete_inbound_hook(hook: InboundHook, *, actor: User | None) -> None:
    require(actor, Capability.MANAGE_INTEGRATIONS)
    audit.record(actor=actor, verb="inbound_hook.deleted", target=hook, data=_hook_data(hook))
    InboundHook.objects.filter(pk=hook.pk).delete()
