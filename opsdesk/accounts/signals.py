"""Audit rows for Django's own sign-in event (password, two-factor and emailed-link sign-ins all end in login()).

Failures are recorded by `actions.record_sign_in_failure`, which also counts them for the lockout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opsdesk.audit import actions as audit


def _ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, verb="user.signed_in", target=user, ip_address=_ip(request))
