"""Staffing plans: the agents needed per interval of a forecast version under one set of Erlang parameters
(METRICS §6.2–6.4). Inputs are checked by the staffing arithmetic (erlang.py), which names the field at fault; the
plan keeps the adjusted volumes it was computed from."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError, invalid_input
from opsdesk.tickets.channels import ChannelGroup
from opsdesk.workforce import erlang, staffing
from opsdesk.workforce.actions import text
from opsdesk.workforce.actions.forecasts import adjusted
from opsdesk.workforce.models import Forecast, StaffingPlan

if TYPE_CHECKING:
    from opsdesk.accounts.models import User


def create(
    forecast: Forecast,
    *,
    name: str,
    method: str,
    aht_seconds: int,
    service_level: Decimal,
    target_seconds: int,
    shrinkage: Decimal,
    asa_seconds: int | None = None,
    max_occupancy: Decimal | None = None,
    patience_seconds: int | None = None,
    concurrency: int = 1,
    actor: User,
) -> StaffingPlan:
    require(actor, Capability.PLAN_WORKFORCE)
    if forecast.state != Forecast.State.READY:
        raise ActionError("not_ready", _("The forecast is not ready yet."))
    name = text.clean(name)
    if method not in StaffingPlan.Method.values:
        raise invalid_input("method", _("Choose a model."))
    plan = StaffingPlan(
        name=name,
        forecast=forecast,
        method=method,
        aht_seconds=aht_seconds,
        service_level=service_level,
        target_seconds=target_seconds,
        asa_seconds=asa_seconds,
        max_occupancy=max_occupancy,
        patience_seconds=patience_seconds,
        concurrency=concurrency,
        shrinkage=shrinkage,
        created_by=actor,
    )
    checked = staffing.check(inputs(plan), chats=forecast.queue.channel_group == ChannelGroup.CHAT)
    plan.volumes = adjusted(forecast)
    plan.required = staffing.required_series(plan.volumes, forecast.interval_minutes, checked)
    with transaction.atomic():
        plan.save()
        audit.record(
            actor=actor,
            verb="staffing_plan.created",
            target=plan,
            data={"name": name, "forecast": forecast.pk, "method": method, "peak": max(plan.required, default=0)},
        )
    return plan


def inputs(plan: StaffingPlan) -> staffing.Inputs:
    return staffing.Inputs(
        method=plan.method,
        aht_seconds=plan.aht_seconds,
        service_level=plan.service_level,
        target_seconds=plan.target_seconds,
        shrinkage=plan.shrinkage,
        asa_seconds=plan.asa_seconds,
        max_occupancy=plan.max_occupancy,
        patience_seconds=plan.patience_seconds,
        concurrency=plan.concurrency,
    )


def scheduled(plan: StaffingPlan) -> list[int]:
    """Agents to schedule per interval: ⌈N / (1 − s)⌉ (METRICS §6.4)."""
    share = float(plan.shrinkage) / 100
    return [erlang.scheduled(n, share) if n else 0 for n in plan.required]
