"""The Erlang inputs of a staffing plan or of the what-if page, checked once (METRICS §6.2–6.4), and the what-if
figures: the agents needed for one interval and the service around that number."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.workforce import erlang

ERLANG_C = "erlang_c"
ERLANG_A = "erlang_a"
AROUND = (-2, -1, 0, 1, 2, 3)  # the what-if's table: the required N and its neighbours


@dataclass(frozen=True)
class Inputs:
    method: str
    aht_seconds: float
    service_level: Decimal  # percent
    target_seconds: float
    shrinkage: Decimal  # percent
    asa_seconds: float | None = None
    max_occupancy: Decimal | None = None  # percent
    patience_seconds: float | None = None
    concurrency: int = 1


@dataclass(frozen=True)
class Checked:
    aht: float  # effective: a chat's handle time ÷ f(concurrency)
    target: erlang.Target
    patience: float | None
    shrinkage: float  # fraction


def check(inputs: Inputs, *, chats: bool) -> Checked:
    """Refuse impossible inputs naming the field: AHT 0, a target above 100 %, shrinkage of 100 % or more, a patience
    missing for Erlang A, concurrency outside chats."""
    if inputs.method not in (ERLANG_C, ERLANG_A):
        raise ActionError("invalid_input", _("Choose a model."), field="method", status=422)
    erlang.check_positive(float(inputs.aht_seconds), "aht_seconds")
    if chats:
        aht = erlang.effective_aht(float(inputs.aht_seconds), inputs.concurrency)
    elif inputs.concurrency != 1:
        raise ActionError(
            "invalid_input", _("Only chats are handled several at once: enter 1."), field="concurrency", status=422
        )
    else:
        aht = float(inputs.aht_seconds)
    target = erlang.Target(
        service_level=float(inputs.service_level) / 100,
        seconds=float(inputs.target_seconds),
        asa=float(inputs.asa_seconds) if inputs.asa_seconds is not None else None,
        max_occupancy=float(inputs.max_occupancy) / 100 if inputs.max_occupancy is not None else None,
    )
    target.check()
    shrinkage = float(inputs.shrinkage) / 100
    erlang.check_share(shrinkage, "shrinkage", allow_zero=True)
    patience = None
    if inputs.method == ERLANG_A:
        if inputs.patience_seconds is None:
            raise ActionError(
                "invalid_input", _("Enter the customers' mean patience."), field="patience_seconds", status=422
            )
        patience = float(inputs.patience_seconds)
        erlang.check_positive(patience, "patience_seconds")
    return Checked(aht, target, patience, shrinkage)


def required_series(volumes: list[float], interval_minutes: int, checked: Checked) -> list[int]:
    return erlang.required_series(
        volumes,
        interval_seconds=interval_minutes * 60,
        aht=checked.aht,
        target=checked.target,
        patience=checked.patience,
    )


def deferred(
    *,
    backlog: Decimal,
    target_days: Decimal,
    daily_inflow: Decimal,
    on_task_hours: Decimal,
    aht_seconds: Decimal,
    absence: Decimal,
) -> erlang.Deferred:
    """The deferred-work what-if: agents a day for a backlog, its target and the inflow (absence in percent)."""
    erlang.check_share(float(absence) / 100, "absence", allow_zero=True)
    return erlang.deferred(
        backlog=float(backlog),
        target_days=float(target_days),
        daily_inflow=float(daily_inflow),
        on_task_hours=float(on_task_hours),
        aht=float(aht_seconds),
        absence=float(absence) / 100,
    )


@dataclass(frozen=True)
class WhatIf:
    needed: erlang.Result
    scheduled: int
    rows: list[tuple[erlang.Result, bool]]  # (figures for N, meets the target)
    effective_aht: float


def what_if(inputs: Inputs, *, volume: float, interval_minutes: int) -> WhatIf:
    checked = check(inputs, chats=inputs.concurrency > 1)
    interval = interval_minutes * 60

    def figures(agents: int) -> erlang.Result:
        if checked.patience is None:
            return erlang.evaluate(
                agents, volume=volume, interval_seconds=interval, aht=checked.aht, target_seconds=checked.target.seconds
            )
        return erlang.evaluate_abandonment(
            agents,
            volume=volume,
            interval_seconds=interval,
            aht=checked.aht,
            patience=checked.patience,
            target_seconds=checked.target.seconds,
        )

    if checked.patience is None:
        needed = erlang.required(volume=volume, interval_seconds=interval, aht=checked.aht, target=checked.target)
    else:
        needed = erlang.required_abandonment(
            volume=volume, interval_seconds=interval, aht=checked.aht, patience=checked.patience, target=checked.target
        )
    rows = []
    for step in AROUND:
        agents = needed.agents + step
        if agents < 1:
            continue
        found = figures(agents)
        meets = found.service_level >= checked.target.service_level and (
            checked.target.asa is None or found.asa <= checked.target.asa
        )
        rows.append((found, meets))
    scheduled = erlang.scheduled(needed.agents, checked.shrinkage) if needed.agents else 0
    return WhatIf(needed, scheduled, rows, checked.aht)
