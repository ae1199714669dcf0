"""Bad values in query strings and list forms: a 400 naming the field on every page and API list, never a 500.

Found by the hostile probe of issue 8: `²` passes `str.isdigit()` and fails `int()`, 20-digit numbers overflow
SQLite's integers, 5,000-digit numbers fail `int()`, and a crafted cursor (year 1 at +14:00) overflows when it is
converted to UTC. Every one of these values is read by `core.params` or the ticket filter language now.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from opsdesk.accounts import actions as account_actions
from opsdesk.tickets.models import SavedView, Ticket

SUPERSCRIPT = "\u00b2"  # "²": str.isdigit() says yes, int() says no
TWENTY_DIGITS = "9" * 20  # beyond a 64-bit integer
HUGE = "1" * 5000  # beyond Python's int() string limit (4,300 digits)
BAD_NUMBERS = [SUPERSCRIPT, TWENTY_DIGITS, HUGE]
CRAFTED_CURSOR = base64.urlsafe_b64encode(b"0001-01-01T00:00:00+14:00|1").decode()


def token(user: Any) -> dict[str, str]:
    _token, raw = account_actions.issue_api_token(user, name="probe", scope="write", actor=user)
    return {"Authorization": f"Bearer {raw}"}


def page_error(response: Any) -> tuple[int, str | None, str]:
    """Status, the field named and the message of a rendered error page."""
    assert "core/error.html" in [t.name for t in response.templates]
    return response.status_code, response.context["field"], response.context["message"]


@pytest.fixture
def probe(client: Client) -> Client:
    client.raise_request_exception = False  # a 500 shows as a 500, not as the exception
    return client


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["superscript", "20-digits", "5000-digits"])
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("team_id={bad}", "team_id", "Team: enter a whole number from 1 to 9223372036854775807."),
        ("team={bad}", "team", "Team: enter a whole number from 1 to 9223372036854775807."),
        ("assignee={bad}", "assignee", "Assignee: enter a whole number from 1 to 9223372036854775807."),
        ("view=saved-{bad}", "view", "View: enter a whole number from 1 to 9223372036854775807."),
        ("q=printer&page={bad}", "page", "Page: enter a whole number from 1 to 40."),
        ("q=printer&sort=newest&before={bad}", "before", "Page: enter a whole number from 1 to 9223372036854775807."),
    ],
)
def test_inbox_answers_a_bad_number_with_a_400_page_naming_the_field(
    probe: Client, world: Any, bad: str, query: str, field: str, message: str
) -> None:
    world.ticket()
    probe.force_login(world.agent)
    response = probe.get("/tickets/?" + query.format(bad=bad))
    assert page_error(response) == (400, field, message)
    assert message in response.content.decode()


def test_a_crafted_cursor_is_a_400_in_the_inbox_the_portal_and_the_api(probe: Client, world: Any) -> None:
    world.ticket()
    message = "Page: this link's place in the list is not valid. Start again from the first page."
    probe.force_login(world.agent)
    assert page_error(probe.get(f"/tickets/?cursor={CRAFTED_CURSOR}")) == (400, "cursor", message)
    probe.force_login(world.customer_user)
    assert page_error(probe.get(f"/portal/?cursor={CRAFTED_CURSOR}")) == (400, "cursor", message)
    api = probe.get(f"/api/v1/tickets/?cursor={CRAFTED_CURSOR}", headers=token(world.agent))
    assert (api.status_code, api.json()) == (400, {"code": "invalid_parameter", "message": message, "field": "cursor"})


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["superscript", "20-digits", "5000-digits"])
def test_portal_customer_and_audit_paging_refuse_bad_numbers(probe: Client, world: Any, bad: str) -> None:
    world.ticket()
    message = "Page: enter a whole number from 1 to 9223372036854775807."
    probe.force_login(world.customer_user)
    assert page_error(probe.get(f"/portal/?q=printer&page={bad}")) == (
        400,
        "page",
        "Page: enter a whole number from 1 to 40.",
    )
    probe.force_login(world.admin)
    assert page_error(probe.get(f"/customers/?after={bad}")) == (400, "after", message)
    assert page_error(probe.get(f"/audit/?before={bad}")) == (400, "before", message)
    assert page_error(probe.get(f"/outbox/?before={bad}")) == (400, "before", message)


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["superscript", "20-digits", "5000-digits"])
@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"ticket": "{bad}", "priority": "high"}, "ticket"),
        ({"ticket": "{t}", "assignee": "{bad}"}, "assignee"),
        ({"ticket": "{t}", "status": "{bad}"}, "status"),
    ],
)
def test_bulk_changes_refuse_bad_numbers_and_change_nothing(
    probe: Client, world: Any, bad: str, form: dict[str, str], field: str
) -> None:
    ticket = world.ticket()
    events = ticket.events.count()
    probe.force_login(world.agent)
    data = {key: value.format(bad=bad, t=ticket.pk) for key, value in form.items()}
    response = probe.post("/tickets/bulk/", data)
    status, named, _message = page_error(response)
    assert (status, named) == (400, field)
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.status_category, ticket.events.count()) == (None, "new", events)


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["superscript", "20-digits", "5000-digits"])
@pytest.mark.parametrize(
    ("path", "field", "code"),
    [
        ("/api/v1/tickets/?team_id={bad}", "team_id", "invalid_filter"),
        ("/api/v1/tickets/?assignee_id={bad}", "assignee_id", "invalid_filter"),
        ("/api/v1/tickets/search?q=printer&requester_id={bad}", "requester_id", "invalid_filter"),
        ("/api/v1/tickets/search?q=printer&sort=newest&before={bad}", "before", "invalid_parameter"),
        ("/api/v1/customers/?after={bad}", "after", "invalid_parameter"),
        ("/api/v1/customers/?organization_id={bad}", "organization_id", "invalid_parameter"),
    ],
)
def test_api_lists_answer_a_bad_number_with_a_400_json_error(
    probe: Client, world: Any, bad: str, path: str, field: str, code: str
) -> None:
    world.ticket()
    response = probe.get(path.format(bad=bad), headers=token(world.admin))
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert set(body) == {"code", "message", "field"}


def test_the_largest_64_bit_number_is_accepted_and_finds_nothing(probe: Client, world: Any) -> None:
    world.ticket()
    largest = str(2**63 - 1)
    probe.force_login(world.admin)
    assert probe.get(f"/tickets/?view=open&team_id={largest}").context["tickets"] == []
    assert probe.get(f"/customers/?after={largest}").status_code == 200
    api = probe.get(f"/api/v1/tickets/?assignee_id={largest}", headers=token(world.admin))
    assert (api.status_code, api.json()["items"]) == (200, [])


def test_a_saved_view_that_is_not_yours_or_gone_is_a_404(probe: Client, world: Any) -> None:
    other = SavedView.objects.create(name="Theirs", owner=world.other_agent, filters={})
    probe.force_login(world.agent)
    assert probe.get(f"/tickets/?view=saved-{other.pk}").status_code == 404
    assert probe.get(f"/tickets/?view=saved-{other.pk + 1000}").status_code == 404
    assert Ticket.objects.count() == 0


def test_the_outgoing_mail_list_refuses_an_unknown_state(probe: Client, world: Any) -> None:
    probe.force_login(world.admin)
    assert page_error(probe.get("/outbox/?state=lost")) == (
        400,
        "state",
        "State: “lost” is not one of queued, sent, failed.",
    )


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["superscript", "20-digits", "5000-digits"])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/reports/figures?team={bad}", "team"),
        ("/api/v1/reports/figures?agent={bad}", "agent"),
        ("/api/v1/reports/daily?organization={bad}", "organization"),
        ("/api/v1/reports/drill/frt?team={bad}", "team"),
        ("/api/v1/reports/drill/frt?limit={bad}", "limit"),
        ("/api/v1/reports/rollups?limit={bad}", "limit"),
        ("/api/v1/reports/rollups?start={bad}&end=2027-01-01", "start"),
    ],
)
def test_the_reporting_api_answers_a_bad_number_with_a_400_json_error(
    probe: Client, world: Any, bad: str, path: str, field: str
) -> None:
    response = probe.get(path.format(bad=bad), headers=token(world.admin))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_parameter", field)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"cursor={CRAFTED_CURSOR}", "cursor"),  # year 1 at +14:00
        ("start=0001-01-01&end=0001-01-01", "compare"),  # no day before the first
        ("start=0001-01-01&end=0001-01-01&compare=year", "compare"),
        ("start=9999-12-31&end=9999-12-31&compare=none&tag=" + "x" * 61, "tag"),
    ],
)
def test_the_reporting_api_refuses_crafted_cursors_and_dates_at_the_ends_of_the_calendar(
    probe: Client, world: Any, query: str, field: str
) -> None:
    response = probe.get(f"/api/v1/reports/drill/frt?{query}", headers=token(world.admin))
    assert (response.status_code, response.json()["field"]) == (400, field)
    edge = probe.get("/api/v1/reports/drill/frt?start=9999-12-31&end=9999-12-31", headers=token(world.admin))
    assert (edge.status_code, edge.json()["items"]) == (200, [])


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["superscript", "20-digits", "5000-digits"])
@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        (
            "/analytics/export/report.csv?team={bad}",
            "team",
            "Team: enter a whole number from 1 to 9223372036854775807.",
        ),
        (
            "/analytics/export/report.xlsx?agent={bad}",
            "agent",
            "Agent: enter a whole number from 1 to 9223372036854775807.",
        ),
        (
            "/analytics/export/drill/frt.csv?organization={bad}",
            "organization",
            "Organization: enter a whole number from 1 to 9223372036854775807.",
        ),
        (
            "/analytics/export/drill/frt.xlsx?team={bad}",
            "team",
            "Team: enter a whole number from 1 to 9223372036854775807.",
        ),
        (
            "/analytics/export/tickets.csv?team_id={bad}",
            "team_id",
            "Team: enter a whole number from 1 to 9223372036854775807.",
        ),
        (
            "/analytics/export/tickets.xlsx?assignee={bad}",
            "assignee",
            "Assignee: enter a whole number from 1 to 9223372036854775807.",
        ),
        (
            "/analytics/export/tickets.csv?view=saved-{bad}",
            "view",
            "View: enter a whole number from 1 to 9223372036854775807.",
        ),
    ],
)
def test_exports_answer_a_bad_number_with_a_400_page_naming_the_field(
    probe: Client, world: Any, bad: str, path: str, field: str, message: str
) -> None:
    from opsdesk.audit.models import AuditEvent

    world.ticket()
    probe.force_login(world.manager)
    assert page_error(probe.get(path.format(bad=bad))) == (400, field, message)
    assert not AuditEvent.objects.filter(verb="export.downloaded").exists()  # nothing was exported


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/analytics/export/report.csv?period=forever", "period"),
        ("/analytics/export/report.csv?start=2027-02-30&end=2027-03-01", "start"),
        ("/analytics/export/report.xlsx?start=2027-03-02&end=2027-03-01", "end"),
        ("/analytics/export/report.xlsx?start=2020-01-01&end=2027-03-01", "end"),
        ("/analytics/export/report.csv?compare=sometimes", "compare"),
        ("/analytics/export/report.csv?channel=pigeon", "channel"),
        ("/analytics/export/report.csv?bh=perhaps", "bh"),
        ("/analytics/export/drill/one_touch.csv?part=maybe", "part"),
        ("/analytics/export/drill/frt.xlsx?language=xx", "language"),
        ("/analytics/export/tickets.csv?created_at__gte=yesterday", "created_at__gte"),
        ("/analytics/export/tickets.xlsx?priority=extreme", "priority"),
        ("/analytics/export/tickets.csv?filter={not json", "filter"),
    ],
)
def test_exports_refuse_bad_values_with_a_400_page_naming_the_field(
    probe: Client, world: Any, path: str, field: str
) -> None:
    probe.force_login(world.manager)
    status, named, message = page_error(probe.get(path))
    assert (status, named) == (400, field)
    assert message


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["superscript", "20-digits", "5000-digits"])
def test_the_report_preview_shows_a_bad_number_as_a_field_error(probe: Client, world: Any, bad: str) -> None:
    probe.force_login(world.manager)
    page = probe.get(f"/analytics/reports/preview/?frequency=weekly&language=fi&email=a%40b.example&team={bad}")
    assert page.status_code == 400
    assert list(page.context["form"].errors) == ["team"]
    frame = probe.get(f"/analytics/reports/preview/email/?frequency=weekly&user={bad}")
    assert frame.status_code == 400
