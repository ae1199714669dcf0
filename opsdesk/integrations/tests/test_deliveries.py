"""Deliveries to a real local HTTP server: signature and headers, retries with backoff, failure, redelivery, keys."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.integrations import actions
from opsdesk.integrations.actions import deliveries
from opsdesk.integrations.models import ChatChannel, Delivery, Webhook
from opsdesk.integrations.posts import Post
from opsdesk.integrations.tests.conftest import Receiver

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def make_webhook(manager: Any, url: str, **values: Any) -> Webhook:
    values = {"name": "Shop", "url": url, "events": ["*"], "team": None, "active": True, **values}
    return actions.save_webhook(None, actor=manager, **values)


def test_a_webhook_delivery_is_signed_and_sent_as_stored(
    manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    webhook = make_webhook(manager, receiver.at("/in"))
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        delivery = actions.send_to_webhook(webhook, event="order.late", data={"order": 7, "note": "ä<&>"}, key="k:1")
    [request] = receiver.requests
    body = b'{"id":"k:1","type":"order.late","data":{"order":7,"note":"\xc3\xa4<&>"}}'
    assert request.body == body
    assert request.path == "/in"
    stamp = str(int(START.timestamp()))
    expected = hmac.new(webhook.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert request.headers["X-OpsDesk-Timestamp"] == stamp
    assert request.headers["X-OpsDesk-Signature"] == "sha256=" + expected
    assert request.headers["X-OpsDesk-Event"] == "order.late"
    assert request.headers["X-OpsDesk-Delivery"] == str(delivery.pk)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Host"] == receiver.url.removeprefix("http://")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("delivered", 1, 200)
    assert delivery.response_excerpt == '{"ok": true}'
    assert delivery.body.encode() == body
    assert delivery.delivered_at == START
    assert delivery.next_attempt_at is None
    assert delivery.duration_ms is not None


def test_a_key_makes_one_delivery(manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any) -> None:
    webhook = make_webhook(manager, receiver.at("/in"))
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.send_to_webhook(webhook, event="x", data={"n": 1}, key="rule:7:event:123")
        again = actions.send_to_webhook(webhook, event="x", data={"n": 2}, key="rule:7:event:123")
    assert again.pk == first.pk
    assert Delivery.objects.count() == 1
    assert len(receiver.requests) == 1
    assert json.loads(receiver.requests[0].body)["data"] == {"n": 1}


def test_failures_back_off_then_fail(manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any) -> None:
    receiver.status = 503
    webhook = make_webhook(manager, receiver.at("/in"))
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            delivery = actions.send_to_webhook(webhook, event="x", data={}, key="k")
        waits = []
        for _attempt in range(6):
            delivery.refresh_from_db()
            assert delivery.state == "queued"
            assert delivery.next_attempt_at is not None
            waits.append(delivery.next_attempt_at - datetime.now(tz=UTC))
            assert deliveries.sweep() == 0  # not due yet
            clock.move_to(delivery.next_attempt_at)
            with django_capture_on_commit_callbacks(execute=True):
                assert deliveries.sweep() == 1
    assert waits == [timedelta(seconds=s) for s in (30, 120, 480, 1920, 7200, 28800)]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code, delivery.error) == ("failed", 7, 503, "HTTP 503")
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == 7


def test_the_same_attempt_runs_once(manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any) -> None:
    webhook = make_webhook(manager, receiver.at("/in"))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.send_to_webhook(webhook, event="x", data={}, key="k")
    deliveries.deliver(delivery.pk, 0)  # a second job for the attempt already made
    assert len(receiver.requests) == 1


def test_send_again_is_one_more_attempt_and_audited(
    manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.status = 500
    webhook = make_webhook(manager, receiver.at("/in"))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.send_to_webhook(webhook, event="x", data={}, key="k")
    Delivery.objects.filter(pk=delivery.pk).update(state="failed", attempts=7, next_attempt_at=None)
    receiver.status = 204
    receiver.answer = b""
    with django_capture_on_commit_callbacks(execute=True):
        actions.redeliver(delivery, actor=manager)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code, delivery.error) == ("delivered", 8, 204, "")
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body
    audit = AuditEvent.objects.get(verb="delivery.resent")
    assert (audit.actor, audit.target_id, audit.data) == (manager, str(delivery.pk), {"key": "k", "attempts": 7})
    with pytest.raises(ActionError) as refused:
        Delivery.objects.filter(pk=delivery.pk).update(state="queued")
        actions.redeliver(delivery, actor=manager)
    assert refused.value.code == "delivery_queued"


def test_410_gone_switches_the_webhook_off(
    manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.status = 410
    webhook = make_webhook(manager, receiver.at("/in"))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.send_to_webhook(webhook, event="x", data={}, key="k")
    delivery.refresh_from_db()
    webhook.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 1, None)
    assert (webhook.active, webhook.disabled_reason) == (False, "The receiver answered 410 Gone.")
    assert AuditEvent.objects.filter(verb="webhook.switched_off", actor=None).count() == 1
    later = actions.send_to_webhook(webhook, event="x", data={}, key="k2")
    assert (later.state, later.error) == ("failed", "Switched off: not sent.")
    assert len(receiver.requests) == 1


def test_a_redirect_is_not_followed(manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any) -> None:
    receiver.status, receiver.location = 302, receiver.at("/elsewhere")
    webhook = make_webhook(manager, receiver.at("/in"))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.send_to_webhook(webhook, event="x", data={}, key="k")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.status_code, delivery.error) == ("queued", 302, "Redirects are not followed.")
    assert [r.path for r in receiver.requests] == ["/in"]


def test_a_refused_address_at_delivery_time_is_a_failed_attempt(
    manager: Any, receiver: Receiver, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    webhook = make_webhook(manager, receiver.at("/in"))
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = []  # the allowance was withdrawn after the webhook was saved
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.send_to_webhook(webhook, event="x", data={}, key="k")
    delivery.refresh_from_db()
    assert delivery.state == "queued"
    assert delivery.attempts == 1
    assert delivery.status_code is None
    assert delivery.error == "127.0.0.1 is an internal address (127.0.0.1); only public addresses can be called."
    assert receiver.requests == []


def test_a_closed_port_is_a_failed_attempt(
    manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    webhook = make_webhook(manager, "http://127.0.0.1:9/in")  # discard: nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.send_to_webhook(webhook, event="x", data={}, key="k")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("queued", 1)
    assert delivery.error.startswith("ConnectionRefusedError")


@pytest.mark.parametrize("kind", ["slack", "teams"])
def test_a_channel_post_goes_out_unsigned_as_the_service_wants(
    kind: str, manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    channel = actions.save_channel(
        None, kind=kind, name="Ops", url=receiver.at("/chat"), team=None, active=True, actor=manager
    )
    post = Post(title="Ticket 12 breached", text="First reply is late", url="https://desk.example/tickets/12/")
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.post_to_channel(channel, post=post, key="rule:1:event:5", ticket_event_id=5)
        again = actions.post_to_channel(channel, post=post, key="rule:1:event:5", ticket_event_id=5)
    assert again.pk == delivery.pk
    other = actions.save_channel(
        None, kind=kind, name="Ops 2", url=receiver.at("/chat2"), team=None, active=True, actor=manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = actions.post_to_channel(other, post=post, key="rule:1:event:5", ticket_event_id=5)
    assert second.pk != delivery.pk  # the same key to another channel is another delivery
    request = receiver.requests[0]
    assert [r.path for r in receiver.requests] == ["/chat", "/chat2"]
    assert "X-OpsDesk-Signature" not in request.headers
    sent = json.loads(request.body)
    if kind == "slack":
        assert sent["blocks"][0] == {
            "type": "header",
            "text": {"type": "plain_text", "text": post.title, "emoji": True},
        }
    else:
        assert sent["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.ticket_event_id, delivery.event) == ("delivered", 5, "post")


def test_ping_and_test_message_are_new_deliveries_each_time(
    manager: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    webhook = make_webhook(manager, receiver.at("/in"))
    channel = actions.save_channel(
        None, kind=ChatChannel.Kind.SLACK, name="Ops", url=receiver.at("/chat"), team=None, active=True, actor=manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.ping_webhook(webhook, actor=manager)
        actions.ping_webhook(webhook, actor=manager)
        actions.test_channel(channel, url="https://desk.example/", actor=manager)
    assert [r.headers.get("X-OpsDesk-Event") for r in receiver.requests] == ["ping", "ping", None]
    assert json.loads(receiver.requests[0].body)["data"]["message"] == "Hello from OpsDesk."
    assert Delivery.objects.filter(state="delivered").count() == 3


def test_only_managers_and_admins_configure(world: Any) -> None:
    for user in (world.agent, world.lead, world.light_agent):
        with pytest.raises(ActionError) as refused:
            actions.save_webhook(
                None, name="x", url="https://example.com/", events=["*"], team=None, active=True, actor=user
            )
        assert refused.value.status == 403
    assert Webhook.objects.count() == 0


def test_bodies_are_utf8_and_text_utf8_cannot_carry_is_escaped() -> None:
    assert deliveries.dumps({"a": "ä", "b": [1, None]}) == '{"a":"ä","b":[1,null]}'
    assert deliveries.dumps({"a": "x\ud800", "b": "ä"}) == '{"a":"x\\ud800","b":"\\u00e4"}'
    assert deliveries.dumps({"nul": "a\x00b"}) == '{"nul":"a\\u0000b"}'
