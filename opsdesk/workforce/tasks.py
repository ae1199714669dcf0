"""Workforce jobs: a forecast version is computed in the worker (statsmodels is loaded there, not in web processes)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from opsdesk.workforce.actions import forecasts


@db_task()
def compute_forecast(forecast_id: int) -> None:
    forecasts.compute(forecast_id)
