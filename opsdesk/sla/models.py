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
    # An iCalendar feed of holidays (METRICS §2.4), read when set and again every day.
    ical_url = models.URLField(_("holiday feed (iCalendar URL)"), max_length=500, blank=True, default="")
    ical_synced_at = models.DateTimeField(null=True, blank=True)
    ical_error = models.CharField(max_length=300, blank=True, default="")

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


PRIORITIES = [
    ("low", _("Low")),
    ("normal", _("Normal")),
    ("high", _("High")),
    ("urgent", _("Urgent")),
]

METRICS = [
    ("first_reply", _("First reply")),
    ("next_reply", _("Next reply")),
    ("periodic_update", _("Periodic update")),
    ("pausable_update", _("Pausable update")),
    ("requester_wait", _("Requester wait time")),
    ("agent_work", _("Agent work time")),
    ("total_resolution", _("Total resolution time")),
]

PAUSE_CATEGORIES = [("pending", _("Pending")), ("on_hold", _("On hold"))]


class SlaPolicy(TimeStampedModel):
    """Promised times for the tickets its conditions match (METRICS.md §2.1). Policies are tried in `position`
    order and the first whose conditions match applies; the default policy matches every ticket and comes last.
    `conditions` is a filter of the one filter language (tickets/filters.py, ADR 0011), stored as its JSON.
    Every edit bumps `version` (opsdesk.sla.policies), so each clock names the policy version it was measured by."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("business calendar"),
    )
    # The status categories in which requester wait and pausable update clocks stop counting (METRICS.md §2.2).
    pause_categories = models.JSONField(_("paused in"), default=list, blank=True)
    is_default = models.BooleanField(_("default policy"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering: ClassVar = ["is_default", "position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_sla_policy")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sla:policy_detail", args=[self.pk])

    @property
    def version_key(self) -> str:
        return f"{self.pk}@{self.version}"


class SlaTarget(models.Model):
    """One promised time: for tickets of `priority` under the policy, `metric` within `seconds`, counted in the
    calendar's business hours or round the clock, with a warning `warn_before` seconds ahead."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(_("priority"), max_length=10, choices=PRIORITIES)
    metric = models.CharField(_("metric"), max_length=20, choices=METRICS)
    seconds = models.PositiveIntegerField(_("target"))
    business_hours = models.BooleanField(_("in business hours"), default=True)
    warn_before = models.PositiveIntegerField(_("warn before"), default=900)

    class Meta:
        ordering: ClassVar = ["policy", "priority", "metric"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["policy", "priority", "metric"], name="sla_target_once"),
            models.CheckConstraint(condition=Q(seconds__gt=0), name="sla_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.priority} {self.metric} {self.seconds}"


class Escalation(models.Model):
    """What happens when a clock of the policy warns or breaches: after `delay` seconds from that event (0 at
    once), notify people, raise the priority, move the ticket to another team, add a tag. Levels are the rules'
    delays: level 1 at the breach, level 2 an hour later, and so on. Each fires once per clock."""

    class Trigger(models.TextChoices):
        WARNED = "warned", _("Warning")
        BREACHED = "breached", _("Breach")

    class Notify(models.TextChoices):
        ASSIGNEE = "assignee", _("The assignee")
        TEAM_LEADS = "team_leads", _("The team's leads")
        MANAGERS = "managers", _("Managers")

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    trigger = models.CharField(_("on"), max_length=10, choices=Trigger.choices, default=Trigger.BREACHED)
    metric = models.CharField(_("metric"), max_length=20, choices=METRICS, blank=True, default="")
    delay = models.PositiveIntegerField(_("after"), default=0)
    notify = models.JSONField(_("notify"), default=list, blank=True)
    by_email = models.BooleanField(_("also by email"), default=False)
    raise_priority = models.BooleanField(_("raise the priority"), default=False)
    move_to_team = models.ForeignKey(
        "people.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("move to team"),
    )
    add_tag = models.CharField(_("add tag"), max_length=60, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["policy", "level", "delay", "id"]

    def __str__(self) -> str:
        return f"{self.policy_id} L{self.level} {self.trigger}+{self.delay}"
