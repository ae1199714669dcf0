"""Business calendars (METRICS.md §2.4): a time zone, open windows per weekday, holidays and date exceptions.

`opsdesk.sla.schedules.schedule_for(calendar)` turns one into a `business_time.Schedule`. Every edit goes through
`opsdesk.sla.actions`, which bumps the calendar's `version`, so stored values can name `calendar id@version` and a
cached schedule knows it is stale. Windows are minutes after local midnight, `[start, end)`, end up to 1440 (24:00).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsdesk.core.models import TimeStampedModel

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class BusinessCalendar(TimeStampedModel):
    """When the support desk is open: the clocks of SLA targets in business hours count only open time. One calendar
    is the account default (METRICS §0: used when neither the policy nor the team names one)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64)
    always_open = models.BooleanField(_("open 24/7"), default=False)
    is_default = models.BooleanField(_("default calendar"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sla:calendar_detail", args=[self.pk])

    @property
    def version_key(self) -> str:
        """`id@version`, as METRICS §0 stores it beside business-time values."""
        return f"{self.pk}@{self.version}"


class CalendarException(models.Model):
    """A date whose open windows replace the weekday's: an extra working day (a Saturday opened) or changed hours
    (a shortened Christmas Eve). A date closed all day is a holiday instead. An exception wins over a holiday."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["day"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["calendar", "day"], name="calendar_exception_once")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}".strip()


class CalendarWindow(models.Model):
    """One open window: on a weekday (`weekday` 0 = Monday … 6 = Sunday) or on an exception's date, never both."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS, null=True, blank=True)
    exception = models.ForeignKey(
        CalendarException, on_delete=models.CASCADE, related_name="windows", null=True, blank=True
    )
    start_minute = models.PositiveSmallIntegerField(_("opens"))
    end_minute = models.PositiveSmallIntegerField(_("closes"))

    class Meta:
        ordering: ClassVar = ["weekday", "start_minute"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(start_minute__lt=models.F("end_minute"), end_minute__lte=1440), name="window_in_day"
            ),
            models.CheckConstraint(
                condition=(Q(weekday__isnull=False, weekday__lte=6, exception__isnull=True))
                | Q(weekday__isnull=True, exception__isnull=False),
                name="window_weekday_or_exception",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday}: {self.start_minute}-{self.end_minute}"


class CalendarHoliday(models.Model):
    """A whole local date the calendar is closed, entered by hand, imported from an iCalendar file or generated for a
    country and year. One per date: importing or generating again skips the dates already there."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        ICAL = "ical", _("Imported from iCalendar")
        GENERATED = "generated", _("Generated for a country")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering: ClassVar = ["day"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["calendar", "day"], name="calendar_holiday_once")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"
