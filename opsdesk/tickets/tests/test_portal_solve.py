"""The portal: a customer marks a request solved (once, recorded as theirs), and is told why colleagues' requests
are listed."""

from __future__ import annotations

from typing import Any

from django.test import Client

from opsdesk.customers import actions as customer_actions
from opsdesk.tickets import actions
from opsdesk.tickets.models import TicketEvent


def test_a_customer_marks_a_request_solved_once(client: Client, world: Any) -> None:
    ticket = world.ticket(subject="Lamp flickers")
    client.force_login(world.customer_user)
    page = client.get(ticket.get_portal_url()).content.decode()
    assert "Mark as solved" in page
    response = client.post(f"/portal/tickets/{ticket.pk}/solve/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status_category == "solved"
    changes = TicketEvent.objects.filter(ticket=ticket, kind="status.changed")
    assert [(e.actor_id, e.actor_role, e.data["to_category"]) for e in changes] == [
        (world.customer_user.pk, "end_user", "solved")
    ]
    client.post(f"/portal/tickets/{ticket.pk}/solve/")  # a resent form changes nothing
    assert TicketEvent.objects.filter(ticket=ticket, kind="status.changed").count() == 1
    assert "Mark as solved" not in client.get(ticket.get_portal_url()).content.decode()


def test_a_customer_cannot_solve_what_they_do_not_see(client: Client, world: Any) -> None:
    other = world.ticket(subject="Not yours", requester=world.other_customer)
    client.force_login(world.customer_user)
    assert client.post(f"/portal/tickets/{other.pk}/solve/").status_code == 404
    other.refresh_from_db()
    assert other.status_category == "new"


def test_a_merged_request_is_not_solved_from_the_portal(client: Client, world: Any) -> None:
    source, target = world.ticket(subject="First"), world.ticket(subject="Second")
    actions.merge_tickets(source, target=target, actor=world.agent)
    client.force_login(world.customer_user)
    assert "Mark as solved" not in client.get(source.get_portal_url()).content.decode()
    client.post(f"/portal/tickets/{source.pk}/solve/")
    source.refresh_from_db()
    assert source.status_category == "closed"  # as the merge left it


def test_the_portal_says_why_colleagues_requests_are_listed(client: Client, world: Any) -> None:
    world.ticket(subject="Mine")
    client.force_login(world.customer_user)
    assert "colleagues" not in client.get("/portal/").content.decode()
    org = world.organization
    customer_actions.update_organization(
        org, name=org.name, domains=org.domains, shared_tickets=True, notes=org.notes, actor=world.admin
    )
    page = client.get("/portal/").content.decode()
    assert "your organization, Acme, shares its requests with everyone in it." in page


def test_the_contact_form_says_what_to_expect_and_where_to_go_next(client: Client, world: Any) -> None:
    from opsdesk.sla.actions import policies as policy_actions
    from opsdesk.sla.actions.policies import TargetInput
    from opsdesk.sla.models import SlaPolicy

    page = client.get("/contact/").content.decode()
    assert "We aim to answer" not in page  # no policy gives a first-reply target yet: no promise
    assert 'for="id_email">Your email</label>' in page  # labels without colons
    assert ">Submission<" not in page  # the hidden one-time token has no label
    policy_actions.save_policy(
        SlaPolicy.objects.get(is_default=True),
        name="Default",
        conditions={},
        calendar=None,
        pause_categories=[],
        targets=[TargetInput("normal", "first_reply", 4 * 3600, business_hours=False)],
        actor=world.manager,
    )
    assert "We aim to answer within 4 h 0 min." in client.get("/contact/").content.decode()
    thanks = client.get("/contact/thanks/").content.decode()
    assert 'href="/contact/"' in thanks and "on its way to your email address" in thanks
