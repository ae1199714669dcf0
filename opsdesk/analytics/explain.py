"""One ticket's value of a KPI, shown with the events that produced it: the drill-down's last step ("first response
time = agent reply at 10:42 − created at 09:15, minus 20 min outside business hours"). The value is the stored fact
(analytics/facts.py); the events are read from the timeline so the reader can check the arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from opsdesk.analytics import facts as kpi_facts
from opsdesk.analytics import kpis
from opsdesk.analytics.models import TicketActivity, TicketFacts
from opsdesk.sla.durations import spoken_duration
from opsdesk.sla.models import METRICS
from opsdesk.tickets import categories
from opsdesk.tickets.models import Ticket, TicketEvent

CATEGORY_NAMES = dict(categories.Category.choices)
SLA_METRICS = dict(METRICS)


@dataclass
class Step:
    at: datetime
    text: str
    event_id: int | None = None
    mark: str = ""  # "start", "end", "counted", "not counted"


@dataclass
class Story:
    counted: bool
    value: str  # the value in words, or "—"
    business: str = ""  # the business-hours value, when the KPI has one
    outside: str = ""  # time outside the calendar's open hours
    formula: str = ""
    steps: list[Step] = field(default_factory=list)
    intervals: list[dict[str, Any]] = field(default_factory=list)
    calendar: str = ""


def _who(event: TicketEvent) -> str:
    if event.actor is not None:
        return event.actor.name
    return {"end_user": _("the customer"), "agent": _("an agent")}.get(event.actor_role, _("the system"))


def _sentence(event: TicketEvent) -> str:
    data = event.data
    if event.kind == "ticket.created":
        return _("Ticket created (%(channel)s)") % {"channel": data.get("channel", "")}
    if event.kind == "comment.added":
        if data.get("visibility") == "internal":
            return _("Internal note by %(who)s: not a reply") % {"who": _who(event)}
        if data.get("author_role") == "agent" and not data.get("is_automated"):
            return _("Public reply by %(who)s") % {"who": _who(event)}
        if data.get("is_automated"):
            return _("Automated message: not a reply")
        return _("Message from the customer")
    if event.kind == "status.changed":
        return _("Status: %(old)s → %(new)s") % {
            "old": CATEGORY_NAMES.get(data.get("from_category", ""), ""),
            "new": CATEGORY_NAMES.get(data.get("to_category", ""), ""),
        }
    if event.kind == "assignee.changed":
        return _("Assignee changed")
    if event.kind == "ticket.merged":
        return _("Merged: #%(source)s into #%(target)s") % {"source": data.get("source"), "target": data.get("target")}
    if event.kind.startswith("sla."):
        labels = {
            "sla.activated": _("SLA clock started"),
            "sla.paused": _("SLA clock paused"),
            "sla.resumed": _("SLA clock resumed"),
            "sla.warned": _("SLA warning"),
            "sla.breached": _("SLA breached (at its deadline)"),
            "sla.fulfilled": _("SLA clock fulfilled"),
            "sla.cancelled": _("SLA clock cancelled"),
            "sla.reactivated": _("SLA clock reactivated"),
            "sla.recalculated": _("SLA deadline recalculated"),
        }
        metric = SLA_METRICS.get(data.get("metric", ""), data.get("metric", ""))
        return f"{labels.get(event.kind, event.kind)}: {metric} #{data.get('instance', 1)}"
    return event.kind


def explain(ticket: Ticket, kpi: kpis.Kpi) -> Story:
    facts = TicketFacts.objects.filter(ticket_id=ticket.pk).first()
    kinds = list(kpi_facts.KINDS)
    if kpi.key == "sla_attainment":
        kinds += ["sla.activated", "sla.paused", "sla.resumed", "sla.warned", "sla.recalculated"]
    events = list(
        TicketEvent.objects.filter(ticket_id=ticket.pk, kind__in=kinds).select_related("actor").order_by("at", "id")
    )
    if kpi.key != "sla_attainment":
        events = [e for e in events if not e.kind.startswith("sla.")]
    if facts is None or not facts.counted:
        return Story(False, "—", steps=[Step(e.at, _sentence(e), e.pk) for e in events])
    story = Story(True, "—", calendar=facts.calendar)
    start_at: datetime | None = facts.created_at
    end_at: datetime | None = None
    value: int | None = None
    business: int | None = None
    if kpi.key == "frt":
        end_at, value, business = facts.first_reply_at, facts.frt, facts.frt_bh
        story.formula = _("first public reply − created")
    elif kpi.key == "first_resolution":
        end_at, value, business = facts.first_solved_at, facts.first_resolution, facts.first_resolution_bh
        story.formula = _("first solve − created")
    elif kpi.key == "resolution":
        end_at, value, business = facts.solved_at, facts.resolution, facts.resolution_bh
        story.formula = _("latest solve − created")
    elif kpi.key in ("requester_wait", "agent_work"):
        value = facts.requester_wait if kpi.key == "requester_wait" else facts.agent_work
        business = facts.requester_wait_bh if kpi.key == "requester_wait" else facts.agent_work_bh
        end_at = facts.solved_at
        counting = kpi_facts.REQUESTER_WAIT if kpi.key == "requester_wait" else kpi_facts.AGENT_WORK
        story.formula = _("the time in the counted statuses, added up")
        story.intervals = _intervals(events, facts.created_at, facts.solved_at, counting)
    elif kpi.key == "one_touch":
        story.value = _("Yes") if facts.one_touch else _("No") if facts.one_touch is False else "—"
        story.formula = _("%(replies)s public replies, %(reopens)s reopens that counted") % {
            "replies": facts.public_replies,
            "reopens": facts.reopens,
        }
    elif kpi.key == "reopen_rate":
        story.value = _("Reopened") if facts.reopens else _("Not reopened")
        story.formula = _("%(reopens)s reopens that counted (a reopen solved again without a reply does not)") % {
            "reopens": facts.reopens
        }
    elif kpi.key == "sla_attainment":
        outcomes = TicketActivity.objects.filter(ticket_id=ticket.pk, kind__in=("sla_achieved", "sla_breached"))
        story.value = (
            ", ".join(
                f"{SLA_METRICS.get(detail, detail)}: {_('met') if kind == 'sla_achieved' else _('breached')}"
                for kind, detail in outcomes.order_by("at").values_list("kind", "detail")
            )
            or "—"
        )
    if value is not None:
        story.value = spoken_duration(value)
    if business is not None and kpi.has_business_hours:
        story.business = spoken_duration(business)
        if value is not None and value > business:
            story.outside = spoken_duration(value - business)
    for event in events:
        mark = ""
        if start_at is not None and event.kind == "ticket.created":
            mark = "start"
        elif end_at is not None and event.at == end_at and _ends(kpi, event):
            mark = "end"
        story.steps.append(Step(event.at, _sentence(event), event.pk, mark))
    return story


def _ends(kpi: kpis.Kpi, event: TicketEvent) -> bool:
    """Whether the event is the end of the KPI's value (the first reply, or the solve)."""
    if kpi.key == "frt":
        return event.kind == "comment.added" and event.data.get("visibility") == "public"
    return event.kind == "status.changed"


def _intervals(
    events: list[TicketEvent], created: datetime, solved: datetime | None, counting: frozenset[str]
) -> list[dict[str, Any]]:
    found: list[tuple[datetime, datetime | None, str]] = []
    category = next((str(e.data.get("category") or "new") for e in events if e.kind == "ticket.created"), "new")
    since = created
    for event in events:
        if event.kind != "status.changed":
            continue
        new = str(event.data.get("to_category") or category)
        if new == category:
            continue
        found.append((since, event.at, category))
        since, category = event.at, new
    found.append((since, solved, category))
    rows = []
    for start, end, cat in found:
        if end is None or (solved is not None and start >= solved):
            continue
        end = min(end, solved) if solved is not None else end
        rows.append(
            {
                "start": start,
                "end": end,
                "category": CATEGORY_NAMES.get(cat, cat),
                "counted": cat in counting,
                "length": spoken_duration((end - start).total_seconds()),
            }
        )
    return rows
