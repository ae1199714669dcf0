"""The chat's server-sent event stream: state, backlog and live messages, the other side's typing, resuming after
Last-Event-ID without losing a message, and the visitor's presence while the stream is open."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client

from opsdesk.messaging.actions import chat as chat_actions
from opsdesk.messaging.chat import streams
from opsdesk.messaging.models import ChatSession
from opsdesk.messaging.models.chat import hash_token
from opsdesk.messaging.tests.chat_helpers import ORIGIN, make_widget, online, url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _close_stream_connections() -> Iterator[None]:
    """The streams read the database in asgiref's shared worker thread: close its connection after each test."""
    yield
    asyncio.run(sync_to_async(connections.close_all)())


def parse(chunk: str) -> tuple[str, dict[str, Any] | None, int | None]:
    if chunk.startswith((":", "retry:")):
        return "comment", None, None
    fields = dict(line.split(": ", 1) for line in chunk.strip().split("\n"))
    return fields["event"], json.loads(fields["data"]), int(fields["id"]) if "id" in fields else None


async def read(stream: Any, n: int) -> list[tuple[str, dict[str, Any] | None, int | None]]:
    out: list[tuple[str, dict[str, Any] | None, int | None]] = []
    while len(out) < n:
        event = parse(await asyncio.wait_for(stream.__anext__(), 5))
        if event[0] != "comment":
            out.append(event)
    return out


def _session(world: Any) -> ChatSession:
    widget = make_widget(world)
    online(world.agent)
    session = chat_actions.start_chat(widget, name="Vera", email="v@v.example", language="en", message="Hello").session
    assert session is not None
    return chat_actions.accept_chat(session, actor=world.agent)


def test_the_visitor_stream_sends_state_backlog_live_messages_and_the_agents_typing(world: Any) -> None:
    session = _session(world)
    first = session.ticket.messages.get()

    async def main() -> list[Any]:
        stream = streams.session_stream(session.pk, last_id=0, side="visitor")
        got = await read(stream, 2)
        assert await sync_to_async(lambda: ChatSession.objects.get(pk=session.pk).visitor_streams)() == 1
        await sync_to_async(chat_actions.send_agent_message)(session, body="Hi Vera", actor=world.agent)
        await sync_to_async(chat_actions.typing)(session, side="visitor")  # its own typing is not echoed
        await sync_to_async(chat_actions.typing)(session, side="agent")
        got += await read(stream, 2)
        await stream.aclose()
        return got

    got = asyncio.run(main())
    reply = session.ticket.messages.latest("pk")
    assert got == [
        ("state", {"type": "state", "state": "active", "agent": "Alice Agent"}, None),
        ("message", chat_actions.message_event(first, author_name="Vera"), first.pk),
        ("message", chat_actions.message_event(reply, author_name="Alice Agent"), reply.pk),
        ("typing", {"type": "typing", "author": "agent"}, None),
    ]
    session.refresh_from_db()
    assert session.visitor_streams == 0  # the stream closed: the visitor is not there
    assert got[2][1]["text"] == "Hi Vera"


def test_a_resumed_stream_sends_what_was_missed_once(world: Any) -> None:
    session = _session(world)
    first = session.ticket.messages.get()
    missed = [chat_actions.send_agent_message(session, body=f"While away {i}", actor=world.agent) for i in range(3)]

    async def main() -> list[Any]:
        stream = streams.session_stream(session.pk, last_id=first.pk, side="visitor")
        got = await read(stream, 4)
        await stream.aclose()
        return got

    got = asyncio.run(main())
    ids = [event_id for kind, _data, event_id in got if kind == "message"]
    assert ids == [m.pk for m in missed]  # the one the client had is not sent again


def test_the_agent_stream_gets_the_visitors_messages_and_typing(world: Any) -> None:
    session = _session(world)

    async def main() -> list[Any]:
        stream = streams.session_stream(session.pk, last_id=session.ticket.messages.get().pk, side="agent")
        got = await read(stream, 1)
        await sync_to_async(chat_actions.typing)(session, side="visitor")
        await sync_to_async(chat_actions.send_visitor_message)(session, body="<script>x</script>")
        await sync_to_async(chat_actions.end_chat)(session, ended_by="visitor")
        got += await read(stream, 3)
        await stream.aclose()
        return got

    got = asyncio.run(main())
    assert [kind for kind, _d, _i in got] == ["state", "typing", "message", "state"]
    assert got[2][1]["text"] == "<script>x</script>"  # text: the page inserts it with textContent
    assert got[3][1] == {"type": "state", "state": "ended"}
    session.refresh_from_db()
    assert session.visitor_streams == 0  # the agent's stream does not count as the visitor


def test_the_stream_needs_the_token_and_an_allowed_origin(world: Any) -> None:
    session = _session(world)
    client = Client()
    widget = session.widget
    assert client.get(url("chat_stream", widget), headers={"Origin": ORIGIN}).status_code == 401
    foreign = client.get(url("chat_stream", widget), headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403


def test_the_agent_queue_stream_marks_the_agent_online(world: Any) -> None:
    from opsdesk.messaging.models import ChatAgent

    ChatAgent.objects.all().delete()
    widget = make_widget(world)

    async def main() -> list[Any]:
        stream = streams.queue_stream(world.agent)
        got = await read(stream, 1)
        started = await sync_to_async(chat_actions.start_chat)(
            widget, name="Vera", email="v@v.example", language="en", message="Hi"
        )
        got += await read(stream, 1)
        await stream.aclose()
        return [got, started.session.pk if started.session else None]

    (events, session_id) = asyncio.run(main())
    assert session_id is not None  # the agent counted as online, so it became a live chat
    assert events == [
        ("queue", {"type": "hello"}, None),
        ("queue", {"type": "queue", "session": session_id, "state": "waiting"}, None),
    ]


def _asgi_get(path: str, headers: dict[str, str], chunks: int) -> tuple[Any, list[bytes]]:
    """GET through the production ASGI application (opsdesk.asgi), reading the start and `chunks` body parts."""
    from asgiref.testing import ApplicationCommunicator

    from opsdesk.asgi import application

    async def main() -> tuple[Any, list[bytes]]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000),
        }
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(5)
        body = []
        for _ in range(chunks):
            body.append((await communicator.receive_output(5))["body"])
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(5)
        return start, body

    return asyncio.run(main())


def test_the_production_server_streams_the_widget_without_django_and_checks_the_same(world: Any) -> None:
    session = _session(world)
    first = session.ticket.messages.get()
    path = url("chat_stream", session.widget)
    token = "t" * 43
    ChatSession.objects.filter(pk=session.pk).update(token_hash=hash_token(token))
    start, body = _asgi_get(path, {"Origin": ORIGIN, "Authorization": f"Bearer {token}"}, 3)
    headers = dict(start["headers"])
    assert start["status"] == 200
    assert headers[b"content-type"] == b"text/event-stream; charset=utf-8"
    assert headers[b"access-control-allow-origin"] == ORIGIN.encode()
    assert body[0] == b"retry: 2000\n\n"
    assert parse(body[1].decode())[0] == "state"
    assert parse(body[2].decode())[2] == first.pk
    session.refresh_from_db()
    assert session.visitor_streams == 0  # the disconnect closed the stream
    refused, _body = _asgi_get(path, {"Origin": ORIGIN, "Authorization": "Bearer nope"}, 1)
    assert refused["status"] == 401
    assert json.loads(_body[0]) == {
        "code": "invalid_token",
        "message": "This chat has expired. Please start a new one.",
        "field": None,
    }
    foreign, _body = _asgi_get(path, {"Origin": "https://evil.example", "Authorization": f"Bearer {token}"}, 1)
    assert foreign["status"] == 403
    assert b"access-control-allow-origin" not in dict(foreign["headers"])


def test_a_chat_nobody_takes_in_time_turns_unanswered_on_every_stream(world: Any, settings: Any) -> None:
    settings.OPSDESK_CHAT_UNANSWERED_AFTER = 1
    widget = make_widget(world)
    online(world.agent)
    session = chat_actions.start_chat(widget, name="Vera", email="v@v.example", language="en", message="Hi").session
    assert session is not None

    async def main() -> list[Any]:
        first = streams.session_stream(session.pk, last_id=0, side="visitor")
        second = streams.session_stream(session.pk, last_id=0, side="visitor")  # another tab
        got = await read(first, 2) + await read(second, 2)
        got += await read(first, 1) + await read(second, 1)  # sent by the server when the time is up
        await first.aclose()
        await second.aclose()
        return got

    got = asyncio.run(main())
    waiting = {"type": "state", "state": "waiting", "agent": "", "unanswered": False, "unanswered_in": 1}
    late = {"type": "state", "state": "waiting", "agent": "", "unanswered": True}
    assert [data for kind, data, _i in got if kind == "state"] == [waiting, waiting, late, late]
    session.refresh_from_db()
    assert session.state == "waiting"  # still in the queue: an agent may take it, or answer its ticket by email
    # A stream opened later says so at once; once taken, it is no longer unanswered.
    assert streams._state_event(session) == late
    taken = chat_actions.accept_chat(session, actor=world.agent)
    assert streams._state_event(taken) == {"type": "state", "state": "active", "agent": "Alice Agent"}


def test_the_widget_has_the_unanswered_text_in_the_visitors_language(client: Client, world: Any) -> None:
    widget = make_widget(world)
    texts = client.get(url("widget_config", widget) + "?lang=fi", headers={"Origin": ORIGIN}).json()["texts"]
    assert texts["unanswered"].startswith("Kukaan ei ole vielä vastannut")
