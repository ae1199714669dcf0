"""Fixed-window rate limits whose counters every process shares.

The counters live in Redis when `REDIS_URL` is set (atomic `INCR` on a key that expires with its window), else in
the database: one `INSERT … ON CONFLICT … DO UPDATE … RETURNING` per attempt on a unique (key, window) row, so the
write lock is held for one statement (SQLite runs IMMEDIATE transactions). `prune()` deletes finished windows.

A view declares its per-address limit with `@guard(...)`; `core.security.RateLimitGuardMiddleware` applies it before
anything reads the request body (see docs/adr/0010-sign-in-security-csp-rate-limits.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from opsdesk.core.http import client_ip
from opsdesk.core.models import RateLimitCounter

MAX_KEY = 200
# Where windows are counted from: the Unix epoch. None (the tests, see the conftest's `_isolated`): from the first
# attempt counted, so a test's burst never straddles two windows however slow the machine is.
EPOCH: int | None = 0


def _now() -> float:
    return timezone.now().timestamp()


def _window_start(window_seconds: int) -> int:
    global EPOCH  # noqa: PLW0603 - set once, by the first attempt, when the tests left it unset
    if EPOCH is None:
        EPOCH = int(_now())
    return EPOCH + int((_now() - EPOCH) // window_seconds) * window_seconds


def _short(key: str) -> str:
    """Keys name an address or an email; a long one keeps its start (for people reading the table) plus a hash."""
    if len(key) <= MAX_KEY:
        return key
    return key[:150] + "#" + hashlib.sha256(key.encode()).hexdigest()[:40]


def redis_key(key: str, window_seconds: int) -> str:
    return f"rl:{_short(key)}:{window_seconds}:{_window_start(window_seconds)}"


def _uses_redis() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def _cache() -> BaseCache:
    return caches["ratelimit"] if "ratelimit" in settings.CACHES else caches["default"]


def increment(key: str, *, window_seconds: int) -> int:
    """Count one attempt and return the window's count so far."""
    if _uses_redis():
        cache, name = _cache(), redis_key(key, window_seconds)
        if cache.add(name, 1, timeout=window_seconds + 5):
            return 1
        try:
            return int(cache.incr(name))
        except ValueError:  # expired between add and incr
            cache.set(name, 1, timeout=window_seconds + 5)
            return 1
    start = _window_start(window_seconds)
    expires = connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(start + window_seconds, tz=UTC))
    quote = connection.ops.quote_name
    table = quote(RateLimitCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({quote('key')}, {quote('window_start')}, {quote('count')}, {quote('expires_at')}) "
        f"VALUES (%s, %s, 1, %s) ON CONFLICT ({quote('key')}, {quote('window_start')}) "
        f"DO UPDATE SET {quote('count')} = {table}.{quote('count')} + 1 RETURNING {quote('count')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_short(key), start, expires])
        row = cursor.fetchone()
    return int(row[0])


def current(key: str, *, window_seconds: int) -> int:
    """How many attempts `key` made in the current window."""
    if _uses_redis():
        return int(_cache().get(redis_key(key, window_seconds), 0))
    found = (
        RateLimitCounter.objects.filter(key=_short(key), window_start=_window_start(window_seconds))
        .values_list("count", flat=True)
        .first()
    )
    return int(found or 0)


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the caller is within `limit` attempts in the current window."""
    return increment(key, window_seconds=window_seconds) <= limit


def exceeded(key: str, *, limit: int, window_seconds: int) -> bool:
    """Whether `key` has used up its attempts in the current window, without counting one."""
    return current(key, window_seconds=window_seconds) >= limit


def retry_after(window_seconds: int) -> int:
    """Seconds until the current window ends."""
    return max(1, int(_window_start(window_seconds) + window_seconds - _now()))


def prune() -> int:
    """Delete the counters of finished windows (Redis expires its own); returns how many rows went."""
    deleted, _by_model = RateLimitCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


@dataclass(frozen=True)
class Guard:
    """A per-address limit a view declares; checked by the middleware before the request body is read."""

    scope: str
    limit: Callable[[], int]
    window_seconds: int
    counts_every_request: bool  # False: the view counts (e.g. only failed sign-ins); the guard only checks
    refuse: Callable[[HttpRequest], HttpResponse]
    methods: tuple[str, ...] = ("POST",)

    def key(self, request: HttpRequest) -> str:
        return ip_key(self.scope, request)

    def allows(self, request: HttpRequest) -> bool:
        key, limit = self.key(request), self.limit()
        if self.counts_every_request:
            return hit(key, limit=limit, window_seconds=self.window_seconds)
        return not exceeded(key, limit=limit, window_seconds=self.window_seconds)


def address_key(scope: str, ip: str) -> str:
    return f"{scope}:ip:{ip}"


def ip_key(scope: str, request: HttpRequest) -> str:
    return address_key(scope, client_ip(request))


View = TypeVar("View", bound=Callable[..., Any])


def guard(
    scope: str,
    *,
    limit: int | Callable[[], int],
    window_seconds: int,
    counts_every_request: bool,
    refuse: Callable[[HttpRequest], HttpResponse],
) -> Callable[[View], View]:
    """Mark a view with its per-address limit. `functools.wraps` copies the mark onto outer decorators."""
    if callable(limit):
        limit_of = limit
    else:
        fixed = limit

        def limit_of() -> int:
            return fixed

    def decorator(view: View) -> View:
        view.__dict__["rate_limit_guard"] = Guard(scope, limit_of, window_seconds, counts_every_request, refuse)
        return view

    return decorator
