"""Holiday feeds: read from a real HTTP server, applied, re-read after the feed changed, and refused or recorded
when they cannot be used."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine

from opsdesk.core.errors import ActionError
from opsdesk.sla import actions
from opsdesk.sla.models import BusinessCalendar, CalendarHoliday
from opsdesk.sla.tests.test_actions import ICS, WEEK


class Feed:
    body = ICS
    status = 200


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server hook
        self.send_response(Feed.status)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        self.wfile.write(Feed.body)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def feed_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Feed.body, Feed.status = ICS, 200
    yield f"http://127.0.0.1:{server.server_address[1]}/fi.ics"
    server.shutdown()


@pytest.fixture
def calendar(manager: Any) -> BusinessCalendar:
    return actions.save_calendar(None, name="Helsinki office", time_zone="Europe/Helsinki", weekly=WEEK, actor=manager)


def test_a_feed_is_read_and_re_read_with_removals(calendar: BusinessCalendar, manager: Any, feed_url: str) -> None:
    actions.set_feed(calendar, url=feed_url, actor=manager)
    with time_machine.travel(date(2027, 6, 1)):
        assert actions.sync_feed(BusinessCalendar.objects.get(pk=calendar.pk)) == 4
        days = set(calendar.holidays.values_list("day", flat=True))
        assert days == {date(2027, 12, 6), date(2027, 12, 24), date(2027, 12, 25), date(2027, 12, 26)}
        version = BusinessCalendar.objects.get(pk=calendar.pk).version
        Feed.body = ICS.replace(b"DTEND;VALUE=DATE:20271227", b"DTEND;VALUE=DATE:20271225")  # Christmas Eve only
        assert actions.sync_feed(BusinessCalendar.objects.get(pk=calendar.pk)) == 2
    assert set(calendar.holidays.values_list("day", flat=True)) == {date(2027, 12, 6), date(2027, 12, 24)}
    read = BusinessCalendar.objects.get(pk=calendar.pk)
    assert read.version == version + 1 and read.ical_error == "" and read.ical_synced_at is not None


def test_an_unreadable_feed_keeps_the_holidays_and_says_why(
    calendar: BusinessCalendar, manager: Any, feed_url: str
) -> None:
    actions.set_feed(calendar, url=feed_url, actor=manager)
    actions.sync_feed(BusinessCalendar.objects.get(pk=calendar.pk))
    count = CalendarHoliday.objects.filter(calendar=calendar).count()
    Feed.body = b"<html>not a calendar</html>"
    assert actions.sync_feed(BusinessCalendar.objects.get(pk=calendar.pk)) == 0
    assert BusinessCalendar.objects.get(pk=calendar.pk).ical_error == "The feed is not an iCalendar (.ics) file."
    Feed.status = 500
    actions.sync_feed(BusinessCalendar.objects.get(pk=calendar.pk))
    assert "could not be read" in BusinessCalendar.objects.get(pk=calendar.pk).ical_error
    assert CalendarHoliday.objects.filter(calendar=calendar).count() == count


def test_only_http_addresses_are_taken(calendar: BusinessCalendar, manager: Any, lead: Any) -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/a.ics"):
        with pytest.raises(ActionError) as caught:
            actions.set_feed(calendar, url=url, actor=manager)
        assert caught.value.field == "url"
    with pytest.raises(ActionError):
        actions.set_feed(calendar, url="https://example.com/a.ics", actor=lead)
    assert BusinessCalendar.objects.get(pk=calendar.pk).ical_url == ""


def test_the_feed_form_shows_a_field_error(client: Any, calendar: BusinessCalendar, manager: Any) -> None:
    client.force_login(manager)
    page = client.post(f"/settings/calendars/{calendar.pk}/holidays/feed/", {"url": "file:///etc/passwd"})
    assert page.status_code == 400
    assert page.context["feed_form"].errors["url"] == ["Give an http or https address."]
