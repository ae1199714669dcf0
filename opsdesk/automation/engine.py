"""Deciding, without writing: which rules a ticket event fires, when a time rule becomes due for a ticket, and
whether a rule's conditions hold (docs/adr/0023-automation-rules.md).

Rules are read once per batch into `Compiled` rules (their filter parsed, their steps checked). A ticket's
`Facts` (when its status last changed, when the customer last wrote, whether an agent has replied) come from its
timeline in one query for many tickets. Business time comes from the rule's calendar (or the default one) through
the SLA app's schedules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Sum

from opsdesk.automation import steps as vocabulary
from opsdesk.automation import triggers
from opsdesk.automation.models import Rule
from opsdesk.automation.triggers import Trigger
from opsdesk.core.params import InvalidParameter
from opsdesk.sla.business_time import NoOpenTime, Schedule
from opsdesk.sla.models import BusinessCalendar
from opsdesk.sla.schedules import default_calendar, schedule_for
from opsdesk.tickets import filters
from opsdesk.tickets.categories import Category
from opsdesk.tickets.models import Ticket, TicketEvent

MAX_DEPTH = 5  # a rule fired by a rule fired by a rule …: the sixth link of a chain is cut and logged
RETRY_CLOSED_HOURS = timedelta(minutes=15)  # a time rule due outside its hours looks again this much later


@dataclass(frozen=True)
class Compiled:
    id: int
    version: int
    name: str
    kind: str
    position: int
    triggers: frozenset[str]
    kinds: frozenset[str]
    filter: filters.TicketFilter
    hours: str
    calendar_id: int | None
    replied: str
    anchor: str
    after_seconds: int
    business_time: bool
    steps: tuple[vocabulary.Step, ...]
    trigger_list: tuple[Trigger, ...] = ()

    @property
    def cause(self) -> str:
        return f"rule:{self.id}"


def compile_rule(rule: Rule, lookups: vocabulary.Lookups | None = None) -> Compiled:
    """A rule ready to evaluate; raises InvalidParameter or StepError when its stored conditions or steps no longer
    hold (a deleted status): such a rule is skipped."""
    flt = filters.from_json(rule.conditions or {}, personal=False)
    steps = vocabulary.parse(rule.actions, lookups=lookups)
    names = [n for n in (rule.events or []) if n in triggers.TRIGGERS]
    return Compiled(
        id=rule.pk,
        version=rule.version,
        name=rule.name,
        kind=rule.kind,
        position=rule.position,
        triggers=frozenset(names),
        kinds=triggers.kinds_of(names),
        filter=flt,
        hours=rule.business_hours,
        calendar_id=rule.calendar_id,
        replied=rule.agent_replied,
        anchor=rule.anchor,
        after_seconds=rule.after_seconds or 0,
        business_time=rule.business_time,
        steps=tuple(steps),
        trigger_list=tuple(triggers.TRIGGERS[name] for name in sorted(names)),
    )


_compiled: dict[str, tuple[Any, list[Compiled]]] = {}
_generation = {"n": 0}  # bumped by every rule change in this process (actions.rules.changed)


def changed() -> None:
    """Forget the compiled rules of this process (a rule was saved, switched, moved or deleted here); other
    processes notice by the rules' count, versions and last edit."""
    _generation["n"] += 1


def load(kind: str) -> list[Compiled]:
    """The active rules of a kind in order, those that still compile. Compiled once per process and kept while the
    rules are unchanged (one aggregate query: every edit bumps a version and the last edit time; a move, the
    positions)."""
    rules = Rule.objects.filter(kind=kind, is_active=True)
    stamp = (
        _generation["n"],
        *rules.aggregate(n=Count("id"), v=Sum("version"), at=Max("updated_at"), p=Sum("position")).values(),
    )
    cached = _compiled.get(kind)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    lookups = vocabulary.Lookups()
    found = []
    for rule in rules.order_by("position", "id"):
        try:
            found.append(compile_rule(rule, lookups))
        except (InvalidParameter, vocabulary.StepError):
            continue
    _compiled[kind] = (stamp, found)
    return found


# --- facts from the timeline -----------------------------------------------------------------------------------------


@dataclass
class Facts:
    status_at: datetime | None = None  # the last status change (else the ticket's creation)
    customer_at: datetime | None = None  # the customer's last message
    agent_reply_at: datetime | None = None  # the last public reply by a person on the agent side
    agent_replied: bool = False


FACT_KINDS = ("status.changed", "comment.added")


FACT_ANCHORS = frozenset({Rule.Anchor.STATUS, Rule.Anchor.CUSTOMER, Rule.Anchor.AGENT})


def need_facts(rules: Iterable[Compiled]) -> bool:
    """Whether any of these rules reads the timeline's facts (an anchor or the agent-reply condition)."""
    return any(r.anchor in FACT_ANCHORS or r.replied != Rule.Replied.ANY for r in rules)


def facts_for(ticket_ids: Iterable[int], *, rules: Iterable[Compiled] | None = None) -> dict[int, Facts]:
    """Each ticket's facts, read from its status changes and messages (one query); none read when `rules` need
    none."""
    ids = list(ticket_ids)
    found: dict[int, Facts] = {pk: Facts() for pk in ids}
    if rules is not None and not need_facts(rules):
        return found
    rows = (
        TicketEvent.objects.filter(ticket_id__in=ids, kind__in=FACT_KINDS)
        .order_by("ticket_id", "at", "id")
        .values_list("ticket_id", "kind", "at", "data__visibility", "data__author_role", "data__is_automated")
    )
    for ticket_id, kind, at, visibility, role, automated in rows:
        facts = found[ticket_id]
        if kind == "status.changed":
            facts.status_at = at
        elif visibility == "public" and role == "end_user":
            facts.customer_at = at
        elif visibility == "public" and role == "agent" and not automated:
            facts.agent_reply_at = at
            facts.agent_replied = True
    return found


def anchor_at(anchor: str, ticket: Ticket, facts: Facts) -> datetime | None:
    """The instant a time rule counts from, or None when the ticket has none (never solved, nobody replied)."""
    if anchor == Rule.Anchor.CREATED:
        return ticket.created_at
    if anchor == Rule.Anchor.UPDATED:
        return ticket.updated_at
    if anchor == Rule.Anchor.STATUS:
        return facts.status_at or ticket.created_at
    if anchor == Rule.Anchor.SOLVED:
        return ticket.solved_at if ticket.status_category in (Category.SOLVED, Category.CLOSED) else None
    if anchor == Rule.Anchor.CUSTOMER:
        return facts.customer_at
    if anchor == Rule.Anchor.AGENT:
        return facts.agent_reply_at
    return None


# --- calendars -------------------------------------------------------------------------------------------------------


@dataclass
class Calendars:
    """Schedules by calendar id, built once per batch; None: the default calendar."""

    by_id: dict[int | None, Schedule | None] = field(default_factory=dict)

    def get(self, calendar_id: int | None) -> Schedule | None:
        if calendar_id not in self.by_id:
            calendar = BusinessCalendar.objects.filter(pk=calendar_id).first() if calendar_id else default_calendar()
            self.by_id[calendar_id] = schedule_for(calendar) if calendar else None
        return self.by_id[calendar_id]


def in_hours(rule: Compiled, at: datetime, calendars: Calendars) -> bool:
    if rule.hours == Rule.Hours.ANY:
        return True
    schedule = calendars.get(rule.calendar_id)
    is_open = True if schedule is None else schedule.is_open(at)
    return is_open if rule.hours == Rule.Hours.OPEN else not is_open


def holds(rule: Compiled, ticket: Ticket, facts: Facts, at: datetime, calendars: Calendars) -> bool:
    """Whether the rule's conditions hold for the ticket as it is, at `at`: the filter, the agent-reply condition and
    the business-hours one. Reads the ticket's tags (prefetch them)."""
    if rule.replied == Rule.Replied.YES and not facts.agent_replied:
        return False
    if rule.replied == Rule.Replied.NO and facts.agent_replied:
        return False
    if not in_hours(rule, at, calendars):
        return False
    return filters.matches(rule.filter, ticket)


def due_at(rule: Compiled, ticket: Ticket, facts: Facts, calendars: Calendars) -> tuple[datetime, datetime] | None:
    """(anchor, due): when a time rule becomes due for the ticket, counting business time in the rule's calendar
    when it says so; None without an anchor."""
    start = anchor_at(rule.anchor, ticket, facts)
    if start is None:
        return None
    if rule.business_time:
        schedule = calendars.get(rule.calendar_id)
        if schedule is not None:
            try:
                return start, schedule.add_business_seconds(start, rule.after_seconds)
            except NoOpenTime:
                return None
    return start, start + timedelta(seconds=rule.after_seconds)


def happening(event: TicketEvent, ticket: Ticket) -> triggers.Happening:
    return triggers.Happening(event.kind, event.data or {}, event.at, ticket.created_at)


def fired_by(rule: Compiled, event: TicketEvent, ticket: Ticket, seen: triggers.Happening | None = None) -> str | None:
    """The trigger of the rule the event is (its conditions are checked apart), or None. A rule's own changes never
    fire it. `seen`: the event as triggers see it, made once for all rules."""
    if event.kind not in rule.kinds or event.cause == rule.cause:
        return None
    seen = seen or happening(event, ticket)
    return next((t.name for t in rule.trigger_list if t.fires_on(seen)), None)


def describe_time(rule: Compiled | Rule) -> dict[str, Any]:
    """The time condition as the run's reason stores it."""
    seconds = rule.after_seconds or 0
    return {"anchor": rule.anchor, "after_seconds": seconds, "business_time": rule.business_time}
