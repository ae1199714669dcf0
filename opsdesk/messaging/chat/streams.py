"""The server-sent event streams of live chat, as async generators served by uvicorn (STACK.md: runserver buffers).

An idle stream costs one small asyncio task and a queue: it holds no database connection (each read runs in
`sync_to_async`, which uses the process's one shared worker thread and its connection) and sends a comment every
HEARTBEAT seconds, which keeps proxies from closing it and tells the server when the client has gone.

A chat's stream first subscribes, then reads from the database what the client missed (after `Last-Event-ID`), then
relays live events: so nothing published in between is lost, and a message both read and relayed is sent once (by
its id, which is the message's id). Typing and state events carry no id."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection
from django.http import StreamingHttpResponse
from django.utils import timezone

from opsdesk.accounts.models import User
from opsdesk.messaging.actions import chat as chat_actions
from opsdesk.messaging.chat import pubsub
from opsdesk.messaging.models import ChatSession
from opsdesk.messaging.models.chat import VISITOR_REFRESH
from opsdesk.tickets.models import Message

HEARTBEAT = 20.0  # seconds between keep-alive comments
OVERLAP = timedelta(seconds=10)  # on reconnect, also re-read messages this much older than the last one seen


def sse(data: dict[str, Any], *, event: str, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def response(stream: AsyncIterator[str]) -> StreamingHttpResponse:
    result = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    result["Cache-Control"] = "no-cache"
    result["X-Accel-Buffering"] = "no"
    return result


def parse_last_id(value: str | None) -> int:
    try:
        number = int(value or 0)
    except ValueError:
        return 0
    return number if 0 < number < 2**63 else 0


def _db(function: Any) -> Any:
    """Run `function` in the event loop's shared thread pool, not in the request's own thread: Django serves each
    request inside an asgiref ThreadSensitiveContext, whose thread (and the database connection it opened) would
    otherwise live as long as the stream. The pool's few threads keep their connections (CONN_MAX_AGE)."""

    def run(*args: Any) -> Any:
        try:
            return function(*args)
        finally:
            close_old_connections()

    return sync_to_async(run, thread_sensitive=False)


def release_connection() -> None:
    """Called by a stream view before it returns its response: the request thread's connection is not needed while
    the stream is open (the stream reads through `_db`). Not inside a transaction (a test's)."""
    if not connection.in_atomic_block:
        connection.close()


def _state_event(session: ChatSession) -> dict[str, Any]:
    """The chat's state. A waiting one also says whether it is `unanswered` (nobody took it in time: the widget
    tells the visitor the answer comes by email) and, if not yet, in how many seconds it will be."""
    event: dict[str, Any] = {
        "type": "state",
        "state": session.state,
        "agent": session.agent.name if session.agent else "",
    }
    wait = session.wait(timezone.now())
    if wait is not None:
        event["unanswered"] = wait.unanswered
        if not wait.unanswered:
            event["unanswered_in"] = wait.unanswered_in
    return event


def _backlog(session_id: int, after: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The session's state, and its public messages after message `after` (with a short overlap, since on
    PostgreSQL a message with a smaller id can commit after a bigger one)."""
    session = ChatSession.objects.select_related("agent", "ticket__requester").get(pk=session_id)
    messages = Message.objects.filter(ticket_id=session.ticket_id, visibility=Message.Visibility.PUBLIC)
    if after:
        last = messages.filter(pk=after).values_list("created_at", flat=True).first()
        messages = messages.filter(pk__gt=after) if last is None else messages.filter(created_at__gte=last - OVERLAP)
    rows = messages.select_related("author_user").order_by("created_at", "pk")[:500]
    requester = session.ticket.requester.name
    events = [
        chat_actions.message_event(m, author_name=m.author_user.name if m.author_user else requester) for m in rows
    ]
    return _state_event(session), events


async def session_stream(session_id: int, *, last_id: int, side: str) -> AsyncGenerator[str, None]:
    """One chat, for the visitor (`side="visitor"`) or its agent (`"agent"`): state, messages, the other's typing."""
    async with pubsub.subscribe(pubsub.session_channel(session_id)) as subscription:
        if side == "visitor":
            await _db(chat_actions.visitor_connected)(session_id)
        refreshed = time.monotonic()
        sent: set[int] = set()
        newest = last_id
        unanswered_due: float | None = None  # when a waiting chat turns unanswered: its state is sent again then
        try:
            yield "retry: 2000\n\n"
            resync = True
            while True:
                if resync:
                    state, backlog = await _db(_backlog)(session_id, newest)
                    yield sse(state, event="state")
                    left = state.get("unanswered_in")
                    unanswered_due = None if left is None else time.monotonic() + left
                    for item in backlog:  # the overlap may repeat what the client has: it drops ids it holds
                        if item["id"] in sent or item["id"] == last_id:
                            continue
                        sent.add(item["id"])
                        newest = max(newest, item["id"])
                        yield sse(item, event="message", event_id=item["id"])
                    resync = False
                wait = (
                    HEARTBEAT if unanswered_due is None else max(0.0, min(HEARTBEAT, unanswered_due - time.monotonic()))
                )
                event = await subscription.get(wait)
                if event is None:
                    if unanswered_due is not None and time.monotonic() >= unanswered_due:
                        resync = True  # re-read: still waiting, it is now unanswered (or it was taken meanwhile)
                        continue
                    yield ": ping\n\n"
                    if side == "visitor" and time.monotonic() - refreshed > VISITOR_REFRESH.total_seconds():
                        refreshed = time.monotonic()
                        await _db(chat_actions.visitor_refreshed)(session_id)
                    continue
                kind = event.get("type")
                if kind == "resync":
                    resync = True
                elif kind == "message":
                    if event["id"] in sent:
                        continue
                    sent.add(event["id"])
                    newest = max(newest, event["id"])
                    yield sse(event, event="message", event_id=event["id"])
                elif kind == "typing":
                    if event.get("author") != side:
                        yield sse(event, event="typing")
                elif kind == "state":
                    if event.get("state") != ChatSession.State.WAITING:
                        unanswered_due = None
                    yield sse(event, event="state")
        finally:
            if side == "visitor":
                await _db(chat_actions.visitor_disconnected)(session_id)


async def queue_stream(user: User) -> AsyncGenerator[str, None]:
    """The agents' Chats page: a `queue` event whenever a chat starts, is taken or ends (the page then reloads its
    list); each heartbeat also marks the agent online for new chats (`ChatAgent.seen_at`)."""
    async with pubsub.subscribe(pubsub.QUEUE_CHANNEL) as subscription:
        await _db(chat_actions.agent_seen)(user)
        yield "retry: 2000\n\n"
        yield sse({"type": "hello"}, event="queue")
        while True:
            event = await subscription.get(HEARTBEAT)
            if event is None:
                await _db(chat_actions.agent_seen)(user)
                yield ": ping\n\n"
                continue
            yield sse(event, event="queue")
