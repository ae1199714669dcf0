"""Every write to SLA policies, their targets and escalations (METRICS.md §2.1). Each checks the rule, bumps the
policy's version, records an audit row, and after commit re-applies the policy to the unsolved tickets it governs,
so their deadlines are recomputed from their history and say so on the timeline (§2.6)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.core.ordering import swap_with_neighbour
from opsdesk.core.params import InvalidParameter
from opsdesk.people.models import Team
from opsdesk.sla.actions import tracking
from opsdesk.sla.models import METRICS, PAUSE_CATEGORIES, PRIORITIES, BusinessCalendar, Escalation, SlaPolicy, SlaTarget
from opsdesk.tickets import categories, filters
from opsdesk.tickets.actions import clean_tags
from opsdesk.tickets.models import Ticket

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

MAX_TARGET_SECONDS = 366 * 24 * 3600  # a year: a longer promise is a typo
MAX_DELAY_SECONDS = 30 * 24 * 3600
NAME_LIMIT = 100
REAPPLY_CHUNK = 500


@dataclass(frozen=True)
class TargetInput:
    priority: str
    metric: str
    seconds: int
    business_hours: bool = True
    warn_before: int = 900


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("required", _("Enter a name."), field="name", status=422)
    if len(name) > NAME_LIMIT:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": NAME_LIMIT}, field="name", status=422)
    return name


def check_conditions(data: Any) -> dict[str, Any]:
    """The conditions as the filter language stores them; a bad one is a field error, never a stored surprise."""
    try:
        parsed = filters.from_json(data or {}, personal=False)
    except InvalidParameter as error:
        raise ActionError("invalid_conditions", error.message, field="conditions", status=422) from None
    if parsed.text:
        message = _("Conditions cannot search for words; use fields and tags.")
        raise ActionError("invalid_conditions", message, field="conditions", status=422)
    return parsed.to_json() if parsed else {}


def check_targets(targets: Iterable[TargetInput]) -> list[TargetInput]:
    priorities, metrics = dict(PRIORITIES), dict(METRICS)
    seen: set[tuple[str, str]] = set()
    found = []
    for target in targets:
        where = f"target_{target.priority}_{target.metric}"
        if target.priority not in priorities or target.metric not in metrics:
            raise ActionError("invalid_target", _("Choose a priority and a metric from the lists."), field=where)
        if (target.priority, target.metric) in seen:
            raise ActionError("duplicate_target", _("One target per priority and metric."), field=where, status=422)
        seen.add((target.priority, target.metric))
        if not 0 < target.seconds <= MAX_TARGET_SECONDS:
            message = _("A target is at least one minute and at most a year.")
            raise ActionError("invalid_target", message, field=where, status=422)
        if not 0 <= target.warn_before <= MAX_TARGET_SECONDS:
            message = _("Warn at most a year ahead.")
            raise ActionError("invalid_target", message, field=where, status=422)
        found.append(target)
    return found


def _snapshot(policy: SlaPolicy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "conditions": policy.conditions,
        "calendar": policy.calendar_id,
        "pause": sorted(policy.pause_categories or []),
        "targets": sorted(
            [t.priority, t.metric, t.seconds, t.business_hours, t.warn_before] for t in policy.targets.all()
        ),
    }


def _bump(policy: SlaPolicy) -> None:
    SlaPolicy.objects.filter(pk=policy.pk).update(version=F("version") + 1, updated_at=timezone.now())
    policy.refresh_from_db(fields=["version", "updated_at"])
    enqueue_on_commit("opsdesk.sla.tasks.reapply_policies", str(policy.pk))


@transaction.atomic
def save_policy(
    policy: SlaPolicy | None,
    *,
    name: str,
    conditions: Any,
    calendar: BusinessCalendar | None,
    pause_categories: Sequence[str],
    targets: Iterable[TargetInput],
    actor: User | None,
) -> SlaPolicy:
    """Create a policy (None; it goes last before the default) or change one. A changed policy is a new version,
    applied to the unsolved tickets it governs after commit."""
    require(actor, Capability.MANAGE_SLA)
    name = _name(name)
    checked = check_conditions(conditions)
    if policy is not None and policy.is_default and checked:
        message = _("The default policy applies to every ticket no other policy matches; it has no conditions.")
        raise ActionError("default_conditions", message, field="conditions", status=422)
    allowed = dict(PAUSE_CATEGORIES)
    if any(c not in allowed for c in pause_categories):
        raise ActionError("invalid_pause", _("Choose statuses from the list."), field="pause_categories", status=422)
    pause = sorted(set(pause_categories))
    wanted = check_targets(targets)
    if any(t.business_hours for t in wanted) and calendar is None and not BusinessCalendar.objects.exists():
        message = _("Targets in business hours need a business calendar; create one first.")
        raise ActionError("no_calendar", message, field="calendar", status=422)
    taken = SlaPolicy.objects.filter(name__iexact=name)
    if policy is not None:
        taken = taken.exclude(pk=policy.pk)
    if taken.exists():
        raise ActionError("name_taken", _("A policy with this name exists already."), field="name")
    if policy is None:
        last = SlaPolicy.objects.filter(is_default=False).aggregate(m=Max("position"))["m"]
        policy = SlaPolicy.objects.create(
            name=name,
            conditions=checked,
            calendar=calendar,
            pause_categories=pause,
            position=(last or 0) + 1,
        )
        before: dict[str, Any] = {}
    else:
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        before = _snapshot(policy)
        policy.name, policy.conditions, policy.calendar, policy.pause_categories = name, checked, calendar, pause
        policy.save(update_fields=["name", "conditions", "calendar", "pause_categories", "updated_at"])
    SlaTarget.objects.filter(policy=policy).delete()
    SlaTarget.objects.bulk_create(
        SlaTarget(
            policy=policy,
            priority=t.priority,
            metric=t.metric,
            seconds=t.seconds,
            business_hours=t.business_hours,
            warn_before=t.warn_before,
        )
        for t in wanted
    )
    after = _snapshot(policy)
    if before and before == after:
        return policy
    if before and {k: v for k, v in before.items() if k != "name"} != {k: v for k, v in after.items() if k != "name"}:
        _bump(policy)
    audit.record(
        actor=actor,
        verb="sla_policy.updated" if before else "sla_policy.created",
        target=policy,
        data={"before": before, "after": after, "version": policy.version},
    )
    return policy


@transaction.atomic
def delete_policy(policy: SlaPolicy, *, actor: User | None) -> None:
    """Delete a policy (never the default). Its unsolved tickets are matched again after commit."""
    require(actor, Capability.MANAGE_SLA)
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.is_default:
        message = _("The default policy cannot be deleted; remove its targets instead.")
        raise ActionError("default_policy", message, status=409)
    audit.record(actor=actor, verb="sla_policy.deleted", target=policy, data=_snapshot(policy))
    pk = policy.pk
    policy.delete()
    enqueue_on_commit("opsdesk.sla.tasks.reapply_policies", str(pk))


@transaction.atomic
def move_policy(policy: SlaPolicy, *, up: bool, actor: User | None) -> SlaPolicy:
    """Swap a policy with its neighbour in the order they are tried (the default stays last). Order decides only
    new matches: tickets keep their policy until a field they are matched on changes (METRICS.md §2.1)."""
    require(actor, Capability.MANAGE_SLA)
    ordered = list(SlaPolicy.objects.select_for_update().filter(is_default=False).order_by("position", "id"))
    index = next((i for i, p in enumerate(ordered) if p.pk == policy.pk), None)
    if index is None:
        raise ActionError("default_policy", _("The default policy is always tried last."), status=409)
    ordered = swap_with_neighbour(ordered, policy.pk, up=up)
    audit.record(actor=actor, verb="sla_policy.moved", target=policy, data={"order": [p.pk for p in ordered]})
    return next(p for p in ordered if p.pk == policy.pk)


@transaction.atomic
def save_escalation(
    policy: SlaPolicy,
    escalation: Escalation | None,
    *,
    level: int,
    trigger: str,
    metric: str,
    delay: int,
    notify: Sequence[str],
    by_email: bool,
    raise_priority: bool,
    move_to_team: Team | None,
    add_tag: str,
    actor: User | None,
) -> Escalation:
    require(actor, Capability.MANAGE_SLA)
    if not 1 <= level <= 9:
        raise ActionError("invalid_level", _("Levels run from 1 to 9."), field="level", status=422)
    if trigger not in Escalation.Trigger.values:
        raise ActionError("invalid_trigger", _("Choose a warning or a breach."), field="trigger", status=422)
    if metric and metric not in dict(METRICS):
        raise ActionError("invalid_metric", _("Choose a metric from the list."), field="metric", status=422)
    if not 0 <= delay <= MAX_DELAY_SECONDS:
        message = _("The delay is at most 30 days.")
        raise ActionError("invalid_delay", message, field="delay", status=422)
    if any(n not in Escalation.Notify.values for n in notify):
        raise ActionError("invalid_notify", _("Choose whom to notify from the list."), field="notify", status=422)
    tags = clean_tags([add_tag]) if add_tag.strip() else []
    if not (notify or raise_priority or move_to_team or tags):
        message = _("Choose at least one thing to do: notify someone, raise the priority, move or tag the ticket.")
        raise ActionError("nothing_to_do", message, field="notify", status=422)
    values = {
        "level": level,
        "trigger": trigger,
        "metric": metric,
        "delay": delay,
        "notify": sorted(set(notify)),
        "by_email": by_email,
        "raise_priority": raise_priority,
        "move_to_team": move_to_team,
        "add_tag": tags[0] if tags else "",
    }
    if escalation is None:
        escalation = Escalation.objects.create(policy=policy, **values)
        verb = "sla_escalation.created"
    else:
        for key, value in values.items():
            setattr(escalation, key, value)
        escalation.save()
        verb = "sla_escalation.updated"
    audit.record(
        actor=actor,
        verb=verb,
        target=policy,
        data={**values, "move_to_team": move_to_team.pk if move_to_team else None, "escalation": escalation.pk},
    )
    enqueue_on_commit("opsdesk.sla.tasks.reapply_policies", str(policy.pk))  # due times of pending levels change
    return escalation


@transaction.atomic
def delete_escalation(escalation: Escalation, *, actor: User | None) -> None:
    require(actor, Capability.MANAGE_SLA)
    audit.record(
        actor=actor, verb="sla_escalation.deleted", target=escalation.policy, data={"escalation": escalation.pk}
    )
    policy_id = escalation.policy_id
    escalation.delete()
    enqueue_on_commit("opsdesk.sla.tasks.reapply_policies", str(policy_id))


def reapply(policy_ids: Sequence[int]) -> int:
    """Match again the unsolved tickets these policies govern (a deleted or edited policy, an edited calendar) and
    bring their clocks up to date: a recalculation is written where a deadline moved. Returns how many tickets."""
    now = timezone.now()
    done, after = 0, 0
    while True:
        ids = list(
            Ticket.objects.filter(
                sla_policy_id__in=list(policy_ids), status_category__in=categories.UNSOLVED, pk__gt=after
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:REAPPLY_CHUNK]
        )
        if not ids:
            return done
        tracking.update_clocks(ids, now=now, rematch=dict.fromkeys(ids, now))
        done += len(ids)
        after = ids[-1]
