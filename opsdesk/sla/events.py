"""The SLA event kinds of the ticket timeline (METRICS.md §2.8): each clock transition, the policy applied and each
escalation, with the sentence a reader sees. Registered in the one registry of ticket events
(`opsdesk.tickets.events.register`) when the app is ready, so the timeline, docs/events.md, webhooks and analytics
treat them as any other kind.

A clock event's `at` is when it took effect (a breach at its deadline, however late it was noticed); its payload
says when it was written (`recorded_at`) and the state after it (`deadline`, null while paused or once settled;
`elapsed`, counting seconds on the target's basis).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from opsdesk.sla import clocks
from opsdesk.sla.durations import spoken_duration
from opsdesk.sla.models import METRICS, PRIORITIES
from opsdesk.tickets.events import BOOL, INT, INT_LIST, OBJECT, STR, STR_LIST, Field, Kind, Names

CLOCK_TYPES = (
    clocks.ACTIVATED,
    clocks.PAUSED,
    clocks.RESUMED,
    clocks.WARNED,
    clocks.BREACHED,
    clocks.FULFILLED,
    clocks.CANCELLED,
    clocks.REACTIVATED,
    clocks.RECALCULATED,
)
POLICY_APPLIED = "sla.policy_applied"
ESCALATED = "sla.escalated"


def clock_kind(type: str) -> str:
    return f"sla.{type}"


CLOCK_KINDS = frozenset(clock_kind(t) for t in CLOCK_TYPES)
ALL_KINDS = CLOCK_KINDS | {POLICY_APPLIED, ESCALATED}


def metric_name(metric: str) -> str:
    return str(dict(METRICS).get(metric, metric))


def priority_name(priority: str | None) -> str:
    return str(dict(PRIORITIES).get(priority or "", priority or ""))


def parse_time(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) and value else None


def time_text(value: Any) -> str:
    """A stored instant in the reader's time zone, as the rest of the workspace writes it."""
    moment = parse_time(value)
    if moment is None:
        return "—"
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


_REASONS = {
    "created": lambda: _("ticket created"),
    "status_change": lambda: _("status changed"),
    "public_reply": lambda: _("public reply"),
    "end_user_comment": lambda: _("customer wrote"),
    "solved": lambda: _("ticket solved"),
    "merged": lambda: _("ticket merged"),
    "reopen": lambda: _("ticket reopened"),
    "priority_change": lambda: _("priority changed"),
    "policy_change": lambda: _("another policy applies"),
    "policy_edit": lambda: _("policy edited"),
    "calendar_change": lambda: _("calendar changed"),
    "policy_removed": lambda: _("no target any more"),
}


def reason_text(reason: str) -> str:
    found = _REASONS.get(reason)
    return found() if found else reason


def _clock(d: dict[str, Any], names: Names, type: str) -> str:
    values = {
        "metric": metric_name(str(d.get("metric", ""))),
        "deadline": time_text(d.get("deadline")),
        "old": time_text(d.get("old_deadline")),
        "reason": reason_text(str(d.get("reason", ""))),
        "late": spoken_duration(max(0, int(d.get("elapsed") or 0) - int(d.get("target") or 0))),
    }
    if type == clocks.ACTIVATED:
        if d.get("deadline"):
            return _("%(metric)s clock started, due %(deadline)s") % values
        return _("%(metric)s clock started, paused by the status") % values
    if type == clocks.PAUSED:
        return _("%(metric)s clock paused by the status") % values
    if type == clocks.RESUMED:
        return _("%(metric)s clock resumed, due %(deadline)s") % values
    if type == clocks.WARNED:
        return _("%(metric)s due soon: %(deadline)s") % values
    if type == clocks.BREACHED:
        return _("%(metric)s target missed") % values
    if type == clocks.FULFILLED:
        if d.get("late"):
            return _("%(metric)s done, %(late)s late (%(reason)s)") % values
        return _("%(metric)s target met (%(reason)s)") % values
    if type == clocks.CANCELLED:
        return _("%(metric)s clock stopped: %(reason)s") % values
    if type == clocks.REACTIVATED:
        return _("%(metric)s clock carries on: ticket reopened, due %(deadline)s") % values
    if d.get("deadline"):
        return _("%(metric)s due time changed from %(old)s to %(deadline)s: %(reason)s") % values
    return _("%(metric)s due time recalculated: %(reason)s") % values


def _applied(d: dict[str, Any], names: Names) -> str:
    values = {
        "policy": d.get("name", ""),
        "priority": priority_name(d.get("priority")),
        "reason": reason_text(str(d.get("reason", ""))),
    }
    if not d.get("targets"):
        return _("SLA policy %(policy)s applies (%(priority)s priority, no targets): %(reason)s") % values
    return _("SLA policy %(policy)s applies (%(priority)s priority): %(reason)s") % values


def _escalated(d: dict[str, Any], names: Names) -> str:
    done = []
    notified = [str(names.get("user", {}).get(int(pk), f"#{pk}")) for pk in d.get("notified") or []]
    if notified:
        done.append(_("notified %(people)s") % {"people": ", ".join(notified)})
    if d.get("priority"):
        done.append(_("priority raised to %(priority)s") % {"priority": priority_name(d["priority"])})
    if d.get("team") is not None:
        done.append(_("moved to %(team)s") % {"team": names.get("team", {}).get(int(d["team"]), f"#{d['team']}")})
    if d.get("tag"):
        done.append(_("tagged %(tag)s") % {"tag": d["tag"]})
    values = {
        "level": int(d.get("level") or 1),
        "metric": metric_name(str(d.get("metric", ""))),
        "done": "; ".join(done) if done else _("nothing to do"),
    }
    if d.get("trigger") == clocks.WARNED:
        return _("Escalation level %(level)d, %(metric)s due soon: %(done)s") % values
    return _("Escalation level %(level)d, %(metric)s target missed: %(done)s") % values


_CLOCK_FIELDS = (
    Field("metric", STR, "The clock's metric (METRICS.md §2.2): first_reply, next_reply, requester_wait, ..."),
    Field("instance", INT, "The clock's number among the ticket's clocks of that metric, from 1."),
    Field(
        "deadline", STR, "When counting time reaches the target (UTC, ISO 8601); null while paused or settled.", True
    ),
    Field("elapsed", INT, "Counting seconds so far, on the target's basis (business seconds for business targets)."),
    Field("target", INT, "The target in seconds."),
    Field("business_hours", BOOL, "Whether the target counts only the calendar's open time."),
    Field("policy", STR, "The policy in force, `id@version`."),
    Field("priority", STR, "The priority whose target applies."),
    Field("calendar", STR, "The calendar, `id@version`, or empty."),
    Field("reason", STR, "Why: status_change, public_reply, solved, merged, reopen, priority_change, ..."),
    Field("comment", INT, "The message that started or fulfilled the clock, if any.", True),
    Field("late", BOOL, "Fulfilled after a breach."),
    Field("outcome", STR, "Once settled: achieved, breached or cancelled; else empty."),
    Field("old_deadline", STR, "Recalculated: the deadline before (UTC, ISO 8601).", True),
    Field("recorded_at", STR, "When the event was written (UTC, ISO 8601); `at` is when it took effect."),
)

_CLOCK_DOCS = {
    clocks.ACTIVATED: "An SLA clock started.",
    clocks.PAUSED: "An SLA clock stopped counting: the status moved to a category the metric does not count.",
    clocks.RESUMED: "A paused SLA clock counts again.",
    clocks.WARNED: "An SLA clock's remaining time fell to its warning threshold.",
    clocks.BREACHED: "An SLA clock reached its target unfulfilled; `at` is the deadline.",
    clocks.FULFILLED: "An SLA clock stopped by what it waited for (a reply, a solve); `late` after a breach.",
    clocks.CANCELLED: "An SLA clock stopped without fulfilment (solved before a reply, merged, target removed).",
    clocks.REACTIVATED: "A resolution clock carries on after a reopen, with its time so far.",
    clocks.RECALCULATED: "An SLA clock's deadline was rebuilt after a priority, policy or calendar change.",
}


def _renderer(type: str) -> Callable[[dict[str, Any], Names], str]:
    return lambda d, names: _clock(d, names, type)


def kinds() -> list[Kind]:
    found = [Kind(clock_kind(t), _CLOCK_DOCS[t], _CLOCK_FIELDS, _renderer(t)) for t in CLOCK_TYPES]
    found.append(
        Kind(
            POLICY_APPLIED,
            "The SLA policy in force for the ticket from `at` on, with a snapshot of its targets for the priority.",
            (
                Field("policy", INT, "The policy id."),
                Field("version", INT, "The policy's version."),
                Field("name", STR, "The policy's name then."),
                Field("priority", STR, "The ticket's priority."),
                Field("targets", OBJECT, "metric -> {seconds, business_hours, warn_before} for that priority."),
                Field("calendar", INT, "The business calendar, if any.", True),
                Field("calendar_version", INT, "Its version.", True),
                Field("pause", STR_LIST, "Status categories that pause requester wait and pausable update."),
                Field("reason", STR, "created, priority_change, policy_change, policy_edit or calendar_change."),
            ),
            _applied,
        )
    )
    found.append(
        Kind(
            ESCALATED,
            "An escalation rule of the policy fired for a warned or breached clock.",
            (
                Field("escalation", INT, "The escalation rule id."),
                Field("level", INT, "Its level."),
                Field("trigger", STR, "warned or breached."),
                Field("metric", STR, "The clock's metric."),
                Field("instance", INT, "The clock's number."),
                Field("notified", INT_LIST, "Staff users notified.", ref="user"),
                Field("priority", STR, "The priority it raised the ticket to, if it did.", True),
                Field("team", INT, "The team it moved the ticket to, if it did.", True, ref="team"),
                Field("tag", STR, "The tag it added, or empty."),
            ),
            _escalated,
        )
    )
    return found
