"""Slack Block Kit and Teams Adaptive Card payloads."""

from __future__ import annotations

import pytest

from opsdesk.integrations.posts import Post, slack_payload, teams_payload

POST = Post(
    title="Ticket 42: <b>VIP</b> & co",
    text="First reply breached by 15 min <@U123>",
    url="https://desk.example/tickets/42/",
    facts=(("Priority", "urgent"), ("Team", "R&D <core>")),
    level="danger",
)


def test_slack_blocks_escape_control_characters() -> None:
    assert slack_payload(POST, button="Open ticket") == {
        "text": "Ticket 42: &lt;b&gt;VIP&lt;/b&gt; &amp; co: First reply breached by 15 min &lt;@U123&gt;",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Ticket 42: <b>VIP</b> & co", "emoji": True}},
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": ":rotating_light: First reply breached by 15 min &lt;@U123&gt;"},
                "fields": [
                    {"type": "mrkdwn", "text": "*Priority*\nurgent"},
                    {"type": "mrkdwn", "text": "*Team*\nR&amp;D &lt;core&gt;"},
                ],
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open ticket"},
                        "url": "https://desk.example/tickets/42/",
                        "action_id": "open",
                    }
                ],
            },
        ],
    }


def test_slack_limits_are_kept() -> None:
    long = Post(title="T" * 200, text="x" * 4000, url="", facts=tuple((f"n{i}", "v") for i in range(12)))
    payload = slack_payload(long)
    assert len(payload["blocks"][0]["text"]["text"]) == 150
    assert len(payload["blocks"][1]["text"]["text"]) == 3000
    assert len(payload["blocks"][1]["fields"]) == 10
    assert [b["type"] for b in payload["blocks"]] == ["header", "section"]  # no link, no button


def test_teams_adaptive_card() -> None:
    assert teams_payload(POST, button="Open ticket") == {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": "Ticket 42: <b>VIP</b> & co",
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                            "style": "heading",
                            "color": "Attention",
                        },
                        {"type": "TextBlock", "text": "First reply breached by 15 min <@U123>", "wrap": True},
                        {
                            "type": "FactSet",
                            "facts": [
                                {"title": "Priority", "value": "urgent"},
                                {"title": "Team", "value": "R&D <core>"},
                            ],
                        },
                    ],
                    "actions": [
                        {"type": "Action.OpenUrl", "title": "Open ticket", "url": "https://desk.example/tickets/42/"}
                    ],
                },
            }
        ],
    }


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError):
        Post(title="t", text="t", url="", level="loud")
