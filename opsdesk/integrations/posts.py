"""Chat posts: one message for a Slack or Microsoft Teams channel, built as each service's incoming webhook wants it.

Pure functions, no ORM: a `Post` (title, text, link, facts, level) becomes Slack Block Kit (`slack_payload`) or a
Teams message carrying one Adaptive Card 1.4 (`teams_payload`). Slack treats &, < and > as control characters in
text objects, so they are escaped as HTML entities; Adaptive Cards take plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEVELS = ("info", "warning", "danger", "good")
SLACK_HEADER_MAX = 150  # plain_text in a header block
SLACK_TEXT_MAX = 3000  # a section's text
SLACK_FIELD_MAX = 2000  # each field's text
SLACK_FIELDS_MAX = 10
SLACK_BUTTON_MAX = 75
TEAMS_COLORS = {"info": "Default", "warning": "Warning", "danger": "Attention", "good": "Good"}
SLACK_MARKS = {"info": "", "warning": ":warning: ", "danger": ":rotating_light: ", "good": ":white_check_mark: "}


@dataclass(frozen=True)
class Post:
    """What a rule or a test sends to a chat channel; `url` is the ticket's (or incident's) page."""

    title: str
    text: str
    url: str
    facts: tuple[tuple[str, str], ...] = ()
    level: str = "info"

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"Unknown post level {self.level!r}")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_escape(text: str) -> str:
    """Slack's three control characters as HTML entities (and nothing else: Slack shows other entities as typed)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(post: Post, *, button: str = "Open") -> dict[str, Any]:
    """Block Kit: a header, a section with the text and the facts as fields, a button to the page, and a plain
    `text` that notifications and old clients show."""
    section: dict[str, Any] = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": _cut(SLACK_MARKS[post.level] + slack_escape(post.text), SLACK_TEXT_MAX)},
    }
    if post.facts:
        section["fields"] = [
            {"type": "mrkdwn", "text": _cut(f"*{slack_escape(name)}*\n{slack_escape(value)}", SLACK_FIELD_MAX)}
            for name, value in post.facts[:SLACK_FIELDS_MAX]
        ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(post.title, SLACK_HEADER_MAX), "emoji": True}},
        section,
    ]
    if post.url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": _cut(button, SLACK_BUTTON_MAX)},
                        "url": post.url,
                        "action_id": "open",
                    }
                ],
            }
        )
    return {"text": _cut(slack_escape(f"{post.title}: {post.text}"), SLACK_TEXT_MAX), "blocks": blocks}


def teams_payload(post: Post, *, button: str = "Open") -> dict[str, Any]:
    """A message with one Adaptive Card 1.4 attachment: title, text, facts and an Action.OpenUrl button, the shape
    both Teams incoming webhooks and Teams workflows (Power Automate) accept."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": post.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "style": "heading",
            "color": TEAMS_COLORS[post.level],
        },
        {"type": "TextBlock", "text": post.text, "wrap": True},
    ]
    if post.facts:
        body.append({"type": "FactSet", "facts": [{"title": name, "value": value} for name, value in post.facts]})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if post.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": button, "url": post.url}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }
