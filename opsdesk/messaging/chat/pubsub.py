"""Live delivery of chat events to the streams waiting for them, in this process and in every other one.

With `REDIS_URL` set, an event is PUBLISHed on a Redis channel and each web process holds ONE pattern subscription
(`PSUBSCRIBE opsdesk:chat:*`, redis-py's asyncio client) that hands each event to the streams of that process that
wait on its channel; without Redis, events fan out in-process only (one web process: `opsdesk demo` on SQLite).

Events are published only after the transaction that wrote them commits (`publish_on_commit`), so a stream never
shows a message that was rolled back, and the stream reads its backlog from the database after subscribing, so an
event published between the two is seen at least once (streams drop duplicates by message id). When the Redis
subscription breaks, every local stream is told to `resync` (read the database again) once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)

QUEUE_SIZE = 256  # a stream that falls this far behind is told to resync instead of growing without bound
RESYNC: dict[str, Any] = {"type": "resync"}

Event = dict[str, Any]


def _prefix() -> str:
    return f"{settings.REDIS_PREFIX}:chat:"


def session_channel(session_id: int) -> str:
    return f"session:{session_id}"


QUEUE_CHANNEL = "queue"  # waiting and active chats changed: the agents' Chats pages


def _redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


class _Hub:
    """The streams of one event loop, by channel."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queues: dict[str, set[asyncio.Queue[Event]]] = {}
        self.listener: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    def dispatch(self, channel: str, event: Event) -> None:
        for queue in list(self.queues.get(channel, ())):
            _put(queue, event)

    def dispatch_all(self, event: Event) -> None:
        for queues in list(self.queues.values()):
            for queue in list(queues):
                _put(queue, event)

    async def listen(self, url: str) -> None:
        """Hold the process's one Redis subscription; on a broken connection, reconnect and have streams resync."""
        import redis.asyncio as aioredis

        broken = False
        while True:
            client = aioredis.Redis.from_url(url)
            pubsub = client.pubsub()
            try:
                await pubsub.psubscribe(_prefix() + "*")
                while True:  # the confirmation: from here on, every PUBLISH reaches us
                    message = await pubsub.get_message(timeout=5)
                    if message and message["type"] == "psubscribe":
                        break
                self.ready.set()
                if broken:
                    self.dispatch_all(RESYNC)
                    broken = False
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    channel = message["channel"].decode()[len(_prefix()) :]
                    try:
                        event = json.loads(message["data"])
                    except ValueError:
                        continue
                    self.dispatch(channel, event)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("chat: the Redis subscription broke; reconnecting", exc_info=True)
                broken = True
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()


def _put(queue: asyncio.Queue[Event], event: Event) -> None:
    try:
        queue.put_nowait(event)
    except asyncio.QueueFull:
        # The stream is far behind: drop what it holds and have it read the database again.
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(RESYNC)


_hubs: dict[asyncio.AbstractEventLoop, _Hub] = {}
_hubs_lock = threading.Lock()
_redis_client: Any = None


def _hub() -> _Hub:
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        for old in [known for known in _hubs if known.is_closed()]:
            del _hubs[old]
        hub = _hubs.get(loop)
        if hub is None:
            hub = _hubs[loop] = _Hub(loop)
    return hub


class Subscription:
    """The events of some channels, as they come: `await subscription.get(timeout)` returns one, or None."""

    def __init__(self, hub: _Hub, channels: tuple[str, ...]) -> None:
        self.hub = hub
        self.channels = channels
        self.queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)

    async def get(self, timeout: float) -> Event | None:
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


@contextlib.asynccontextmanager
async def subscribe(*channels: str) -> AsyncIterator[Subscription]:
    """Receive the events of `channels` until the block ends. Once this has entered, nothing published later is
    missed (with Redis, it waits for the process's subscription to be confirmed)."""
    hub = _hub()
    subscription = Subscription(hub, channels)
    for channel in channels:
        hub.queues.setdefault(channel, set()).add(subscription.queue)
    try:
        url = _redis_url()
        if url:
            if hub.listener is None or hub.listener.done():
                hub.ready.clear()
                hub.listener = asyncio.create_task(hub.listen(url), name="opsdesk-chat-pubsub")
            await asyncio.wait_for(hub.ready.wait(), timeout=10)
        yield subscription
    finally:
        for channel in channels:
            queues = hub.queues.get(channel)
            if queues is not None:
                queues.discard(subscription.queue)
                if not queues:
                    del hub.queues[channel]


def publish(channel: str, event: Event) -> None:
    """Deliver `event` to every stream of `channel`, in every process (Redis) or in this one. Call it after commit:
    `publish_on_commit`."""
    global _redis_client
    url = _redis_url()
    if url:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(url)
        _redis_client.publish(_prefix() + channel, json.dumps(event))
        return
    with _hubs_lock:
        hubs = list(_hubs.values())
    for hub in hubs:
        if channel in hub.queues and not hub.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                hub.loop.call_soon_threadsafe(hub.dispatch, channel, event)


def publish_on_commit(channel: str, event: Event) -> None:
    """Publish once the current transaction commits (at once outside one); a rollback publishes nothing. A failure
    to publish is logged, never raised into the request: streams resync from the database."""

    def send() -> None:
        try:
            publish(channel, event)
        except Exception:
            log.warning("chat: could not publish an event on %s", channel, exc_info=True)

    transaction.on_commit(send, robust=True)
