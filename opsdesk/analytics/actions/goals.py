"""Goals: a target for one KPI, over a period, for the desk or one team. Written by those who manage reports."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.accounts.models import User
from opsdesk.analytics import goals, kpis
from opsdesk.analytics.models import Goal
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.people.models import Team

MAX_DAYS = 3 * 366


def _check(kpi: str, start: date, end: date, target: float, statistic: str, business_hours: bool) -> kpis.Kpi:
    found = kpis.get(kpi)
    if found is None:
        raise ActionError("invalid_kpi", _("Choose a KPI from the list."), field="kpi")
    if end < start:
        raise ActionError("invalid_period", _("The goal must end on or after its first day."), field="end")
    if (end - start).days > MAX_DAYS:
        raise ActionError("invalid_period", _("A goal covers at most three years."), field="end")
    if target != target or target < 0 or target > 10**9:  # NaN, negative, absurd
        raise ActionError("invalid_target", _("Enter a target of zero or more."), field="target")
    if found.kind == kpis.RATIO and target > 100:
        raise ActionError("invalid_target", _("A percentage is at most 100."), field="target")
    if statistic not in goals.STATISTICS:
        raise ActionError("invalid_statistic", _("Choose median, 90th percentile or mean."), field="statistic")
    if business_hours and not found.has_business_hours:
        raise ActionError(
            "invalid_business_hours", _("This KPI has no business-hours variant."), field="business_hours"
        )
    return found


@transaction.atomic
def save_goal(
    goal: Goal | None,
    *,
    kpi: str,
    team: Team | None,
    start: date,
    end: date,
    target: float,
    statistic: str = "median",
    business_hours: bool = False,
    actor: User,
) -> Goal:
    require(actor, Capability.MANAGE_REPORTS)
    found = _check(kpi, start, end, target, statistic, business_hours)
    created = goal is None
    goal = goal or Goal(created_by=actor)
    goal.kpi = found.key
    goal.team = team
    goal.start, goal.end = start, end
    goal.target = float(target)
    goal.statistic = statistic if found.kind == kpis.DURATION else "median"
    goal.business_hours = business_hours
    goal.save()
    audit.record(
        actor=actor,
        verb="goal.created" if created else "goal.changed",
        target=goal,
        data={
            "kpi": goal.kpi,
            "team": team.pk if team else None,
            "start": str(start),
            "end": str(end),
            "target": goal.target,
            "statistic": goal.statistic,
            "business_hours": business_hours,
        },
    )
    return goal


@transaction.atomic
def delete_goal(goal: Goal, *, actor: User) -> None:
    require(actor, Capability.MANAGE_REPORTS)
    audit.record(actor=actor, verb="goal.deleted", target=goal, data={"kpi": goal.kpi, "target": goal.target})
    goal.delete()
