"""Issue 8: rate-limit counters shared by every process (database or Redis), checked before the body is read."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opsdesk.core import ratelimit
from opsdesk.core.models import RateLimitCounter
from opsdesk.core.tests.wsgi import post_and_watch_body


def test_counters_live_in_the_database_where_every_process_sees_them(db: None) -> None:
    assert [ratelimit.hit("t:1", limit=2, window_seconds=60) for _ in range(3)] == [True, True, False]
    row = RateLimitCounter.objects.get(key="t:1")
    assert row.count == 3
    assert ratelimit.exceeded("t:1", limit=2, window_seconds=60) is True
    assert ratelimit.exceeded("t:2", limit=2, window_seconds=60) is False
    # a new window starts from zero
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert ratelimit.hit("t:1", limit=2, window_seconds=60) is True


def test_old_counters_are_pruned(db: None) -> None:
    ratelimit.hit("old", limit=5, window_seconds=60)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        ratelimit.hit("new", limit=5, window_seconds=60)
        assert ratelimit.prune() == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["new"]


def test_long_keys_are_shortened_without_colliding(db: None) -> None:
    a, b = "sign-in:" + "a" * 300 + "1", "sign-in:" + "a" * 300 + "2"
    ratelimit.hit(a, limit=1, window_seconds=60)
    assert ratelimit.exceeded(a, limit=1, window_seconds=60) is True
    assert ratelimit.exceeded(b, limit=1, window_seconds=60) is False


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_counters_use_redis_when_it_is_configured(settings: Any) -> None:
    if not _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not reachable at 127.0.0.1:6379; CI requires it")
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL},
    }
    key = f"test:{uuid.uuid4()}"
    assert [ratelimit.hit(key, limit=2, window_seconds=60) for _ in range(3)] == [True, True, False]
    assert ratelimit.exceeded(key, limit=2, window_seconds=60) is True
    from django.core.cache import caches

    assert caches["ratelimit"].get(ratelimit.redis_key(key, 60)) == 3  # another process reads the same number


def test_a_rate_limited_contact_form_is_refused_before_its_upload_is_read(world: Any, settings: Any) -> None:
    settings.OPSDESK_CONTACT_RATE_LIMIT = 2
    data = {"name": "Eve", "email": "eve@example.com", "subject": "Hi", "body": "Hello"}
    assert [Client().post(reverse("contact"), data).status_code for _ in range(2)] == [302, 302]
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="big.bin"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + b"x" * 100_000
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, read = post_and_watch_body(
        reverse("contact"), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert (status, read) == (429, False)
    page = Client().post(reverse("contact"), data)
    assert page.status_code == 429
    assert "Too many messages from your address." in page.content.decode()


def test_api_calls_with_a_session_are_rate_limited_per_account(world: Any, settings: Any) -> None:
    settings.OPSDESK_API_RATE_LIMIT = 3
    client = Client()
    client.force_login(world.agent)
    codes = [client.get("/api/v1/teams/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/teams/")
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    # the same account's token shares the budget; another account does not
    from opsdesk.accounts import actions

    _token, raw = actions.issue_api_token(world.agent, name="t", scope="read", actor=world.agent)
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/teams/").status_code == 429
    other = Client()
    other.force_login(world.lead)
    assert other.get("/api/v1/teams/").status_code == 200


def test_a_rate_limited_api_write_is_refused_before_its_body_is_read(world: Any, settings: Any) -> None:
    from opsdesk.accounts import actions

    settings.OPSDESK_API_RATE_LIMIT = 1
    _token, raw = actions.issue_api_token(world.agent, name="t", scope="write", actor=world.agent)
    headers = {"Authorization": f"Bearer {raw}"}
    assert Client(headers=headers).get("/api/v1/teams/").status_code == 200
    status, read = post_and_watch_body(
        "/api/v1/tickets/", b'{"subject": "x", "body": "y"}', content_type="application/json", headers=headers
    )
    assert (status, read) == (429, False)
