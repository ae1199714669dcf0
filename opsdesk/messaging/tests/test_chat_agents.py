"""The agents' side of live chat: taking a chat (once, within the per-agent limit, also under concurrency),
answering it (a ticket reply, mailed only when the visitor has left), ending it, the pages and the settings."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.core.models import OutgoingMail
from opsdesk.messaging.actions import chat as chat_actions
from opsdesk.messaging.chat import streams
from opsdesk.messaging.models import ChatSession, ChatWidget
from opsdesk.messaging.models.chat import ChatWait
from opsdesk.messaging.tests.chat_helpers import make_widget, online
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import Message


def started(world: Any, widget: ChatWidget, email: str = "vera@visitor.example") -> ChatSession:
    result = chat_actions.start_chat(widget, name="Vera", email=email, language="en", message="Hello")
    assert result.session is not None
    return result.session


@pytest.mark.django_db
def test_accepting_assigns_the_ticket_and_records_the_wait(world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    session = started(world, widget)
    session = chat_actions.accept_chat(session, actor=world.agent)
    assert (session.state, session.agent) == ("active", world.agent)
    session.ticket.refresh_from_db()
    assert session.ticket.assignee == world.agent
    event = session.ticket.events.get(kind="chat.accepted")
    assert event.data == {"session": session.pk, "agent": world.agent.pk, "wait_seconds": 0}
    assert (event.source, event.actor) == ("chat", world.agent)
    assert chat_actions.accept_chat(session, actor=world.agent).state == "active"  # a double click
    with pytest.raises(ActionError) as refused:
        chat_actions.accept_chat(session, actor=world.lead)
    assert refused.value.code == "chat_taken"


@pytest.mark.django_db
def test_an_agent_cannot_hold_more_chats_than_the_limit(world: Any) -> None:
    widget = make_widget(world, agent_limit=2)
    online(world.agent, world.lead)
    first, second = started(world, widget, "a@v.example"), started(world, widget, "b@v.example")
    third = started(world, widget, "c@v.example")  # the lead is still free
    chat_actions.accept_chat(first, actor=world.agent)
    chat_actions.accept_chat(second, actor=world.agent)
    with pytest.raises(ActionError) as refused:
        chat_actions.accept_chat(third, actor=world.agent)
    assert (refused.value.code, refused.value.message) == (
        "chat_limit",
        "You already have 2 chats open; end one first.",
    )
    third.refresh_from_db()
    assert (third.state, third.agent) == ("waiting", None)
    chat_actions.end_chat(first, ended_by="agent", actor=world.agent)
    assert chat_actions.accept_chat(third, actor=world.agent).state == "active"


@pytest.mark.django_db
def test_an_agent_of_another_team_or_a_light_agent_cannot_take_the_chat(world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    session = started(world, widget)
    with pytest.raises(ActionError) as other_team:
        chat_actions.accept_chat(session, actor=world.other_agent)
    assert other_team.value.code == "forbidden"
    with pytest.raises(ActionError) as light:
        chat_actions.accept_chat(session, actor=world.light_agent)
    assert light.value.code == "forbidden"
    session.refresh_from_db()
    assert session.state == "waiting"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agents_accepting_at_once_one_gets_the_chat(world: Any) -> None:
    """Threads with their own connections (PostgreSQL row locks; SQLite's IMMEDIATE transactions)."""
    widget = make_widget(world)
    online(world.agent, world.lead)
    session = started(world, widget)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def take(name: str, user: Any) -> None:
        try:
            barrier.wait()
            chat_actions.accept_chat(session, actor=user)
            outcomes[name] = "taken"
        except ActionError as error:
            outcomes[name] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(n, u)) for n, u in (("agent", world.agent), ("lead", world.lead))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    close_old_connections()
    assert sorted(outcomes.values()) == ["chat_taken", "taken"]
    session.refresh_from_db()
    winner = "agent" if outcomes["agent"] == "taken" else "lead"
    assert session.agent == getattr(world, winner)
    assert session.ticket.events.filter(kind="chat.accepted").count() == 1
    assert session.ticket.events.filter(kind="assignee.changed").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_agent_in_two_tabs_cannot_pass_the_limit(world: Any) -> None:
    widget = make_widget(world, agent_limit=1)
    online(world.agent, world.lead)
    sessions = [started(world, widget, "a@v.example"), started(world, widget, "b@v.example")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take(session: ChatSession) -> None:
        try:
            barrier.wait()
            chat_actions.accept_chat(session, actor=world.agent)
            outcomes.append("taken")
        except ActionError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    close_old_connections()
    assert sorted(outcomes) == ["chat_limit", "taken"]
    assert ChatSession.objects.filter(agent=world.agent, state="active").count() == 1


@pytest.mark.django_db
def test_agent_messages_are_ticket_replies_not_mailed_while_the_visitor_is_there(world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    session = chat_actions.accept_chat(started(world, widget), actor=world.agent)
    chat_actions.visitor_connected(session.pk)  # the widget's stream is open
    message = chat_actions.send_agent_message(session, body="Hello Vera!", actor=world.agent)
    assert (message.author_user, message.author_role, message.via, message.channel) == (
        world.agent,
        "agent",
        "chat",
        "chat",
    )
    assert message.is_public
    assert not OutgoingMail.objects.filter(kind="tickets.agent_reply").exists()
    chat_actions.visitor_disconnected(session.pk)  # the visitor closed the page
    later = chat_actions.send_agent_message(session, body="Are you still there?", actor=world.agent)
    mail = OutgoingMail.objects.get(kind="tickets.agent_reply")
    assert mail.recipients == ["vera@visitor.example"]
    assert "Are you still there?" in mail.body_text
    assert later.pk != message.pk


@pytest.mark.django_db
def test_the_agent_is_not_mailed_about_visitor_messages_while_the_chat_is_theirs(world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    session = chat_actions.accept_chat(started(world, widget), actor=world.agent)
    chat_actions.send_visitor_message(session, body="Are you there?")
    assert not OutgoingMail.objects.filter(kind="tickets.customer_reply").exists()  # they read it live
    chat_actions.end_chat(session, ended_by="agent", actor=world.agent)
    session.refresh_from_db()
    # Ended: the visitor cannot write in it any more, but a reply on the ticket (by email) still tells the agent.
    ticket_actions.add_customer_reply(
        session.ticket, body="One more thing", customer=session.ticket.requester, actor=None, channel="email"
    )
    mail = OutgoingMail.objects.get(kind="tickets.customer_reply")
    assert mail.recipients == [world.agent.email]


@pytest.mark.django_db
def test_a_visitor_message_in_a_waiting_chat_still_mails_an_assignee(world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    session = started(world, widget)
    ticket_actions.assign_ticket(session.ticket, assignee=world.lead, actor=world.lead)  # assigned, not in the chat
    session.refresh_from_db()
    chat_actions.send_visitor_message(session, body="Anyone?")
    mail = OutgoingMail.objects.get(kind="tickets.customer_reply")
    assert mail.recipients == [world.lead.email]


@pytest.mark.django_db
def test_a_visitor_whose_stream_went_silent_counts_as_gone(world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    session = started(world, widget)
    chat_actions.visitor_connected(session.pk)
    session.refresh_from_db()
    assert session.visitor_present(timezone.now())
    assert not session.visitor_present(timezone.now() + timedelta(minutes=6))


@pytest.mark.django_db
def test_only_the_chats_agent_answers_and_ends_it(world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    session = started(world, widget)
    with pytest.raises(ActionError) as not_taken:
        chat_actions.send_agent_message(session, body="Hi", actor=world.agent)
    assert not_taken.value.code == "not_your_chat"
    chat_actions.accept_chat(session, actor=world.agent)
    with pytest.raises(ActionError) as other:
        chat_actions.send_agent_message(session, body="Hi", actor=world.lead)
    assert other.value.code == "not_your_chat"
    with pytest.raises(ActionError):
        chat_actions.end_chat(session, ended_by="agent", actor=world.lead)
    session = chat_actions.end_chat(session, ended_by="agent", actor=world.agent)
    assert (session.state, session.ended_by) == ("ended", "agent")
    assert Message.objects.filter(ticket=session.ticket).count() == 1


@pytest.mark.django_db
def test_the_chats_page_lists_waiting_and_own_chats(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    waiting = started(world, widget, "w@v.example")
    mine = chat_actions.accept_chat(started(world, widget, "m@v.example"), actor=world.agent)
    client.force_login(world.agent)
    page = client.get("/chats/")
    assert page.status_code == 200
    assert [row.chat.pk for row in page.context["waiting"]] == [waiting.pk]
    assert [c.pk for c in page.context["mine"]] == [mine.pk]
    assert "1 chat waiting" in page.content.decode()
    assert client.get("/chats/waiting/").json() == {"waiting": 1}
    client.force_login(world.other_agent)  # another team sees none of them
    assert client.get("/chats/waiting/").json() == {"waiting": 0}
    assert client.get(f"/chats/{waiting.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_chats_page_marks_unanswered_chats_with_their_wait_and_puts_them_first(
    client: Client, world: Any, settings: Any
) -> None:
    settings.OPSDESK_CHAT_UNANSWERED_AFTER = 120
    widget = make_widget(world)
    start = timezone.now().replace(microsecond=0)
    chats = []
    for offset, email in ((0, "a@v.example"), (50, "b@v.example"), (170, "c@v.example")):
        with time_machine.travel(start + timedelta(seconds=offset), tick=False):
            online(world.agent)  # someone is there, so each chat waits for an agent
            chats.append(started(world, widget, email))
    oldest, older, fresh = chats
    taken = chat_actions.accept_chat(oldest, actor=world.agent)  # answered: never "waiting", however old
    ChatSession.objects.filter(pk=taken.pk).update(started_at=start - timedelta(minutes=30))
    client.force_login(world.agent)
    with time_machine.travel(start + timedelta(seconds=200), tick=False):
        page = client.get("/chats/queue/")
        # the rule the page shows is the one the visitor's notice uses
        assert streams._state_event(older)["unanswered"] is True
        assert streams._state_event(fresh) == {
            "type": "state",
            "state": "waiting",
            "agent": "",
            "unanswered": False,
            "unanswered_in": 90,
        }
        assert streams._state_event(taken) == {"type": "state", "state": "active", "agent": world.agent.name}
    waiting = page.context["waiting"]
    assert [(row.chat.pk, row.wait) for row in waiting] == [
        (older.pk, ChatWait(seconds=150, unanswered=True, unanswered_in=0)),
        (fresh.pk, ChatWait(seconds=30, unanswered=False, unanswered_in=90)),
    ]
    assert (page.context["unanswered"], page.context["refresh_in"]) == (1, 30)  # the minute ticks at 180 s
    html = page.content.decode()
    rows = html.split('<li class="chat-row ')
    assert f'waiting unanswered" data-chat="{older.pk}" data-unanswered="1"' in rows[1]
    assert '<span class="sr-only">Nobody has answered yet: </span>Waiting 2 min</span>' in rows[1]
    assert f'waiting" data-chat="{fresh.pk}" data-unanswered="0"' in rows[2]
    assert "Waiting" not in rows[2] and "started just now" in rows[2]
    assert 'data-refresh-in="30"' in html
    client.force_login(world.lead)  # another agent of the team: the same marks, in Greek
    world.lead.language = "el"
    world.lead.save(update_fields=["language"])
    with time_machine.travel(start + timedelta(seconds=290), tick=False):
        greek = client.get("/chats/queue/").content.decode()
    assert "Αναμονή 4 λεπ." in greek and "Αναμονή 2 λεπ." in greek  # the newest chat is unanswered too by now


@pytest.mark.parametrize("rows", [1, 10])
@pytest.mark.django_db
def test_the_chat_queue_costs_the_same_queries_for_1_and_10_chats(
    client: Client, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    widget = make_widget(world, agent_limit=20)
    online(world.agent)
    for i in range(rows):
        started(world, widget, f"v{i}@v.example")
    client.force_login(world.agent)
    client.get("/chats/queue/")
    with django_assert_num_queries(4):
        response = client.get("/chats/queue/")
    assert len(response.context["waiting"]) == rows


@pytest.mark.django_db
def test_accepting_and_answering_from_the_pages(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    session = started(world, widget)
    client.force_login(world.agent)
    assert client.post(f"/chats/{session.pk}/accept/").status_code == 302
    sent = client.post(f"/chats/{session.pk}/send/", {"body": "Hi!"}, headers={"Accept": "application/json"})
    assert sent.status_code == 201
    assert Message.objects.get(pk=sent.json()["id"]).body_text == "Hi!"
    empty = client.post(f"/chats/{session.pk}/send/", {"body": " "}, headers={"Accept": "application/json"})
    assert (empty.status_code, empty.json()["code"]) == (422, "empty_body")
    assert client.post(f"/chats/{session.pk}/typing/").status_code == 204
    client.force_login(world.lead)
    taken = client.post(f"/chats/{session.pk}/accept/")
    assert taken.status_code == 302 and taken["Location"] == "/chats/"
    client.force_login(world.agent)
    assert client.post(f"/chats/{session.pk}/end/").status_code == 302
    session.refresh_from_db()
    assert session.state == "ended"


@pytest.mark.django_db
def test_widget_settings_are_for_channel_admins_and_audited(client: Client, world: Any) -> None:
    client.force_login(world.manager)
    assert client.get("/chats/widgets/").status_code == 403
    client.force_login(world.admin)
    bad = client.post(
        "/chats/widgets/new/",
        {
            "name": "Shop",
            "allowed_origins": "https://shop.example\nnot a site",
            "greeting": "Hi",
            "offline_message": "Away",
            "agent_limit": "3",
            "active": "on",
        },
    )
    assert bad.status_code == 400
    assert "not a site is not a website address" in bad.content.decode()
    assert ChatWidget.objects.count() == 0
    saved = client.post(
        "/chats/widgets/new/",
        {
            "name": "Shop",
            "team": world.support.pk,
            "allowed_origins": "https://Shop.example/\nhttp://localhost:8080",
            "greeting": "Hi",
            "greeting_el": "Γεια σας",
            "offline_message": "Away",
            "agent_limit": "2",
            "active": "on",
        },
    )
    assert saved.status_code == 302
    widget = ChatWidget.objects.get()
    assert widget.allowed_origins == ["https://shop.example", "http://localhost:8080"]
    assert (widget.greeting, widget.greeting_translations, widget.agent_limit) == ("Hi", {"el": "Γεια σας"}, 2)
    audit = AuditEvent.objects.get(verb="chat_widget.saved")
    assert audit.data["after"]["allowed_origins"] == ["https://shop.example", "http://localhost:8080"]
    listing = client.get("/chats/widgets/").content.decode()
    assert f'data-widget="{widget.key}" async&gt;&lt;/script&gt;' in listing
    assert "Paste this on your website, before &lt;/body&gt;:</label>" in listing  # text, not a tag the browser eats
    world.admin.language = "fi"
    world.admin.save(update_fields=["language"])
    finnish = client.get("/chats/widgets/").content.decode()
    assert "Liitä tämä verkkosivullesi ennen &lt;/body&gt;-tagia:</label>" in finnish
    assert widget.get_settings_url() == f"/chats/widgets/{widget.pk}/"
