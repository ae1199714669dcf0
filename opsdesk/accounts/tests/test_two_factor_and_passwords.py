"""Issue 8: TOTP two-factor (optional, or required per role by an admin), password change and reset."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opsdesk.accounts import actions
from opsdesk.accounts.models import PasswordReset, RecoveryCode, SignInPolicy, TotpDevice
from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.tests.factories import PASSWORD


def _verbs(prefix: str) -> list[str]:
    return list(AuditEvent.objects.filter(verb__startswith=prefix).order_by("id").values_list("verb", flat=True))


def _enrol(client: Client) -> tuple[str, list[str]]:
    """Open the set-up page, read the secret shown as text, confirm a code; returns the secret and recovery codes."""
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code, drawn on the server
    secret = re.search(r'data-totp-secret="([A-Z2-7]+)"', html)
    assert secret is not None
    done = client.post(reverse("accounts:two_factor_setup"), {"code": pyotp.TOTP(secret.group(1)).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code data-recovery-code>([a-z0-9-]+)</code>", done.content.decode())
    return secret.group(1), codes


def test_enrolling_then_signing_in_asks_for_the_code(world: Any) -> None:
    client = Client()
    client.force_login(world.agent)
    secret, codes = _enrol(client)
    assert len(codes) == 10
    device = TotpDevice.objects.get(user=world.agent)
    assert device.confirmed_at is not None
    assert RecoveryCode.objects.filter(user=world.agent).count() == 10
    assert codes[0] not in str(list(RecoveryCode.objects.values_list("code_hash", flat=True)))  # stored hashed
    fresh = Client()
    step = fresh.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})
    assert step["Location"] == reverse("accounts:sign_in_code")
    assert "_auth_user_id" not in fresh.session  # not signed in yet
    assert fresh.get(reverse("tickets:ticket_list")).status_code == 302
    wrong = fresh.post(reverse("accounts:sign_in_code"), {"code": "000000"})
    assert wrong.status_code == 400
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        good = fresh.post(reverse("accounts:sign_in_code"), {"code": pyotp.TOTP(secret).now()})
        assert good["Location"] == "/"
        assert fresh.get(reverse("tickets:ticket_list")).status_code == 200
        # the same code cannot be used twice
        again = Client()
        again.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})
        assert again.post(reverse("accounts:sign_in_code"), {"code": pyotp.TOTP(secret).now()}).status_code == 400
    assert _verbs("two_factor.") == ["two_factor.enabled"]
    assert _verbs("user.sign") == ["user.signed_in", "user.sign_in_failed", "user.signed_in", "user.sign_in_failed"]


def test_a_recovery_code_signs_in_once(world: Any) -> None:
    client = Client()
    client.force_login(world.agent)
    _secret, codes = _enrol(client)
    for expected in (302, 400):
        fresh = Client()
        fresh.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})
        assert fresh.post(reverse("accounts:sign_in_code"), {"code": codes[3]}).status_code == expected
    assert RecoveryCode.objects.filter(user=world.agent, used_at__isnull=False).count() == 1
    assert "two_factor.recovery_code_used" in _verbs("two_factor.")


def test_admin_requires_two_factor_for_a_role_and_members_must_enrol(world: Any) -> None:
    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(reverse("accounts:sign_in_policy"), {"two_factor_roles": ["agent", "team_lead"]})
    assert response.status_code == 302
    assert SignInPolicy.load().two_factor_roles == ["team_lead", "agent"]
    event = AuditEvent.objects.get(verb="sign_in_policy.changed")
    assert event.data == {"before": [], "after": ["team_lead", "agent"]}
    # an agent without two-factor is sent to enrolment and can do nothing else
    agent = Client()
    step = agent.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})
    assert step["Location"] == reverse("accounts:two_factor_setup")
    assert "_auth_user_id" not in agent.session
    assert agent.get(reverse("tickets:ticket_list")).status_code == 302
    assert agent.get("/api/v1/teams/").status_code == 401
    _secret, codes = _enrol(agent)
    assert len(codes) == 10
    assert agent.get(reverse("tickets:ticket_list")).status_code == 200  # signed in once enrolled
    # while the role requires it, the agent cannot turn it off
    off = agent.post(reverse("accounts:two_factor_disable"), {"password": PASSWORD})
    assert off.status_code == 400
    assert TotpDevice.objects.filter(user=world.agent).exists()
    # a manager's role is not listed: a password is enough
    manager = Client()
    assert manager.post(reverse("accounts:sign_in"), {"email": "manager@example.com", "password": PASSWORD})[
        "Location"
    ] == ("/")


def test_requiring_two_factor_signs_out_members_without_it(world: Any) -> None:
    agent = Client()
    agent.force_login(world.agent)
    actions.set_two_factor_roles(roles=["agent"], actor=world.admin)
    assert agent.get(reverse("tickets:ticket_list")).status_code == 302


def test_the_policy_refuses_customers_and_an_admin_who_has_no_two_factor_yet(world: Any) -> None:
    with pytest.raises(ActionError) as error:
        actions.set_two_factor_roles(roles=["customer"], actor=world.admin)
    assert error.value.field == "two_factor_roles"
    with pytest.raises(ActionError) as error:
        actions.set_two_factor_roles(roles=["admin"], actor=world.admin)
    assert error.value.code == "enrol_first"
    with pytest.raises(ActionError) as error:
        actions.set_two_factor_roles(roles=["agent"], actor=world.manager)
    assert (error.value.code, error.value.status) == ("forbidden", 403)
    assert SignInPolicy.load().two_factor_roles == []


def test_turning_off_two_factor_needs_the_password_and_is_audited(world: Any) -> None:
    client = Client()
    client.force_login(world.agent)
    _enrol(client)
    assert client.post(reverse("accounts:two_factor_disable"), {"password": "wrong"}).status_code == 400
    assert client.post(reverse("accounts:two_factor_disable"), {"password": PASSWORD}).status_code == 302
    assert not TotpDevice.objects.filter(user=world.agent).exists()
    assert not RecoveryCode.objects.filter(user=world.agent).exists()
    assert _verbs("two_factor.") == ["two_factor.enabled", "two_factor.disabled"]


def test_password_change_ends_the_other_sessions(world: Any) -> None:
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(reverse("accounts:sign_in"), {"email": "agent@example.com", "password": PASSWORD})
    weak = here.post(
        reverse("accounts:password_change"),
        {"current_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 400
    wrong = here.post(
        reverse("accounts:password_change"),
        {"current_password": "nope", "new_password1": "a-long-new-secret", "new_password2": "a-long-new-secret"},
    )
    assert wrong.status_code == 400
    done = here.post(
        reverse("accounts:password_change"),
        {"current_password": PASSWORD, "new_password1": "a-long-new-secret", "new_password2": "a-long-new-secret"},
    )
    assert done["Location"] == reverse("accounts:password_change")
    assert here.get(reverse("tickets:ticket_list")).status_code == 200
    assert elsewhere.get(reverse("tickets:ticket_list")).status_code == 302
    world.agent.refresh_from_db()
    assert world.agent.check_password("a-long-new-secret")
    assert _verbs("user.password") == ["user.password_changed"]


def test_password_reset_is_one_time_hashed_expiring_and_says_the_same_for_unknown_addresses(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:password_reset"), {"email": "agent@example.com"}, follow=True)
        unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"}, follow=True)
    answers = [[str(m) for m in r.context["messages"]] for r in (known, unknown)]
    assert answers[0] == answers[1] == ["If that address has an account, we have sent it a link to reset the password."]
    assert [m.to for m in mail.outbox] == [["agent@example.com"]]
    path = re.search(r"/accounts/password-reset/([^\s/]+)/", str(mail.outbox[0].body))
    assert path is not None
    raw = path.group(1)
    reset = PasswordReset.objects.get()
    assert raw not in reset.token_hash
    session = Client()
    session.force_login(world.agent)
    assert client.get(path.group(0)).status_code == 200  # a mail scanner's GET uses nothing
    new = {"new_password1": "a-long-new-secret", "new_password2": "a-long-new-secret"}
    assert client.post(path.group(0), new)["Location"] == reverse("accounts:sign_in")
    assert client.post(path.group(0), new).status_code == 400  # single use
    assert session.get(reverse("tickets:ticket_list")).status_code == 302  # every session ended
    assert _verbs("user.password") == ["user.password_reset_requested", "user.password_reset"]


def test_an_expired_reset_link_is_refused(world: Any) -> None:
    reset, raw = actions.create_password_reset(world.agent)
    with time_machine.travel(reset.expires_at + timedelta(seconds=1)):
        response = Client().post(
            reverse("accounts:password_reset_confirm", args=[raw]),
            {"new_password1": "a-long-new-secret", "new_password2": "a-long-new-secret"},
        )
    assert response.status_code == 400
    world.agent.refresh_from_db()
    assert world.agent.check_password(PASSWORD)


def test_reset_requests_are_limited_per_address(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            Client(REMOTE_ADDR=f"10.0.2.{i}").post(reverse("accounts:password_reset"), {"email": "agent@example.com"})
    assert len(mail.outbox) == 3
    assert PasswordReset.objects.count() == 3


def test_every_page_of_the_new_flows_is_translated(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    world.agent.language = "ru"
    world.agent.save(update_fields=["language"])
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "Сменить пароль" in page
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Двухфакторный вход" in page
