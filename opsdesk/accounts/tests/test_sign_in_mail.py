"""The sign-in link mail: its raw token travels only in the mail itself."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from opsdesk.accounts.models import SignInLink
from opsdesk.core.models import OutgoingMail


def _token_in(body: str) -> str:
    found = re.search(r"/accounts/sign-in-link/([^\s/]+)/", body)
    assert found is not None
    return found.group(1)


def test_the_raw_token_never_travels_in_a_job(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Found in review: the sign-in link job carried the raw token in the queue's payload."""
    huey = settings.HUEY
    payloads: list[bytes] = []

    @huey.pre_execute(name="record-payloads")
    def record(task: Any) -> None:
        payloads.append(huey.serialize_task(task))

    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:link_request"), {"email": "carl@acme.example"})
    finally:
        huey.unregister_pre_execute("record-payloads")
    raw = _token_in(str(mail.outbox[-1].body))
    assert len(payloads) == 1
    assert raw.encode() not in payloads[0]


def test_the_raw_token_is_stored_nowhere(client: Client, world: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:link_request"), {"email": "carl@acme.example"})
    sent = mail.outbox[-1]
    raw = _token_in(str(sent.body))
    stored = OutgoingMail.objects.get()
    assert (stored.kind, stored.recipients, stored.state, stored.message_id) == (
        "accounts.sign_in_link",
        ["carl@acme.example"],
        "sent",
        sent.extra_headers["Message-ID"],
    )
    assert raw not in str(list(OutgoingMail.objects.values_list()))
    assert raw not in str(list(SignInLink.objects.values_list()))
    assert stored.discard_after == SignInLink.objects.get().expires_at  # never sent once the link has expired
    assert client.post(f"/accounts/sign-in-link/{raw}/")["Location"] == "/"
