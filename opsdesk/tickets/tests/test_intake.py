"""The one intake: the same rules for every source, nothing half-written, one ticket per submission."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from opsdesk.accounts import actions as account_actions
from opsdesk.customers.models import Customer, CustomerEmail
from opsdesk.tickets import actions, configuration
from opsdesk.tickets.models import Message, Ticket, TicketStatus


def token(user: Any) -> dict[str, str]:
    _token, raw = account_actions.issue_api_token(user, name="test", scope="write", actor=user)
    return {"Authorization": f"Bearer {raw}"}


def counts() -> tuple[int, int, int]:
    return Customer.objects.count(), Ticket.objects.count(), Message.objects.count()


def new_ticket_form(**extra: Any) -> dict[str, Any]:
    return {
        "requester_email": "newcomer@example.org",
        "requester_name": "New Comer",
        "subject": "Cannot log in",
        "body": "Since this morning.",
        "public": "on",
        "channel": "phone",
        "priority": "normal",
        "type": "question",
        "language": "en",
        **extra,
    }


def test_a_refused_attachment_on_the_agent_form_leaves_no_customer_behind(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    before = counts()
    script = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/x-msdownload")
    response = client.post("/tickets/new/", new_ticket_form(attachments=script))
    assert response.status_code == 400
    assert "Files of type application/x-msdos-program cannot be attached." in response.content.decode()
    assert counts() == before
    assert not CustomerEmail.objects.filter(address="newcomer@example.org").exists()


def test_a_refused_field_in_the_api_leaves_no_customer_behind_without_an_idempotency_key(
    client: Client, world: Any
) -> None:
    before = counts()
    response = client.post(
        "/api/v1/tickets/",
        {"subject": "Hi", "body": "x", "requester_email": "newcomer@example.org", "custom_fields": {"nope": 1}},
        content_type="application/json",
        headers=token(world.agent),
    )
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "unknown_field", "nope")
    assert counts() == before


def test_bad_lengths_and_choices_are_refused_before_the_database_sees_them(client: Client, world: Any) -> None:
    headers = token(world.agent)
    base = {"subject": "Hi", "body": "x", "requester_email": "someone@example.org"}
    before = counts()
    language = client.post("/api/v1/tickets/", {**base, "language": "xx-longer"}, "application/json", headers=headers)
    assert (language.status_code, language.json()["field"]) == (422, "language")
    tags = client.post(
        "/api/v1/tickets/", {**base, "tags": [f"t{n}" for n in range(5000)]}, "application/json", headers=headers
    )
    assert (tags.status_code, tags.json()["code"], tags.json()["field"]) == (422, "too_many_tags", "tags")
    address = "a" * 300 + "@example.org"
    email = client.post("/api/v1/tickets/", {**base, "requester_email": address}, "application/json", headers=headers)
    assert (email.status_code, email.json()["field"]) == (422, "requester_email")
    contact = Client().post(
        "/contact/", {"name": "Long", "email": address, "subject": "Hello", "body": "Long address."}
    )
    assert contact.status_code == 400
    assert "An email address can be at most 254 characters." in contact.content.decode()
    assert counts() == before


def test_a_customers_reply_to_a_merged_ticket_lands_on_the_target_in_the_portal_and_the_api(
    client: Client, world: Any
) -> None:
    source, target = world.ticket(subject="First"), world.ticket(subject="Second")
    actions.merge_tickets(source, target=target, actor=world.agent)
    client.force_login(world.customer_user)
    portal = client.post(f"/portal/tickets/{source.pk}/reply/", {"body": "Any news?"})
    assert (portal.status_code, portal["Location"]) == (302, f"/portal/tickets/{target.pk}/")
    api = Client().post(
        f"/api/v1/tickets/{source.pk}/reply",
        {"body": "Hello again?"},
        content_type="application/json",
        headers=token(world.customer_user),
    )
    assert (api.status_code, api.json()["ticket_id"]) == (201, target.pk)
    assert list(target.messages.filter(author_role="end_user").values_list("body_text", flat=True)) == [
        "It is on fire.",
        "Any news?",
        "Hello again?",
    ]


def test_a_reply_to_a_ticket_merged_into_one_the_customer_cannot_see_opens_a_follow_up(world: Any) -> None:
    source = world.ticket()
    foreign = world.ticket(requester=world.other_customer)
    actions.merge_tickets(source, target=foreign, actor=world.admin)
    message = actions.add_customer_reply(source, body="Still broken", customer=world.customer, actor=None)
    followup = message.ticket
    assert (followup.followup_of_id, followup.requester_id) == (source.pk, world.customer.pk)
    assert not foreign.messages.filter(body_text="Still broken").exists()


@pytest.mark.parametrize("path", ["agent_reply", "agent_note", "portal_reply", "portal_new", "agent_new", "contact"])
def test_a_double_submit_of_a_form_stores_one_ticket_or_reply(client: Client, world: Any, path: str) -> None:
    ticket = world.ticket()
    once = {"submission": "kq1bWv2Jf8yC0mZ3xTq9"}
    who, url, data = {
        "agent_reply": (world.agent, f"/tickets/{ticket.pk}/reply/", {"body": "On it"}),
        "agent_note": (world.agent, f"/tickets/{ticket.pk}/note/", {"body": "Checked"}),
        "portal_reply": (world.customer_user, f"/portal/tickets/{ticket.pk}/reply/", {"body": "Thanks"}),
        "portal_new": (world.customer_user, "/portal/new/", {"subject": "New", "body": "Again"}),
        "agent_new": (world.agent, "/tickets/new/", new_ticket_form()),
        "contact": (None, "/contact/", {"name": "Vic", "email": "vic@example.org", "subject": "Hi", "body": "Yo"}),
    }[path]
    if who is not None:
        client.force_login(who)
    before = counts()
    first = client.post(url, {**data, **once})
    second = client.post(url, {**data, **once})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    customers, tickets, messages = counts()
    new_ticket = path in ("portal_new", "agent_new", "contact")
    assert (tickets - before[1], messages - before[2]) == ((1, 1) if new_ticket else (0, 1))
    assert customers - before[0] == (1 if path in ("agent_new", "contact") else 0)
    third = client.post(url, {**data, "submission": "another-token-entirely"})  # a new form is a new submission
    assert third.status_code == 302
    assert counts()[2] == messages + 1


def test_the_same_api_request_twice_without_an_idempotency_key_creates_one_ticket(client: Client, world: Any) -> None:
    headers = token(world.agent)
    body = {"subject": "Printer", "body": "Jammed", "requester_email": "twice@example.org"}
    first = client.post("/api/v1/tickets/", body, "application/json", headers=headers)
    second = client.post("/api/v1/tickets/", body, "application/json", headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Ticket.objects.filter(subject="Printer").count() == 1


def test_automation_replies_and_notes_without_a_user(world: Any) -> None:
    ticket = world.ticket()
    reply = actions.reply_to_ticket(ticket, body="We got it.", actor=None, via="trigger")
    note = actions.add_note(ticket, body="Routed by rule 3.", actor=None, via="trigger")
    assert [(m.author_role, m.author_user_id, m.is_automated, m.visibility) for m in (reply, note)] == [
        ("system", None, True, "public"),
        ("system", None, True, "internal"),
    ]
    ticket.refresh_from_db()
    assert ticket.status_category == "new"  # the system is not an agent: only an agent's action opens a ticket


def test_a_new_address_at_an_organizations_domain_does_not_join_its_shared_tickets_until_verified(
    client: Client, world: Any
) -> None:
    acme = world.customer.organization
    acme.shared_tickets = True
    acme.save(update_fields=["shared_tickets"])
    response = Client().post(
        "/contact/", {"name": "Mallory", "email": "mallory@acme.example", "subject": "Hello", "body": "Let me in"}
    )
    assert response.status_code == 302
    stranger = CustomerEmail.objects.get(address="mallory@acme.example").customer
    assert stranger.organization_id is None
    assert Ticket.objects.get(requester=stranger).organization_id is None
    client.force_login(world.customer_user)
    listed = client.get("/portal/").context["tickets"]
    assert "Hello" not in [t.subject for t in listed]

    from opsdesk.customers import actions as customer_actions

    customer_actions.verify_email("mallory@acme.example", actor=None)
    stranger.refresh_from_db()
    assert stranger.organization_id == acme.pk
    assert list(stranger.events.values_list("kind", "data")) == [
        ("email.verified", {"email": "mallory@acme.example", "organization": acme.pk}),
        ("customer.created", {"emails": ["mallory@acme.example"]}),
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_racing_to_create_the_same_new_customer_make_one_customer_and_two_tickets(world: Any) -> None:
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(subject: str) -> None:
        try:
            start.wait(10)
            actions.create_ticket(
                subject=subject, body="Help", requester_email="race@example.org", requester_name="Race", actor=None
            )
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(s,)) for s in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    customers = Customer.objects.filter(emails__address="race@example.org")
    assert customers.count() == 1
    assert sorted(Ticket.objects.filter(requester=customers.get()).values_list("subject", flat=True)) == ["One", "Two"]


def test_required_portal_fields_are_one_rule_for_the_portal_and_the_api(client: Client, world: Any) -> None:
    configuration.save_custom_field(
        None,
        label="Order number",
        key="order",
        type="text",
        visible_in_portal=True,
        required_in_portal=True,
        actor=world.admin,
    )
    with pytest.raises(Exception) as refused:
        actions.create_ticket(subject="Hi", body="x", requester=world.customer, actor=world.customer_user)
    assert (refused.value.code, refused.value.field) == ("required_field", "custom_fields.order")  # type: ignore[attr-defined]
    assert TicketStatus.objects.exists()
