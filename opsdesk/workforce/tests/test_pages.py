"""A planner's way through the pages: a queue, a forecast computed from the desk's history (in the worker), its
backtest, a hand adjustment, a staffing plan with its week heatmap, and the what-if; bad input answered with the field
at fault and nothing saved."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.workforce import series
from opsdesk.workforce.actions import forecasts
from opsdesk.workforce.models import Forecast, ForecastAdjustment, PlanningQueue, StaffingPlan

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history(world: Any, days: int = 14) -> None:
    """Two email tickets a day in the support team, at 10:15 and 14:40 Helsinki time, for `days` days before NOW."""
    for back in range(days, 0, -1):
        day = (NOW.astimezone(HELSINKI) - timedelta(days=back)).date()
        for hour, minute in ((10, 15), (14, 40)):
            with time_machine.travel(datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI), tick=False):
                world.ticket()


@pytest.fixture
def planned(world: Any, django_capture_on_commit_callbacks: Any) -> Any:
    history(world)
    client = signed_in(world.manager)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("workforce:queue_create"),
            {"name": "Support email", "team": world.support.pk, "channel_group": "tickets", "interval_minutes": 60},
        )
        queue = PlanningQueue.objects.get(name="Support email")
        assert response.status_code == 302 and response["Location"] == queue.get_absolute_url()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("workforce:forecast_create", args=[queue.pk]),
                {"first_day": "2026-12-01", "days": 14, "history_weeks": 2},
            )
    forecast = Forecast.objects.get(queue=queue)
    assert response.status_code == 302 and response["Location"] == forecast.get_absolute_url()
    return client, queue, forecast


def test_a_forecast_is_computed_from_the_history_in_local_time(planned: Any) -> None:
    client, queue, forecast = planned
    assert (forecast.state, forecast.number, forecast.time_zone) == ("ready", 1, "Europe/Helsinki")
    assert forecast.history_total == 28
    assert (forecast.history_start, forecast.history_end) == (date(2026, 11, 11), date(2026, 11, 24))
    # two weeks of history: one backtest fold, the seasonal models only; each day repeats a ticket at 10 and at 14
    assert [row["model"] for row in forecast.backtest] == ["seasonal_naive", "seasonal_average"]
    assert forecast.model == "seasonal_naive"
    assert forecast.backtest[0]["interval"]["wape"] == 0.0
    assert len(forecast.values) == 14 * 24
    first_day = forecast.values[:24]
    assert [hour for hour, value in enumerate(first_day) if value] == [10, 14]
    assert sum(forecast.values) == 28
    page = client.get(forecast.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "Backtested accuracy" in body and "Seasonal naive" in body and "proposed" in body
    assert AuditEvent.objects.filter(verb="forecast.computed", target_id=str(forecast.pk)).count() == 1


def test_an_adjustment_is_kept_and_shown_and_a_plan_freezes_the_forecast(planned: Any) -> None:
    client, queue, forecast = planned
    response = client.post(
        reverse("workforce:forecast_adjust", args=[forecast.pk]),
        {"first_day": "2026-12-07", "last_day": "2026-12-13", "percent": "50", "reason": "Christmas campaign"},
    )
    assert response.status_code == 302
    adjusted = forecasts.adjusted(forecast)
    assert sum(adjusted[:144]) == 12  # the first six days as forecast
    assert sum(adjusted[6 * 24 :]) == pytest.approx(7 * 2 * 1.5 + 2)  # 7–13 Dec raised, 14 Dec as forecast
    page = client.get(forecast.get_absolute_url()).content.decode()
    assert "Christmas campaign" in page and "+50.0 %" in page
    response = client.post(
        reverse("workforce:plan_create", args=[forecast.pk]),
        {
            "name": "December",
            "method": "erlang_c",
            "aht_seconds": 600,
            "service_level": "80",
            "target_seconds": 3600,
            "shrinkage": "30",
            "concurrency": 1,
        },
    )
    plan = StaffingPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.volumes == adjusted
    assert plan.required[10] == 1 and plan.required[11] == 0 and sum(plan.required) == 28
    heat = client.get(plan.get_absolute_url())
    assert heat.status_code == 200
    body = heat.content.decode()
    assert "Europe/Helsinki" in body and "Agents needed per interval" in body
    # the viewer's zone: the 10:00 Helsinki need shows at 10:00 for a Helsinki viewer
    assert '<th scope="row">10:00</th><td class="heat-0"></td><td class="heat-5">1</td>' in body  # Mon 30 Nov: none
    refused = client.post(
        reverse("workforce:forecast_adjust", args=[forecast.pk]),
        {"first_day": "2026-12-01", "last_day": "2026-12-02", "percent": "10", "reason": "late"},
    )
    assert refused.status_code == 422
    assert "make a new forecast to adjust" in refused.content.decode()
    assert ForecastAdjustment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"aht_seconds": 0}, "aht_seconds", "Enter a number above zero."),
        ({"service_level": "120"}, "service_level", "Enter a percentage below 100."),
        ({"shrinkage": "100"}, "shrinkage", "Enter a percentage below 100."),
        ({"method": "erlang_a"}, "patience_seconds", "Enter the customers' mean patience."),
        ({"concurrency": 3}, "concurrency", "Only chats are handled several at once: enter 1."),
    ],
)
def test_impossible_plan_inputs_name_the_field_and_save_nothing(
    planned: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    client, queue, forecast = planned
    data = {
        "name": "Bad",
        "method": "erlang_c",
        "aht_seconds": 300,
        "service_level": "80",
        "target_seconds": 20,
        "shrinkage": "30",
        "concurrency": 1,
        **changes,
    }
    response = client.post(reverse("workforce:plan_create", args=[forecast.pk]), data)
    assert response.status_code == 422
    assert message in response.context["plan_form"].errors[field]
    assert response.context["plan_form"].errors[field]
    assert StaffingPlan.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_day": "2026-11-01", "days": 14, "history_weeks": 2}, "first_day"),
        ({"first_day": "2026-12-01", "days": 0, "history_weeks": 2}, "days"),
        ({"first_day": "2026-12-01", "days": 93, "history_weeks": 2}, "days"),
        ({"first_day": "2026-12-01", "days": 14, "history_weeks": 0}, "history_weeks"),
        ({"first_day": "31.2.2026", "days": 14, "history_weeks": 2}, "first_day"),
    ],
)
def test_a_bad_forecast_request_names_the_field(world: Any, data: dict[str, Any], field: str) -> None:
    queue = forecasts.create_queue(
        name="Q", team=None, channel_group="tickets", calendar=None, interval_minutes=30, actor=world.manager
    )
    with time_machine.travel(NOW, tick=False):
        response = signed_in(world.manager).post(reverse("workforce:forecast_create", args=[queue.pk]), data)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert Forecast.objects.count() == 0


def test_a_queue_without_history_fails_with_a_reason(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    queue = forecasts.create_queue(
        name="Calls", team=world.billing, channel_group="phone", calendar=None, interval_minutes=30, actor=world.manager
    )
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        forecast = forecasts.request_forecast(queue, first_day=date(2026, 12, 1), days=7, actor=world.manager)
    forecast.refresh_from_db()
    assert (forecast.state, forecast.error) == ("failed", "not_enough_history")
    page = signed_in(world.manager).get(forecast.get_absolute_url()).content.decode()
    assert "Not enough history" in page


def test_a_second_queue_for_the_same_team_and_channels_is_refused(world: Any) -> None:
    forecasts.create_queue(
        name="A", team=world.support, channel_group="chat", calendar=None, interval_minutes=30, actor=world.manager
    )
    with pytest.raises(ActionError) as refused:
        forecasts.create_queue(
            name="B", team=world.support, channel_group="chat", calendar=None, interval_minutes=15, actor=world.manager
        )
    assert refused.value.field == "channel_group"
    assert PlanningQueue.objects.count() == 1


def test_the_what_if_shows_the_agents_needed_and_names_a_bad_input(world: Any) -> None:
    client = signed_in(world.manager)
    page = client.get(reverse("workforce:what_if"))
    assert page.status_code == 200
    assert 'data-testid="agents-needed">26<' in page.content.decode()  # 135 × 280 s in 30 min, 80 % in 20 s
    example = client.get(
        reverse("workforce:what_if"),
        {
            "volume": "135",
            "interval_minutes": "30",
            "method": "erlang_c",
            "aht_seconds": "280",
            "service_level": "85",
            "target_seconds": "30",
            "shrinkage": "32",
            "concurrency": "1",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'data-testid="agents-needed">26<' in example and 'data-testid="agents-scheduled">39<' in example
    assert "87.25 %" in example  # SL at 26 agents
    bad = client.get(
        reverse("workforce:what_if"),
        {
            "volume": "135",
            "interval_minutes": "30",
            "method": "erlang_c",
            "aht_seconds": "0",
            "service_level": "85",
            "target_seconds": "30",
            "shrinkage": "32",
            "concurrency": "1",
        },
    )
    assert bad.status_code == 422
    assert "Enter a number above zero." in bad.content.decode()


def test_planning_pages_are_for_planners(world: Any) -> None:
    for user in (world.agent, world.lead):
        assert signed_in(user).get(reverse("workforce:home")).status_code == 403
        assert signed_in(user).get(reverse("workforce:what_if")).status_code == 403
    assert signed_in(world.manager).get(reverse("workforce:home")).status_code == 200


def test_contacts_are_bucketed_in_local_time_across_the_autumn_change() -> None:
    # Helsinki leaves summer time on 25 Oct 2026 at 04:00 local (01:00 UTC): 03:00–04:00 local happens twice
    first = date(2026, 10, 25)
    instants = [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 03:30 summer time
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 03:30 winter time
        datetime(2026, 10, 25, 2, 30, tzinfo=UTC),  # 04:30
        datetime(2026, 10, 24, 20, 59, tzinfo=UTC),  # 23:59 on the 24th: outside
    ]
    counts = series.bucket(instants, first, 1, 60, "Europe/Helsinki")
    assert counts[3] == 2 and counts[4] == 1 and sum(counts) == 3
    assert series.slot_start(first, 5, 60, "Europe/Helsinki") == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)
    assert series.slot_start(first, 2, 60, "Europe/Helsinki") == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)


def test_adjustments_outside_the_forecast_or_without_a_reason_are_refused(planned: Any) -> None:
    client, queue, forecast = planned
    cases = [
        ({"first_day": "2026-11-30", "last_day": "2026-12-02", "percent": "10", "reason": "x"}, "first_day"),
        ({"first_day": "2026-12-02", "last_day": "2026-12-01", "percent": "10", "reason": "x"}, "last_day"),
        ({"first_day": "2026-12-01", "last_day": "2026-12-02", "percent": "-100", "reason": "x"}, "percent"),
        ({"first_day": "2026-12-01", "last_day": "2026-12-02", "percent": "10", "reason": "  "}, "reason"),
    ]
    for data, field in cases:
        response = client.post(reverse("workforce:forecast_adjust", args=[forecast.pk]), data)
        assert response.status_code == 422, data
        assert response.context["adjustment_form"].errors[field], data
    assert ForecastAdjustment.objects.count() == 0


def test_the_forecast_is_shown_against_the_contacts_that_came(planned: Any, world: Any) -> None:
    client, queue, forecast = planned
    for hour, minute in ((10, 5), (10, 40), (15, 0)):  # 1 Dec: three tickets where two were forecast (10 and 14)
        with time_machine.travel(datetime(2026, 12, 1, hour, minute, tzinfo=HELSINKI), tick=False):
            world.ticket()
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=HELSINKI), tick=False):
        page = client.get(forecast.get_absolute_url())
    assert page.status_code == 200
    interval, day = page.context["actual_interval"], page.context["actual_day"]
    # per hour: 10:00 forecast 1, came 2; 14:00 forecast 1, came 0; 15:00 forecast 0, came 1
    assert (interval.actual, interval.forecast, interval.wape) == (3.0, 2.0, pytest.approx(300 / 3 * 1))
    assert interval.skipped == 22 and interval.mape == pytest.approx((0.5 + 1.0) / 2 * 100)
    assert day.wape == pytest.approx(100 / 3)
    assert page.context["days"][0]["actual"] == 3 and "actual" not in page.context["days"][1]
    assert "Against what came" in page.content.decode()


def test_the_deferred_work_what_if_divides_by_absence_only(world: Any) -> None:
    client = signed_in(world.manager)
    page = client.get(reverse("workforce:what_if")).content.decode()
    assert 'data-testid="deferred-attended">10<' in page and 'data-testid="deferred-scheduled">12<' in page
    data = {"backlog": "0", "target_days": "1", "daily_inflow": "120", "on_task_hours": "6", "aht_seconds": "360"}
    found = client.get(reverse("workforce:what_if_deferred"), {**data, "absence": "0"}, headers={"HX-Request": "true"})
    assert 'data-testid="deferred-attended">2<' in found.content.decode()
    bad = client.get(reverse("workforce:what_if_deferred"), {**data, "absence": "100"})
    assert bad.status_code == 422 and "Enter a percentage below 100." in bad.content.decode()
    hours = client.get(reverse("workforce:what_if_deferred"), {**data, "on_task_hours": "30", "absence": "5"})
    assert hours.status_code == 422 and "Enter hours between 0 and 24." in hours.content.decode()
