from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.customers import actions
from opsdesk.customers.models import Customer, CustomerEmail, CustomerOrganization
from opsdesk.tickets import actions as ticket_actions


def test_create_customer_normalises_emails_and_joins_the_domain_organization(world: Any) -> None:
    customer = actions.create_customer(
        name=" Erin  Example ",
        emails=["Erin@ACME.example", "erin@home.example"],
        phones=["+358 40 123"],
        actor=world.agent,
    )
    assert customer.name == "Erin Example"
    assert customer.organization_id == world.organization.pk
    assert list(customer.emails.values_list("address", "is_primary")) == [
        ("erin@acme.example", True),
        ("erin@home.example", False),
    ]
    assert list(customer.events.values_list("kind", flat=True)) == ["customer.created"]
    with pytest.raises(ActionError) as error:
        actions.create_customer(name="Dup", emails=["erin@acme.example"], actor=world.agent)
    assert error.value.code == "email_taken"
    with pytest.raises(ActionError) as error:
        actions.create_customer(name="Bad", emails=["not an email"], actor=world.agent)
    assert error.value.code == "invalid_email"


def test_merge_moves_tickets_emails_and_login(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    ticket = world.ticket(requester=world.other_customer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        target = ticket_actions.merge_customers(world.other_customer, target=world.customer, actor=world.admin)
    ticket.refresh_from_db()
    world.other_customer.refresh_from_db()
    assert ticket.requester_id == target.pk
    assert list(ticket.events.filter(kind="requester.changed").values_list("data", "source")) == [
        ({"old": world.other_customer.pk, "new": target.pk}, "system")
    ]
    assert world.other_customer.merged_into_id == target.pk
    assert sorted(target.emails.values_list("address", flat=True)) == ["carl@acme.example", "dora@else.example"]
    assert AuditEvent.objects.filter(verb="customer.merged", target_id=str(target.pk)).count() == 1
    assert len(callbacks) >= 1  # the search documents are rebuilt by a job, after the merge commits
    with pytest.raises(ActionError):
        ticket_actions.merge_customers(world.customer, target=world.customer, actor=world.admin)


def test_merged_tickets_follow_the_targets_organization_and_a_moved_login_is_audited(world: Any) -> None:
    acme = world.customer.organization
    acme.shared_tickets = True
    acme.save(update_fields=["shared_tickets"])
    loner = actions.create_customer(name="Lone Ranger", emails=["lone@else.example"], actor=world.admin)

    login = actions.create_portal_login(loner.pk, password=None, actor=world.admin)
    theirs = world.ticket(requester=loner)
    assert theirs.organization_id is None
    target = actions.create_customer(
        name="Acme Buyer", emails=["buyer@acme.example"], organization=acme, actor=world.admin
    )
    ticket_actions.merge_customers(loner, target=target, actor=world.admin)
    theirs.refresh_from_db()
    assert (theirs.requester_id, theirs.organization_id) == (target.pk, acme.pk)
    assert list(theirs.events.filter(kind="organization.changed").values_list("data", flat=True)) == [
        {"old": None, "new": acme.pk}
    ]
    # Acme's members now see it in their shared list, as the organization field says.
    from opsdesk.tickets.models import Ticket

    assert theirs.pk in Ticket.objects.visible_to(world.customer_user).values_list("pk", flat=True)
    moved = AuditEvent.objects.get(verb="user.customer_changed")
    assert (moved.target_id, moved.data) == (
        str(login.pk),
        {"before": {"customer": loner.pk}, "after": {"customer": target.pk}},
    )


def test_csv_import_keeps_good_rows_and_reports_bad_ones(world: Any) -> None:
    data = (
        b"name,email,phone,organization,language,time_zone\n"
        b"Good One,good1@x.example,+1 555,Newco,fi,Europe/Helsinki\n"
        b"Bad Email,not-an-email,,,en,\n"
        b"Taken,carl@acme.example,,,en,\n"
        b"Good Two,good2@x.example;alt@x.example,,Newco,sv,\n"
        b"Bad Lang,bad@x.example,,,xx,\n"
        b"Bad Zone,zone@x.example,,,en,Mars/Base\n"
    )
    report = actions.import_customers_csv(data, actor=world.manager)
    assert report.created == 2
    assert [line for line, _m in report.errors] == [3, 4, 6, 7]
    assert report.errors[0][1] == "Enter a valid email address."
    assert set(Customer.objects.filter(name__startswith="Good").values_list("organization__name", flat=True)) == {
        "Newco"
    }
    assert CustomerOrganization.objects.filter(name="Newco").count() == 1
    assert not CustomerEmail.objects.filter(address__in=["bad@x.example", "zone@x.example"]).exists()


def test_csv_import_refuses_a_file_without_a_header(world: Any) -> None:
    with pytest.raises(ActionError) as error:
        actions.import_customers_csv(b"just,some,values\n", actor=world.manager)
    assert error.value.code == "bad_header"
    with pytest.raises(ActionError) as error:
        actions.import_customers_csv(b"\xff\xfe\x00", actor=world.manager)
    assert error.value.code == "not_utf8"


def test_import_page_shows_the_row_report(client: Client, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.manager)
    upload = SimpleUploadedFile("c.csv", b"name,email\nA,a@a.example\nB,broken\n", content_type="text/csv")
    page = client.post(reverse("customers:customer_import"), {"file": upload}).content.decode()
    assert "1 customer imported." in page
    assert "1 row refused." in page
    assert "<td>3</td><td>Enter a valid email address.</td>" in page


def test_customer_page_shows_the_whole_history(client: Client, world: Any) -> None:
    world.ticket(subject="First problem")
    client.force_login(world.agent)
    page = client.get(reverse("customers:customer_detail", args=[world.customer.pk])).content.decode()
    assert "First problem" in page
    assert "carl@acme.example" in page


def test_customer_custom_fields_are_typed_and_edited_on_the_form(client: Client, world: Any) -> None:
    from opsdesk.fields.models import CustomField

    CustomField.objects.create(key="tier", label="Tier", type="select", target="customer", choices=["Gold", "Basic"])
    with pytest.raises(ActionError) as error:
        actions.create_customer(name="X", custom_fields={"tier": "Platinum"}, actor=world.agent)
    assert (error.value.code, error.value.field) == ("invalid_field", "tier")
    client.force_login(world.agent)
    page = client.get(reverse("customers:customer_edit", args=[world.customer.pk])).content.decode()
    assert 'name="cf_tier"' in page
    response = client.post(
        reverse("customers:customer_edit", args=[world.customer.pk]),
        {
            "name": "Carl Customer",
            "emails": "carl@acme.example",
            "phones": "",
            "language": "en",
            "time_zone": "Europe/Helsinki",
            "notes": "",
            "cf_tier": "Gold",
        },
    )
    assert response.status_code == 302
    world.customer.refresh_from_db()
    assert world.customer.custom_fields == {"tier": "Gold"}


def test_customers_api_lists_creates_and_refuses_bad_input(
    client: Client, world: Any, django_assert_num_queries: Any
) -> None:
    from opsdesk.accounts import actions as account_actions

    _token, raw = account_actions.issue_api_token(world.agent, name="t", scope="write", actor=world.agent)
    headers = {"Authorization": f"Bearer {raw}"}
    created = client.post(
        "/api/v1/customers/",
        {"name": "Zoe API", "emails": ["Zoe@Acme.example"]},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    assert (created.json()["emails"], created.json()["organization_id"]) == (
        ["zoe@acme.example"],
        world.organization.pk,
    )
    taken = client.post(
        "/api/v1/customers/",
        {"name": "Again", "emails": ["zoe@acme.example"]},
        content_type="application/json",
        headers=headers,
    )
    assert (taken.status_code, taken.json()["code"], taken.json()["field"]) == (409, "email_taken", "emails")
    client.get("/api/v1/customers/", headers=headers)
    with django_assert_num_queries(5):  # token, the rate-limit counter, the page, emails, phones
        page = client.get("/api/v1/customers/?limit=2", headers=headers).json()
    assert [c["name"] for c in page["items"]] == ["Zoe API", "Dora Else"]
    second = client.get(f"/api/v1/customers/?limit=2&after={page['next_cursor']}", headers=headers).json()
    assert [c["name"] for c in second["items"]] == ["Carl Customer"]
    assert second["next_cursor"] is None
