from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from opsdesk.accounts import actions
from opsdesk.accounts.models import ApiToken, SignInLink, hash_token
from opsdesk.audit.models import AuditEvent
from opsdesk.customers.models import CustomerEmail
from opsdesk.tests.factories import PASSWORD


def test_password_sign_in_is_audited_and_wrong_password_is_a_form_error(client: Client, world: Any) -> None:
    bad = client.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": "nope"})
    assert bad.status_code == 400
    assert "The email or password is not right." in bad.content.decode()
    good = client.post(reverse("accounts:sign_in"), {"email": "Agent@Example.com", "password": PASSWORD})
    assert good["Location"] == "/"
    assert list(AuditEvent.objects.filter(verb__startswith="user.sign").values_list("verb", flat=True)) == [
        "user.signed_in",
        "user.sign_in_failed",
    ]


def test_failed_sign_ins_are_rate_limited_and_successful_ones_are_not(client: Client, world: Any) -> None:
    for _ in range(25):
        assert (
            client.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})["Location"]
            == "/"
        )
        client.logout()
    codes = [  # a different address each time, so only the per-IP limit (20 failures) applies
        client.post(reverse("accounts:sign_in"), {"email": f"x{i}@example.com", "password": "y"}).status_code
        for i in range(21)
    ]
    assert codes == [400] * 20 + [429]
    locked = client.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})
    assert locked.status_code == 429


def test_emailed_link_signs_in_once(client: Client, world: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:link_request"), {"email": "carl@acme.example"})
    link = re.search(r"/accounts/sign-in-link/[^\s/]+/", str(mail.outbox[-1].body))
    assert link is not None
    raw = link.group(0).split("/")[-2]
    assert SignInLink.objects.get().token_hash == hash_token(raw)  # only the hash is stored
    assert client.get(link.group(0)).status_code == 200  # a GET (mail scanners) does not use the link
    assert CustomerEmail.objects.get(address="carl@acme.example").verified_at is None
    assert client.post(link.group(0))["Location"] == "/"
    assert client.get("/")["Location"] == reverse("portal:ticket_list")
    # Using the link proved the address is theirs.
    assert CustomerEmail.objects.get(address="carl@acme.example").verified_at is not None
    second = Client().post(link.group(0))
    assert second["Location"] == reverse("accounts:link_request")


def test_unknown_address_gets_the_same_answer_and_no_mail(client: Client, world: Any) -> None:
    response = client.post(reverse("accounts:link_request"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_api_tokens_are_stored_hashed_and_revocable(world: Any) -> None:
    token, raw = actions.issue_api_token(world.agent, name="BI", scope="read", actor=world.agent)
    assert raw.startswith("odk_")
    assert token.token_hash == hash_token(raw)
    assert raw not in str(ApiToken.objects.values_list().get())
    actions.revoke_api_token(token, actor=world.agent)
    token.refresh_from_db()
    assert token.is_active is False


def test_admin_cannot_demote_themselves(world: Any) -> None:
    import pytest

    from opsdesk.core.errors import ActionError

    with pytest.raises(ActionError) as error:
        actions.update_user(
            world.admin, name="A", role="agent", language="en", time_zone="UTC", is_active=True, actor=world.admin
        )
    assert error.value.code == "own_role"


def test_preferences_change_language_and_time_zone(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    response = client.post(reverse("accounts:preferences_edit"), {"language": "fi", "time_zone": "Europe/Athens"})
    assert response.status_code == 302
    world.agent.refresh_from_db()
    assert (world.agent.language, world.agent.time_zone) == ("fi", "Europe/Athens")
    assert '<html lang="fi">' in client.get(reverse("tickets:ticket_list")).content.decode()


def test_changing_language_from_the_top_bar_comes_back_to_the_same_page(world: Any) -> None:
    client = Client()
    client.force_login(world.agent)
    page = client.get("/tickets/?view=mine").content.decode()
    assert 'href="/accounts/preferences/?next=/tickets/%3Fview%3Dmine"' in page  # the name · language link
    form = client.get("/accounts/preferences/?next=/tickets/%3Fview%3Dmine").content.decode()
    assert '<input type="hidden" name="next" value="/tickets/?view=mine">' in form
    back = client.post(
        "/accounts/preferences/", {"language": "sv", "time_zone": "Europe/Helsinki", "next": "/tickets/?view=mine"}
    )
    assert back["Location"] == "/tickets/?view=mine"
    world.agent.refresh_from_db()
    assert world.agent.language == "sv"
    elsewhere = client.post(
        "/accounts/preferences/", {"language": "fi", "time_zone": "Europe/Helsinki", "next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == "/accounts/preferences/"  # never to another site
