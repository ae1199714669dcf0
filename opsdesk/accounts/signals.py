"""Audit rows for Django's own sign-in events."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opsdesk.audit import actions as audit


def _ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, verb="user.signed_in", target=user, ip_address=_ip(request))


def record_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit.record(
        actor=None,
        verb="user.sign_in_failed",
        data={"email": str(credentials.get("username", ""))[:200]},
        ip_address=_ip(request),
    )
