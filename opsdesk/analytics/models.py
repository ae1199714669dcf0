"""Analytics: per-ticket KPI facts, their daily rollups, goals, scheduled reports and shared dashboards.

Facts and rollups are derived data, kept by the `analytics.kpis` consumer from the ticket timeline and rebuilt by
`opsdesk analytics-rebuild` (docs/adr/0026-kpi-rollups.md); people's writes (goals, subscriptions, shares, saved
views) go through analytics/actions.py.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventCount(models.Model):
    """How many ticket events of a kind and source happened on a UTC day: the first rollup over the event log,
    and the check that the consumer mechanism neither loses nor doubles an event (its sum equals the log's count)."""

    day = models.DateField()
    kind = models.CharField(max_length=40)
    source = models.CharField(max_length=12)
    count = models.BigIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["-day", "kind", "source"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["day", "kind", "source"], name="event_count_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.source}: {self.count}"


class TicketFacts(models.Model):
    """One ticket's KPI values (analytics/facts.py), with the reporting day of each value's end event. The
    drill-down reads values from here; the rollups are sums over these rows and `TicketActivity`."""

    ticket = models.OneToOneField("tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="+")
    counted = models.BooleanField(default=True)  # false for merge sources, which every KPI leaves out
    # The ticket's current attributes (cuts use them); ids are plain integers, no constraints to slow the rebuild.
    team_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=10)
    language = models.CharField(max_length=8)
    priority = models.CharField(max_length=10)
    organization_id = models.BigIntegerField(null=True)
    created_by = models.CharField(max_length=10)
    calendar = models.CharField(max_length=24, blank=True, default="")  # business-hours calendar, id@version
    created_at = models.DateTimeField()
    created_day = models.DateField()
    created_hour = models.PositiveSmallIntegerField()  # 0–23 in the reporting zone
    first_reply_at = models.DateTimeField(null=True)
    first_reply_day = models.DateField(null=True)
    first_reply_agent_id = models.BigIntegerField(null=True)
    frt = models.IntegerField(null=True)
    frt_bh = models.IntegerField(null=True)
    first_solved_at = models.DateTimeField(null=True)
    first_solved_day = models.DateField(null=True)
    first_solved_agent_id = models.BigIntegerField(null=True)
    first_resolution = models.IntegerField(null=True)
    first_resolution_bh = models.IntegerField(null=True)
    solved_at = models.DateTimeField(null=True)
    solved_day = models.DateField(null=True)
    solved_agent_id = models.BigIntegerField(null=True)
    resolution = models.IntegerField(null=True)
    resolution_bh = models.IntegerField(null=True)
    requester_wait = models.IntegerField(null=True)
    requester_wait_bh = models.IntegerField(null=True)
    agent_work = models.IntegerField(null=True)
    agent_work_bh = models.IntegerField(null=True)
    pending_time = models.IntegerField(null=True)
    on_hold_time = models.IntegerField(null=True)
    public_replies = models.IntegerField(default=0)
    reopens = models.IntegerField(default=0)
    one_touch = models.BooleanField(null=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["created_day"], name="facts_created_day"),
            # Each day column with the values counted on it: the exact figures of a drill-down read every value of
            # a period from the index alone (215,000 first reply times over 90 days of a million tickets: 660 ms
            # through the table rows on SQLite, 72 ms from the index).
            models.Index(fields=["first_reply_day", "counted", "frt", "frt_bh"], name="facts_first_reply"),
            models.Index(
                fields=["first_solved_day", "counted", "first_resolution", "first_resolution_bh"],
                name="facts_first_solved",
            ),
            models.Index(
                fields=[
                    "solved_day",
                    "counted",
                    "resolution",
                    "resolution_bh",
                    "requester_wait",
                    "requester_wait_bh",
                    "agent_work",
                    "agent_work_bh",
                ],
                name="facts_solved",
            ),
            models.Index(fields=["organization_id", "created_day"], name="facts_organization"),
        ]

    def __str__(self) -> str:
        return f"facts of #{self.ticket_id}"


class TicketActivity(models.Model):
    """A countable thing that happened to a ticket on a reporting day (analytics/facts.py `Activity`)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=16)
    detail = models.CharField(max_length=20, blank=True, default="")
    at = models.DateTimeField()
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    agent_id = models.BigIntegerField(null=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["day", "kind"], name="activity_day_kind"),
            models.Index(fields=["ticket"], name="activity_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id} at {self.at}"


class Rollup(models.Model):
    """A measure summed over one reporting day and one cut: `dim` is all, team, agent, channel, language or
    priority and `key` its value ("" for all). `n` values (or events), `total` their sum in seconds, and for
    durations `sketch`, their log-bucketed histogram (analytics/sketch.py)."""

    day = models.DateField()
    measure = models.CharField(max_length=40)
    dim = models.CharField(max_length=12)
    key = models.CharField(max_length=40, blank=True, default="")
    n = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    sketch = models.JSONField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["dim", "key", "measure", "day"], name="rollup_once"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["dim", "key", "day"], name="rollup_cut_day"),
            # summing days again deletes their rows by day alone: without it, a scan of every rollup row
            models.Index(fields=["day"], name="rollup_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure} {self.dim}={self.key}: {self.n}"


class DirtyDay(models.Model):
    """A reporting day whose rollups must be summed again because facts on it changed; the minutely job (and the
    consumer, when it is done) clears them."""

    day = models.DateField(primary_key=True)

    def __str__(self) -> str:
        return str(self.day)


class Goal(models.Model):
    """A target for one KPI over a period, for the whole desk or one team (e.g. FRT median ≤ 1 h this quarter)."""

    kpi = models.CharField(_("KPI"), max_length=40)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("team")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    target = models.FloatField(_("target"))  # seconds for durations, percent for ratios, a count for counts
    statistic = models.CharField(_("statistic"), max_length=8, default="median")  # durations: median, p90, mean
    business_hours = models.BooleanField(_("in business hours"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-end", "kpi", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"{self.kpi} {self.start}–{self.end}: {self.target}"


class ReportSubscription(models.Model):
    """A scheduled report: a daily digest of yesterday, or the last week or month, e-mailed as HTML with an XLSX
    attachment to a user (in their language) or to an outside address (in the language chosen here)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily digest of yesterday")
        WEEKLY = "weekly", _("Weekly, on Mondays")
        MONTHLY = "monthly", _("Monthly, on the 1st")

    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("outside address"), blank=True, default="")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default="")
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("team")
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_period_start = models.DateField(null=True, blank=True)  # the last period sent: never twice
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["frequency", "id"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self) -> str:
        return f"{self.frequency} report to {self.user_id or self.email}"


class DashboardShare(models.Model):
    """A read-only link to a dashboard for someone without an OpsDesk account (another department); the token is
    stored hashed, and the link stops working at `expires_at` or when revoked."""

    class Kind(models.TextChoices):
        DASHBOARD = "dashboard", _("Dashboard")
        FEEDBACK = "feedback", _("Customer feedback")

    label = models.CharField(_("shared with"), max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DASHBOARD)
    token_hash = models.CharField(max_length=64, unique=True)
    params = models.JSONField(default=dict, blank=True)  # the dashboard's filters (feedback: days, comments)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return self.label


class DashboardView(models.Model):
    """A saved set of dashboard filters, personal (owner) or shared with every manager (no owner)."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="dashboard_views"
    )
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name
