"""Settings → Integrations pages: field errors, secrets shown and masked, Send again, query budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.integrations import actions
from opsdesk.integrations.models import ChatChannel, Delivery, InboundHook, Webhook

SLACK = "https://hooks.slack.com/services/T0001/B0001/abcdefghijkl"
TEAMS = (
    "https://prod-12.westeurope.logic.azure.com:443/workflows/0123abcd/triggers/manual/paths/invoke"
    "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=s1gn4ture"
)


@pytest.fixture
def signed_in(client: Client, world: Any) -> Client:
    client.force_login(world.manager)
    return client


def make_webhook(world: Any, n: int = 0) -> Webhook:
    return actions.save_webhook(
        None,
        name=f"Shop {n}",
        url=f"https://shop{n}.example/in",
        events=["*"],
        team=world.support,
        active=True,
        actor=world.manager,
    )


@pytest.mark.parametrize("rows", [1, 12])
def test_the_list_costs_the_same_at_1_and_12_rows(
    signed_in: Client, world: Any, rows: int, django_assert_num_queries: Any
) -> None:
    for n in range(rows):
        make_webhook(world, n)
        actions.save_channel(
            None, kind="slack", name=f"C{n}", url=SLACK, team=world.support, active=True, actor=world.manager
        )
        actions.save_inbound_hook(
            None,
            name=f"H{n}",
            slug=f"h{n}",
            team=world.billing,
            priority="low",
            tags=[],
            active=True,
            actor=world.manager,
        )
    with django_assert_num_queries(5):
        response = signed_in.get(reverse("integrations:integration_list"))
    assert response.status_code == 200
    assert (
        len(response.context["webhooks"]) == len(response.context["channels"]) == len(response.context["hooks"]) == rows
    )


@pytest.mark.parametrize("rows", [1, 60])
def test_a_webhook_page_shows_its_log_bounded(
    signed_in: Client, world: Any, rows: int, django_assert_num_queries: Any
) -> None:
    webhook = make_webhook(world)
    for n in range(rows):
        actions.send_to_webhook(webhook, event="order.paid", data={"n": n}, key=f"k{n}")
    with django_assert_num_queries(4):
        response = signed_in.get(reverse("integrations:webhook_detail", args=[webhook.pk]))
    page = response.content.decode()
    assert webhook.secret in page
    assert response["Cache-Control"] == "no-store"
    shown = response.context["deliveries"]
    assert len(shown) == min(rows, 50)
    assert shown[0].key == f"k{rows - 1}"  # newest first
    older = response.context["older"]
    assert older == (shown[-1].pk if rows > 50 else None)
    if older:
        rest = signed_in.get(reverse("integrations:webhook_detail", args=[webhook.pk]), {"before": older})
        assert [d.key for d in rest.context["deliveries"]] == [f"k{n}" for n in range(9, -1, -1)]
    for bad in ("x", "-1", "0", str(2**63)):
        response = signed_in.get(reverse("integrations:webhook_detail", args=[webhook.pk]), {"before": bad})
        assert response.status_code == 400


def test_creating_a_webhook_shows_field_errors(signed_in: Client, world: Any, settings: Any) -> None:
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = []
    url = reverse("integrations:webhook_create")
    response = signed_in.post(url, {"name": "Metadata", "url": "http://169.254.169.254/latest/", "events": ["*"]})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "url": ["169.254.169.254 is an internal address (169.254.169.254); only public addresses can be called."]
    }
    response = signed_in.post(url, {"name": "Shop", "url": "http://93.184.215.14/in", "events": ["*"]})
    assert response.context["form"].errors == {"url": ["Use an https address."]}
    response = signed_in.post(url, {"name": "Shop", "url": "https://shop.example/in", "events": ["nope"]})
    assert "events" in response.context["form"].errors
    assert Webhook.objects.count() == 0
    response = signed_in.post(
        url,
        {
            "name": "Shop",
            "url": "https://shop.example/in",
            "events": ["ticket.created", "status.changed"],
            "active": "on",
        },
    )
    webhook = Webhook.objects.get()
    assert response.status_code == 302
    assert (webhook.events, webhook.active, webhook.secret.startswith("whsec_")) == (
        ["status.changed", "ticket.created"],
        True,
        True,
    )
    audit = AuditEvent.objects.get(verb="webhook.created")
    assert audit.data["url"] == "https://shop.example/in"
    assert webhook.secret not in str(audit.data)


@pytest.mark.parametrize(
    ("kind", "url", "error"),
    [
        ("slack", "https://example.com/services/x", "Give a Slack incoming webhook address"),
        ("slack", TEAMS, "Give a Slack incoming webhook address"),
        ("teams", SLACK, "Give a Teams workflow or incoming webhook address"),
        ("teams", "https://evil.example/webhookb2/aaaaaaaaaa", "Give a Teams workflow or incoming webhook address"),
    ],
)
def test_chat_channel_addresses_must_look_like_the_service(signed_in: Client, kind: str, url: str, error: str) -> None:
    response = signed_in.post(reverse("integrations:channel_create"), {"kind": kind, "name": "Ops", "url": url})
    assert response.status_code == 400
    assert response.context["form"].errors["url"][0].startswith(error)
    assert ChatChannel.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("slack", SLACK),
        ("teams", TEAMS),
        ("teams", "https://contoso.webhook.office.com/webhookb2/1234-5678@abcd/IncomingWebhook/abc/def"),
        (
            "teams",
            "https://default1234.ab.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/"
            "abc/triggers/manual/paths/invoke?api-version=1&sig=x",
        ),
    ],
)
def test_a_chat_channel_keeps_its_address_secret(signed_in: Client, world: Any, kind: str, url: str) -> None:
    response = signed_in.post(
        reverse("integrations:channel_create"), {"kind": kind, "name": "Ops", "url": url, "active": "on"}
    )
    assert response.status_code == 302
    channel = ChatChannel.objects.get()
    assert channel.url == url
    page = signed_in.get(reverse("integrations:channel_detail", args=[channel.pk])).content.decode()
    assert url not in page
    assert url[-4:] in page
    edit = signed_in.get(reverse("integrations:channel_edit", args=[channel.pk])).content.decode()
    assert url not in edit
    # an edit without an address keeps the stored one
    signed_in.post(reverse("integrations:channel_edit", args=[channel.pk]), {"kind": kind, "name": "Ops 2"})
    channel.refresh_from_db()
    assert (channel.name, channel.url, channel.active) == ("Ops 2", url, False)
    assert url not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_send_again_from_the_page(signed_in: Client, world: Any) -> None:
    webhook = make_webhook(world)
    delivery = actions.send_to_webhook(webhook, event="x", data={}, key="k")
    response = signed_in.post(reverse("integrations:delivery_resend", args=[delivery.pk]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="delivery.resent").count() == 0  # still queued: refused
    Delivery.objects.filter(pk=delivery.pk).update(state="failed", next_attempt_at=None)
    signed_in.post(reverse("integrations:delivery_resend", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.state == "queued"
    assert AuditEvent.objects.filter(verb="delivery.resent", actor=world.manager).count() == 1


def test_the_inbound_hook_page_shows_address_secret_and_curl(signed_in: Client, world: Any) -> None:
    response = signed_in.post(
        reverse("integrations:inbound_create"),
        {"name": "Monitoring", "slug": "nagios", "priority": "high", "tags": "alert, Night Shift", "active": "on"},
    )
    hook = InboundHook.objects.get()
    assert response.status_code == 302
    assert (hook.tags, hook.priority) == (["alert", "night-shift"], "high")
    page = signed_in.get(reverse("integrations:inbound_detail", args=[hook.pk])).content.decode()
    assert "http://testserver/hooks/inbound/nagios/" in page
    assert hook.secret in page
    assert "openssl dgst -sha256 -hmac" in page
    taken = signed_in.post(
        reverse("integrations:inbound_create"), {"name": "Again", "slug": "nagios", "priority": "low"}
    )
    assert taken.context["form"].errors == {"slug": ["Another inbound hook has this key."]}


def test_rotating_a_secret_changes_it_and_is_audited(signed_in: Client, world: Any) -> None:
    webhook = make_webhook(world)
    old = webhook.secret
    signed_in.post(reverse("integrations:webhook_rotate", args=[webhook.pk]))
    webhook.refresh_from_db()
    assert webhook.secret != old
    assert AuditEvent.objects.filter(verb="webhook.secret_rotated").count() == 1
