"""Reading KPIs: figures for a cut (a period and filters) from the rollups, or summed from the facts on the fly for
cuts the rollups do not hold; trends by day; the drill-down (the tickets counted, with exact values) and, per
ticket, the events that produced its value. Views, reports, exports and the API all read through here."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from opsdesk.analytics import kpis, rollups, sketch
from opsdesk.analytics.kpis import Kpi
from opsdesk.analytics.models import Rollup, TicketActivity, TicketFacts
from opsdesk.analytics.periods import Period
from opsdesk.tickets import categories
from opsdesk.tickets.querysets import about_visible_tickets

Cell = tuple[int, int, dict[Any, int] | None]  # n, total seconds, sketch


@dataclass(frozen=True)
class Cut:
    period: Period
    where: rollups.Where = field(default_factory=rollups.Where)
    business_hours: bool = False

    def rollup_key(self) -> tuple[str, str] | None:
        """The rollup cut (dim, key) that holds this cut, or None when it must be summed from the facts."""
        w = self.where
        if w.organization is not None or w.tag is not None:
            return None
        set_dims = [
            (dim, value)
            for dim, value in (
                ("team", w.team),
                ("agent", w.agent),
                ("channel", w.channel),
                ("language", w.language),
                ("priority", w.priority),
            )
            if value is not None
        ]
        if not set_dims:
            return ("all", "")
        if len(set_dims) == 1:
            return (set_dims[0][0], str(set_dims[0][1]))
        return None

    def with_period(self, period: Period) -> Cut:
        return replace(self, period=period)


@dataclass
class Figure:
    kpi: Kpi
    value: float | None  # seconds (median) for durations, percent for ratios, a count otherwise
    n: int = 0  # values (durations), the denominator (ratios), or the count
    p90: float | None = None
    mean: float | None = None
    numerator: int | None = None


class Cells:
    """Rollup cells by (day, measure) for one cut."""

    def __init__(self, cells: dict[tuple[date, str], Cell]) -> None:
        self.cells = cells

    def over(self, measure: str, days: Iterable[date] | None = None) -> list[Cell]:
        if days is None:
            return [cell for (_day, m), cell in self.cells.items() if m == measure]
        return [self.cells[(d, measure)] for d in days if (d, measure) in self.cells]

    def count(self, measure: str, days: Iterable[date] | None = None) -> int:
        if measure == "sla_settled":
            return self.count("sla_achieved", days) + self.count("sla_breached", days)
        return sum(cell[0] for cell in self.over(measure, days))


FLOWS = frozenset({"created", "reopened", "solved"})  # what the backlog is summed from


def measures_of(wanted: Iterable[Kpi], business_hours: bool) -> frozenset[str]:
    """The rollup measures the figures of `wanted` read (a level reads the flows it is summed from)."""
    found: set[str] = set()
    for kpi in wanted:
        if kpi.kind == kpis.LEVEL:
            found |= FLOWS
        elif kpi.kind == kpis.DURATION:
            found.add(kpi.measure_for(business_hours))
        else:
            found.add(kpi.measure)
            if kpi.denominator == "sla_settled":
                found |= {"sla_achieved", "sla_breached"}
            elif kpi.denominator:
                found.add(kpi.denominator)
    return frozenset(found)


# per cut: the measures read so far (None: every one) and their cells
_READING: ContextVar[dict[Cut, tuple[frozenset[str] | None, Cells]] | None] = ContextVar(
    "analytics_reading", default=None
)


@contextmanager
def reading() -> Iterator[None]:
    """Within it, each measure of a cut is read once: a dashboard asks for the same period's cells for its cards,
    its trend lines and its distribution (one page, one moment, so nothing can change in between)."""
    token = _READING.set({})
    try:
        yield
    finally:
        _READING.reset(token)


def cells(cut: Cut, measures: frozenset[str] | None = None) -> Cells:
    """The rollup cells of `cut` over its period: of every measure, or of `measures` only (a duration's sketch is
    decoded only when its measure is asked for)."""
    memo = _READING.get()
    if memo is None:
        return _cells(cut, measures)
    read, found = memo.get(cut, (frozenset(), Cells({})))
    if read is None or (measures is not None and measures <= read):
        return found
    missing = None if measures is None else measures - read
    found.cells.update(_cells(cut, missing).cells)
    memo[cut] = (None if missing is None else read | missing, found)
    return found


def _cells(cut: Cut, measures: frozenset[str] | None) -> Cells:
    start, end = cut.period.start, cut.period.end
    key = cut.rollup_key()
    found: dict[tuple[date, str], Cell] = {}
    if key is not None:
        rows = Rollup.objects.filter(dim=key[0], key=key[1], day__range=(start, end))
        if measures is not None:
            rows = rows.filter(measure__in=sorted(measures))
        for day, measure, n, total, sk in rows.values_list("day", "measure", "n", "total", "sketch"):
            found[(day, measure)] = (n, total, sk)
        return Cells(found)
    summed = rollups.collect(start, end, cut.where, measures=measures)
    for (day, measure, dim, _key), cell in summed.cells.items():
        if dim == "all":
            found[(day, measure)] = (cell[0], cell[1], cell[2])
    return Cells(found)


def figure(kpi: Kpi, found: Cells, days: Sequence[date] | None, *, business_hours: bool, backlog: int | None) -> Figure:
    if kpi.kind == kpis.LEVEL:
        return Figure(kpi, backlog, backlog or 0)
    if kpi.kind == kpis.COUNT:
        n = found.count(kpi.measure, days)
        return Figure(kpi, n, n)
    if kpi.kind == kpis.RATIO:
        top = found.count(kpi.measure, days)
        below = found.count(kpi.denominator, days)
        return Figure(kpi, 100.0 * top / below if below else None, below, numerator=top)
    measure = kpi.measure_for(business_hours)
    parts = found.over(measure, days)
    n = sum(c[0] for c in parts)
    total = sum(c[1] for c in parts)
    merged = sketch.merge(c[2] for c in parts if c[2])
    return Figure(
        kpi,
        sketch.quantile(merged, 0.5),
        n,
        p90=sketch.quantile(merged, 0.9),
        mean=total / n if n else None,
    )


def backlog_at(cut: Cut, day: date) -> int:
    """Unsolved tickets at 00:00 (reporting zone) after `day`: Σ created + reopened − solved up to it."""
    key = cut.rollup_key()
    if key is not None:
        sums = dict(
            Rollup.objects.filter(dim=key[0], key=key[1], day__lte=day, measure__in=("created", "reopened", "solved"))
            .values_list("measure")
            .annotate(total=Sum("n"))
            .values_list("measure", "total")
        )
        return int(sums.get("created", 0) + sums.get("reopened", 0) - sums.get("solved", 0))
    first = TicketFacts.objects.filter(counted=True).order_by("created_day").values_list("created_day", flat=True)
    start = first.first()
    if start is None:
        return 0
    found = cells(cut.with_period(Period(start, day)), FLOWS)
    return found.count("created") + found.count("reopened") - found.count("solved")


def backlog_series(cut: Cut) -> list[tuple[date, int]]:
    """The backlog at the end of each day of the period."""
    start_level = backlog_at(cut, cut.period.start - timedelta(days=1))
    found = cells(cut, FLOWS)
    level = start_level
    series = []
    for day in cut.period.each_day():
        level += found.count("created", [day]) + found.count("reopened", [day]) - found.count("solved", [day])
        series.append((day, level))
    return series


def _has_backlog(cut: Cut, wanted: Sequence[Kpi]) -> bool:
    """The backlog belongs to no agent (METRICS.md §3): an agent's cut has none, rather than −(their solves)."""
    return cut.where.agent is None and any(k.kind == kpis.LEVEL for k in wanted)


def figures(cut: Cut, wanted: Sequence[Kpi] = kpis.CATALOGUE) -> dict[str, Figure]:
    found = cells(cut, measures_of(wanted, cut.business_hours))
    backlog = backlog_at(cut, cut.period.end) if _has_backlog(cut, wanted) else None
    return {k.key: figure(k, found, None, business_hours=cut.business_hours, backlog=backlog) for k in wanted}


def daily(cut: Cut, wanted: Sequence[Kpi]) -> dict[str, list[tuple[date, Figure]]]:
    """Each KPI per day of the period (trend lines)."""
    found = cells(cut, measures_of(wanted, cut.business_hours))
    levels = dict(backlog_series(cut)) if _has_backlog(cut, wanted) else {}
    return {
        k.key: [
            (day, figure(k, found, [day], business_hours=cut.business_hours, backlog=levels.get(day)))
            for day in cut.period.each_day()
        ]
        for k in wanted
    }


def breakdown(cut: Cut, dim: str) -> dict[str, dict[tuple[date, str], int]]:
    """Counts per value of a dimension (e.g. created per channel per day), from the rollups of that dimension;
    only for cuts without filters."""
    rows = Rollup.objects.filter(dim=dim, day__range=(cut.period.start, cut.period.end)).values_list(
        "key", "day", "measure", "n"
    )
    found: dict[str, dict[tuple[date, str], int]] = defaultdict(dict)
    for key, day, measure, n in rows:
        found[key][(day, measure)] = n
    return found


def hour_of_week(cut: Cut) -> list[list[int]]:
    """Tickets created per weekday (Monday first) and hour, in the reporting zone."""
    grid = [[0] * 24 for _ in range(7)]
    if cut.rollup_key() == ("all", ""):
        rows = Rollup.objects.filter(dim="hour", measure="created", day__range=(cut.period.start, cut.period.end))
        for day, key, n in rows.values_list("day", "key", "n"):
            grid[day.weekday()][int(key)] += n
        return grid
    query = TicketFacts.objects.filter(counted=True, created_day__range=(cut.period.start, cut.period.end))
    query = query.filter(**cut.where.facts_filter())
    if cut.where.agent is not None:
        return grid
    for day, hour in query.values_list("created_day", "created_hour").iterator(chunk_size=10_000):
        grid[day.weekday()][hour] += 1
    return grid


# --- drill-down --------------------------------------------------------------------------------------------------

PARTS = {
    "one_touch": ("yes", "no"),
    "reopen_rate": ("yes", "no"),
    "sla_attainment": ("breached", "achieved"),
}


@dataclass(frozen=True)
class Drill:
    """The rows counted in a figure: facts rows (one per ticket) or activity rows (one per event), with the
    columns that hold each row's time, value and agent."""

    rows: QuerySet[Any]
    at: str
    value: str | None = None
    agent: str | None = None

    @property
    def day(self) -> str:
        """The reporting day of `at` (created_at → created_day, at → day): ordering by (day, at, pk) gives the
        order of `at` and is read from the (day, at) indexes in order, without sorting the period's rows."""
        return self.at[: -len("at")] + "day"

    def ordered(self, *, newest_first: bool) -> QuerySet[Any]:
        columns = [self.day, self.at, "pk"]
        return self.rows.order_by(*(("-" + c) for c in columns) if newest_first else columns)

    def for_user(self, user: Any) -> Drill:
        """Only the rows about tickets `user` may see."""
        return replace(self, rows=about_visible_tickets(self.rows, user))


def _facts(cut: Cut) -> QuerySet[TicketFacts]:
    return TicketFacts.objects.filter(counted=True, **cut.where.facts_filter())


def drill_query(cut: Cut, kpi: Kpi, part: str = "") -> Drill:
    """The rows counted in a figure (every one, whoever asks: `Drill.for_user` cuts them to a reader's tickets)."""
    start, end = cut.period.start, cut.period.end
    agent = cut.where.agent
    if agent is not None and kpi.key in ("created", "backlog"):  # attributed to no agent: none in their figures
        return Drill(_facts(cut).none(), "created_at")
    if kpi.kind == kpis.DURATION:
        measure = kpi.measure_for(cut.business_hours)
        value_col, day_col, agent_col = rollups.DURATIONS[measure]
        query = _facts(cut).filter(**{f"{day_col}__range": (start, end), f"{value_col}__isnull": False})
        if agent is not None:
            query = query.filter(**{agent_col: agent})
        return Drill(query, day_col.replace("_day", "_at"), value_col, agent_col)
    if kpi.key in ("solved", "replies", "sla_attainment"):
        kind = {"solved": ["solved"], "replies": ["reply"]}.get(kpi.key)
        if kpi.key == "sla_attainment":
            kind = (
                ["sla_breached"]
                if part == "breached"
                else ["sla_achieved"]
                if part == "achieved"
                else [
                    "sla_breached",
                    "sla_achieved",
                ]
            )
        # a lookup of each row's facts (not `IN (every counted ticket)`, a set of a million ids built per page)
        counted = Exists(_facts(cut).filter(ticket_id=OuterRef("ticket_id")))
        activity = TicketActivity.objects.filter(counted, day__range=(start, end), kind__in=kind)
        if agent is not None:
            activity = activity.filter(agent_id=agent)
        return Drill(activity, "at", None, "agent_id")
    if kpi.key == "created":
        return Drill(_facts(cut).filter(created_day__range=(start, end)), "created_at")
    if kpi.key == "one_touch":
        query = _facts(cut).filter(solved_day__range=(start, end))
        if part:
            query = query.filter(one_touch=(part == "yes"))
        if agent is not None:
            query = query.filter(solved_agent_id=agent)
        return Drill(query, "solved_at", None, "solved_agent_id")
    if kpi.key == "reopen_rate":
        query = _facts(cut).filter(first_solved_day__range=(start, end))
        if part == "yes":
            query = query.filter(reopens__gt=0)
        elif part == "no":
            query = query.filter(reopens=0)
        if agent is not None:
            query = query.filter(first_solved_agent_id=agent)
        return Drill(query, "first_solved_at", None, "first_solved_agent_id")
    # backlog: the tickets unsolved now (the live backlog), in the cut's filters
    return Drill(
        _facts(cut).filter(solved_at__isnull=True, ticket__status_category__in=categories.UNSOLVED), "created_at"
    )


EXACT_SECONDS = 60  # an exact figure is kept this long, as the rollups are a minute behind at most


def exact_figure(cut: Cut, kpi: Kpi) -> Figure | None:
    """Durations: exact median and p90 (type 7) and mean over every value the figure counts. Reading every value
    takes a second at 125,000 values, so the result is kept for a minute per cut (every page of a drill-down)."""
    if kpi.kind != kpis.DURATION:
        return None
    from django.core.cache import cache

    stamp = repr((rollups.facts_version(), cut, kpi.key))
    key = "analytics:exact:" + hashlib.sha256(stamp.encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        return Figure(kpi, kept[0], kept[1], p90=kept[2], mean=kept[3])
    found = _exact_figure(cut, kpi)
    cache.set(key, (found.value, found.n, found.p90, found.mean), EXACT_SECONDS)
    return found


def _exact_figure(cut: Cut, kpi: Kpi) -> Figure:
    drill = drill_query(cut, kpi)
    assert drill.value is not None
    # the plain cursor: a third of the time of a values_list over 200,000 rows; one sort for both quantiles
    sql, params = drill.rows.values_list(drill.value).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = sorted(row[0] for row in cursor.fetchall())
    return Figure(
        kpi,
        sketch.exact_quantile(values, 0.5),
        len(values),
        p90=sketch.exact_quantile(values, 0.9),
        mean=sum(values) / len(values) if values else None,
    )


def explain_events(ticket_id: int, kpi: Kpi) -> list[Any]:
    """The timeline events that produce a ticket's value of `kpi`, oldest first."""
    from opsdesk.tickets.models import TicketEvent

    kinds = {
        kpis.DURATION: ["ticket.created", "comment.added", "status.changed"],
        kpis.RATIO: ["ticket.created", "comment.added", "status.changed"],
    }.get(kpi.kind, ["ticket.created", "status.changed", "comment.added"])
    if kpi.key == "sla_attainment":
        kinds = [
            "sla.activated",
            "sla.paused",
            "sla.resumed",
            "sla.breached",
            "sla.fulfilled",
            "sla.cancelled",
            "sla.reactivated",
            "sla.recalculated",
        ]
    events = TicketEvent.objects.filter(ticket_id=ticket_id, kind__in=kinds).order_by("at", "id")
    if kpi.key in ("frt",):
        events = events.filter(~Q(kind="status.changed"))
    return list(events.select_related("actor"))


def created_by_channel(cut: Cut) -> dict[tuple[date, str], int]:
    """Tickets created per day and channel: from the channel rollups for the whole desk, else from the facts."""
    start, end = cut.period.start, cut.period.end
    if cut.rollup_key() == ("all", ""):
        rows = Rollup.objects.filter(dim="channel", measure="created", day__range=(start, end))
        return {(day, key): n for day, key, n in rows.values_list("day", "key", "n")}
    if cut.where.agent is not None:
        return {}
    facts = _facts(cut).filter(created_day__range=(start, end)).values_list("created_day", "channel")
    counted = facts.annotate(n=Count("ticket_id")).order_by()
    return {(day, channel): n for day, channel, n in counted}


def merged_sketch(cut: Cut, measure: str) -> dict[int, int]:
    """The sketch of a duration measure over the whole period."""
    found = cells(cut, frozenset([measure]))
    return sketch.merge(c[2] for c in found.over(measure) if c[2])
