"""A fixed-window rate limit on the shared cache (Redis at scale, local memory on one machine)."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the caller is within `limit` attempts in the current window."""
    bucket = int(time.time() // window_seconds)
    cache_key = f"rl:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit


def exceeded(key: str, *, limit: int, window_seconds: int) -> bool:
    """Whether `key` has used up its attempts in the current window, without counting one."""
    bucket = int(time.time() // window_seconds)
    return int(cache.get(f"rl:{key}:{bucket}", 0)) >= limit
