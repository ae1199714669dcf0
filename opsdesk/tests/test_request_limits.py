"""Request bodies: binary files reach the API, NUL characters are refused in text only, and a body over the limit is
refused as it arrives (413, a page or the API's JSON), before it is read or written to a temporary file.

Found by the hostile probe of issue 8: the NUL guard scanned whole multipart bodies, so every PNG or ZIP sent to the
API was refused; an oversized multipart body got Django's HTML 400; and a 1 GB contact-form upload was read into the
temporary folder in full before the form refused it.
"""

from __future__ import annotations

import asyncio
import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opsdesk.accounts import actions as account_actions
from opsdesk.tickets.models import Attachment, Message

MIB = 1024 * 1024


def token(user: Any) -> dict[str, str]:
    _token, raw = account_actions.issue_api_token(user, name="files", scope="write", actor=user)
    return {"Authorization": f"Bearer {raw}"}


def png() -> bytes:
    """A real 1x1 PNG: its header and chunk lengths are full of NUL bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.csv", "a,b\n1,2\n")
    return buffer.getvalue()


def test_the_api_accepts_binary_attachments(client: Client, world: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    ticket = world.ticket()
    image, archive = png(), zip_file()
    assert b"\x00" in image and b"\x00" in archive
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/messages",
        {
            "body": "Screenshot and logs attached.",
            "files": [
                SimpleUploadedFile("screen.png", image, "image/png"),
                SimpleUploadedFile("logs.zip", archive, "application/zip"),
            ],
        },
        headers=token(world.agent),
    )
    assert response.status_code == 201, response.content
    stored = {a.filename: a.file.read() for a in Attachment.objects.filter(message_id=response.json()["id"])}
    assert stored == {"screen.png": image, "logs.zip": archive}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": "A\x00B"}, "body"),
        ({"body": "ok", "visibility": "public\x00"}, "visibility"),
    ],
)
def test_a_nul_character_in_a_text_field_of_a_multipart_body_is_a_400(
    client: Client, world: Any, data: dict[str, str], field: str
) -> None:
    ticket = world.ticket()
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/messages",
        {**data, "files": [SimpleUploadedFile("screen.png", png(), "image/png")]},
        headers=token(world.agent),
    )
    assert (response.status_code, response.json()) == (
        400,
        {"code": "invalid", "message": "The request contains a NUL character.", "field": field},
    )
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_an_oversized_api_upload_gets_the_json_error_without_being_read(
    client: Client, world: Any, settings: Any
) -> None:
    settings.OPSDESK_MAX_REQUEST_BYTES = 2 * MIB
    ticket = world.ticket()
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/messages",
        {"body": "Big", "files": [SimpleUploadedFile("big.zip", b"\x00" * (3 * MIB), "application/zip")]},
        headers=token(world.agent),
    )
    assert (response.status_code, response.json()) == (
        413,
        {"code": "request_too_large", "message": "The request is larger than 2 MB.", "field": None},
    )
    assert response.wsgi_request.environ["wsgi.input"].read_started is False
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_an_oversized_api_json_body_gets_the_json_error(client: Client, world: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    ticket = world.ticket()
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/note",
        {"body": "x" * 2000},
        content_type="application/json",
        headers=token(world.agent),
    )
    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")


def test_a_too_large_anonymous_upload_is_refused_before_it_is_read(
    client: Client, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES = 1 * MIB
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    response = client.post(
        "/contact/",
        {
            "name": "Eve",
            "email": "eve@example.com",
            "subject": "Huge",
            "body": "See attached.",
            "attachments": [SimpleUploadedFile("huge.zip", b"\x00" * (2 * MIB), "application/zip")],
        },
    )
    assert response.status_code == 413
    assert "core/error.html" in [t.name for t in response.templates]
    assert "The request is larger than 1 MB." in response.content.decode()
    assert response.wsgi_request.environ["wsgi.input"].read_started is False
    assert list(tmp_path.iterdir()) == []


def test_a_signed_in_agent_may_send_more_than_a_visitor(client: Client, world: Any, settings: Any) -> None:
    settings.OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES = 1 * MIB
    ticket = world.ticket()
    client.force_login(world.agent)
    response = client.post(
        f"/tickets/{ticket.pk}/note/",
        {
            "body": "Logs",
            "attachments": [SimpleUploadedFile("logs.zip", zip_file() + b"\x00" * MIB, "application/zip")],
        },
    )
    assert response.status_code == 302
    assert ticket.attachments.get().filename == "logs.zip"


def _asgi_post(path: str, chunks: int, *, content_length: int | None, chunk_size: int = MIB) -> tuple[int, int]:
    """POST `chunks` chunks to the ASGI application (chunked when content_length is None); returns the status and
    how many chunks the server pulled from the client before answering."""
    from opsdesk.asgi import application

    pulled = 0
    sent: list[Mapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks:
            await asyncio.sleep(3600)  # the client waits: the server must not wait for more
        pulled += 1
        return {"type": "http.request", "body": b"\x00" * chunk_size, "more_body": pulled < chunks}

    async def send(message: Mapping[str, Any]) -> None:
        sent.append(message)

    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def run() -> None:
        await asyncio.wait_for(application(scope, receive, send), timeout=30)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], pulled


def test_the_asgi_server_stops_reading_a_body_over_the_limit(settings: Any) -> None:
    """Without a database: the 413 is answered before any view, session, user or rate limit is loaded."""
    settings.OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES = 3 * MIB
    # A body that says it is 1 GB is refused from its headers: not one byte is read.
    assert _asgi_post("/contact/", 1024, content_length=1024 * MIB) == (413, 0)
    # A chunked body (no length) is read up to the limit, then refused: four 1 MiB chunks of a 1 GB stream.
    assert _asgi_post("/contact/", 1024, content_length=None) == (413, 4)
    # A body that lies about its length is cut where it passes the limit too.
    assert _asgi_post("/api/v1/tickets/1/messages", 1024, content_length=100) == (413, 4)
