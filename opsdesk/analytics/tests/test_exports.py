"""Downloads under /analytics/export/: exact contents, scoping, formulas that are not, query budgets that do not
grow with the rows, the audit record, and streaming under ASGI."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client
from openpyxl import load_workbook

from opsdesk.analytics import cuts, report, rollups, spreadsheets
from opsdesk.analytics.query import Cut
from opsdesk.analytics.tests import desk
from opsdesk.audit.models import AuditEvent
from opsdesk.tickets import actions
from opsdesk.tickets.actions.common import default_status

WEEK = "start=2027-03-01&end=2027-03-07"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A time as a spreadsheet cell holds it: without a zone (the column's header names it)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC).replace(tzinfo=None)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_lines(response: Any) -> list[str]:
    text = body(response).decode()
    assert text.startswith("\ufeff")
    return text[1:].split("\r\n")


def book(response: Any) -> Any:
    return load_workbook(io.BytesIO(body(response)))


@pytest.fixture
def built(world: Any) -> dict[str, Any]:
    return desk.build(world)


# --- the report -----------------------------------------------------------------------------------------------------


def test_the_report_downloads_as_csv_and_xlsx(client: Client, world: Any, built: dict[str, Any]) -> None:
    client.force_login(world.manager)
    cut = Cut(desk.WEEK)
    expected = report.build(cuts.Request(cut, cut.with_period(desk.WEEK.previous()), "custom", "previous"))
    response = client.get(f"/analytics/export/report.csv?{WEEK}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="opsdesk-report-2027-03-01-2027-03-07.csv"'
    assert response.content.decode() == spreadsheets.to_csv(expected)
    response = client.get(f"/analytics/export/report.xlsx?{WEEK}&compare=none")
    assert response["Content-Disposition"] == 'attachment; filename="opsdesk-report-2027-03-01-2027-03-07.xlsx"'
    summary = book(response)["Summary"]
    assert [c.value for c in summary[9]][:6] == ["Tickets created", 3, None, None, 3, None]
    event = AuditEvent.objects.filter(verb="export.downloaded").order_by("-id").first()
    assert event is not None and event.actor == world.manager
    assert event.data == {
        "what": "report",
        "format": "xlsx",
        "params": {"start": "2027-03-01", "end": "2027-03-07", "compare": "none"},
    }


def test_the_report_is_scoped_to_what_the_user_may_see(client: Client, world: Any, built: dict[str, Any]) -> None:
    client.force_login(world.agent)  # an agent: their own figures only, whatever the link asks
    lines = csv_lines(client.get(f"/analytics/export/report.csv?{WEEK}&team={world.billing.pk}"))
    assert lines[3] == f"Showing,Team: Billing; Agent: {world.agent.name}"
    client.force_login(world.lead)  # a team lead: their team's, by default
    lines = csv_lines(client.get(f"/analytics/export/report.csv?{WEEK}"))
    assert lines[3] == "Showing,Team: Support"
    assert lines[8] == "Tickets created,count,2,0,2,2,0,,,,"
    assert client.get(f"/analytics/export/report.csv?{WEEK}&team={world.billing.pk}").status_code == 403
    client.force_login(world.light_agent)
    assert client.get(f"/analytics/export/report.csv?{WEEK}").status_code == 403
    assert not AuditEvent.objects.filter(verb="export.downloaded", actor=world.light_agent).exists()


@pytest.mark.parametrize("days", [1, 31])
def test_the_report_reads_a_fixed_number_of_queries(
    client: Client, world: Any, built: dict[str, Any], django_assert_num_queries: Any, days: int
) -> None:
    client.force_login(world.manager)
    end = f"2027-03-{days:02d}"
    with django_assert_num_queries(12):
        response = client.get(f"/analytics/export/report.csv?start=2027-03-01&end={end}")
    assert len(csv_lines(response)) == 35 + days - 7


# --- the drill-down -------------------------------------------------------------------------------------------------


def test_the_drill_down_lists_every_ticket_counted_with_its_value(
    client: Client, world: Any, built: dict[str, Any]
) -> None:
    a, b = built["a"], built["b"]
    client.force_login(world.manager)
    response = client.get(f"/analytics/export/drill/frt.csv?{WEEK}")
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="frt-2027-03-01-2027-03-07.csv"'
    assert csv_lines(response) == [
        "Ticket,Subject,When (Europe/Helsinki),First response time,Agent,Team,Status,Priority,Channel",
        f"{a.pk},A printer,2027-03-01 09:30,1800,{world.agent.name},Support,Solved,Normal,Email",
        f"{b.pk},B refund,2027-03-01 11:00,7200,{world.agent.name},Support,Solved,High,Email",
        "",
    ]
    solved = csv_lines(client.get(f"/analytics/export/drill/solved.csv?{WEEK}"))
    assert solved == [
        "Ticket,Subject,When (Europe/Helsinki),Agent,Team,Status,Priority,Channel",
        f"{a.pk},A printer,2027-03-01 11:00,{world.agent.name},Support,Solved,Normal,Email",
        f"{b.pk},B refund,2027-03-01 11:00,,Support,Solved,High,Email",  # B was solved before anyone had it
        f"{a.pk},A printer,2027-03-02 10:00,{world.agent.name},Support,Solved,Normal,Email",
        "",
    ]
    one_touch = csv_lines(client.get(f"/analytics/export/drill/one_touch.csv?{WEEK}&part=no"))
    assert one_touch[0] == "Ticket,Subject,When (Europe/Helsinki),One touch,Agent,Team,Status,Priority,Channel"
    assert one_touch[1:] == [f"{a.pk},A printer,2027-03-02 10:00,No,{world.agent.name},Support,Solved,Normal,Email", ""]
    sla = csv_lines(client.get(f"/analytics/export/drill/sla_attainment.csv?{WEEK}"))
    assert sla == ["Ticket,Subject,When (Europe/Helsinki),Outcome,SLA metric,Agent,Team,Status,Priority,Channel", ""]


def test_the_drill_down_as_xlsx(client: Client, world: Any, built: dict[str, Any]) -> None:
    a, b = built["a"], built["b"]
    client.force_login(world.manager)
    response = client.get(f"/analytics/export/drill/frt.xlsx?{WEEK}")
    assert response["Content-Type"] == spreadsheets.XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="frt-2027-03-01-2027-03-07.xlsx"'
    workbook = book(response)
    assert workbook.sheetnames == ["First response time"]
    rows = [[c.value for c in row] for row in workbook["First response time"].iter_rows()]
    assert rows == [
        [
            "Ticket",
            "Subject",
            "When (Europe/Helsinki)",
            "First response time",
            "Agent",
            "Team",
            "Status",
            "Priority",
            "Channel",
        ],
        [
            a.pk,
            "A printer",
            local(2027, 3, 1, 9, 30),
            timedelta(seconds=1800),
            world.agent.name,
            "Support",
            "Solved",
            "Normal",
            "Email",
        ],
        [
            b.pk,
            "B refund",
            local(2027, 3, 1, 11, 0),
            timedelta(seconds=7200),
            world.agent.name,
            "Support",
            "Solved",
            "High",
            "Email",
        ],
    ]


def test_the_drill_down_shows_only_tickets_the_user_sees(client: Client, world: Any, built: dict[str, Any]) -> None:
    c = built["c"]
    client.force_login(world.other_agent)  # an agent's own figures: no ticket's creation is theirs
    assert csv_lines(client.get(f"/analytics/export/drill/created.csv?{WEEK}")) == [
        "Ticket,Subject,When (Europe/Helsinki),Team,Status,Priority,Channel",
        "",
    ]
    client.force_login(world.manager)
    lines = csv_lines(client.get(f"/analytics/export/drill/created.csv?{WEEK}&team={world.billing.pk}"))
    assert lines[1:] == [f"{c.pk},C invoice,2027-03-01 09:00,Billing,New,Normal,Email", ""]
    client.force_login(world.lead)
    lines = csv_lines(client.get(f"/analytics/export/drill/created.csv?{WEEK}"))
    assert [line.split(",")[1] for line in lines[1:-1]] == ["A printer", "B refund"]
    assert client.get(f"/analytics/export/drill/nothing.csv?{WEEK}").status_code == 404


def _answered_tickets(world: Any, count: int) -> None:
    with time_machine.travel(desk.MONDAY, tick=False):
        tickets = [world.ticket(subject=f"T{n}") for n in range(count)]
    with time_machine.travel(desk.MONDAY + timedelta(minutes=5), tick=False):
        for ticket in tickets:
            actions.reply_to_ticket(ticket, body="Hi", actor=world.agent, status=default_status("solved"))
    rollups.rebuild()


@pytest.mark.parametrize("count", [1, 30])
def test_the_drill_down_export_reads_a_fixed_number_of_queries(
    client: Client, world: Any, django_assert_num_queries: Any, count: int
) -> None:
    _answered_tickets(world, count)
    client.force_login(world.lead)
    with django_assert_num_queries(8):
        response = client.get(f"/analytics/export/drill/frt.csv?{WEEK}")
        lines = csv_lines(response)
    assert len(lines) == count + 2
    with django_assert_num_queries(8):
        rows = list(book(client.get(f"/analytics/export/drill/frt.xlsx?{WEEK}")).active.iter_rows())
    assert len(rows) == count + 1


def test_the_drill_down_streams_under_asgi(world: Any, built: dict[str, Any]) -> None:
    """uvicorn serves through ASGI, where Django would read a synchronous iterator whole before sending it."""
    client = AsyncClient()
    client.force_login(world.manager)

    async def read(response: Any) -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    response = async_to_sync(client.get)(f"/analytics/export/drill/frt.csv?{WEEK}")
    assert response.streaming and getattr(response, "is_async", False)
    wsgi = Client()
    wsgi.force_login(world.manager)
    assert async_to_sync(read)(response) == body(wsgi.get(f"/analytics/export/drill/frt.csv?{WEEK}"))
    xlsx = async_to_sync(client.get)(f"/analytics/export/drill/frt.xlsx?{WEEK}")
    assert xlsx.streaming and getattr(xlsx, "is_async", False)
    rows = list(load_workbook(io.BytesIO(async_to_sync(read)(xlsx))).active.iter_rows(values_only=True))
    assert [row[1] for row in rows] == ["Subject", "A printer", "B refund"]


# --- inbox views ----------------------------------------------------------------------------------------------------


@pytest.fixture
def inbox_tickets(world: Any) -> dict[str, Any]:
    with time_machine.travel(desk.MONDAY, tick=False):
        first = world.ticket(subject='=HYPERLINK("http://evil.example","Click")')
    with time_machine.travel(desk.MONDAY + timedelta(hours=1), tick=False):
        second = world.ticket(subject="Refund please", priority="high", team=world.billing)
        actions.set_tags(second, tags=["vip", "billing"], actor=world.manager)
    with time_machine.travel(desk.MONDAY + timedelta(hours=2), tick=False):
        third = world.ticket(subject="Bell\x07 rings")
        actions.change_status(third, status=default_status("solved"), actor=world.manager)
    return {"first": first, "second": second, "third": third}


def test_an_inbox_view_exports_as_csv_with_its_filters(
    client: Client, world: Any, inbox_tickets: dict[str, Any]
) -> None:
    first, second = inbox_tickets["first"], inbox_tickets["second"]
    client.force_login(world.manager)  # time zone Europe/Helsinki
    lines = csv_lines(client.get("/analytics/export/tickets.csv?view=open"))
    assert lines[0] == (
        "Ticket,Subject,Status,Priority,Type,Channel,Language,Team,Assignee,Requester,Organization,Tags,"
        "Created (Europe/Helsinki),Updated (Europe/Helsinki),Solved (Europe/Helsinki)"
    )
    assert lines[1:] == [
        f'{second.pk},Refund please,New,High,Question,Email,en,Billing,,Carl Customer,Acme,"billing, vip",'
        "2027-03-01 10:00,2027-03-01 10:00,",
        f'{first.pk},"\'=HYPERLINK(""http://evil.example"",""Click"")",New,Normal,Question,Email,en,Support,,'
        "Carl Customer,Acme,,2027-03-01 09:00,2027-03-01 09:00,",
        "",
    ]
    high = csv_lines(client.get("/analytics/export/tickets.csv?view=recent&priority=high"))
    assert [line.split(",")[0] for line in high[1:-1]] == [str(second.pk)]
    assert csv_lines(client.get("/analytics/export/tickets.csv?view=open&sort=created"))[1].startswith(f"{first.pk},")


def test_an_inbox_view_exports_as_xlsx_where_text_stays_text(
    client: Client, world: Any, inbox_tickets: dict[str, Any]
) -> None:
    client.force_login(world.manager)
    sheet = book(client.get("/analytics/export/tickets.xlsx?view=recent")).active
    rows = list(sheet.iter_rows())
    assert [row[1].value for row in rows] == [
        "Subject",
        "Bell rings",  # a control character XML cannot hold is dropped
        "Refund please",
        '=HYPERLINK("http://evil.example","Click")',
    ]
    assert rows[3][1].data_type == "s"  # a string, never run as a formula
    assert rows[1][14].value == local(2027, 3, 1, 11, 0)  # solved, in the user's time zone
    assert rows[2][11].value == "billing, vip"


def test_the_inbox_export_is_scoped_like_the_inbox(client: Client, world: Any, inbox_tickets: dict[str, Any]) -> None:
    client.force_login(world.other_agent)  # billing only
    lines = csv_lines(client.get("/analytics/export/tickets.csv?view=recent"))
    assert [line.split(",")[1] for line in lines[1:-1]] == ["Refund please"]
    client.force_login(world.agent)  # default view: their own open tickets, none
    assert csv_lines(client.get("/analytics/export/tickets.csv")) == [
        csv_lines(client.get("/analytics/export/tickets.csv"))[0],
        "",
    ]
    client.force_login(world.customer_user)
    assert client.get("/analytics/export/tickets.csv").status_code == 403


def test_the_inbox_export_searches_every_match(client: Client, world: Any, inbox_tickets: dict[str, Any]) -> None:
    client.force_login(world.manager)
    lines = csv_lines(client.get("/analytics/export/tickets.csv?view=recent&q=refund"))
    assert [line.split(",")[1] for line in lines[1:-1]] == ["Refund please"]


@pytest.mark.parametrize("count", [1, 30])
def test_the_inbox_export_reads_a_fixed_number_of_queries(
    client: Client, world: Any, django_assert_num_queries: Any, count: int
) -> None:
    for n in range(count):
        ticket = world.ticket(subject=f"Ticket {n}")
        actions.set_tags(ticket, tags=[f"t{n}"], actor=world.manager)
    client.force_login(world.agent)
    with django_assert_num_queries(7):
        lines = csv_lines(client.get("/analytics/export/tickets.csv?view=my_teams"))
    assert len(lines) == count + 2
    with django_assert_num_queries(7):
        rows = list(book(client.get("/analytics/export/tickets.xlsx?view=my_teams")).active.iter_rows())
    assert len(rows) == count + 1
