"""Volume forecasting models and their backtest (METRICS §6.1, ADR 0037).

A series is a list of interval counts on the queue calendar's local wall-clock grid, starting on a Monday at 00:00,
so position t has hour-of-week ⌊t / per_hour⌋ and the season is m = 7 · per_day intervals. Four models:

- seasonal naive F_t = y_{t−m}; seasonal average of the last k = 4 seasons (fewer when the history is shorter);
- Holt-Winters, additive with a damped additive trend (statsmodels' ExponentialSmoothing, α, β, γ, φ fitted by
  minimising one-step squared error from statsmodels' default starting values, without its brute-force grid; the
  initial states fitted too on up to 20 weeks, by the heuristic beyond, so a fit on two years of hourly data takes
  under a second);
- double seasonal: MSTL with the daily and weekly periods, each seasonal component carried forward from its last
  cycle, the rest (trend + remainder) by damped Holt.

Holt-Winters and the double-seasonal model need two full weeks of training history in every backtest fold; with less,
only the seasonal models are tried. Holidays and spikes are flagged and replaced by seasonal-naive values before any
fit. Forecasts are clamped at ≥ 0. The backtest is rolling-origin: each fold trains on everything before its origin and
forecasts the week after it; accuracy is pooled over the folds at the interval and at the day grain. The model with
the lowest interval WAPE is proposed; seasonal naive is always a candidate, so the proposal never loses to it; a tie
goes to the simpler model.

statsmodels (with numpy, scipy and pandas) is imported only when a fit runs: the worker pays for it, web processes
do not.
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from opsdesk.workforce.accuracy import Accuracy, daily, measure

SEASONAL_NAIVE = "seasonal_naive"
SEASONAL_AVERAGE = "seasonal_average"
HOLT_WINTERS = "holt_winters"
DOUBLE_SEASONAL = "double_seasonal"
MODELS = (SEASONAL_NAIVE, SEASONAL_AVERAGE, HOLT_WINTERS, DOUBLE_SEASONAL)  # simplest first: ties go to the earlier
FITTED = (HOLT_WINTERS, DOUBLE_SEASONAL)
NAMES = {
    SEASONAL_NAIVE: _("Seasonal naive"),
    SEASONAL_AVERAGE: _("Seasonal average"),
    HOLT_WINTERS: _("Holt-Winters"),
    DOUBLE_SEASONAL: _("Double seasonal (MSTL)"),
}
AVERAGE_SEASONS = 4
FOLDS = 3
ESTIMATED_UP_TO = 20  # seasons: Holt-Winters fits its initial states up to this length, else takes the heuristic's
SPIKE_SPREAD = 5.0  # a spike lies this many robust deviations (at least √median and 1) above its position's median


class NotEnoughHistory(ValueError):
    pass


@dataclass(frozen=True)
class Grid:
    per_day: int

    @property
    def season(self) -> int:
        return 7 * self.per_day


def flag_spikes(history: Sequence[float], season: int) -> list[bool]:
    """Intervals far above the usual volume at their position of the week: y > median_p + 5·max(1.4826·MAD_p,
    √median_p, 1), over the positions' values in the history."""
    by_position: dict[int, list[float]] = {}
    for t, y in enumerate(history):
        by_position.setdefault(t % season, []).append(y)
    limits = {}
    for position, values in by_position.items():
        median = statistics.median(values)
        mad = statistics.median(abs(v - median) for v in values)
        limits[position] = median + SPIKE_SPREAD * max(1.4826 * mad, math.sqrt(median), 1.0)
    return [y > limits[t % season] for t, y in enumerate(history)]


def clean(history: Sequence[float], flagged: Sequence[bool], season: int) -> list[float]:
    """Flagged intervals replaced by the seasonal-naive value: the same position a week earlier (further back while
    that one is flagged too), or the first unflagged later week when there is no earlier one."""
    values = list(history)
    for t, bad in enumerate(flagged):
        if not bad:
            continue
        source = t - season
        while source >= 0 and flagged[source]:
            source -= season
        if source < 0:
            source = t + season
            while source < len(values) and flagged[source]:
                source += season
        if 0 <= source < len(values):
            values[t] = values[source]
    return values


def predict(model: str, history: Sequence[float], grid: Grid, horizon: int) -> list[float]:
    m = grid.season
    if len(history) < m:
        raise NotEnoughHistory(model)
    if model == SEASONAL_NAIVE:
        last = list(history[-m:])
        found = [last[h % m] for h in range(horizon)]
    elif model == SEASONAL_AVERAGE:
        seasons = min(AVERAGE_SEASONS, len(history) // m)
        found = []
        for h in range(horizon):
            first = h // m + 1  # the most recent season before the origin with this position
            sources = [len(history) + h - (first + j) * m for j in range(seasons)]
            kept = [history[i] for i in sources if i >= 0]
            found.append(sum(kept) / len(kept))
    elif model == HOLT_WINTERS:
        found = _holt_winters(history, m, horizon)
    elif model == DOUBLE_SEASONAL:
        found = _double_seasonal(history, grid, horizon)
    else:
        raise ValueError(model)
    return [max(0.0, float(v)) for v in found]


def _holt_winters(history: Sequence[float], m: int, horizon: int) -> list[float]:
    if len(history) < 2 * m:
        raise NotEnoughHistory(HOLT_WINTERS)
    import numpy as np
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(
            np.asarray(history, dtype=float),
            trend="add",
            damped_trend=True,
            seasonal="add",
            seasonal_periods=m,
            # the initial states fitted with the rest on up to 20 weeks (the heuristic's start from the first
            # seasons left the demo's phone forecast 65 % short after a quiet weekend); the heuristic on longer
            # histories, where fitting 168–672 seasonal states would take too long and the start matters little
            initialization_method="estimated" if len(history) <= ESTIMATED_UP_TO * m else "heuristic",
        ).fit(use_brute=False)  # the brute-force start grid costs 20× the time for the same squared error
        return list(fit.forecast(horizon))


def _double_seasonal(history: Sequence[float], grid: Grid, horizon: int) -> list[float]:
    m = grid.season
    if len(history) < 2 * m + 1:
        raise NotEnoughHistory(DOUBLE_SEASONAL)
    import numpy as np
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from statsmodels.tsa.seasonal import MSTL

    y = np.asarray(history, dtype=float)
    periods = (grid.per_day, m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        decomposed = MSTL(y, periods=periods).fit()
        seasonal = np.asarray(decomposed.seasonal).reshape(len(y), len(periods))
        rest = y - seasonal.sum(axis=1)
        level = ExponentialSmoothing(rest, trend="add", damped_trend=True, initialization_method="estimated").fit(
            use_brute=False
        )
        found = np.asarray(level.forecast(horizon), dtype=float)
    n = len(y)
    for column, period in enumerate(periods):
        last = seasonal[n - period :, column]
        found = found + np.array([last[h % period] for h in range(horizon)])
    return list(found)


def candidates(length: int, grid: Grid) -> list[str]:
    """The models the backtest can try on a history of `length` intervals: the fitted ones only when every fold
    trains on two full weeks."""
    m = grid.season
    if length < m:
        return []
    models = [SEASONAL_NAIVE, SEASONAL_AVERAGE]
    if length - FOLDS * m >= 2 * m + 1:
        models += list(FITTED)
    return models


@dataclass(frozen=True)
class Backtest:
    model: str
    interval: Accuracy
    day: Accuracy

    def as_json(self) -> dict[str, Any]:
        return {"model": self.model, "interval": self.interval.as_json(), "day": self.day.as_json()}


def backtest(history: Sequence[float], grid: Grid, models: Sequence[str] | None = None) -> list[Backtest]:
    """Rolling-origin backtest: up to FOLDS origins a week apart at the end of the history, each forecasting the
    following week; accuracy pooled over the folds."""
    m = grid.season
    folds = min(FOLDS, len(history) // m - 1)
    if folds < 1:
        return []
    chosen = list(models) if models is not None else candidates(len(history), grid)
    found = []
    for model in chosen:
        actual: list[float] = []
        forecast: list[float] = []
        try:
            for fold in range(folds, 0, -1):
                origin = len(history) - fold * m
                forecast += predict(model, history[:origin], grid, m)
                actual += list(history[origin : origin + m])
        except NotEnoughHistory:
            continue
        found.append(
            Backtest(
                model=model,
                interval=measure(actual, forecast),
                day=measure(daily(actual, grid.per_day), daily(forecast, grid.per_day)),
            )
        )
    return found


def choose(results: Sequence[Backtest]) -> str:
    """The model with the lowest interval WAPE (ties to the simpler); seasonal naive without any measurable result."""
    scored = [r for r in results if r.interval.wape is not None]
    if not scored:
        return SEASONAL_NAIVE
    return min(scored, key=lambda r: (r.interval.wape, MODELS.index(r.model))).model
