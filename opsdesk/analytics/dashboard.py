"""What a dashboard shows for a cut, as plain data for the templates (the manager, team, agent and shared
dashboards, and the director overview all read it): KPI cards with comparison and goals, today's live strip, trend
series, volumes by channel, the first-response distribution and the hour-of-week heatmap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.analytics import goals, kpis, periods, query, sketch
from opsdesk.analytics.kpis import Kpi
from opsdesk.analytics.periods import Period
from opsdesk.analytics.query import Cut, Figure
from opsdesk.sla.durations import spoken_duration
from opsdesk.tickets import categories
from opsdesk.tickets.models import Ticket

CARDS = (
    "created",
    "solved",
    "backlog",
    "frt",
    "resolution",
    "requester_wait",
    "sla_attainment",
    "one_touch",
    "reopen_rate",
    "replies",
)
AGENT_CARDS = ("solved", "replies", "frt", "resolution", "one_touch", "reopen_rate", "sla_attainment")
# First-response distribution: upper bounds in seconds and their labels.
RANGES = (
    (900, gettext_lazy("under 15 min")),
    (3600, gettext_lazy("15–60 min")),
    (4 * 3600, gettext_lazy("1–4 h")),
    (8 * 3600, gettext_lazy("4–8 h")),
    (86400, gettext_lazy("8–24 h")),
    (3 * 86400, gettext_lazy("1–3 days")),
    (None, gettext_lazy("over 3 days")),
)


def display(kpi: Kpi, value: float | None) -> str:
    """A figure as people read it, in the active language."""
    if value is None:
        return "—"
    if kpi.kind == kpis.DURATION:
        return spoken_duration(value)
    if kpi.kind == kpis.RATIO:
        return f"{number_format(value, 1)} %"
    return number_format(int(value), force_grouping=True)


@dataclass
class Card:
    kpi: Kpi
    figure: Figure
    text: str
    previous: Figure | None
    previous_text: str
    change: str  # "+12 %", "−3 min", "" when there is nothing to compare
    better: bool | None  # whether the change is an improvement
    goal: goals.Progress | None
    goal_text: str
    p90_text: str = ""
    meets_goal: bool | None = None  # whether this period's figure is within the goal's target
    goal_period: str = ""


def _change(kpi: Kpi, now: float | None, before: float | None) -> tuple[str, bool | None]:
    if now is None or before is None:
        return "", None
    delta = now - before
    if delta == 0:
        return "±0", None
    better = (delta < 0) == kpi.lower_is_better
    sign = "+" if delta > 0 else "−"
    if kpi.kind == kpis.DURATION:
        return f"{sign}{spoken_duration(abs(delta))}", better
    if kpi.kind == kpis.RATIO:
        # percentage points: the change of a percentage
        return sign + _("%(value)s pp") % {"value": number_format(abs(delta), 1)}, better
    if before:
        return f"{sign}{number_format(abs(delta) / before * 100, 0)} %", better
    return f"{sign}{number_format(abs(delta), 0)}", better


def cards(cut: Cut, compare: Cut | None, keys: tuple[str, ...], team_goals: list[goals.Progress]) -> list[Card]:
    wanted = [kpis.BY_KEY[k] for k in keys]
    now = query.figures(cut, wanted)
    before = query.figures(compare, wanted) if compare is not None else {}
    by_goal = {p.goal.kpi: p for p in team_goals if p.goal.business_hours == cut.business_hours}
    found = []
    for kpi in wanted:
        figure = now[kpi.key]
        previous = before.get(kpi.key)
        change, better = _change(kpi, figure.value, previous.value if previous else None)
        progress = by_goal.get(kpi.key)
        goal_text = ""
        meets_goal = None
        if progress is not None:
            meets_goal = goals.meets(kpi, goals.statistic(figure, progress.goal.statistic), progress.goal.target)
            target = progress.goal.target
            statistic = str(goals.STATISTICS.get(progress.goal.statistic, "")) if kpi.kind == kpis.DURATION else ""
            sign = "≤" if kpi.lower_is_better else "≥"
            goal_text = " ".join(part for part in (statistic, sign, display(kpi, target)) if part)
        found.append(
            Card(
                kpi,
                figure,
                display(kpi, figure.value),
                previous,
                display(kpi, previous.value) if previous else "",
                change,
                better,
                progress,
                goal_text,
                display(kpi, figure.p90) if figure.p90 is not None else "",
                meets_goal,
                period_text(Period(progress.goal.start, progress.goal.end)) if progress else "",
            )
        )
    return found


def live(cut: Cut) -> dict[str, Any]:
    """Today so far, and the SLA state of the backlog right now."""
    today = periods.today()
    now = timezone.now()
    today_cut = cut.with_period(Period(today, today))
    figures = query.figures(today_cut, [kpis.BY_KEY["created"], kpis.BY_KEY["solved"], kpis.BY_KEY["frt"]])
    # Three counts, each read from an index alone (the category index, the partial deadline index); no test of
    # merged_into, which would read every unsolved ticket's row: a merge source is closed and stays closed
    # (tickets.actions.merging), so no unsolved ticket is one.
    unsolved = Ticket.objects.filter(status_category__in=categories.UNSOLVED, **cut.where.ticket_filter())
    clocks = unsolved.filter(sla_deadline_at__isnull=False)
    counts = {
        "backlog": unsolved.count(),
        "breached": clocks.filter(sla_deadline_at__lt=now).count(),
        "at_risk": clocks.filter(sla_deadline_at__gte=now, sla_deadline_at__lt=now + timedelta(hours=1)).count(),
    }
    return {
        "created": figures["created"].value,
        "solved": figures["solved"].value,
        "frt": display(kpis.BY_KEY["frt"], figures["frt"].value),
        "frt_n": figures["frt"].n,
        **counts,
        "as_of": now,
    }


def trend_period(period: Period) -> Period:
    """A trend needs days to be a trend: a short period is shown with the 30 days up to its end."""
    if period.days >= 7:
        return period
    return Period(period.end - timedelta(days=29), period.end)


def charts(cut: Cut) -> dict[str, Any]:
    """The series for the charts (and their table alternatives), labels in the reader's language."""
    span = trend_period(cut.period)
    trend_cut = cut.with_period(span)
    wanted = [kpis.BY_KEY[k] for k in ("created", "solved", "backlog", "frt")]
    series = query.daily(trend_cut, wanted)
    days = span.each_day()
    labels = [date_format(d, "SHORT_DATE_FORMAT") for d in days]
    frt_hours = [round(f.value / 3600, 2) if f.value is not None else None for _d, f in series["frt"]]
    channel_rows = query.created_by_channel(trend_cut)
    channel_names = dict(Ticket.Channel.choices)
    channels = [
        {
            "label": str(channel_names.get(code, code)),
            "data": [channel_rows.get((d, code), 0) for d in days],
            "total": sum(channel_rows.get((d, code), 0) for d in days),
        }
        for code in channel_names
        if any(channel_rows.get((d, code), 0) for d in days)
    ]
    frt_sketch = query.merged_sketch(cut, kpis.BY_KEY["frt"].measure_for(cut.business_hours))
    distribution = distribution_counts(frt_sketch)
    return {
        "days": [d.isoformat() for d in days],
        "labels": labels,
        "span": span,
        "created": [int(f.value or 0) for _d, f in series["created"]],
        "solved": [int(f.value or 0) for _d, f in series["solved"]],
        "backlog": [int(f.value or 0) for _d, f in series["backlog"]],
        "frt_hours": frt_hours,
        "channels": channels,
        "distribution": distribution,
        "heatmap": query.hour_of_week(cut),
    }


def distribution_counts(found: dict[int, int]) -> list[dict[str, Any]]:
    counts = [0] * len(RANGES)
    for index, n in found.items():
        value = sketch.bucket_value(int(index))
        for i, (limit, _label) in enumerate(RANGES):
            if limit is None or value < limit:
                counts[i] += n
                break
    return [{"label": str(label), "n": counts[i]} for i, (_limit, label) in enumerate(RANGES)]


def heat_rows(grid: list[list[int]]) -> list[dict[str, Any]]:
    """The heatmap as rows of cells with a shade class 0–5 (no inline styles: the CSP forbids them)."""
    top = max((n for row in grid for n in row), default=0)
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    rows = []
    for weekday, row in enumerate(grid):
        cells = [{"n": n, "shade": 0 if not n or not top else 1 + min(4, int(5 * n / (top + 1)))} for n in row]
        rows.append({"name": names[weekday], "cells": cells, "total": sum(row)})
    return rows


def period_text(period: Period) -> str:
    if period.start == period.end:
        return date_format(period.start, "DATE_FORMAT")
    return f"{date_format(period.start, 'DATE_FORMAT')} – {date_format(period.end, 'DATE_FORMAT')}"


def day_list(period: Period) -> list[date]:
    return period.each_day()
