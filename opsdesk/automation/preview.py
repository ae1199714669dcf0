"""Dry runs: which of the last tickets a rule would have matched, when, and what it would have done to each,
computed without writing anything (the rule form's "Preview", before saving)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opsdesk.automation import engine
from opsdesk.automation.models import Rule
from opsdesk.automation.steps import TYPES, Names, Step, describe, raised
from opsdesk.core.languages import name as language_name
from opsdesk.core.translations import default_language
from opsdesk.tickets import placeholders
from opsdesk.tickets.categories import Category
from opsdesk.tickets.models import Ticket, TicketEvent

DEFAULT_LIMIT = 50  # the form offers 50, 200 or 500
MAX_LIMIT = 500


@dataclass(frozen=True)
class Row:
    ticket: Ticket
    matched: bool
    at: datetime | None  # when: the event that fires a trigger; when a time rule is (or was) due
    why: str
    effects: tuple[str, ...]


def _arrow(old: str, new: str) -> str:
    return f"{old} → {new}" if old != new else _("%(value)s (no change)") % {"value": new}


def effect(step: Step, ticket: Ticket, names: Names | None = None) -> str:  # noqa: PLR0911 - one branch a step
    """What the step would do to this ticket, in words (`names`: shared by every ticket of a dry run)."""
    names = names or Names()
    p, label = step.params, str(TYPES[step.type].label)
    priorities = dict(Ticket.Priority.choices)
    if step.type == "set_priority":
        return f"{label}: {_arrow(str(priorities[ticket.priority]), str(priorities[p['priority']]))}"
    if step.type == "set_status":
        old = names.get("status", ticket.status_id)
        return f"{label}: {_arrow(old, names.get('status', p['status']))}"
    if step.type == "set_team":
        old = names.get("team", ticket.team_id, "—")
        return f"{label}: {_arrow(old, names.get('team', p['team'], '—'))}"
    if step.type == "escalate":
        old = str(priorities[ticket.priority])
        return f"{describe(step, names)} ({_arrow(old, str(priorities[raised(ticket.priority)]))})"
    if step.type in ("reply", "note", "chat", "notify") and p.get("text"):
        text = placeholders.render(placeholders.pick(p["text"], ticket.language), ticket)
        language = ticket.language if p["text"].get(ticket.language) else default_language()
        return f"{label} ({language_name(language)}): {text[:300]}"
    return describe(step, names)


def _loaded() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("status", "requester", "assignee", "team", "organization").prefetch_related(
        "tags", "requester__emails"
    )


def _recent(limit: int) -> list[Ticket]:
    return list(_loaded().filter(merged_into__isnull=True).order_by("-updated_at", "-id")[:limit])


def load(ticket_id: int) -> Ticket:
    """One ticket with what effects and placeholders read."""
    return _loaded().get(pk=ticket_id)


def dry_run(rule: engine.Compiled, *, now: datetime, limit: int = DEFAULT_LIMIT) -> list[Row]:
    """The last `limit` tickets by update, each with whether the rule matches it and what it would do."""
    tickets = _recent(max(1, min(limit, MAX_LIMIT)))
    facts = engine.facts_for(t.pk for t in tickets)
    calendars = engine.Calendars()
    names = Names()
    latest: dict[int, tuple[TicketEvent, str]] = {}
    if rule.kind == Rule.Kind.TRIGGER:
        rows = TicketEvent.objects.filter(ticket_id__in=[t.pk for t in tickets], kind__in=rule.kinds).order_by(
            "at", "id"
        )
        by_id = {t.pk: t for t in tickets}
        for event in rows:
            trigger = engine.fired_by(rule, event, by_id[event.ticket_id])
            if trigger is not None:
                latest[event.ticket_id] = (event, trigger)
    found = []
    for ticket in tickets:
        at, why, matched = None, "", False
        if ticket.status_category == Category.CLOSED:
            why = _("Closed tickets never change.")
        elif rule.kind == Rule.Kind.TRIGGER:
            hit = latest.get(ticket.pk)
            if hit is None:
                why = _("None of its events happened to this ticket.")
            elif not engine.holds(rule, ticket, facts[ticket.pk], hit[0].at, calendars):
                at, why = hit[0].at, _("Its event happened, but the conditions do not hold.")
            else:
                at, matched = hit[0].at, True
                why = str(engine.triggers.TRIGGERS[hit[1]].label)
        else:
            due = engine.due_at(rule, ticket, facts[ticket.pk], calendars)
            if due is None:
                why = _("The ticket has no such time yet.")
            elif not engine.holds(rule, ticket, facts[ticket.pk], max(due[1], now), calendars):
                at, why = due[1], _("The conditions do not hold.")
            else:
                at, matched = due[1], True
                why = _("Due now.") if due[1] <= now else _("Due later.")
        effects = tuple(effect(step, ticket, names) for step in rule.steps) if matched else ()
        found.append(Row(ticket=ticket, matched=matched, at=at, why=why, effects=effects))
    return found
