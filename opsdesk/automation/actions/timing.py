"""Time rules: each ticket's next due instant (`TimeCheck`), and firing what is due (docs/adr/0023-automation-rules.md).

A ticket has a `TimeCheck` row while some active time rule may still fire for it: its conditions hold now and it
has not fired for the anchor it counts from. The row's `due_at` is the earliest such instant. Every event on the
ticket computes it again (the automation consumer), and so does every edit of a time rule (a job over the tickets
the rule's filter selects). The minutely job reads only rows due, through their index, in chunks until none is
left: never every ticket, never a cap per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from opsdesk.automation import engine
from opsdesk.automation.actions import running
from opsdesk.automation.models import Rule, RuleRun, TimeCheck
from opsdesk.tickets import filters
from opsdesk.tickets.categories import Category
from opsdesk.tickets.models import Ticket

CHUNK = 500
# A chunk is one transaction, and on SQLite it holds the write lock: rules whose steps go ticket by ticket (a reply,
# a status, a notification: 10-15 ms each) take 50 tickets at a time, so a page's write never waits seconds.
SLOW_CHUNK = 50


def time_key(rule: engine.Compiled, ticket_id: int, anchor: datetime) -> str:
    return f"t{rule.id}:{ticket_id}:{int(anchor.timestamp())}"


def load_tickets(ids: Iterable[int]) -> dict[int, Ticket]:
    """Tickets as conditions read them: their columns and tag names (a step reads what else it needs)."""
    return filters.with_tag_names(Ticket.objects.in_bulk(list(ids)))


def _fired_keys(
    rules: Sequence[engine.Compiled], tickets: dict[int, Ticket], facts: dict[int, engine.Facts]
) -> set[str]:
    keys = []
    for ticket in tickets.values():
        for rule in rules:
            anchor = engine.anchor_at(rule.anchor, ticket, facts[ticket.pk])
            if anchor is not None:
                keys.append(time_key(rule, ticket.pk, anchor))
    found: set[str] = set()
    for start in range(0, len(keys), 900):
        found.update(RuleRun.objects.filter(key__in=keys[start : start + 900]).values_list("key", flat=True))
    return found


def next_due(
    rules: Sequence[engine.Compiled],
    ticket: Ticket,
    facts: engine.Facts,
    fired: set[str],
    calendars: engine.Calendars,
    now: datetime,
) -> datetime | None:
    """The earliest instant a rule may fire for the ticket, or None. Closed tickets never change again."""
    if ticket.status_category == Category.CLOSED or ticket.merged_into_id:
        return None
    earliest: datetime | None = None
    for rule in rules:
        found = engine.due_at(rule, ticket, facts, calendars)
        if found is None or time_key(rule, ticket.pk, found[0]) in fired:
            continue
        if not engine.holds(rule, ticket, facts, max(found[1], now), calendars):
            if rule.hours == Rule.Hours.ANY or not filters.matches(rule.filter, ticket):
                continue  # only a change to the ticket can make it hold: that change schedules it again
            at = max(found[1], now + engine.RETRY_CLOSED_HOURS)  # outside its hours: look again later
        else:
            at = found[1]
        if earliest is None or at < earliest:
            earliest = at
    return earliest


def schedule(
    ticket_ids: Iterable[int],
    *,
    now: datetime,
    rules: Sequence[engine.Compiled] | None = None,
    tickets: dict[int, Ticket] | None = None,
    facts: dict[int, engine.Facts] | None = None,
    calendars: engine.Calendars | None = None,
) -> None:
    """Set (or drop) each ticket's TimeCheck from the active time rules."""
    ids = list(ticket_ids)
    if not ids:
        return
    rules = engine.load(Rule.Kind.TIME) if rules is None else rules
    if not rules:
        TimeCheck.objects.filter(ticket_id__in=ids).delete()
        return
    tickets = load_tickets(ids) if tickets is None else tickets
    facts = engine.facts_for(ids, rules=rules) if facts is None else facts
    calendars = calendars or engine.Calendars()
    fired = _fired_keys(rules, tickets, facts)
    keep: list[TimeCheck] = []
    drop: list[int] = []
    for pk in ids:
        ticket = tickets.get(pk)
        due = next_due(rules, ticket, facts[pk], fired, calendars, now) if ticket else None
        if due is None:
            drop.append(pk)
        else:
            keep.append(TimeCheck(ticket_id=pk, due_at=due))
    if drop:
        TimeCheck.objects.filter(ticket_id__in=drop).delete()
    if keep:
        TimeCheck.objects.bulk_create(keep, update_conflicts=True, unique_fields=["ticket"], update_fields=["due_at"])


def run_due(*, now: datetime, chunk: int = CHUNK) -> dict[str, int]:
    """Fire every time rule due by `now`, chunk by chunk (one transaction each) until no ticket is due. A ticket
    with two rules due fires the first in one pass and the next in the following one, on the ticket as the first
    left it."""
    rules = engine.load(Rule.Kind.TIME)
    if not all(step.type in running.BATCHED for rule in rules for step in rule.steps):
        chunk = min(chunk, SLOW_CHUNK)
    done = {"tickets": 0, "fired": 0}
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            query = TimeCheck.objects.filter(due_at__lte=now).order_by("due_at", "ticket_id")
            ids = list(query.values_list("ticket_id", flat=True)[:chunk])
            if not ids:
                break
            fired = _fire_chunk(rules, ids, now=now)
        done["tickets"] += len(set(ids) - seen)
        seen.update(ids)
        done["fired"] += fired
        if not fired and TimeCheck.objects.filter(ticket_id__in=ids, due_at__lte=now).exists():
            break  # cannot happen (each ticket gets a later instant or none); never loop on it
    return done


def _fire_chunk(rules: Sequence[engine.Compiled], ids: list[int], *, now: datetime) -> int:
    tickets = load_tickets(ids)
    facts = engine.facts_for(ids, rules=rules)
    calendars = engine.Calendars()
    fired = _fired_keys(rules, tickets, facts)
    due: list[running.Due] = []
    for pk in ids:
        ticket = tickets.get(pk)
        if ticket is None or ticket.status_category == Category.CLOSED:
            continue
        for rule in rules:
            found = engine.due_at(rule, ticket, facts[pk], calendars)
            if found is None or found[1] > now:
                continue
            key = time_key(rule, pk, found[0])
            if key in fired or not engine.holds(rule, ticket, facts[pk], now, calendars):
                continue
            due.append(running.Due(rule, ticket, key, found))
            break  # the ticket's next rule runs in the next pass, on the ticket as this one leaves it
    runs = running.fire_due(due, now=now)
    touched = [run.ticket_id for run in runs]
    if touched:
        tickets.update(load_tickets(touched))
        facts.update(engine.facts_for(touched, rules=rules))
    schedule(ids, now=now, rules=rules, tickets=tickets, facts=facts, calendars=calendars)
    return len(runs)


def reschedule_all(*, now: datetime, batch: int = 2000) -> int:
    """After a time rule changed: schedule every ticket a time rule may reach (not closed, selected by some rule's
    filter), in id order, batch by batch, and drop the checks of tickets no rule selects. Returns how many tickets
    it looked at."""
    rules = engine.load(Rule.Kind.TIME)
    if not rules:
        TimeCheck.objects.all().delete()
        return 0
    selections = [filters.to_q(rule.filter, None) for rule in rules]
    query = Ticket.objects.exclude(status_category=Category.CLOSED).filter(merged_into__isnull=True)
    if all(selections):  # an empty Q (a rule without conditions) selects every ticket
        union = Q(pk__in=[])
        for q in selections:
            union |= q
        query = query.filter(union)
    seen = 0
    after = 0
    while True:
        ids = list(query.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():
            schedule(ids, now=now, rules=rules)
        seen += len(ids)
        after = ids[-1]
    TimeCheck.objects.exclude(ticket__in=query).delete()
    return seen
