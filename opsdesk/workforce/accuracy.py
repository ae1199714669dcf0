"""Forecast accuracy (METRICS §6.1): WAPE, MAPE over the intervals with actual volume (and how many were skipped) and
bias, on any pair of equally long series. Used by the backtest and by the actuals-against-forecast view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Accuracy:
    wape: float | None  # percent; None when Σ actual = 0
    mape: float | None  # percent over the intervals with actual > 0; None when there are none
    skipped: int  # intervals left out of MAPE because their actual was 0
    bias: float | None  # Σ(F − A) / Σ A, a fraction; positive = over-forecast
    intervals: int
    actual: float
    forecast: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Accuracy:
        return cls(**data)


def measure(actual: Sequence[float], forecast: Sequence[float]) -> Accuracy:
    if len(actual) != len(forecast):
        raise ValueError("actual and forecast differ in length")
    total = float(sum(actual))
    predicted = float(sum(forecast))
    absolute = 0.0
    relative = 0.0
    counted = 0
    for a, f in zip(actual, forecast, strict=True):
        absolute += abs(a - f)
        if a > 0:
            relative += abs(a - f) / a
            counted += 1
    return Accuracy(
        wape=absolute / total * 100 if total > 0 else None,
        mape=relative / counted * 100 if counted else None,
        skipped=len(actual) - counted,
        bias=(predicted - total) / total if total > 0 else None,
        intervals=len(actual),
        actual=total,
        forecast=predicted,
    )


def daily(values: Sequence[float], per_day: int) -> list[float]:
    """Interval values summed per day (the planning grain "day")."""
    return [float(sum(values[i : i + per_day])) for i in range(0, len(values) - per_day + 1, per_day)]
