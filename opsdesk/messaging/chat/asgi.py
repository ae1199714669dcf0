"""The widget's event stream served straight from ASGI, in front of Django (mounted in `opsdesk/asgi.py`).

Django serves every request inside an asgiref `ThreadSensitiveContext`: the synchronous middleware gets a thread of
its own for the request, and for a stream that thread lives as long as the stream. With 1,000 visitors waiting,
that is 1,000 idle threads (about 0.2 MB each with their malloc arenas). The widget's stream needs no middleware:
it is a GET authenticated by its bearer token, with CORS answered here as in `widget_views` (whose
`stream_access` decides), so it is served here with no thread of its own; everything else, its preflight included,
goes to Django. `widget_views.chat_stream` stays the same endpoint for `runserver` and the test client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from opsdesk.core.limits import ASGIApp, Receive, Scope, Send

STREAM_PATH = re.compile(r"^/chat/widget/(?P<key>[A-Za-z0-9_-]{1,40})/stream/$")


def _access(key: str, origin: str, authorization: str) -> tuple[int, dict[str, Any] | None, int | None]:
    from opsdesk.messaging.chat.widget_views import stream_access

    try:
        return stream_access(key, origin=origin, authorization=authorization)
    finally:
        close_old_connections()


class WidgetStreams:
    """Serve `GET /chat/widget/<key>/stream/` here; pass every other request to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = STREAM_PATH.match(str(scope.get("path", ""))) if scope["type"] == "http" else None
        if found is None or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        from opsdesk.messaging.chat import streams

        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        origin = headers.get("origin", "")
        status, error, session_id = await sync_to_async(_access, thread_sensitive=False)(
            found["key"], origin, headers.get("authorization", "")
        )
        cors = [(b"vary", b"Origin")]
        if origin and status not in (403, 404):
            cors += [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-expose-headers", b"Retry-After"),
            ]
        if error is not None or session_id is None:
            body = json.dumps(error).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))] + cors,
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),
                    (b"x-content-type-options", b"nosniff"),
                    *cors,
                ],
            }
        )
        last_id = streams.parse_last_id(headers.get("last-event-id"))
        stream = streams.session_stream(session_id, last_id=last_id, side="visitor")

        async def relay() -> None:
            async for chunk in stream:
                await send({"type": "http.response.body", "body": chunk.encode(), "more_body": True})

        async def gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        tasks = [asyncio.ensure_future(relay()), asyncio.ensure_future(gone())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, OSError):
                    await task
            await stream.aclose()
            with contextlib.suppress(Exception):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
