"""Send a request through the whole WSGI stack with a body that records whether anyone read it."""

from __future__ import annotations

import io
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


class WatchedBody(io.BytesIO):
    """The request body; `read_at_all` turns true on the first read of any kind."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_at_all = False

    def read(self, size: int | None = -1) -> bytes:
        self.read_at_all = True
        return super().read(size)

    def readline(self, size: int | None = -1) -> bytes:
        self.read_at_all = True
        return super().readline(size)


def post_and_watch_body(
    path: str,
    body: bytes,
    *,
    content_type: str = "application/x-www-form-urlencoded",
    remote_addr: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
) -> tuple[int, bool]:
    """POST `body` to `path`; returns the status and whether the body was read."""
    stream = WatchedBody(body)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": remote_addr,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": stream,
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    statuses: list[str] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        statuses.append(status)

    # as Django's test client does: keep the test's database connection (and its transaction) open
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(environ, start_response)  # type: ignore[arg-type]
        for _chunk in result:
            pass
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(statuses[0].split()[0]), stream.read_at_all
