"""The automation event consumer (tickets.consumers, "automation.rules"): fires the trigger rules each new ticket
event calls for, then schedules the tickets' time rules again. Runs in the consumer's transaction, so a crash
repeats the batch and each run's unique key keeps a rule from firing twice for one event.

Loop protection (docs/adr/0023-automation-rules.md): a rule never reacts to its own changes (events whose cause is
the rule); an event a rule's change caused is one link further down its chain than that rule's run, and a run that
would be the sixth link is logged as cut instead; a rule fires at most once per event (the run's key).
"""

from __future__ import annotations

from django.utils import timezone

from opsdesk.automation import engine
from opsdesk.automation.actions import running, timing
from opsdesk.automation.events import KINDS as OWN_KINDS
from opsdesk.automation.models import Rule, RuleRun
from opsdesk.tickets.categories import Category
from opsdesk.tickets.models import TicketEvent


def trigger_key(rule: engine.Compiled, event: TicketEvent) -> str:
    return f"e{event.pk}:r{rule.id}"


def depths(events: list[TicketEvent]) -> dict[int, int]:
    """The chain depth of the run that wrote each `automation.fired` event the batch's events name as cause."""
    causes = {e.cause_event for e in events if e.cause.startswith("rule:") and e.cause_event}
    if not causes:
        return {}
    rows = RuleRun.objects.filter(fired_event__in=causes).values_list("fired_event", "depth")
    return {int(fired): depth for fired, depth in rows if fired is not None}


def run_rules(events: list[TicketEvent]) -> None:
    now = timezone.now()
    rules = engine.load(Rule.Kind.TRIGGER)
    time_rules = engine.load(Rule.Kind.TIME)
    ids = list(dict.fromkeys(e.ticket_id for e in events))
    tickets = timing.load_tickets(ids)
    facts = engine.facts_for(ids, rules=[*rules, *time_rules])
    calendars = engine.Calendars()
    chain = depths(events)
    for event in events:
        ticket = tickets.get(event.ticket_id)
        if not rules or event.kind in OWN_KINDS or ticket is None or ticket.status_category == Category.CLOSED:
            continue
        depth = chain.get(event.cause_event or 0, 0) + 1 if event.cause.startswith("rule:") else 1
        seen = engine.happening(event, ticket)
        for rule in rules:
            trigger = engine.fired_by(rule, event, ticket, seen)
            if trigger is None:
                continue
            if not engine.holds(rule, ticket, facts[ticket.pk], event.at, calendars):
                continue
            key = trigger_key(rule, event)
            if depth > engine.MAX_DEPTH:
                running.cut(rule, ticket, key=key, event=event, depth=depth, now=now)
                continue
            if running.fire(rule, ticket, key=key, now=now, depth=depth, event=event, trigger=trigger) is not None:
                tickets.update(timing.load_tickets([ticket.pk]))
                ticket = tickets[ticket.pk]
                facts.update(engine.facts_for([ticket.pk], rules=[*rules, *time_rules]))
    timing.schedule(ids, now=now, rules=time_rules, tickets=tickets, facts=facts, calendars=calendars)
