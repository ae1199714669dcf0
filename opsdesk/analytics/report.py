"""A report of one cut and its comparison, as plain data: what the scheduled e-mail, the XLSX and the CSV show.

- `rows`: one per KPI of the catalogue: its value as people read it (durations in hours and minutes, ratios in %,
  counts), the comparison, the change, n, and the goal's status where a goal covers the cut;
- `days`: a table of every reporting day of the period (counts, each duration's median, mean and n, each ratio's
  numerator, denominator and percentage), with a totals row that is exact: sums, the period's own median, the mean
  weighted by n, and Σ numerator ÷ Σ denominator (METRICS.md §0: never an average of daily ratios);
- `teams`: the main value of every KPI per team, for the desk-wide report only.

Figures are read through analytics/query.py, so they are the dashboard's (medians from the rollups' sketches).
Build it inside `translation.override(language)`: labels and texts are in the active language. The cut is already
scoped (`cuts.scope`): this module decides nothing about who may see what.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Sum
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opsdesk.analytics import cuts, goals, kpis, periods, query, rollups
from opsdesk.analytics.kpis import Kpi
from opsdesk.analytics.models import Rollup
from opsdesk.analytics.periods import Period
from opsdesk.analytics.query import Cells, Cut, Figure

SECONDS, PERCENT, COUNT = "seconds", "percent", "count"  # the unit of a value in the tables
# How a column of the daily table adds up in its totals row (the XLSX writes each as a formula where one exists).
SUM, LAST, RATIO, WEIGHTED, PERIOD = "sum", "last", "ratio", "weighted", "period"
EMAIL_DAILY = ("created", "solved", "backlog", "frt.median", "sla_attainment.percent")  # the e-mail's columns
EMAIL_TEAMS = ("created", "solved", "backlog", "frt", "sla_attainment")
VOLUMES = frozenset({"created", "replies"})  # more or fewer is neither better nor worse


def unit_of(kpi: Kpi) -> str:
    return SECONDS if kpi.kind == kpis.DURATION else PERCENT if kpi.kind == kpis.RATIO else COUNT


# --- texts --------------------------------------------------------------------------------------------------------


def duration_text(seconds: float) -> str:
    """A duration in hours and minutes ("26 h 5 min", "12 min", "40 s"): reports compare hours, not days."""
    total = int(round(abs(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(seconds)d s") % {"seconds": secs}


def value_text(unit: str, value: float | None) -> str:
    if value is None:
        return "—"
    if unit == SECONDS:
        return duration_text(value)
    if unit == PERCENT:
        return f"{number_format(value, 1)} %"
    return str(number_format(int(round(value)), force_grouping=True))


def change_text(unit: str, change: float | None) -> str:
    """A signed change: "+3", "−12 min", "+4.5 pp" (percentage points: ratios are compared by difference)."""
    if change is None:
        return ""
    if round(change, 6) == 0:
        return "±0"
    sign = "+" if change > 0 else "−"
    if unit == SECONDS:
        return sign + duration_text(change)
    if unit == PERCENT:
        return _("%(value)s pp") % {"value": sign + str(number_format(abs(change), 1))}
    return sign + str(number_format(int(round(abs(change))), force_grouping=True))


def period_text(period: Period) -> str:
    first = date_format(period.start, "SHORT_DATE_FORMAT")
    if period.days == 1:
        return first
    return f"{first} – {date_format(period.end, 'SHORT_DATE_FORMAT')}"


# --- the data -----------------------------------------------------------------------------------------------------


@dataclass
class GoalCell:
    """The goal that covers a KPI row: its target and its status on the period's last day (goals.py)."""

    target: float
    target_text: str  # "≤ 1 h 0 min", "≥ 90.0 %"
    status: str  # goals.STATUS key
    status_label: str


@dataclass
class KpiRow:
    kpi: Kpi
    label: str
    unit: str
    value: float | None  # seconds (median), percent, or a count
    value_text: str
    compare: float | None
    compare_text: str
    change: float | None  # value − compare: seconds, percentage points, or a count
    change_text: str
    better: bool | None  # whether the change is an improvement; None when there is none
    n: int
    compare_n: int | None
    p90: float | None = None
    mean: float | None = None
    goal: GoalCell | None = None


@dataclass(frozen=True)
class Column:
    """A column of the daily table: `key` is "<kpi>" or "<kpi>.<part>" (median, mean, n, numerator, denominator,
    percent); `total` says how the totals row adds it up, with `sources` the columns a ratio or weighted mean reads."""

    key: str
    label: str
    unit: str
    total: str
    sources: tuple[str, ...] = ()


@dataclass
class Table:
    columns: list[Column]
    rows: list[tuple[Any, dict[str, float | None]]]  # (a date or a team's name, values by column key)
    totals: dict[str, float | None] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def brief(self, keys: tuple[str, ...] = EMAIL_DAILY) -> list[Column]:
        return [self.column(key) for key in keys]


@dataclass
class Report:
    title: str
    period: Period
    period_text: str
    compare: Period | None
    compare_text: str
    scope_text: str  # "Whole desk", or the cut's filters as people read them
    business_hours: bool
    zone: str
    rows: list[KpiRow]
    days: Table
    teams: Table | None  # desk-wide reports only


# --- building -----------------------------------------------------------------------------------------------------


def _goal_cells(cut: Cut) -> dict[str, GoalCell]:
    """Goals apply to the whole desk or one team: only a cut with no other filter has them."""
    where = cut.where
    if any(v is not None for v in (where.agent, where.channel, where.language, where.priority)):
        return {}
    if where.organization is not None or where.tag is not None:
        return {}
    found: dict[str, GoalCell] = {}
    for progress in goals.for_dashboard(where.team, cut.period.end):
        if progress.kpi.key in found:
            continue
        unit = unit_of(progress.kpi)
        sign = "≤" if progress.kpi.lower_is_better else "≥"
        target = progress.goal.target
        found[progress.kpi.key] = GoalCell(
            target, f"{sign} {value_text(unit, target)}", progress.status, progress.status_label
        )
    return found


def _row(kpi: Kpi, now: Figure, before: Figure | None, goal: GoalCell | None) -> KpiRow:
    unit = unit_of(kpi)
    then = before.value if before is not None else None
    change = now.value - then if now.value is not None and then is not None else None
    better = None
    if change is not None and round(change, 6) != 0 and kpi.key not in VOLUMES:
        better = (change < 0) == kpi.lower_is_better
    return KpiRow(
        kpi=kpi,
        label=str(kpi.label),
        unit=unit,
        value=now.value,
        value_text=value_text(unit, now.value),
        compare=then,
        compare_text=value_text(unit, then) if before is not None else "",
        change=change,
        change_text=change_text(unit, change),
        better=better,
        n=now.n,
        compare_n=before.n if before is not None else None,
        p90=now.p90,
        mean=now.mean,
        goal=goal,
    )


def daily_columns() -> list[Column]:
    """The daily table's columns, in the catalogue's order."""
    columns: list[Column] = []
    for kpi in kpis.CATALOGUE:
        label = str(kpi.label)
        if kpi.kind == kpis.COUNT:
            columns.append(Column(kpi.key, label, COUNT, SUM))
        elif kpi.kind == kpis.LEVEL:
            columns.append(Column(kpi.key, _("%(kpi)s at the day's end") % {"kpi": label}, COUNT, LAST))
        elif kpi.kind == kpis.DURATION:
            k = kpi.key
            columns += [
                Column(f"{k}.median", _("%(kpi)s, median") % {"kpi": label}, SECONDS, PERIOD),
                Column(f"{k}.mean", _("%(kpi)s, mean") % {"kpi": label}, SECONDS, WEIGHTED, (f"{k}.n",)),
                Column(f"{k}.n", _("%(kpi)s, n") % {"kpi": label}, COUNT, SUM),
            ]
        else:
            k = kpi.key
            columns += [
                Column(f"{k}.numerator", _("%(kpi)s, counted") % {"kpi": label}, COUNT, SUM),
                Column(f"{k}.denominator", _("%(kpi)s, out of") % {"kpi": label}, COUNT, SUM),
                Column(f"{k}.percent", label, PERCENT, RATIO, (f"{k}.numerator", f"{k}.denominator")),
            ]
    return columns


def _values(kpi: Kpi, figure: Figure) -> dict[str, float | None]:
    if kpi.kind in (kpis.COUNT, kpis.LEVEL):
        return {kpi.key: figure.value}
    if kpi.kind == kpis.DURATION:
        return {f"{kpi.key}.median": figure.value, f"{kpi.key}.mean": figure.mean, f"{kpi.key}.n": figure.n}
    return {
        f"{kpi.key}.numerator": figure.numerator or 0,
        f"{kpi.key}.denominator": figure.n,
        f"{kpi.key}.percent": figure.value,
    }


def _daily(cut: Cut, totals: dict[str, Figure]) -> Table:
    columns = daily_columns()
    by_kpi = query.daily(cut, kpis.CATALOGUE)
    rows: list[tuple[Any, dict[str, float | None]]] = []
    for index, day in enumerate(cut.period.each_day()):
        values: dict[str, float | None] = {}
        for kpi in kpis.CATALOGUE:
            values.update(_values(kpi, by_kpi[kpi.key][index][1]))
        rows.append((day, values))
    summed: dict[str, float | None] = {}
    for kpi in kpis.CATALOGUE:
        summed.update(_values(kpi, totals[kpi.key]))  # the period's own figures: exact sums, median, Σ/Σ, mean
    return Table(columns, rows, summed)


def _team_cells(period: Period) -> dict[str, Cells]:
    """Every team's rollup cells over the period, in one query."""
    found: dict[str, dict[tuple[date, str], query.Cell]] = defaultdict(dict)
    rows = Rollup.objects.filter(dim="team", day__range=(period.start, period.end)).values_list(
        "key", "day", "measure", "n", "total", "sketch"
    )
    for key, day, measure, n, total, sk in rows:
        found[key][(day, measure)] = (n, total, sk)
    return {key: Cells(cells) for key, cells in found.items()}


def _team_backlogs(day: date) -> dict[str, int]:
    """Every team's backlog at the end of `day` (query.backlog_at for each, in one query)."""
    sums: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        Rollup.objects.filter(dim="team", day__lte=day, measure__in=("created", "reopened", "solved"))
        .values_list("key", "measure")
        .annotate(total=Sum("n"))
        .values_list("key", "measure", "total")
    )
    for key, measure, total in rows:
        sums[key][measure] = int(total or 0)
    return {key: s.get("created", 0) + s.get("reopened", 0) - s.get("solved", 0) for key, s in sums.items()}


def team_columns() -> list[Column]:
    return [Column(kpi.key, str(kpi.label), unit_of(kpi), PERIOD) for kpi in kpis.CATALOGUE]


def _teams(cut: Cut) -> Table:
    """The main value of every KPI per team: a fixed number of queries however many teams there are."""
    from opsdesk.core.translations import sort_translated
    from opsdesk.people.models import Team

    cells = _team_cells(cut.period)
    backlogs = _team_backlogs(cut.period.end)
    empty = Cells({})
    rows: list[tuple[Any, dict[str, float | None]]] = []
    for team in sort_translated(Team.objects.all(), lambda t: t.display_name):
        found = cells.get(str(team.pk), empty)
        backlog = backlogs.get(str(team.pk), 0)
        values = {
            kpi.key: query.figure(kpi, found, None, business_hours=cut.business_hours, backlog=backlog).value
            for kpi in kpis.CATALOGUE
        }
        rows.append((team.display_name, values))
    return Table(team_columns(), rows)


def scope_text(cut: Cut) -> str:
    """The cut's filters as people read them; "Whole desk" without any."""
    from django.conf import settings

    from opsdesk.accounts.models import User
    from opsdesk.customers.models import CustomerOrganization
    from opsdesk.people.models import Team
    from opsdesk.tickets.models import Ticket

    w = cut.where
    parts: list[str] = []
    if w.team is not None:
        team = Team.objects.filter(pk=w.team).first()
        parts.append(_("Team: %(name)s") % {"name": team.display_name if team else w.team})
    if w.agent is not None:
        name = User.objects.filter(pk=w.agent).values_list("name", flat=True).first()
        parts.append(_("Agent: %(name)s") % {"name": name or w.agent})
    if w.channel is not None:
        parts.append(_("Channel: %(name)s") % {"name": dict(Ticket.Channel.choices).get(w.channel, w.channel)})
    if w.language is not None:
        names = dict(settings.LANGUAGES)  # each in its own language, as the language menus show them
        parts.append(_("Language: %(name)s") % {"name": names.get(w.language, w.language)})
    if w.priority is not None:
        parts.append(_("Priority: %(name)s") % {"name": dict(Ticket.Priority.choices).get(w.priority, w.priority)})
    if w.organization is not None:
        org = CustomerOrganization.objects.filter(pk=w.organization).values_list("name", flat=True).first()
        parts.append(_("Organization: %(name)s") % {"name": org or w.organization})
    if w.tag is not None:
        parts.append(_("Tag: %(name)s") % {"name": w.tag})
    return "; ".join(parts) if parts else _("Whole desk")


def is_desk_wide(cut: Cut) -> bool:
    return cut.where == rollups.Where()


def build(request: cuts.Request, *, title: str = "") -> Report:
    """The report of `request.cut` (already scoped) compared with `request.compare`."""
    cut, compare = request.cut, request.compare
    now = query.figures(cut)
    before = query.figures(compare) if compare is not None else None
    goal_cells = _goal_cells(cut)
    rows = [
        _row(kpi, now[kpi.key], before[kpi.key] if before is not None else None, goal_cells.get(kpi.key))
        for kpi in kpis.CATALOGUE
    ]
    return Report(
        title=title or _("OpsDesk report"),
        period=cut.period,
        period_text=period_text(cut.period),
        compare=compare.period if compare is not None else None,
        compare_text=period_text(compare.period) if compare is not None else "",
        scope_text=scope_text(cut),
        business_hours=cut.business_hours,
        zone=periods.zone_name(),
        rows=rows,
        days=_daily(cut, now),
        teams=_teams(cut) if is_desk_wide(cut) else None,
    )


def hours_word() -> str:
    """ "h" as the spreadsheets' number formats write hours, in the active language."""
    return pgettext("hours, short", "h")
