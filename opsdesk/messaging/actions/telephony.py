"""Telephony systems allowed to post calls: added, their shared secret rotated, switched off, by an administrator
(MANAGE_CHANNELS). The secret is returned once, when made; only its salt is stored (phone.signing, ADR 0018)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.messaging.models import TelephonyProvider
from opsdesk.messaging.phone import signing
from opsdesk.people.models import Team

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def provider_secret(provider: TelephonyProvider) -> str:
    """The shared secret the provider signs with (derived: never stored)."""
    return signing.derive_secret(settings.SECRET_KEY, provider.salt)


@transaction.atomic
def create_provider(*, name: str, slug: str, team: Team | None, actor: User) -> tuple[TelephonyProvider, str]:
    """A new telephony system and its secret, to be shown to the administrator this once."""
    require(actor, Capability.MANAGE_CHANNELS)
    name = " ".join((name or "").split())
    slug = (slug or "").strip().lower()
    if not name or len(name) > 100:
        raise ActionError("invalid_name", _("Enter a name of at most 100 characters."), field="name", status=422)
    if not SLUG.fullmatch(slug):
        raise ActionError(
            "invalid_slug",
            _("Use 1 to 40 lower-case letters, digits and dashes, starting with a letter or digit."),
            field="slug",
            status=422,
        )
    if TelephonyProvider.objects.filter(slug=slug).exists():
        raise ActionError("slug_taken", _("Another telephony system has this key."), field="slug", status=422)
    provider = TelephonyProvider.objects.create(name=name, slug=slug, team=team, salt=signing.new_salt())
    audit.record(actor=actor, verb="telephony_provider.created", target=provider, data={"name": name, "slug": slug})
    return provider, provider_secret(provider)


@transaction.atomic
def rotate_provider_secret(provider: TelephonyProvider, *, actor: User) -> str:
    """A new secret: the old one stops working at once (the provider must be given the new one)."""
    require(actor, Capability.MANAGE_CHANNELS)
    provider = TelephonyProvider.objects.select_for_update().get(pk=provider.pk)
    provider.salt = signing.new_salt()
    provider.rotated_at = timezone.now()
    provider.save(update_fields=["salt", "rotated_at"])
    audit.record(actor=actor, verb="telephony_provider.secret_rotated", target=provider, data={"slug": provider.slug})
    return provider_secret(provider)


@transaction.atomic
def set_provider_active(provider: TelephonyProvider, *, active: bool, actor: User) -> TelephonyProvider:
    require(actor, Capability.MANAGE_CHANNELS)
    provider = TelephonyProvider.objects.select_for_update().get(pk=provider.pk)
    if provider.active != active:
        provider.active = active
        provider.save(update_fields=["active"])
        audit.record(actor=actor, verb="telephony_provider.updated", target=provider, data={"active": active})
    return provider
