"""Every write to business calendars. Each checks the rule, bumps the calendar's version (values computed with a
calendar name `id@version`, METRICS §0) and records an audit row in its own transaction."""

from __future__ import annotations

import urllib.request
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import holidays as holiday_library
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.sla import ical
from opsdesk.sla.business_time import InvalidWindows, Window, check_windows, format_windows, is_valid_time_zone
from opsdesk.sla.models import BusinessCalendar, CalendarException, CalendarHoliday, CalendarWindow, SlaPolicy

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

FIRST_YEAR, LAST_YEAR = 2000, 2100  # holidays are generated for these years only
NAME_LIMIT = 200
REPEAT_YEARS = 5  # a repeating iCalendar event becomes holidays up to this many years ahead


def windows_error(error: InvalidWindows) -> str:
    """The translated sentence for a refused set of windows."""
    messages = {
        "format": _("Write hours as 08:00–12:00, with several windows separated by commas."),
        "range": _("Hours run from 00:00 to 24:00."),
        "order": _("A window must close after it opens."),
        "overlap": _("Windows may not overlap."),
    }
    message = messages.get(error.code, messages["format"])
    return f"{message} ({error.text})" if error.text else message


def _check(windows: Sequence[Sequence[int]], *, field: str) -> list[Window]:
    try:
        return check_windows(windows)
    except InvalidWindows as error:
        raise ActionError("invalid_windows", windows_error(error), field=field, status=422)


def _lock(calendar: BusinessCalendar) -> BusinessCalendar:
    return BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)


def _bump(calendar: BusinessCalendar) -> None:
    BusinessCalendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1, updated_at=timezone.now())
    calendar.refresh_from_db(fields=["version", "updated_at"])
    _reapply(calendar)


def _reapply(calendar: BusinessCalendar) -> None:
    """Recompute the deadlines of the tickets whose policy counts in this calendar (METRICS.md §2.6), after commit."""
    governed = Q(calendar=calendar) | (Q(calendar__isnull=True) if calendar.is_default else Q(pk__in=[]))
    ids = list(SlaPolicy.objects.filter(governed).values_list("pk", flat=True))
    if ids:
        enqueue_on_commit("opsdesk.sla.tasks.reapply_policies", ",".join(map(str, ids)))


def _weekly(calendar: BusinessCalendar) -> list[str]:
    week: list[list[Window]] = [[] for _ in range(7)]
    for row in calendar.windows.filter(weekday__isnull=False).order_by("weekday", "start_minute"):
        week[row.weekday or 0].append((row.start_minute, row.end_minute))
    return [format_windows(day) for day in week]


def _snapshot(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "always_open": calendar.always_open,
        "weekly": _weekly(calendar),
    }


@transaction.atomic
def save_calendar(
    calendar: BusinessCalendar | None,
    *,
    name: str,
    time_zone: str,
    always_open: bool = False,
    weekly: Sequence[Sequence[Sequence[int]]],
    actor: User | None,
) -> BusinessCalendar:
    """Create a calendar (None) or change one: its name, time zone, 24/7 switch and windows per weekday (seven
    lists, Monday first). A calendar that is not 24/7 needs at least one window: one with none could never reach
    a deadline."""
    require(actor, Capability.MANAGE_SLA)
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("required", _("Enter a name."), field="name", status=422)
    if len(name) > 100:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 100}, field="name", status=422)
    if not is_valid_time_zone(time_zone or ""):
        message = _("Choose a time zone from the list, such as Europe/Helsinki.")
        raise ActionError("invalid_time_zone", message, field="time_zone", status=422)
    if len(weekly) != 7:
        raise ActionError("invalid_windows", _("Give the hours of all seven weekdays."), field="weekly", status=422)
    week = [_check(day, field=f"weekday_{number}") for number, day in enumerate(weekly)]
    if not always_open and not any(week):
        message = _("Enter the opening hours of at least one weekday, or make the calendar open 24/7.")
        raise ActionError("no_windows", message, field="weekday_0", status=422)
    taken = BusinessCalendar.objects.filter(name__iexact=name)
    if calendar is not None:
        taken = taken.exclude(pk=calendar.pk)
    if taken.exists():
        raise ActionError("name_taken", _("A calendar with this name exists already."), field="name")
    if calendar is None:
        calendar = BusinessCalendar.objects.create(
            name=name,
            time_zone=time_zone,
            always_open=always_open,
            is_default=not BusinessCalendar.objects.filter(is_default=True).exists(),
        )
        before: dict[str, Any] = {}
    else:
        calendar = _lock(calendar)
        before = _snapshot(calendar)
        calendar.name, calendar.time_zone, calendar.always_open = name, time_zone, always_open
    after = {
        "name": name,
        "time_zone": time_zone,
        "always_open": always_open,
        "weekly": [format_windows(d) for d in week],
    }
    if before == after:
        return calendar  # saved unchanged: no new version
    if before:
        calendar.save(update_fields=["name", "time_zone", "always_open", "updated_at"])
        _bump(calendar)
    CalendarWindow.objects.filter(calendar=calendar, weekday__isnull=False).delete()
    CalendarWindow.objects.bulk_create(
        CalendarWindow(calendar=calendar, weekday=number, start_minute=start, end_minute=end)
        for number, day in enumerate(week)
        for start, end in day
    )
    verb = "calendar.updated" if before else "calendar.created"
    data = {"before": before, "after": after, "version": calendar.version}
    audit.record(actor=actor, verb=verb, target=calendar, data=data)
    return calendar


@transaction.atomic
def set_default_calendar(calendar: BusinessCalendar, *, actor: User | None) -> BusinessCalendar:
    """Make `calendar` the account default (METRICS §0), the one used when nothing more specific names one."""
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(calendar)
    if calendar.is_default:
        return calendar
    previous = BusinessCalendar.objects.select_for_update().filter(is_default=True).first()
    if previous is not None:
        previous.is_default = False
        previous.save(update_fields=["is_default", "updated_at"])
    calendar.is_default = True
    calendar.save(update_fields=["is_default", "updated_at"])
    _reapply(calendar)
    data = {"before": previous.pk if previous else None, "after": calendar.pk}
    audit.record(actor=actor, verb="calendar.default_set", target=calendar, data=data)
    return calendar


def _holiday_name(name: str, *, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("required", _("Enter a name."), field=field, status=422)
    if len(name) > NAME_LIMIT:
        message = _("Use at most %(n)d characters.") % {"n": NAME_LIMIT}
        raise ActionError("too_long", message, field=field, status=422)
    return name


@transaction.atomic
def add_holiday(calendar: BusinessCalendar, *, day: date, name: str, actor: User | None) -> CalendarHoliday:
    """Close the calendar on a date, entered by hand."""
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(calendar)
    name = _holiday_name(name)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        message = _("Choose a date between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise ActionError("out_of_range", message, field="day", status=422)
    if calendar.holidays.filter(day=day).exists():
        raise ActionError("holiday_taken", _("This date is a holiday already."), field="day")
    holiday = CalendarHoliday.objects.create(calendar=calendar, day=day, name=name)
    _bump(calendar)
    data = {"day": day.isoformat(), "name": name, "version": calendar.version}
    audit.record(actor=actor, verb="calendar.holiday_added", target=calendar, data=data)
    return holiday


@transaction.atomic
def delete_holiday(holiday: CalendarHoliday, *, actor: User | None) -> BusinessCalendar:
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(holiday.calendar)
    deleted, _counts = CalendarHoliday.objects.filter(pk=holiday.pk).delete()
    if not deleted:
        return calendar  # deleted already (a second click)
    _bump(calendar)
    data = {"day": holiday.day.isoformat(), "name": holiday.name, "version": calendar.version}
    audit.record(actor=actor, verb="calendar.holiday_deleted", target=calendar, data=data)
    return calendar


def _add_many(
    calendar: BusinessCalendar, found: dict[date, str], source: str, *, verb: str, actor: User | None, **info: Any
) -> tuple[int, int]:
    """Add the dates not yet holidays (the rest are skipped, so importing twice adds nothing); (added, skipped)."""
    existing = set(calendar.holidays.filter(day__in=list(found)).values_list("day", flat=True))
    new = [
        CalendarHoliday(calendar=calendar, day=day, name=name[:NAME_LIMIT], source=source)
        for day, name in sorted(found.items())
        if day not in existing
    ]
    CalendarHoliday.objects.bulk_create(new)
    if new:
        _bump(calendar)
    data = {**info, "added": [h.day.isoformat() for h in new], "skipped": len(existing), "version": calendar.version}
    audit.record(actor=actor, verb=verb, target=calendar, data=data)
    return len(new), len(existing)


@transaction.atomic
def import_holidays(
    calendar: BusinessCalendar, *, content: bytes, filename: str = "", actor: User | None
) -> tuple[int, int]:
    """Add the all-day events of an iCalendar file as holidays; (added, skipped as already there)."""
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(calendar)
    try:
        repeat = timezone.now().year + REPEAT_YEARS
        found = ical.all_day_dates(content, first_year=FIRST_YEAR, last_year=LAST_YEAR, repeat_until_year=repeat)
    except ical.NotICalendar:
        message = _("This is not an iCalendar (.ics) file.")
        raise ActionError("invalid_file", message, field="file", status=422)
    if not found:
        message = _("The file has no all-day events to import.")
        raise ActionError("no_events", message, field="file", status=422)
    source = CalendarHoliday.Source.ICAL
    return _add_many(calendar, found, source, verb="calendar.holidays_imported", actor=actor, file=filename[:200])


def supported_countries() -> list[str]:
    """ISO 3166 alpha-2 codes of the countries the `holidays` library knows."""
    return sorted(code for code in holiday_library.list_supported_countries() if len(code) == 2)


@transaction.atomic
def generate_holidays(
    calendar: BusinessCalendar, *, country: str, year: int, language: str = "", actor: User | None
) -> tuple[int, int]:
    """Add a country's public holidays for a year (the `holidays` library), names in `language` when it has
    them; (added, skipped as already there)."""
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(calendar)
    country = (country or "").strip().upper()
    if country not in supported_countries():
        message = _("Choose a country from the list.")
        raise ActionError("invalid_country", message, field="country", status=422)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = _("Choose a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise ActionError("out_of_range", message, field="year", status=422)
    supported = holiday_library.list_localized_countries().get(country, [])
    kwargs: dict[str, Any] = {"language": language} if language in supported else {}
    found = dict(holiday_library.country_holidays(country, years=year, **kwargs).items())
    info = {"country": country, "year": year}
    source = CalendarHoliday.Source.GENERATED
    return _add_many(calendar, found, source, verb="calendar.holidays_generated", actor=actor, **info)


@transaction.atomic
def save_exception(
    calendar: BusinessCalendar,
    *,
    day: date,
    name: str = "",
    windows: Sequence[Sequence[int]],
    actor: User | None,
) -> CalendarException:
    """Give a date its own windows (replacing the weekday's, or opening a closed day); saving a date again replaces
    its windows. A date closed all day is a holiday, so an exception needs at least one window."""
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(calendar)
    name = " ".join((name or "").split())
    if len(name) > NAME_LIMIT:
        message = _("Use at most %(n)d characters.") % {"n": NAME_LIMIT}
        raise ActionError("too_long", message, field="name", status=422)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        message = _("Choose a date between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise ActionError("out_of_range", message, field="day", status=422)
    checked = _check(windows, field="windows")
    if not checked:
        message = _("Enter the hours the desk is open that day; a day closed all day is a holiday.")
        raise ActionError("no_windows", message, field="windows", status=422)
    exception, created = CalendarException.objects.get_or_create(calendar=calendar, day=day, defaults={"name": name})
    before = {} if created else {"name": exception.name, "windows": format_windows(_exception_windows(exception))}
    after = {"name": name, "windows": format_windows(checked)}
    if before == after:
        return exception
    if not created and exception.name != name:
        exception.name = name
        exception.save(update_fields=["name"])
    exception.windows.all().delete()
    CalendarWindow.objects.bulk_create(
        CalendarWindow(calendar=calendar, exception=exception, start_minute=start, end_minute=end)
        for start, end in checked
    )
    _bump(calendar)
    data = {"day": day.isoformat(), "before": before, "after": after, "version": calendar.version}
    audit.record(actor=actor, verb="calendar.exception_saved", target=calendar, data=data)
    return exception


def _exception_windows(exception: CalendarException) -> list[Window]:
    return [(w.start_minute, w.end_minute) for w in exception.windows.order_by("start_minute")]


@transaction.atomic
def delete_exception(exception: CalendarException, *, actor: User | None) -> BusinessCalendar:
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(exception.calendar)
    windows = format_windows(_exception_windows(exception))
    deleted, _counts = CalendarException.objects.filter(pk=exception.pk).delete()
    if not deleted:
        return calendar
    _bump(calendar)
    data = {"day": exception.day.isoformat(), "name": exception.name, "windows": windows, "version": calendar.version}
    audit.record(actor=actor, verb="calendar.exception_deleted", target=calendar, data=data)
    return calendar


FEED_MAX_BYTES = 2 * 1024 * 1024
FEED_TIMEOUT = 15


class FeedError(Exception):
    """The feed could not be read: the sentence says why, in the reader's language."""


def fetch_feed(url: str) -> bytes:
    """The feed's bytes (http or https only, at most 2 MB, 15 s); FeedError otherwise."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedError(_("Give an http or https address."))
    request = urllib.request.Request(url, headers={"User-Agent": "OpsDesk holiday feed"})  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=FEED_TIMEOUT) as response:  # noqa: S310 - scheme checked
            content = response.read(FEED_MAX_BYTES + 1)
    except (OSError, ValueError) as error:
        raise FeedError(_("The feed could not be read: %(error)s") % {"error": str(error)[:200]}) from error
    if len(content) > FEED_MAX_BYTES:
        raise FeedError(_("The feed is larger than 2 MB."))
    return content


@transaction.atomic
def apply_feed(calendar: BusinessCalendar, *, content: bytes | None, error: str = "", actor: User | None) -> int:
    """Store what a read of the calendar's feed found: its all-day events become holidays, and future holidays that
    came from the feed but are no longer in it are removed. An unreadable feed changes no holiday and records the
    error. Returns the number of holidays added or removed."""
    require(actor, Capability.MANAGE_SLA)
    calendar = _lock(calendar)
    found: dict[date, str] = {}
    if content is not None and not error:
        try:
            repeat = timezone.now().year + REPEAT_YEARS
            found = ical.all_day_dates(content, first_year=FIRST_YEAR, last_year=LAST_YEAR, repeat_until_year=repeat)
        except ical.NotICalendar:
            error = _("The feed is not an iCalendar (.ics) file.")
    calendar.ical_synced_at, calendar.ical_error = timezone.now(), error[:300]
    calendar.save(update_fields=["ical_synced_at", "ical_error"])
    if error:
        return 0
    today = timezone.localdate()
    gone = calendar.holidays.filter(source=CalendarHoliday.Source.ICAL, day__gte=today).exclude(day__in=list(found))
    removed = [h.day.isoformat() for h in gone]
    gone.delete()
    added, _skipped = _add_many(
        calendar, found, CalendarHoliday.Source.ICAL, verb="calendar.feed_synced", actor=actor, removed=removed
    )
    if removed and not added:
        _bump(calendar)
    return added + len(removed)


@transaction.atomic
def set_feed(calendar: BusinessCalendar, *, url: str, actor: User | None) -> BusinessCalendar:
    """Set (or clear, with "") the calendar's holiday feed; it is read after commit and then every day."""
    require(actor, Capability.MANAGE_SLA)
    url = (url or "").strip()
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise ActionError("invalid_url", _("Give an http or https address."), field="url", status=422)
    if len(url) > 500:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 500}, field="url", status=422)
    calendar = _lock(calendar)
    before = calendar.ical_url
    calendar.ical_url, calendar.ical_error = url, ""
    calendar.save(update_fields=["ical_url", "ical_error", "updated_at"])
    audit.record(actor=actor, verb="calendar.feed_set", target=calendar, data={"before": before, "after": url})
    if url:
        enqueue_on_commit("opsdesk.sla.tasks.sync_holiday_feed", calendar.pk)
    return calendar


def sync_feed(calendar: BusinessCalendar) -> int:
    """Read the feed (outside any transaction: a slow server holds no lock) and store what it gave."""
    if not calendar.ical_url:
        return 0
    try:
        content, error = fetch_feed(calendar.ical_url), ""
    except FeedError as failure:
        content, error = None, str(failure)
    return apply_feed(calendar, content=content, error=error, actor=None)
