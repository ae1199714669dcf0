"""Web forms: configured by administrators (audited), shown framed only by the websites allowed (CSP
frame-ancestors), sent without a CSRF cookie thanks to a signed, time-limited, one-time token, and turned into
tickets through the one intake with channel "web"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.fields.models import CustomField
from opsdesk.messaging import actions
from opsdesk.messaging.models import WebForm
from opsdesk.tickets.models import Ticket

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def webform(world: Any) -> WebForm:
    CustomField.objects.create(key="order", label="Order number", type="text")
    CustomField.objects.create(key="product", label="Product", type="select", choices=["Printer", "Scanner"])
    CustomField.objects.create(key="internal_cost", label="Internal cost", type="number")
    return actions.save_webform(
        None,
        name="Shop support",
        title="Contact the shop",
        title_translations={"fi": "Ota yhteyttä kauppaan"},
        success_message="Thanks! We will answer soon.",
        success_message_translations={"fi": "Kiitos! Vastaamme pian."},
        team=world.support,
        fields=[{"key": "product", "required": True}, {"key": "order", "required": False}],
        allowed_origins=["https://shop.example", "http://127.0.0.1:8765/"],
        actor=world.admin,
    )


def _token(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _fill(client: Client, webform: WebForm, **extra: Any) -> dict[str, Any]:
    page = client.get(webform.get_public_url()).content.decode()
    data = {
        "name": "Wanda Web",
        "email": "Wanda@Example.org",
        "subject": "Paper jam",
        "description": "The printer eats paper.",
        "cf_product": "Printer",
        "cf_order": "A-17",
        "token": _token(page),
        "website": "",
    }
    data.update(extra)
    return data


def test_the_form_is_framed_only_by_its_websites_and_sets_no_cookie(client: Client, webform: WebForm) -> None:
    response = client.get(webform.get_public_url())
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://shop.example http://127.0.0.1:8765;" in policy
    assert "frame-ancestors 'none'" not in policy
    assert "X-Frame-Options" not in response
    assert response.cookies == {}
    assert client.get(webform.get_public_url() + "?language=fi").cookies == {}
    page = response.content.decode()
    assert "Contact the shop" in page and 'name="cf_product"' in page and 'name="cf_internal_cost"' not in page
    assert page.index('name="cf_product"') < page.index('name="cf_order"')  # the configured order
    other = client.get(reverse("calls:call_list"))  # every other page keeps the strict policy
    assert "X-Frame-Options" in other or other.status_code == 302


def test_a_submission_becomes_a_web_ticket_on_the_forms_team(client: Client, world: Any, webform: WebForm) -> None:
    data = _fill(client, webform)
    response = client.post(webform.get_public_url(), data, headers={"Origin": "http://testserver"})
    assert response.status_code == 302
    assert response["Location"] == f"/forms/{webform.key}/thanks/?language=en"
    ticket = Ticket.objects.get(subject="Paper jam")
    assert (ticket.channel, ticket.team_id, ticket.language, ticket.custom_fields) == (
        "web",
        world.support.pk,
        "en",
        {"product": "Printer", "order": "A-17"},
    )
    assert ticket.requester.primary_email == "wanda@example.org"
    assert ticket.messages.get().via == "webform"
    assert ticket.events.get(kind="ticket.created").source == "portal"
    thanks = client.get(response["Location"])
    assert "Thanks! We will answer soon." in thanks.content.decode()
    assert "frame-ancestors 'self' https://shop.example" in thanks["Content-Security-Policy"]
    again = client.post(webform.get_public_url(), data)  # sent twice (a double click, a retry): one ticket
    assert again.status_code == 302
    assert Ticket.objects.filter(subject="Paper jam").count() == 1


def test_a_required_field_missing_is_shown_on_the_form(client: Client, webform: WebForm) -> None:
    response = client.post(webform.get_public_url(), _fill(client, webform, cf_product="", email="nope"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (errors["cf_product"], errors["email"]) == (["This field is required."], ["Enter a valid email address."])
    assert "frame-ancestors 'self' https://shop.example" in response["Content-Security-Policy"]
    assert Ticket.objects.count() == 0


def test_the_action_checks_required_fields_and_ignores_fields_the_form_does_not_ask(webform: WebForm) -> None:
    with pytest.raises(ActionError) as refused:
        actions.submit_webform(
            webform, name="A", email="a@b.example", subject="S", description="D", custom_fields={}, language="en"
        )
    assert (refused.value.field, refused.value.status) == ("product", 422)
    ticket = actions.submit_webform(
        webform,
        name="A",
        email="a@b.example",
        subject="S",
        description="D",
        custom_fields={"product": "Scanner", "internal_cost": 99},
        language="en",
    )
    assert ticket.custom_fields == {"product": "Scanner"}


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("forged:token", "This form was open too long. Please send it again."),
        ("", "This form was open too long. Please send it again."),
    ],
)
def test_a_forged_or_missing_token_is_refused(client: Client, webform: WebForm, token: str, message: str) -> None:
    response = client.post(webform.get_public_url(), _fill(client, webform, token=token))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Ticket.objects.count() == 0


def test_an_expired_token_is_refused_and_replaced(client: Client, webform: WebForm) -> None:
    data = _fill(client, webform)
    with time_machine.travel(NOW + timedelta(hours=5)):
        response = client.post(webform.get_public_url(), data)
        assert response.status_code == 400
        fresh = _token(response.content.decode())
        assert fresh != data["token"]
        assert client.post(webform.get_public_url(), {**data, "token": fresh}).status_code == 302
    assert Ticket.objects.count() == 1


def test_a_token_of_another_form_is_refused(client: Client, world: Any, webform: WebForm) -> None:
    other = actions.save_webform(None, name="Other", title="Other", success_message="Ok", actor=world.admin)
    token = _token(client.get(other.get_public_url()).content.decode())
    response = client.post(webform.get_public_url(), _fill(client, webform, token=token))
    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_a_post_from_another_site_is_refused(client: Client, webform: WebForm) -> None:
    response = client.post(webform.get_public_url(), _fill(client, webform), headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "This form can only be sent from its own page." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_the_honeypot_answers_as_if_it_worked_and_stores_nothing(client: Client, webform: WebForm) -> None:
    response = client.post(webform.get_public_url(), _fill(client, webform, website="http://spam.example"))
    assert response.status_code == 302
    assert Ticket.objects.count() == 0


def test_posts_are_rate_limited_per_address_before_the_body_is_read(
    client: Client, webform: WebForm, settings: Any
) -> None:
    settings.OPSDESK_WEBFORM_RATE_LIMIT = 1
    data = _fill(client, webform)
    assert client.post(webform.get_public_url(), data).status_code == 302
    refused = client.post(webform.get_public_url(), {**data, "subject": "Second"})
    assert refused.status_code == 429
    assert "Too many messages" in refused.content.decode()
    assert "frame-ancestors 'self' https://shop.example" in refused["Content-Security-Policy"]
    assert Ticket.objects.count() == 1


def test_a_body_over_the_anonymous_limit_is_413(client: Client, webform: WebForm, settings: Any) -> None:
    settings.OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES = 1000
    response = client.post(webform.get_public_url(), _fill(client, webform, description="x" * 5000))
    assert response.status_code == 413
    assert Ticket.objects.count() == 0


def test_garbage_is_a_form_error_never_a_500(client: Client, webform: WebForm) -> None:
    response = client.post(webform.get_public_url(), {"cf_product": "Toaster", "name": "x" * 500})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"cf_product", "name", "email", "subject", "description", "token"}


def test_the_form_speaks_its_language_or_the_visitors(client: Client, world: Any, webform: WebForm) -> None:
    fi = client.get(webform.get_public_url(), headers={"Accept-Language": "fi"}).content.decode()
    assert "Ota yhteyttä kauppaan" in fi and 'lang="fi"' in fi and "Lähetä" in fi
    el = client.get(webform.get_public_url() + "?language=el").content.decode()
    assert 'lang="el"' in el and "Contact the shop" in el  # no Greek title: the default language's
    actions.save_webform(
        webform,
        name=webform.name,
        title=webform.title,
        title_translations=webform.title_translations,
        success_message=webform.success_message,
        success_message_translations=webform.success_message_translations,
        team=webform.team,
        language="fi",
        fields=webform.fields,
        allowed_origins=webform.allowed_origins,
        actor=world.admin,
    )
    fixed = client.get(webform.get_public_url() + "?language=el").content.decode()
    assert 'lang="fi"' in fixed
    data = _fill(client, webform)
    thanks = client.get(client.post(webform.get_public_url(), data)["Location"]).content.decode()
    assert "Kiitos! Vastaamme pian." in thanks
    assert Ticket.objects.get().language == "fi"


def test_an_inactive_or_unknown_form_is_404(client: Client, world: Any, webform: WebForm) -> None:
    assert client.get("/forms/nope/").status_code == 404
    WebForm.objects.filter(pk=webform.pk).update(active=False)
    assert client.get(webform.get_public_url()).status_code == 404
    assert client.get(reverse("webforms:webform_embed", args=[webform.key])).status_code == 404


def test_the_embed_script_inserts_the_iframe_of_this_form(client: Client, webform: WebForm) -> None:
    response = client.get(reverse("webforms:webform_embed", args=[webform.key]))
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    script = response.content.decode().encode().decode("unicode_escape")  # escapejs writes "-" as \u002D
    assert f'var url = "http://testserver/forms/{webform.key}/";' in script
    assert 'var origin = "http://testserver";' in script
    assert "opsdesk-form-height" in script


@pytest.mark.parametrize(
    ("origins", "refused"),
    [
        (["https://shop.example/path"], True),
        (["https://*.example.com"], True),
        (["https://shop.example; script-src *"], True),
        (["javascript:alert(1)"], True),
        (["https://shop.example:99999"], True),
        (["HTTPS://Shop.Example/", "https://shop.example"], False),
    ],
)
def test_allowed_origins_are_bare_origins(world: Any, origins: list[str], refused: bool) -> None:
    def save() -> WebForm:
        return actions.save_webform(
            None, name="F", title="T", success_message="M", allowed_origins=origins, actor=world.admin
        )

    if refused:
        with pytest.raises(ActionError) as error:
            save()
        assert error.value.field == "allowed_origins"
        assert WebForm.objects.count() == 0
    else:
        assert save().allowed_origins == ["https://shop.example"]


def test_the_settings_page_saves_fields_in_order_and_audits(client: Client, world: Any) -> None:
    CustomField.objects.create(key="order", label="Order number", type="text")
    CustomField.objects.create(key="product", label="Product", type="select", choices=["Printer"])
    client.force_login(world.admin)
    response = client.post(
        reverse("channel_settings:webform_create"),
        {
            "name": "Shop",
            "title": "Contact us",
            "title_fi": "Ota yhteyttä",
            "success_message": "Thanks",
            "team": world.support.pk,
            "language": "",
            "allowed_origins": "https://shop.example\nhttps://www.shop.example",
            "active": "on",
            "use_order": "optional",
            "order_order": "2",
            "use_product": "required",
            "order_product": "1",
        },
    )
    webform = WebForm.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "channel_settings:webform_edit", args=[webform.pk]
    )
    assert webform.fields == [{"key": "product", "required": True}, {"key": "order", "required": False}]
    assert (webform.title_translations, webform.allowed_origins) == (
        {"fi": "Ota yhteyttä"},
        ["https://shop.example", "https://www.shop.example"],
    )
    assert AuditEvent.objects.filter(verb="webform.created", target_id=str(webform.pk)).count() == 1
    page = client.get(reverse("channel_settings:webform_edit", args=[webform.pk])).content.decode()
    assert f"&lt;script src=&quot;http://testserver/forms/{webform.key}/embed.js&quot; async&gt;&lt;/script&gt;" in page
    assert f'<iframe class="webform-preview" src="/forms/{webform.key}/"' in page
    bad = client.post(
        reverse("channel_settings:webform_edit", args=[webform.pk]),
        {"name": "Shop", "title": "Contact us", "success_message": "Thanks", "allowed_origins": "ftp://x"},
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors["allowed_origins"]
