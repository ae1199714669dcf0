"""Keeping SLA clocks: the one writer of SLA events (METRICS.md §2.8) and of the tickets' SLA columns.

`update_clocks` replays each ticket's facts (opsdesk/sla/facts.py) under the rules applied to it
(opsdesk/sla/clocks.py) up to now, and appends to the timeline the clock events the stored log lacks. It is called
by the event consumer for tickets with new events (after matching their policy again) and by the minutely job for
tickets whose `sla_due_at` has come; both lock the tickets first, as every ticket action does, so two runs never
write the same event.

A clock event is identified by (type, metric, instance, its count among those): a replay that differs from what
was written (a calendar edited since) adds only what is missing, and a breach once written stays (METRICS.md §2.5).
Escalations fire here too, through the ticket actions, each recorded as `sla.escalated` and named as the cause of
what it changed.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from opsdesk.core.origin import origin
from opsdesk.sla import clocks, facts, policies
from opsdesk.sla import events as sla_events
from opsdesk.sla.actions import escalations
from opsdesk.tickets import categories, consumers, timeline
from opsdesk.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from opsdesk.sla.policies import Policy

logger = logging.getLogger(__name__)

CHUNK = 500
CONSUMER = "sla.clocks"  # the event consumer that keeps clocks after a backfill (opsdesk.sla.consumers)


class Row(NamedTuple):
    id: int
    ticket_id: int
    kind: str
    at: datetime
    data: dict[str, Any]


@dataclass
class Result:
    tickets: int = 0
    events: int = 0
    escalations: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    earliest_due: datetime | None = None  # the soonest `sla_due_at` these tickets now have


@dataclass
class Plan:
    """What one ticket's replay asks to write."""

    ticket_id: int
    applied: dict[str, Any] | None = None  # a new sla.policy_applied payload
    applied_at: datetime | None = None
    events: list[tuple[str, datetime, dict[str, Any]]] = field(default_factory=list)
    due_at: datetime | None = None
    deadline_at: datetime | None = None
    policy_id: int | None = None
    escalate: list[escalations.Due] = field(default_factory=list)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _payload(event: clocks.SlaEvent, now: datetime) -> dict[str, Any]:
    return {
        "metric": event.metric,
        "instance": event.instance,
        "deadline": _iso(event.deadline),
        "elapsed": event.elapsed,
        "target": event.target,
        "business_hours": event.business_hours,
        "policy": event.policy,
        "priority": event.priority,
        "calendar": event.calendar,
        "reason": event.reason,
        "comment": event.comment,
        "late": event.late,
        "outcome": event.outcome,
        "old_deadline": _iso(event.old_deadline),
        "recorded_at": _iso(now),
    }


def _keys(items: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int, int]]:
    """(type, metric, instance) in order -> the same with each one's count among its equals: a clock event's id."""
    seen: Counter[tuple[str, str, int]] = Counter()
    found = []
    for item in items:
        seen[item] += 1
        found.append((*item, seen[item]))
    return found


def breach_at(
    state: clocks.Replay, instance: clocks.Instance, breaches: Mapping[tuple[str, int], datetime]
) -> datetime | None:
    """When a clock breached: the stored breach (final), else the replay's; None if it has not."""
    key = (instance.metric, instance.number)
    return breaches.get(key) or next(
        (e.at for e in state.events if e.type == clocks.BREACHED and (e.metric, e.instance) == key), None
    )


def display_deadline(
    state: clocks.Replay, instance: clocks.Instance, breaches: Mapping[tuple[str, int], datetime]
) -> datetime | None:
    """The deadline the workspace shows for a clock still counting: the breach instant once breached."""
    if instance.ended or state.target(instance) is None:
        return None
    if (instance.metric, instance.number) in breaches or instance.outcome == clocks.BREACHED:
        return breach_at(state, instance, breaches)
    return state.deadline(instance)


def replay_rows(
    ticket_id: int, rows: Sequence[Row], applied_rows: Sequence[Row], *, now: datetime, calendars: policies.Calendars
) -> clocks.Replay:
    """Replay one ticket's events up to `now` under the rules of its `sla.policy_applied` rows: what the clocks
    are, for the writer here and for the pages that show them (opsdesk/sla/status.py)."""
    found = facts.from_events(ticket_id, [r for r in rows if r.kind not in sla_events.ALL_KINDS])
    rules = [
        clocks.Applied(r.at, policies.rule(r.data, calendars), str(r.data.get("reason", ""))) for r in applied_rows
    ]
    return clocks.replay([*rules, *found], until=now)


def keep_breaches(state: clocks.Replay, stored: Sequence[Row]) -> dict[tuple[str, int], datetime]:
    """A breach once written is final, whatever a replay says now: mark the stored ones on the replayed clocks.
    Returns (metric, instance) -> the breach instant, of the stored clock events `stored`."""
    breaches = {
        (str(r.data.get("metric")), int(r.data.get("instance", 0))): r.at for r in stored if r.kind == "sla.breached"
    }
    for instance in state.instances:
        if (instance.metric, instance.number) in breaches and not instance.ended:
            instance.outcome, instance.warned = clocks.BREACHED, True
    return breaches


def plan_ticket(
    ticket_id: int,
    rows: Sequence[Row],
    *,
    now: datetime,
    calendars: policies.Calendars,
    desired: dict[str, Any] | None = None,
    match_at: datetime | None = None,
    reason: str | None = None,
    escalation_rules: Mapping[int, Sequence[escalations.Rule]] | None = None,
) -> Plan:
    """Replay one ticket's events up to `now`. `desired` (the `sla.policy_applied` payload of the policy that
    matches the ticket now) is applied at `match_at` when it differs from the last one applied."""
    plan = Plan(ticket_id)
    applied_rows = [r for r in rows if r.kind == sla_events.POLICY_APPLIED]
    last = applied_rows[-1].data if applied_rows else None
    if desired is not None and last is None and not desired["targets"]:
        desired = None  # nothing to measure, and nothing measured before: no rule to write
    if desired is not None and match_at is not None and not policies.same(last, desired):
        payload = {**desired, "reason": reason or policies.reason_for(last, desired)}
        created = next((r.at for r in rows if r.kind == "ticket.created"), None)
        at = created if last is None and created is not None else match_at
        if applied_rows:
            at = max(at, applied_rows[-1].at)
        plan.applied, plan.applied_at = payload, at
        applied_rows = [*applied_rows, Row(0, ticket_id, sla_events.POLICY_APPLIED, at, payload)]
    if not applied_rows:
        return plan
    plan.policy_id = int(applied_rows[-1].data["policy"])
    state = replay_rows(ticket_id, rows, applied_rows, now=now, calendars=calendars)

    stored = [r for r in rows if r.kind in sla_events.CLOCK_KINDS]
    stored_keys = set(_keys((r.kind[4:], str(r.data.get("metric")), int(r.data.get("instance", 0))) for r in stored))
    for key, event in zip(_keys((e.type, e.metric, e.instance) for e in state.events), state.events, strict=True):
        if key not in stored_keys:
            plan.events.append((sla_events.clock_kind(event.type), event.at, _payload(event, now)))

    breaches = keep_breaches(state, stored)

    deadlines = [d for i in state.instances if (d := display_deadline(state, i, breaches)) is not None]
    plan.deadline_at = min(deadlines) if deadlines else None
    due = [clocks.next_due(state)]

    rules_now = (escalation_rules or {}).get(plan.policy_id, ())
    if rules_now:
        triggers = [
            escalations.Trigger(r.kind[4:], str(r.data["metric"]), int(r.data["instance"]), r.at, r.id)
            for r in stored
            if r.kind in ("sla.warned", "sla.breached")
        ]
        triggers += [
            escalations.Trigger(kind[4:], str(data["metric"]), int(data["instance"]), at, None)
            for kind, at, data in plan.events
            if kind in ("sla.warned", "sla.breached")
        ]
        running = {(i.metric, i.number) for i in state.instances if not i.ended}
        fired = {
            (int(r.data["escalation"]), str(r.data["metric"]), int(r.data["instance"]))
            for r in rows
            if r.kind == sla_events.ESCALATED
        }
        ready, later = escalations.due(rules_now, triggers, running=running, fired=fired, now=now)
        plan.escalate = ready
        due.append(later)
    times = [t for t in due if t is not None]
    plan.due_at = min(times) if times else None
    return plan


def _lock(ids: Sequence[int]) -> None:
    """Take the tickets' row locks in id order, as every ticket action takes its ticket's (PostgreSQL; SQLite's
    write transaction already excludes every other writer)."""
    if connection.vendor == "postgresql":
        list(Ticket.objects.filter(pk__in=ids).order_by("pk").select_for_update().values_list("pk", flat=True))


def _rows(ids: Sequence[int]) -> dict[int, list[Row]]:
    """The tickets' events in order. The ORM writes the query; the rows are read from the cursor and converted here
    (an aware UTC `at`, the parsed payload), as Django's converters would, without their per-value overhead: a
    10,000-ticket due check reads ~90,000 events (docs/performance.md)."""
    found: dict[int, list[Row]] = {pk: [] for pk in ids}
    query = (
        TicketEvent.objects.filter(ticket_id__in=ids)
        .order_by("ticket_id", "at", "id")
        .values_list("id", "ticket_id", "kind", "at", "data")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            for pk, ticket_id, kind, at, data in batch:
                found[ticket_id].append(Row(pk, ticket_id, kind, _aware(at), _payload_of(data)))
    return found


def _aware(value: datetime | str) -> datetime:
    """A stored `at` as Django's converter gives it: aware, in the connection's zone (UTC) where the database
    returns a naive datetime or text (SQLite)."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=connection.timezone)


def _payload_of(value: str | dict[str, Any] | None) -> dict[str, Any]:
    if isinstance(value, str):
        loaded: dict[str, Any] = json.loads(value)
        return loaded
    return value or {}


@dataclass
class Config:
    """What every chunk reads: the policies in order, the escalation rules and the calendars (read once per run)."""

    loaded: list[Policy]
    rules: dict[int, list[escalations.Rule]]
    calendars: policies.Calendars = field(default_factory=policies.Calendars)


def load_config() -> Config:
    return Config(policies.load(), escalations.load())


def update_clocks(
    ticket_ids: Iterable[int],
    *,
    now: datetime | None = None,
    rematch: Mapping[int, datetime] | None = None,
    reason: str | None = None,
    config: Config | None = None,
) -> Result:
    """Bring the clocks of these tickets up to `now`: match their policy again first where `rematch` names them
    (ticket id -> when the change happened), write the events the replay adds, fire due escalations and set the
    tickets' SLA columns. Chunks of 500 tickets, each in its own transaction (or the caller's). `config`: the
    policies and rules read once by a caller that calls again (else read here)."""
    now = now or timezone.now()
    ids = sorted(set(ticket_ids))
    result = Result()
    config = config or load_config()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic(), origin("sla"):
            _chunk(
                chunk,
                now=now,
                rematch=rematch or {},
                reason=reason,
                loaded=config.loaded,
                rules=config.rules,
                calendars=config.calendars,
                result=result,
            )
    return result


def _chunk(
    chunk: Sequence[int],
    *,
    now: datetime,
    rematch: Mapping[int, datetime],
    reason: str | None,
    loaded: Sequence[Policy],
    rules: Mapping[int, Sequence[escalations.Rule]],
    calendars: policies.Calendars,
    result: Result,
) -> None:
    _lock(chunk)
    rows = _rows(chunk)
    wanted = [pk for pk in chunk if pk in rematch]
    tickets = Ticket.objects.filter(pk__in=wanted).prefetch_related("tags").in_bulk() if wanted else {}
    columns = dict(
        (pk, (due, deadline, policy))
        for pk, due, deadline, policy in Ticket.objects.filter(pk__in=chunk).values_list(
            "pk", "sla_due_at", "sla_deadline_at", "sla_policy_id"
        )
    )
    plans = []
    for pk in chunk:
        if pk not in columns:
            continue  # deleted meanwhile
        ticket = tickets.get(pk)
        desired = None
        if ticket is not None and not ticket.merged_into_id:
            policy = policies.match(ticket, loaded)
            desired = policy.applied(ticket.priority, reason="") if policy is not None else None
        plans.append(
            plan_ticket(
                pk,
                rows[pk],
                now=now,
                calendars=calendars,
                desired=desired,
                match_at=rematch.get(pk),
                reason=reason,
                escalation_rules=rules,
            )
        )

    entries: list[tuple[int, str, dict[str, Any], datetime]] = []
    for plan in plans:
        if plan.applied is not None and plan.applied_at is not None:
            entries.append((plan.ticket_id, sla_events.POLICY_APPLIED, plan.applied, plan.applied_at))
        entries.extend((plan.ticket_id, kind, data, at) for kind, at, data in plan.events)
    written = timeline.record_many(entries) if entries else []
    result.events += len(written)
    result.kinds.update(e.kind for e in written)

    changed = [
        (plan.ticket_id, plan.due_at, plan.deadline_at, plan.policy_id)
        for plan in plans
        if columns[plan.ticket_id] != (plan.due_at, plan.deadline_at, plan.policy_id)
    ]
    if changed:
        _write_columns(changed)
    result.tickets += len(plans)
    dues = [p.due_at for p in plans if p.due_at is not None]
    if result.earliest_due is not None:
        dues.append(result.earliest_due)
    result.earliest_due = min(dues) if dues else None

    by_ticket: dict[int, list[timeline.Recorded]] = {}
    for event in written:
        by_ticket.setdefault(event.ticket_id, []).append(event)
    for plan in plans:
        for due in plan.escalate:
            cause = due.trigger.event_id or next(
                (
                    e.pk
                    for e in by_ticket.get(plan.ticket_id, ())
                    if e.kind == f"sla.{due.trigger.type}"
                    and e.data.get("metric") == due.trigger.metric
                    and e.data.get("instance") == due.trigger.instance
                ),
                None,
            )
            escalations.fire(plan.ticket_id, due, cause_event=cause, now=now)
            result.escalations += 1


def _write_columns(rows: Sequence[tuple[int, datetime | None, datetime | None, int | None]]) -> None:
    """Set the SLA columns of these tickets, (id, sla_due_at, sla_deadline_at, sla_policy_id) each: one UPDATE ...
    FROM (VALUES ...) on PostgreSQL, one prepared UPDATE run per row on SQLite. What `bulk_update` would write, without
    its CASE WHEN expression of 500 branches per column (most of a 10,000-ticket due check's time)."""
    table = Ticket._meta.db_table
    due, deadline = Ticket._meta.get_field("sla_due_at"), Ticket._meta.get_field("sla_deadline_at")
    values = [
        (pk, due.get_db_prep_value(d, connection), deadline.get_db_prep_value(dl, connection), policy)
        for pk, d, dl, policy in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(values), CHUNK):
                batch = values[start : start + CHUNK]
                placeholders = ", ".join(["(%s::bigint, %s::timestamptz, %s::timestamptz, %s::integer)"] * len(batch))
                cursor.execute(
                    f"UPDATE {table} AS t SET sla_due_at = v.due, sla_deadline_at = v.deadline, "
                    f"sla_policy_id = v.policy FROM (VALUES {placeholders}) AS v (id, due, deadline, policy) "
                    "WHERE t.id = v.id",
                    [param for row in batch for param in row],
                )
        else:
            cursor.executemany(
                f"UPDATE {table} SET sla_due_at = %s, sla_deadline_at = %s, sla_policy_id = %s WHERE id = %s",
                [(d, dl, policy, pk) for pk, d, dl, policy in values],
            )


def due_query(now: datetime, *, limit: int = CHUNK) -> QuerySet[Ticket, int]:
    """Tickets with a warning, a breach or an escalation due by `now`, earliest first: read from the partial index
    `ticket_sla_due` (only tickets with a next SLA instant), in its order (a test checks the plan on both databases)."""
    query = Ticket.objects.filter(sla_due_at__isnull=False, sla_due_at__lte=now)
    return query.order_by("sla_due_at", "pk").values_list("pk", flat=True)[:limit]


def due_ticket_ids(now: datetime, *, limit: int = CHUNK) -> list[int]:
    return list(due_query(now, limit=limit))


def check_due(now: datetime | None = None) -> Result:
    """The minutely job's work: every ticket whose next SLA instant has come, however many, a chunk at a time (the
    policies, rules and calendars read once, at the first chunk; nothing due is one query)."""
    now = now or timezone.now()
    total = Result()
    seen: set[int] = set()
    config = None
    while True:
        ids = [pk for pk in due_ticket_ids(now) if pk not in seen]
        if not ids:
            return total
        seen.update(ids)
        config = config or load_config()
        done = update_clocks(ids, now=now, config=config)
        _add(total, done, tickets=done.tickets)


def next_due_after(now: datetime, within: timedelta) -> datetime | None:
    """The earliest SLA instant in (now, now + within]: when the job should look again before its next minute."""
    return (
        Ticket.objects.filter(sla_due_at__gt=now, sla_due_at__lte=now + within)
        .order_by("sla_due_at")
        .values_list("sla_due_at", flat=True)
        .first()
    )


def backfill(ticket_ids: Iterable[int] | None = None, *, chunk: int = CHUNK) -> Result:
    """Clocks for tickets the SLA consumer never saw (seeded, imported, or older than the consumer): the unsolved
    ones, or just `ticket_ids`, a chunk at a time in id order, each brought up to the time it is reached.

    The consumer is started first if it is new, so everything after this point is its work. A ticket with no policy
    yet has it applied at its creation (`plan_ticket`), so an old open ticket shows its real, often breached,
    clocks; a ticket with one is matched again at its last change (`updated_at`), as the consumer would have. The
    tickets an escalation changed (a raised priority) are brought up to date once more, as the consumer would do
    next, so a second run finds nothing to write."""
    consumers.ensure(CONSUMER)
    total = Result()
    if ticket_ids is None:
        query = Ticket.objects.filter(status_category__in=categories.UNSOLVED)
    else:
        query = Ticket.objects.filter(pk__in=sorted(set(ticket_ids)))
    after = 0
    while True:
        found = dict(query.filter(pk__gt=after).order_by("pk").values_list("pk", "updated_at")[:chunk])
        if not found:
            return total
        after = max(found)
        done = update_clocks(found, rematch=found)
        _add(total, done, tickets=done.tickets)
        for _again in range(3):  # a changed priority may match a policy that escalates again: bounded
            if not done.escalations:
                break
            now = dict(Ticket.objects.filter(pk__in=list(found)).values_list("pk", "updated_at"))
            changed = {pk: at for pk, at in now.items() if at != found[pk]}
            found.update(changed)
            done = update_clocks(changed, rematch=changed)
            _add(total, done, tickets=0)


def _add(total: Result, done: Result, *, tickets: int) -> None:
    total.tickets += tickets
    total.events += done.events
    total.escalations += done.escalations
    total.kinds.update(done.kinds)
    if done.earliest_due is not None and (total.earliest_due is None or done.earliest_due < total.earliest_due):
        total.earliest_due = done.earliest_due
