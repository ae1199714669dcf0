"""Forecast accuracy formulas on hand-built series, the seasonal models, holiday and spike replacement, the
rolling-origin backtest and the proposed model (never one that loses to seasonal naive)."""

from __future__ import annotations

import math
import random

import pytest

from opsdesk.workforce import forecasting
from opsdesk.workforce.accuracy import daily, measure

GRID = forecasting.Grid(per_day=2)  # two intervals a day: a week is 14 values
M = GRID.season


def test_wape_mape_and_bias_on_a_hand_built_series() -> None:
    actual = [10, 0, 5, 5]
    forecast = [8, 2, 5, 10]
    found = measure(actual, forecast)
    assert found.wape == pytest.approx((2 + 2 + 0 + 5) / 20 * 100)  # 45 %
    assert found.mape == pytest.approx((0.2 + 0 + 1.0) / 3 * 100)  # the zero interval is skipped
    assert found.skipped == 1
    assert found.bias == pytest.approx((25 - 20) / 20)  # over-forecast
    assert (found.intervals, found.actual, found.forecast) == (4, 20.0, 25.0)


def test_accuracy_without_actual_volume_is_undefined() -> None:
    found = measure([0, 0], [1, 2])
    assert (found.wape, found.mape, found.bias, found.skipped) == (None, None, None, 2)


def test_daily_sums_the_intervals_of_each_day() -> None:
    assert daily([1, 2, 3, 4, 5, 6], 2) == [3, 7, 11]


def week(scale: float = 1.0) -> list[float]:
    return [round(v * scale, 3) for v in (2, 8, 3, 9, 4, 10, 5, 11, 6, 12, 1, 2, 0, 1)]


def test_seasonal_naive_repeats_the_last_week_and_the_average_the_last_four() -> None:
    history = week(1) + week(2) + week(3) + week(4) + week(5)
    naive = forecasting.predict(forecasting.SEASONAL_NAIVE, history, GRID, M + 2)
    assert naive == week(5) + week(5)[:2]
    average = forecasting.predict(forecasting.SEASONAL_AVERAGE, history, GRID, M)
    assert average == pytest.approx(week((2 + 3 + 4 + 5) / 4))


def test_a_short_history_only_offers_the_seasonal_models() -> None:
    assert forecasting.candidates(M - 1, GRID) == []
    assert forecasting.candidates(5 * M, GRID) == [forecasting.SEASONAL_NAIVE, forecasting.SEASONAL_AVERAGE]
    assert forecasting.candidates(6 * M, GRID) == list(forecasting.MODELS)
    with pytest.raises(forecasting.NotEnoughHistory):
        forecasting.predict(forecasting.HOLT_WINTERS, week() * 1 + week()[:5], GRID, 3)


def test_holidays_and_spikes_are_replaced_by_the_same_interval_a_week_earlier() -> None:
    history = week() * 6
    history[3 * M + 5] = 90.0  # an incident
    spikes = forecasting.flag_spikes(history, M)
    assert [t for t, flagged in enumerate(spikes) if flagged] == [3 * M + 5]
    holiday = [False] * len(history)
    holiday[0] = holiday[M] = True  # the first two Mondays' first interval: no earlier week for either
    cleaned = forecasting.clean(history, [a or b for a, b in zip(holiday, spikes, strict=True)], M)
    assert cleaned[3 * M + 5] == history[2 * M + 5]
    assert cleaned[0] == history[2 * M] and cleaned[M] == history[2 * M]


def noisy_weeks(weeks: int, seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    per_day = 24
    shape = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 11, 12, 13, 12, 10, 8, 6, 5, 4, 3, 2, 1]
    days = [1.3, 1.2, 1.1, 1.05, 1.0, 0.55, 0.45]
    values = []
    for t in range(weeks * 7 * per_day):
        mean = 2.0 * shape[t % per_day] * days[(t // per_day) % 7] * (1 + 0.002 * (t // per_day))
        # Poisson noise by inversion (small means)
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                break
            k += 1
        values.append(float(k))
    return values


def test_the_backtest_proposes_a_model_that_does_not_lose_to_seasonal_naive() -> None:
    grid = forecasting.Grid(per_day=24)
    history = noisy_weeks(10)
    results = forecasting.backtest(history, grid)
    by_model = {r.model: r for r in results}
    assert set(by_model) == set(forecasting.MODELS)
    chosen = forecasting.choose(results)
    naive = by_model[forecasting.SEASONAL_NAIVE].interval.wape
    best = by_model[chosen].interval.wape
    assert naive is not None and best is not None and best <= naive
    # Poisson noise around a stable weekly shape: averaging weeks or smoothing beats repeating one noisy week
    assert chosen != forecasting.SEASONAL_NAIVE
    for result in results:
        assert result.interval.intervals == 3 * grid.season  # three folds of a week
        assert result.day.intervals == 21
    forecast = forecasting.predict(chosen, history, grid, 2 * grid.season)
    assert len(forecast) == 2 * grid.season and min(forecast) >= 0


def test_holt_winters_follows_a_clean_seasonal_series() -> None:
    grid = forecasting.Grid(per_day=24)
    history = [float(10 + 5 * math.sin(2 * math.pi * t / 24) + (t // 24) % 7) for t in range(4 * grid.season)]
    forecast = forecasting.predict(forecasting.HOLT_WINTERS, history, grid, grid.season)
    expected = history[-grid.season :]
    assert max(abs(f - e) for f, e in zip(forecast, expected, strict=True)) < 0.5


def test_without_a_measurable_result_seasonal_naive_is_proposed() -> None:
    assert forecasting.choose([]) == forecasting.SEASONAL_NAIVE
    results = forecasting.backtest([0.0] * (5 * M), GRID)
    assert forecasting.choose(results) == forecasting.SEASONAL_NAIVE
