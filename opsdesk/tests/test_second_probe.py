"""Findings of the review and hostile probe run after the spine landed; each failed before its fix."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opsdesk.accounts import actions as account_actions
from opsdesk.core.errors import ActionError
from opsdesk.customers import actions as customer_actions
from opsdesk.tickets import actions
from opsdesk.tickets.models import Message, SavedView, Ticket, TicketStatus

SURROGATE = '"\\ud800"'  # a JSON escape of a lone UTF-16 surrogate: no text can hold it


def token(user: Any) -> dict[str, str]:
    _token, raw = account_actions.issue_api_token(user, name="probe", scope="write", actor=user)
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(
    "body",
    [
        '{"subject": "probe", "body": "x", "requester_email": "p@example.org", "tags": [' + SURROGATE + "]}",
        '{"subject": "probe", "body": "x", "requester_email": "p@example.org", "custom_fields": {"order": '
        + SURROGATE
        + "}}",
    ],
)
def test_a_lone_surrogate_in_an_api_body_is_a_400_not_a_500(client: Client, world: Any, body: str) -> None:
    response = client.post("/api/v1/tickets/", body, content_type="application/json", headers=token(world.agent))
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert not Ticket.objects.filter(subject="probe").exists()


def test_an_emoji_as_a_surrogate_pair_is_still_text(client: Client, world: Any) -> None:
    body = '{"subject": "Hi \\ud83d\\ude00", "body": "x", "requester_email": "p@example.org"}'
    response = client.post("/api/v1/tickets/", body, content_type="application/json", headers=token(world.agent))
    assert response.status_code == 201
    assert Ticket.objects.get(pk=response.json()["id"]).subject == "Hi \U0001f600"


def test_a_lone_surrogate_in_a_filter_is_a_400_naming_the_filter(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    page = client.get("/tickets/", {"filter": '{"q": ' + SURROGATE + "}"})
    assert page.status_code == 400
    api = Client().get(
        "/api/v1/tickets/",
        {"filter": '{"match": "all", "conditions": [{"field": "tags", "op": "contains", "value": ' + SURROGATE + "}]}"},
        headers=token(world.agent),
    )
    assert (api.status_code, api.json()["field"]) == (400, "filter")


def test_unknown_api_paths_and_wrong_methods_answer_json(client: Client, world: Any) -> None:
    headers = token(world.agent)
    missing = client.get("/api/v1/nonexistent", headers=headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    wrong = client.delete(f"/api/v1/tickets/{world.ticket().pk}", headers=headers)
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")


@pytest.mark.parametrize("path", ["reply", "note"])
def test_the_same_api_reply_or_note_twice_is_one_message(client: Client, world: Any, path: str) -> None:
    ticket = world.ticket()
    headers = token(world.agent)
    first = client.post(f"/api/v1/tickets/{ticket.pk}/{path}", {"body": "Once"}, "application/json", headers=headers)
    second = client.post(f"/api/v1/tickets/{ticket.pk}/{path}", {"body": "Once"}, "application/json", headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Message.objects.filter(ticket=ticket, body_text="Once").count() == 1


def test_an_agent_cannot_merge_customers_and_so_move_another_teams_tickets(world: Any) -> None:
    theirs = world.ticket(requester=world.other_customer, team=world.billing)
    with pytest.raises(ActionError) as refused:
        actions.merge_customers(world.other_customer, target=world.customer, actor=world.agent)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    theirs.refresh_from_db()
    assert theirs.requester_id == world.other_customer.pk


def test_actions_check_the_capability_and_the_team_whatever_the_caller(world: Any) -> None:
    billing_ticket = world.ticket(team=world.billing)
    open_status = TicketStatus.objects.get(name="Open")
    with pytest.raises(ActionError):
        actions.change_status(billing_ticket, status=open_status, actor=world.light_agent)
    with pytest.raises(ActionError):
        actions.change_status(billing_ticket, status=open_status, actor=world.agent)  # not the agent's team
    with pytest.raises(ActionError):
        actions.save_view(name="All", filters={}, sort="-updated", shared=True, actor=world.agent)
    lead_view = SavedView.objects.create(name="Lead's", owner=world.lead, filters={})
    with pytest.raises(ActionError):
        actions.delete_view(lead_view, actor=world.agent)
    with pytest.raises(ActionError):
        customer_actions.create_organization(name="Evil Corp", domains=[], actor=world.light_agent)
    with pytest.raises(ActionError):
        customer_actions.import_customers_csv(b"name,email\nX,x@example.org\n", actor=world.agent)
    billing_ticket.refresh_from_db()
    assert billing_ticket.status_category == "new"
    assert SavedView.objects.filter(pk=lead_view.pk).exists()


def test_an_agent_cannot_move_a_customer_into_an_organization(world: Any) -> None:
    with pytest.raises(ActionError) as refused:
        customer_actions.update_customer(
            world.other_customer,
            name="Dora Else",
            emails=["dora@else.example"],
            phones=[],
            organization=world.organization,
            language="en",
            time_zone="UTC",
            actor=world.agent,
        )
    assert refused.value.code == "forbidden"
    world.other_customer.refresh_from_db()
    assert world.other_customer.organization_id is None


def test_an_overlong_sort_on_a_saved_view_is_a_400(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    response = client.post("/tickets/views/", {"name": "Mine", "sort": "x" * 500})
    assert response.status_code == 400
    assert not SavedView.objects.filter(name="Mine").exists()


def test_a_customer_rename_changes_their_login_with_an_audit_row(world: Any) -> None:
    from opsdesk.audit.models import AuditEvent

    customer_actions.update_customer(
        world.customer,
        name="Carla Renamed",
        emails=["carl@acme.example"],
        phones=[],
        organization=world.organization,
        language="fi",
        time_zone="Europe/Helsinki",
        actor=world.manager,
    )
    world.customer_user.refresh_from_db()
    assert (world.customer_user.name, world.customer_user.language) == ("Carla Renamed", "fi")
    row = AuditEvent.objects.get(verb="user.updated", target_id=str(world.customer_user.pk))
    assert row.data["after"] == {"name": "Carla Renamed", "language": "fi", "time_zone": "Europe/Helsinki"}


def test_an_error_opsdesk_writes_on_a_mail_is_shown_in_the_readers_language() -> None:
    from django.utils import translation

    from opsdesk.core.outbox import EXPIRED, mail_error

    with translation.override("fi"):
        assert mail_error(EXPIRED) != EXPIRED
        assert mail_error("451 4.3.0 Try later") == "451 4.3.0 Try later"  # a server's answer, as it came


def test_an_authorization_header_outside_the_api_does_not_lift_the_visitors_body_limit(
    client: Client, settings: Any
) -> None:
    settings.OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES = 1024
    settings.OPSDESK_MAX_REQUEST_BYTES = 1024 * 1024
    body = {"name": "N", "email": "n@example.org", "subject": "S", "body": "x" * 4096}
    response = client.post("/contact/", body, headers={"Authorization": "Bearer anything"})
    assert response.status_code == 413
