"""Shared set-up of the live chat tests: a widget for the support team, an agent online, a started chat."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opsdesk.messaging.actions import chat as chat_actions
from opsdesk.messaging.models import ChatAgent, ChatWidget

ORIGIN = "https://shop.example"


def make_widget(world: Any, **overrides: Any) -> ChatWidget:
    values: dict[str, Any] = {
        "name": "Shop",
        "team": world.support,
        "allowed_origins": [ORIGIN],
        "greeting": "Hi! How can we help?",
        "greeting_translations": {"fi": "Hei! Miten voimme auttaa?"},
        "offline_message": "Nobody is here now: leave a message.",
        "agent_limit": 3,
        "active": True,
    }
    values.update(overrides)
    return chat_actions.save_chat_widget(None, actor=world.admin, **values)


def online(*users: Any) -> None:
    for user in users:
        ChatAgent.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})


def url(name: str, widget: ChatWidget) -> str:
    return reverse(f"chat_widget:{name}", args=[widget.key])


def post(client: Client, path: str, data: Any = None, *, token: str = "", origin: str = ORIGIN) -> Any:
    headers: dict[str, str] = {}
    if origin:
        headers["Origin"] = origin
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(data if data is not None else {})
    return client.post(path, body, content_type="application/json", headers=headers)


def start(client: Client, widget: ChatWidget, **overrides: Any) -> Any:
    data = {"name": "Vera Visitor", "email": "vera@visitor.example", "language": "en", "message": "Where is my order?"}
    data.update(overrides)
    return post(client, url("chat_start", widget), data)
