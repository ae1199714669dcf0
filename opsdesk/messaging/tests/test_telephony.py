"""The telephony webhook: signed with the provider's secret over timestamp and body, fresh within five minutes,
idempotent on the provider's call id (a "ringing" post then an "ended" post is one call), and exact JSON errors.
Also the administrators' page: the secret shown once, rotated, audited."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.messaging import actions
from opsdesk.messaging.actions.telephony import provider_secret
from opsdesk.messaging.models import CallRecord, TelephonyProvider
from opsdesk.messaging.phone import signing
from opsdesk.tickets.models import Ticket, TicketEvent

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def provider(world: Any) -> TelephonyProvider:
    made, _secret = actions.create_provider(name="Acme PBX", slug="acme-pbx", team=world.support, actor=world.admin)
    return made


def post(
    client: Client,
    provider: TelephonyProvider,
    payload: Any,
    *,
    secret: str | None = None,
    at: float | None = None,
    raw: bytes | None = None,
) -> Any:
    body = raw if raw is not None else json.dumps(payload).encode()
    stamp = str(int(at if at is not None else time.time()))
    signature = signing.sign(secret or provider_secret(provider), stamp, body)
    return client.post(
        reverse("hooks:telephony_calls", args=[provider.slug]),
        body,
        content_type="application/json",
        headers={"X-OpsDesk-Timestamp": stamp, "X-OpsDesk-Signature": signature},
    )


RINGING = {
    "call_id": "c-1",
    "direction": "inbound",
    "from": "+358 40 123 4567",
    "to": "+358 9 100 200",
    "offered_at": "2026-03-02T09:50:00Z",
    "queue": "support-fi",
}


def test_ringing_then_ended_is_one_call_updated_in_place(client: Client, world: Any, provider: Any) -> None:
    first = post(client, provider, RINGING)
    assert first.status_code == 201
    assert first.json() == {
        "id": first.json()["id"],
        "call_id": "c-1",
        "created": True,
        "direction": "inbound",
        "from": "+358401234567",
        "to": "+3589100200",
        "outcome": None,
        "offered_at": "2026-03-02T09:50:00+00:00",
        "answered_at": None,
        "ended_at": None,
        "wait_seconds": None,
        "talk_seconds": None,
        "customer": None,
        "agent": None,
        "ticket": None,
    }
    ended = {
        "call_id": "c-1",
        "answered_at": "2026-03-02T09:50:15Z",
        "ended_at": "2026-03-02T09:54:27Z",
        "outcome": "answered",
        "agent_email": "AGENT@example.com",
        "talk_seconds": 252,
        "wait_seconds": 15,
    }
    second = post(client, provider, ended)
    assert second.status_code == 200
    assert (second.json()["id"], second.json()["created"]) == (first.json()["id"], False)
    call = CallRecord.objects.get()
    assert (call.direction, call.queue, call.team_id, call.agent_id) == (
        "inbound",
        "support-fi",
        world.support.pk,
        world.agent.pk,
    )
    assert (call.wait_seconds, call.talk_seconds, call.outcome) == (15, 252, "answered")
    again = post(client, provider, ended)  # the system retries: still one call, same values
    assert (again.status_code, CallRecord.objects.count()) == (200, 1)
    provider.refresh_from_db()
    assert provider.last_used_at == NOW


def test_a_finished_call_on_a_ticket_records_the_event_once(client: Client, world: Any, provider: Any) -> None:
    ticket = world.ticket()
    assert post(client, provider, {**RINGING, "ticket_id": ticket.pk}).status_code == 201
    assert TicketEvent.objects.filter(ticket=ticket, kind="call.logged").count() == 0  # not finished yet
    done = {"call_id": "c-1", "ended_at": "2026-03-02T09:50:40Z", "outcome": "abandoned", "notes": "Hung up."}
    assert post(client, provider, done).status_code == 200
    assert post(client, provider, done).status_code == 200
    event = TicketEvent.objects.get(ticket=ticket, kind="call.logged")
    assert (event.source, event.actor_id, event.data["outcome"], event.data["wait_seconds"]) == (
        "phone",
        None,
        "abandoned",
        40,
    )
    assert ticket.messages.filter(visibility="internal").get().body_text == (
        "Inbound call from +358401234567, abandoned after 40 s\n\nHung up."
    )


def test_a_call_can_open_a_ticket_through_the_intake(client: Client, world: Any, provider: Any) -> None:
    payload = {
        **RINGING,
        "ended_at": "2026-03-02T09:51:00Z",
        "outcome": "voicemail",
        "recording_url": "https://pbx.example/rec/c-1.mp3",
        "create_ticket": True,
    }
    response = post(client, provider, payload)
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["ticket"])
    assert (ticket.channel, ticket.team_id, ticket.subject) == (
        "phone",
        world.support.pk,
        "Phone call from +358401234567",
    )
    assert ticket.events.get(kind="ticket.created").source == "phone"
    assert post(client, provider, payload).json()["ticket"] == ticket.pk  # a retry opens no second ticket
    assert Ticket.objects.filter(channel="phone").count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"secret": "whsec_wrong"}, "bad_signature"),
        ({"at": NOW.timestamp() - 301}, "stale_timestamp"),
        ({"at": NOW.timestamp() + 301}, "stale_timestamp"),
    ],
)
def test_a_bad_signature_or_a_stale_timestamp_is_401(
    client: Client, provider: Any, change: dict[str, Any], code: str
) -> None:
    response = post(client, provider, RINGING, **change)
    assert (response.status_code, response.json()["code"]) == (401, code)
    assert CallRecord.objects.count() == 0


def test_a_replayed_request_with_a_new_timestamp_does_not_verify(client: Client, provider: Any) -> None:
    body = json.dumps(RINGING).encode()
    old = str(int(NOW.timestamp()) - 10)
    signature = signing.sign(provider_secret(provider), old, body)
    response = client.post(
        reverse("hooks:telephony_calls", args=[provider.slug]),
        body,
        content_type="application/json",
        headers={"X-OpsDesk-Timestamp": str(int(NOW.timestamp())), "X-OpsDesk-Signature": signature},
    )
    assert (response.status_code, response.json()["code"]) == (401, "bad_signature")


def test_missing_headers_are_401_and_unknown_or_switched_off_systems_404(
    client: Client, world: Any, provider: Any
) -> None:
    url = reverse("hooks:telephony_calls", args=[provider.slug])
    assert client.post(url, b"{}", content_type="application/json").status_code == 401
    assert client.post("/hooks/telephony/nobody/calls/", b"{}", content_type="application/json").status_code == 404
    actions.set_provider_active(provider, active=False, actor=world.admin)
    response = post(client, provider, RINGING)
    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "message": "Nothing is here.", "field": None},
    )
    assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({**RINGING, "from": "not a number"}, 422, "from_number"),
        ({**RINGING, "offered_at": "yesterday"}, 422, "offered_at"),
        ({**RINGING, "outcome": "answered", "ended_at": "2026-03-02T09:55:00Z"}, 422, "answered_at"),
        ({**RINGING, "direction": 5}, 422, "direction"),
        ({**RINGING, "colour": "red"}, 422, "colour"),
        ({**RINGING, "team_id": 99999}, 422, "team_id"),
        ({**RINGING, "ticket_id": 99999}, 422, "ticket_id"),
        ({**RINGING, "ticket_id": "1; drop"}, 422, "ticket_id"),
        ({**RINGING, "hold_seconds": -1}, 422, "hold_seconds"),
        ({**RINGING, "notes": "a\x00b"}, 422, "notes"),
        ({**RINGING, "call_id": ""}, 422, "external_id"),
        ({**RINGING, "call_id": None}, 422, "call_id"),
        ({k: v for k, v in RINGING.items() if k != "direction"}, 422, "direction"),
        (
            {
                **RINGING,
                "answered_at": "2026-03-02T09:50:10Z",
                "ended_at": "2026-03-02T09:51:10Z",
                "outcome": "answered",
                "talk_seconds": 100,
            },
            422,
            "talk_seconds",
        ),
        ([RINGING], 422, None),
    ],
)
def test_an_invalid_payload_is_422_naming_the_field(
    client: Client, provider: Any, payload: Any, status: int, field: str | None
) -> None:
    response = post(client, provider, payload)
    assert (response.status_code, response.json()["field"]) == (status, field)
    assert CallRecord.objects.count() == 0


def test_a_body_that_is_not_json_is_400(client: Client, provider: Any) -> None:
    response = post(client, provider, None, raw=b"{not json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_json")


def test_the_webhook_is_rate_limited_per_address(client: Client, provider: Any, settings: Any) -> None:
    settings.OPSDESK_TELEPHONY_RATE_LIMIT = 2
    statuses = [post(client, provider, {**RINGING, "call_id": f"c-{i}"}).status_code for i in range(3)]
    assert statuses == [201, 201, 429]


def test_the_secret_is_shown_once_rotated_and_audited(client: Client, world: Any) -> None:
    client.force_login(world.admin)
    response = client.post(reverse("channel_settings:telephony_list"), {"name": "Cloud PBX", "slug": "cloud"})
    provider = TelephonyProvider.objects.get(slug="cloud")
    secret = provider_secret(provider)
    assert response.status_code == 200 and secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert secret not in client.get(reverse("channel_settings:telephony_list")).content.decode()
    assert secret not in json.dumps(list(TelephonyProvider.objects.values()), default=str)  # only a salt is stored
    rotated = client.post(reverse("channel_settings:telephony_rotate", args=[provider.pk]))
    provider.refresh_from_db()
    new_secret = provider_secret(provider)
    assert new_secret != secret and new_secret in rotated.content.decode()
    old = post(Client(), provider, RINGING, secret=secret)
    assert old.status_code == 401
    assert post(Client(), provider, RINGING, secret=new_secret).status_code == 201
    assert list(
        AuditEvent.objects.filter(target_type="messaging.telephonyprovider")
        .values_list("verb", flat=True)
        .order_by("pk")
    ) == [
        "telephony_provider.created",
        "telephony_provider.secret_rotated",
    ]


def test_a_taken_or_bad_key_is_a_form_error(client: Client, world: Any, provider: Any) -> None:
    client.force_login(world.admin)
    for slug in ("acme-pbx", "Bad Key!"):
        response = client.post(reverse("channel_settings:telephony_list"), {"name": "X", "slug": slug})
        assert response.status_code == 400
        assert response.context["form"].errors["slug"]
    assert TelephonyProvider.objects.count() == 1


def test_signing_is_hmac_sha256_over_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert signing.sign("s3cret", 1700000000, b"{}") == f"sha256={expected}"
    assert (
        signing.verify("s3cret", timestamp="1700000000", signature=f"sha256={expected}", body=b"{}", now=1700000100)
        is None
    )
    assert (
        signing.verify("s3cret", timestamp="1700000000", signature="sha256=" + "0" * 64, body=b"{}", now=1700000000)
        == "signature"
    )
    assert (
        signing.verify("s3cret", timestamp="17e8", signature=f"sha256={expected}", body=b"{}", now=1700000000)
        == "timestamp"
    )
    assert (NOW - timedelta(seconds=signing.TOLERANCE_SECONDS)).tzinfo is UTC


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_first_posts_of_one_call_racing_make_one_record(world: Any) -> None:
    made, _secret = actions.create_provider(name="Race PBX", slug="race", team=None, actor=world.admin)
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    results: list[bool] = []

    def receive(outcome: str | None) -> None:
        given: dict[str, Any] = {
            "direction": "inbound",
            "from_number": "+358401234567",
            "offered_at": NOW - timedelta(minutes=5),
        }
        if outcome:
            given.update(ended_at=NOW - timedelta(minutes=4), outcome=outcome)
        try:
            start.wait(10)
            _call, created = actions.receive_call(made, external_id="race-1", given=given)
            results.append(created)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=receive, args=(o,)) for o in (None, "missed")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(results) == [False, True]
    assert CallRecord.objects.filter(provider=made, external_id="race-1").count() == 1
