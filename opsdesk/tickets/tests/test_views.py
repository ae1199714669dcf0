"""Agent workspace and portal views through the client, with query-count budgets on the lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opsdesk.fields.models import CustomField
from opsdesk.tickets import actions
from opsdesk.tickets.models import Message, SavedView, Ticket, TicketStatus


def make_tickets(world: Any, rows: int, **kwargs: Any) -> list[Ticket]:
    return [world.ticket(subject=f"Ticket {i}", **kwargs) for i in range(rows)]


@pytest.mark.parametrize("rows", [1, 30])
def test_inbox_query_count_does_not_grow_with_rows(
    client: Client, django_assert_num_queries: Any, world: Any, rows: int
) -> None:
    for ticket in make_tickets(world, rows):
        actions.assign_ticket(ticket, assignee=world.agent, actor=world.admin)
    client.force_login(world.agent)
    # session, user, team ids, sort keys per unsolved category (4), the page's rows, saved views, teams, statuses,
    # agents
    with django_assert_num_queries(12):
        response = client.get(reverse("tickets:ticket_list") + "?view=mine")
    assert response.status_code == 200
    assert len(response.context["tickets"]) == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_portal_list_query_count_does_not_grow_with_rows(
    client: Client, django_assert_num_queries: Any, world: Any, rows: int
) -> None:
    make_tickets(world, rows)
    client.force_login(world.customer_user)
    # session, user, customer, organization, tickets page
    with django_assert_num_queries(5):
        response = client.get(reverse("portal:ticket_list"))
    assert len(response.context["tickets"]) == rows


def test_inbox_pages_with_a_keyset_cursor_without_gaps_or_repeats(client: Client, world: Any) -> None:
    made = make_tickets(world, 120)
    client.force_login(world.admin)
    seen: list[int] = []
    url: str | None = reverse("tickets:ticket_list") + "?view=open&sort=created"
    while url:
        response = client.get(url)
        seen += [t.pk for t in response.context["tickets"]]
        url = response.context["next_url"]
    assert seen == [t.pk for t in made]


def test_inbox_filters_and_views(client: Client, world: Any) -> None:
    urgent, normal = world.ticket(subject="Fire", priority="urgent"), world.ticket(subject="Calm", body="All quiet.")
    actions.assign_ticket(normal, assignee=world.agent, actor=world.admin)
    client.force_login(world.agent)

    def numbers(query: str) -> list[int]:
        return [t.pk for t in client.get(reverse("tickets:ticket_list") + query).context["tickets"]]

    assert numbers("?view=mine") == [normal.pk]
    assert numbers("?view=unassigned") == [urgent.pk]
    assert numbers("?view=open&priority=urgent") == [urgent.pk]
    assert numbers(f"?view=open&q=%23{normal.pk}") == [normal.pk]
    assert numbers("?view=open&q=fire") == [urgent.pk]  # full-text search within the view
    assert numbers("?view=open&q=fir*") == [urgent.pk]
    assert numbers("?view=open&q=fir") == []  # words, not substrings
    assert numbers("?view=mine&q=fire") == []
    response = client.post(reverse("tickets:saved_view_create"), {"name": "Urgent", "priority": "urgent"})
    saved = SavedView.objects.get(name="Urgent")
    assert saved.owner_id == world.agent.pk
    assert response["Location"] == reverse("tickets:ticket_list") + f"?view=saved-{saved.pk}"
    assert numbers(f"?view=saved-{saved.pk}") == [urgent.pk]


def test_counts_are_cached_and_rendered_out_of_band(client: Client, world: Any, django_assert_num_queries: Any) -> None:
    make_tickets(world, 3)
    client.force_login(world.admin)
    first = client.get(reverse("tickets:ticket_counts")).content.decode()
    assert '<span id="count-open" class="muted small" hx-swap-oob="true">3</span>' in first
    with django_assert_num_queries(2):  # session and user only: the counters come from the cache
        client.get(reverse("tickets:ticket_counts"))


def test_agent_replies_through_the_page_and_the_customer_sees_it(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = world.ticket()
    client.force_login(world.agent)
    pending = TicketStatus.objects.get(name="Pending")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tickets:ticket_reply", args=[ticket.pk]),
            {
                "body": "Please send a photo.",
                "status": pending.pk,
                "attachments": [SimpleUploadedFile("guide.pdf", b"%PDF-1", content_type="application/pdf")],
            },
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status_category == "pending"
    assert mail.outbox[-1].to == ["carl@acme.example"]
    customer = Client()
    customer.force_login(world.customer_user)
    page = customer.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert "Please send a photo." in page
    attachment = Message.objects.get(body_text="Please send a photo.").attachments.get()
    download = customer.get(reverse("portal:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1"  # type: ignore[attr-defined]
    assert download["Content-Disposition"] == 'attachment; filename="guide.pdf"'


def test_bad_reply_shows_a_field_error_and_writes_nothing(client: Client, world: Any) -> None:
    ticket = world.ticket()
    client.force_login(world.agent)
    response = client.post(reverse("tickets:ticket_reply", args=[ticket.pk]), {"body": ""})
    assert response.status_code == 400
    assert response.context["reply_form"].errors == {"body": ["This field is required."]}
    assert ticket.messages.count() == 1


def test_htmx_post_gets_a_redirect_header(client: Client, world: Any) -> None:
    ticket = world.ticket()
    client.force_login(world.agent)
    response = client.post(
        reverse("tickets:ticket_set_priority", args=[ticket.pk]), {"priority": "high"}, headers={"HX-Request": "true"}
    )
    assert (response.status_code, response["HX-Redirect"]) == (204, ticket.get_absolute_url() + "#properties")


def test_the_new_ticket_form_keeps_notes_internal_and_groups_its_fields(client: Client, world: Any) -> None:
    CustomField.objects.create(key="order", label="Order number", type=CustomField.Type.TEXT)
    client.force_login(world.agent)
    html = client.get(reverse("tickets:ticket_create")).content.decode()
    public = html[html.index('name="public"') - 80 : html.index('name="public"') + 80]
    assert "checked" not in public  # a phone call's description is the agent's notes, not a reply
    assert html.index('name="subject"') < html.index('name="channel"') < html.index("More details")
    assert html.index("More details") < html.index('name="cf_order"')


def test_agent_creates_a_ticket_for_a_new_caller(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    response = client.post(
        reverse("tickets:ticket_create"),
        {
            "requester_email": "New.Caller@Example.com",
            "requester_name": "New Caller",
            "subject": "Called in",
            "body": "Wants a refund",
            "channel": "phone",
            "priority": "high",
            "type": "question",
            "language": "fi",
            "assignee": world.agent.pk,
            "public": "on",
        },
    )
    ticket = Ticket.objects.get(subject="Called in")
    assert response["Location"] == ticket.get_absolute_url()
    assert (ticket.requester.name, ticket.requester.primary_email, ticket.status_category, ticket.channel) == (
        "New Caller",
        "new.caller@example.com",
        "open",
        "phone",
    )
    message = ticket.messages.get()
    assert (message.author_role, message.visibility) == ("agent", "public")


def test_bulk_assign_and_status(client: Client, world: Any) -> None:
    a, b = make_tickets(world, 2)
    solved = TicketStatus.objects.get(name="Solved")
    client.force_login(world.lead)
    response = client.post(
        reverse("tickets:ticket_bulk"), {"ticket": [a.pk, b.pk], "assignee": world.agent.pk, "status": solved.pk}
    )
    assert response.status_code == 302
    assert list(Ticket.objects.filter(pk__in=[a.pk, b.pk]).values_list("assignee_id", "status_category")) == [
        (world.agent.pk, "solved"),
        (world.agent.pk, "solved"),
    ]


def test_bulk_priority_and_team_and_the_counters_follow_at_once(client: Client, world: Any) -> None:
    a, b = make_tickets(world, 2)
    client.force_login(world.lead)  # in Support, where both tickets are
    before = client.get(reverse("tickets:ticket_counts")).context["counts"]
    assert before["my_teams"] == 2
    response = client.post(
        reverse("tickets:ticket_bulk"), {"ticket": [a.pk, b.pk], "priority": "urgent", "team": world.billing.pk}
    )
    assert response.status_code == 302
    assert list(Ticket.objects.filter(pk__in=[a.pk, b.pk]).values_list("priority", "team_id")) == [
        ("urgent", world.billing.pk),
        ("urgent", world.billing.pk),
    ]
    after = client.get(reverse("tickets:ticket_counts")).context["counts"]
    assert after["my_teams"] == 0  # moved out of the lead's team: counted at once, not a minute later
    client.raise_request_exception = False
    bad = client.post(reverse("tickets:ticket_bulk"), {"ticket": [a.pk], "priority": "whenever"})
    assert bad.status_code == 400
    assert client.post(reverse("tickets:ticket_bulk"), {"ticket": [a.pk], "team": "none"}).status_code == 302


def test_portal_customer_opens_a_ticket_with_an_attachment(client: Client, world: Any) -> None:
    client.force_login(world.customer_user)
    response = client.post(
        reverse("portal:ticket_create"),
        {
            "subject": "Broken",
            "body": "See the photo",
            "attachments": [SimpleUploadedFile("photo.png", b"\x89PNG\r\n", content_type="image/png")],
        },
    )
    ticket = Ticket.objects.get(subject="Broken")
    assert response["Location"] == ticket.get_portal_url()
    assert (ticket.channel, ticket.requester_id, ticket.attachments.get().filename) == (
        "portal",
        world.customer.pk,
        "photo.png",
    )


def test_portal_bad_attachment_is_a_form_error(client: Client, world: Any) -> None:
    client.force_login(world.customer_user)
    response = client.post(
        reverse("portal:ticket_create"),
        {"subject": "Broken", "body": "x", "attachments": [SimpleUploadedFile("x.exe", b"MZ")]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"] == [
        "Files of type application/x-msdos-program cannot be attached."
    ]
    assert Ticket.objects.filter(subject="Broken").count() == 0


def test_contact_form_creates_one_ticket_and_traps_bots(client: Client, world: Any) -> None:
    data = {"name": "Vera Visitor", "email": "vera@visitor.example", "subject": "Question", "body": "Hello?"}
    assert client.post(reverse("contact"), data)["Location"] == reverse("contact_thanks")
    ticket = Ticket.objects.get(subject="Question")
    assert (ticket.channel, ticket.requester.name) == ("web", "Vera Visitor")
    client.post(reverse("contact"), {**data, "subject": "Spam", "website": "http://spam.example"})
    assert Ticket.objects.filter(subject="Spam").count() == 0


def test_contact_form_is_rate_limited(client: Client, world: Any, settings: Any) -> None:
    settings.OPSDESK_CONTACT_RATE_LIMIT = 2
    data = {"name": "V", "email": "v@v.example", "subject": "Q", "body": "B"}
    codes = [client.post(reverse("contact"), data).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Ticket.objects.filter(subject="Q").count() == 2


def test_portal_reply_reopens_and_closed_ticket_gets_a_followup(client: Client, world: Any) -> None:
    ticket = world.ticket()
    actions.change_status(ticket, status=TicketStatus.objects.get(name="Closed"), actor=world.agent)
    client.force_login(world.customer_user)
    response = client.post(reverse("portal:ticket_reply", args=[ticket.pk]), {"body": "Again broken"})
    followup = Ticket.objects.get(followup_of=ticket)
    assert response["Location"] == reverse("portal:ticket_detail", args=[followup.pk])


def test_pages_render_in_the_users_language(client: Client, world: Any) -> None:
    world.agent.language = "el"
    world.agent.save(update_fields=["language"])
    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket_list")).content.decode()
    assert '<html lang="el">' in page
    assert "Αποσύνδεση" in page  # "Sign out"
    ru = client.get(reverse("tickets:ticket_list") + "?lang=ru").content.decode()
    assert '<html lang="ru">' in ru


def test_a_queue_failure_never_loses_or_duplicates_the_ticket(
    client: Client, world: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from opsdesk.core import tasks
    from opsdesk.core.models import OutgoingMail

    def broken(*args: Any) -> None:
        raise ConnectionError("queue unavailable")

    monkeypatch.setattr(tasks, "deliver_mail", broken)
    data = {"name": "Q", "email": "q@q.example", "subject": "Queue down", "body": "Hello"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact"), data)
    assert response["Location"] == reverse("contact_thanks")
    ticket = Ticket.objects.get(subject="Queue down")
    # the mail waits in the outbox for the minutely sweep
    assert list(OutgoingMail.objects.values_list("ticket_id", "recipients", "state", "attempts")) == [
        (ticket.pk, ["q@q.example"], "queued", 0)
    ]


def test_history_speaks_in_words_not_codes(client: Client, world: Any) -> None:
    ticket = world.ticket(tags=["vip"])
    actions.set_priority(ticket, priority="urgent", actor=world.agent)
    actions.set_tags(ticket, tags=["refund"], actor=world.agent)
    client.force_login(world.agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Ticket created via Email" in page
    assert "Priority: Normal → Urgent" in page
    assert "tags added: refund; tags removed: vip" in page


def test_one_update_saves_every_changed_property_with_its_own_event(client: Client, world: Any) -> None:
    ticket = world.ticket()
    CustomField.objects.create(key="order", label="Order", type="number")
    pending = TicketStatus.objects.get(name="Pending")
    client.force_login(world.agent)
    response = client.post(
        reverse("tickets:ticket_update", args=[ticket.pk]),
        {
            "status": pending.pk,
            "assignee": world.agent.pk,
            "team": world.support.pk,
            "priority": "high",
            "type": "incident",
            "tags": "vip, refund",
            "cf_order": "42",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status_category, ticket.assignee_id, ticket.priority, ticket.type, ticket.custom_fields) == (
        "pending",
        world.agent.pk,
        "high",
        "incident",
        {"order": 42},
    )
    kinds = list(ticket.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "ticket.created",
        "comment.added",
        "assignee.changed",
        "status.changed",
        "priority.changed",
        "type.changed",
        "tags.changed",
        "fields.changed",
        "status.changed",
    ]
