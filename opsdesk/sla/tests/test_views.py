"""Calendar settings pages through the client: forms, field errors (never a 500), the check tool, query budgets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opsdesk.sla import actions
from opsdesk.sla.models import BusinessCalendar, CalendarHoliday

WEEK_TEXT = {f"weekday_{n}": "08:00–12:00, 13:00–17:00" for n in range(5)} | {"weekday_5": "", "weekday_6": ""}
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTART;VALUE=DATE:20270111\r\nSUMMARY:Closed Monday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def office(admin: Any) -> BusinessCalendar:
    week = [[(480, 720), (780, 1020)]] * 5 + [[], []]
    return actions.save_calendar(None, name="Office", time_zone="Europe/Helsinki", weekly=week, actor=admin)


def test_settings_page_links_to_the_calendars(client: Client, admin: Any) -> None:
    client.force_login(admin)
    response = client.get(reverse("ticket_settings:settings_index"))
    assert reverse("sla:calendar_list").encode() in response.content


@pytest.mark.parametrize("rows", [1, 30])
def test_calendar_list_query_count_does_not_grow_with_rows(
    client: Client, admin: Any, django_assert_num_queries: Any, rows: int
) -> None:
    week = [[(480, 1020)]] * 5 + [[], []]
    for n in range(rows - 1):  # and the default calendar of the migration
        actions.save_calendar(None, name=f"Calendar {n}", time_zone="UTC", weekly=week, actor=admin)
    client.force_login(admin)
    with django_assert_num_queries(4):  # session, user, calendars, their windows
        response = client.get(reverse("sla:calendar_list"))
    assert len(response.context["rows"]) == rows
    assert response.context["rows"][0]["days"][0] == ("Monday", "08:00–17:00")


def test_create_a_calendar_with_typed_hours(client: Client, admin: Any) -> None:
    client.force_login(admin)
    data = {"name": "Support FI", "time_zone": "Europe/Helsinki", **WEEK_TEXT}
    response = client.post(reverse("sla:calendar_create"), data)
    calendar = BusinessCalendar.objects.get(name="Support FI")
    assert response.status_code == 302
    assert response["Location"] == reverse("sla:calendar_detail", args=[calendar.pk])
    page = client.get(response["Location"])
    assert page.context["week"][0] == ("Monday", "08:00–12:00, 13:00–17:00")
    assert page.context["week"][6] == ("Sunday", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weekday_2", "8-12, 11-13", "Windows may not overlap. (08:00–12:00, 11:00–13:00)"),
        (
            "weekday_0",
            "nine to five",
            "Write hours as 08:00–12:00, with several windows separated by commas. (nine to five)",
        ),
        ("weekday_4", "17-8", "A window must close after it opens. (17:00–08:00)"),
        ("time_zone", "Mars/Olympus", "Select a valid choice. Mars/Olympus is not one of the available choices."),
    ],
)
def test_bad_hours_are_shown_on_their_own_field(
    client: Client, admin: Any, field: str, value: str, message: str
) -> None:
    client.force_login(admin)
    data = {"name": "Support FI", "time_zone": "Europe/Helsinki", **WEEK_TEXT, field: value}
    response = client.post(reverse("sla:calendar_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert not BusinessCalendar.objects.filter(name="Support FI").exists()


def test_a_calendar_without_hours_is_refused_on_mondays_field(client: Client, admin: Any) -> None:
    client.force_login(admin)
    data = {"name": "Empty", "time_zone": "UTC"} | {f"weekday_{n}": "" for n in range(7)}
    response = client.post(reverse("sla:calendar_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "weekday_0": ["Enter the opening hours of at least one weekday, or make the calendar open 24/7."]
    }


def test_edit_shows_the_stored_hours_and_saves_a_new_version(client: Client, admin: Any, office: Any) -> None:
    client.force_login(admin)
    page = client.get(reverse("sla:calendar_edit", args=[office.pk]))
    assert page.context["form"]["weekday_0"].value() == "08:00–12:00, 13:00–17:00"
    data = {"name": "Office", "time_zone": "Europe/Helsinki", **WEEK_TEXT, "weekday_5": "10-14"}
    assert client.post(reverse("sla:calendar_edit", args=[office.pk]), data).status_code == 302
    office.refresh_from_db()
    assert office.version == 2


def test_import_a_non_ical_file_is_a_field_error(client: Client, admin: Any, office: Any) -> None:
    client.force_login(admin)
    upload = SimpleUploadedFile("holidays.csv", b"date,name\n2027-12-06,Independence Day\n", content_type="text/csv")
    response = client.post(reverse("sla:holiday_import", args=[office.pk]), {"file": upload})
    assert response.status_code == 400
    assert response.context["import_form"].errors == {"file": ["This is not an iCalendar (.ics) file."]}
    assert office.holidays.count() == 0


def test_import_the_same_file_twice_adds_once(client: Client, admin: Any, office: Any) -> None:
    client.force_login(admin)
    url = reverse("sla:holiday_import", args=[office.pk])
    for _round in range(2):
        response = client.post(url, {"file": SimpleUploadedFile("fi.ics", ICS, content_type="text/calendar")})
        assert response.status_code == 302
    assert list(office.holidays.values_list("day", "name", "source")) == [(date(2027, 1, 11), "Closed Monday", "ical")]


def test_generate_and_delete_holidays(client: Client, admin: Any, office: Any) -> None:
    client.force_login(admin)
    response = client.post(reverse("sla:holiday_generate", args=[office.pk]), {"country": "FI", "year": "2027"})
    assert response.status_code == 302
    independence = CalendarHoliday.objects.get(calendar=office, day=date(2027, 12, 6))
    assert independence.name == "Independence Day"  # the page was in English
    url = reverse("sla:holiday_delete", args=[office.pk, independence.pk])
    assert client.post(url).status_code == 302
    assert not CalendarHoliday.objects.filter(pk=independence.pk).exists()
    bad = client.post(reverse("sla:holiday_generate", args=[office.pk]), {"country": "ZZ", "year": "2027"})
    assert bad.status_code == 400
    assert list(bad.context["generate_form"].errors) == ["country"]


def test_a_holiday_on_a_date_taken_is_a_field_error(client: Client, admin: Any, office: Any) -> None:
    client.force_login(admin)
    url = reverse("sla:holiday_add", args=[office.pk])
    assert client.post(url, {"day": "2027-01-06", "name": "Epiphany"}).status_code == 302
    response = client.post(url, {"day": "2027-01-06", "name": "Again"})
    assert response.status_code == 400
    assert response.context["holiday_form"].errors == {"day": ["This date is a holiday already."]}


def test_an_exception_with_bad_hours_is_a_field_error(client: Client, admin: Any, office: Any) -> None:
    client.force_login(admin)
    response = client.post(reverse("sla:exception_save", args=[office.pk]), {"day": "2027-12-24", "windows": "12-8"})
    assert response.status_code == 400
    assert response.context["exception_form"].errors == {
        "windows": ["A window must close after it opens. (12:00–08:00)"]
    }


def test_the_check_tool_shows_the_metrics_example(client: Client, admin: Any, office: Any) -> None:
    actions.add_holiday(office, day=date(2027, 1, 11), name="Closed", actor=admin)
    client.force_login(admin)
    url = reverse("sla:calendar_check", args=[office.pk])
    response = client.get(url, {"start": "2027-01-08T16:30", "minutes": "120"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "sla/partials/calendar_check_result.html"
    assert response.context["due"] == datetime(2027, 1, 12, 7, 30, tzinfo=UTC)  # Tuesday 09:30 in Helsinki
    assert [(a.isoformat(), b.isoformat(), m) for a, b, m in response.context["spans"]] == [
        ("2027-01-08T14:30:00+00:00", "2027-01-08T15:00:00+00:00", 30),
        ("2027-01-12T06:00:00+00:00", "2027-01-12T07:30:00+00:00", 90),
    ]
    assert "Tuesday" in response.content.decode()


def test_the_check_tool_moves_a_start_in_the_spring_gap(client: Client, admin: Any) -> None:
    always = actions.save_calendar(
        None, name="Always", time_zone="Europe/Helsinki", always_open=True, weekly=[[]] * 7, actor=admin
    )
    client.force_login(admin)
    response = client.get(
        reverse("sla:calendar_check", args=[always.pk]), {"start": "2027-03-28T03:30", "minutes": "60"}
    )
    assert response.context["start"] == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert response.context["due"] == datetime(2027, 3, 28, 2, 0, tzinfo=UTC)
    assert response.context["moved"] is True


@pytest.mark.parametrize(
    "query", [{}, {"start": "yesterday", "minutes": "60"}, {"start": "2027-01-08T16:30", "minutes": "-5"}]
)
def test_the_check_tool_answers_bad_input_with_400(
    client: Client, admin: Any, office: Any, query: dict[str, str]
) -> None:
    client.force_login(admin)
    response = client.get(reverse("sla:calendar_check", args=[office.pk]), query)
    assert response.status_code == 400
    assert "due" not in response.context


def test_pages_render_in_finnish(client: Client, admin: Any, office: Any) -> None:
    admin.language = "fi"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    response = client.get(reverse("sla:calendar_detail", args=[office.pk]))
    assert response.status_code == 200
    assert "Pyhäpäivät" in response.content.decode()


def test_the_check_tool_shows_errors_in_the_htmx_fragment(client: Client, admin: Any, office: Any) -> None:
    client.force_login(admin)
    url = reverse("sla:calendar_check", args=[office.pk])
    response = client.get(url, {"start": "soon", "minutes": "60"}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert [t.name for t in response.templates][0] == "sla/partials/calendar_check_result.html"
    assert "Enter a date and time, such as 2026-12-31 16:30." in response.content.decode()
