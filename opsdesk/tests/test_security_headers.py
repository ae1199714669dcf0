"""Issue 8: a strict Content-Security-Policy on every page, and one log line per 403."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


@pytest.mark.parametrize("path", ["/accounts/sign-in/", "/contact/", "/tickets/", "/api/v1/docs"])
def test_every_page_has_a_strict_policy(world: Any, path: str) -> None:
    client = Client()
    client.force_login(world.agent)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT


def test_attachment_downloads_keep_their_sandbox(world: Any) -> None:
    from opsdesk.tickets import actions as ticket_actions

    ticket = world.ticket()
    message = ticket_actions.add_note(
        ticket, body="File", actor=world.agent, attachments=[SimpleUploadedFile("a.txt", b"hi", "text/plain")]
    )
    client = Client()
    client.force_login(world.agent)
    response = client.get(reverse("tickets:attachment_download", args=[message.attachments.get().pk]))
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    import re

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        if "/emails/" in str(template):
            continue  # mail clients, not browsers running our policy
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=\"|\son[a-z]+=\"|hx-on|hx-trigger=\"[^\"]*\[|\"js:", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


def test_a_403_is_logged_as_one_line(world: Any, caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    client.force_login(world.agent)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelno, r.exc_info, r.getMessage()) for r in records] == [
        (logging.WARNING, None, f"Forbidden: GET /accounts/users/ user={world.agent.pk} reason=PermissionDenied")
    ]
    assert "Traceback" not in caplog.text


def test_a_500_keeps_its_traceback(world: Any, caplog: pytest.LogCaptureFixture) -> None:
    from django.test import RequestFactory

    from opsdesk.core.logs import OneLineForbidden

    request = RequestFactory().get("/boom/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/boom/",), sys.exc_info()
        )
    record.status_code = 500
    record.request = request
    assert OneLineForbidden().filter(record) is True
    assert record.exc_info is not None
    assert record.getMessage() == "Internal Server Error: /boom/"
