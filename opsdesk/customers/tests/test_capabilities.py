"""Who may change a customer's addresses or invite them: an agent cannot take over a customer to read tickets
outside their teams (found by a hostile probe)."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from opsdesk.accounts.capabilities import Capability, can, roles_with
from opsdesk.accounts.models import User
from opsdesk.audit.models import AuditEvent


def edit_form(customer: Any, emails: str) -> dict[str, str]:
    return {
        "name": customer.name,
        "emails": emails,
        "phones": "",
        "language": customer.language,
        "time_zone": "Europe/Helsinki",
        "notes": "",
    }


def test_an_agent_cannot_add_their_own_address_to_a_customer_or_invite_them(client: Client, world: Any) -> None:
    victim = world.other_customer  # has tickets outside the agent's teams
    client.force_login(world.agent)
    response = client.post(f"/customers/{victim.pk}/edit/", edit_form(victim, "agent-alias@evil.example"))
    assert response.status_code == 302  # the field is shown, not editable: the submitted value is ignored
    assert list(victim.emails.values_list("address", flat=True)) == ["dora@else.example"]
    invite = client.post(f"/customers/{victim.pk}/invite/")
    assert invite.status_code == 403
    assert not User.objects.filter(customer=victim).exists()
    assert mail.outbox == []


def test_an_agent_can_still_edit_a_customers_name_and_notes(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    response = client.post(f"/customers/{world.customer.pk}/edit/", edit_form(world.customer, "ignored@x.example"))
    assert response.status_code == 302
    world.customer.refresh_from_db()
    assert list(world.customer.emails.values_list("address", flat=True)) == ["carl@acme.example"]


def test_the_action_refuses_an_address_change_whatever_the_page_sends(world: Any) -> None:
    from opsdesk.core.errors import ActionError
    from opsdesk.customers import actions

    customer = world.other_customer
    try:
        actions.update_customer(
            customer,
            name=customer.name,
            emails=["dora@else.example", "mine@evil.example"],
            phones=[],
            organization=None,
            language="en",
            time_zone="UTC",
            actor=world.agent,
        )
    except ActionError as error:
        assert (error.code, error.field, error.status) == ("forbidden", "emails", 403)
    else:
        raise AssertionError("an agent changed a customer's addresses")
    assert list(customer.emails.values_list("address", flat=True)) == ["dora@else.example"]


def test_a_manager_changes_addresses_and_invites(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.manager)
    customer = world.other_customer
    response = client.post(f"/customers/{customer.pk}/edit/", edit_form(customer, "dora@new.example"))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/customers/{customer.pk}/invite/").status_code == 302
    login = User.objects.get(customer=customer)
    assert login.email == "dora@new.example"
    assert [m.to for m in mail.outbox] == [["dora@new.example"]]
    assert AuditEvent.objects.filter(verb="user.created", target_id=str(login.pk)).exists()


def test_address_and_invitation_capabilities_belong_only_to_roles_that_see_every_ticket(world: Any) -> None:
    assert roles_with(Capability.EDIT_CUSTOMER_ADDRESSES) == roles_with(Capability.INVITE_CUSTOMERS)
    assert set(roles_with(Capability.INVITE_CUSTOMERS)) <= set(roles_with(Capability.SEE_ALL_TICKETS))
    assert [can(u, Capability.INVITE_CUSTOMERS) for u in (world.agent, world.lead, world.manager, world.admin)] == [
        False,
        False,
        True,
        True,
    ]
