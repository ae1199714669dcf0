"""Analytics pages: the manager and team dashboard, an agent's own dashboard, the director overview, the
drill-down from any figure to the tickets counted, and one ticket's events behind its value. Parameters are parsed
by analytics/cuts.py only (bad ones give the 400 page through InvalidParameterMiddleware); what a user may see is
decided by `cuts.scope`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opsdesk.accounts.capabilities import Capability, can, roles_with
from opsdesk.accounts.models import User
from opsdesk.analytics import cuts, dashboard, explain, goals, kpis, periods, query, rollups
from opsdesk.analytics.actions import sharing
from opsdesk.analytics.models import DashboardView
from opsdesk.analytics.views.access import figures_required, scoped
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import parse_choice, parse_int
from opsdesk.customers.models import CustomerOrganization
from opsdesk.people.models import Team
from opsdesk.sla.models import METRICS
from opsdesk.tickets.models import Ticket

SLA_METRICS = dict(METRICS)
PAGE_SIZE = 50

FILTER_KEYS = (
    "period",
    "start",
    "end",
    "compare",
    "team",
    "agent",
    "channel",
    "language",
    "priority",
    "organization",
    "tag",
    "bh",
)


def _scoped(request: AuthedRequest, params: Any, **defaults: Any) -> tuple[cuts.Request, query.Cut]:
    parsed = scoped(request, params, **defaults)
    return parsed, parsed.cut


def filter_query(params: Any, **changes: Any) -> str:
    """The dashboard's filters as a query string, with some changed (None drops one)."""
    kept = {k: params.get(k) for k in FILTER_KEYS if params.get(k) not in (None, "")}
    for key, value in changes.items():
        if value is None:
            kept.pop(key, None)
        else:
            kept[key] = value
    return urlencode(kept)


def _choices(user: User) -> dict[str, Any]:
    see_all = can(user, Capability.SEE_ALL_TICKETS)
    teams = Team.objects.order_by("name") if see_all else Team.objects.filter(pk__in=user.team_ids()).order_by("name")
    agents = User.objects.filter(is_active=True, role__in=roles_with(Capability.BE_ASSIGNED)).order_by("name")
    if not see_all:
        agents = agents.filter(memberships__team_id__in=user.team_ids()).distinct()
    from django.conf import settings

    return {
        "teams": list(teams),
        "agents": list(agents.only("id", "name")),
        "channels": Ticket.Channel.choices,
        "languages": settings.LANGUAGES,
        "priorities": Ticket.Priority.choices,
        "presets": cuts.PRESETS,
        "compares": cuts.COMPARE,
        "organizations": list(CustomerOrganization.objects.order_by("name").only("id", "name")[:500])
        if see_all
        else [],
    }


def context_for(
    request: AuthedRequest, parsed: cuts.Request, cut: query.Cut, *, keys: tuple[str, ...], here: str
) -> dict[str, Any]:
    team_goals = goals.for_dashboard(cut.where.team, min(periods.today(), cut.period.end))
    compare = parsed.compare
    charts = dashboard.charts(cut)
    user_zone = str(timezone.get_current_timezone())
    return {
        "parsed": parsed,
        "cut": cut,
        "compare": compare,
        "period_text": dashboard.period_text(cut.period),
        "compare_text": dashboard.period_text(compare.period) if compare else "",
        "cards": dashboard.cards(cut, compare, keys, team_goals),
        "goals": team_goals,
        "live": dashboard.live(cut) if cut.period.end >= periods.today() - timedelta(days=1) else None,
        "charts": charts,
        "chart_data": {
            "labels": charts["labels"],
            "created": charts["created"],
            "solved": charts["solved"],
            "backlog": charts["backlog"],
            "frt_hours": charts["frt_hours"],
            "channels": charts["channels"],
            "distribution": charts["distribution"],
        },
        "heat": dashboard.heat_rows(charts["heatmap"]),
        "hours": list(range(24)),
        "span_text": dashboard.period_text(charts["span"]),
        "zone": periods.zone_name(),
        "zone_differs": user_zone != periods.zone_name(),
        "filters": filter_query(request.GET),
        "here": here,
        "choices": _choices(request.user),
        "saved_views": [
            {"name": view.name, "query": urlencode(view.params)}
            for view in DashboardView.objects.filter(owner=request.user).order_by("name")[:20]
        ],
        "kept": sharing.kept_params(request.GET),
    }


@figures_required
@require_GET
def manager_dashboard(request: AuthedRequest) -> HttpResponse:
    if not can(request.user, Capability.VIEW_REPORTS):
        return redirect("analytics:my_dashboard")
    parsed, cut = _scoped(request, request.GET)
    context = context_for(request, parsed, cut, keys=dashboard.CARDS, here="dashboard")
    return render(request, "analytics/dashboard.html", context)


@figures_required
@require_GET
def my_dashboard(request: AuthedRequest) -> HttpResponse:
    params = request.GET.copy()
    params["agent"] = str(request.user.pk)  # one's own figures, whatever else the link says
    parsed, cut = _scoped(request, params, default_preset="7d")
    context = context_for(request, parsed, cut, keys=dashboard.AGENT_CARDS, here="mine")
    return render(request, "analytics/dashboard.html", context)


@figures_required
@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    """The director's page: the desk and each team side by side over the period, with the previous period."""
    if not can(request.user, Capability.SEE_ALL_TICKETS):
        raise PermissionDenied
    parsed, cut = _scoped(request, request.GET, default_preset="last_month")
    keys = ("created", "solved", "backlog", "frt", "resolution", "sla_attainment", "one_touch", "reopen_rate")
    wanted = [kpis.BY_KEY[k] for k in keys]
    rows: list[dict[str, Any]] = []
    desk = query.figures(cut, wanted)
    rows.append({"name": None, "team": None, "cells": [dashboard.display(k, desk[k.key].value) for k in wanted]})
    for team in Team.objects.order_by("name"):
        team_cut = query.Cut(cut.period, rollups.Where(team=team.pk), cut.business_hours)
        found = query.figures(team_cut, wanted)
        cells = [dashboard.display(k, found[k.key].value) for k in wanted]
        rows.append({"name": team.display_name, "team": team, "cells": cells})
    weeks = []
    end = cut.period.end
    for n in range(11, -1, -1):
        week = periods.week_of(end - timedelta(days=7 * n))
        found = query.figures(cut.with_period(week), wanted)
        weeks.append({"period": week, "cells": [dashboard.display(k, found[k.key].value) for k in wanted]})
    return render(
        request,
        "analytics/overview.html",
        {
            "parsed": parsed,
            "cut": cut,
            "kpis": wanted,
            "rows": rows,
            "weeks": weeks,
            "period_text": dashboard.period_text(cut.period),
            "zone": periods.zone_name(),
            "filters": filter_query(request.GET),
            "here": "overview",
            "choices": _choices(request.user),
        },
    )


@figures_required
@require_GET
def drill(request: AuthedRequest, kpi: str) -> HttpResponse:
    found = kpis.get(kpi)
    if found is None:
        raise Http404
    parsed, cut = _scoped(request, request.GET)
    part = request.GET.get("part") or ""
    if part:
        part = parse_choice(part, {p: p for p in query.PARTS.get(kpi, ())}, field="part", label=_("Which tickets"))
    drill = query.drill_query(cut, found, part).for_user(request.user)
    columns = ["ticket_id", drill.at] + ([drill.value] if drill.value else []) + ([drill.agent] if drill.agent else [])
    if found.key == "sla_attainment":
        columns += ["kind", "detail"]
    page_number = parse_int(request.GET.get("page") or 1, field="page", label=_("Page"), maximum=1_000_000)
    # Newest first, 50 a page, read in index order; no count of the whole period (the figure above says how many)
    offset = (page_number - 1) * PAGE_SIZE
    found_rows = list(drill.ordered(newest_first=True).values_list(*columns)[offset : offset + PAGE_SIZE + 1])
    items = found_rows[:PAGE_SIZE]
    page = {
        "number": page_number,
        "previous": page_number - 1 if page_number > 1 else None,
        "next": page_number + 1 if len(found_rows) > PAGE_SIZE else None,
    }
    tickets = Ticket.objects.in_bulk([r[0] for r in items])
    agent_at = columns.index(drill.agent) if drill.agent else None
    value_at = columns.index(drill.value) if drill.value else None
    people: dict[int, str] = {}
    if agent_at is not None:
        people = dict(User.objects.filter(pk__in={r[agent_at] for r in items if r[agent_at]}).values_list("pk", "name"))
    lines = []
    for row in items:
        value = row[value_at] if value_at is not None else None
        lines.append(
            {
                "ticket": tickets.get(row[0]),
                "at": row[1],
                "value": dashboard.display(found, value) if value_at is not None else "",
                "agent": people.get(row[agent_at], "") if agent_at is not None else "",
                "outcome": row[-2] if found.key == "sla_attainment" else "",
                "metric": str(SLA_METRICS.get(row[-1], row[-1])) if found.key == "sla_attainment" else "",
            }
        )
    figure = query.figures(cut, [found])[found.key]
    return render(
        request,
        "analytics/drill.html",
        {
            "kpi": found,
            "part": part,
            "parts": query.PARTS.get(kpi, ()),
            "cut": cut,
            "figure": figure,
            "figure_text": dashboard.display(found, figure.value),
            "exact_url": reverse("analytics:drill_exact", args=[found.key]) + "?" + filter_query(request.GET)
            if found.kind == kpis.DURATION
            else "",
            "lines": lines,
            "page": page,
            "period_text": dashboard.period_text(cut.period),
            "filters": filter_query(request.GET),
            "zone": periods.zone_name(),
            "has_value": bool(drill.value),
            "has_agent": drill.agent is not None,
        },
    )


@figures_required
@require_GET
def drill_exact(request: AuthedRequest, kpi: str) -> HttpResponse:
    """A duration's exact median, p90 and mean over every value of the cut: loaded by the drill-down page after it
    shows (reading every value of 90 days at a million tickets takes ~0.1 s; the list needs 50 rows), kept for a
    minute per cut (query.exact_figure)."""
    found = kpis.get(kpi)
    if found is None or found.kind != kpis.DURATION:
        raise Http404
    _parsed, cut = _scoped(request, request.GET)
    exact = query.exact_figure(cut, found)
    assert exact is not None
    return render(
        request,
        "analytics/_drill_exact.html",
        {
            "exact": exact,
            "exact_text": dashboard.display(found, exact.value),
            "exact_p90": dashboard.display(found, exact.p90),
            "exact_mean": dashboard.display(found, exact.mean),
        },
    )


@figures_required
@require_GET
def explain_ticket(request: AuthedRequest, kpi: str, ticket_id: int) -> HttpResponse:
    found = kpis.get(kpi)
    if found is None:
        raise Http404
    ticket = Ticket.objects.visible_to(request.user).filter(pk=ticket_id).first()
    if ticket is None:
        raise Http404
    story = explain.explain(ticket, found)
    return render(
        request,
        "analytics/explain.html",
        {"kpi": found, "ticket": ticket, "story": story, "filters": filter_query(request.GET)},
    )
