"""The reporting API (/api/v1/reports/): read-only KPI figures for Power BI, Tableau and Excel (docs/reporting-api.md).

Every answer is read through the same query layer as the dashboards (analytics/query.py), every cut parameter is
parsed by `cuts.parse` and every cut scoped by `cuts.scope`, so the API can never show a figure the dashboard would
refuse, and a bad value gets the dashboards' translated message as a 400 naming its field."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.accounts.models import User
from opsdesk.analytics import cuts, kpis, periods, query
from opsdesk.analytics.kpis import Kpi
from opsdesk.analytics.models import Rollup
from opsdesk.analytics.periods import Period
from opsdesk.analytics.schemas import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    ROLLUP_DIMS,
    UNITS,
    DailyOut,
    DrillPage,
    FiguresOut,
    KpiOut,
    RollupPage,
    cut_parameters,
    drill_parameters,
    kpi_parameter,
    rollup_parameters,
)
from opsdesk.core.params import (
    PAGE_LABEL,
    InvalidParameter,
    decode_cursor,
    encode_cursor,
    int_param,
    parse_choice,
    parse_text,
)
from opsdesk.core.schemas import ERRORS

router = Router(tags=["reports"])


def _reader(request: HttpRequest) -> User:
    """Who may read reports at all: report viewers and agents with their own figures (cuts.scope narrows both);
    customers and light agents are refused before any parameter is read."""
    user: User = request.auth  # type: ignore[attr-defined]
    if not (can(user, Capability.VIEW_REPORTS) or can(user, Capability.VIEW_OWN_STATS)):
        raise PermissionDenied
    return user


def _choices() -> dict[str, Any]:
    return {kpi.key: kpi.label for kpi in kpis.CATALOGUE}


def _kpi(raw: object) -> Kpi:
    return kpis.BY_KEY[parse_choice(raw, _choices(), field="kpi", label=_("KPI"))]


def _wanted(request: HttpRequest) -> list[Kpi]:
    """`kpi=…`, repeated or comma-separated, in the order asked; every KPI when there is none."""
    found: list[Kpi] = []
    for raw in request.GET.getlist("kpi"):
        for key in raw.split(","):
            kpi = _kpi(key)
            if kpi not in found:
                found.append(kpi)
    return found or list(kpis.CATALOGUE)


def _cut(request: HttpRequest, user: User, default: str) -> tuple[cuts.Request, query.Cut]:
    parsed = cuts.parse(request.GET, default_preset=default)
    return parsed, cuts.scope(user, parsed.cut)


def _period(period: Period) -> dict[str, Any]:
    return {"start": period.start, "end": period.end, "days": period.days}


def _head(cut: query.Cut) -> dict[str, Any]:
    where = cut.where
    return {
        "period": _period(cut.period),
        "time_zone": periods.zone_name(),
        "business_hours": cut.business_hours,
        "cut": {
            "team": where.team,
            "agent": where.agent,
            "channel": where.channel,
            "language": where.language,
            "priority": where.priority,
            "organization": where.organization,
            "tag": where.tag,
        },
        "as_of": timezone.now(),
    }


def _values(figure: query.Figure) -> dict[str, Any]:
    return {
        "value": figure.value,
        "n": figure.n,
        "p90": figure.p90,
        "mean": figure.mean,
        "numerator": figure.numerator,
    }


@router.get("/kpis", response={200: list[KpiOut], **ERRORS}, summary="The KPI catalogue")
def kpi_list(request: HttpRequest) -> list[dict[str, Any]]:
    _reader(request)
    return [
        {
            "key": kpi.key,
            "label": str(kpi.label),
            "description": str(kpi.description),
            "kind": kpi.kind,
            "unit": UNITS[kpi.kind],
            "formula": kpi.formula,
            "has_business_hours": kpi.has_business_hours,
            "lower_is_better": kpi.lower_is_better,
            "counts_on": kpi.counts_on,
            "attribution": kpi.attribution,
        }
        for kpi in kpis.CATALOGUE
    ]


@router.get(
    "/figures",
    response={200: FiguresOut, **ERRORS},
    summary="KPI figures for a period and cut, with the comparison period",
    openapi_extra={
        "parameters": [
            *cut_parameters("yesterday", compare=True),
            kpi_parameter("KPIs to answer (repeat, or separate with commas); default every KPI."),
        ]
    },
)
def figure_list(request: HttpRequest) -> dict[str, Any]:
    user = _reader(request)
    parsed, cut = _cut(request, user, "yesterday")
    wanted = _wanted(request)
    found = query.figures(cut, wanted)
    compare = cut.with_period(parsed.compare.period) if parsed.compare is not None else None
    before = query.figures(compare, wanted) if compare is not None else {}
    return {
        **_head(cut),
        "preset": parsed.preset,
        "compare_name": parsed.compare_name,
        "compare_period": _period(compare.period) if compare is not None else None,
        "figures": [
            {
                "kpi": kpi.key,
                **_values(found[kpi.key]),
                "compare": _values(before[kpi.key]) if kpi.key in before else None,
            }
            for kpi in wanted
        ],
    }


@router.get(
    "/daily",
    response={200: DailyOut, **ERRORS},
    summary="KPI figures per day (long format: one row per day and KPI)",
    openapi_extra={
        "parameters": [
            *cut_parameters("30d"),
            kpi_parameter("KPIs to answer (repeat, or separate with commas); default every KPI."),
        ]
    },
)
def daily_figure_list(request: HttpRequest) -> dict[str, Any]:
    user = _reader(request)
    _parsed, cut = _cut(request, user, "30d")
    wanted = _wanted(request)
    series = query.daily(cut, wanted)
    rows = [
        {"day": day, "kpi": kpi.key, **_values(series[kpi.key][index][1])}
        for index, day in enumerate(cut.period.each_day())
        for kpi in wanted
    ]
    return {**_head(cut), "rows": rows}


# --- the drill-down --------------------------------------------------------------------------------------------------


def _part(request: HttpRequest, kpi: Kpi) -> str:
    raw = request.GET.get("part")
    if raw in (None, ""):
        return ""
    if kpi.key not in query.PARTS:
        raise InvalidParameter(
            "part",
            _("Part: only these KPIs have parts: %(kpis)s.") % {"kpis": ", ".join(query.PARTS)},
        )
    return parse_choice(raw, {p: p for p in query.PARTS[kpi.key]}, field="part", label=_("Part"))


def _limit(request: HttpRequest) -> int:
    return int_param(request.GET, "limit", default=PAGE_SIZE, label=_("Rows a page"), maximum=MAX_PAGE_SIZE)


def _row_part(kpi: Kpi, row: Mapping[str, Any]) -> str | None:
    if kpi.key == "one_touch":
        return "yes" if row["one_touch"] else "no"
    if kpi.key == "reopen_rate":
        return "yes" if row["reopens"] else "no"
    if kpi.key == "sla_attainment":
        return "breached" if row["kind"] == "sla_breached" else "achieved"
    return None


@router.get(
    "/drill/{kpi}",
    response={200: DrillPage, **ERRORS},
    summary="The tickets counted in a figure, with each one's value (keyset pages)",
    openapi_extra={"parameters": drill_parameters()},
)
def drill_list(request: HttpRequest, kpi: str) -> dict[str, Any]:
    """The rows `query.drill_query` counts, oldest first; only tickets the caller may open are listed, while
    `exact` is the figure of the whole cut (which `cuts.scope` allowed)."""
    user = _reader(request)
    chosen = _kpi(kpi)
    _parsed, cut = _cut(request, user, "yesterday")
    part = _part(request, chosen)
    size = _limit(request)
    raw_cursor = request.GET.get("cursor")
    position = decode_cursor(raw_cursor) if raw_cursor else None
    drill = query.drill_query(cut, chosen, part).for_user(user)
    at_col, value_col, agent_col = drill.at, drill.value, drill.agent
    rows = drill.ordered(newest_first=False)
    if position is not None:
        moment, pk = position
        # the day bound lets the (day, at) index seek to the cursor instead of walking the period from its start
        rows = rows.filter(Q(**{f"{at_col}__gt": moment}) | Q(**{at_col: moment, "pk__gt": pk}))
        rows = rows.filter(**{f"{drill.day}__gte": periods.day_of(moment)})
    is_activity = at_col == "at"
    columns = ["pk", "ticket_id", at_col, *(c for c in (value_col, agent_col) if c)]
    columns += {"one_touch": ["one_touch"], "reopen_rate": ["reopens"]}.get(chosen.key, [])
    if is_activity:
        columns += ["kind", "detail"]
    found = list(rows.values(*columns)[: size + 1])
    page = found[:size]
    items = [
        {
            "ticket_id": row["ticket_id"],
            "at": row[at_col],
            "value": row[value_col] if value_col else None,
            "agent_id": row[agent_col] if agent_col else None,
            "part": _row_part(chosen, row),
            "detail": row["detail"] if is_activity else "",
        }
        for row in page
    ]
    exact = query.exact_figure(cut, chosen) if position is None else None
    last = page[-1] if page else None
    return {
        **_head(cut),
        "kpi": chosen.key,
        "part": part or None,
        "exact": _values(exact) if exact is not None else None,
        "items": items,
        "next_cursor": encode_cursor(last[at_col], last["pk"]) if last and len(found) > size else None,
    }


# --- raw rollups ---------------------------------------------------------------------------------------------------


def _bad_cursor() -> InvalidParameter:
    return InvalidParameter(
        "cursor",
        _("%(label)s: this link's place in the list is not valid. Start again from the first page.")
        % {"label": PAGE_LABEL},
    )


def _rollup_cursor(key: str, measure: str, day: date) -> str:
    return base64.urlsafe_b64encode(json.dumps([key, measure, day.isoformat()]).encode()).decode()


def _rollup_position(raw: str) -> tuple[str, str, date]:
    """The (key, measure, day) of a cursor made by `_rollup_cursor`; anything else is a 400."""
    if len(raw) > 300:
        raise _bad_cursor()
    try:
        key, measure, day = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")).decode("utf-8"))
        if not isinstance(key, str) or not isinstance(measure, str) or not isinstance(day, str) or len(day) != 10:
            raise ValueError(day)
        return key, measure, date.fromisoformat(day)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise _bad_cursor() from None


@router.get(
    "/rollups",
    response={200: RollupPage, **ERRORS},
    summary="Raw daily rollup rows, for modelling in a BI tool (managers and administrators)",
    openapi_extra={"parameters": rollup_parameters()},
)
def rollup_list(request: HttpRequest) -> dict[str, Any]:
    """Rows in the order of the unique index (key, measure, day) within the dimension, so that a page starts where
    the last ended even while the minutely job sums a day again. Only for users who see every ticket: the rows of
    every team and agent are in them."""
    user = _reader(request)
    if not can(user, Capability.SEE_ALL_TICKETS):
        raise PermissionDenied
    params = {name: request.GET.get(name) for name in ("period", "start", "end")}
    period = cuts.parse({**params, "compare": "none"}, default_preset="30d").cut.period
    dim = parse_choice(request.GET.get("dim") or "all", {d: d for d in ROLLUP_DIMS}, field="dim", label=_("Dimension"))
    size = _limit(request)
    rows = Rollup.objects.filter(dim=dim, day__range=(period.start, period.end))
    if key := request.GET.get("key"):
        rows = rows.filter(key=parse_text(key, field="key", label=_("Value"), max_length=40))
    if measure := request.GET.get("measure"):
        rows = rows.filter(measure=parse_text(measure, field="measure", label=_("Measure"), max_length=40))
    if raw_cursor := request.GET.get("cursor"):
        k, m, d = _rollup_position(raw_cursor)
        rows = rows.filter(Q(key__gt=k) | Q(key=k, measure__gt=m) | Q(key=k, measure=m, day__gt=d))
    found = list(
        rows.order_by("key", "measure", "day").values("day", "measure", "dim", "key", "n", "total")[: size + 1]
    )
    page = found[:size]
    last = page[-1] if page else None
    return {
        "period": _period(period),
        "time_zone": periods.zone_name(),
        "items": page,
        "next_cursor": _rollup_cursor(last["key"], last["measure"], last["day"])
        if last and len(found) > size
        else None,
    }
