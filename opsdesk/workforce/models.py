"""Workforce planning (METRICS §6, ADR 0037): planning queues, forecast versions with their backtest and hand
adjustments, and staffing plans made from a forecast with the Erlang parameters.

A forecast's values lie on the queue calendar's local wall-clock grid: `first_day` at 00:00 local, then one value per
interval, `per_day` values a day whatever the day's length (a spring-forward day's missing hour stays empty, an
autumn day's repeated hour is counted once with both hours' contacts). Versions are kept: each request makes a new
numbered forecast; a staffing plan snapshots the adjusted volumes it was computed from and refers to its forecast,
which takes no more adjustments from then on.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.tickets.channels import ChannelGroup
from opsdesk.workforce import forecasting

INTERVALS = [(15, _("15 minutes")), (30, _("30 minutes")), (60, _("1 hour"))]


class PlanningQueue(models.Model):
    """What is forecast and staffed: one team's contacts of one channel group (all teams when no team is set), in a
    business calendar's time zone with its holidays (the default calendar when none is chosen)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    channel_group = models.CharField(_("channels"), max_length=10, choices=ChannelGroup.choices)
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("calendar"),
    )
    interval_minutes = models.PositiveSmallIntegerField(_("interval"), choices=INTERVALS, default=30)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["team", "channel_group"], name="planning_queue_once"),
            models.CheckConstraint(condition=Q(interval_minutes__in=[15, 30, 60]), name="planning_queue_interval"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workforce:queue_detail", args=[self.pk])

    @property
    def per_day(self) -> int:
        return 24 * 60 // self.interval_minutes


class Forecast(models.Model):
    """One forecast version of a queue: requested by a planner, computed in the worker."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Being computed")
        READY = "ready", _("Ready")
        FAILED = "failed", pgettext_lazy("forecast", "Failed")

    queue = models.ForeignKey(PlanningQueue, on_delete=models.PROTECT, related_name="forecasts")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.CharField(max_length=300, blank=True)
    time_zone = models.CharField(max_length=64)
    interval_minutes = models.PositiveSmallIntegerField()
    first_day = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("days"))
    history_weeks = models.PositiveSmallIntegerField(_("weeks of history"))
    history_start = models.DateField(null=True, blank=True)
    history_end = models.DateField(null=True, blank=True)  # the last day of history used
    history_total = models.FloatField(default=0)
    model = models.CharField(max_length=20, blank=True)  # the proposed model (forecasting.MODELS)
    values = models.JSONField(default=list)  # the model's forecast per interval, before adjustments
    backtest = models.JSONField(default=list)  # forecasting.Backtest.as_json() per model tried
    flagged = models.JSONField(default=dict)  # {"holidays": [iso days], "spikes": [[iso local start, value, used]]}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["queue", "number"], name="forecast_number_once"),
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=400), name="forecast_days"),
        ]

    def __str__(self) -> str:
        return f"{self.queue} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:forecast_detail", args=[self.pk])

    @property
    def per_day(self) -> int:
        return 24 * 60 // self.interval_minutes

    @property
    def model_name(self) -> str:
        return str(forecasting.NAMES.get(self.model, self.model))

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)


class ForecastAdjustment(models.Model):
    """A planner's change to a forecast over whole local days, in percent (e.g. +20 for a campaign week). The
    adjusted value of an interval is the model's value × Π (1 + p/100) over the adjustments covering its day."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="adjustments")
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    percent = models.DecimalField(_("change (%)"), max_digits=6, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["first_day", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="adjustment_days_order"),
            models.CheckConstraint(condition=Q(percent__gt=-100, percent__lte=1000), name="adjustment_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.percent:+}% {self.first_day}–{self.last_day}"


class StaffingPlan(models.Model):
    """Agents needed per interval for a forecast version under one set of Erlang parameters (METRICS §6.2–6.4). The
    adjusted volumes are kept with it, so the plan stays what it was when it was made."""

    class Method(models.TextChoices):
        ERLANG_C = "erlang_c", _("Erlang C (nobody hangs up)")
        ERLANG_A = "erlang_a", _("Erlang A (customers give up after their patience)")

    name = models.CharField(_("name"), max_length=100)
    forecast = models.ForeignKey(Forecast, on_delete=models.PROTECT, related_name="plans")
    method = models.CharField(_("model"), max_length=10, choices=Method.choices, default=Method.ERLANG_C)
    aht_seconds = models.PositiveIntegerField(_("average handle time (s)"))
    service_level = models.DecimalField(_("service level (%)"), max_digits=5, decimal_places=2)
    target_seconds = models.PositiveIntegerField(_("answered within (s)"))
    asa_seconds = models.PositiveIntegerField(_("average speed of answer at most (s)"), null=True, blank=True)
    max_occupancy = models.DecimalField(
        _("occupancy at most (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    patience_seconds = models.PositiveIntegerField(_("mean patience (s)"), null=True, blank=True)
    concurrency = models.PositiveSmallIntegerField(_("chats at once"), default=1)
    shrinkage = models.DecimalField(_("shrinkage (%)"), max_digits=5, decimal_places=2)
    volumes = models.JSONField(default=list)  # the adjusted forecast, per interval
    required = models.JSONField(default=list)  # productive agents needed, per interval
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workforce:plan_detail", args=[self.pk])
