"""Writing rules: create or change (a new version), turn on or off, reorder, delete. Each is audit-logged; a change
to a time rule schedules every ticket again after commit (`automation.tasks.reschedule_time_rules`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit
from opsdesk.automation import engine, triggers
from opsdesk.automation import steps as vocabulary
from opsdesk.automation.models import Rule
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.core.ordering import swap_with_neighbour
from opsdesk.sla.actions.policies import check_conditions
from opsdesk.sla.models import BusinessCalendar

MAX_NAME = 100
MAX_AFTER_SECONDS = 366 * 86400
CLOSE_SOLVED_KEY = "lifecycle.close_solved"  # METRICS.md §1: solved → closed after 1–28 days
CLOSE_SOLVED_RANGE = (timedelta(days=1), timedelta(days=28))
RESCHEDULE = "opsdesk.automation.tasks.reschedule_time_rules"


@dataclass(frozen=True)
class RuleInput:
    """What a rule form or the API gives; checked by `check`."""

    name: str
    kind: str
    actions: Any
    events: Sequence[str] = ()
    conditions: Any = field(default_factory=dict)
    business_hours: str = Rule.Hours.ANY
    calendar: BusinessCalendar | None = None
    agent_replied: str = Rule.Replied.ANY
    anchor: str = ""
    after_seconds: int | None = None
    business_time: bool = False
    description: str = ""
    is_active: bool = True


def _error(code: str, message: str, where: str) -> ActionError:
    return ActionError(code, message, field=where, status=422)


def check(data: RuleInput, *, key: str | None = None) -> dict[str, Any]:
    """The rule's columns from the input, or an ActionError naming the input that is wrong."""
    name = " ".join((data.name or "").split())
    if not name:
        raise _error("required", _("Give the rule a name."), "name")
    if len(name) > MAX_NAME or "\x00" in name:
        raise _error("invalid_name", _("A name is at most %(n)d characters.") % {"n": MAX_NAME}, "name")
    if "\x00" in (data.description or "") or len(data.description or "") > 2000:
        raise _error("invalid_description", _("A description is at most 2,000 characters."), "description")
    if data.kind not in Rule.Kind.values:
        raise _error("invalid_kind", _("Choose when the rule runs."), "kind")
    if data.business_hours not in Rule.Hours.values:
        raise _error("invalid_hours", _("Choose from the list."), "business_hours")
    if data.agent_replied not in Rule.Replied.values:
        raise _error("invalid_replied", _("Choose from the list."), "agent_replied")
    columns: dict[str, Any] = {
        "name": name,
        "description": (data.description or "").strip(),
        "kind": data.kind,
        "conditions": check_conditions(data.conditions),
        "business_hours": data.business_hours,
        "calendar": data.calendar,
        "agent_replied": data.agent_replied,
        "is_active": bool(data.is_active),
        "events": [],
        "anchor": "",
        "after_seconds": None,
        "business_time": False,
    }
    if data.kind == Rule.Kind.TRIGGER:
        allowed = dict(triggers.choices())
        events = list(dict.fromkeys(data.events or ()))
        if not events:
            raise _error("required", _("Choose at least one event."), "events")
        if any(e not in allowed for e in events):
            raise _error("invalid_event", _("Choose events from the list."), "events")
        columns["events"] = [name for name in allowed if name in events]
    else:
        if data.anchor not in Rule.Anchor.values:
            raise _error("required", _("Choose what the time counts from."), "anchor")
        seconds = data.after_seconds
        if seconds is None or isinstance(seconds, bool) or not 60 <= seconds <= MAX_AFTER_SECONDS:
            raise _error("invalid_after", _("Give a time from 1 minute to a year."), "after_seconds")
        if key == CLOSE_SOLVED_KEY and not (
            CLOSE_SOLVED_RANGE[0].total_seconds() <= seconds <= CLOSE_SOLVED_RANGE[1].total_seconds()
        ):
            raise _error("invalid_after", _("Solved tickets close after 1 to 28 days."), "after_seconds")
        if data.business_time and data.calendar is None and not BusinessCalendar.objects.exists():
            raise _error("no_calendar", _("Business time needs a business calendar; create one first."), "calendar")
        columns.update(anchor=data.anchor, after_seconds=seconds, business_time=bool(data.business_time))
    try:
        columns["actions"] = vocabulary.as_json(vocabulary.parse(data.actions))
    except vocabulary.StepError as error:
        raise _error("invalid_step", error.message, error.name) from None
    return columns


@transaction.atomic
def save_rule(rule: Rule | None, *, data: RuleInput, actor: User | None) -> Rule:
    """Create a rule (None; last of its kind) or change one (a new version)."""
    require(actor, Capability.MANAGE_AUTOMATION)
    engine.changed()
    if rule is not None:
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
    columns = check(data, key=rule.key if rule else None)
    if rule is None:
        last = Rule.objects.filter(kind=columns["kind"]).aggregate(m=Max("position"))["m"]
        rule = Rule.objects.create(**columns, position=(last or 0) + 1, created_by=actor)
        audit.record(actor=actor, verb="automation_rule.created", target=rule, data=_snapshot(rule))
    else:
        before = _snapshot(rule)
        was_time = rule.kind == Rule.Kind.TIME
        if columns["kind"] != rule.kind:
            last = Rule.objects.filter(kind=columns["kind"]).aggregate(m=Max("position"))["m"]
            rule.position = (last or 0) + 1
        for name, value in columns.items():
            setattr(rule, name, value)
        rule.version += 1
        rule.save()
        audit.record(
            actor=actor, verb="automation_rule.changed", target=rule, data={"before": before, "after": _snapshot(rule)}
        )
        if was_time and rule.kind != Rule.Kind.TIME:
            enqueue_on_commit(RESCHEDULE)
    if rule.kind == Rule.Kind.TIME:
        enqueue_on_commit(RESCHEDULE)
    return rule


def _snapshot(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "kind": rule.kind,
        "version": rule.version,
        "is_active": rule.is_active,
        "events": rule.events,
        "conditions": rule.conditions,
        "business_hours": rule.business_hours,
        "calendar": rule.calendar_id,
        "agent_replied": rule.agent_replied,
        "anchor": rule.anchor,
        "after_seconds": rule.after_seconds,
        "business_time": rule.business_time,
        "actions": rule.actions,
    }


@transaction.atomic
def set_rule_active(rule: Rule, *, active: bool, actor: User | None) -> Rule:
    require(actor, Capability.MANAGE_AUTOMATION)
    engine.changed()
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    if rule.is_active != active:
        rule.is_active = active
        rule.version += 1
        rule.save(update_fields=["is_active", "version", "updated_at"])
        audit.record(
            actor=actor, verb="automation_rule.activated" if active else "automation_rule.deactivated", target=rule
        )
        if rule.kind == Rule.Kind.TIME:
            enqueue_on_commit(RESCHEDULE)
    return rule


@transaction.atomic
def move_rule(rule: Rule, *, up: bool, actor: User | None) -> Rule:
    """Swap a rule with its neighbour in the order rules of its kind are tried."""
    require(actor, Capability.MANAGE_AUTOMATION)
    engine.changed()
    rows = list(Rule.objects.select_for_update().filter(kind=rule.kind).order_by("position", "id"))
    ordered: list[Rule] = swap_with_neighbour(rows, rule.pk, up=up)
    audit.record(actor=actor, verb="automation_rule.moved", target=rule, data={"order": [r.pk for r in ordered]})
    return next(r for r in ordered if r.pk == rule.pk)


@transaction.atomic
def delete_rule(rule: Rule, *, actor: User | None) -> None:
    """Delete a rule and its log; the events it wrote stay on the tickets' timelines."""
    require(actor, Capability.MANAGE_AUTOMATION)
    engine.changed()
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    audit.record(actor=actor, verb="automation_rule.deleted", target=rule, data=_snapshot(rule))
    if rule.kind == Rule.Kind.TIME:
        enqueue_on_commit(RESCHEDULE)
    rule.delete()
