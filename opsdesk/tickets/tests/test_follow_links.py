"""Follow links (actions/follow.py, views/follow.py, ADR 0029): a contact-form sender without a portal login reads
and answers their one request from the link in its acknowledgement, without signing in."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from opsdesk.core import outbox
from opsdesk.core.models import OutgoingMail
from opsdesk.tickets import actions
from opsdesk.tickets.actions.follow import FollowLinkError, follow_link_for
from opsdesk.tickets.models import FollowLink, Message, Ticket, TicketEvent

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CONTACT = {"name": "Vera Visitor", "email": "vera@visitor.example", "subject": "Invoice copy", "body": "Send a copy?"}


def contact(client: Client, **fields: str) -> tuple[Ticket, str]:
    """Send the contact form; the ticket it opened and the raw token of its acknowledgement's link."""
    assert client.post(reverse("contact"), {**CONTACT, **fields})["Location"] == reverse("contact_thanks")
    ticket = Ticket.objects.get(subject=fields.get("subject", CONTACT["subject"]))
    ack = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.ticket_received")
    return ticket, outbox.mail_secret(ack)


def follow_url(token: str) -> str:
    return reverse("follow_request", args=[token])


def test_the_acknowledgement_carries_a_follow_link_whose_hash_alone_is_stored(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        ticket, token = contact(client)
    ack = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.ticket_received")
    placeholder_link = f"http://testserver/follow/{outbox.SECRET_PLACEHOLDER}/"
    assert ack.has_secret is True
    assert placeholder_link in ack.body_text and f'href="{placeholder_link}"' in ack.body_html
    assert "/portal/" not in ack.body_text  # no portal to sign in to
    link = FollowLink.objects.get()
    assert (link.ticket, link.customer, link.revoked_at) == (ticket, ticket.requester, None)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.expires_at == NOW + timedelta(days=90)
    assert token not in ack.body_text + ack.body_html  # the queued row never holds it...
    (sent,) = mail.outbox
    assert f"http://testserver/follow/{token}/" in sent.body  # ...the sent mail does
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)


def test_a_requester_with_a_portal_login_gets_the_portal_link_and_no_follow_link(client: Client, world: Any) -> None:
    ticket = world.ticket()  # Carl has a portal login
    ack = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.ticket_received")
    assert (ack.has_secret, FollowLink.objects.count()) == (False, 0)
    assert f"http://127.0.0.1:8000/portal/tickets/{ticket.pk}/" in ack.body_text


def test_an_agent_reply_to_a_requester_without_a_login_carries_a_follow_link(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket, _ = contact(client)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply_to_ticket(ticket, body="Here is the copy.", actor=world.agent)
    reply = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.agent_reply")
    assert reply.has_secret is True and reply.recipients == ["vera@visitor.example"]
    assert f"http://127.0.0.1:8000/follow/{outbox.SECRET_PLACEHOLDER}/" in reply.body_text  # the served address
    assert "/portal/" not in reply.body_text + reply.body_html
    (sent,) = mail.outbox
    token = re.search(r"/follow/([A-Za-z0-9_-]{43})/", str(sent.body))
    assert token is not None
    assert FollowLink.objects.filter(ticket=ticket).count() == 2  # the acknowledgement's and the reply's
    page = client.get(follow_url(token[1]))
    assert page.status_code == 200 and "Here is the copy." in page.content.decode()


def test_people_copied_on_a_reply_never_get_the_requesters_follow_link(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket, _ = contact(client)
    ticket.cc.add(world.customer)  # Carl, copied
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply_to_ticket(ticket, body="Copied too.", actor=world.agent)
    own, copied = OutgoingMail.objects.filter(ticket_id=ticket.pk, kind="tickets.agent_reply").order_by("pk")
    assert (own.recipients, own.has_secret) == (["vera@visitor.example"], True)
    assert (copied.recipients, copied.has_secret) == ([world.customer.primary_email], False)
    assert "/follow/" not in copied.body_text + copied.body_html
    assert f"/portal/tickets/{ticket.pk}/" in copied.body_text
    assert len(mail.outbox) == 2 and all("Copied too." in sent.body for sent in mail.outbox)


def test_an_agent_reply_to_a_requester_with_a_login_links_to_the_portal(client: Client, world: Any) -> None:
    ticket = world.ticket()  # Carl has a portal login
    actions.reply_to_ticket(ticket, body="Portal it is.", actor=world.agent)
    reply = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.agent_reply")
    assert (reply.has_secret, FollowLink.objects.count()) == (False, 0)
    assert f"/portal/tickets/{ticket.pk}/" in reply.body_text


def test_a_token_opens_its_own_ticket_until_it_expires(client: Client, world: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        first, first_token = contact(client)
        second, second_token = contact(client, subject="Another question")
        assert follow_link_for(first_token).ticket == first
        assert follow_link_for(second_token).ticket == second  # the same sender: each link opens its own request
        assert follow_link_for(first_token).customer == first.requester
    with time_machine.travel(NOW + timedelta(days=90, seconds=-1), tick=False):
        assert follow_link_for(first_token).ticket == first
    with time_machine.travel(NOW + timedelta(days=90), tick=False), pytest.raises(FollowLinkError) as expired:
        follow_link_for(first_token)
    assert expired.value.reason == "expired"


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t[:-1],  # cut short
        lambda t: t + "x",
        lambda t: "x" * 200,
        lambda t: "",
    ],
)
def test_an_altered_or_forged_token_opens_nothing(client: Client, world: Any, alter: Any) -> None:
    _ticket, token = contact(client)
    with pytest.raises(FollowLinkError) as error:
        follow_link_for(alter(token))
    assert error.value.reason == "invalid"


def test_merging_the_ticket_revokes_its_links(client: Client, world: Any) -> None:
    source, token = contact(client)
    target, _other = contact(client, subject="Invoice copy again")
    actions.merge_tickets(source, target=target, actor=world.admin)
    assert FollowLink.objects.get(ticket=source).revoked_at is not None
    assert FollowLink.objects.get(ticket=target).revoked_at is None
    with pytest.raises(FollowLinkError) as error:
        follow_link_for(token)
    assert error.value.reason == "revoked"
    page = client.get(follow_url(token))
    assert page.status_code == 410
    assert "This link no longer works" in page.content.decode() and "Invoice copy" not in page.content.decode()


def test_deleting_the_ticket_deletes_its_links(client: Client, world: Any) -> None:
    ticket, token = contact(client)
    ticket.delete()
    assert FollowLink.objects.count() == 0
    assert client.get(follow_url(token)).status_code == 404


def test_the_page_shows_the_public_conversation_and_never_internal_notes(
    client: Client, world: Any, django_assert_num_queries: Any
) -> None:
    ticket, token = contact(client)
    ticket.team = world.support
    ticket.save(update_fields=["team"])
    actions.reply_to_ticket(ticket, body="Here is your copy.", actor=world.agent)
    actions.add_note(ticket, body="Customer owes us 500 EUR, secret.", actor=world.agent)
    response = client.get(follow_url(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"#{ticket.pk} Invoice copy" in page
    assert "Send a copy?" in page and "Here is your copy." in page
    assert "secret" not in page and "500 EUR" not in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert 'name="body"' in page  # the reply form
    assert reverse("accounts:sign_in") not in page  # no portal login to point to, and no sign-up to offer


def test_a_forged_token_gets_a_clear_page_without_any_request(client: Client, world: Any) -> None:
    contact(client)
    response = client.get(follow_url("forged-token-that-is-not-valid"))
    page = response.content.decode()
    assert response.status_code == 404
    assert "This link is not valid" in page
    assert "Invoice copy" not in page and "Send a copy?" not in page


def test_the_expired_page_says_so(client: Client, world: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        _ticket, token = contact(client)
    with time_machine.travel(NOW + timedelta(days=91), tick=False):
        response = client.get(follow_url(token))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Invoice copy" not in response.content.decode()


def test_a_reply_through_the_link_is_a_customer_message_once_per_submission(client: Client, world: Any) -> None:
    ticket, token = contact(client)
    data = {"body": "Thanks, and the March invoice too?", "submission": "one-time-token-1"}
    first = client.post(follow_url(token), data)
    again = client.post(follow_url(token), data)  # a double click, or the form sent again
    assert first["Location"] == again["Location"] == follow_url(token)
    replies = list(ticket.messages.filter(author_role=Message.AuthorRole.END_USER).order_by("id"))
    assert [m.body_html for m in replies] == ["<p>Send a copy?</p>", "<p>Thanks, and the March invoice too?</p>"]
    reply = replies[1]
    assert (reply.author_customer, reply.author_user, reply.visibility) == (
        ticket.requester,
        None,
        Message.Visibility.PUBLIC,
    )
    event = TicketEvent.objects.filter(ticket=ticket, kind="comment.added").order_by("id").last()
    assert event is not None
    assert (event.source, event.actor_role, event.data) == (
        "portal",
        "end_user",
        {
            "comment": reply.pk,
            "author": None,
            "author_role": "end_user",
            "visibility": "public",
            "is_automated": False,
            "channel": "web",
            "via": "follow_link",
        },
    )
    page = client.get(follow_url(token)).content.decode()
    assert "Your reply was sent." in page and "the March invoice too?" in page


def test_a_reply_to_a_closed_request_opens_a_followup_with_its_own_link(client: Client, world: Any) -> None:
    ticket, token = contact(client)
    actions.change_status(ticket, status=ticket.status.__class__.objects.get(name="Closed"), actor=world.admin)
    client.post(follow_url(token), {"body": "It is back.", "submission": "one-time-token-2"})
    followup = Ticket.objects.get(followup_of=ticket)
    assert followup.messages.get().body_html == "<p>It is back.</p>"
    assert FollowLink.objects.filter(ticket=followup).count() == 1
    assert f"#{followup.pk}" in client.get(follow_url(token)).content.decode()


def test_an_empty_reply_is_refused_on_the_page(client: Client, world: Any) -> None:
    ticket, token = contact(client)
    response = client.post(follow_url(token), {"body": "", "submission": "one-time-token-3"})
    assert response.status_code == 400
    assert ticket.messages.count() == 1


def test_visits_and_replies_are_rate_limited_per_address(client: Client, world: Any, settings: Any) -> None:
    _ticket, token = contact(client)
    settings.OPSDESK_FOLLOW_RATE_LIMIT = 2
    codes = [client.get(follow_url(token)).status_code for _ in range(2)]
    refused = client.get(follow_url("any"))
    posted = client.post(follow_url(token), {"body": "Hi", "submission": "one-time-token-4"})
    assert codes + [refused.status_code, posted.status_code] == [200, 200, 429, 429]
    assert "Too many attempts" in refused.content.decode() and refused["Retry-After"]


def test_the_thank_you_page_mentions_the_link(client: Client, world: Any) -> None:
    page = client.get(reverse("contact_thanks")).content.decode()
    assert "It has a link where you can read your request and reply to it, without an account." in page


def test_the_page_speaks_the_requesters_language_unless_the_browser_chose_one(client: Client, world: Any) -> None:
    response = client.post(reverse("contact") + "?lang=sv", CONTACT)
    assert response["Location"] == reverse("contact_thanks")
    ticket = Ticket.objects.get(subject="Invoice copy")
    assert ticket.requester.language == "sv"
    token = outbox.mail_secret(OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.ticket_received"))
    fresh = Client()  # the link opened in another browser: the requester's language
    page = fresh.get(follow_url(token)).content.decode()
    assert '<html lang="sv">' in page and "Ditt svar" in page and ">Ny<" in page
    fresh.cookies["django_language"] = "fi"
    assert '<html lang="fi">' in fresh.get(follow_url(token)).content.decode()
