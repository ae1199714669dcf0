"""Which SLA policy applies to a ticket, and the rule it gives the clocks (METRICS.md §2.1): read-only.

Policies are tried in order and the first whose conditions match applies; the default policy (no conditions) is
last. What applies is written on the ticket's timeline as `sla.policy_applied` with a snapshot of the targets for the
ticket's priority, so a clock is measured by the targets in force when they applied, and a later edit of the policy
is a new version applied on purpose (opsdesk.sla.actions.policies), never a silent change of old figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opsdesk.sla import clocks, schedules
from opsdesk.sla.business_time import Schedule
from opsdesk.sla.models import BusinessCalendar, SlaPolicy
from opsdesk.tickets import filters
from opsdesk.tickets.models import Ticket

ALWAYS_OPEN = Schedule(tz="UTC", always_open=True)
RESUMABLE = (clocks.REQUESTER_WAIT, clocks.PAUSABLE_UPDATE)  # the metrics whose pause a policy chooses


@dataclass(frozen=True)
class Policy:
    """One policy as the clocks need it, read once per batch."""

    id: int
    version: int
    name: str
    conditions: filters.TicketFilter
    calendar_id: int | None  # the policy's own, or the default calendar at the time it was read
    calendar_version: int | None
    pause: tuple[str, ...]
    targets: Mapping[str, Mapping[str, clocks.Target]]  # priority -> metric -> target

    def applied(self, priority: str, *, reason: str) -> dict[str, Any]:
        """The payload of `sla.policy_applied` for a ticket of `priority`."""
        targets = self.targets.get(priority, {})
        return {
            "policy": self.id,
            "version": self.version,
            "name": self.name,
            "priority": priority,
            "targets": {
                metric: {"seconds": t.seconds, "business_hours": t.business_hours, "warn_before": t.warn_before}
                for metric, t in sorted(targets.items())
            },
            "calendar": self.calendar_id,
            "calendar_version": self.calendar_version,
            "pause": list(self.pause),
            "reason": reason,
        }


def load() -> list[Policy]:
    """Every policy in the order they are tried (three queries)."""
    default = schedules.default_calendar()
    rows = list(SlaPolicy.objects.select_related("calendar").prefetch_related("targets"))
    found = []
    for row in rows:
        calendar = row.calendar or default
        targets: dict[str, dict[str, clocks.Target]] = {}
        for target in row.targets.all():
            targets.setdefault(target.priority, {})[target.metric] = clocks.Target(
                target.seconds, target.business_hours, target.warn_before
            )
        found.append(
            Policy(
                id=row.pk,
                version=row.version,
                name=row.name,
                conditions=filters.from_json(row.conditions or {}, personal=False),
                calendar_id=calendar.pk if calendar else None,
                calendar_version=calendar.version if calendar else None,
                pause=tuple(row.pause_categories or ()),
                targets=targets,
            )
        )
    return found


def match(ticket: Ticket, policies: Sequence[Policy]) -> Policy | None:
    """The first policy whose conditions the ticket meets (its tags are read: prefetch them for many tickets)."""
    return next((p for p in policies if filters.matches(p.conditions, ticket)), None)


def same(applied: Mapping[str, Any] | None, payload: Mapping[str, Any]) -> bool:
    """Whether the rule in force is already this one: same policy version, priority and calendar version."""
    if applied is None:
        return False
    keys = ("policy", "version", "priority", "calendar", "calendar_version")
    return all(applied.get(k) == payload.get(k) for k in keys)


def reason_for(applied: Mapping[str, Any] | None, payload: Mapping[str, Any]) -> str:
    if applied is None:
        return "created"
    if applied.get("priority") != payload.get("priority"):
        return "priority_change"
    if applied.get("policy") != payload.get("policy"):
        return "policy_change"
    if applied.get("version") != payload.get("version"):
        return "policy_edit"
    return "calendar_change"


def counting(pause: Iterable[str]) -> dict[str, frozenset[str]]:
    """The counting categories under a policy that pauses requester wait and pausable update in `pause`."""
    found = dict(clocks.COUNTING)
    for metric in RESUMABLE:
        found[metric] = frozenset(clocks.UNSOLVED - set(pause))
    return found


class Calendars:
    """Schedules by calendar id, as they are now (METRICS.md §2.6: a recalculation uses the current calendar)."""

    def __init__(self) -> None:
        self._rows: dict[int, BusinessCalendar | None] = {}

    def get(self, calendar_id: int | None) -> tuple[Schedule, str]:
        if calendar_id is None:
            return ALWAYS_OPEN, ""
        if calendar_id not in self._rows:
            self._rows[calendar_id] = BusinessCalendar.objects.filter(pk=calendar_id).first()
        row = self._rows[calendar_id]
        if row is None:  # deleted since: count round the clock rather than stop every clock
            return ALWAYS_OPEN, ""
        return schedules.schedule_for(row), row.version_key

    def prime(self, ids: Iterable[int]) -> None:
        wanted = {i for i in ids if i not in self._rows}
        if wanted:
            rows = BusinessCalendar.objects.in_bulk(wanted)
            for pk in wanted:
                self._rows[pk] = rows.get(pk)


def rule(payload: Mapping[str, Any], calendars: Calendars) -> clocks.Rule:
    """The clocks' rule from a stored `sla.policy_applied` payload."""
    schedule, calendar_ref = calendars.get(payload.get("calendar"))
    targets = {
        metric: clocks.Target(int(t["seconds"]), bool(t["business_hours"]), int(t.get("warn_before", 900)))
        for metric, t in (payload.get("targets") or {}).items()
        if metric in clocks.METRICS
    }
    return clocks.Rule(
        policy=f"{payload['policy']}@{payload['version']}",
        priority=str(payload.get("priority", "")),
        targets=targets,
        calendar=schedule,
        calendar_ref=calendar_ref,
        counting=counting(payload.get("pause") or ()),
    )


def promise_for_new(channel: str, language: str) -> clocks.Target | None:
    """The first-reply target a new ticket from `channel` in `language` would get (normal priority, no team, no
    tags, no requester yet): what the contact form tells a visitor to expect. None when no policy would apply or a
    policy's conditions need what a ticket not yet written lacks."""
    from django.core.exceptions import ObjectDoesNotExist

    from opsdesk.tickets.models import Ticket

    ticket = Ticket(channel=channel, language=language, priority="normal", status_category="new")
    ticket.__dict__["_filter_tag_names"] = (
        frozenset()
    )  # filters.matches reads tags this way; an unsaved ticket has none
    try:
        policy = match(ticket, load())
    except (ObjectDoesNotExist, ValueError):
        return None
    return policy.targets.get("normal", {}).get("first_reply") if policy else None
