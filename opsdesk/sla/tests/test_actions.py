"""Calendar actions: rules, versions, audit rows, holidays by hand, from iCalendar and from the holidays library."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.sla import actions
from opsdesk.sla.models import BusinessCalendar, CalendarException, CalendarHoliday, CalendarWindow
from opsdesk.sla.schedules import build_schedule, default_calendar, schedule_for

LUNCH = [(480, 720), (780, 1020)]
WEEK = [LUNCH] * 5 + [[], []]

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//OpsDesk test//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20271206\r\nDTEND;VALUE=DATE:20271207\r\n"
    b"SUMMARY:Itsen\xc3\xa4isyysp\xc3\xa4iv\xc3\xa4\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;VALUE=DATE:20271224\r\nDTEND;VALUE=DATE:20271227\r\n"
    b"SUMMARY:Christmas\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nUID:c@test\r\nDTSTART:20271201T100000Z\r\nDTEND:20271201T110000Z\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


@pytest.fixture
def calendar(admin: Any) -> BusinessCalendar:
    return actions.save_calendar(None, name="Helsinki office", time_zone="Europe/Helsinki", weekly=WEEK, actor=admin)


def test_the_migration_creates_a_default_calendar(db: None) -> None:
    calendar = default_calendar()
    assert calendar is not None
    assert (calendar.name, calendar.time_zone, calendar.always_open, calendar.version) == (
        "Business hours",
        "Europe/Helsinki",
        False,
        1,
    )
    weekly = list(CalendarWindow.objects.filter(calendar=calendar).values_list("weekday", "start_minute", "end_minute"))
    assert sorted(weekly) == [(day, 480, 1020) for day in range(5)]


def test_create_calendar_stores_windows_and_records_an_audit_row(admin: Any, calendar: BusinessCalendar) -> None:
    rows = CalendarWindow.objects.filter(calendar=calendar).order_by("weekday", "start_minute")
    assert [(w.weekday, w.start_minute, w.end_minute) for w in rows] == [
        (day, start, end) for day in range(5) for start, end in LUNCH
    ]
    assert (calendar.version, calendar.is_default) == (1, False)  # the migration's calendar is the default
    event = AuditEvent.objects.get(verb="calendar.created")
    assert (event.actor, event.target_id) == (admin, str(calendar.pk))
    assert event.data == {
        "before": {},
        "after": {
            "name": "Helsinki office",
            "time_zone": "Europe/Helsinki",
            "always_open": False,
            "weekly": ["08:00–12:00, 13:00–17:00"] * 5 + ["", ""],
        },
        "version": 1,
    }


def test_editing_bumps_the_version_and_a_save_without_change_does_not(admin: Any, calendar: BusinessCalendar) -> None:
    same = actions.save_calendar(
        calendar, name="Helsinki office", time_zone="Europe/Helsinki", weekly=WEEK, actor=admin
    )
    assert same.version == 1
    assert AuditEvent.objects.filter(verb="calendar.updated").count() == 0
    longer = [[(480, 1080)]] * 5 + [[], []]
    changed = actions.save_calendar(
        calendar, name="Helsinki office", time_zone="Europe/Helsinki", weekly=longer, actor=admin
    )
    assert changed.version == 2
    assert CalendarWindow.objects.filter(calendar=calendar).count() == 5
    event = AuditEvent.objects.get(verb="calendar.updated")
    assert event.data["before"]["weekly"][0] == "08:00–12:00, 13:00–17:00"
    assert event.data["after"]["weekly"][0] == "08:00–18:00"
    assert event.data["version"] == 2


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"name": " "}, "required", "name"),
        ({"name": "x" * 101}, "too_long", "name"),
        ({"name": "helsinki OFFICE"}, "name_taken", "name"),
        ({"time_zone": "Europe/Nowhere"}, "invalid_time_zone", "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "invalid_time_zone", "time_zone"),
        ({"weekly": [[]] * 7}, "no_windows", "weekday_0"),
        ({"weekly": [[(600, 540)]] + [[]] * 6}, "invalid_windows", "weekday_0"),
        ({"weekly": [[]] * 2 + [[(480, 720), (700, 800)]] + [[]] * 4}, "invalid_windows", "weekday_2"),
        ({"weekly": [[(0, 1500)]] + [[]] * 6}, "invalid_windows", "weekday_0"),
        ({"weekly": [LUNCH] * 5}, "invalid_windows", "weekly"),
    ],
)
def test_save_calendar_refuses_bad_input(
    admin: Any, calendar: BusinessCalendar, kwargs: dict[str, Any], code: str, field: str
) -> None:
    values = {"name": "Other", "time_zone": "America/New_York", "weekly": WEEK, **kwargs}
    with pytest.raises(ActionError) as caught:
        actions.save_calendar(None, actor=admin, **values)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert BusinessCalendar.objects.count() == 2  # the default and the fixture's
    assert AuditEvent.objects.filter(verb="calendar.created").count() == 1


def test_a_24_7_calendar_needs_no_windows(admin: Any) -> None:
    calendar = actions.save_calendar(
        None, name="Always", time_zone="UTC", always_open=True, weekly=[[]] * 7, actor=admin
    )
    schedule = schedule_for(calendar)
    start = datetime(2027, 1, 2, 10, tzinfo=UTC)
    assert schedule.add_business_seconds(start, 3600) == datetime(2027, 1, 2, 11, tzinfo=UTC)


def test_only_managers_of_sla_may_change_calendars(lead: Any, calendar: BusinessCalendar) -> None:
    with pytest.raises(ActionError) as caught:
        actions.save_calendar(None, name="Mine", time_zone="UTC", weekly=WEEK, actor=lead)
    assert caught.value.status == 403
    with pytest.raises(ActionError):
        actions.add_holiday(calendar, day=date(2027, 1, 6), name="Epiphany", actor=lead)
    assert calendar.holidays.count() == 0


def test_set_default_moves_the_flag(admin: Any, calendar: BusinessCalendar) -> None:
    old = default_calendar()
    actions.set_default_calendar(calendar, actor=admin)
    assert default_calendar() == calendar
    assert old is not None and not BusinessCalendar.objects.get(pk=old.pk).is_default
    assert AuditEvent.objects.get(verb="calendar.default_set").data == {"before": old.pk, "after": calendar.pk}


def test_holiday_by_hand_bumps_the_version_and_a_duplicate_date_is_refused(
    admin: Any, calendar: BusinessCalendar
) -> None:
    holiday = actions.add_holiday(calendar, day=date(2027, 1, 6), name="  Epiphany ", actor=admin)
    assert (holiday.name, holiday.source) == ("Epiphany", CalendarHoliday.Source.MANUAL)
    calendar.refresh_from_db()
    assert calendar.version == 2
    with pytest.raises(ActionError) as caught:
        actions.add_holiday(calendar, day=date(2027, 1, 6), name="Again", actor=admin)
    assert (caught.value.code, caught.value.field) == ("holiday_taken", "day")
    assert AuditEvent.objects.get(verb="calendar.holiday_added").data == {
        "day": "2027-01-06",
        "name": "Epiphany",
        "version": 2,
    }
    actions.delete_holiday(holiday, actor=admin)
    calendar.refresh_from_db()
    assert (calendar.holidays.count(), calendar.version) == (0, 3)
    assert AuditEvent.objects.filter(verb="calendar.holiday_deleted").count() == 1


def test_a_new_version_gives_a_new_schedule(admin: Any, calendar: BusinessCalendar) -> None:
    friday = datetime(2027, 1, 8, 14, 30, tzinfo=UTC)  # 16:30 in Helsinki
    before = schedule_for(calendar)
    assert before.key == (calendar.pk, 1)
    assert before.add_business_seconds(friday, 7200) == datetime(2027, 1, 11, 7, 30, tzinfo=UTC)
    actions.add_holiday(calendar, day=date(2027, 1, 11), name="Closed", actor=admin)
    calendar.refresh_from_db()
    after = schedule_for(calendar)
    assert after.key == (calendar.pk, 2)
    assert after.add_business_seconds(friday, 7200) == datetime(2027, 1, 12, 7, 30, tzinfo=UTC)


def test_import_ical_adds_all_day_events_once(admin: Any, calendar: BusinessCalendar) -> None:
    assert actions.import_holidays(calendar, content=ICS, filename="fi.ics", actor=admin) == (4, 0)
    holidays = list(calendar.holidays.values_list("day", "name", "source"))
    assert holidays == [
        (date(2027, 12, 6), "Itsenäisyyspäivä", "ical"),
        (date(2027, 12, 24), "Christmas", "ical"),
        (date(2027, 12, 25), "Christmas", "ical"),
        (date(2027, 12, 26), "Christmas", "ical"),
    ]
    calendar.refresh_from_db()
    assert calendar.version == 2
    assert actions.import_holidays(calendar, content=ICS, filename="fi.ics", actor=admin) == (0, 4)
    calendar.refresh_from_db()
    assert (calendar.holidays.count(), calendar.version) == (4, 2)
    events = AuditEvent.objects.filter(verb="calendar.holidays_imported").order_by("pk")
    assert [e.data["added"] for e in events] == [["2027-12-06", "2027-12-24", "2027-12-25", "2027-12-26"], []]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"Date,Name\n2027-12-06,Independence Day\n", "invalid_file"),
        (b"", "invalid_file"),
        (b"\xff\xfe\x00garbage", "invalid_file"),
        (b"BEGIN:VEVENT\r\nEND:VEVENT\r\n", "invalid_file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no_events"),
    ],
)
def test_import_refuses_what_is_not_an_icalendar_with_events(
    admin: Any, calendar: BusinessCalendar, content: bytes, code: str
) -> None:
    with pytest.raises(ActionError) as caught:
        actions.import_holidays(calendar, content=content, actor=admin)
    assert (caught.value.code, caught.value.field) == (code, "file")
    assert calendar.holidays.count() == 0


def test_generate_finnish_holidays_for_2027(admin: Any, calendar: BusinessCalendar) -> None:
    added, skipped = actions.generate_holidays(calendar, country="fi", year=2027, language="fi", actor=admin)
    days = dict(calendar.holidays.values_list("day", "name"))
    assert (added, skipped) == (len(days), 0)
    assert days[date(2027, 12, 6)] == "Itsenäisyyspäivä"
    assert days[date(2027, 3, 26)] == "Pitkäperjantai"
    assert date(2027, 3, 29) in days  # Easter Monday
    assert set(calendar.holidays.values_list("source", flat=True)) == {"generated"}
    assert actions.generate_holidays(calendar, country="FI", year=2027, actor=admin) == (0, added)
    assert AuditEvent.objects.filter(verb="calendar.holidays_generated").first().data["country"] == "FI"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("country", "year", "field"), [("XX", 2027, "country"), ("", 2027, "country"), ("FI", 1850, "year")]
)
def test_generate_refuses_unknown_countries_and_years(
    admin: Any, calendar: BusinessCalendar, country: str, year: int, field: str
) -> None:
    with pytest.raises(ActionError) as caught:
        actions.generate_holidays(calendar, country=country, year=year, actor=admin)
    assert caught.value.field == field
    assert calendar.holidays.count() == 0


def test_exceptions_replace_a_days_hours_and_are_saved_again_in_place(admin: Any, calendar: BusinessCalendar) -> None:
    exception = actions.save_exception(
        calendar, day=date(2027, 12, 24), name="Christmas Eve", windows=[(480, 720)], actor=admin
    )
    calendar.refresh_from_db()
    assert calendar.version == 2
    schedule = build_schedule(calendar)
    assert schedule.windows_on(date(2027, 12, 24)) == ((480, 720),)
    again = actions.save_exception(
        calendar, day=date(2027, 12, 24), name="Christmas Eve", windows=[(480, 660)], actor=admin
    )
    assert again.pk == exception.pk
    assert list(again.windows.values_list("start_minute", "end_minute")) == [(480, 660)]
    assert CalendarException.objects.count() == 1
    event = AuditEvent.objects.filter(verb="calendar.exception_saved").order_by("pk").last()
    assert event is not None and event.data == {
        "day": "2027-12-24",
        "before": {"name": "Christmas Eve", "windows": "08:00–12:00"},
        "after": {"name": "Christmas Eve", "windows": "08:00–11:00"},
        "version": 3,
    }
    actions.delete_exception(again, actor=admin)
    assert CalendarWindow.objects.filter(exception__isnull=False).count() == 0


def test_an_exception_needs_hours(admin: Any, calendar: BusinessCalendar) -> None:
    with pytest.raises(ActionError) as caught:
        actions.save_exception(calendar, day=date(2027, 12, 24), windows=[], actor=admin)
    assert (caught.value.code, caught.value.field) == ("no_windows", "windows")
    assert CalendarException.objects.count() == 0
