"""Coaching tasks: a lead (review_quality) asks for coaching of an agent on a criterion where the agent's reviews
are weak (quality/criteria.py), with a note and a due day; the agent or a lead marks it done. One open task per agent
and criterion: a second is refused (a retried form makes no duplicate). Each write is in the audit log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.quality import criteria
from opsdesk.quality.models import CoachingTask, Scorecard

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

MAX_NOTE = 2000
LOOK_BACK_DAYS = 90  # the reviews the task's score is of


def create_task(
    agent: User,
    *,
    scorecard: Scorecard,
    item_key: str,
    actor: User,
    note: str = "",
    due_on: date | None = None,
    now: datetime | None = None,
) -> CoachingTask:
    require(actor, Capability.REVIEW_QUALITY)
    now = now or timezone.now()
    if not agent.is_active or agent.role == "customer":
        raise ActionError("invalid_agent", _("Choose an agent."), field="agent", status=422)
    if agent.pk == actor.pk:
        raise ActionError("own_work", _("Ask another lead to coach you."), field="agent")
    note = (note or "").replace("\x00", "").strip()
    if len(note) > MAX_NOTE:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": MAX_NOTE}, field="note", status=422)
    if due_on is not None and due_on < timezone.localdate(now):
        raise ActionError("past", _("Choose today or a later day."), field="due_on", status=422)
    found = {
        c.key: c
        for c in criteria.for_agent(actor, agent.pk, now - timedelta(days=LOOK_BACK_DAYS), now)
        if c.scorecard_id == scorecard.pk
    }
    criterion = found.get(item_key)
    if criterion is None:
        raise ActionError(
            "unknown_criterion", _("This agent has no reviews of that criterion."), field="item_key", status=422
        )
    try:
        with transaction.atomic():
            task = CoachingTask.objects.create(
                agent=agent,
                scorecard=scorecard,
                item_key=item_key,
                item_name=criterion.name,
                score=None if criterion.mean is None else Decimal(f"{criterion.mean:.1f}"),
                reviews=criterion.n,
                note=note,
                due_on=due_on,
                created_by=actor,
                created_at=now,
            )
    except IntegrityError:
        raise ActionError(
            "already_open", _("A coaching task on this criterion is open already."), field="item_key"
        ) from None
    audit.record(
        actor=actor,
        verb="coaching.created",
        target=task,
        data={"agent": agent.pk, "scorecard": scorecard.pk, "item": item_key, "score": str(task.score)},
    )
    return task


def complete_task(task: CoachingTask, *, actor: User) -> CoachingTask:
    """Done: by the agent coached, or by a lead. Done again changes nothing."""
    if actor.pk != task.agent_id and not can(actor, Capability.REVIEW_QUALITY):
        raise ActionError("forbidden", _("Your role does not allow this."), status=403)
    with transaction.atomic():
        task = CoachingTask.objects.select_for_update().get(pk=task.pk)
        if task.state == CoachingTask.State.DONE:
            return task
        task.state, task.done_at = CoachingTask.State.DONE, timezone.now()
        task.save(update_fields=["state", "done_at"])
        audit.record(
            actor=actor, verb="coaching.done", target=task, data={"agent": task.agent_id, "item": task.item_key}
        )
    return task
