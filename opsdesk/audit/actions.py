"""The only writer of audit rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from opsdesk.audit.models import AuditEvent

if TYPE_CHECKING:
    from opsdesk.accounts.models import User


def record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=ip_address or None,
    )
