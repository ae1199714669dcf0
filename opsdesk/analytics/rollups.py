"""Keeping the KPI facts and their daily rollups (docs/adr/0026-kpi-rollups.md).

- `refresh(ticket_ids)`: recompute the facts of these tickets from their timelines (analytics/facts.py), replace
  their rows, and mark dirty every reporting day whose sums changed: the days where these tickets' own cells
  (`collect(..., tickets=...)`) differ before and after. A day's rollups are the sum of every ticket's cells, so
  no other day can have changed (a reply today to a ticket of last month dirties today, not last month).
- `sum_days(start, end)`: sum the rollups of whole days again from the facts: the one function both the minutely
  update (`sum_dirty`) and the rebuild call, so the two always store the same rows.
- `rebuild(start, end)`: recompute the facts of every ticket with an event in the range (all tickets without one),
  then sum its days; `opsdesk analytics-rebuild` runs it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet

from opsdesk.analytics import facts as kpi_facts
from opsdesk.analytics import periods, sketch
from opsdesk.analytics.models import DirtyDay, Rollup, TicketActivity, TicketFacts
from opsdesk.sla.business_time import Schedule
from opsdesk.sla.models import BusinessCalendar, SlaPolicy
from opsdesk.sla.schedules import schedule_for
from opsdesk.tickets.models import Ticket, TicketEvent

# Duration measures: the facts column, the column of the reporting day it counts on, and its agent (METRICS.md §0
# attribution: first reply → its author; resolution and waits → the assignee at the solve).
DURATIONS: dict[str, tuple[str, str, str]] = {
    "frt": ("frt", "first_reply_day", "first_reply_agent_id"),
    "frt_bh": ("frt_bh", "first_reply_day", "first_reply_agent_id"),
    "first_resolution": ("first_resolution", "first_solved_day", "first_solved_agent_id"),
    "first_resolution_bh": ("first_resolution_bh", "first_solved_day", "first_solved_agent_id"),
    "resolution": ("resolution", "solved_day", "solved_agent_id"),
    "resolution_bh": ("resolution_bh", "solved_day", "solved_agent_id"),
    "requester_wait": ("requester_wait", "solved_day", "solved_agent_id"),
    "requester_wait_bh": ("requester_wait_bh", "solved_day", "solved_agent_id"),
    "agent_work": ("agent_work", "solved_day", "solved_agent_id"),
    "agent_work_bh": ("agent_work_bh", "solved_day", "solved_agent_id"),
}
# Ticket counts from the facts: the day column, the agent column, and the condition on the row.
TICKET_COUNTS: dict[str, tuple[str, str | None, str]] = {
    "created": ("created_day", None, ""),
    "resolved": ("solved_day", "solved_agent_id", ""),  # tickets solved now, by the day of their latest solve
    "one_touch": ("solved_day", "solved_agent_id", "one_touch"),
    "first_solved": ("first_solved_day", "first_solved_agent_id", ""),
    "reopened_tickets": ("first_solved_day", "first_solved_agent_id", "reopens"),
}
# Event counts from the activity rows: measure = kind, or kind:detail for SLA outcomes.
ACTIVITY_KINDS = ("solved", "reopened", "reply", "sla_achieved", "sla_breached")
DIMS = ("all", "team", "agent", "channel", "language", "priority")
FACT_COLUMNS = [
    "ticket_id",
    "counted",
    "team_id",
    "channel",
    "language",
    "priority",
    "organization_id",
    "created_by",
    "calendar",
    "created_at",
    "created_day",
    "created_hour",
    "first_reply_at",
    "first_reply_day",
    "first_reply_agent_id",
    "frt",
    "frt_bh",
    "first_solved_at",
    "first_solved_day",
    "first_solved_agent_id",
    "first_resolution",
    "first_resolution_bh",
    "solved_at",
    "solved_day",
    "solved_agent_id",
    "resolution",
    "resolution_bh",
    "requester_wait",
    "requester_wait_bh",
    "agent_work",
    "agent_work_bh",
    "pending_time",
    "on_hold_time",
    "public_replies",
    "reopens",
    "one_touch",
]
ACTIVITY_COLUMNS = ["ticket_id", "kind", "detail", "at", "day", "hour", "agent_id"]
TICKET_COLUMNS = (
    "id",
    "created_at",
    "status_category",
    "channel",
    "team_id",
    "language",
    "priority",
    "organization_id",
    "merged_into_id",
    "sla_policy_id",
)
CHUNK = 20_000
EVERY_DAY = (date(1, 1, 1), date(9999, 12, 31))  # collect()'s range when it reads tickets by id


# --- calendars ---------------------------------------------------------------------------------------------------


class Calendars:
    """METRICS.md §0: business time uses the ticket's SLA-policy calendar, else the default calendar."""

    def __init__(self) -> None:
        rows = {c.pk: c for c in BusinessCalendar.objects.all()}
        self._schedules: dict[int, tuple[Schedule, str]] = {
            pk: (schedule_for(row), f"{row.pk}@{row.version}") for pk, row in rows.items()
        }
        self._by_policy = dict(SlaPolicy.objects.filter(calendar__isnull=False).values_list("id", "calendar_id"))
        default = next((pk for pk, row in rows.items() if row.is_default), None)
        self._default = default

    def for_policy(self, policy_id: int | None) -> tuple[Schedule | None, str]:
        calendar_id = self._by_policy.get(policy_id, self._default) if policy_id else self._default
        if calendar_id is None or calendar_id not in self._schedules:
            return None, ""
        return self._schedules[calendar_id]


# --- reading timelines fast --------------------------------------------------------------------------------------


class _Event(NamedTuple):
    """One event as facts.compute reads it (a tuple: ten million of them are made in a rebuild)."""

    kind: str
    at: datetime
    actor_id: int | None
    data: dict[str, Any]


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


_decode = json.JSONDecoder().raw_decode  # json.loads without its whitespace checks: the data is json.dumps' output


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if not value:
        return {}
    try:
        return _decode(value)[0]
    except ValueError:
        return json.loads(value)  # leading whitespace, or the error to raise


def _mark() -> str:
    """The parameter mark of Django's cursor: "%s" on every database (it turns them into "?" for SQLite). A literal
    "?" ran too, but broke any capture of the queries (django_assert_num_queries, DEBUG): Django formats the SQL
    with `%` to log it."""
    return "%s"


def _timelines(where: str, params: Sequence[Any]) -> Iterator[tuple[int, list[_Event]]]:
    """(ticket id, its fact-relevant events in timeline order) for the tickets matching `where`, by ticket id."""
    kinds = ", ".join(f"'{kind}'" for kind in kpi_facts.KINDS)
    sql = (
        "SELECT ticket_id, kind, at, actor_id, data FROM tickets_ticketevent "
        f"WHERE {where} AND kind IN ({kinds}) ORDER BY ticket_id, at, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        current: int | None = None
        events: list[_Event] = []
        while rows := cursor.fetchmany(5000):
            for ticket_id, kind, at, actor_id, data in rows:
                if ticket_id != current:
                    if current is not None:
                        yield current, events
                    current, events = ticket_id, []
                events.append(_Event(kind, _aware(at), actor_id, _json(data)))
        if current is not None:
            yield current, events


def _compute(ids_where: str, params: Sequence[Any], calendars: Calendars) -> list[kpi_facts.Facts]:
    tickets = {}
    columns = ", ".join(TICKET_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM tickets_ticket WHERE {ids_where.replace('ticket_id', 'id')}", params)
        for row in cursor.fetchall():
            tickets[row[0]] = row
    timelines = dict(_timelines(ids_where, params))
    found = []
    for pk in sorted(tickets):
        row = tickets[pk]
        info = kpi_facts.TicketInfo(
            id=pk,
            created_at=_aware(row[1]),
            status_category=row[2],
            channel=row[3],
            team_id=row[4],
            language=row[5],
            priority=row[6],
            organization_id=row[7],
            merged_into_id=row[8],
        )
        schedule, calendar = calendars.for_policy(row[9])
        found.append(kpi_facts.compute(info, timelines.get(pk, []), schedule, calendar))
    return found


# --- writing facts -----------------------------------------------------------------------------------------------


def _day_hour(moment: datetime | None) -> tuple[date | None, int | None]:
    if moment is None:
        return None, None
    local = periods.local(moment)
    return local.date(), local.hour


@cache
def _sqlite() -> bool:
    """The database's vendor, read once: `connection.vendor` goes through the connection proxy on every call,
    which was a tenth of a rebuild's time in _db_time and _db_day."""
    return connection.vendor == "sqlite"


def _db_time(moment: datetime | None) -> Any:
    if moment is None or not _sqlite():
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _db_day(day: date | None) -> Any:
    return day.isoformat() if day is not None and _sqlite() else day


def _fact_row(f: kpi_facts.Facts) -> tuple[Any, ...]:
    created_day, created_hour = _day_hour(f.created_at)
    t, d = _db_time, _db_day
    return (
        f.ticket_id,
        f.counted,
        f.team_id,
        f.channel,
        f.language,
        f.priority,
        f.organization_id,
        f.created_by,
        f.calendar,
        t(f.created_at),
        d(created_day),
        created_hour,
        t(f.first_reply_at),
        d(_day_hour(f.first_reply_at)[0]),
        f.first_reply_agent_id,
        f.frt,
        f.frt_bh,
        t(f.first_solved_at),
        d(_day_hour(f.first_solved_at)[0]),
        f.first_solved_agent_id,
        f.first_resolution,
        f.first_resolution_bh,
        t(f.solved_at),
        d(_day_hour(f.solved_at)[0]),
        f.solved_agent_id,
        f.resolution,
        f.resolution_bh,
        f.requester_wait,
        f.requester_wait_bh,
        f.agent_work,
        f.agent_work_bh,
        f.pending_time,
        f.on_hold_time,
        f.public_replies,
        f.reopens,
        f.one_touch,
    )


def _activity_rows(f: kpi_facts.Facts) -> Iterator[tuple[Any, ...]]:
    for a in f.activities:
        day, hour = _day_hour(a.at)
        yield (f.ticket_id, a.kind, a.detail, _db_time(a.at), _db_day(day), hour, a.agent_id)


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    connection.ensure_connection()
    marks = ", ".join("?" * len(columns))
    connection.connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


VERSION_KEY = "analytics:facts-version"


def facts_version() -> int:
    """A number that changes whenever facts are stored: the key of figures kept in the cache (query.exact_figure)."""
    from django.core.cache import cache

    return int(cache.get(VERSION_KEY) or 0)


def _bump_version() -> None:
    from django.core.cache import cache

    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet (or evicted)
        cache.set(VERSION_KEY, facts_version() + 1, None)


def _store(computed: list[kpi_facts.Facts], *, replace: bool) -> None:
    if replace and computed:
        ids = [f.ticket_id for f in computed]
        TicketActivity.objects.filter(ticket_id__in=ids).delete()
        TicketFacts.objects.filter(ticket_id__in=ids).delete()
    _insert("analytics_ticketfacts", FACT_COLUMNS, [_fact_row(f) for f in computed])
    _insert("analytics_ticketactivity", ACTIVITY_COLUMNS, [row for f in computed for row in _activity_rows(f)])
    _bump_version()


def mark_dirty(days: Iterable[date]) -> None:
    wanted = set(days)
    if not wanted:
        return
    have = set(DirtyDay.objects.filter(day__in=wanted).values_list("day", flat=True))
    DirtyDay.objects.bulk_create([DirtyDay(day=day) for day in sorted(wanted - have)], ignore_conflicts=True)


def _changed(before: _Sums, after: _Sums, into: dict[date, set[str]]) -> None:
    """Add the (day, measure) pairs of the cells that differ: only their rollups can have changed."""
    old, new = before.cells, after.cells
    for key in old.keys() | new.keys():
        if old.get(key) != new.get(key):
            into.setdefault(key[0], set()).add(key[1])


def _refresh(ticket_ids: Iterable[int], calendars: Calendars) -> tuple[int, dict[date, set[str]]]:
    """Recompute these tickets' facts; the tickets and, per day, the measures whose sums they changed."""
    ids = sorted(set(ticket_ids))
    done = 0
    changed: dict[date, set[str]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        before = collect(*EVERY_DAY, tickets=part)
        marks = ", ".join([_mark()] * len(part))
        computed = _compute(f"ticket_id IN ({marks})", part, calendars)
        _store(computed, replace=True)
        _changed(before, collect(*EVERY_DAY, tickets=part), changed)
        done += len(computed)
    return done, changed


def refresh(ticket_ids: Iterable[int], calendars: Calendars | None = None) -> int:
    """Recompute these tickets' facts and mark the days whose sums they changed dirty.

    Comparing the tickets' own cells, not every day they count on, is what keeps the consumer's work small: at a
    million tickets, re-summing each touched ticket's creation and reply days (a month for a day's work) took
    seconds per batch; the changed days are mostly today."""
    done, changed = _refresh(ticket_ids, calendars or Calendars())
    mark_dirty(changed)
    return done


# --- summing days ------------------------------------------------------------------------------------------------


class _Sums:
    """Cells (day, measure, dim, key) → [n, total, sketch or None]. Values are first summed per (day, measure, the
    row's dimensions) and spread over the dimensions' cells when `cells` is read: one update per value instead of
    one per dimension (six), which was most of the time of summing a day."""

    def __init__(self) -> None:
        self._cells: dict[tuple[date, str, str, str], list[Any]] = {}
        self._buckets: dict[int, int] = {}  # sketch.bucket of each value seen (a logarithm per value, else)
        self._groups: dict[tuple[date, str, Any], list[Any]] = {}  # → [dims, n, total, sketch or None]

    def add(
        self, day: date, measure: str, dims: Sequence[tuple[str, Any]], value: int | None = None, *, key: Any = None
    ) -> None:
        """Count `value` (or one, for a count) in the cells of `dims` on `day`. `key`, when given, stands for `dims`
        (the same key always for the same dims): a small one is quicker to look up than the dims themselves."""
        cut = key if key is not None else dims if isinstance(dims, tuple) else tuple(dims)
        group = self._groups.get((day, measure, cut))
        if group is None:
            group = self._groups[(day, measure, cut)] = [tuple(dims), 0, 0, {} if value is not None else None]
        group[1] += 1
        if value is not None:
            b = self._buckets.get(value, -1)
            if b < 0:
                b = self._buckets[value] = sketch.bucket(value)
            group[2] += value
            found = group[3]
            found[b] = found.get(b, 0) + 1

    @property
    def cells(self) -> dict[tuple[date, str, str, str], list[Any]]:
        cells = self._cells
        for (day, measure, _key), (dims, n, total, counts) in self._groups.items():
            for dim, key in dims:
                cell = cells.get((day, measure, dim, key))
                if cell is None:
                    cell = cells[(day, measure, dim, key)] = [0, 0, {} if counts is not None else None]
                cell[0] += n
                if counts is not None:
                    cell[1] += total
                    merged = cell[2]
                    for b, count in counts.items():
                        merged[b] = merged.get(b, 0) + count
        self._groups = {}
        return cells

    def rows(self) -> list[tuple[Any, ...]]:
        """The cells as rows of analytics_rollup (ROLLUP_COLUMNS), sketches as JSON text."""
        return [
            (
                _db_day(day),
                measure,
                dim,
                key,
                cell[0],
                cell[1],
                json.dumps(sketch.to_json(cell[2]), separators=(",", ":")) if cell[2] is not None else None,
            )
            for (day, measure, dim, key), cell in sorted(self.cells.items())
        ]


ROLLUP_COLUMNS = ["day", "measure", "dim", "key", "n", "total", "sketch"]


def _dims(team: Any, agent: Any, channel: str, language: str, priority: str) -> tuple[tuple[str, str], ...]:
    found = [("all", ""), ("channel", channel), ("language", language), ("priority", priority)]
    if team is not None:
        found.append(("team", str(team)))
    if agent is not None:
        found.append(("agent", str(agent)))
    return tuple(found)


def _to_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class Where:
    """A cut the rollups do not hold (an organization, a tag, or more than one dimension at once): summed from the
    facts on the fly, into the same cells under dim "all"."""

    team: int | None = None
    agent: int | None = None
    channel: str | None = None
    language: str | None = None
    priority: str | None = None
    organization: int | None = None
    tag: str | None = None

    # The cut's attributes and their columns, which the facts share with the ticket they come from.
    COLUMNS = (
        ("team", "team_id"),
        ("channel", "channel"),
        ("language", "language"),
        ("priority", "priority"),
        ("organization", "organization_id"),
    )

    def facts_filter(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, column in self.COLUMNS:
            value = getattr(self, name)
            if value is not None:
                found[column] = value
        if self.tag is not None:
            found["ticket__tags__name"] = self.tag
        return found

    def ticket_filter(self) -> dict[str, Any]:
        """The same cut on the tickets as they are now (the live backlog), an agent's being the ones they hold."""
        found = {column: value for column, value in self.facts_filter().items() if column != "ticket__tags__name"}
        if self.tag is not None:
            found["tags__name"] = self.tag
        if self.agent is not None:
            found["assignee_id"] = self.agent
        return found

    def activity_sql(self) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for column, value in self.facts_filter().items():
            if column == "ticket__tags__name":
                clauses.append(
                    "f.ticket_id IN (SELECT tt.ticket_id FROM tickets_ticket_tags tt "
                    f"JOIN tickets_tag tg ON tg.id = tt.tag_id WHERE tg.name = {_mark()})"
                )
            else:
                clauses.append(f"f.{column} = {_mark()}")
            params.append(value)
        return "".join(f" AND {c}" for c in clauses), params


def _fetch(query: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a values_list query as the database returns them: the ORM's per-row converters (a date parsed
    again, per column and row) were a fifth of a rebuild. Only integer, text and date columns are read this way,
    which both databases hand over as Python values (SQLite's date columns through Django's type converters)."""
    sql, params = query.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            yield from rows


def collect(
    start: date,
    end: date,
    where: Where | None = None,
    *,
    tickets: Sequence[int] | None = None,
    measures: Collection[str] | None = None,
) -> _Sums:
    """Every measure's cells over the days start..end: per dimension (what the rollups store) when `where` is
    None, else only the cut `where` under dim "all". With `tickets`, only these tickets' rows count (read by
    ticket id, not by day: what `refresh` compares before and after); with `measures`, only these measures'
    cells (the facts and activity they need are read, no more)."""
    sums = _Sums()
    agent_only = where.agent if where is not None else None
    Cut = tuple[int, tuple[tuple[str, str], ...]] | None
    cuts: dict[tuple[Any, ...], Cut] = {}

    def dims(team: Any, agent: Any, channel: str, language: str, priority: str) -> Cut:
        """The cells a row adds to, and a number standing for them (`_Sums.add`'s key)."""
        key = (team, agent, channel, language, priority)
        if key in cuts:  # a few hundred combinations for millions of rows
            return cuts[key]
        if where is None:
            found: Cut = (len(cuts), _dims(team, agent, channel, language, priority))
        elif agent_only is not None and agent != agent_only:
            found = None
        else:
            found = (len(cuts), (("all", ""),))
        cuts[key] = found
        return found

    base = TicketFacts.objects.filter(counted=True, **(where.facts_filter() if where else {}))
    if tickets is not None:
        base = base.filter(ticket_id__in=tickets)

    # Every measure's day column: one query reads the rows counted on any of them in the range, each row once
    # (the rows of a day are scattered over the table, so each query read most of its pages: 15 queries were two
    # thirds of summing a day at a million tickets, and a row created and answered the same day was read twice).
    day_cols = list(
        dict.fromkeys([d for _v, d, _a in DURATIONS.values()] + [d for d, _b, _c in TICKET_COUNTS.values()])
    )
    cols = [*day_cols, "team_id", "channel", "language", "priority"]

    def at(col: str) -> int:
        if col not in cols:
            cols.append(col)
        return cols.index(col)

    def wanted(measure: str) -> bool:
        return measures is None or measure in measures

    groups = []
    for day_at, day_col in enumerate(day_cols):
        durations = [
            (m, at(value), at(agent)) for m, (value, d, agent) in DURATIONS.items() if d == day_col and wanted(m)
        ]
        counts = [
            (
                m,
                at(by) if by else None,
                at(condition) if condition else None,
                at("created_hour") if m == "created" else None,
            )
            for m, (d, by, condition) in TICKET_COUNTS.items()
            if d == day_col and wanted(m)
        ]
        if durations or counts:
            groups.append((day_at, durations, counts))
    if tickets is None:
        in_range = Q()
        for day_at, _durations, _counts in groups:
            in_range |= Q(**{f"{day_cols[day_at]}__range": (start, end)})
        base = base.filter(in_range)
    dims_at = len(day_cols)
    for row in _fetch(base.values_list(*cols)) if groups else ():
        team, channel, language, priority = row[dims_at : dims_at + 4]
        for day_at, durations, counts in groups:
            day = row[day_at]
            if day is None or (tickets is None and not start <= day <= end):
                continue
            for measure, value_at, agent_at in durations:
                value = row[value_at]
                if value is not None:
                    cut = dims(team, row[agent_at], channel, language, priority)
                    if cut is not None:
                        sums.add(day, measure, cut[1], value, key=cut[0])
            for measure, by_at, condition_at, hour_at in counts:
                if condition_at is not None and not (row[condition_at] or 0) > 0:
                    continue  # one_touch (a boolean) or reopens (a count) is what the measure counts
                if by_at is None and agent_only is not None:
                    continue  # not attributed to anyone: no figure for one agent
                cut = dims(team, row[by_at] if by_at is not None else None, channel, language, priority)
                if cut is None:
                    continue
                if hour_at is not None:
                    hour = row[hour_at]
                    sums.add(day, measure, (*cut[1], ("hour", str(hour))), key=(cut[0], hour))
                else:
                    sums.add(day, measure, cut[1], key=cut[0])
    if measures is not None and all(m in DURATIONS or m in TICKET_COUNTS for m in measures):
        return sums  # no measure counted from the activity rows
    extra, params = where.activity_sql() if where else ("", [])
    if tickets is not None:
        rows_of = f"a.ticket_id IN ({', '.join([_mark()] * len(tickets))})" if tickets else "1 = 0"
        params = [*tickets, *params]
    else:
        rows_of = f"a.day BETWEEN {_mark()} AND {_mark()}"
        params = [_db_day(start), _db_day(end), *params]
    sql = (
        "SELECT a.day, a.kind, a.detail, a.agent_id, f.team_id, f.channel, f.language, f.priority "
        "FROM analytics_ticketactivity a JOIN analytics_ticketfacts f ON f.ticket_id = a.ticket_id "
        f"WHERE {rows_of} AND f.counted{extra}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            for day, kind, detail, agent, team, channel, language, priority in rows:
                cut = dims(team, agent, channel, language, priority)
                if cut is None:
                    continue
                day = _to_date(day)
                number, cells = cut
                names: tuple[str, ...]
                if kind.startswith("sla_"):
                    names = (f"{kind}:{detail}", kind)  # per SLA metric, and all metrics together
                elif kind == "reopened" and detail == "":
                    names = ("reopened_nontrivial", kind)
                else:
                    names = (kind,)
                for name in names:
                    if measures is None or name in measures:
                        sums.add(day, name, cells, key=number)
    return sums


def sum_measures(changed: dict[date, set[str]]) -> int:
    """Sum again, from the facts, only these measures of these days (what `refresh` found changed); returns the
    rows written. The rows of each (day, measure) are what `sum_days` writes for it; the day's other measures did
    not change. Why not whole days: a batch of a live desk's events changes today and, through reopens, the solve
    days of the past week, where only the solve measures move; summing those eight days whole was 0.8 of the
    consumer's 1 s per 1,000 events at a million tickets."""
    rows = 0
    with transaction.atomic():
        for day, measures in sorted(changed.items()):
            found = collect(day, day, measures=measures).rows()
            Rollup.objects.filter(day=day, measure__in=measures).delete()
            _insert("analytics_rollup", ROLLUP_COLUMNS, found)
            rows += len(found)
    return rows


def sum_days(start: date, end: date) -> int:
    """Sum every measure over the reporting days start..end again from the facts; returns the rows written."""
    rows = collect(start, end).rows()
    with transaction.atomic():
        Rollup.objects.filter(day__range=(start, end)).delete()
        _insert("analytics_rollup", ROLLUP_COLUMNS, rows)
        DirtyDay.objects.filter(day__range=(start, end)).delete()
    return len(rows)


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) ranges."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def sum_dirty() -> int:
    """Sum the dirty days again (the minutely update); returns how many days."""
    days = [_to_date(d) for d in DirtyDay.objects.values_list("day", flat=True)]
    for first, last in _runs(days):
        sum_days(first, last)
    return len(days)


# --- the consumer and the rebuild --------------------------------------------------------------------------------


def on_events(events: list[TicketEvent]) -> None:
    """The `analytics.kpis` consumer: refresh the facts of every ticket with a new event (its attributes may have
    changed too), then sum again the measures that changed on each day (and any day left dirty)."""
    _done, changed = _refresh({e.ticket_id for e in events}, Calendars())
    sum_measures(changed)
    sum_dirty()


CONSUMER = "analytics.kpis"


def _skip_consumer_to_now() -> None:
    """A full rebuild reads every event written so far: the consumer need not read them again. It moves to where a
    new consumer would start (tickets.consumers.ensure); events written during the rebuild are read again after it,
    which refreshes those tickets once more (the same rows)."""
    from opsdesk.tickets import consumers
    from opsdesk.tickets.models import EventConsumer

    consumers.ensure(CONSUMER)
    limit = consumers.horizon()
    last = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    EventConsumer.objects.filter(name=CONSUMER, position_id__lt=last).update(
        position_id=last, position_xid=None if limit is None else limit - 1
    )


def _analyze(*tables: str) -> None:
    """Fresh planner statistics for tables a full rebuild has just filled. Without them the planner keeps the
    figures of the empty tables (the seeder's ANALYZE, before any rebuild): on PostgreSQL with autovacuum off,
    reading 500 tickets' activity became a hash join over every fact, 0.5 s instead of a few milliseconds, and the
    consumer took 3 s per 1,000 events instead of under one. SQLite samples (as the hourly `PRAGMA optimize` does)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM too where it can run (not in a transaction): the visibility map lets counts and the exact
            # figures read the covering indexes alone
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{verb} {', '.join(tables)}")
            return
        cursor.execute("PRAGMA analysis_limit")
        limit = cursor.fetchone()[0]
        cursor.execute("PRAGMA analysis_limit=2000")
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"PRAGMA analysis_limit={int(limit)}")


LOADED = (TicketFacts, TicketActivity)  # the tables a full rebuild fills from empty


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def _ddl(statements: list[str]) -> None:
    """Index statements inside whatever transaction is open. PostgreSQL refuses them on a table with deferred
    foreign-key checks still pending (rows written earlier in the same transaction, as in a test): those checks
    run first, and the constraints are deferred again after."""
    if not statements:
        return
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql" and connection.in_atomic_block
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _drop_indexes() -> None:
    """Before a full rebuild fills the facts tables from empty: building each index once over the loaded rows is
    quicker than keeping it up to date through a million inserts in the tickets' order."""
    statements = []
    for model in LOADED:
        existing = _index_names(model._meta.db_table)
        statements += [
            f"DROP INDEX {connection.ops.quote_name(index.name)}"
            for index in model._meta.indexes
            if index.name in existing
        ]
    _ddl(statements)


def ensure_indexes() -> None:
    """Every index of the facts tables there: after a full rebuild's load, and before any rebuild (one stopped
    half-way leaves them out)."""
    editor = connection.schema_editor()  # only to write the statements, not entered: no schema transaction here
    statements = []
    for model in LOADED:
        existing = _index_names(model._meta.db_table)
        statements += [
            str(index.create_sql(model, editor)) for index in model._meta.indexes if index.name not in existing
        ]
    _ddl(statements)


def rebuild(start: date | None = None, end: date | None = None, *, progress: Any = None) -> dict[str, int]:
    """Recompute facts and rollups. Without a range: every ticket and every day. With one: the tickets with an
    event in it, and the days it covers (plus the days those tickets' facts count on, which a change may move)."""
    calendars = Calendars()
    tickets = 0
    full = start is None and end is None
    ensure_indexes()
    if full:
        _skip_consumer_to_now()
        with transaction.atomic():
            TicketActivity.objects.all().delete()
            TicketFacts.objects.all().delete()
            Rollup.objects.all().delete()
            DirtyDay.objects.all().delete()
            _drop_indexes()  # until the tables are loaded (a drill-down meanwhile is slow; its figures are gone)
        bounds = Ticket.objects.aggregate(lo=Min("id"), hi=Max("id"))
        lo, hi = bounds["lo"] or 0, bounds["hi"] or -1
        try:
            for first in range(lo, hi + 1, CHUNK):
                with transaction.atomic():
                    where = f"ticket_id BETWEEN {_mark()} AND {_mark()}"
                    computed = _compute(where, [first, first + CHUNK - 1], calendars)
                    _store(computed, replace=False)
                tickets += len(computed)
                if progress:
                    progress(tickets)
        finally:
            ensure_indexes()
        _analyze("analytics_ticketfacts", "analytics_ticketactivity")
        span = TicketFacts.objects.aggregate(lo=Min("created_day"), hi=Max("solved_day"), hi2=Max("created_day"))
        extra = TicketActivity.objects.aggregate(lo=Min("day"), hi=Max("day"))
        days = [d for d in (span["lo"], span["hi"], span["hi2"], extra["lo"], extra["hi"]) if d]
        if not days:
            return {"tickets": 0, "rollups": 0}
        start, end = min(days), max(days)
    else:
        start = start or date(1970, 1, 1)
        end = end or periods.today()
        ids = set(
            TicketEvent.objects.filter(
                at__gte=periods.start_of(start),
                at__lt=periods.start_of(end + timedelta(days=1)),
                kind__in=kpi_facts.KINDS,
            )
            .values_list("ticket_id", flat=True)
            .distinct()
        )
        with transaction.atomic():
            tickets = refresh(ids, calendars)
    rows = 0
    month_start = start
    while month_start <= end:
        month_end = min(end, month_start + timedelta(days=30))
        rows += sum_days(month_start, month_end)
        month_start = month_end + timedelta(days=1)
    sum_dirty()
    if full:
        _analyze("analytics_rollup")
    return {"tickets": tickets, "rollups": rows}
