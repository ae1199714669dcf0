"""The event registry: one definition per kind for payloads, JSON, the timeline sentence and the published schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from opsdesk.tickets import events, timeline
from opsdesk.tickets.models import TicketEvent

ROOT = Path(__file__).resolve().parents[3]


def test_published_schema_is_generated_from_the_registry() -> None:
    assert (ROOT / "docs" / "events.md").read_text(encoding="utf-8") == events.schema_markdown() + "\n", (
        "Regenerate it: opsdesk event-schema --write docs/events.md"
    )


@pytest.mark.parametrize(
    ("kind", "payload", "error"),
    [
        ("ticket.reopened", {}, "Unknown ticket event kind 'ticket.reopened'"),
        ("priority.changed", {"old": "low"}, "priority.changed: missing payload field 'new'"),
        ("priority.changed", {"old": "low", "new": "high", "by": 1}, "priority.changed: unknown payload fields ['by']"),
        ("group.changed", {"old": None, "new": "3"}, "group.changed: 'new' must be integer, not '3'"),
        ("ticket.merged", {"source": 1, "target": None}, "ticket.merged: 'target' must be integer, not None"),
        ("tags.changed", {"old": [], "new": ["a", 1]}, "tags.changed: 'new' must be string[], not ['a', 1]"),
        (
            "status.changed",
            {"from_status": True, "to_status": 2, "from_category": "new", "to_category": "open"},
            "status.changed: 'from_status' must be integer, not True",
        ),
    ],
)
def test_a_payload_that_does_not_match_its_kind_is_refused(world: Any, kind: str, payload: Any, error: str) -> None:
    ticket = world.ticket()
    before = TicketEvent.objects.count()
    with pytest.raises(ValueError) as refused:
        timeline.record(ticket, kind, actor=None, data=payload)
    assert str(refused.value) == error
    assert TicketEvent.objects.count() == before


def test_the_seeders_templates_write_the_same_json_as_the_serialiser() -> None:
    comment = {
        "comment": 7,
        "author": None,
        "author_role": "end_user",
        "visibility": "public",
        "is_automated": False,
        "channel": "email",
        "via": "ui",
    }
    assert events.template("comment.added") % (7, "null", "end_user", "public", "false", "email", "ui") == (
        events.serialise(events.build("comment.added", comment))
    )
    status = {"from_status": 1, "to_status": 2, "from_category": "new", "to_category": "open"}
    assert events.template("status.changed") % (1, 2, "new", "open") == events.serialise(
        events.build("status.changed", status)
    )
    assert (
        json.loads(events.template("comment.added") % (7, 12, "agent", "public", "true", "chat", "api"))["author"] == 12
    )


def test_every_kind_renders_a_translated_sentence_in_every_language() -> None:
    names = {"user": {3: "Eleni"}, "team": {}, "status": {1: "Open"}, "customer": {4: "Anna"}}
    samples: dict[str, dict[str, Any]] = {
        "priority.changed": {"old": "low", "new": "high"},
        "assignee.changed": {"old": None, "new": 3},
        "requester.changed": {"old": 9, "new": 4},
    }
    for language in ("en", "fi", "sv", "ru", "el"):
        with translation.override(language):
            for kind in events.KINDS:
                data = samples.get(kind, {})
                sentence = events.render(kind, data, names)
                assert sentence and sentence != kind, (language, kind)
    with translation.override("el"):
        assert events.render("assignee.changed", {"old": None, "new": 3}, names) == "Υπεύθυνος: κανείς → Eleni"
    with translation.override("ru"):
        assert events.render("requester.changed", {"old": 9, "new": 4}, names) == "Автор запроса: #9 → Anna"
    assert events.render("sla.renamed_later", {}, names) == "sla.renamed_later"  # a kind from a newer version: its name
    with translation.override("fi"):
        fulfilled = {"metric": "first_reply", "elapsed": 4500, "target": 3600, "late": True, "reason": "public_reply"}
        assert events.render("sla.fulfilled", fulfilled, names) == (
            "Ensimmäinen vastaus: tehty, 15 min myöhässä (julkinen vastaus)"
        )
