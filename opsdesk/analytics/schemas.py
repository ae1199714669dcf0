"""API schemas of the reporting API (analytics/api.py), and its query parameters for the OpenAPI document.

The cut's parameters are read by `cuts.parse` from the query string, not by ninja, so that a bad value gets the
same translated 400 as on the dashboards; `cut_parameters()` describes them to the OpenAPI document from the same
tables `cuts.py` parses with (presets, comparisons, channels, languages, priorities)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from ninja import Field, Schema

from opsdesk.analytics import cuts, kpis, query, rollups
from opsdesk.core.params import MAX_INT
from opsdesk.tickets.models import Ticket

# What a figure's value is measured in, by the KPI's kind: machine words, for BI tools to format by.
UNITS = {kpis.COUNT: "count", kpis.LEVEL: "count", kpis.DURATION: "seconds", kpis.RATIO: "percent"}

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
ROLLUP_DIMS = (*rollups.DIMS, "hour")


class KpiOut(Schema):
    key: str = Field(..., description="The KPI's key: pass it as `kpi`, or in /reports/drill/{kpi}.")
    label: str = Field(..., description="In the request's language (Accept-Language or `?lang=`).")
    description: str = Field(..., description="What is counted, in the request's language.")
    kind: Literal["count", "duration", "ratio", "level"] = Field(
        ...,
        description="count: events in the period; duration: seconds, median with p90 and mean; ratio: a percent of "
        "n (numerator ÷ n); level: a count at the end of the period (the backlog).",
    )
    unit: Literal["count", "seconds", "percent"] = Field(..., description="What `value` is measured in.")
    formula: str = Field(..., description="The definition in METRICS.md's notation.")
    has_business_hours: bool = Field(..., description="A business-hours variant exists (`bh=true`).")
    lower_is_better: bool
    counts_on: str = Field(..., description="The event whose reporting day a value belongs to.")
    attribution: str = Field(..., description="Whose figure it is in per-agent cuts.")


class PeriodOut(Schema):
    start: date = Field(..., description="The first reporting day.")
    end: date = Field(..., description="The last reporting day, included.")
    days: int


class CutOut(Schema):
    """The cut the figures are for, after scoping: a team lead's default team, an agent's own id."""

    team: int | None
    agent: int | None
    channel: str | None
    language: str | None
    priority: str | None
    organization: int | None
    tag: str | None


class ValuesOut(Schema):
    value: float | None = Field(
        ...,
        description="Durations: the median in seconds (from the daily sketches, within 2 % of a value of that "
        "rank; the drill-down gives the exact one); ratios: the percent; counts: the count. Null when nothing "
        "was counted.",
    )
    n: int = Field(..., description="Durations: the values counted; ratios: the denominator; counts: the count.")
    p90: float | None = Field(None, description="Durations: the 90th percentile in seconds.")
    mean: float | None = Field(None, description="Durations: the mean in seconds.")
    numerator: int | None = Field(None, description="Ratios: the count above the line.")


class FigureOut(ValuesOut):
    kpi: str
    compare: ValuesOut | None = Field(None, description="The same KPI over the comparison period; null without one.")


class ReportHeadOut(Schema):
    period: PeriodOut
    time_zone: str = Field(..., description="The reporting time zone in which days are cut (IANA name).")
    business_hours: bool = Field(..., description="Durations in business hours (`bh=true`) or calendar time.")
    cut: CutOut
    as_of: datetime = Field(..., description="When the answer was made; rollups trail the events by about a minute.")


class FiguresOut(ReportHeadOut):
    preset: str = Field(..., description="The period preset, or `custom` for start/end.")
    compare_name: str = Field(..., description="previous, year or none.")
    compare_period: PeriodOut | None
    figures: list[FigureOut]


class DailyRowOut(ValuesOut):
    day: date
    kpi: str


class DailyOut(ReportHeadOut):
    rows: list[DailyRowOut] = Field(..., description="One row per day and KPI (long format), days in order.")


class DrillRowOut(Schema):
    ticket_id: int
    at: datetime = Field(..., description="When the value's end event happened (its reporting day is in the period).")
    value: int | None = Field(None, description="Durations: this ticket's value in seconds.")
    agent_id: int | None = Field(None, description="Whom the value is attributed to (see the KPI's attribution).")
    part: str | None = Field(
        None, description="Ratios: which side of the line the row is on (yes/no, breached/achieved)."
    )
    detail: str = Field("", description="SLA rows: the SLA metric; empty otherwise.")


class DrillPage(ReportHeadOut):
    kpi: str
    part: str | None
    exact: ValuesOut | None = Field(
        None,
        description="Durations, on the first page only: the exact median (type 7), p90 and mean over every value "
        "the figure counts.",
    )
    items: list[DrillRowOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page.")


class RollupRowOut(Schema):
    day: date
    measure: str = Field(..., description="A count or duration measure; `sla_achieved:<metric>` per SLA metric.")
    dim: str
    key: str = Field(..., description="The dimension's value (a team or agent id, a channel…); empty for `all`.")
    n: int = Field(..., description="Events, or values of a duration.")
    total: int = Field(..., description="Durations: the sum of the values in seconds (mean = total ÷ n).")


class RollupPage(Schema):
    period: PeriodOut
    time_zone: str
    items: list[RollupRowOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page.")


# --- query parameters for the OpenAPI document -------------------------------------------------------------------


def _param(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


def period_parameters(default: str) -> list[dict[str, Any]]:
    return [
        _param(
            "period",
            {"type": "string", "enum": list(cuts.PRESETS), "default": default},
            "A preset period of whole reporting days, or `custom` with start and end.",
        ),
        _param("start", {"type": "string", "format": "date"}, "The first day (YYYY-MM-DD); with `end`."),
        _param(
            "end",
            {"type": "string", "format": "date"},
            f"The last day, included; at most {cuts.MAX_DAYS} days from `start`.",
        ),
    ]


def cut_parameters(default: str, *, compare: bool = False) -> list[dict[str, Any]]:
    """The parameters `cuts.parse` reads, described from the tables it parses with."""
    found = period_parameters(default)
    if compare:
        found.append(
            _param(
                "compare",
                {"type": "string", "enum": list(cuts.COMPARE), "default": "previous"},
                "The comparison period: the one just before, the same one a year ago, or none.",
            )
        )
    number = {"type": "integer", "minimum": 1, "maximum": MAX_INT}
    found += [
        _param("team", number, "A team's id. A team lead sees their own teams only (default: their first)."),
        _param("agent", number, "An agent's id: the figures attributed to them. An agent sees only their own."),
        _param("channel", {"type": "string", "enum": [c for c, _label in Ticket.Channel.choices]}, "A channel."),
        _param(
            "language",
            {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
            "The ticket's language.",
        ),
        _param("priority", {"type": "string", "enum": [p for p, _label in Ticket.Priority.choices]}, "A priority."),
        _param("organization", number, "A customer organization's id."),
        _param("tag", {"type": "string", "minLength": 1, "maxLength": 60}, "A tag the tickets have now."),
        _param("bh", {"type": "boolean", "default": False}, "Durations in business hours instead of calendar time."),
    ]
    return found


def kpi_parameter(description: str) -> dict[str, Any]:
    return _param(
        "kpi",
        {"type": "array", "items": {"type": "string", "enum": list(kpis.BY_KEY)}},
        description,
        style="form",
        explode=True,
    )


def page_parameters(cursor: str) -> list[dict[str, Any]]:
    return [
        _param("cursor", {"type": "string", "maxLength": 300}, cursor),
        _param(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
            "Rows a page.",
        ),
    ]


def drill_parameters() -> list[dict[str, Any]]:
    parts = sorted({part for both in query.PARTS.values() for part in both})
    return [
        *cut_parameters("yesterday"),
        _param(
            "part",
            {"type": "string", "enum": parts},
            "Ratios only: one side of the line. one_touch and reopen_rate: yes or no; sla_attainment: breached or "
            "achieved.",
        ),
        *page_parameters("The `next_cursor` of the previous page."),
    ]


def rollup_parameters() -> list[dict[str, Any]]:
    return [
        *period_parameters("30d"),
        _param("dim", {"type": "string", "enum": list(ROLLUP_DIMS), "default": "all"}, "The dimension of the rows."),
        _param("key", {"type": "string", "maxLength": 40}, "Only this value of the dimension (e.g. a team's id)."),
        _param(
            "measure",
            {"type": "string", "minLength": 1, "maxLength": 40},
            "Only this measure (e.g. created, frt, sla_breached).",
        ),
        *page_parameters("The `next_cursor` of the previous page."),
    ]
