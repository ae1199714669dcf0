"""The sign-in link mail: its raw token travels only in the mail itself."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from opsdesk.accounts import actions as account_actions
from opsdesk.accounts.models import PasswordReset, SignInLink, hash_token
from opsdesk.core.models import OutgoingMail


def _path_token(body: str, prefix: str) -> str:
    found = re.search(rf"/accounts/{prefix}/([^\s/]+)/", body)
    assert found is not None
    return found.group(1)


def _token_in(body: str) -> str:
    return _path_token(body, "sign-in-link")


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


def test_password_links_travel_only_in_the_sent_mail_too(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Password reset and set-up links use the same outbox secret as the sign-in link."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "agent@example.com"})
        account_actions.create_user(email="new@example.com", name="New", role="agent", actor=world.admin)
    reset_mail, setup_mail = mail.outbox[-2:]
    tokens = [_path_token(str(m.body), "password-reset") for m in (reset_mail, setup_mail)]
    rows = OutgoingMail.objects.filter(kind__startswith="accounts.password").order_by("id")
    assert [(r.kind, r.recipients, r.state, r.has_secret) for r in rows] == [
        ("accounts.password_reset", ["agent@example.com"], "sent", True),
        ("accounts.password_setup", ["new@example.com"], "sent", True),
    ]
    stored = str(list(OutgoingMail.objects.values_list())) + str(list(PasswordReset.objects.values_list()))
    assert [token in stored for token in tokens] == [False, False]
    assert sorted(PasswordReset.objects.values_list("token_hash", flat=True)) == sorted(hash_token(t) for t in tokens)
