"""POST /api/v1/inbound-email: raw MIME in, the stored row out; every refusal in the API's JSON shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opsdesk.accounts import actions as account_actions
from opsdesk.messaging.models import InboundEmail, Mailbox

URL = "/api/v1/inbound-email"
RAW = (
    b"From: Customer <c@example.org>\r\n"
    b"To: support@opsdesk.example\r\n"
    b"Subject: Via the API\r\n"
    b"Message-ID: <api-1@example.org>\r\n"
    b"\r\n"
    b"A NUL \x00 and bytes \xff stay as they came.\r\n"
)


def token(user: Any) -> dict[str, str]:
    _token, raw = account_actions.issue_api_token(user, name="gateway", scope="write", actor=user)
    return {"Authorization": f"Bearer {raw}"}


def post(
    client: Client, body: bytes, headers: dict[str, str], *, query: str = "", ctype: str = "message/rfc822"
) -> Any:
    return client.generic("POST", URL + query, body, content_type=ctype, headers=headers)


def test_a_new_message_is_202_and_the_same_bytes_again_200(client: Client, world: Any) -> None:
    support = Mailbox.objects.create(name="Support", address="support@opsdesk.example")
    headers = token(world.admin)
    first = post(client, RAW, headers, query="?mailbox=Support@OpsDesk.example")
    row = InboundEmail.objects.get()
    body = {"id": row.pk, "state": "received", "created": True, "received_at": first.json()["received_at"]}
    assert (first.status_code, first.json()) == (202, body)
    assert (bytes(row.raw), row.via, row.mailbox_id, row.subject) == (RAW, "api", support.pk, "Via the API")
    again = post(client, RAW, headers, ctype="message/rfc822; charset=utf-8")
    state = InboundEmail.objects.get().state  # by now processing may have moved it on
    assert (again.status_code, again.json()) == (200, {**body, "state": state, "created": False})
    assert InboundEmail.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "status", "code", "field"),
    [
        ("empty", 422, "empty_message", None),
        ("too_large", 413, "message_too_large", None),
        ("content_type", 415, "unsupported_media_type", None),
        ("unknown_mailbox", 422, "unknown_mailbox", "mailbox"),
        ("no_permission", 403, "forbidden", None),
        ("read_token", 403, "read_only_token", None),
        ("no_token", 401, "unauthorized", None),
    ],
)
def test_refusals_are_json_errors_and_store_nothing(
    client: Client, world: Any, settings: Any, case: str, status: int, code: str, field: str | None
) -> None:
    headers = token(world.manager if case == "no_permission" else world.admin)
    body, query, ctype = RAW, "", "message/rfc822"
    if case == "empty":
        body = b"\r\n  \r\n"
    elif case == "too_large":
        settings.OPSDESK_MAX_EMAIL_BYTES = 50
    elif case == "content_type":
        body, ctype = RAW.replace(b"\x00", b""), "text/plain"  # (a NUL in text is refused first, with a 400)
    elif case == "unknown_mailbox":
        query = "?mailbox=nobody@opsdesk.example"
    elif case == "read_token":
        _token, raw = account_actions.issue_api_token(world.admin, name="r", scope="read", actor=world.admin)
        headers = {"Authorization": f"Bearer {raw}"}
    elif case == "no_token":
        headers = {}
    response = post(client, body, headers, query=query, ctype=ctype)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["field"] == field
    assert InboundEmail.objects.count() == 0


def test_the_operation_documents_its_raw_body(db: None) -> None:
    from opsdesk.api import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/inbound-email"]["post"]
    assert list(operation["requestBody"]["content"]) == ["message/rfc822"]
    assert {200, 202, 413, 415, 422, 403} <= set(operation["responses"])
