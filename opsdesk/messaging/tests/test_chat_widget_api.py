"""The chat widget's public endpoints: CORS for the widget's websites only, the visitor's bearer token, rate limits,
hostile input neutralised, the offline fallback to an email ticket, and the transcript through the outbox."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opsdesk.core.models import OutgoingMail
from opsdesk.customers.models import Customer
from opsdesk.messaging.models import ChatSession
from opsdesk.messaging.tests.chat_helpers import ORIGIN, make_widget, online, post, start, url
from opsdesk.tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_a_preflight_from_an_allowed_website_gets_cors_headers(client: Client, world: Any) -> None:
    widget = make_widget(world)
    response = client.options(
        url("chat_send", widget),
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert response["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "Authorization, Content-Type, Last-Event-ID"
    assert response["Vary"].startswith("Origin")
    assert "Access-Control-Allow-Credentials" not in response


def test_another_website_is_refused_before_and_at_the_request(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    preflight = client.options(
        url("chat_start", widget), headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 403
    assert "Access-Control-Allow-Origin" not in preflight
    response = post(
        client,
        url("chat_start", widget),
        {"name": "E", "email": "e@evil.example", "language": "en", "message": "hi"},
        origin="https://evil.example",
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "origin_not_allowed",
        "message": "This website may not use this chat.",
        "field": None,
    }
    assert "Access-Control-Allow-Origin" not in response
    assert Ticket.objects.count() == 0


def test_an_unknown_or_inactive_widget_is_a_404(client: Client, world: Any) -> None:
    widget = make_widget(world, active=False)
    assert client.get(url("widget_config", widget), headers={"Origin": ORIGIN}).status_code == 404
    assert client.get("/chat/widget/nope/config/").json()["code"] == "not_found"


def test_the_config_is_in_the_visitors_language_and_says_whether_anyone_can_answer(client: Client, world: Any) -> None:
    widget = make_widget(world)
    offline = client.get(url("widget_config", widget) + "?lang=fi", headers={"Origin": ORIGIN}).json()
    assert offline["online"] is False
    assert offline["language"] == "fi"
    assert offline["greeting"] == "Hei! Miten voimme auttaa?"
    assert offline["offline"] == "Nobody is here now: leave a message."  # no Finnish text: the default's
    assert offline["texts"]["open"] == "Keskustele kanssamme"
    assert [lang["code"] for lang in offline["languages"]] == ["en", "fi", "sv", "ru", "el"]
    online(world.agent)
    assert client.get(url("widget_config", widget), headers={"Origin": ORIGIN}).json()["online"] is True


def test_starting_a_chat_opens_a_chat_ticket_through_the_intake(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    response = start(client, widget, language="sv")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "waiting"
    assert len(body["token"]) >= 40
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.team, ticket.language, ticket.subject) == (
        "chat",
        world.support,
        "sv",
        "Where is my order?",
    )
    assert ticket.requester.name == "Vera Visitor"
    assert ticket.requester.primary_email == "vera@visitor.example"
    session = ChatSession.objects.get()
    assert (session.ticket, session.state, session.language, session.widget) == (ticket, "waiting", "sv", widget)
    assert body["token"] not in session.token_hash  # only its hash is stored
    message = ticket.messages.get()
    assert (message.channel, message.via, message.body_text) == ("chat", "widget", "Where is my order?")
    events = list(ticket.events.order_by("pk").values_list("kind", "source"))
    assert events == [("ticket.created", "chat"), ("comment.added", "chat"), ("chat.started", "chat")]


def test_with_nobody_online_the_message_becomes_an_email_ticket(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.other_agent)  # online, but not in the widget's team
    response = start(client, widget, message="Please call me back")
    assert response.status_code == 202
    ticket = Ticket.objects.get()
    assert response.json() == {"state": "offline", "ticket": ticket.number}
    assert (ticket.channel, ticket.team) == ("email", world.support)
    assert ticket.messages.get().via == "chat_offline"
    assert ChatSession.objects.count() == 0
    mail = OutgoingMail.objects.get(ticket_id=ticket.pk)
    assert (mail.kind, mail.recipients) == ("tickets.ticket_received", ["vera@visitor.example"])


def test_an_agent_at_the_limit_does_not_count_as_available(client: Client, world: Any) -> None:
    widget = make_widget(world, agent_limit=1)
    online(world.agent)
    token = start(client, widget).json()["token"]
    from opsdesk.messaging.actions import chat as chat_actions

    chat_actions.accept_chat(ChatSession.objects.get(), actor=world.agent)
    assert token
    assert start(client, widget, email="second@visitor.example").status_code == 202


def test_bad_start_input_is_a_field_error_and_writes_nothing(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"name": ""}, "name", "empty_name"),
        ({"email": "not-an-address"}, "email", "invalid_email"),
        ({"language": "de"}, "language", "invalid_language"),
        ({"message": "   "}, "body", "empty_body"),
        ({"message": "x" * 4001}, "body", "body_too_long"),
        ({"name": ["a"]}, "name", "invalid_value"),
    ]
    for change, field, code in cases:
        response = start(client, widget, **change)
        assert response.status_code == 422, change
        assert (response.json()["field"], response.json()["code"]) == (field, code)
    broken = client.post(url("chat_start", widget), "{", content_type="application/json", headers={"Origin": ORIGIN})
    assert broken.status_code == 400
    assert broken.json()["code"] == "invalid_json"
    assert (Ticket.objects.count(), Customer.objects.filter(name="Vera Visitor").count()) == (0, 0)


def test_messages_need_the_visitors_token_of_this_widget(client: Client, world: Any) -> None:
    widget = make_widget(world)
    other = make_widget(world, name="Other")
    online(world.agent)
    token = start(client, widget).json()["token"]
    assert post(client, url("chat_send", widget), {"body": "hi"}).status_code == 401
    assert post(client, url("chat_send", widget), {"body": "hi"}, token="forged").status_code == 401
    assert post(client, url("chat_send", other), {"body": "hi"}, token=token).status_code == 401
    response = post(client, url("chat_send", widget), {"body": "Order 1234"}, token=token)
    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["id"])
    assert (message.channel, message.via, message.author_role, message.body_text) == (
        "chat",
        "widget",
        "end_user",
        "Order 1234",
    )
    assert Message.objects.count() == 2


def test_hostile_input_is_stored_as_text_and_shown_escaped(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    token = start(client, widget, name="<img src=x onerror=alert(1)>").json()["token"]
    hostile = '<script>alert("x")</script><b onclick="steal()">hi</b>'
    response = post(client, url("chat_send", widget), {"body": hostile}, token=token)
    message = Message.objects.get(pk=response.json()["id"])
    assert message.body_text == hostile
    assert "<script" not in message.body_html
    assert "&lt;script&gt;" in message.body_html
    session = ChatSession.objects.get()
    client.force_login(world.agent)
    page = client.get(f"/chats/{session.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_a_huge_message_is_refused(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    token = start(client, widget).json()["token"]
    too_long = post(client, url("chat_send", widget), {"body": "a" * 4001}, token=token)
    assert too_long.status_code == 422
    assert too_long.json()["code"] == "body_too_long"
    huge = post(client, url("chat_send", widget), {"body": "a" * 40_000}, token=token)
    assert huge.status_code == 413
    assert Message.objects.count() == 1


def test_a_flood_of_messages_is_rate_limited_per_chat(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    token = start(client, widget).json()["token"]
    codes = [post(client, url("chat_send", widget), {"body": f"m{i}"}, token=token).status_code for i in range(32)]
    assert codes == [201] * 30 + [429, 429]
    refused = post(client, url("chat_send", widget), {"body": "again"}, token=token)
    assert refused.json()["code"] == "rate_limited"
    assert refused["Access-Control-Allow-Origin"] == ORIGIN
    assert Message.objects.count() == 31


def test_starting_chats_is_rate_limited_per_address(client: Client, world: Any, settings: Any) -> None:
    settings.OPSDESK_CHAT_START_RATE_LIMIT = 2
    widget = make_widget(world)
    online(world.agent)
    codes = [start(client, widget, email=f"v{i}@visitor.example").status_code for i in range(3)]
    assert codes == [201, 201, 429]
    refused = start(client, widget, email="v9@visitor.example")
    assert refused.json()["code"] == "rate_limited"
    assert refused["Access-Control-Allow-Origin"] == ORIGIN
    assert int(refused["Retry-After"]) > 0
    assert Ticket.objects.count() == 2


def test_the_transcript_is_mailed_through_the_outbox_in_the_visitors_language(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    token = start(client, widget, language="fi").json()["token"]
    session = ChatSession.objects.get()
    from opsdesk.messaging.actions import chat as chat_actions

    chat_actions.accept_chat(session, actor=world.agent)
    chat_actions.send_agent_message(session, body="Your order ships today.", actor=world.agent)
    from opsdesk.tickets import actions as ticket_actions

    ticket_actions.add_note(  # internal notes never reach the transcript
        session.ticket, body="Secret internal note", actor=world.agent
    )
    response = post(client, url("chat_transcript", widget), token=token)
    assert response.status_code == 202
    mail = OutgoingMail.objects.get(kind="messaging.chat_transcript")
    assert (mail.recipients, mail.language, mail.ticket_id) == (["vera@visitor.example"], "fi", session.ticket_id)
    assert mail.subject == f"[#{session.ticket_id}] Keskustelusi: Where is my order?"
    assert "Where is my order?" in mail.body_text
    assert "Your order ships today." in mail.body_text
    assert "Secret internal note" not in mail.body_text
    event = session.ticket.events.get(kind="chat.transcript_sent")
    assert event.data == {"session": session.pk, "mail": mail.pk}
    codes = [post(client, url("chat_transcript", widget), token=token).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    assert OutgoingMail.objects.filter(kind="messaging.chat_transcript").count() == 3


def test_ending_the_chat_stops_messages(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    token = start(client, widget).json()["token"]
    ended = post(client, url("chat_end", widget), token=token)
    assert ended.json() == {"state": "ended"}
    session = ChatSession.objects.get()
    assert (session.state, session.ended_by) == ("ended", "visitor")
    assert session.ended_at is not None and session.ended_at <= timezone.now()
    assert post(client, url("chat_end", widget), token=token).status_code == 200  # twice: no change
    assert TicketEvent.objects.filter(kind="chat.ended").count() == 1
    refused = post(client, url("chat_send", widget), {"body": "hello?"}, token=token)
    assert (refused.status_code, refused.json()["code"]) == (409, "chat_ended")


def test_typing_is_accepted_and_rate_limited(client: Client, world: Any) -> None:
    widget = make_widget(world)
    online(world.agent)
    token = start(client, widget).json()["token"]
    codes = [post(client, url("chat_typing", widget), token=token).status_code for _ in range(61)]
    assert codes == [204] * 60 + [429]
