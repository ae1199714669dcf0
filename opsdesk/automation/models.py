"""Automation (docs/adr/0023-automation-rules.md): rules run on ticket events and on time, macros agents apply, and
the log of every firing.

- A **rule** is a trigger (it runs when one of its events happens to a ticket) or a time rule (it runs when a
  ticket has been in a state long enough: hours since created, since its status changed, since solved, since the
  customer or an agent last wrote). Its ticket conditions are a filter of the one filter language
  (tickets/filters.py); `business_hours`, `agent_replied` and the time condition are the rule's own. Its actions are
  steps of one vocabulary (automation/steps.py), which macros use too.
- A **run** (`RuleRun`) is one firing: the rule and its version, the ticket, the event or time that fired it, what
  each step changed or why it failed. Its `key` makes a rule fire once per event (trigger) or once per anchor
  instant (time rule), whoever repeats the work.
- `TimeCheck` holds, per ticket, the next instant a time rule may fire: the minutely job reads only the rows due,
  through their index (never every ticket, never capped).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import TimeStampedModel


class Rule(TimeStampedModel):
    """A trigger or a time rule, tried in `position` order within its kind. Every edit bumps `version`; a run names
    the version it ran. `key` names a default rule that OpsDesk ships (METRICS.md §1's lifecycle), so a new default
    is added once and an admin's edits to it are kept."""

    class Kind(models.TextChoices):
        TRIGGER = "trigger", _("When something happens")
        TIME = "time", _("After a time")

    class Hours(models.TextChoices):
        ANY = "any", _("At any time")
        OPEN = "open", _("Only in business hours")
        CLOSED = "closed", _("Only outside business hours")

    class Replied(models.TextChoices):
        ANY = "any", pgettext_lazy("agent replied", "Either")
        YES = "yes", _("An agent has replied")
        NO = "no", _("No agent has replied yet")

    class Anchor(models.TextChoices):
        CREATED = "created", _("the ticket was created")
        UPDATED = "updated", _("the ticket was last updated")
        STATUS = "status", _("its status last changed")
        SOLVED = "solved", _("it was solved")
        CUSTOMER = "customer_message", _("the customer last wrote")
        AGENT = "agent_reply", _("an agent last replied")

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, default="")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    events = models.JSONField(_("events"), default=list, blank=True)  # trigger names (automation/triggers.py)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)  # the filter language's JSON
    business_hours = models.CharField(_("business hours"), max_length=10, choices=Hours.choices, default=Hours.ANY)
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("business calendar"),
    )
    agent_replied = models.CharField(_("agent reply"), max_length=10, choices=Replied.choices, default=Replied.ANY)
    anchor = models.CharField(_("since"), max_length=20, choices=Anchor.choices, blank=True, default="")
    after_seconds = models.PositiveIntegerField(_("after"), null=True, blank=True)
    business_time = models.BooleanField(_("count business hours only"), default=False)
    actions = models.JSONField(_("actions"), default=list)
    version = models.PositiveIntegerField(_("version"), default=1)
    key = models.CharField(max_length=60, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["kind", "position", "id"]
        verbose_name = _("automation rule")
        verbose_name_plural = _("automation rules")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("automation:rule_detail", args=[self.pk])

    @property
    def cause(self) -> str:
        """What events written by this rule name as their cause (TicketEvent.cause)."""
        return f"rule:{self.pk}"


class RuleRun(models.Model):
    """One firing of a rule on a ticket (or a cut chain, or a failure): why it fired and what each step did."""

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        PARTLY = "partly", _("Partly done")
        FAILED = "failed", _("Failed")
        CUT = "cut", _("Stopped: chain too long")

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    rule_version = models.PositiveIntegerField()
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="rule_runs")
    event = models.BigIntegerField(null=True, blank=True)  # the timeline event that fired a trigger
    fired_event = models.BigIntegerField(null=True, blank=True)  # its own `automation.fired` event
    anchor_at = models.DateTimeField(null=True, blank=True)  # the instant a time rule counted from
    due_at = models.DateTimeField(null=True, blank=True)  # when a time rule became due
    at = models.DateTimeField()
    depth = models.PositiveSmallIntegerField(default=1)  # 1: fired by a person's or the system's change
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.JSONField(default=dict)  # why it matched: the trigger or the time condition, in data
    changes = models.JSONField(default=list)  # one entry per step: its type, what it did, or its error
    key = models.CharField(max_length=80, unique=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["rule", "-at", "-id"], name="rulerun_rule"),
            models.Index(fields=["ticket", "at", "id"], name="rulerun_ticket"),
            models.Index(fields=["fired_event"], name="rulerun_fired", condition=models.Q(fired_event__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}@{self.ticket_id} {self.outcome}"


class TimeCheck(models.Model):
    """The next instant a time rule may fire for a ticket; only tickets a time rule could still reach have one."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="+")
    due_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["due_at", "ticket"], name="timecheck_due")]

    def __str__(self) -> str:
        return f"{self.ticket_id} at {self.due_at:%Y-%m-%d %H:%M}"


class Macro(TimeStampedModel):
    """A named set of steps an agent applies to a ticket in one click: personal (`owner`) or shared (no owner,
    optionally for one team's agents)."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="macros"
    )
    team = models.ForeignKey(
        "people.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="macros", verbose_name=_("team")
    )
    actions = models.JSONField(_("actions"), default=list)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self) -> str:
        return self.name
