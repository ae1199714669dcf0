"""The audit log in words: who did what to which object, filtered by person, action and dates, and downloadable as
CSV; bad filters are a 400 naming the field."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from opsdesk.audit import words
from opsdesk.audit.actions import record
from opsdesk.audit.models import AuditEvent


@pytest.fixture
def logged(world: Any) -> dict[str, AuditEvent]:
    AuditEvent.objects.all().delete()  # what building the world recorded
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=UTC), tick=False):
        signed = record(actor=world.agent, verb="user.signed_in", target=world.agent, ip_address="192.0.2.7")
    with time_machine.travel(datetime(2027, 3, 5, 10, 0, tzinfo=UTC), tick=False):
        team = record(actor=world.admin, verb="team.updated", target=world.support)
    return {"signed": signed, "team": team}


def test_every_verb_the_code_writes_has_words() -> None:
    assert words.unknown_verbs() == []


def test_the_log_reads_in_words_and_filters(client: Client, world: Any, logged: dict[str, AuditEvent]) -> None:
    client.force_login(world.admin)
    page = client.get("/audit/")
    body = page.content.decode()
    assert "Signed in" in body and "Team updated" in body
    assert f"User #{world.agent.pk}" in body
    assert ">user.signed_in<" not in body  # the code only as a tooltip
    by_agent = client.get(f"/audit/?actor={world.agent.pk}")
    assert [e.verb for e, _action, _target in by_agent.context["events"]] == ["user.signed_in"]
    by_verb = client.get("/audit/?verb=team.updated")
    assert [e.verb for e, _action, _target in by_verb.context["events"]] == ["team.updated"]
    in_march_first_days = client.get("/audit/?start=2027-03-01&end=2027-03-02")
    assert [e.verb for e, _action, _target in in_march_first_days.context["events"]] == ["user.signed_in"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("actor=abc", "actor"),
        ("verb=made.up", "verb"),
        ("start=2027-13-01", "start"),
        ("start=2027-03-05&end=2027-03-01", "end"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(client: Client, world: Any, query: str, field: str) -> None:
    client.force_login(world.admin)
    client.raise_request_exception = False
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 400
    assert response.context["field"] == field


def test_the_log_downloads_as_csv_with_its_filters(client: Client, world: Any, logged: dict[str, AuditEvent]) -> None:
    client.force_login(world.admin)
    response = client.get(f"/audit/export.csv?actor={world.agent.pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1:] == ["Who", "Action", "Action code", "Object", "IP address"]
    assert rows[1][1:] == ["Alice Agent", "Signed in", "user.signed_in", f"User #{world.agent.pk}", "192.0.2.7"]
    assert len(rows) == 2
    client.force_login(world.agent)
    assert client.get("/audit/export.csv").status_code == 403
