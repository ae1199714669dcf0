"""Workforce pages for planners (plan_workforce): queues, forecast versions with their backtest and adjustments,
staffing plans with their week heatmap, and the staffing what-if."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest, is_htmx
from opsdesk.core.params import parse_choice, parse_day
from opsdesk.routing.actions import presence
from opsdesk.workforce import coverage, forecasting, series, staffing
from opsdesk.workforce.accuracy import daily, measure
from opsdesk.workforce.actions import forecasts, plans
from opsdesk.workforce.actions import states as state_actions
from opsdesk.workforce.forms import AdjustmentForm, DeferredForm, ForecastForm, PlanForm, QueueForm, WhatIfForm
from opsdesk.workforce.models import Forecast, PlanningQueue, StaffingPlan

plan_workforce = capability_required(Capability.PLAN_WORKFORCE)


def model_name(key: str) -> str:
    return str(forecasting.NAMES.get(key, key))


@plan_workforce
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    queues = list(PlanningQueue.objects.select_related("team", "calendar"))
    recent = list(Forecast.objects.select_related("queue")[:10])
    plan_rows = list(StaffingPlan.objects.select_related("forecast__queue")[:10])
    return render(
        request,
        "workforce/home.html",
        {"queues": queues, "forecasts": recent, "plans": plan_rows, "form": QueueForm()},
    )


@plan_workforce
@require_POST
def queue_create(request: AuthedRequest) -> HttpResponse:
    form = QueueForm(request.POST)
    if form.is_valid():
        queue = form.apply(forecasts.create_queue, actor=request.user)
        if queue is not None:
            messages.success(request, _("Queue created."))
            return redirect(queue.get_absolute_url())
    queues = list(PlanningQueue.objects.select_related("team", "calendar"))
    return render(
        request,
        "workforce/home.html",
        {"queues": queues, "forecasts": [], "plans": [], "form": form},
        status=422,
    )


def _queue_page(request: AuthedRequest, queue: PlanningQueue, form: ForecastForm, status: int = 200) -> HttpResponse:
    versions = list(queue.forecasts.select_related("created_by")[:30])
    return render(
        request,
        "workforce/queue_detail.html",
        {"queue": queue, "versions": versions, "form": form},
        status=status,
    )


@plan_workforce
@require_GET
def queue_detail(request: AuthedRequest, queue_id: int) -> HttpResponse:
    queue = get_object_or_404(PlanningQueue.objects.select_related("team", "calendar"), pk=queue_id)
    today = timezone.localdate()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)  # the first day of next month
    following = (first + timedelta(days=32)).replace(day=1)
    form = ForecastForm(initial={"first_day": first, "days": (following - first).days, "history_weeks": 16})
    return _queue_page(request, queue, form)


@plan_workforce
@require_POST
def forecast_create(request: AuthedRequest, queue_id: int) -> HttpResponse:
    queue = get_object_or_404(PlanningQueue.objects.select_related("team", "calendar"), pk=queue_id)
    form = ForecastForm(request.POST)
    if form.is_valid():
        forecast = form.apply(forecasts.request_forecast, queue, actor=request.user)
        if forecast is not None:
            return redirect(forecast.get_absolute_url())
    return _queue_page(request, queue, form, status=422)


def _day_rows(forecast: Forecast, values: list[float], adjusted: list[float]) -> list[dict[str, Any]]:
    per_day = forecast.per_day
    sums = [
        (sum(values[day * per_day : (day + 1) * per_day]), sum(adjusted[day * per_day : (day + 1) * per_day]))
        for day in range(forecast.days)
    ]
    peak = max((max(pair) for pair in sums), default=0.0)
    return [
        {
            "day": forecast.first_day + timedelta(days=day),
            "model": model,
            "adjusted": final,
            "bar": round(final / peak * 20) if peak else 0,  # 0–20: CSS width classes (no inline styles)
        }
        for day, (model, final) in enumerate(sums)
    ]


def _actuals(
    request: AuthedRequest, forecast: Forecast, adjusted: list[float], days: list[dict[str, Any]]
) -> dict[str, Any]:
    """The forecast against what came, over its days that have passed (to yesterday, in the queue's zone): the
    contacts per day beside the forecast, and WAPE, MAPE and bias per interval and per day (METRICS §6.1)."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(forecast.time_zone))
    elapsed = max(0, min(forecast.days, (today - forecast.first_day).days))
    if not elapsed:
        return {}
    actual = series.contacts(forecast.queue, request.user, forecast.first_day, elapsed)
    forecast_part = adjusted[: len(actual)]
    for number, row in enumerate(days[:elapsed]):
        row["actual"] = sum(actual[number * forecast.per_day : (number + 1) * forecast.per_day])
    return {
        "actual_interval": measure(actual, forecast_part),
        "actual_day": measure(daily(actual, forecast.per_day), daily(forecast_part, forecast.per_day)),
        "actual_days": elapsed,
    }


def _forecast_page(
    request: AuthedRequest,
    forecast: Forecast,
    *,
    adjustment_form: AdjustmentForm | None = None,
    plan_form: PlanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    adjustments = list(forecast.adjustments.select_related("created_by"))
    context: dict[str, Any] = {
        "forecast": forecast,
        "queue": forecast.queue,
        "adjustments": adjustments,
        "plans": list(forecast.plans.all()),
    }
    if forecast.state == Forecast.State.READY:
        adjusted = forecasts.adjusted(forecast, adjustments)
        context["days"] = _day_rows(forecast, forecast.values, adjusted)
        context.update(_actuals(request, forecast, adjusted, context["days"]))
        context["total_model"] = sum(forecast.values)
        context["total_adjusted"] = sum(adjusted)
        context["backtest"] = [
            {
                **row,
                "name": model_name(row["model"]),
                "chosen": row["model"] == forecast.model,
                "bias_pct": row["interval"]["bias"] * 100 if row["interval"]["bias"] is not None else None,
            }
            for row in forecast.backtest
        ]
        context["adjustment_form"] = adjustment_form or AdjustmentForm(
            initial={"first_day": forecast.first_day, "last_day": forecast.last_day}
        )
        context["plan_form"] = plan_form or PlanForm(
            initial={
                "name": _("Plan for %(queue)s from %(day)s")
                % {"queue": forecast.queue.name, "day": forecast.first_day.isoformat()},
                "method": staffing.ERLANG_C,
                "aht_seconds": 300,
                "service_level": 80,
                "target_seconds": 20,
                "shrinkage": 30,
                "concurrency": 1,
            }
        )
    return render(request, "workforce/forecast_detail.html", context, status=status)


def _forecast(forecast_id: int) -> Forecast:
    return get_object_or_404(Forecast.objects.select_related("queue", "created_by"), pk=forecast_id)


@plan_workforce
@require_GET
def forecast_detail(request: AuthedRequest, forecast_id: int) -> HttpResponse:
    return _forecast_page(request, _forecast(forecast_id))


@plan_workforce
@require_POST
def forecast_adjust(request: AuthedRequest, forecast_id: int) -> HttpResponse:
    forecast = _forecast(forecast_id)
    form = AdjustmentForm(request.POST)
    if form.is_valid() and form.apply(forecasts.adjust, forecast, actor=request.user) is not None:
        messages.success(request, _("Adjustment saved."))
        return redirect(forecast.get_absolute_url())
    return _forecast_page(request, forecast, adjustment_form=form, status=422)


@plan_workforce
@require_POST
def plan_create(request: AuthedRequest, forecast_id: int) -> HttpResponse:
    forecast = _forecast(forecast_id)
    form = PlanForm(request.POST)
    plan = form.apply(plans.create, forecast, actor=request.user) if form.is_valid() else None
    if plan is not None:
        messages.success(request, _("Staffing plan made."))
        return redirect(plan.get_absolute_url())
    return _forecast_page(request, forecast, plan_form=form, status=422)


@plan_workforce
@require_GET
def plan_detail(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(StaffingPlan.objects.select_related("forecast__queue", "created_by"), pk=plan_id)
    forecast = plan.forecast
    weeks = coverage.weeks(forecast.first_day, forecast.days)
    raw = request.GET.get("week", "")
    week = parse_day(raw, field="week", label=_("Week")) if raw else weeks[0]
    week = week - timedelta(days=week.weekday())
    viewer_zone = request.user.time_zone
    scheduled = plans.scheduled(plan)
    interval_hours = forecast.interval_minutes / 60
    rows = coverage.week_grid(
        plan.required,
        first_day=forecast.first_day,
        interval_minutes=forecast.interval_minutes,
        plan_zone=forecast.time_zone,
        viewer_zone=viewer_zone,
        week_start=week,
    )
    return render(
        request,
        "workforce/plan_detail.html",
        {
            "plan": plan,
            "forecast": forecast,
            "queue": forecast.queue,
            "rows": rows,
            "week": week,
            "week_days": [week + timedelta(days=i) for i in range(7)],
            "weeks": weeks,
            "previous_week": week - timedelta(days=7) if week > weeks[0] else None,
            "next_week": week + timedelta(days=7) if week < weeks[-1] else None,
            "viewer_zone": viewer_zone,
            "peak": max(plan.required, default=0),
            "agent_hours": sum(plan.required) * interval_hours,
            "scheduled_hours": sum(scheduled) * interval_hours,
            "contacts": sum(plan.volumes),
        },
    )


@plan_workforce
@require_GET
def what_if_deferred(request: AuthedRequest) -> HttpResponse:
    """Agents for deferred work (email, tickets): recomputed as any input changes."""
    form = DeferredForm(request.GET)
    result = None
    if form.is_valid():
        try:
            result = staffing.deferred(**form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
    status = 200 if is_htmx(request) or result is not None else 422
    return render(
        request, "workforce/partials/deferred_result.html", {"deferred_form": form, "deferred": result}, status=status
    )


@plan_workforce
@require_http_methods(["GET"])
def what_if(request: AuthedRequest) -> HttpResponse:
    """Agents needed for one interval; recomputed as any input changes (htmx swaps the result)."""
    defaults = {
        "volume": 135,
        "interval_minutes": 30,
        "method": staffing.ERLANG_C,
        "aht_seconds": 280,
        "service_level": 80,
        "target_seconds": 20,
        "shrinkage": 32,
        "concurrency": 1,
    }
    form = WhatIfForm(request.GET or None, initial=defaults)
    result = None
    data = None
    if not request.GET:
        form_data = {key: str(value) for key, value in defaults.items()}
        data = WhatIfForm(form_data)
        data.is_valid()
    elif form.is_valid():
        data = form
    if data is not None and data.is_valid():
        clean = data.cleaned_data
        try:
            result = staffing.what_if(
                staffing.Inputs(
                    method=clean["method"],
                    aht_seconds=clean["aht_seconds"],
                    service_level=clean["service_level"],
                    target_seconds=clean["target_seconds"],
                    shrinkage=clean["shrinkage"],
                    asa_seconds=clean.get("asa_seconds"),
                    max_occupancy=clean.get("max_occupancy"),
                    patience_seconds=clean.get("patience_seconds"),
                    concurrency=clean["concurrency"],
                ),
                volume=float(clean["volume"]),
                interval_minutes=clean["interval_minutes"],
            )
        except ActionError as error:
            add_action_error(form, error)
    if is_htmx(request):  # the result panel, errors included (htmx swaps only successful answers)
        return render(request, "workforce/partials/what_if_result.html", {"form": form, "result": result})
    deferred_defaults = {
        "backlog": 300,
        "target_days": 2,
        "daily_inflow": 450,
        "on_task_hours": 6,
        "aht_seconds": 360,
        "absence": 10,
    }
    deferred_form = DeferredForm({k: str(v) for k, v in deferred_defaults.items()})
    deferred = staffing.deferred(**deferred_form.cleaned_data) if deferred_form.is_valid() else None
    failed = bool(request.GET) and not form.is_valid()
    context = {"form": form, "result": result, "deferred_form": deferred_form, "deferred": deferred}
    return render(request, "workforce/what_if.html", context, status=422 if failed else 200)


@capability_required(Capability.BE_ASSIGNED)
@require_POST
def my_state(request: AuthedRequest) -> HttpResponse:
    """The agent's own state: available, or a break, lunch, meeting or training. Routing follows: available is
    online, the others are away (routing/actions/presence.py), so no work is offered during them."""

    state = parse_choice(
        request.POST.get("state"), dict(state_actions.CHOSEN_LABELS()), field="state", label=_("State")
    )
    try:
        presence.set_presence(request.user, presence="online" if state == "available" else "away", actor=request.user)
        state_actions.choose(request.user, state=state, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("workforce:my_schedule")
