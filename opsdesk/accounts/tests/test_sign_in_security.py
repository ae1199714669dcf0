"""Issue 8, the hostile probe: staff sign in with a password (links are for customers), deactivation revokes for good,
lockout per account and per IP."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from opsdesk.accounts import actions
from opsdesk.accounts.models import ApiToken, Role, SignInLink
from opsdesk.audit.models import AuditEvent
from opsdesk.tests.factories import PASSWORD


def _verbs(*verbs: str) -> list[str]:
    return list(AuditEvent.objects.filter(verb__in=verbs).order_by("id").values_list("verb", flat=True))


def test_the_emailed_link_is_not_sent_to_staff_and_the_answer_is_the_same(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        staff = client.post(reverse("accounts:link_request"), {"email": "admin@example.com"}, follow=True)
        unknown = client.post(reverse("accounts:link_request"), {"email": "nobody@example.com"}, follow=True)
        customer = client.post(reverse("accounts:link_request"), {"email": "carl@acme.example"}, follow=True)
    answers = [[str(m) for m in r.context["messages"]] for r in (staff, unknown, customer)]
    assert answers == [["If that address has an account, a sign-in link is on its way."]] * 3
    assert staff.redirect_chain == unknown.redirect_chain == customer.redirect_chain
    assert [message.to for message in mail.outbox] == [["carl@acme.example"]]
    assert SignInLink.objects.filter(user=world.admin).count() == 0


def test_a_link_made_for_a_staff_member_does_not_sign_them_in(client: Client, world: Any) -> None:
    # a link issued while the user was a customer, then promoted to administrator, or one written by other code
    link = actions.send_sign_in_link(world.customer_user)
    raw = "raw-token-for-the-test"
    SignInLink.objects.filter(pk=link.pk).update(token_hash=__import__("hashlib").sha256(raw.encode()).hexdigest())
    world.customer_user.role = Role.ADMIN
    world.customer_user.save(update_fields=["role"])
    response = client.post(reverse("accounts:link_sign_in", args=[raw]))
    assert response["Location"] == reverse("accounts:link_request")
    assert "_auth_user_id" not in client.session


def test_send_sign_in_link_refuses_staff(world: Any) -> None:
    import pytest

    from opsdesk.core.errors import ActionError

    with pytest.raises(ActionError) as error:
        actions.send_sign_in_link(world.agent)
    assert error.value.code == "link_for_customers"
    assert SignInLink.objects.count() == 0


def test_deactivation_revokes_tokens_and_sessions_for_good(world: Any) -> None:
    _token, raw = actions.issue_api_token(world.agent, name="BI", scope="read", actor=world.agent)
    browser = Client()
    browser.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})
    assert browser.get(reverse("tickets:ticket_list")).status_code == 200
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/teams/").status_code == 200

    def edit(active: bool) -> None:
        actions.update_user(
            world.agent,
            name=world.agent.name,
            role=world.agent.role,
            language="en",
            time_zone="UTC",
            is_active=active,
            actor=world.admin,
        )

    edit(False)
    edit(True)  # reactivating does not bring back what was revoked
    assert browser.get(reverse("tickets:ticket_list"))["Location"].startswith(reverse("accounts:sign_in"))
    assert api.get("/api/v1/teams/").status_code == 401
    assert ApiToken.objects.get(user=world.agent).revoked_at is not None
    deactivated = AuditEvent.objects.filter(verb="user.updated").order_by("id")[0]
    assert deactivated.data["revoked_tokens"] == 1
    # the user signs in again with their password and works as before
    fresh = Client()
    fresh.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})
    assert fresh.get(reverse("tickets:ticket_list")).status_code == 200


def test_sign_in_lockout_counts_per_account_across_addresses(world: Any) -> None:
    codes = []
    for i in range(11):
        client = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")  # a different address each time
        codes.append(
            client.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": "nope"}).status_code
        )
    assert codes == [400] * 10 + [429]
    locked = Client(REMOTE_ADDR="10.0.1.1").post(
        reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in Client().session
    assert _verbs("user.sign_in_failed", "user.locked_out") == ["user.sign_in_failed"] * 10 + ["user.locked_out"]
    # another account from the same addresses is not locked
    other = Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("accounts:sign_in"), {"email": "lead@example.com", "password": PASSWORD}
    )
    assert other["Location"] == "/"


def test_a_locked_out_address_is_refused_before_the_body_is_read(world: Any) -> None:
    from opsdesk.core.tests.wsgi import post_and_watch_body

    for i in range(20):
        Client().post(reverse("accounts:sign_in"), {"email": f"guess{i}@example.com", "password": "nope"})
    status, body_read = post_and_watch_body(reverse("accounts:sign_in"), b"email=agent%40example.com&password=x")
    assert (status, body_read) == (429, False)


def test_staff_need_a_password_to_sign_in_and_new_staff_choose_one_by_mail(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = actions.create_user(email="new@example.com", name="New", role=Role.AGENT, actor=world.admin)
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert mail.outbox[0].subject == "Choose your OpsDesk password"
    path = re.search(r"/accounts/password-reset/[^\s/]+/", str(mail.outbox[0].body))
    assert path is not None
    assert client.post(path.group(0), {"new_password1": "a-long-new-secret", "new_password2": "a-long-new-secret"})[
        "Location"
    ] == reverse("accounts:sign_in")
    assert client.post(reverse("accounts:sign_in"), {"email": "new@example.com", "password": "a-long-new-secret"})[
        "Location"
    ] == ("/")
