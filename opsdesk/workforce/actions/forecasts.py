"""Planning queues and forecast versions: a planner (plan_workforce) defines a queue, asks for a forecast (computed
in the worker: history, flags, backtest, the proposed model's forecast), and adjusts it by hand. Every write is in the
audit log."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError, invalid_input
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.tickets.channels import ChannelGroup
from opsdesk.workforce import forecasting, series
from opsdesk.workforce.actions import text
from opsdesk.workforce.models import Forecast, ForecastAdjustment, PlanningQueue

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.people.models import Team
    from opsdesk.sla.models import BusinessCalendar

log = logging.getLogger(__name__)

MAX_DAYS = 92
MIN_WEEKS = 1
MAX_WEEKS = 104
DEFAULT_WEEKS = 16
MAX_AHEAD_DAYS = 400
MAX_REASON = 200


def create_queue(
    *,
    name: str,
    team: Team | None,
    channel_group: str,
    calendar: BusinessCalendar | None,
    interval_minutes: int,
    actor: User,
) -> PlanningQueue:
    require(actor, Capability.PLAN_WORKFORCE)
    name = text.clean(name)
    if channel_group not in ChannelGroup.values:
        raise invalid_input("channel_group", _("Choose channels."))
    if interval_minutes not in (15, 30, 60):
        raise invalid_input("interval_minutes", _("Choose 15, 30 or 60 minutes."))
    if PlanningQueue.objects.filter(name=name).exists():
        raise invalid_input("name", _("Another queue has this name."))
    if PlanningQueue.objects.filter(team=team, channel_group=channel_group).exists():
        raise invalid_input("channel_group", _("This team already has a queue for these channels."))
    try:
        with transaction.atomic():
            queue = PlanningQueue.objects.create(
                name=name,
                team=team,
                channel_group=channel_group,
                calendar=calendar,
                interval_minutes=interval_minutes,
            )
            audit.record(actor=actor, verb="planning_queue.created", target=queue, data={"name": name})
    except IntegrityError as error:  # a concurrent twin of the same request
        raise invalid_input("name", _("Another queue has this name.")) from error
    return queue


def request_forecast(
    queue: PlanningQueue,
    *,
    first_day: date,
    days: int,
    history_weeks: int = DEFAULT_WEEKS,
    actor: User,
    now: datetime | None = None,
) -> Forecast:
    """A new forecast version, computed in the worker (`compute`)."""
    require(actor, Capability.PLAN_WORKFORCE)
    now = now or timezone.now()
    zone = series.time_zone_of(queue)
    today = timezone.localdate(now, timezone=zoneinfo.ZoneInfo(zone))
    if first_day < today:
        raise invalid_input("first_day", _("Choose today or a later day."))
    if first_day > today + timedelta(days=MAX_AHEAD_DAYS):
        raise invalid_input("first_day", _("Choose a day within %(n)d days from today.") % {"n": MAX_AHEAD_DAYS})
    if not 1 <= days <= MAX_DAYS:
        raise invalid_input("days", _("Choose from 1 to %(n)d days.") % {"n": MAX_DAYS})
    if not MIN_WEEKS <= history_weeks <= MAX_WEEKS:
        raise invalid_input(
            "history_weeks", _("Choose from %(min)d to %(max)d weeks.") % {"min": MIN_WEEKS, "max": MAX_WEEKS}
        )
    with transaction.atomic():
        # numbered per queue under the queue's row lock, so two requests never take the same number
        PlanningQueue.objects.select_for_update().filter(pk=queue.pk).first()
        number = (Forecast.objects.filter(queue=queue).aggregate(n=Max("number"))["n"] or 0) + 1
        forecast = Forecast.objects.create(
            queue=queue,
            number=number,
            time_zone=zone,
            interval_minutes=queue.interval_minutes,
            first_day=first_day,
            days=days,
            history_weeks=history_weeks,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            verb="forecast.requested",
            target=forecast,
            data={"queue": queue.name, "number": number, "first_day": first_day.isoformat(), "days": days},
        )
        enqueue_on_commit("opsdesk.workforce.tasks.compute_forecast", forecast.pk)
    return forecast


def compute(forecast_id: int, *, now: datetime | None = None) -> Forecast | None:
    """The worker's part: read the history up to yesterday (local), flag holidays and spikes, backtest the models,
    and forecast with the proposed one up to the forecast's last day. Runs once per forecast (a retried job finds it
    no longer queued)."""
    forecast = Forecast.objects.select_related("queue", "created_by").filter(pk=forecast_id).first()
    if forecast is None or forecast.state != Forecast.State.QUEUED:
        return forecast
    now = now or timezone.now()
    try:
        _fill(forecast, now)
    except forecasting.NotEnoughHistory:
        forecast.state = Forecast.State.FAILED
        forecast.error = "not_enough_history"
    except Exception:  # a failed fit must not leave the version "being computed" forever
        log.exception("forecast %s failed", forecast.pk)
        forecast.state = Forecast.State.FAILED
        forecast.error = "failed"
    else:
        forecast.state = Forecast.State.READY
    forecast.finished_at = timezone.now()
    with transaction.atomic():
        updated = Forecast.objects.filter(pk=forecast.pk, state=Forecast.State.QUEUED).update(
            state=forecast.state,
            error=forecast.error,
            history_start=forecast.history_start,
            history_end=forecast.history_end,
            history_total=forecast.history_total,
            model=forecast.model,
            values=forecast.values,
            backtest=forecast.backtest,
            flagged=forecast.flagged,
            finished_at=forecast.finished_at,
        )
        if updated:
            audit.record(
                actor=None,
                verb="forecast.computed" if forecast.state == Forecast.State.READY else "forecast.failed",
                target=forecast,
                data={"model": forecast.model, "error": forecast.error},
            )
    return forecast


def _fill(forecast: Forecast, now: datetime) -> None:
    queue = forecast.queue
    grid = forecasting.Grid(forecast.per_day)
    today = timezone.localdate(now, timezone=zoneinfo.ZoneInfo(forecast.time_zone))
    history_days = forecast.history_weeks * 7
    start = today - timedelta(days=history_days)
    reader = forecast.created_by
    if reader is None:
        raise forecasting.NotEnoughHistory("no reader")
    history = series.contacts(queue, reader, start, history_days)
    if len(history) < grid.season or sum(history) == 0:
        raise forecasting.NotEnoughHistory("history")
    closed = set(series.holidays(queue, start, today - timedelta(days=1)))
    flagged = [(start + timedelta(days=t // grid.per_day)) in closed for t in range(len(history))]
    spikes = forecasting.flag_spikes(history, grid.season)
    cleaned = forecasting.clean(history, [a or b for a, b in zip(flagged, spikes, strict=True)], grid.season)
    results = forecasting.backtest(cleaned, grid)
    model = forecasting.choose(results)
    skip = (forecast.first_day - today).days * grid.per_day
    horizon = skip + forecast.days * grid.per_day
    values = forecasting.predict(model, cleaned, grid, horizon)[skip:]
    forecast.history_start = start
    forecast.history_end = today - timedelta(days=1)
    forecast.history_total = float(sum(history))
    forecast.model = model
    forecast.values = [round(v, 3) for v in values]
    forecast.backtest = [r.as_json() for r in results]
    forecast.flagged = {
        "holidays": sorted(day.isoformat() for day in closed),
        "spikes": [
            [
                series.slot_start(start, t, forecast.interval_minutes, forecast.time_zone).isoformat(),
                history[t],
                cleaned[t],
            ]
            for t, spike in enumerate(spikes)
            if spike and not flagged[t]
        ],
    }


def parse_percent(raw: str | Decimal, *, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation as error:
        raise invalid_input(field, _("Enter a number such as 20 or -12.5.")) from error
    if not value.is_finite():
        raise invalid_input(field, _("Enter a number such as 20 or -12.5."))
    return value


def adjust(
    forecast: Forecast, *, first_day: date, last_day: date, percent: Decimal, reason: str, actor: User
) -> ForecastAdjustment:
    """A hand adjustment over whole local days of a ready forecast that no staffing plan uses yet."""
    require(actor, Capability.PLAN_WORKFORCE)
    if forecast.state != Forecast.State.READY:
        raise ActionError("not_ready", _("The forecast is not ready yet."))
    if first_day < forecast.first_day or first_day > forecast.last_day:
        raise invalid_input("first_day", _("Choose a day inside the forecast."))
    if last_day < first_day or last_day > forecast.last_day:
        raise invalid_input("last_day", _("Choose a day from the first day to the forecast's last day."))
    if not Decimal(-100) < percent <= Decimal(1000) or percent == 0:
        raise invalid_input("percent", _("Enter a change above -100 % and at most 1000 %, not zero."))
    if percent != percent.quantize(Decimal("0.1")):
        raise invalid_input("percent", _("Use at most one decimal."))
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise invalid_input("reason", _("Say why, for those who read the forecast later."))
    if len(reason) > MAX_REASON:
        raise invalid_input("reason", _("Use at most %(n)d characters.") % {"n": MAX_REASON})
    with transaction.atomic():
        locked = Forecast.objects.select_for_update().get(pk=forecast.pk)
        if locked.plans.exists():
            raise ActionError(
                "in_use", _("A staffing plan uses this forecast; make a new forecast to adjust."), field="percent"
            )
        adjustment = ForecastAdjustment.objects.create(
            forecast=forecast,
            first_day=first_day,
            last_day=last_day,
            percent=percent,
            reason=reason,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            verb="forecast.adjusted",
            target=forecast,
            data={
                "first_day": first_day.isoformat(),
                "last_day": last_day.isoformat(),
                "percent": str(percent),
                "reason": reason,
            },
        )
    return adjustment


def adjusted(forecast: Forecast, adjustments: list[ForecastAdjustment] | None = None) -> list[float]:
    """The forecast's values with its adjustments applied (model value × Π (1 + p/100) per covering adjustment)."""
    found = list(forecast.values)
    rows = adjustments if adjustments is not None else list(forecast.adjustments.all())
    per_day = forecast.per_day
    for row in rows:
        factor = float(1 + row.percent / 100)
        first = (row.first_day - forecast.first_day).days * per_day
        last = ((row.last_day - forecast.first_day).days + 1) * per_day
        for t in range(max(0, first), min(len(found), last)):
            found[t] *= factor
    return [round(v, 3) for v in found]
