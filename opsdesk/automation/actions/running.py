"""Running steps on a ticket, and firing a rule (docs/adr/0023-automation-rules.md).

`fire` records the rule's `automation.fired` event (why it ran), then runs each step through the ticket actions
inside `origin("automation", cause_event=<that event>, cause="rule:<id>")`, each step in its own savepoint so one
refused step (a closed ticket cannot be reassigned) leaves the others done, and logs a `RuleRun` with what each step
changed. The run's unique key makes a repeat of the same firing do nothing. Macros run the same steps as the agent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from opsdesk.accounts.models import User
from opsdesk.automation import engine, targets
from opsdesk.automation.events import FIRED
from opsdesk.automation.models import RuleRun
from opsdesk.automation.steps import Step, raised
from opsdesk.core.errors import ActionError
from opsdesk.core.origin import origin
from opsdesk.people.models import Team
from opsdesk.sla.actions.escalations import recipients
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import placeholders, timeline
from opsdesk.tickets.actions import batch as ticket_batch
from opsdesk.tickets.models import Ticket, TicketEvent, TicketStatus

ESCALATED_TAG = "escalated"


@dataclass(frozen=True)
class Context:
    """Who runs the steps (None: the system, for rules), the event they are caused by, how messages are marked."""

    actor: User | None
    event: TicketEvent
    via: str  # "trigger" or "macro" (METRICS.md §0.1's comment.added via)
    key: str  # the run's or application's key, for deliveries to webhooks and chat


def fresh(ticket_id: int) -> Ticket:
    """The ticket as a step reads it (its tags and the requester's addresses are read when a step needs them)."""
    return Ticket.objects.select_related("status", "requester", "assignee", "team", "organization").get(pk=ticket_id)


def _changed(old: Any, new: Any) -> dict[str, Any]:
    return {"old": old, "new": new} if old != new else {"skipped": "unchanged"}


def _text(step: Step, ticket: Ticket) -> str:
    return placeholders.render(placeholders.pick(step.params.get("text") or {}, ticket.language), ticket)


def apply(ticket: Ticket, step: Step, ctx: Context) -> dict[str, Any]:  # noqa: C901, PLR0911, PLR0912 - one branch a step
    """Do one step through the ticket actions; what it changed (`old`/`new`, `done`, or `skipped`)."""
    p, actor = step.params, ctx.actor
    if step.type == "set_status":
        status = TicketStatus.objects.get(pk=p["status"])
        if status.pk == ticket.status_id:
            return {"skipped": "unchanged"}
        old_status = ticket.status_id
        ticket_actions.change_status(ticket, status=status, actor=actor)
        return {"old": old_status, "new": status.pk}
    if step.type == "set_priority":
        if p["priority"] != ticket.priority:
            ticket_actions.set_priority(ticket, priority=p["priority"], actor=actor)
        return _changed(ticket.priority, p["priority"])
    if step.type == "set_type":
        if p["value"] != ticket.type:
            ticket_actions.set_type(ticket, type=p["value"], actor=actor)
        return _changed(ticket.type, p["value"])
    if step.type == "set_team":
        if p["team"] != ticket.team_id:
            team = Team.objects.get(pk=p["team"]) if p["team"] else None
            ticket_actions.set_team(ticket, team=team, actor=actor)
        return _changed(ticket.team_id, p["team"])
    if step.type == "assign":
        return _assign(ticket, p["to"], ctx)
    if step.type in ("add_tags", "remove_tags"):
        current = sorted(tag.name for tag in ticket.tags.all())
        wanted = set(p["tags"])
        new = sorted(set(current) | wanted) if step.type == "add_tags" else sorted(set(current) - wanted)
        if new != current:
            ticket_actions.set_tags(ticket, tags=new, actor=actor)
        return _changed(current, new)
    if step.type == "set_field":
        old = (ticket.custom_fields or {}).get(p["field"])
        if old != p["value"]:
            ticket_actions.set_custom_fields(ticket, values={p["field"]: p["value"]}, actor=actor)
        return _changed(old, p["value"])
    if step.type == "reply":
        message = ticket_actions.reply_to_ticket(ticket, body=_text(step, ticket), actor=actor, via=ctx.via)
        return {"done": message.pk, "language": ticket.language}
    if step.type == "note":
        message = ticket_actions.add_note(ticket, body=_text(step, ticket), actor=actor, via=ctx.via)
        return {"done": message.pk, "language": ticket.language}
    if step.type == "notify":
        people = recipients(ticket, p["to"])
        data = {"text": _text(step, ticket)} if p.get("text") else {}
        ticket_actions.notify_staff(ticket, people, event=ctx.event, data=data, by_email=p["email"])
        return {"done": [u.pk for u in people]}
    if step.type == "escalate":
        return _escalate(ticket, p, ctx)
    if step.type == "webhook":
        return {"done": targets.call_webhook(p["webhook"], ticket=ticket, event=ctx.event, key=ctx.key)}
    if step.type == "chat":
        text = _text(step, ticket) if p.get("text") else ""
        return {"done": targets.post_to_channel(p["channel"], ticket=ticket, text=text, event=ctx.event, key=ctx.key)}
    raise ActionError("unknown_step", f"Unknown step {step.type}")


def _assign(ticket: Ticket, to: Any, ctx: Context) -> dict[str, Any]:
    old = ticket.assignee_id
    if to == "route":
        decision = targets.route(ticket)
        return {"old": old, "new": decision.get("assignee"), "routing": decision.get("text", "")}
    if to == "nobody":
        user = None
    elif to == "me":
        user = ctx.actor
    else:
        user = User.objects.get(pk=to)
    new = user.pk if user else None
    if new != old:
        ticket_actions.assign_ticket(ticket, assignee=user, actor=ctx.actor)
    return _changed(old, new)


def _escalate(ticket: Ticket, p: dict[str, Any] | Any, ctx: Context) -> dict[str, Any]:
    """Escalate: the priority one step up, the `escalated` tag, and the chosen people (the team's leads when none
    are chosen) notified."""
    old = ticket.priority
    new = raised(old)
    if new != old:
        ticket = ticket_actions.set_priority(ticket, priority=new, actor=ctx.actor)
    if ESCALATED_TAG not in {tag.name for tag in ticket.tags.all()}:
        ticket = ticket_actions.set_tags(ticket, tags=[ESCALATED_TAG], actor=ctx.actor, add=True)
    people = recipients(ticket, p.get("to") or ["team_leads"])
    ticket_actions.notify_staff(
        ticket, people, event=ctx.event, data={"escalated": True}, by_email=bool(p.get("email"))
    )
    return {"old": old, "new": new, "done": [u.pk for u in people]}


def run_steps(ticket: Ticket, steps: Sequence[Step], ctx: Context) -> list[dict[str, Any]]:
    """Each step in its own savepoint, on the ticket as the previous step left it (read again only when a step
    changed it and another follows)."""
    changes: list[dict[str, Any]] = []
    for n, step in enumerate(steps):
        try:
            with transaction.atomic():
                change = apply(ticket, step, ctx)
        except ActionError as error:
            change = {"error": str(error.message), "code": error.code}
        except ObjectDoesNotExist:  # a status, team or person deleted since the rule was saved
            change = {"error": gettext("What the action names no longer exists."), "code": "missing"}
        changes.append({"type": step.type, **change})
        if n + 1 < len(steps) and "skipped" not in change and "error" not in change:
            ticket = fresh(ticket.pk)
    return changes


def _fired_data(
    rule: engine.Compiled, *, depth: int, trigger: str | None, anchor: tuple[datetime, datetime] | None
) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "version": rule.version,
        "name": rule.name,
        "trigger": trigger,
        "anchor": rule.anchor if anchor else None,
        "anchor_at": anchor[0].isoformat() if anchor else None,
        "after_seconds": rule.after_seconds if anchor else None,
        "business_time": bool(anchor and rule.business_time),
        "depth": depth,
        "steps": [s.type for s in rule.steps],
    }


def _run_row(
    rule: engine.Compiled,
    ticket_id: int,
    *,
    key: str,
    now: datetime,
    depth: int,
    fired_event: int,
    changes: list[dict[str, Any]],
    cause_event: int | None = None,
    trigger: str | None = None,
    anchor: tuple[datetime, datetime] | None = None,
) -> RuleRun:
    return RuleRun(
        rule_id=rule.id,
        rule_version=rule.version,
        ticket_id=ticket_id,
        event=cause_event,
        fired_event=fired_event,
        anchor_at=anchor[0] if anchor else None,
        due_at=anchor[1] if anchor else None,
        at=now,
        depth=depth,
        outcome=outcome(changes),
        reason={"trigger": trigger, **(engine.describe_time(rule) if anchor else {})},
        changes=changes,
        key=key,
    )


def outcome(changes: list[dict[str, Any]]) -> str:
    failed = sum(1 for c in changes if "error" in c)
    if not failed:
        return RuleRun.Outcome.DONE
    return RuleRun.Outcome.FAILED if failed == len(changes) else RuleRun.Outcome.PARTLY


def fire(
    rule: engine.Compiled,
    ticket: Ticket,
    *,
    key: str,
    now: datetime,
    depth: int,
    event: TicketEvent | None = None,
    trigger: str | None = None,
    anchor: tuple[datetime, datetime] | None = None,
) -> RuleRun | None:
    """Fire the rule on the ticket once for `key`: its event, its steps, its run. None when it had fired already.
    `ticket` is the ticket as loaded for the batch (steps lock it through the ticket actions)."""
    if RuleRun.objects.filter(key=key).exists():
        return None
    cause_event = event.pk if event is not None else None
    try:
        with transaction.atomic():
            data = _fired_data(rule, depth=depth, trigger=trigger, anchor=anchor)
            with origin("automation", cause_event=cause_event, cause=rule.cause):
                fired = timeline.record(ticket, FIRED, actor=None, data=data, at=now)
            with origin("automation", cause_event=fired.pk, cause=rule.cause):
                changes = run_steps(ticket, rule.steps, Context(actor=None, event=fired, via="trigger", key=key))
            run = _run_row(
                rule,
                ticket.pk,
                key=key,
                now=now,
                depth=depth,
                fired_event=fired.pk,
                changes=changes,
                cause_event=cause_event,
                trigger=trigger,
                anchor=anchor,
            )
            run.save(force_insert=True)
            return run
    except IntegrityError:  # another worker fired it first: its run stands, this one rolled back
        return None


@dataclass(frozen=True)
class Due:
    """A time rule due on a ticket: its key (once per anchor instant) and the anchor with the due instant."""

    rule: engine.Compiled
    ticket: Ticket
    key: str
    anchor: tuple[datetime, datetime]


def fire_due(items: Sequence[Due], *, now: datetime) -> list[RuleRun]:
    """Fire many time rules at once (the minutely job's chunk; keys checked by the caller, one rule per ticket):
    their `automation.fired` events in one statement per rule, each one's steps through the ticket actions, and
    the runs in one statement. A key fired meanwhile fails the insert and rolls the chunk back for a retry."""
    runs: list[RuleRun] = []
    by_rule: dict[int, list[Due]] = {}
    for item in items:
        by_rule.setdefault(item.rule.id, []).append(item)
    for group in by_rule.values():
        rule = group[0].rule
        entries = [(d.ticket.pk, FIRED, _fired_data(rule, depth=1, trigger=None, anchor=d.anchor), now) for d in group]
        with origin("automation", cause=rule.cause):
            recorded = timeline.record_many(entries)
        if all(step.type in BATCHED for step in rule.steps):
            runs.extend(_batched(rule, group, recorded, now=now))
            continue
        for item, written in zip(group, recorded, strict=True):
            fired = TicketEvent(
                pk=written.pk,
                ticket_id=written.ticket_id,
                kind=written.kind,
                at=written.at,
                data=written.data,
                source="automation",
                cause=rule.cause,
            )
            with origin("automation", cause_event=written.pk, cause=rule.cause):
                changes = run_steps(
                    item.ticket, rule.steps, Context(actor=None, event=fired, via="trigger", key=item.key)
                )
            runs.append(
                _run_row(
                    rule,
                    item.ticket.pk,
                    key=item.key,
                    now=now,
                    depth=1,
                    fired_event=written.pk,
                    changes=changes,
                    anchor=item.anchor,
                )
            )
    RuleRun.objects.bulk_create(runs)
    return runs


BATCHED = frozenset({"set_priority", "set_type", "set_team", "add_tags", "remove_tags"})


def _batched(rule: engine.Compiled, group: Sequence[Due], recorded: Sequence[Any], *, now: datetime) -> list[RuleRun]:
    """A rule whose steps are all plain field or tag changes: each step for the whole group in a few statements
    (tickets.actions.batch), each ticket's change caused by its own firing."""
    items = [(item.ticket.pk, written.pk) for item, written in zip(group, recorded, strict=True)]
    done: dict[int, list[dict[str, Any]]] = {pk: [] for pk, _fired in items}
    with origin("automation", cause=rule.cause):
        for step in rule.steps:
            p = step.params
            if step.type == "set_priority":
                result = ticket_batch.set_column_many(items, column="priority", value=p["priority"], now=now)
            elif step.type == "set_type":
                result = ticket_batch.set_column_many(items, column="type", value=p["value"], now=now)
            elif step.type == "set_team":
                result = ticket_batch.set_column_many(items, column="team_id", value=p["team"], now=now)
            elif step.type == "add_tags":
                result = ticket_batch.change_tags_many(items, add=p["tags"], now=now)
            else:
                result = ticket_batch.change_tags_many(items, remove=p["tags"], now=now)
            for pk, change in result.items():
                done[pk].append({"type": step.type, **change})
    return [
        _run_row(
            rule,
            item.ticket.pk,
            key=item.key,
            now=now,
            depth=1,
            fired_event=fired,
            changes=done[item.ticket.pk],
            anchor=item.anchor,
        )
        for item, (_pk, fired) in zip(group, items, strict=True)
    ]


def cut(rule: engine.Compiled, ticket: Ticket, *, key: str, event: TicketEvent, depth: int, now: datetime) -> None:
    """Log that the chain reached the rule too deep: it does not run (loop protection)."""
    try:
        with transaction.atomic():
            RuleRun.objects.create(
                rule_id=rule.id,
                rule_version=rule.version,
                ticket_id=ticket.pk,
                event=event.pk,
                at=now,
                depth=depth,
                outcome=RuleRun.Outcome.CUT,
                reason={"max_depth": engine.MAX_DEPTH},
                changes=[],
                key=key,
            )
    except IntegrityError:
        return
