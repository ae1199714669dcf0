"""Live delivery: in-process fan-out without Redis, and Redis publish/subscribe across processes with it (a real
Redis at 127.0.0.1:6379, which CI starts). Events are published only once their transaction commits."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from opsdesk.messaging.chat import pubsub

REDIS = os.environ.get("OPSDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def redis_url(settings: Any) -> Iterator[str]:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS}: start it (apt-get install redis-server; CI starts it)")
    settings.REDIS_URL = REDIS
    pubsub._redis_client = None
    yield REDIS
    pubsub._redis_client = None


async def _receive(channels: tuple[str, ...], publish: Any, count: int) -> list[dict[str, Any]]:
    async with pubsub.subscribe(*channels) as subscription:
        await asyncio.get_running_loop().run_in_executor(None, publish)
        got: list[dict[str, Any]] = []
        for _ in range(count):
            event = await subscription.get(5)
            assert event is not None, f"only {got} arrived"
            got.append(event)
        assert await subscription.get(0.3) is None  # and nothing more
        return got


def test_in_process_events_reach_the_subscribers_of_their_channel_only(settings: Any) -> None:
    settings.REDIS_URL = ""

    def publish() -> None:  # from another thread, as an action's on_commit does
        pubsub.publish("session:1", {"type": "message", "id": 1})
        pubsub.publish("session:2", {"type": "message", "id": 2})
        pubsub.publish("session:1", {"type": "typing", "author": "agent"})

    got = asyncio.run(_receive(("session:1",), publish, 2))
    assert got == [{"type": "message", "id": 1}, {"type": "typing", "author": "agent"}]


def test_in_process_every_stream_of_a_channel_gets_the_event(settings: Any) -> None:
    settings.REDIS_URL = ""

    async def main() -> list[Any]:
        async with pubsub.subscribe("queue") as a, pubsub.subscribe("queue") as b:
            pubsub.publish("queue", {"type": "queue", "session": 7})
            return [await a.get(2), await b.get(2)]

    assert asyncio.run(main()) == [{"type": "queue", "session": 7}] * 2


@pytest.mark.django_db
def test_events_are_published_at_commit_and_never_after_a_rollback(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.REDIS_URL = ""
    seen: list[Any] = []
    original = pubsub.publish
    pubsub.publish = lambda channel, event: seen.append((channel, event))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pubsub.publish_on_commit("session:1", {"type": "message", "id": 1})
            try:
                with transaction.atomic():
                    pubsub.publish_on_commit("session:1", {"type": "message", "id": 2})
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
            assert seen == []  # not before the commit
        assert seen == [("session:1", {"type": "message", "id": 1})]  # the rolled-back one never
    finally:
        pubsub.publish = original


def test_redis_delivers_across_processes(redis_url: str) -> None:
    """A message published by another process (another web worker) reaches this one's stream."""

    def publish() -> None:
        code = (
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='opsdesk.settings'; django.setup();"
            "from opsdesk.messaging.chat import pubsub;"
            "pubsub.publish('session:41', {'type': 'message', 'id': 9, 'text': 'Ψ ok'});"
            "pubsub.publish('session:99', {'type': 'message', 'id': 10})"
        )
        env = {**os.environ, "REDIS_URL": redis_url}
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=60)

    got = asyncio.run(_receive(("session:41",), publish, 1))
    assert got == [{"type": "message", "id": 9, "text": "Ψ ok"}]


def test_redis_fans_out_to_several_event_loops(redis_url: str) -> None:
    """Two event loops stand for two processes: each holds one subscription and gets every event once."""
    results: dict[str, Any] = {}
    ready = threading.Barrier(3)

    def loop(name: str) -> None:
        async def main() -> None:
            async with pubsub.subscribe("session:5") as subscription:
                await asyncio.get_running_loop().run_in_executor(None, ready.wait)
                results[name] = [await subscription.get(5), await subscription.get(0.3)]

        asyncio.run(main())

    threads = [threading.Thread(target=loop, args=(n,)) for n in ("one", "two")]
    for thread in threads:
        thread.start()
    ready.wait()
    pubsub.publish("session:5", {"type": "state", "state": "active"})
    for thread in threads:
        thread.join(10)
    assert results == {
        "one": [{"type": "state", "state": "active"}, None],
        "two": [{"type": "state", "state": "active"}, None],
    }


def test_a_slow_stream_is_told_to_resync_instead_of_growing(settings: Any) -> None:
    settings.REDIS_URL = ""

    async def main() -> list[Any]:
        async with pubsub.subscribe("session:3") as subscription:
            for i in range(pubsub.QUEUE_SIZE + 5):
                pubsub.publish("session:3", {"type": "message", "id": i})
            await asyncio.sleep(0.05)
            return [subscription.queue.qsize(), await subscription.get(1)]

    size, first = asyncio.run(main())
    assert first == pubsub.RESYNC
    assert size <= 6
