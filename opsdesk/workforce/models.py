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


# --- Schedules (METRICS §6.5) --------------------------------------------------------------------------------------


class Activity(models.TextChoices):
    WORK = "work", _("Work")
    BREAK = "break", _("Break")
    LUNCH = "lunch", _("Lunch")
    MEETING = "meeting", _("Meeting")
    TRAINING = "training", _("Training")
    OFF = "off", pgettext_lazy("activity", "Off")


class ShiftTemplate(models.Model):
    """A shift's shape: when it starts in the agent's local time, how long it lasts, and the activities inside it
    (breaks, lunch, meetings, training) as offsets from its start. The rest of the shift is work."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    start_minute = models.PositiveSmallIntegerField(_("starts"))  # minutes after local midnight
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    activities = models.JSONField(default=list, blank=True)  # [{"activity": "break", "offset": 120, "minutes": 15}]
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["start_minute", "name"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(start_minute__lt=1440), name="shift_template_start"),
            models.CheckConstraint(condition=Q(minutes__gte=15, minutes__lte=960), name="shift_template_length"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def start_label(self) -> str:
        end = (self.start_minute + self.minutes) % 1440
        return f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}–{end // 60:02d}:{end % 60:02d}"


class Rotation(models.Model):
    """Templates per weekday over one or more weeks, repeated: week k of a schedule uses `weeks[k % len(weeks)]`,
    seven template ids (Monday first) or null for a day off."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    weeks = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """One agent's shift (UTC instants), draft until published. Its activities lie inside it without overlapping;
    the rest of it is work. An agent's shifts never overlap."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField()
    end = models.DateTimeField()
    template = models.ForeignKey(ShiftTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["start", "agent_id"]
        indexes: ClassVar = [
            models.Index(fields=["agent", "start"], name="shift_agent_start"),
            models.Index(fields=["start", "end"], name="shift_period"),
        ]
        constraints: ClassVar = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_order")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class ShiftActivity(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="activities")
    activity = models.CharField(max_length=10, choices=Activity.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["start"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_activity_order"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.start:%H:%M}–{self.end:%H:%M}"


class TimeOff(models.Model):
    """An agent's request to be off from one instant to another (entered in their local time), approved or declined
    by a planner. Approved time off removes the shifts' work in it from coverage."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["start", "id"]
        indexes: ClassVar = [models.Index(fields=["agent", "start"], name="time_off_agent_start")]
        constraints: ClassVar = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="time_off_order")]

    def __str__(self) -> str:
        return f"{self.agent_id} off {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class AgentState(models.Model):
    """A span of an agent's state as recorded from the workspace: presence (online → available, away → break,
    offline) and the state an agent chooses (break, lunch, meeting, training). Contacts (on_contact) and after-contact
    work are read from the channels' records when the timeline is composed (workforce/states.py). The open span has
    no end."""

    class State(models.TextChoices):
        AVAILABLE = "available", _("Available")
        ON_CONTACT = "on_contact", _("On a contact")
        ACW = "acw", _("After-contact work")
        BREAK = "break", _("Break")
        LUNCH = "lunch", _("Lunch")
        MEETING = "meeting", _("Meeting")
        TRAINING = "training", _("Training")
        OFFLINE = "offline", _("Offline")

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="states")
    state = models.CharField(max_length=12, choices=State.choices)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["start", "id"]
        indexes: ClassVar = [models.Index(fields=["agent", "start"], name="agent_state_agent_start")]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agent"], condition=Q(end__isnull=True), name="agent_state_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.state} from {self.start:%Y-%m-%d %H:%M}"


# --- Budget (METRICS §7) -------------------------------------------------------------------------------------------


class CostCentre(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, blank=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Budget(models.Model):
    """A budget version of a cost centre for a year: labour from a staffing plan (workload-based) and non-labour lines.
    Draft versions are edited; approving freezes a version (no more changes), and a frozen one is the year's
    baseline for variance."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", pgettext_lazy("budget", "Approved")
        FROZEN = "frozen", pgettext_lazy("budget", "Frozen")

    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=100)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    plan = models.ForeignKey(
        StaffingPlan, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("staffing plan")
    )
    salary = models.DecimalField(_("salary per FTE-year"), max_digits=12, decimal_places=2)
    loading = models.DecimalField(_("benefits and taxes (%)"), max_digits=5, decimal_places=2)
    seat_cost = models.DecimalField(_("per-seat cost per FTE-year"), max_digits=12, decimal_places=2)
    paid_hours = models.DecimalField(_("paid hours per FTE-year"), max_digits=6, decimal_places=1)
    attrition = models.DecimalField(_("attrition per month (%)"), max_digits=5, decimal_places=2)
    ramp_weeks = models.PositiveSmallIntegerField(_("new-hire ramp (weeks)"))
    starting_fte = models.DecimalField(_("FTE at the start"), max_digits=8, decimal_places=2)
    gap_threshold = models.DecimalField(_("flag a gap above (%)"), max_digits=5, decimal_places=2, default=5)
    volume_index = models.JSONField(default=list)  # 12 monthly factors of the plan's workload ("1.2" for +20 %)
    months = models.JSONField(default=list)  # the computed months (budgeting.Month as text), kept with the version
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-year", "cost_centre_id", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cost_centre", "year", "number"], name="budget_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cost_centre} {self.year} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:budget_detail", args=[self.pk])


class BudgetLine(models.Model):
    """A non-labour line: a fixed amount a month, or a rate per FTE, per contact or per productive hour."""

    class Category(models.TextChoices):
        TOOLS = "tools", _("Tools and licences")
        TELEPHONY = "telephony", _("Telephony")
        QA_WFM = "qa_wfm", _("QA and workforce tools")
        FACILITIES = "facilities", _("Facilities")
        OUTSOURCING = "outsourcing", _("Outsourcing")
        RECRUITING = "recruiting", _("Recruiting")
        TRAINING = "training", _("Training")
        INCENTIVES = "incentives", _("Incentives")
        OVERTIME = "overtime", _("Overtime")

    class Basis(models.TextChoices):
        MONTH = "month", _("per month")
        FTE = "fte", _("per FTE a month")
        CONTACT = "contact", _("per contact")
        HOUR = "hour", _("per productive hour")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices)
    rate = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering: ClassVar = ["category", "name", "id"]

    def __str__(self) -> str:
        return self.name


class BudgetActual(models.Model):
    """A month's actual figures of a cost centre, entered or imported: costs by category (labour or a non-labour
    category) and, for labour, the drivers of the variance split (contacts, AHT, occupancy, shrinkage, rate)."""

    cost_centre = models.ForeignKey(CostCentre, on_delete=models.CASCADE, related_name="actuals")
    month = models.DateField()  # the first day of the month
    category = models.CharField(max_length=12)  # "labour" or BudgetLine.Category
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    contacts = models.PositiveIntegerField(null=True, blank=True)
    aht_seconds = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    occupancy = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)  # percent
    shrinkage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)  # percent
    rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)  # per paid hour
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["month", "category"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cost_centre", "month", "category"], name="budget_actual_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cost_centre_id} {self.month:%Y-%m} {self.category}"
