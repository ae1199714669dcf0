"""Who else has a ticket open, live: the ticket page's collision warning ("Also viewing: Anna", "Replying now: Bo").

Each open ticket page holds one server-sent event stream (`ticket_stream`, over the chat's pub/sub) identified by a
random connection id. The stream marks its connection present when it opens and at every heartbeat, and removes it
when it closes; the page says "replying" while the agent types in the composer (`mark`, from a small POST). The
connections of a ticket are one cache entry (Redis with several web processes, the process's memory in the demo),
each with the time it was last heard from: one not heard from within STALE seconds (a tab that died without closing
its stream) no longer counts. Any change is published on the ticket's channel, and every stream of that ticket then
sends its reader the others present, as one sentence in the reader's language. Nothing here is written to the
database: presence is not a change of the ticket, and it is gone when the pages are closed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from typing import Any, Literal

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from opsdesk.messaging.chat import pubsub
from opsdesk.messaging.chat.streams import HEARTBEAT, sse

State = Literal["viewing", "replying"]
STATES: tuple[State, ...] = ("viewing", "replying")
STALE = HEARTBEAT * 2 + 5  # seconds: a connection not heard from for this long has gone
TYPING = 30.0  # seconds a "replying" lasts without another keystroke report


def channel(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def _key(ticket_id: int) -> str:
    return f"presence:ticket:{ticket_id}"


def _entries(ticket_id: int, now: float) -> dict[str, dict[str, Any]]:
    found = cache.get(_key(ticket_id)) or {}
    return {conn: entry for conn, entry in found.items() if now - entry["seen"] < STALE}


def _visible(entries: dict[str, dict[str, Any]], now: float) -> dict[int, tuple[str, State]]:
    """Each user present once, replying if any of their pages is."""
    people: dict[int, tuple[str, State]] = {}
    for entry in entries.values():
        replying = entry.get("typing_until", 0.0) > now
        state: State = "replying" if replying else "viewing"
        known = people.get(entry["user"])
        if known is None or (state == "replying" and known[1] == "viewing"):
            people[entry["user"]] = (entry["name"], state)
    return people


def mark(ticket_id: int, *, conn: str, user_id: int, name: str, state: State = "viewing") -> bool:
    """Note a connection as present (and replying, for TYPING seconds); True when others should hear of it."""
    now = time.time()
    entries = _entries(ticket_id, now)
    before = _visible(entries, now)
    entry = entries.get(conn) or {"user": user_id, "name": name, "typing_until": 0.0}
    entry.update(seen=now, user=user_id, name=name)
    if state == "replying":
        entry["typing_until"] = now + TYPING
    else:
        entry["typing_until"] = 0.0
    entries[conn] = entry
    cache.set(_key(ticket_id), entries, timeout=int(STALE * 2))
    return _visible(entries, now) != before


def leave(ticket_id: int, *, conn: str) -> bool:
    now = time.time()
    entries = _entries(ticket_id, now)
    before = _visible(entries, now)
    if entries.pop(conn, None) is None:
        return False
    cache.set(_key(ticket_id), entries, timeout=int(STALE * 2))
    return _visible(entries, now) != before


def others(ticket_id: int, user_id: int) -> dict[str, Any]:
    """What one reader is told: the sentence naming the others present (empty when alone) and its level."""
    now = time.time()
    people = {uid: seen for uid, seen in _visible(_entries(ticket_id, now), now).items() if uid != user_id}
    replying = sorted(name for name, state in people.values() if state == "replying")
    viewing = sorted(name for name, state in people.values() if state == "viewing")
    parts = []
    if replying:
        parts.append(_("Replying now: %(names)s") % {"names": ", ".join(replying)})
    if viewing:
        parts.append(_("Also viewing: %(names)s") % {"names": ", ".join(viewing)})
    return {"text": " · ".join(parts), "level": "replying" if replying else ("viewing" if viewing else "")}


def announce(ticket_id: int) -> None:
    """Tell every stream of the ticket that who is present changed."""
    pubsub.publish(channel(ticket_id), {"type": "presence"})


async def ticket_stream(ticket_id: int, *, conn: str, user_id: int, name: str, language: str) -> AsyncGenerator[str]:
    """One ticket page's stream: a `presence` event with the others present whenever that changes."""

    def told() -> dict[str, Any]:
        with translation.override(language):
            return others(ticket_id, user_id)

    def refresh() -> bool:
        entries = _entries(ticket_id, time.time())
        state: State = "replying" if entries.get(conn, {}).get("typing_until", 0.0) > time.time() else "viewing"
        return mark(ticket_id, conn=conn, user_id=user_id, name=name, state=state)

    run = sync_to_async(lambda function: function(), thread_sensitive=False)
    async with pubsub.subscribe(channel(ticket_id)) as subscription:
        if await run(lambda: mark(ticket_id, conn=conn, user_id=user_id, name=name)):
            await run(lambda: announce(ticket_id))
        try:
            yield "retry: 5000\n\n"
            last = await run(told)
            yield sse(last, event="presence")
            while True:
                event = await subscription.get(HEARTBEAT)
                if event is None and await run(refresh):
                    await run(lambda: announce(ticket_id))
                now = await run(told)
                if now != last:
                    last = now
                    yield sse(now, event="presence")
                elif event is None:
                    yield ": ping\n\n"
        finally:
            if await run(lambda: leave(ticket_id, conn=conn)):
                await run(lambda: announce(ticket_id))
