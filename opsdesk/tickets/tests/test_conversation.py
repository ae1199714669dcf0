"""A long conversation on the ticket page: the opening and the latest messages with the ones between folded into
a count (not rendered until asked for), the poll reading only what is new, the history showing changes only, and
the page landing on what an action changed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from opsdesk.tickets import actions, conversation, history
from opsdesk.tickets.models import Ticket


def long_ticket(world: Any, messages: int) -> Ticket:
    """A ticket whose conversation alternates customer and agent, `messages` in all (the opening included)."""
    ticket = world.ticket(subject="Long one", body="Message 0")
    for n in range(1, messages):
        if n % 2:
            actions.reply_to_ticket(ticket, body=f"Message {n}", actor=world.agent)
        else:
            actions.add_customer_reply(ticket, body=f"Message {n}", customer=world.customer, actor=None)
        ticket.refresh_from_db()
    return ticket


def shown_bodies(html: str) -> list[str]:
    return re.findall(r"Message \d+", html)


def test_a_long_conversation_shows_the_opening_and_the_latest_and_unfolds_the_rest(client: Client, world: Any) -> None:
    ticket = long_ticket(world, 12)
    client.force_login(world.agent)
    page = client.get(ticket.get_absolute_url())
    html = page.content.decode()
    conversation_html = html[html.index('id="conversation"') : html.index('id="conversation-poll"')]
    assert shown_bodies(conversation_html) == ["Message 0", "Message 9", "Message 10", "Message 11"]
    assert "Show 8 earlier messages" in html
    folded = page.context["conversation"]
    unfold = client.get(
        f"/tickets/{ticket.pk}/conversation/?after={folded.fold_after}&before={folded.fold_before}",
        HTTP_HX_REQUEST="true",
    )
    assert unfold.status_code == 200
    assert shown_bodies(unfold.content.decode()) == [f"Message {n}" for n in range(1, 9)]
    assert 'id="conversation-poll"' not in unfold.content.decode()  # unfolding leaves the poll as it is


def test_a_short_conversation_is_shown_whole(client: Client, world: Any) -> None:
    ticket = long_ticket(world, conversation.FOLD_OVER)
    client.force_login(world.agent)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert shown_bodies(html[html.index('id="conversation"') :])[: conversation.FOLD_OVER] == [
        f"Message {n}" for n in range(conversation.FOLD_OVER)
    ]
    assert "earlier message" not in html


def test_the_poll_reads_only_new_messages_and_moves_on(client: Client, world: Any) -> None:
    ticket = long_ticket(world, 3)
    client.force_login(world.agent)
    last = ticket.messages.order_by("-created_at", "-id").first()
    assert last is not None
    quiet = client.get(f"/tickets/{ticket.pk}/conversation/?after={last.pk}", HTTP_HX_REQUEST="true")
    assert quiet.status_code == 204  # nothing new: htmx leaves the page alone
    new = actions.add_customer_reply(ticket, body="Message 3", customer=world.customer, actor=None)
    found = client.get(f"/tickets/{ticket.pk}/conversation/?after={last.pk}", HTTP_HX_REQUEST="true")
    body = found.content.decode()
    assert shown_bodies(body) == ["Message 3"]
    assert f'hx-swap-oob="true" hx-get="/tickets/{ticket.pk}/conversation/?after={new.pk}"' in body


@pytest.mark.parametrize("query", ["after=abc", "after=", "after=1&before=%C2%B2", ""])
def test_bad_places_in_the_conversation_are_a_400(client: Client, world: Any, query: str) -> None:
    ticket = long_ticket(world, 2)
    client.force_login(world.agent)
    client.raise_request_exception = False
    assert client.get(f"/tickets/{ticket.pk}/conversation/?{query}").status_code == 400


def test_another_tickets_messages_are_never_listed(client: Client, world: Any) -> None:
    ticket = long_ticket(world, 8)
    other = long_ticket(world, 8)
    client.force_login(world.agent)
    first, last = other.messages.order_by("created_at").first(), other.messages.order_by("created_at").last()
    assert first is not None and last is not None
    response = client.get(f"/tickets/{ticket.pk}/conversation/?after={first.pk}&before={last.pk}")
    assert shown_bodies(response.content.decode()) == []
    assert client.get(f"/tickets/{ticket.pk}/conversation/?after={first.pk}").status_code == 204


def test_the_ticket_page_reads_as_many_queries_for_200_messages_as_for_7(
    client: Client, world: Any, django_assert_max_num_queries: Any
) -> None:
    short, long = long_ticket(world, 7), long_ticket(world, 200)
    client.force_login(world.agent)
    client.get(short.get_absolute_url())
    with django_assert_max_num_queries(60) as few:
        client.get(short.get_absolute_url())
    counted = len(few.captured_queries)
    with django_assert_max_num_queries(counted):
        page = client.get(long.get_absolute_url())
    assert len(page.context["conversation"].shown) == 4  # the opening and the latest three, 196 folded


def test_the_history_shows_changes_not_messages(client: Client, world: Any) -> None:
    ticket = long_ticket(world, 3)
    client.force_login(world.agent)
    page = client.get(ticket.get_absolute_url())
    kinds = [event.kind for event in page.context["history"]]
    assert "comment.added" not in kinds and "ticket.created" in kinds
    assert any(event.kind == "comment.added" for event in page.context["events"])  # the SLA panel still has them


def test_the_history_shows_the_latest_changes_and_unfolds_the_earlier_ones(client: Client, world: Any) -> None:
    ticket = long_ticket(world, 3)
    for n in range(history.SHOWN + 5):  # every change of priority is one more change in the history
        actions.set_priority(ticket, priority=("high" if n % 2 else "low"), actor=world.agent)
    changes = list(ticket.events.exclude(kind="comment.added").order_by("at", "id"))
    client.force_login(world.agent)
    page = client.get(ticket.get_absolute_url())
    html = page.content.decode()
    assert [e.pk for e in page.context["history"]] == [e.pk for e in changes[-history.SHOWN :]]
    earlier = len(changes) - history.SHOWN
    assert page.context["history_earlier"] == earlier
    first = changes[-history.SHOWN].pk
    assert f"/tickets/{ticket.pk}/history/?before={first}" in html
    assert f"Show {earlier} earlier changes" in html
    assert f'id="event-{changes[0].pk}"' not in html  # not rendered until asked for
    assert len(page.context["events"]) == ticket.events.count()  # the SLA panel still replays every event
    unfold = client.get(f"/tickets/{ticket.pk}/history/?before={first}", HTTP_HX_REQUEST="true")
    assert unfold.status_code == 200
    assert re.findall(r'id="event-(\d+)"', unfold.content.decode()) == [str(e.pk) for e in changes[:earlier]]
    assert "Ticket created" in unfold.content.decode()


def test_the_history_refuses_a_bad_place_and_shows_nothing_of_another_ticket(client: Client, world: Any) -> None:
    ticket, other = long_ticket(world, 2), world.ticket(subject="Other")
    client.force_login(world.agent)
    assert client.get(f"/tickets/{ticket.pk}/history/?before=abc").status_code == 400
    assert client.get(f"/tickets/{ticket.pk}/history/").status_code == 400
    elsewhere = other.events.order_by("-id").first()
    assert elsewhere is not None
    empty = client.get(f"/tickets/{ticket.pk}/history/?before={elsewhere.pk}")
    assert empty.status_code == 200 and "event-" not in empty.content.decode()


def test_after_a_reply_or_an_update_the_page_lands_on_what_changed(client: Client, world: Any) -> None:
    ticket = long_ticket(world, 2)
    client.force_login(world.agent)
    replied = client.post(f"/tickets/{ticket.pk}/reply/", {"body": "On its way."})
    sent = ticket.messages.order_by("-id").first()
    assert sent is not None
    assert replied["Location"] == f"{ticket.get_absolute_url()}#message-{sent.pk}"
    updated = client.post(f"/tickets/{ticket.pk}/priority/", {"priority": "high"})
    assert updated["Location"] == f"{ticket.get_absolute_url()}#properties"


def test_split_is_in_a_messages_menu_and_never_for_the_opening(client: Client, world: Any) -> None:
    ticket = long_ticket(world, 3)
    client.force_login(world.agent)
    html = client.get(ticket.get_absolute_url()).content.decode()
    menus = re.findall(r'<li class="message [^"]*" id="message-(\d+)">.*?</li>', html, flags=re.S)
    assert len(menus) == 3
    opening, customer = ticket.messages.order_by("created_at")[0], ticket.messages.order_by("created_at")[2]
    assert f"/tickets/{ticket.pk}/split/{customer.pk}/" in html
    assert f"/tickets/{ticket.pk}/split/{opening.pk}/" not in html
    assert html.count('class="message-menu"') == 1


def test_another_teams_ticket_says_it_is_hidden_without_showing_it(client: Client, world: Any) -> None:
    billing = world.ticket(subject="Refund for Dora", team=world.billing, requester=world.other_customer)
    client.force_login(world.agent)  # in Support only
    response = client.get(billing.get_absolute_url())
    assert response.status_code == 403
    body = response.content.decode()
    assert "This ticket is in a team you are not in" in body and "Refund for Dora" not in body
    assert client.get("/tickets/999999/").status_code == 404  # no such ticket: still not found
    world.ticket(subject="Printer again", requester=world.other_customer)  # in Support: listed
    page = client.get(f"/customers/{world.other_customer.pk}/")
    text = page.content.decode()
    assert "Printer again" in text and "Refund for Dora" not in text
    assert "1 more ticket of this customer is in a team you are not in, so it is not listed." in text
    client.force_login(world.manager)  # sees every ticket: nothing is hidden
    assert "not listed" not in client.get(f"/customers/{world.other_customer.pk}/").content.decode()


def test_newest_first_puts_the_reply_box_and_the_latest_message_on_top(client: Client, world: Any) -> None:
    ticket = long_ticket(world, 12)
    client.force_login(world.agent)
    client.post(
        "/accounts/preferences/",
        {"language": "en", "time_zone": world.agent.time_zone, "newest_first": "on"},
    )
    world.agent.refresh_from_db()
    assert world.agent.newest_first is True
    page = client.get(ticket.get_absolute_url())
    html = page.content.decode()
    assert html.index('id="composer"') < html.index('id="conversation"')
    conversation_html = html[html.index('id="conversation"') : html.index('id="conversation-poll"')]
    assert shown_bodies(conversation_html) == ["Message 11", "Message 10", "Message 9", "Message 0"]
    assert "Show 8 older messages" in conversation_html
    assert 'hx-swap="afterbegin"' in html[html.index('id="conversation-poll"') :]
    folded = page.context["conversation"]
    unfold = client.get(f"/tickets/{ticket.pk}/conversation/?after={folded.fold_after}&before={folded.fold_before}")
    assert shown_bodies(unfold.content.decode()) == [f"Message {n}" for n in range(8, 0, -1)]
    actions.add_customer_reply(ticket, body="Message 12", customer=world.customer, actor=None)
    actions.reply_to_ticket(ticket, body="Message 13", actor=world.agent)
    polled = client.get(f"/tickets/{ticket.pk}/conversation/?after={folded.latest[-1].pk}").content.decode()
    assert shown_bodies(polled) == ["Message 13", "Message 12"]  # put on top, newest first
    newest = ticket.messages.latest("created_at", "id")
    assert f"?after={newest.pk}" in polled and 'hx-swap="afterbegin"' in polled


def test_oldest_first_is_the_default_and_customers_are_not_offered_the_choice(client: Client, world: Any) -> None:
    assert world.agent.newest_first is False
    client.force_login(world.agent)
    assert 'name="newest_first"' in client.get("/accounts/preferences/").content.decode()
    client.force_login(world.customer.user)
    assert 'name="newest_first"' not in client.get("/accounts/preferences/").content.decode()
