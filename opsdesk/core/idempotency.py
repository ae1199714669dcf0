"""Idempotency-Key support for API creates: a retried request gets the first response, never a second object."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from opsdesk.core.models import IdempotentRequest

# Keys made from a request's content (`content_key`), for clients that send no Idempotency-Key: the same body from
# the same user within this many seconds gets the first answer; later it is a new request.
AUTO_PREFIX = "auto:"
AUTO_WINDOW_SECONDS = 10


def content_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return AUTO_PREFIX + digest.hexdigest()


def run_once(
    user_id: int,
    key: str,
    scope: str,
    create: Callable[[], tuple[int, Any]],
    *,
    window_seconds: int | None = None,
) -> tuple[int, Any]:
    """Run `create` (which returns status and JSON body) once per (user, key); later calls return what it did.

    The key and the response are stored in the same transaction as the object the call creates, so either both
    exist or neither does. A key reused for a different operation is an error. With `window_seconds`, a key older
    than that is forgotten and the call runs again (for keys derived from a request's content)."""
    key = key.strip()[:100]
    if window_seconds is None and key.startswith(AUTO_PREFIX):
        window_seconds = AUTO_WINDOW_SECONDS
    found = IdempotentRequest.objects.filter(user_id=user_id, key=key).first()
    stale = window_seconds is not None and timezone.now() - timedelta(seconds=window_seconds)
    if found is not None and stale and found.created_at < stale:
        found.delete()
        found = None
    if found is not None:
        return (found.status, found.body) if found.scope == scope else (409, None)
    try:
        with transaction.atomic():
            status, body = create()
            IdempotentRequest.objects.create(user_id=user_id, key=key, scope=scope, status=status, body=body)
    except IntegrityError:
        # The same key raced in from a parallel request; its transaction won, ours rolled back.
        found = IdempotentRequest.objects.get(user_id=user_id, key=key)
        return (found.status, found.body) if found.scope == scope else (409, None)
    return status, body
