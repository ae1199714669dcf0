"""Outgoing mail for admins, the ticket page's notice about mail that failed, and sending it again."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.core import outbox
from opsdesk.core.errors import ActionError
from opsdesk.core.models import OutgoingMail
from opsdesk.messaging import actions
from opsdesk.tickets.models import Ticket

REFUSED = "550 5.1.1 Mailbox unavailable"


def failed_mail(ticket: Ticket, smtp_server: Any) -> OutgoingMail:
    """The ticket's "We received your request" mail, refused for good by the server."""
    mail = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.ticket_received")
    smtp_server.refusals = [REFUSED]
    outbox.deliver(mail.pk, 0)
    mail.refresh_from_db()
    assert (mail.state, mail.last_error) == ("failed", REFUSED)
    return mail


def other_mail(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            outbox.queue_mail(kind="test.mail", to=[f"p{i}@x.example"], language="en", subject=f"S{i}", body_text="B")


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_costs_the_same_queries_for_1_and_30_rows(
    client: Client, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    other_mail(rows)
    client.force_login(world.admin)
    with django_assert_num_queries(3):  # session, user, the page's rows
        response = client.get(reverse("messaging:mail_list"))
    assert len(response.context["mails"]) == rows


def test_the_list_filters_by_state_and_pages_by_id(client: Client, world: Any, smtp_server: Any) -> None:
    ticket = world.ticket()
    mail = failed_mail(ticket, smtp_server)
    other_mail(50)
    client.force_login(world.admin)
    failed = client.get(reverse("messaging:mail_list") + "?state=failed")
    assert [m.pk for m in failed.context["mails"]] == [mail.pk]
    page = failed.content.decode()
    assert REFUSED in page and f'href="/tickets/{ticket.pk}/"' in page and "Send again" in page
    everything = client.get(reverse("messaging:mail_list"))
    newest = list(OutgoingMail.objects.order_by("-id").values_list("pk", flat=True))
    assert [m.pk for m in everything.context["mails"]] == newest[:50]
    assert everything.context["next_before"] == newest[49]
    older = client.get(reverse("messaging:mail_list") + f"?before={newest[49]}")
    assert ([m.pk for m in older.context["mails"]], older.context["next_before"]) == ([mail.pk], None)
    assert [m.pk for m in client.get(reverse("messaging:mail_list") + "?state=sent").context["mails"]] == []


def test_an_admin_sends_a_failed_mail_again_with_an_audit_row(
    client: Client, world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail = failed_mail(world.ticket(), smtp_server)
    client.force_login(world.admin)
    back = reverse("messaging:mail_list") + "?state=failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("messaging:mail_resend", args=[mail.pk]), {"next": back})
    assert response["Location"] == back
    assert smtp_server.message_ids() == [mail.message_id]
    mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.last_error) == ("sent", 1, "")
    event = AuditEvent.objects.get(verb="mail.resent")
    assert (event.actor, event.target_type, event.target_id, event.data) == (
        world.admin,
        "core.outgoingmail",
        str(mail.pk),
        {
            "kind": "tickets.ticket_received",
            "ticket": mail.ticket_id,
            "recipients": ["carl@acme.example"],
            "attempts": 1,
            "last_error": REFUSED,
        },
    )


def test_sending_again_a_mail_that_did_not_fail_changes_nothing(
    client: Client, world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        world.ticket()
    mail = OutgoingMail.objects.get()
    assert mail.state == "sent"
    client.force_login(world.admin)
    response = client.post(reverse("messaging:mail_resend", args=[mail.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == f"/tickets/{mail.ticket_id}/"  # not to another site
    assert [str(m) for m in response.wsgi_request._messages] == [  # type: ignore[attr-defined]
        "Only a mail that could not be delivered can be sent again."
    ]
    assert (OutgoingMail.objects.get().state, AuditEvent.objects.filter(verb="mail.resent").count()) == ("sent", 0)
    assert len(smtp_server.received) == 1


def test_the_ticket_page_shows_failed_mail_and_editors_send_it_again(
    client: Client, world: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = world.ticket(subject="Printer on fire")
    mail = failed_mail(ticket, smtp_server)
    client.force_login(world.light_agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "An email about this ticket could not be delivered" in page
    assert f"To carl@acme.example: “[#{ticket.pk}] We received your request: Printer on fire”" in page
    assert REFUSED in page
    assert reverse("messaging:mail_resend", args=[mail.pk]) not in page  # light agents cannot change the ticket
    assert client.post(reverse("messaging:mail_resend", args=[mail.pk])).status_code == 403
    client.force_login(world.other_agent)  # cannot see the ticket, so not its mail either
    assert client.post(reverse("messaging:mail_resend", args=[mail.pk])).status_code == 404
    client.force_login(world.agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert reverse("messaging:mail_resend", args=[mail.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("messaging:mail_resend", args=[mail.pk]), {"next": ticket.get_absolute_url()})
    assert response["Location"] == ticket.get_absolute_url()
    assert smtp_server.message_ids() == [mail.message_id]
    assert "could not be delivered" not in client.get(ticket.get_absolute_url()).content.decode()


def test_mail_about_no_ticket_is_for_admins_only(client: Client, world: Any) -> None:
    with transaction.atomic():
        mail = outbox.queue_mail(kind="test.mail", to=["a@b.example"], language="en", subject="S", body_text="B")
    client.force_login(world.manager)
    assert client.post(reverse("messaging:mail_resend", args=[mail.pk])).status_code == 404


def test_settings_link_outgoing_mail_for_admins_only(client: Client, world: Any) -> None:
    """Outgoing mail is reached from Settings (the top bar keeps one row); managers see neither."""
    client.force_login(world.admin)
    assert reverse("messaging:mail_list") in client.get(reverse("ticket_settings:settings_index")).content.decode()
    page = client.get(reverse("messaging:mail_list")).content.decode()
    assert f'<a href="{reverse("ticket_settings:settings_index")}" aria-current="page">Settings</a>' in page
    client.force_login(world.manager)
    assert reverse("messaging:mail_list") not in client.get(reverse("tickets:ticket_list")).content.decode()


def test_the_action_itself_refuses_whoever_may_not_change_the_ticket(world: Any, smtp_server: Any) -> None:
    mail = failed_mail(world.ticket(), smtp_server)
    for user in (world.light_agent, world.other_agent):
        with pytest.raises(ActionError) as refused:
            actions.resend_mail(mail, actor=user)
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    mail.refresh_from_db()
    assert (mail.state, AuditEvent.objects.filter(verb="mail.resent").count()) == ("failed", 0)
