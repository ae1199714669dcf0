"""Goals' progress and status (on track, at risk, achieved, missed), read through the KPI query layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from opsdesk.analytics import kpis, periods, query, rollups
from opsdesk.analytics.models import Goal
from opsdesk.analytics.periods import Period

STATISTICS = {"median": _("median"), "p90": _("90th percentile"), "mean": _("mean")}
STATUS = {
    "upcoming": _("Not started"),
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "achieved": _("Achieved"),
    "missed": _("Missed"),
    "no_data": _("No data yet"),
}


@dataclass
class Progress:
    goal: Goal
    kpi: kpis.Kpi
    value: float | None  # the figure over the goal's period up to today (or its end)
    n: int
    status: str
    elapsed_share: float  # how much of the period has passed, 0–1

    @property
    def status_label(self) -> str:
        return str(STATUS[self.status])


def statistic(figure: query.Figure, name: str) -> float | None:
    if figure.kpi.kind != kpis.DURATION:
        return figure.value
    return {"median": figure.value, "p90": figure.p90, "mean": figure.mean}.get(name, figure.value)


def meets(kpi: kpis.Kpi, value: float | None, target: float) -> bool | None:
    if value is None:
        return None
    return value <= target if kpi.lower_is_better else value >= target


def progress(goal: Goal, today: date | None = None) -> Progress:
    kpi = kpis.BY_KEY[goal.kpi]
    today = today or periods.today()
    if today < goal.start:
        return Progress(goal, kpi, None, 0, "upcoming", 0.0)
    end = min(goal.end, today)
    period = Period(goal.start, end)
    cut = query.Cut(period, rollups.Where(team=goal.team_id), goal.business_hours)
    figure = query.figures(cut, [kpi])[kpi.key]
    value = statistic(figure, goal.statistic)
    share = min(1.0, period.days / Period(goal.start, goal.end).days)
    judged: float | None = value
    if kpi.kind == kpis.COUNT and value is not None and goal.end > today and share > 0:
        judged = value / share  # a count goal is judged on its pace: the count at this rate by the period's end
    met = meets(kpi, judged, goal.target)
    if goal.end < today:
        status = "no_data" if met is None else "achieved" if met else "missed"
    else:
        status = "no_data" if met is None else "on_track" if met else "at_risk"
    return Progress(goal, kpi, value, figure.n, status, share)


def for_dashboard(team_id: int | None, day: date | None = None) -> list[Progress]:
    """Goals whose period includes `day` (default today), for the whole desk or the team."""
    day = day or periods.today()
    goals = Goal.objects.filter(start__lte=day, end__gte=day)
    goals = goals.filter(team__isnull=True) if team_id is None else goals.filter(team_id=team_id)
    goals = goals.order_by("kpi", "id")
    return [progress(goal, day) for goal in goals]
